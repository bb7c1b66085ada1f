//! A lab row's "Reproduce with openssl" download: the row's very files, a script that runs
//! openssl s_server and s_client on them, and what the page saw, in one zip.

use super::archive::make_and_save;
use crate::app::browser;
use crate::pki::PrivateKey;
use crate::workshop::export::KeyProtection;
use crate::workshop::lab::{LabRun, LabScenario, Setup};
use crate::workshop::protocol::Work;
use crate::workshop::reproduce::{self, KeyPems};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct ReproduceProps {
    pub scenario: LabScenario,
    pub setup: Rc<Setup>,
    pub run: Rc<LabRun>,
    pub protection: KeyProtection,
    /// The keys' files where the page has them ready; the others are encrypted on the click.
    pub server_pem: Option<String>,
    pub client_pem: Option<String>,
}

impl PartialEq for ReproduceProps {
    fn eq(&self, other: &Self) -> bool {
        self.scenario == other.scenario
            && Rc::ptr_eq(&self.setup, &other.setup)
            && Rc::ptr_eq(&self.run, &other.run)
            && self.protection == other.protection
            && self.server_pem == other.server_pem
            && self.client_pem == other.client_pem
    }
}

/// One key's file for the bundle: the page's own if ready, else encrypted now the way the page
/// encrypts its key downloads (WebCrypto, off the page's thread).
async fn key_pem(
    key: &PrivateKey,
    made: &Option<String>,
    protection: &KeyProtection,
) -> Result<String, String> {
    match made {
        Some(pem) => Ok(pem.clone()),
        None if protection.plain => Ok(key.to_pem()),
        None => browser::encrypt_key(key, &protection.passphrase, protection.iterations).await,
    }
}

/// The row's bundle as work for the core: its files, `reproduce.sh` and `OUTCOME.txt`.
async fn bundle(props: &ReproduceProps) -> Result<Work, String> {
    let (server_key, client_key) = reproduce::keys(&props.setup);
    let server = key_pem(server_key, &props.server_pem, &props.protection).await?;
    let client = match client_key {
        Some(key) => Some(key_pem(key, &props.client_pem, &props.protection).await?),
        None => None,
    };
    let keys = KeyPems {
        server,
        client,
        encrypted: !props.protection.plain,
    };
    Ok(Work::Reproduce {
        setup: (*props.setup).clone(),
        run: (*props.run).clone(),
        keys,
    })
}

/// Downloads a zip with the row's very files, a script that runs openssl s_server and s_client
/// on them, and what the page saw.
#[function_component(ReproduceButton)]
pub fn reproduce_button(props: &ReproduceProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let name = reproduce::zip_name(props.scenario);
    let passphrase_ok = props.protection.check().is_ok();
    let onclick = {
        let (props, busy, error, name) = (props.clone(), busy.clone(), error.clone(), name.clone());
        Callback::from(move |_| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (props, busy, error, name) =
                (props.clone(), busy.clone(), error.clone(), name.clone());
            yew::platform::spawn_local(async move {
                let saved = match bundle(&props).await {
                    Ok(work) => make_and_save(&name, work).await,
                    Err(e) => Err(e),
                };
                busy.set(false);
                if let Err(e) = saved {
                    error.set(Some(format!("{name} could not be made: {e}")));
                }
            });
        })
    };
    html! {
        <>
            <button class="reproduce" {onclick} disabled={*busy || !passphrase_ok}
                aria-label={format!("Reproduce with openssl: {}", props.scenario.title())}
                title={format!("{name}: this run's certificates and keys, reproduce.sh (openssl s_server and s_client) and OUTCOME.txt")}>
                { if *busy { "Preparing…" } else { "Reproduce with openssl" } }
            </button>
            if !passphrase_ok { <small class="muted">{"Set a valid key passphrase to download it."}</small> }
            if let Some(message) = &*error { <small class="error" role="alert">{ message.clone() }</small> }
        </>
    }
}
