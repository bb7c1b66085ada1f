//! A sequence diagram of one run, drawn from its decoded messages as standalone SVG.

use super::decrypt::{Message, MessageKind};
use super::handshake::{Outcome, Side};
use super::messages;
use super::types::{Direction, TlsVersion};
use rustls::HandshakeType;

const WIDTH: u32 = 720;
const CLIENT_X: u32 = 150;
const SERVER_X: u32 = 570;
const LINE: u32 = 17;
const TOP: u32 = 72;
const INK: &str = "#1f2933";
const MUTED: &str = "#52606d";
const REFUSED: &str = "#b42318";
const ACCEPTED: &str = "#1b7f3b";

/// One arrow: consecutive messages from the same side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flight {
    pub direction: Direction,
    /// One line per message: its name, and what it means for the mutual handshake.
    pub lines: Vec<(String, Option<String>)>,
    pub encrypted: bool,
    pub alert: bool,
}

/// The flights of a run, in order. `tls13` says how to read certificate messages.
pub fn flights(messages: &[Message], tls13: bool) -> Vec<Flight> {
    let mut flights: Vec<Flight> = Vec::new();
    for message in messages {
        let alert = matches!(message.kind, MessageKind::Alert { .. });
        let line = (label(message), note(message, tls13));
        match flights.last_mut() {
            Some(f) if f.direction == message.direction && !f.alert && !alert => {
                f.lines.push(line);
                f.encrypted |= message.decrypted;
            }
            _ => flights.push(Flight {
                direction: message.direction,
                lines: vec![line],
                encrypted: message.decrypted,
                alert,
            }),
        }
    }
    flights
}

fn label(message: &Message) -> String {
    match message.kind {
        MessageKind::ApplicationData => format!(
            "Application data: \"{}\"",
            String::from_utf8_lossy(&message.bytes)
                .chars()
                .take(40)
                .collect::<String>()
        ),
        _ if message.decrypted => format!("{} (encrypted)", message.name()),
        _ => message.name(),
    }
}

fn note(message: &Message, tls13: bool) -> Option<String> {
    let from_client = message.direction == Direction::ClientToServer;
    let who = if from_client { "B" } else { "C" };
    let MessageKind::Handshake(ty) = message.kind else {
        return None;
    };
    match ty {
        HandshakeType::CertificateRequest => Some("C asks for a client certificate".into()),
        HandshakeType::Certificate => {
            let names = chain_names(message, tls13);
            Some(if names.is_empty() {
                format!("empty: {who} sends no certificate")
            } else {
                format!("{who}'s chain: {}", names.join(" ← "))
            })
        }
        HandshakeType::CertificateVerify => Some(format!("{who} proves it holds its private key")),
        // TLS 1.2 has no server CertificateVerify: C signs its key share instead.
        HandshakeType::ServerKeyExchange => {
            Some("C signs its ECDHE share: proof it holds its private key".into())
        }
        HandshakeType::Finished => Some("MAC over the handshake so far".into()),
        _ => None,
    }
}

/// The common names in a Certificate message, leaf first, as the seed's notes name files.
fn chain_names(message: &Message, tls13: bool) -> Vec<String> {
    messages::decode(&message.bytes, tls13)
        .certificate()
        .map(messages::Certificate::common_names)
        .unwrap_or_default()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Breaks a sentence into lines of about `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let current = lines.last_mut().expect("starts with one line");
        if !current.is_empty() && current.chars().count() + word.chars().count() >= width {
            lines.push(word.to_string());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    lines
}

fn text(x: u32, y: u32, anchor: &str, fill: &str, extra: &str, content: &str) -> String {
    format!(
        "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" fill=\"{fill}\"{extra}>{}</text>",
        escape(content)
    )
}

/// The whole diagram as an SVG document, with its own colours so it reads anywhere.
pub fn svg(outcome: &Outcome, title: &str) -> String {
    svg_with_id(outcome, title, "diagram-title")
}

/// The same diagram, its title element carrying `title_id`: a page that shows several
/// diagrams gives each its own, as ids must be unique in a document.
pub fn svg_with_id(outcome: &Outcome, title: &str, title_id: &str) -> String {
    Drawing::of(outcome).svg(title, title_id)
}

/// A run's diagram without its title: drawn once in the core module, titled where it is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Drawing {
    height: u32,
    /// The lifelines, arrows and verdict, as SVG elements.
    body: String,
}

impl Drawing {
    pub fn svg(&self, title: &str, title_id: &str) -> String {
        let height = self.height;
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
             font-family=\"system-ui, sans-serif\" font-size=\"13\" role=\"img\" aria-labelledby=\"{title_id}\">\
             <title id=\"{title_id}\">{}</title>\
             <rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>{}</svg>",
            escape(title),
            self.body
        )
    }

    pub fn of(outcome: &Outcome) -> Drawing {
        let flights = flights(&outcome.messages(), outcome.version == TlsVersion::Tls13);
        let mut body = Vec::new();
        let mut y = TOP;
        for flight in &flights {
            let (from, to) = match flight.direction {
                Direction::ClientToServer => (CLIENT_X, SERVER_X),
                Direction::ServerToClient => (SERVER_X, CLIENT_X),
            };
            let colour = if flight.alert { REFUSED } else { INK };
            let middle = (CLIENT_X + SERVER_X) / 2;
            for (name, note) in &flight.lines {
                y += LINE;
                body.push(text(middle, y, "middle", colour, "", name));
                // The note goes on its own line, smaller, so long chains stay between the lifelines.
                if let Some(note) = note {
                    y += LINE - 2;
                    body.push(text(middle, y, "middle", MUTED, " font-size=\"12\"", note));
                }
            }
            y += 10;
            let head = if to > from { to - 10 } else { to + 10 };
            body.push(format!(
            "<line x1=\"{from}\" y1=\"{y}\" x2=\"{head}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"{}\"{}/>",
            if flight.alert { "2.5" } else { "1.5" },
            if flight.encrypted { "" } else { " stroke-dasharray=\"6 4\"" }
        ));
            body.push(format!(
                "<polygon points=\"{to},{y} {head},{} {head},{}\" fill=\"{colour}\"/>",
                y - 5,
                y + 5
            ));
            y += 12;
        }
        y += 14;
        let (verdict, colour, refused_at) = match &outcome.result {
            Ok(_) => (
                "Handshake succeeded; data went both ways.".to_string(),
                ACCEPTED,
                None,
            ),
            Err(failure) => {
                let (who, x) = match failure.side {
                    Side::Client => ("Client B refused", Some(CLIENT_X)),
                    Side::Server => ("Client C refused", Some(SERVER_X)),
                    Side::Setup => ("Refused before connecting", None),
                };
                (
                    format!("{who}: {}", failure.error.sentence(failure.side)),
                    REFUSED,
                    x,
                )
            }
        };
        if let Some(x) = refused_at {
            // A cross on the lifeline of the side that said no.
            body.push(format!(
            "<path d=\"M{} {} l12 12 m0 -12 l-12 12\" stroke=\"{REFUSED}\" stroke-width=\"3\"/>",
            x - 6,
            y - 18
        ));
        }
        for line in wrap(&verdict, 64) {
            body.push(text(
                (CLIENT_X + SERVER_X) / 2,
                y,
                "middle",
                colour,
                " font-weight=\"600\"",
                &line,
            ));
            y += LINE;
        }
        let height = y + 16;
        let lifeline = |x: u32, who: &str| {
            format!(
            "<rect x=\"{}\" y=\"16\" width=\"200\" height=\"30\" rx=\"6\" fill=\"#eef2f7\" stroke=\"{INK}\"/>{}\
             <line x1=\"{x}\" y1=\"46\" x2=\"{x}\" y2=\"{}\" stroke=\"{MUTED}\" stroke-dasharray=\"2 4\"/>",
            x - 100,
            text(x, 36, "middle", INK, " font-weight=\"600\"", who),
            height - 12
        )
        };
        Drawing {
            height,
            body: format!(
                "{}{}{}",
                lifeline(CLIENT_X, "Client B (TLS client)"),
                lifeline(SERVER_X, "Client C (TLS server)"),
                body.concat()
            ),
        }
    }
}
