//! The revocation step, after step 8: revoke B's certificate, publish C's CRLs, and have step
//! 8's server check them. Its CRLs download and decode here.

use super::commands::{blocks, copied};
use super::field::{error_of, Field, FieldAction, FieldKind};
use super::page::use_page;
use super::shown::Products;
use crate::app::browser;
use crate::app::run::RevocationChange;
use crate::app::state::revocation::{
    RevocationAction, CHECK_INPUT, CRL_DAYS_INPUT, ERROR_ID, REASON_INPUT,
};
use crate::app::state::{Action, AppState};
use crate::pki::crl::Reason;
use crate::pki::{inspect, Crl};
use crate::workshop::commands::{self, CommandBlock};
use crate::workshop::revocation::NO_CRL_NOTE;
use crate::workshop::{Party, StepId};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct RevocationProps {
    /// What C revoked and published changes the workshop's generation.
    pub products: Products,
    pub check: bool,
    pub crl_days: AttrValue,
    pub days_error: Option<AttrValue>,
    pub reason: Reason,
    pub error: Option<AttrValue>,
    pub busy: bool,
    /// The same with openssl, written from the current settings.
    pub commands: Rc<Vec<CommandBlock>>,
    pub copied: Option<AttrValue>,
}

impl RevocationProps {
    pub fn of(s: &AppState, products: &Products) -> Self {
        RevocationProps {
            products: products.clone(),
            check: s.workshop.settings.check_revocation,
            crl_days: s
                .drafts
                .get(CRL_DAYS_INPUT)
                .cloned()
                .unwrap_or_else(|| s.workshop.settings.crl_days.to_string())
                .into(),
            days_error: error_of(s, CRL_DAYS_INPUT),
            reason: s.revoke_reason,
            error: error_of(s, ERROR_ID),
            busy: s.busy.is_some(),
            commands: Rc::new(commands::revocation(&s.workshop.settings, s.revoke_reason)),
            copied: copied(s),
        }
    }
}

#[function_component(Revocation)]
pub fn revocation(props: &RevocationProps) -> Html {
    let page = use_page();
    let workshop = &props.products.workshop;
    let revocation = workshop.revocation();
    let on_check = page.callback(|e: Event| {
        let on = e.target_unchecked_into::<HtmlInputElement>().checked();
        Action::Revocation(RevocationAction::SetCheck(on))
    });
    let on_reason = page.callback(|e: Event| {
        let name = e.target_unchecked_into::<HtmlSelectElement>().value();
        let reason = Reason::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .unwrap_or(Reason::Unspecified);
        Action::Revocation(RevocationAction::SetReason(reason))
    });
    let on_revoke = {
        let (page, reason) = (page.clone(), props.reason);
        Callback::from(move |_| page.change_revocation(RevocationChange::Revoke(reason)))
    };
    let on_publish = {
        let page = page.clone();
        Callback::from(move |_| page.change_revocation(RevocationChange::Publish))
    };
    let has_b = workshop.certificate(Party::BClient).is_some();
    let has_ca = workshop.certificate(workshop.settings.c_issuer()).is_some();
    let status = match (&revocation.published, has_b) {
        (_, false) => "B has no certificate yet: run step 6 first.".to_string(),
        (None, true) => "C has published no CRL yet.".to_string(),
        (Some(_), true) if workshop.b_is_revoked() => {
            "B's current certificate is on C's CRL: it is revoked.".to_string()
        }
        (Some(_), true) => "B's current certificate is not on C's CRL.".to_string(),
    };
    html! {
        <section class="revocation" id="revocation" aria-labelledby="revocation-title">
            <h2 id="revocation-title">{"Revocation (after step 8)"}</h2>
            <p class="why">{"A certificate stays valid until its notAfter date. To withdraw it sooner, its CA revokes it: it puts the certificate's serial number on a certificate revocation list (CRL), signs the list, and publishes it with a date by which the next list will come (nextUpdate). A server that checks revocation refuses a certificate on the list. C's issuing CA signs the CRL that lists B; with intermediates, C's root signs one for its intermediate. The seed's s_server checks nothing until it is given -crl_check and the CRL."}</p>
            <div class="field checkbox">
                <input id={CHECK_INPUT} type="checkbox" checked={props.check} onchange={on_check} disabled={props.busy} />
                <label for={CHECK_INPUT}>{"C checks revocation: step 8's server reads C's CRLs and checks B's certificate, as s_server -crl_check does"}</label>
            </div>
            if props.check && revocation.published.is_none() {
                <p class="help note" id="no-crl-note">{ NO_CRL_NOTE }</p>
            }
            <Field id={CRL_DAYS_INPUT} label="CRL validity in days (nextUpdate after thisUpdate)" kind={FieldKind::Number}
                action={FieldAction::CrlDays} value={props.crl_days.clone()} error={props.days_error.clone()}
                help={AttrValue::from("A server that enforces nextUpdate refuses every client once the CRL expires, good ones included: publish again before then.")} />
            <div class="field">
                <label for={REASON_INPUT}>{"Reason"}</label>
                <select id={REASON_INPUT} onchange={on_reason}>
                    { for Reason::ALL.iter().map(|r| html! {
                        <option value={r.name()} selected={*r == props.reason}>{ r.name() }</option>
                    }) }
                </select>
            </div>
            <div class="buttons">
                <button type="button" id="revoke-b" onclick={on_revoke} disabled={props.busy || !has_b || !has_ca}>{"Revoke B's certificate"}</button>
                <button type="button" id="publish-crls" onclick={on_publish} disabled={props.busy || !has_ca}>{"Publish CRLs"}</button>
            </div>
            <p class="error" role="alert" id={ERROR_ID}>{ props.error.clone().unwrap_or_default() }</p>
            <p role="status" id="revocation-status">{ status }</p>
            if workshop.status(StepId::Handshake) == crate::workshop::StepStatus::Stale {
                <p class="help">{"Step 8 ran before this change: run it again to see what C decides now."}</p>
            }
            <details class="commands" id="revocation-commands">
                <summary>{"Do it with openssl"}</summary>
                { for blocks(&props.commands, "revocation", &props.copied) }
            </details>
            if let Some(published) = &revocation.published {
                <div class="result">
                    <h3>{ format!("CRL number {}", published.number) }</h3>
                    <ul class="downloads">
                        { for published.files().into_iter().map(|(path, crl)| crl_download(path, crl)) }
                    </ul>
                    { for published.files().into_iter().map(|(path, crl)| crl_view(path, crl)) }
                </div>
            }
        </section>
    }
}

fn crl_download(path: &str, crl: &Crl) -> Html {
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    // `.crl.der`: the CA's certificate already downloads as `<ca>.der`.
    let der_name = format!("{name}.der");
    let pem = browser::data_url("application/x-pem-file", crl.to_pem().as_bytes());
    let der = browser::data_url("application/pkix-crl", crl.der());
    html! {
        <li><span class="path">{ path.to_string() }</span>{" "}
            <a class="download" href={pem} download={name.clone()}>{ format!("Download {name}") }</a>
            <a class="download-der" href={der} download={der_name.clone()}>{ format!("DER: {der_name}") }</a>
        </li>
    }
}

/// A CRL as `openssl crl -text` shows it.
pub(super) fn crl_view(path: &str, crl: &Crl) -> Html {
    let view = match inspect::crl(crl) {
        Ok(view) => view,
        Err(e) => return html! { <p class="error">{ e.to_string() }</p> },
    };
    html! {
        <div class="cert crl">
            <h3>{ path.rsplit('/').next().unwrap_or(path).to_string() }</h3>
            <dl>
                <dt>{"Version"}</dt><dd>{ format!("{} (0x{})", view.version, view.version - 1) }</dd>
                <dt>{"Issuer"}</dt><dd>{ view.issuer.clone() }</dd>
                <dt>{"Last Update"}</dt><dd>{ view.last_update.clone() }</dd>
                <dt>{"Next Update"}</dt><dd>{ view.next_update.clone().unwrap_or_else(|| "NONE".into()) }</dd>
                <dt>{"Signature"}</dt><dd>{ view.signature_algorithm.clone() }</dd>
            </dl>
            <h4>{"CRL extensions"}</h4>
            <ul class="extensions">
                { for view.extensions.iter().map(|e| html! {
                    <li><span class="ext-name">{ e.name.clone() }</span>{": "}<span class="mono">{ e.value.clone() }</span>
                        <ul class="explain-ext">{ for e.explanation.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul>
                    </li>
                }) }
            </ul>
            <h4>{ if view.revoked.is_empty() { "No Revoked Certificates." } else { "Revoked Certificates" } }</h4>
            <ul class="revoked">
                { for view.revoked.iter().map(|r| html! {
                    <li><span class="mono">{ format!("Serial Number: {}", r.serial) }</span>
                        { format!(" — Revocation Date: {}", r.revocation_date) }
                        { r.reason.as_ref().map(|reason| format!(" — CRL Reason Code: {reason}")).unwrap_or_default() }
                    </li>
                }) }
            </ul>
            <details><summary>{"PEM"}</summary><pre class="pem" tabindex="0">{ crl.to_pem() }</pre></details>
        </div>
    }
}
