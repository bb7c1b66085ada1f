//! Step 8's mutual handshake in words, message by message, in the order the chosen TLS version
//! puts them on the wire (RFC 8446 section 2 for TLS 1.3, RFC 5246 section 7.3 for TLS 1.2).

use super::Settings;
use crate::tls::{Direction, TlsVersion};

/// One line of the walkthrough: a message on the wire, or a check one side makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The handshake message this line describes, with its sender; `None` for a check.
    pub message: Option<(Direction, &'static str)>,
    pub text: String,
}

fn sent(direction: Direction, name: &'static str, text: impl Into<String>) -> Line {
    Line {
        message: Some((direction, name)),
        text: text.into(),
    }
}

fn check(text: impl Into<String>) -> Line {
    Line {
        message: None,
        text: text.into(),
    }
}

/// The good run of step 8 with these settings, line by line.
pub fn mutual_handshake(settings: &Settings) -> Vec<Line> {
    use Direction::{ClientToServer as B, ServerToClient as C};
    let name = settings.server_name();
    let (c_chain, b_chain) = if settings.use_intermediates {
        (
            "client_c_server.crt followed by C's intermediate",
            "client_b_signed_by_client_c.crt followed by C's intermediate",
        )
    } else {
        (
            "client_c_server.crt alone (C's root signed it)",
            "client_b_signed_by_client_c.crt alone (C's root signed it)",
        )
    };
    let ca_names = if settings.use_intermediates {
        "C's intermediate and root"
    } else {
        "C's root"
    };
    let b_checks = format!(
        "B checks that C's chain leads to a certificate in client_c_ca_chain.crt (rustls takes every certificate in that file as a trust anchor, so with intermediates it stops at C's intermediate; openssl goes on to the root), that the certificate allows serverAuth, and that its subjectAltName holds \"{name}\", the name B connected to."
    );
    let c_checks = "C checks B's chain against the CAs it trusts and that B's certificate allows clientAuth. Without a certificate, or with one C does not trust, C stops here with a fatal alert.";
    let sni = if name.parse::<std::net::IpAddr>().is_ok() {
        format!("and no server name: SNI cannot carry an IP address (RFC 6066), so B will check \"{name}\" against C's IP SANs")
    } else {
        format!("and the server name it wants (SNI: \"{name}\")")
    };
    let hello = format!(
        "B says hello: the TLS versions, cipher suites, key-exchange groups and signature algorithms it supports, {sni}."
    );
    match settings.tls_version {
        TlsVersion::Tls13 => vec![
            sent(B, "ClientHello", format!("{hello} It already sends its key share.")),
            sent(C, "ServerHello", "C picks the version, the cipher suite and the group, and sends its own key share. Both sides now derive the handshake keys: everything after this message is encrypted."),
            sent(C, "EncryptedExtensions", "C's remaining extensions, the first encrypted message."),
            sent(C, "CertificateRequest", format!("C asks B for a certificate, naming the signature algorithms it accepts and, in the certificate_authorities extension, the CAs it trusts: {ca_names}.")),
            sent(C, "Certificate", format!("C sends {c_chain}.")),
            sent(C, "CertificateVerify", "C signs the handshake so far with client_c_server.key: proof that it holds the key behind its certificate."),
            check(format!("{b_checks} Then it checks C's signature with the key in C's certificate.")),
            sent(C, "Finished", "C's MAC over the handshake so far. C has finished before it has seen B's certificate."),
            sent(B, "Certificate", format!("B sends {b_chain}; with no certificate configured, an empty Certificate message.")),
            sent(B, "CertificateVerify", "B signs the handshake so far with client_b.key: its own proof of possession."),
            sent(B, "Finished", "B's MAC over the whole handshake. B has now sent everything; it learns of a refusal only from C's alert."),
            check(format!("C reads B's flight in order. {c_checks} Then it checks B's signature and B's Finished.")),
            sent(C, "NewSessionTicket", "C sends session tickets for a later resumption, under its application keys."),
            check("Under TLS 1.3 each side may also send one ChangeCipherSpec record that means nothing, for middleboxes (RFC 8446, appendix D.4)."),
        ],
        TlsVersion::Tls12 => vec![
            sent(B, "ClientHello", hello),
            sent(C, "ServerHello", "C picks the version and the cipher suite. Nothing is encrypted yet: under TLS 1.2 both certificates travel in the clear."),
            sent(C, "Certificate", format!("C sends {c_chain}.")),
            sent(C, "ServerKeyExchange", "C's ephemeral ECDHE key share, signed with client_c_server.key. This signature is C's proof of possession: TLS 1.2 has no server CertificateVerify."),
            sent(C, "CertificateRequest", format!("C asks B for a certificate, naming the certificate types and signature algorithms it accepts and the CAs it trusts: {ca_names}.")),
            sent(C, "ServerHelloDone", "C is waiting for B."),
            check(format!("{b_checks} Then it checks the signature on ServerKeyExchange.")),
            sent(B, "Certificate", format!("B sends {b_chain}; with no certificate configured, an empty Certificate message.")),
            check(c_checks),
            sent(B, "ClientKeyExchange", "B's own ECDHE key share. Both sides now derive the session keys."),
            sent(B, "CertificateVerify", "B signs every handshake message so far with client_b.key: its proof of possession."),
            check("C checks that signature with the key in B's certificate."),
            sent(B, "ChangeCipherSpec", "From here B encrypts."),
            sent(B, "Finished", "B's MAC over the handshake, the first encrypted message."),
            sent(C, "ChangeCipherSpec", "From here C encrypts."),
            sent(C, "Finished", "C's MAC over the handshake, the last message of a TLS 1.2 handshake."),
        ],
    }
}
