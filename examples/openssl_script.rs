//! Prints, as one bash script, the openssl commands the page shows for steps 1 to 7.
//! `cargo run --example openssl_script -- seed` uses the seed's RSA sizes; without an argument
//! the default P-256 keys. The benchmark times this script against the app.

use mtls_lab::workshop::{commands, Settings, StepId};

fn main() {
    let seed = std::env::args().nth(1).as_deref() == Some("seed");
    let settings = if seed {
        Settings::default().with_seed_key_sizes()
    } else {
        Settings::default()
    };
    println!("set -euo pipefail");
    for step in StepId::ALL
        .into_iter()
        .filter(|s| *s != StepId::Handshake && settings.includes(*s))
    {
        // Only the blocks that make files; the verification blocks only read them.
        if let Some(block) = commands::for_step(step, &settings).first() {
            println!(
                "# step {}: {}\n{}\n",
                step.number(),
                block.title,
                block.script
            );
        }
    }
}
