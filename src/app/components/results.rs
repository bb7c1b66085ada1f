//! A step's result: its certificate or CSR decoded, its files to download (with their DER
//! forms), step 6's chain file and PKCS#12 files; and the archive of every file.

use super::field::{Field, FieldAction, FieldKind};
use super::handshake::Handshakes;
use super::page::use_page;
use super::shared::Runs;
use super::shown::{Products, Shown};
use crate::app::browser::{self, next_task, Browser, ObjectUrl};
use crate::app::run::core_reply;
use crate::app::state::{self, Action, P12File, P12Kind};
use crate::pki::{inspect, pkcs12::Flavour};
use crate::workshop::export::ExportFile;
use crate::workshop::protocol::{Reply, Work};
use crate::workshop::{export, ArtifactKind, ArtifactSpec, Party, StepId, Workshop};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct StepResultProps {
    pub step: StepId,
    pub shown: Shown,
    /// Step 8's runs.
    pub runs: Runs,
}

/// The decoded files change only with the products, the downloads also with the step's own
/// key file, the PKCS#12 links with theirs: each part is its own component, so a key file
/// landing redraws only the list it is in.
#[function_component(StepResult)]
pub fn step_result(props: &StepResultProps) -> Html {
    let (step, shown) = (props.step, &props.shown);
    if step == StepId::Handshake {
        return html! { <Handshakes runs={props.runs.clone()} version={shown.products.generation()} /> };
    }
    let artifacts = shown.workshop().artifacts(step);
    if artifacts.is_empty() {
        return html! {};
    }
    let products = shown.products.clone();
    let keys: KeyPems = artifacts
        .iter()
        .filter_map(|spec| match spec.kind {
            ArtifactKind::Key(party) => Some((spec.path, key_pem(shown, spec.path, party))),
            _ => None,
        })
        .collect();
    html! {
        <div class="result">
            <Decoded {step} products={products.clone()} />
            <h3>{"Files"}</h3>
            <ul class="downloads">
                <Downloads {step} products={products.clone()} {keys} />
            </ul>
            if step == StepId::CSignsB {
                <ChainFile {products} />
            }
        </div>
    }
}

/// A key's file, or why it is not ready.
fn key_pem(shown: &Shown, path: &str, party: Party) -> Result<AttrValue, &'static str> {
    match shown.key_file(path, party) {
        Some(file) => Ok(file.pem.clone().into()),
        None if shown.protection.check().is_err() => Err("needs a valid key passphrase"),
        None => Err("encrypting…"),
    }
}

#[derive(Properties, Clone, PartialEq)]
struct DecodedProps {
    step: StepId,
    products: Products,
}

/// The step's certificate, or step 5's CSR, decoded.
#[function_component(Decoded)]
fn decoded(props: &DecodedProps) -> Html {
    let (step, workshop) = (props.step, &props.products.workshop);
    let mut shown_certs = Vec::new();
    html! {
        { for workshop.artifacts(step).iter().filter_map(|spec| match spec.kind {
            ArtifactKind::Certificate(party) if !shown_certs.contains(&party) => {
                shown_certs.push(party);
                Some(certificate_view(workshop, party))
            }
            ArtifactKind::Csr(party) if step == StepId::BCsr && !shown_certs.contains(&party) => {
                shown_certs.push(party);
                Some(csr_view(workshop, party))
            }
            _ => None,
        }) }
    }
}

/// A step's key files by path, or why each is not ready.
type KeyPems = Vec<(&'static str, Result<AttrValue, &'static str>)>;

#[derive(Properties, Clone, PartialEq)]
struct DownloadsProps {
    step: StepId,
    products: Products,
    keys: KeyPems,
}

/// Each of the step's files, as a download.
#[function_component(Downloads)]
fn downloads(props: &DownloadsProps) -> Html {
    let workshop = &props.products.workshop;
    html! {
        { for workshop.artifacts(props.step).iter().map(|spec| download_item(workshop, &props.keys, spec)) }
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct Pkcs12Props {
    /// Whether B's certificate is there: the files are made from it.
    cert_ready: bool,
    /// Each file, where one is ready for the workshop and the export choices.
    files: Vec<(P12Kind, Option<P12File>)>,
    alias: AttrValue,
    include_root: bool,
    password: AttrValue,
    /// The field the export choices fail at, and why.
    export_error: Option<(&'static str, AttrValue)>,
    /// Why the worker could not make the files.
    failed: Option<AttrValue>,
}

impl Pkcs12Props {
    pub fn of(shown: &Shown) -> Self {
        Pkcs12Props {
            cert_ready: shown.workshop().certificate(Party::BClient).is_some(),
            files: P12Kind::ALL
                .into_iter()
                .map(|kind| (kind, shown.p12_file(kind).cloned()))
                .collect(),
            alias: shown.p12_alias.clone().into(),
            include_root: shown.p12_include_root,
            password: shown.p12_password.clone().into(),
            export_error: shown
                .p12_export
                .as_ref()
                .err()
                .map(|(field, why)| (*field, why.clone().into())),
            failed: shown
                .p12_error
                .as_ref()
                .map(|why| format!("could not be made: {why}").into()),
        }
    }
}

/// Which flavour imports where: one line a platform.
const IMPORTS: [(&str, &str); 5] = [
    ("Java", "Java 8u301 and later, and 11.0.12 and later, read both files; earlier Java 8 reads only the legacy one. Java reads the truststore with the same password."),
    ("macOS Keychain and iOS", "use the legacy file: older releases refuse the AES-256 one even with the right password."),
    ("Windows", "Windows 10 1709 and Windows Server 2019 import the AES-256 file; older Windows needs the legacy one."),
    ("Firefox", "imports both (Settings, Certificates, Your Certificates, Import)."),
    ("Chrome and Edge", "use the operating system's store: import the file there."),
];

/// Client B's key, certificate and chain in one PKCS#12 file, and C's CAs as a truststore.
/// Its fields are there before step 6 has run: fields that come and go with a run make the
/// browser's autofill look the whole page over.
#[function_component(Pkcs12Links)]
pub fn pkcs12_links(props: &Pkcs12Props) -> Html {
    let page = use_page();
    let what = |kind: P12Kind| match kind {
        P12Kind::Identity(Flavour::Modern) => "AES-256 and SHA-256, as OpenSSL 3 writes it",
        P12Kind::Identity(Flavour::Legacy) => {
            "3DES and SHA-1, for older macOS, iOS and Windows importers"
        }
        P12Kind::Truststore => "C's CAs as trusted entries, a Java truststore (AES-256)",
    };
    let links = props.files.iter().map(|(kind, file)| {
        let name = kind.file_name();
        match file {
            Some(file) => html! {
                <li><a class="download-p12" href={browser::data_url("application/x-pkcs12", &file.bytes)} download={name.clone()}>{ format!("Download {name}") }</a>{ format!(" ({})", what(*kind)) }</li>
            },
            None => {
                let why = props
                    .export_error
                    .as_ref()
                    .map(|(_, why)| why.as_str())
                    .or(props.failed.as_deref())
                    .unwrap_or(if props.cert_ready {
                        "preparing…"
                    } else {
                        "made once step 6 has run"
                    });
                html! { <li class="muted">{ format!("{name}: {why}") }</li> }
            }
        }
    });
    let error_at = |id: &str| {
        props
            .export_error
            .as_ref()
            .filter(|(field, _)| *field == id)
            .map(|(_, why)| why.clone())
    };
    let toggle_root = page.callback(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::SetP12IncludeRoot(input.checked())
    });
    html! {
        <>
            <h3>{"Client B's identity as PKCS#12"}</h3>
            <p class="help">{"The key, the certificate and C's chain in one file, for browsers, OS keychains and Java keystores; and C's CAs alone as a truststore for Java."}</p>
            <Field id={state::P12_ALIAS_INPUT} label="Alias (friendly name)" kind={FieldKind::Text} action={FieldAction::P12Alias}
                value={props.alias.clone()} error={error_at(state::P12_ALIAS_INPUT)}
                help={AttrValue::from("The name keytool -list and keychains show for B's entry.")} />
            <Field id={state::P12_PASSWORD_INPUT} label="Export password (empty: the key passphrase)" kind={FieldKind::Password { autocomplete: "new-password" }}
                action={FieldAction::P12Password} value={props.password.clone()} error={error_at(state::P12_PASSWORD_INPUT)} />
            <label class="check"><input type="checkbox" id="p12-root" checked={props.include_root} onchange={toggle_root} />{" Include C's root CA in B's chain (importers that already trust it can do without)"}</label>
            <ul class="downloads">{ for links }</ul>
            <ul class="help imports">{ for IMPORTS.iter().map(|(platform, line)| html! { <li><strong>{ *platform }</strong>{": "}{ *line }</li> }) }</ul>
        </>
    }
}

fn certificate_view(workshop: &Workshop, party: Party) -> Html {
    let Some(cert) = workshop.certificate(party) else {
        return html! {};
    };
    let view = match inspect::certificate(cert) {
        Ok(v) => v,
        Err(e) => return html! { <p class="error">{ e.to_string() }</p> },
    };
    html! {
        <div class="cert">
            <h3>{ party.label() }</h3>
            <dl>
                <dt>{"Version"}</dt><dd>{ format!("{} (0x{})", view.version, view.version - 1) }</dd>
                <dt>{"Subject"}</dt><dd>{ view.subject.clone() }</dd>
                <dt>{"Issuer"}</dt><dd>{ view.issuer.clone() }{ if view.self_issued { " (self-issued: its issuer is its own subject)" } else { "" } }</dd>
                <dt>{"Validity"}</dt><dd>{ format!("{} → {}", view.not_before, view.not_after) }</dd>
                <dt>{"Public key"}</dt><dd>{ view.public_key.clone() }</dd>
                <dt>{"Signature"}</dt><dd>{ view.signature_algorithm.clone() }</dd>
                <dt>{"Serial"}</dt><dd class="mono">{ view.serial.clone() }</dd>
            </dl>
            <h4>{"X509v3 extensions"}</h4>
            <ul class="extensions">
                { for view.extensions.iter().map(|e| html! {
                    <li><span class="ext-name">{ e.name.clone() }</span>{ if e.critical { " (critical)" } else { "" } }{": "}<span class="mono">{ e.value.clone() }</span>
                        <ul class="explain-ext">{ for e.explanation.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul>
                    </li>
                }) }
            </ul>
            <details><summary>{"Signature value"}</summary><p class="mono signature">{ view.signature.clone() }</p></details>
            <details><summary>{"PEM"}</summary><pre class="pem" tabindex="0">{ cert.to_pem() }</pre></details>
        </div>
    }
}

fn csr_view(workshop: &Workshop, party: Party) -> Html {
    let Some(csr) = workshop.csr(party) else {
        return html! {};
    };
    let Ok(view) = inspect::csr(csr) else {
        return html! {};
    };
    html! {
        <div class="cert">
            <h3>{"Client B's certificate signing request"}</h3>
            <dl>
                <dt>{"Version"}</dt><dd>{ format!("{} (0x0)", view.version) }</dd>
                <dt>{"Subject"}</dt><dd>{ view.subject.clone() }</dd>
                <dt>{"Public key"}</dt><dd>{ view.public_key.clone() }</dd>
                <dt>{"Signature"}</dt><dd>{ format!("{} (self-signature verified)", view.signature_algorithm) }</dd>
            </dl>
            if view.requested_extensions.is_empty() {
                <p class="help">{"No requested extensions: Client C's profile decides them all."}</p>
            } else {
                <h4>{"Requested extensions (Client C ignores them: its profile decides)"}</h4>
                <ul class="extensions">
                    { for view.requested_extensions.iter().map(|e| html! { <li>{ format!("{}{}: {}", e.name, if e.critical { " (critical)" } else { "" }, e.value) }<ul class="explain-ext">{ for e.explanation.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul></li> }) }
                </ul>
            }
            <details><summary>{"Signature value"}</summary><p class="mono signature">{ view.signature.clone() }</p></details>
            <details><summary>{"PEM"}</summary><pre class="pem" tabindex="0">{ csr.to_pem() }</pre></details>
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct ChainFileProps {
    products: Products,
}

/// Step 6's chain file decoded in its order: each certificate, its issuer, and whether the next
/// one issued it.
#[function_component(ChainFile)]
fn chain_file(props: &ChainFileProps) -> Html {
    let Some(pem) = props.products.workshop.public_pem(ArtifactKind::Chain) else {
        return html! {};
    };
    let view = match crate::pki::Certificate::all_from_pem(&pem)
        .and_then(|certs| inspect::chain_file(&certs))
    {
        Ok(view) => view,
        Err(e) => return html! { <p class="error">{ e.to_string() }</p> },
    };
    html! {
        <div class="chain-file">
            <h3>{"The chain file, in order"}</h3>
            <p class="help">{ match (view.entries.len(), view.in_order) {
                (1, _) => "client_c_ca_chain.crt holds one certificate.".to_string(),
                (n, true) => format!("client_c_ca_chain.crt holds {n} certificates, each issued by the one after it."),
                (n, false) => format!("client_c_ca_chain.crt holds {n} certificates, NOT each issued by the one after it."),
            } }</p>
            <ol class="chain-file">
                { for view.entries.iter().map(|e| html! {
                    <li>
                        <dl class="fields">
                            <dt>{"Subject"}</dt><dd>{ e.subject.clone() }</dd>
                            <dt>{"Issuer"}</dt><dd>{ e.issuer.clone() }{ if e.self_signed { " (self-issued: its issuer is its own subject)" } else { "" } }</dd>
                        </dl>
                        <p class={classes!("chain-link", match e.issued_by_next() { Some(false) => "bad", _ => "ok" })}>{ format!("{} {}", match e.issued_by_next() { Some(false) => "✗", _ => "✓" }, e.note) }</p>
                    </li>
                }) }
            </ol>
            <p class="help">{ inspect::CHAIN_ORDER_NOTE }</p>
        </div>
    }
}

fn download_item(workshop: &Workshop, keys: &KeyPems, spec: &ArtifactSpec) -> Html {
    let name = spec.file_name();
    let contents = match spec.kind {
        ArtifactKind::Key(_) => match keys.iter().find(|(path, _)| *path == spec.path) {
            Some((_, Ok(pem))) => Some(pem.to_string()),
            Some((_, Err(why))) => {
                return html! { <li><span class="path">{ spec.path }</span>{" "}<span class="muted">{ format!("{name}: {why}") }</span></li> };
            }
            None => None,
        },
        kind => workshop.public_pem(kind),
    };
    let Some(contents) = contents else {
        return html! {};
    };
    let href = browser::data_url("application/x-pem-file", contents.as_bytes());
    // DER for tools that want binary (Windows, Java keystores); a chain has no single DER form.
    let der = match spec.kind {
        ArtifactKind::Certificate(party) => workshop
            .certificate(party)
            .map(|c| (c.der().to_vec(), "application/pkix-cert")),
        ArtifactKind::Csr(party) => workshop
            .csr(party)
            .map(|c| (c.der().to_vec(), "application/pkcs10")),
        _ => None,
    };
    let der_link = der.map(|(bytes, mime)| {
        let der_name = match spec.kind {
            ArtifactKind::Csr(_) => format!("{name}.der"),
            _ => format!("{}.der", name.trim_end_matches(".crt")),
        };
        html! { <a class="download-der" href={browser::data_url(mime, &bytes)} download={der_name.clone()}>{ format!("DER: {der_name}") }</a> }
    });
    html! {
        <li><span class="path">{ spec.path }</span>{" "}<a class="download" href={href} download={name}>{ format!("Download {name}") }</a>{ for der_link }</li>
    }
}

/// The archive as the core module packed it: the link's URL, and how many files it holds.
struct Packed {
    href: Rc<ObjectUrl>,
    count: usize,
}

#[derive(Properties, Clone, PartialEq)]
pub struct ZipLinkProps {
    pub shown: Shown,
}

/// Every file in one archive, laid out as the seed's folders: a link, which the core module's
/// zip fills in the background whenever the tree changes.
#[function_component(ZipLink)]
pub fn zip_link(props: &ZipLinkProps) -> Html {
    let shown = &props.shown;
    let files = shown.tree_files().ok().map(Rc::new);
    // The tree it was made from, and the link's URL and file count or why it could not be made.
    let packed = use_state(|| None::<(Rc<Vec<ExportFile>>, Result<Packed, String>)>);
    {
        let packed = packed.clone();
        let settings = shown.workshop().settings.clone();
        use_effect_with(files.clone(), move |files| {
            if let Some(files) = files.clone() {
                crate::app::turns::spawn_follow_up(async move {
                    // Asked in a task of its own: the render that changed the tree is one already.
                    next_task().await;
                    let work = Work::TreeZip {
                        settings,
                        tree: files.to_vec(),
                    };
                    let zip = core_reply(&Browser, work, |reply| match reply {
                        Reply::TreeArchive { zip, files } => Some((zip, files)),
                        _ => None,
                    });
                    let made = zip
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|(zip, count)| {
                            let href = ObjectUrl::new("application/zip", &zip)?;
                            Ok(Packed {
                                href: Rc::new(href),
                                count,
                            })
                        });
                    packed.set(Some((files, made)));
                });
            }
        });
    }
    if shown.workshop().artifacts(StepId::CRoot).is_empty() {
        return html! { <span class="muted">{"mtls-workshop.zip appears here once a step has run."}</span> };
    }
    let Some(files) = files else {
        return match shown.protection.check() {
            Err(_) => {
                html! { <span class="muted">{"Set a valid key passphrase to download the archive."}</span> }
            }
            Ok(()) => html! { <span class="muted">{"Encrypting keys for the archive…"}</span> },
        };
    };
    match &*packed {
        Some((made_from, Ok(packed))) if *made_from == files => html! {
            <a class="download zip" id="zip-link" href={packed.href.as_str().to_string()} download={export::ZIP_NAME}>
                { format!("Download {} ({} files)", export::ZIP_NAME, packed.count) }
            </a>
        },
        Some((made_from, Err(e))) if *made_from == files => {
            html! { <p class="error">{ format!("{} could not be made: {e}", export::ZIP_NAME) }</p> }
        }
        _ => html! { <span class="muted">{ format!("Packing {}…", export::ZIP_NAME) }</span> },
    }
}
