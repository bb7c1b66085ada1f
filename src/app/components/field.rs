//! One text field: its label, input, help, error and the aria attributes that tie them
//! together. Every text, number and password field of the page is one of these.

use super::page::use_page;
use super::upload::Upload;
use crate::app::state::{self, Action, AppState};
use crate::workshop::Party;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What the user types into.
#[derive(Clone, Copy, PartialEq)]
pub enum FieldKind {
    Text,
    /// Text the browser's keyboard offers digits for.
    Number,
    Password {
        autocomplete: &'static str,
    },
    /// A textarea this many rows high, in a wide field.
    Lines(u32),
}

/// The action typing makes, by field.
#[derive(Clone, Copy, PartialEq)]
pub enum FieldAction {
    Passphrase,
    Subject(Party, &'static str),
    Days(Party),
    Sans,
    OwnKey,
    OwnKeyPassphrase,
    ExternalCsr,
    CheckText,
    CrlText,
    CrlDays,
    P12Alias,
    P12Password,
}

impl FieldAction {
    fn action(self, text: String) -> Action {
        match self {
            FieldAction::Passphrase => Action::SetPassphrase(text),
            FieldAction::Subject(party, short) => Action::SetSubject(party, short, text),
            FieldAction::Days(party) => Action::SetDays(party, text),
            FieldAction::Sans => Action::SetSans(text),
            FieldAction::OwnKey => Action::SetOwnKey(text),
            FieldAction::OwnKeyPassphrase => Action::SetOwnKeyPassphrase(text),
            FieldAction::ExternalCsr => Action::SetExternalCsr(text),
            FieldAction::CheckText => Action::SetCheckText(text),
            FieldAction::CrlText => Action::SetCrlText(text),
            FieldAction::CrlDays => Action::Revocation(
                crate::app::state::revocation::RevocationAction::SetCrlDays(text),
            ),
            FieldAction::P12Alias => Action::SetP12Alias(text),
            FieldAction::P12Password => Action::SetP12Password(text),
        }
    }

    /// The input an uploaded file fills, for fields that take one.
    fn upload_target(self) -> Option<&'static str> {
        match self {
            FieldAction::OwnKey => Some(state::OWN_KEY_INPUT),
            FieldAction::ExternalCsr => Some(state::EXTERNAL_CSR_INPUT),
            FieldAction::CheckText => Some(state::CHECK_CERT_INPUT),
            FieldAction::CrlText => Some(state::CHECK_CRL_INPUT),
            _ => None,
        }
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub kind: FieldKind,
    pub action: FieldAction,
    pub value: AttrValue,
    /// Shown by the field, which is then marked invalid.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// A line under the input, read with it by screen readers.
    #[prop_or_default]
    pub help: Option<AttrValue>,
    /// What a file upload below the input is called ("a key file"), for fields that take one.
    #[prop_or_default]
    pub upload: Option<&'static str>,
}

/// The message shown by the field with this id, if any.
pub fn error_of(s: &AppState, id: &str) -> Option<AttrValue> {
    s.errors.get(id).map(|e| AttrValue::from(e.clone()))
}

/// The field's text from an input event on its element.
fn typed(e: &InputEvent, kind: FieldKind) -> String {
    match kind {
        FieldKind::Lines(_) => e.target_unchecked_into::<HtmlTextAreaElement>().value(),
        _ => e.target_unchecked_into::<HtmlInputElement>().value(),
    }
}

#[function_component(Field)]
pub fn field(props: &FieldProps) -> Html {
    let page = use_page();
    let (kind, action) = (props.kind, props.action);
    let oninput = page.callback(move |e: InputEvent| action.action(typed(&e, kind)));
    let id = &props.id;
    let error_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let describedby = if props.help.is_some() {
        format!("{help_id} {error_id}")
    } else {
        error_id.clone()
    };
    let invalid = props.error.is_some().to_string();
    let value = props.value.clone();
    let input = match kind {
        FieldKind::Text => html! {
            <input id={id} type="text" {value} {oninput} aria-invalid={invalid} aria-describedby={describedby} />
        },
        FieldKind::Number => html! {
            <input id={id} type="text" inputmode="numeric" {value} {oninput} aria-invalid={invalid} aria-describedby={describedby} />
        },
        FieldKind::Password { autocomplete } => html! {
            <input id={id} type="password" {autocomplete} {value} {oninput} aria-invalid={invalid} aria-describedby={describedby} />
        },
        FieldKind::Lines(rows) => html! {
            <textarea id={id} rows={rows.to_string()} {value} {oninput} aria-invalid={invalid} aria-describedby={describedby} />
        },
    };
    let upload = props
        .upload
        .zip(action.upload_target())
        .map(|(what, target)| html! { <Upload {target} {what} /> });
    html! {
        <div class={classes!("field", matches!(kind, FieldKind::Lines(_)).then_some("wide"))}>
            <label for={id}>{ props.label.clone() }</label>
            { input }
            if let Some(help) = &props.help {
                <p id={help_id} class="help">{ help.clone() }</p>
            }
            <p id={error_id} class="error" role="alert">{ props.error.clone().unwrap_or_default() }</p>
            { for upload }
        </div>
    }
}
