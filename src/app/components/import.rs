//! Bringing work made elsewhere into a step: Client B's own key in step 5, a CSR for C to sign
//! in step 6.

use super::field::{error_of, Field, FieldAction, FieldKind};
use super::page::use_page;
use crate::app::browser;
use crate::app::state::{self, Action, AppState};
use crate::clock::unix_now;
use crate::pki::{inspect, Certificate};
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct OwnKeyProps {
    pub key: AttrValue,
    pub key_error: Option<AttrValue>,
    pub passphrase: AttrValue,
    pub passphrase_error: Option<AttrValue>,
    pub busy: bool,
}

impl OwnKeyProps {
    pub fn of(s: &AppState) -> Self {
        OwnKeyProps {
            key: s.own_key.clone().into(),
            key_error: error_of(s, state::OWN_KEY_INPUT),
            passphrase: s.own_key_passphrase.clone().into(),
            passphrase_error: error_of(s, state::OWN_KEY_PASSPHRASE_INPUT),
            busy: s.busy.is_some(),
        }
    }
}

/// Step 5: Client B may bring its own key; the CSR is made from it.
#[function_component(OwnKey)]
pub fn own_key(props: &OwnKeyProps) -> Html {
    let page = use_page();
    let on_use = {
        let page = page.clone();
        Callback::from(move |_| page.use_own_key())
    };
    html! {
        <details class="import">
            <summary>{"Use Client B's own key instead"}</summary>
            <p class="help">{"Paste a private key: PKCS#8 (PRIVATE KEY or ENCRYPTED PRIVATE KEY, for example from openssl genpkey), or openssl's traditional RSA PRIVATE KEY or EC PRIVATE KEY (genrsa -traditional, ecparam -genkey), plain or encrypted with a passphrase. It stays in this page; the CSR is made from it."}</p>
            <Field id={state::OWN_KEY_INPUT} label="Client B's private key (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::OwnKey}
                value={props.key.clone()} error={props.key_error.clone()} upload="a key file" />
            <Field id={state::OWN_KEY_PASSPHRASE_INPUT} label="Passphrase of that key (if encrypted)" kind={FieldKind::Password { autocomplete: "off" }}
                action={FieldAction::OwnKeyPassphrase} value={props.passphrase.clone()} error={props.passphrase_error.clone()} />
            <button type="button" id="use-own-key" onclick={on_use} disabled={props.busy}>{"Use this key and make the CSR"}</button>
        </details>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct ExternalCsrProps {
    pub csr: AttrValue,
    pub error: Option<AttrValue>,
    pub busy: bool,
    /// The certificate C made from the last CSR signed.
    pub signed: Option<Certificate>,
}

impl ExternalCsrProps {
    pub fn of(s: &AppState) -> Self {
        ExternalCsrProps {
            csr: s.external_csr.clone().into(),
            error: error_of(s, state::EXTERNAL_CSR_INPUT),
            busy: s.busy.is_some(),
            signed: s.external_cert.clone(),
        }
    }
}

/// Step 6: C may sign a CSR made elsewhere; the result is kept beside the workshop's tree.
#[function_component(ExternalCsr)]
pub fn external_csr(props: &ExternalCsrProps) -> Html {
    let page = use_page();
    let on_sign = page.callback(|_| Action::SignExternalCsr { now: unix_now() });
    html! {
        <details class="import">
            <summary>{"Sign a CSR made elsewhere"}</summary>
            <p class="help">{"Paste a CSR, for example from openssl req -new on your own machine. C checks its signature and signs it with the v3_client profile; only the subject and key are taken from it. The result is kept beside the workshop's tree."}</p>
            <Field id={state::EXTERNAL_CSR_INPUT} label="Certificate signing request (PEM)" kind={FieldKind::Lines(4)} action={FieldAction::ExternalCsr}
                value={props.csr.clone()} error={props.error.clone()} upload="a CSR file" />
            <button type="button" id="sign-external-csr" onclick={on_sign} disabled={props.busy}>{"Sign the pasted CSR"}</button>
            if let Some(cert) = &props.signed {
                <Signed cert={cert.clone()} />
            }
        </details>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct SignedProps {
    cert: Certificate,
}

/// The signed certificate's download, made once per certificate rather than per keystroke.
#[function_component(Signed)]
fn signed(props: &SignedProps) -> Html {
    let href = browser::data_url("application/x-pem-file", props.cert.to_pem().as_bytes());
    let subject = inspect::certificate(&props.cert)
        .map(|v| v.subject)
        .unwrap_or_default();
    html! {
        <p>{ format!("Signed: {subject}. ") }<a class="download" href={href} download="pasted_csr_signed_by_client_c.crt">{"Download pasted_csr_signed_by_client_c.crt"}</a></p>
    }
}
