//! The decoded view of one run: its diagram, every message with its fields and bytes, and the
//! capture, key log and diagram to download.

use crate::app::browser;
use crate::tls::view::{MessageView, RunView};
use crate::tls::{Direction, Failure, Outcome};
use yew::prelude::*;

/// A refusal in plain words, with rustls's own name for it in small type.
pub fn refusal_view(failure: &Failure) -> Html {
    html! {
        <>
            <span class="refusal">{ failure.error.sentence(failure.side) }</span>
            if !failure.error.rustls_name.is_empty() {
                <small class="rustls-name">{"rustls: "}<code>{ failure.error.rustls_name.clone() }</code></small>
            }
        </>
    }
}

/// What a run's disclosure holds.
#[derive(Clone, PartialEq)]
pub enum Disclosed {
    /// The decoded messages, the diagram and the downloads, under the run's title.
    Messages {
        title: AttrValue,
        file_stem: AttrValue,
    },
    /// Every TLS record, in a table.
    Records,
}

#[derive(Properties, Clone)]
pub struct CollapsedDetailProps {
    pub outcome: std::rc::Rc<Outcome>,
    pub shows: Disclosed,
}

impl PartialEq for CollapsedDetailProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.outcome, &other.outcome) && self.shows == other.shows
    }
}

/// Part of a run behind a disclosure, drawn only once opened: drawing every message or record
/// costs time that a closed section should not.
#[function_component(CollapsedDetail)]
pub fn collapsed_detail(props: &CollapsedDetailProps) -> Html {
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            open.set(details.open());
        })
    };
    let outcome = &props.outcome;
    let (summary, body) = match &props.shows {
        Disclosed::Messages { title, file_stem } => (
            format!(
                "Messages and diagram ({} messages)",
                outcome.view.as_ref().map_or(0, |v| v.messages.len())
            ),
            (*open).then(|| handshake_detail(outcome, title, file_stem)),
        ),
        Disclosed::Records => (
            format!("Record trace ({} records)", outcome.records.len()),
            (*open).then(|| record_trace(outcome)),
        ),
    };
    html! {
        <details {ontoggle}>
            <summary>{ summary }</summary>
            { for body }
        </details>
    }
}

/// Every TLS record of a run: its direction, type, length and what it carried.
fn record_trace(outcome: &Outcome) -> Html {
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Record trace"><table class="trace">
            <thead><tr><th scope="col">{"#"}</th><th scope="col">{"Direction"}</th><th scope="col">{"Record"}</th><th scope="col">{"Bytes"}</th><th scope="col">{"Contents"}</th></tr></thead>
            <tbody>
                { for outcome.records.iter().enumerate().map(|(i, r)| html! {
                    <tr>
                        <td>{ i + 1 }</td>
                        <td>{ r.direction.arrow() }</td>
                        <td>{ r.content_type_name() }</td>
                        <td>{ r.length }</td>
                        <td>{ r.contents.join(", ") }</td>
                    </tr>
                }) }
            </tbody>
        </table></div>
    }
}

#[derive(Properties, Clone)]
pub struct OpenDiagramProps {
    pub outcome: std::rc::Rc<Outcome>,
    pub title: AttrValue,
    /// Unique in the page: the diagram's title element takes it as its id.
    pub id: AttrValue,
}

impl PartialEq for OpenDiagramProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.outcome, &other.outcome)
            && self.title == other.title
            && self.id == other.id
    }
}

/// A run's sequence diagram, shown without opening anything. It is drawn once per run:
/// later renders pass the same outcome and are skipped.
#[function_component(OpenDiagram)]
pub fn open_diagram(props: &OpenDiagramProps) -> Html {
    let Some(view) = props.outcome.view.as_deref() else {
        return no_view();
    };
    let svg = view.drawing.svg(&props.title, &props.id);
    html! {
        <div class="diagram" role="figure" aria-label={format!("Sequence diagram: {}", props.title)}>
            { Html::from_html_unchecked(AttrValue::from(svg)) }
        </div>
    }
}

/// The decoded view of one run: diagram, then every message with its fields and bytes.
pub fn handshake_detail(outcome: &Outcome, title: &str, file_stem: &str) -> Html {
    let Some(RunView {
        messages,
        drawing,
        capture,
        keylog,
    }) = outcome.view.as_deref()
    else {
        return no_view();
    };
    let svg = drawing.svg(title, &format!("{file_stem}-diagram-title"));
    html! {
        <div class="handshake-detail">
            <div class="diagram" role="figure" aria-label={format!("Sequence diagram: {title}")}>
                { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
            </div>
            <p class="downloads">
                <a download={format!("handshake-{file_stem}.pcapng")} href={browser::data_url("application/octet-stream", capture)}>{"Capture (pcapng, secrets inside)"}</a>
                if !keylog.is_empty() {
                    <a download={format!("handshake-{file_stem}.keylog")} href={browser::data_url("text/plain", keylog.as_bytes())}>{"SSLKEYLOGFILE"}</a>
                }
                <a download={format!("handshake-{file_stem}.svg")} href={browser::data_url("image/svg+xml", svg.as_bytes())}>{"Diagram (SVG)"}</a>
            </p>
            <p class="muted">{"Open the capture in Wireshark or run tshark -r on it: the session's secrets travel inside, so the encrypted messages decode with no setup. They are this run's secrets only, not your keys."}</p>
            <ol class="messages" aria-label="Messages in order">
                { for messages.iter().map(message_item) }
            </ol>
        </div>
    }
}

/// Only an outcome made in this page's own module lacks its view, and none is.
fn no_view() -> Html {
    html! { <p class="muted">{"This run's messages are not available."}</p> }
}

fn message_item(message: &MessageView) -> Html {
    let fields = &message.fields;
    let (arrow, side) = match message.direction {
        Direction::ClientToServer => ("B → C", "from-client"),
        Direction::ServerToClient => ("C → B", "from-server"),
    };
    html! {
        <li class={classes!("message", side)} data-message={message.name.clone()} data-direction={arrow}>
            <details>
                <summary>
                    <span class="arrow">{ arrow }</span>
                    <strong>{ message.name.clone() }</strong>
                    if message.decrypted { <span class="badge">{"decrypted"}</span> }
                    <span class="muted">{ format!(" · record {}", message.record + 1) }</span>
                </summary>
                <dl class="fields">
                    { for fields.iter().map(|f| html! { <><dt>{ &f.label }</dt><dd>{ &f.value }</dd></> }) }
                </dl>
                <pre class="hex" aria-label="Raw bytes">{ hex_dump(&message.bytes) }</pre>
            </details>
        </li>
    }
}

/// Offset, sixteen bytes in hex, as `xxd` lays them out; long messages are cut.
fn hex_dump(bytes: &[u8]) -> String {
    const SHOWN: usize = 4096;
    let mut out: String = bytes
        .chunks(16)
        .take(SHOWN / 16)
        .enumerate()
        .map(|(row, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            format!("{:06x}  {}\n", row * 16, hex.join(" "))
        })
        .collect();
    if bytes.len() > SHOWN {
        out.push_str(&format!("… {} more bytes\n", bytes.len() - SHOWN));
    }
    out
}
