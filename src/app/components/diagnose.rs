//! "Diagnose your files": the form for a server's and a client's own files, sent to the core
//! worker as one job; what comes back is drawn by `diagnosis`.

use super::diagnosis::{DiagnosisView, MessageLookup};
use super::upload::{pem_too_big, read_chosen};
use crate::app::browser::Browser;
use crate::app::run::core_reply;
use crate::diagnose::{DiagnoseJob, Diagnosis, Field, FieldId, Role, SideFiles, MAX_PKCS12_BYTES};
use crate::pki::pem::MAX_PEM_BYTES;
use crate::workshop::protocol::{Reply, Work};
use serde_bytes::ByteBuf;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The form's content, and refusals made in the page before anything is sent.
#[derive(Clone, Default, PartialEq)]
struct Form {
    job: DiagnoseJob,
    p12_names: [Option<String>; 2],
    local_errors: Vec<(FieldId, String)>,
    /// Counts changes, so a diagnosis of older files says so.
    generation: u64,
}

enum Edit {
    Text(FieldId, String),
    Passphrase(Role, String),
    ServerName(String),
    Pkcs12(Role, Option<(String, Vec<u8>)>),
    Refuse(FieldId, String),
}

impl Reducible for Form {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut form = (*self).clone();
        form.generation += 1;
        let clear = |form: &mut Form, id: FieldId| form.local_errors.retain(|(f, _)| *f != id);
        match edit {
            Edit::Text(id, text) => {
                clear(&mut form, id);
                let side = side_mut(&mut form.job, id.role);
                match id.field {
                    Field::Certificates => side.certificates = text,
                    Field::Key => side.key = text,
                    Field::Trusted => side.trusted = text,
                    Field::Pkcs12 => {}
                }
            }
            Edit::Passphrase(role, text) => side_mut(&mut form.job, role).passphrase = text,
            Edit::ServerName(name) => form.job.server_name = name,
            Edit::Pkcs12(role, file) => {
                clear(
                    &mut form,
                    FieldId {
                        role,
                        field: Field::Pkcs12,
                    },
                );
                form.p12_names[index(role)] = file.as_ref().map(|(name, _)| name.clone());
                side_mut(&mut form.job, role).pkcs12 = file.map(|(_, bytes)| ByteBuf::from(bytes));
            }
            Edit::Refuse(id, why) => {
                clear(&mut form, id);
                form.local_errors.push((id, why));
            }
        }
        Rc::new(form)
    }
}

fn index(role: Role) -> usize {
    match role {
        Role::Server => 0,
        Role::Client => 1,
    }
}

fn side_mut(job: &mut DiagnoseJob, role: Role) -> &mut SideFiles {
    match role {
        Role::Server => &mut job.server,
        Role::Client => &mut job.client,
    }
}

fn side(job: &DiagnoseJob, role: Role) -> &SideFiles {
    match role {
        Role::Server => &job.server,
        Role::Client => &job.client,
    }
}

/// The id of a field's input, for its label and the tests.
pub fn input_id(id: FieldId) -> String {
    let field = match id.field {
        Field::Certificates => "certificates",
        Field::Key => "key",
        Field::Trusted => "trusted",
        Field::Pkcs12 => "pkcs12",
    };
    format!("diagnose-{}-{field}", id.role.noun())
}

/// Where a diagnosis stands.
#[derive(Clone, PartialEq)]
pub enum Judged {
    Idle,
    Running,
    Done {
        diagnosis: Rc<Diagnosis>,
        generation: u64,
    },
    Failed(String),
}

#[function_component(Diagnose)]
pub fn diagnose() -> Html {
    let form = use_reducer(Form::default);
    let judged = use_state(|| Judged::Idle);
    let message = use_state(String::new);
    let run = {
        let (form, judged) = (form.clone(), judged.clone());
        Callback::from(move |_: MouseEvent| {
            let mut job = form.job.clone();
            job.now = crate::clock::unix_now();
            let generation = form.generation;
            let judged = judged.clone();
            judged.set(Judged::Running);
            yew::platform::spawn_local(async move {
                let diagnosis = core_reply(&Browser, Work::Diagnose(job), |reply| match reply {
                    Reply::Diagnosis(diagnosis) => Some(diagnosis),
                    _ => None,
                });
                judged.set(match diagnosis.await {
                    Ok(diagnosis) => Judged::Done {
                        diagnosis: Rc::new(*diagnosis),
                        generation,
                    },
                    Err(e) => Judged::Failed(e.to_string()),
                });
            });
        })
    };
    let done = match &*judged {
        Judged::Done {
            diagnosis,
            generation,
        } => Some((diagnosis.clone(), *generation)),
        _ => None,
    };
    let error_of = |id: FieldId| -> Option<String> {
        form.local_errors
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, why)| why.clone())
            .or_else(|| {
                done.as_ref()
                    .and_then(|(d, _)| d.field_error(id).map(str::to_string))
            })
    };
    let blocks_of = |id: FieldId| -> Vec<crate::diagnose::BlockNote> {
        done.as_ref()
            .and_then(|(d, _)| d.fields.iter().find(|f| f.id == id))
            .map(|f| f.blocks.clone())
            .unwrap_or_default()
    };
    let side_html = |role: Role| {
        let files = side(&form.job, role);
        let text_field = |field: Field, label: String, value: &str, hint: &str| {
            let id = FieldId { role, field };
            html! {
                <TextField {id} {label} value={value.to_string()} hint={hint.to_string()}
                    error={error_of(id)} blocks={blocks_of(id)} form={form.dispatcher()} />
            }
        };
        let who = match role {
            Role::Server => "Server",
            Role::Client => "Client",
        };
        let passphrase_id = format!("diagnose-{}-passphrase", role.noun());
        let on_passphrase = {
            let form = form.dispatcher();
            Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                form.dispatch(Edit::Passphrase(role, input.value()));
            })
        };
        let p12 = FieldId {
            role,
            field: Field::Pkcs12,
        };
        let (trust_label, trust_hint) = match role {
            Role::Server => (
                "CAs the server trusts for client certificates",
                "s_server -CAfile, nginx ssl_client_certificate",
            ),
            Role::Client => (
                "CAs the client trusts for the server",
                "s_client -CAfile, curl --cacert",
            ),
        };
        html! {
            <fieldset class="diagnose-side">
                <legend>{ format!("{who}'s files") }</legend>
                { text_field(Field::Certificates, format!("{who} certificate, then its chain (PEM)"), &files.certificates, "Its own certificate first, then the intermediates; a key may be in the same file.") }
                { text_field(Field::Key, format!("{who} private key (PEM)"), &files.key, "PKCS#8 (plain or encrypted), PKCS#1, SEC1 or legacy encrypted PEM.") }
                <div class="field">
                    <label for={passphrase_id.clone()}>{ format!("{who} key or PKCS#12 passphrase") }</label>
                    <input id={passphrase_id} type="password" autocomplete="off" value={files.passphrase.clone()} oninput={on_passphrase} />
                </div>
                <Pkcs12Field id={p12} name={form.p12_names[index(role)].clone()} error={error_of(p12)} blocks={blocks_of(p12)} form={form.dispatcher()} />
                { text_field(Field::Trusted, trust_label.to_string(), &files.trusted, trust_hint) }
                if role == Role::Client {
                    <div class="field">
                        <label for="diagnose-server-name">{"Server name the client connects to"}</label>
                        <input id="diagnose-server-name" type="text" spellcheck="false" value={form.job.server_name.clone()}
                            oninput={ let form = form.dispatcher(); Callback::from(move |e: InputEvent| {
                                let input: HtmlInputElement = e.target_unchecked_into();
                                form.dispatch(Edit::ServerName(input.value()));
                            }) } />
                    </div>
                }
            </fieldset>
        }
    };
    let on_message = {
        let message = message.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            message.set(input.value());
        })
    };
    html! {
        <section class="diagnose" id="diagnose" aria-labelledby="diagnose-title">
            <h2 id="diagnose-title">{"Diagnose your own files"}</h2>
            <p class="why">{"Bring a server's and a client's files: the checks below run first, then the same rustls handshake as the lab, over TLS 1.3 and TLS 1.2, with your files on both sides. Private keys are needed only for the handshake; the chain and name checks run with certificates alone."}</p>
            <p class="privacy">{"Nothing you give here leaves this tab: the page makes no request, and these files are kept in memory only, never saved. Reloading the page forgets them."}</p>
            <div class="diagnose-sides">
                { side_html(Role::Server) }
                { side_html(Role::Client) }
            </div>
            <p>
                <button class="primary" id="diagnose-run" onclick={run} disabled={*judged == Judged::Running}>{"Diagnose"}</button>
                <span role="status" aria-live="polite" class="muted">{ match &*judged {
                    Judged::Running => " Checking the files and running the handshakes…".to_string(),
                    Judged::Done { generation, .. } if *generation != form.generation => " The files changed since this diagnosis: run it again.".to_string(),
                    _ => String::new(),
                } }</span>
            </p>
            { match &*judged {
                Judged::Done { diagnosis, .. } => html! { <DiagnosisView diagnosis={diagnosis.clone()} /> },
                Judged::Failed(why) => html! { <p class="error" role="alert">{ format!("The diagnosis could not run: {why}") }</p> },
                _ => html! {},
            } }
            <h3>{"An error you were given"}</h3>
            <div class="field">
                <label for="diagnose-message">{"Paste an error message or a TLS alert number"}</label>
                <textarea id="diagnose-message" rows="3" spellcheck="false" value={(*message).clone()} oninput={on_message}
                    placeholder="tls: unknown certificate authority · PKIX path building failed · 400 No required SSL certificate was sent · alert 116" />
            </div>
            <MessageLookup message={(*message).clone()} />
        </section>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct TextFieldProps {
    id: FieldId,
    label: String,
    value: String,
    hint: String,
    error: Option<String>,
    blocks: Vec<crate::diagnose::BlockNote>,
    form: UseReducerDispatcher<Form>,
}

/// A text area for PEM, with an upload beside it, its refusal and the blocks it held.
#[function_component(TextField)]
fn text_field(props: &TextFieldProps) -> Html {
    let id = props.id;
    let input_id = input_id(id);
    let error_id = format!("{input_id}-error");
    let oninput = {
        let form = props.form.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            form.dispatch(Edit::Text(id, input.value()));
        })
    };
    let onchange = {
        let form = props.form.clone();
        Callback::from(move |e: Event| {
            let form = form.clone();
            read_chosen(&e, MAX_PEM_BYTES, pem_too_big, move |read| {
                form.dispatch(match read {
                    Ok((_, bytes)) => Edit::Text(id, String::from_utf8_lossy(&bytes).into_owned()),
                    Err(why) => Edit::Refuse(id, why),
                })
            });
        })
    };
    html! {
        <div class="field">
            <label for={input_id.clone()}>{ props.label.clone() }</label>
            <textarea id={input_id.clone()} rows="4" spellcheck="false" value={props.value.clone()} {oninput}
                aria-invalid={props.error.is_some().then_some("true")} aria-describedby={props.error.is_some().then(|| error_id.clone())} />
            <small class="muted">{ props.hint.clone() }</small>
            <label class="upload">{"Or upload a file: "}
                <input type="file" accept=".pem,.crt,.cer,.key,.txt" aria-label={format!("Upload: {}", props.label)} {onchange} />
            </label>
            if let Some(error) = &props.error { <p class="error" id={error_id} role="alert">{ error.clone() }</p> }
            { blocks_view(&props.blocks) }
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct Pkcs12FieldProps {
    id: FieldId,
    name: Option<String>,
    error: Option<String>,
    blocks: Vec<crate::diagnose::BlockNote>,
    form: UseReducerDispatcher<Form>,
}

/// A PKCS#12 file in place of the certificates and the key.
#[function_component(Pkcs12Field)]
fn pkcs12_field(props: &Pkcs12FieldProps) -> Html {
    let id = props.id;
    let input_id = input_id(id);
    let onchange = {
        let form = props.form.clone();
        Callback::from(move |e: Event| {
            let form = form.clone();
            read_chosen(&e, MAX_PKCS12_BYTES, pkcs12_too_big, move |read| {
                form.dispatch(match read {
                    Ok(file) => Edit::Pkcs12(id.role, Some(file)),
                    Err(why) => Edit::Refuse(id, why),
                })
            });
        })
    };
    let clear = {
        let form = props.form.clone();
        Callback::from(move |_: MouseEvent| form.dispatch(Edit::Pkcs12(id.role, None)))
    };
    let who = match id.role {
        Role::Server => "Server",
        Role::Client => "Client",
    };
    html! {
        <div class="field">
            <label for={input_id.clone()}>{ format!("Or a {} PKCS#12 file (.p12, .pfx), opened with the passphrase", who.to_lowercase()) }</label>
            <input id={input_id} type="file" accept=".p12,.pfx" {onchange} />
            if let Some(name) = &props.name {
                <p class="muted">{ format!("{name} is loaded; it takes the place of the certificates and key above. ") }
                    <button type="button" onclick={clear}>{"Remove it"}</button></p>
            }
            if let Some(error) = &props.error { <p class="error" role="alert">{ error.clone() }</p> }
            { blocks_view(&props.blocks) }
        </div>
    }
}

fn pkcs12_too_big(kib: f64) -> String {
    format!(
        "The file is {} KiB; a PKCS#12 file of a key and its chain is a few KiB (limit {} KiB).",
        crate::text::whole(kib),
        MAX_PKCS12_BYTES / 1024
    )
}

fn blocks_view(blocks: &[crate::diagnose::BlockNote]) -> Html {
    if blocks.is_empty() {
        return html! {};
    }
    html! {
        <ol class="blocks">
            { for blocks.iter().map(|b| html! { <li><span class={classes!("block-kind", b.kind.label())}>{ b.kind.label() }</span>{" "}{ b.name.clone() }</li> }) }
        </ol>
    }
}
