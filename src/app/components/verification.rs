//! The verification section: the seed's closing checks on the workshop's files, and a
//! certificate made elsewhere, decoded and tried against both CAs.

use super::field::{error_of, Field, FieldAction, FieldKind};
use super::page::use_page;
use super::shared::Shared;
use super::shown::Products;
use crate::app::browser::{next_task, Browser};
use crate::app::run::core_reply;
use crate::app::state::{self, AppState};
use crate::clock::unix_now;
use crate::pki::verdicts::Verdicts;
use crate::workshop::protocol::{Reply, Work};
use crate::workshop::revocation::Freshness;
use crate::workshop::{self, commands, CertificateCheck, CrlCheck, WorkshopFiles};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct VerificationProps {
    pub products: Products,
}

/// What the core module found for these files.
type Judged = (
    Rc<WorkshopFiles>,
    Result<Option<Rc<workshop::Verification>>, String>,
);

/// The seed's verification section, live: the core module checks the files again whenever
/// they change.
#[function_component(Verification)]
pub fn verification(props: &VerificationProps) -> Html {
    let workshop = &props.products.workshop;
    let files = Rc::new(workshop.files());
    let judged = use_state(|| None::<Judged>);
    let asked = use_mut_ref(|| 0u64);
    {
        let (judged, asked) = (judged.clone(), asked.clone());
        use_effect_with(files.clone(), move |files| {
            let mine = {
                let mut asked = asked.borrow_mut();
                *asked += 1;
                *asked
            };
            let files = files.clone();
            let work = Work::Verify {
                files: (*files).clone(),
                now: unix_now(),
            };
            crate::app::turns::spawn_follow_up(async move {
                // Asked in a task of its own: the render that changed the files is one already.
                next_task().await;
                let found = core_reply(&Browser, work, |reply| match reply {
                    Reply::Verification(report) => Some(report.map(Rc::from)),
                    _ => None,
                });
                let found = found.await.map_err(|e| e.to_string());
                // Only the latest files' checks are shown.
                if *asked.borrow() == mine {
                    judged.set(Some((files, found)));
                }
            });
        });
    }
    let report = match &*judged {
        Some((judged_files, found)) if *judged_files == files => found,
        _ => return html! { <p class="muted">{"Checking the files…"}</p> },
    };
    let report = match report {
        Ok(Some(report)) => report,
        Ok(None) => return html! { <p class="muted">{"Run steps 5 to 7 to see these checks."}</p> },
        Err(e) => {
            return html! { <p class="error">{ format!("The checks could not run: {e}") }</p> }
        }
    };
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    let shown = commands::verification_checks(&workshop.settings);
    let mirrors = |commands: &[String]| {
        html! {
            <div class="mirrors"><span class="muted">{"openssl: "}</span>{ for commands.iter().map(|c| html! { <code class="mono">{ c.clone() }</code> }) }</div>
        }
    };
    let chain = |title: &str, result: &Result<Vec<String>, String>, command: &String| match result {
        Ok(subjects) => html! {
            <div class="check ok">
                <h3>{ format!("✓ {title}: verified") }</h3>
                <ol start="0" class="chain">{ for subjects.iter().map(|sub| html! { <li class="mono">{ sub.clone() }</li> }) }</ol>
                { mirrors(std::slice::from_ref(command)) }
            </div>
        },
        Err(e) => html! {
            <div class="check bad"><h3>{ format!("✗ {title}") }</h3><p>{ e.clone() }</p>{ mirrors(std::slice::from_ref(command)) }</div>
        },
    };
    let labels = [
        "client_b.key",
        "client_b_to_client_c.csr",
        "client_b_signed_by_client_c.crt",
    ];
    let matches = report.keys_match();
    html! {
        <div class="result verification-result">
            <div class={classes!("check", if matches { "ok" } else { "bad" })}>
                <h3>{ format!("{} Key, CSR and certificate hold the same public key", mark(matches)) }</h3>
                <table class="hashes">
                    <thead><tr><th scope="col">{"File"}</th><th scope="col">{"SHA-256 of the public key"}</th></tr></thead>
                    <tbody>{ for labels.iter().zip(report.key_hashes.iter()).map(|(l, h)| html! { <tr><td class="mono">{ *l }</td><td class="mono">{ h.clone() }</td></tr> }) }</tbody>
                </table>
                if let Some(moduli) = &report.modulus_hashes {
                    <table class="hashes">
                        <thead><tr><th scope="col">{"File"}</th><th scope="col">{"SHA-256 of the RSA modulus line (the seed's check)"}</th></tr></thead>
                        <tbody>{ for labels.iter().zip(moduli.iter()).map(|(l, h)| html! { <tr><td class="mono">{ *l }</td><td class="mono">{ h.clone() }</td></tr> }) }</tbody>
                    </table>
                }
                { mirrors(&shown.key_hashes) }
                if let Some(moduli) = &shown.modulus_hashes {
                    { mirrors(moduli) }
                }
            </div>
            { chain("Client B's certificate chains to Client C's root (clientAuth)", &report.client_chain, &shown.client_chain) }
            { chain("Client C's server certificate chains to Client C's root (serverAuth)", &report.server_chain, &shown.server_chain) }
            <div class={classes!("check", if report.valid_now { "ok" } else { "bad" })}>
                <h3>{ format!("{} Client B's certificate is valid now", mark(report.valid_now)) }</h3>
                <p class="mono">{ format!("notBefore={}", report.not_before) }<br/>{ format!("notAfter={}", report.not_after) }</p>
                { mirrors(std::slice::from_ref(&shown.dates)) }
            </div>
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct CheckProps {
    pub text: AttrValue,
    pub error: Option<AttrValue>,
    /// What the last check found.
    pub check: Option<Shared<CertificateCheck>>,
    pub crl: CheckCrlProps,
}

impl CheckProps {
    pub fn of(s: &AppState) -> Self {
        CheckProps {
            text: s.check_text.clone().into(),
            error: error_of(s, state::CHECK_CERT_INPUT),
            check: s.check.clone().map(Shared),
            crl: CheckCrlProps {
                text: s.crl_text.clone().into(),
                error: error_of(s, state::CHECK_CRL_INPUT),
                check: s.crl_check.clone().map(Shared),
            },
        }
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct CheckCrlProps {
    pub text: AttrValue,
    pub error: Option<AttrValue>,
    pub check: Option<Shared<CrlCheck>>,
}

/// "Check a certificate": paste or upload one, see it decoded and tried against both CAs.
#[function_component(CheckCertificate)]
pub fn check_certificate(props: &CheckProps) -> Html {
    let page = use_page();
    let id = state::CHECK_CERT_INPUT;
    let onclick = Callback::from(move |_| page.check_certificate());
    html! {
        <details class="import" id="check-certificate">
            <summary>{"Check a certificate made elsewhere"}</summary>
            <Field {id} label="Certificate (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::CheckText}
                value={props.text.clone()} error={props.error.clone()} upload="a certificate file" />
            <button type="button" {onclick}>{"Decode and verify"}</button>
            if let Some(check) = &props.check {
                <CheckResult check={check.clone()} />
            }
            <CheckCrl ..props.crl.clone() />
        </details>
    }
}

/// A CRL made elsewhere: which of C's CAs signed it, whether it is current, what it lists.
#[function_component(CheckCrl)]
fn check_crl(props: &CheckCrlProps) -> Html {
    let page = use_page();
    let id = state::CHECK_CRL_INPUT;
    let onclick = Callback::from(move |_| page.check_crl());
    html! {
        <div class="check-crl">
            <h3>{"A CRL, checked against Client C's CAs"}</h3>
            <p class="help">{"The page finds which of C's CAs issued it and checks its signature with that CA's public key, as openssl crl -CAfile does, then reads its dates, its number, the serials it lists, and whether B's current certificate is one of them."}</p>
            <Field {id} label="CRL (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::CrlText}
                value={props.text.clone()} error={props.error.clone()} upload="a CRL file" />
            <button type="button" {onclick}>{"Check the CRL"}</button>
            if let Some(check) = &props.check {
                <div class="crl-checked" id="crl-check-result">
                    <div class="check ok"><p>{ format!("✓ {}", check.signature_line()) }</p></div>
                    <div class={classes!("check", match check.freshness {
                        Freshness::Current => "ok",
                        Freshness::Expired | Freshness::NotYetValid => "bad",
                        Freshness::NoNextUpdate => "",
                    })}><p>{ check.freshness_line() }</p></div>
                    <p>{ check.number_line() }</p>
                    <p>{ check.revoked_line() }</p>
                    <p class="crl-b">{ check.b_line() }</p>
                    { super::revocation::crl_view("The CRL, as openssl crl -text shows it", &check.crl) }
                </div>
            }
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct CheckResultProps {
    check: Shared<CertificateCheck>,
}

/// A checked certificate: decoded, then judged for each CA and each TLS role.
#[function_component(CheckResult)]
fn check_result(props: &CheckResultProps) -> Html {
    let check = &props.check;
    let view = &check.view;
    html! {
        <div class="cert checked">
            <h3>{ view.subject.clone() }</h3>
            <dl>
                <dt>{"Issuer"}</dt><dd>{ view.issuer.clone() }</dd>
                <dt>{"Validity"}</dt><dd>{ format!("{} → {}", view.not_before, view.not_after) }</dd>
                <dt>{"Public key"}</dt><dd>{ view.public_key.clone() }</dd>
            </dl>
            <ul class="extensions">
                { for view.extensions.iter().map(|e| html! { <li>{ format!("{}{}: {}", e.name, if e.critical { " (critical)" } else { "" }, e.value) }</li> }) }
            </ul>
            { for check.chains.iter().map(|c| html! {
                <div class="check-ca">
                    <h4>{ format!("Against {}", c.ca) }</h4>
                    { verdicts("client", &c.client_auth) }
                    { verdicts("server", &c.server_auth) }
                </div>
            }) }
        </div>
    }
}

/// One role judged twice: by webpki, as rustls checks a peer, and by `openssl verify`, as
/// nginx and curl do. Where only one of them accepts it, a note says why.
fn verdicts(role: &str, v: &Verdicts) -> Html {
    let purpose = crate::pki::openssl_verdict::purpose(v.usage);
    let webpki = match &v.webpki {
        Ok(chain) => html! {
            <p>{ format!("webpki (rustls): ✓ verifies ({} certificates up to the root)", chain.len()) }</p>
        },
        Err(e) => html! {
            <p>
                { format!("webpki (rustls): ✗ {e}") }
                <small class="rustls-name">{"webpki: "}<code>{ e.webpki_name.clone() }</code></small>
            </p>
        },
    };
    let openssl = match (v.openssl.first(), &v.openssl.unjudged) {
        (None, Some(why)) => html! {
            <p>{ format!("openssl verify -purpose {purpose}: ") }<span class="muted">{ format!("this page cannot tell: {why}") }</span></p>
        },
        _ => html! {
            <p>{ format!("openssl verify -purpose {purpose}: ") }<code class="mono">{ v.openssl.line() }</code></p>
        },
    };
    html! {
        <div class="check-purpose">
            <h5>{ format!("For {role} authentication") }</h5>
            { webpki }
            { openssl }
            if let Some(note) = &v.disagreement {
                <p class="check bad disagree" role="note"><strong>{"⚠ They disagree. "}</strong>{ note.clone() }</p>
            }
        </div>
    }
}
