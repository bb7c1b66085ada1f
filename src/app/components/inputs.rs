//! A step's inputs: the key algorithm, the subject, the validity and the server's names, or
//! for step 8 where B connects and how the handshake goes, message by message.

use super::field::{error_of, Field, FieldAction, FieldKind};
use super::page::use_page;
use crate::app::state::{self, Action, AppState};
use crate::pki::{name::SUBJECT_FIELDS, KeyAlgorithm, San};
use crate::workshop::walkthrough::{self, Line};
use crate::workshop::{Party, StepId};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// A field's text and the message shown by it.
#[derive(Clone, PartialEq)]
pub struct Text {
    value: AttrValue,
    error: Option<AttrValue>,
}

impl Text {
    fn of(s: &AppState, id: &str, value: String) -> Self {
        Text {
            value: value.into(),
            error: error_of(s, id),
        }
    }
}

#[derive(Clone, PartialEq)]
pub enum Inputs {
    /// A step that makes a key: its algorithm, subject, validity (but for the CSR) and, for
    /// C's server certificate, its names.
    Cert {
        party: Party,
        algorithm: KeyAlgorithm,
        subject: Vec<Text>,
        days: Option<Text>,
        sans: Option<Text>,
    },
    /// Step 6: the client certificate's validity.
    ClientDays(Text),
    /// Step 8: where B connects, and the handshake's messages.
    Handshake {
        intro: AttrValue,
        summary: AttrValue,
        lines: Rc<Vec<Line>>,
    },
    None,
}

fn days(s: &AppState, party: Party) -> Text {
    let id = state::days_input(party);
    let value = s
        .drafts
        .get(&id)
        .cloned()
        .unwrap_or_else(|| s.workshop.settings.cert(party).days.to_string());
    Text::of(s, &id, value)
}

impl Inputs {
    pub fn of(s: &AppState, step: StepId) -> Self {
        let settings = &s.workshop.settings;
        match step {
            StepId::CSignsB => Inputs::ClientDays(days(s, Party::BClient)),
            StepId::Handshake => Inputs::Handshake {
                intro: format!("Client B connects to \"{}\" over {}, trusting C's chain file; C requires a client certificate and trusts the same chain.", settings.server_name(), settings.tls_version.label()).into(),
                summary: format!("How the mutual handshake goes, message by message ({})", settings.tls_version.label()).into(),
                lines: Rc::new(walkthrough::mutual_handshake(settings)),
            },
            _ => {
                let Some(party) = step.party() else {
                    return Inputs::None;
                };
                let cert = settings.cert(party);
                let subject = SUBJECT_FIELDS
                    .iter()
                    .map(|f| {
                        let id = state::subject_input(party, f.short);
                        Text::of(s, &id, cert.subject.get(f.short).to_string())
                    })
                    .collect();
                let sans = s.drafts.get(state::SANS_INPUT).cloned().unwrap_or_else(|| {
                    San::list_to_string(&settings.server_sans)
                });
                Inputs::Cert {
                    party,
                    algorithm: cert.algorithm,
                    subject,
                    days: (step != StepId::BCsr).then(|| days(s, party)),
                    sans: (step == StepId::CServer).then(|| Text::of(s, state::SANS_INPUT, sans)),
                }
            }
        }
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct StepInputsProps {
    pub inputs: Inputs,
    pub busy: bool,
}

#[function_component(StepInputs)]
pub fn step_inputs(props: &StepInputsProps) -> Html {
    let page = use_page();
    match &props.inputs {
        Inputs::Cert {
            party,
            algorithm,
            subject,
            days,
            sans,
        } => {
            let party = *party;
            let alg_id = state::algorithm_input(party);
            let on_alg = Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                if let Some(algorithm) = KeyAlgorithm::from_id(&value) {
                    page.dispatch(Action::SetAlgorithm(party, algorithm));
                }
            });
            html! {
                <fieldset class="inputs" disabled={props.busy}>
                    <legend>{ party.label() }</legend>
                    <div class="field">
                        <label for={alg_id.clone()}>{"Key algorithm"}</label>
                        <select id={alg_id} onchange={on_alg}>
                            { for KeyAlgorithm::ALL.iter().map(|a| html! { <option value={a.id()} selected={a == algorithm}>{ a.label() }</option> }) }
                        </select>
                    </div>
                    <div class="subject">
                        { for SUBJECT_FIELDS.iter().zip(subject).map(|(f, text)| html! {
                            <Field id={state::subject_input(party, f.short)} label={f.label} kind={FieldKind::Text}
                                action={FieldAction::Subject(party, f.short)} value={text.value.clone()} error={text.error.clone()} />
                        }) }
                    </div>
                    if let Some(days) = days {
                        { days_field(party, "Validity (days)", days) }
                    }
                    if let Some(sans) = sans {
                        <Field id={state::SANS_INPUT} label="Subject alternative names (DNS names and IP addresses, comma-separated)" kind={FieldKind::Lines(2)}
                            action={FieldAction::Sans} value={sans.value.clone()} error={sans.error.clone()} />
                    }
                </fieldset>
            }
        }
        Inputs::ClientDays(days) => {
            days_field(Party::BClient, "Client certificate validity (days)", days)
        }
        Inputs::Handshake {
            intro,
            summary,
            lines,
        } => html! {
            <>
            <p class="help">{ intro.clone() }</p>
            <details class="explain">
                <summary>{ summary.clone() }</summary>
                <ol class="walkthrough">
                    { for lines.iter().map(|line| match line.message {
                        Some((direction, name)) => html! {
                            <li><span class="wire">{ format!("{} {name}", direction.arrow()) }</span>{" "}{ line.text.clone() }</li>
                        },
                        None => html! { <li class="check">{ line.text.clone() }</li> },
                    }) }
                </ol>
            </details>
            </>
        },
        Inputs::None => html! {},
    }
}

fn days_field(party: Party, label: &'static str, days: &Text) -> Html {
    html! {
        <Field id={state::days_input(party)} {label} kind={FieldKind::Number} action={FieldAction::Days(party)}
            value={days.value.clone()} error={days.error.clone()} />
    }
}
