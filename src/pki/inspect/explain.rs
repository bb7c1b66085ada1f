//! What each extension means, in plain English with the RFC behind it.

use der::Decode;
use x509_cert::ext::pkix::{
    name::GeneralName, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};

pub(super) const CRITICAL: &str =
    "Critical: a verifier must reject the certificate if it does not recognise \
     this extension or cannot process what it contains (RFC 5280 4.2).";
pub(super) const NOT_CRITICAL: &str =
    "Not critical: a verifier that does not recognise this extension may \
     ignore it; one that recognises it must process it (RFC 5280 4.2).";

/// The explanation lines of one extension, from its decoded value: what it says, then what its
/// critical flag means.
pub(super) fn explain(oid: &str, critical: bool, value: &[u8]) -> Vec<String> {
    let decoded = match oid {
        "2.5.29.19" => BasicConstraints::from_der(value).map(|bc| explain_basic_constraints(&bc)),
        "2.5.29.15" => KeyUsage::from_der(value).map(|ku| explain_key_usage(&ku)),
        "2.5.29.37" => ExtendedKeyUsage::from_der(value).map(|eku| explain_eku(&eku)),
        "2.5.29.17" => SubjectAltName::from_der(value).map(|san| explain_san(&san)),
        "2.5.29.14" => SubjectKeyIdentifier::from_der(value).map(|_| {
            vec![
                "Subject key identifier: a short identifier of this certificate's public key. \
                 Certificates signed with this key carry the same value as the keyid of their \
                 authority key identifier, which helps a verifier find their issuer \
                 (RFC 5280 4.2.1.2)."
                    .to_string(),
            ]
        }),
        "2.5.29.35" => AuthorityKeyIdentifier::from_der(value).map(|aki| explain_aki(&aki)),
        "2.5.29.20" => der::asn1::Int::from_der(value).map(|_| {
            vec![
                "CRL number: grows with each CRL this CA publishes, so a verifier holding two                  can tell which is newer (RFC 5280 5.2.3)."
                    .to_string(),
            ]
        }),
        _ => {
            let mut lines = vec![format!(
                "This page does not recognise this extension (OID {oid}), so it shows the raw bytes."
            )];
            lines.push(if critical {
                "It is critical: a verifier that does not recognise it must reject the \
                 certificate (RFC 5280 4.2)."
                    .into()
            } else {
                "It is not critical: a verifier that does not recognise it may ignore it \
                 (RFC 5280 4.2)."
                    .into()
            });
            return lines;
        }
    };
    let mut lines = match decoded {
        Ok(lines) => lines,
        Err(_) if critical => {
            return vec![
                "Its value cannot be decoded. It is critical, so a verifier that cannot process \
                 it must reject the certificate (RFC 5280 4.2)."
                    .into(),
            ]
        }
        Err(_) => vec!["Its value cannot be decoded.".into()],
    };
    lines.push(if critical { CRITICAL } else { NOT_CRITICAL }.into());
    lines
}

fn explain_basic_constraints(bc: &BasicConstraints) -> Vec<String> {
    let mut lines = Vec::new();
    if bc.ca {
        lines.push(
            "CA:TRUE: the subject is a certification authority: its public key may be used to \
             verify the signatures on certificates (RFC 5280 4.2.1.9)."
                .into(),
        );
        lines.push(match bc.path_len_constraint {
            None => "No pathlen: this certificate sets no limit on how many intermediate CA \
                     certificates may follow it in a chain (RFC 5280 4.2.1.9)."
                .into(),
            Some(0) => "pathlen:0: no intermediate CA certificate (self-issued ones aside) \
                        may follow this one in a chain, so a certificate it signs can only be \
                        the last one: in TLS, the peer's end-entity (leaf) certificate \
                        (RFC 5280 4.2.1.9)."
                .into(),
            Some(1) => "pathlen:1: at most one intermediate CA certificate may follow this one \
                        in a chain; the last certificate (usually the end entity) and \
                        self-issued CA certificates are not counted (RFC 5280 4.2.1.9)."
                .into(),
            Some(n) => format!(
                "pathlen:{n}: at most {n} intermediate CA certificates may follow this one in a \
                 chain; the last certificate (usually the end entity) and self-issued CA \
                 certificates are not counted (RFC 5280 4.2.1.9)."
            ),
        });
    } else {
        lines.push(
            "CA:FALSE: the subject is an end entity, not a CA: a verifier must not accept this \
             certificate as the issuer of another (RFC 5280 6.1.4 (k))."
                .into(),
        );
        if let Some(n) = bc.path_len_constraint {
            lines.push(format!(
                "pathlen:{n} has no meaning without CA:TRUE; RFC 5280 4.2.1.9 forbids a CA to \
                 include it here."
            ));
        }
    }
    lines
}

fn explain_key_usage(ku: &KeyUsage) -> Vec<String> {
    let bits: [(bool, &str); 9] = [
        (
            ku.digital_signature(),
            "digitalSignature: the key may make digital signatures other than on certificates \
             and CRLs. In TLS these are the handshake signatures: CertificateVerify, and in \
             TLS 1.2 also the server's signed (EC)DHE parameters in ServerKeyExchange.",
        ),
        (
            ku.non_repudiation(),
            "nonRepudiation (contentCommitment in recent X.509 editions): the key's signatures \
             may serve as evidence against the signer falsely denying an action, such as \
             signing a document. TLS handshakes do not use it.",
        ),
        (
            ku.key_encipherment(),
            "keyEncipherment: the key may encrypt secret keys to transport them. TLS uses it \
             only in the RSA key exchange of TLS 1.2 and earlier, where the client encrypts the \
             premaster secret to the server's RSA key (RFC 5246 7.4.7.1). It does nothing for an EC key \
             (RFC 5480 section 3 leaves it out of an EC key's usages) and nothing in TLS 1.3, \
             which has no RSA key exchange.",
        ),
        (
            ku.data_encipherment(),
            "dataEncipherment: the key may encrypt user data directly, without a symmetric \
             cipher in between. TLS never does this.",
        ),
        (
            ku.key_agreement(),
            "keyAgreement: the certified key itself may take part in a key agreement such as \
             Diffie-Hellman. In TLS only the static (EC)DH key exchanges of TLS 1.2 and earlier \
             do this; \
             ECDHE and TLS 1.3 agree on fresh ephemeral keys instead.",
        ),
        (
            ku.key_cert_sign(),
            "keyCertSign: the key may sign certificates. RFC 5280 4.2.1.3 requires CA:TRUE in \
             basicConstraints whenever this bit is set.",
        ),
        (
            ku.crl_sign(),
            "cRLSign: the key may sign certificate revocation lists (CRLs).",
        ),
        (
            ku.encipher_only(),
            "encipherOnly: with keyAgreement, the key may be used only to encrypt data during \
             key agreement; without keyAgreement its meaning is undefined.",
        ),
        (
            ku.decipher_only(),
            "decipherOnly: with keyAgreement, the key may be used only to decrypt data during \
             key agreement; without keyAgreement its meaning is undefined.",
        ),
    ];
    let mut lines = vec![
        "Key usage: what the certified key may be used for; each bit set is one permitted use \
         (RFC 5280 4.2.1.3)."
            .to_string(),
    ];
    lines.extend(
        bits.iter()
            .filter(|(on, _)| *on)
            .map(|(_, l)| l.to_string()),
    );
    if lines.len() == 1 {
        lines.push("No bit is set, which RFC 5280 4.2.1.3 forbids: at least one must be.".into());
    }
    lines
}

fn explain_eku(eku: &ExtendedKeyUsage) -> Vec<String> {
    let mut lines = vec![
        "Extended key usage: the certificate may be used only for the purposes listed \
         (RFC 5280 4.2.1.12)."
            .to_string(),
    ];
    for oid in &eku.0 {
        lines.push(match oid.to_string().as_str() {
            "1.3.6.1.5.5.7.3.1" => "serverAuth: the certificate may identify a TLS server; a \
                                    TLS client that checks purposes requires it on the \
                                    server's certificate."
                .into(),
            "1.3.6.1.5.5.7.3.2" => "clientAuth: the certificate may identify a TLS client, as \
                                    in mutual TLS; a server that checks purposes requires it \
                                    on the client's certificate."
                .into(),
            "1.3.6.1.5.5.7.3.3" => {
                "codeSigning: the certificate may sign downloadable executable code.".into()
            }
            "1.3.6.1.5.5.7.3.4" => "emailProtection: the certificate may protect email \
                                    (S/MIME signing and encryption)."
                .into(),
            "1.3.6.1.5.5.7.3.8" => "timeStamping: the certificate may bind the hash of an \
                                    object to a time, as a time-stamping authority does \
                                    (RFC 3161)."
                .into(),
            "1.3.6.1.5.5.7.3.9" => "OCSPSigning: the certificate may sign OCSP responses (the \
                                    revocation status of certificates) on behalf of the CA \
                                    that issued it (RFC 6960)."
                .into(),
            "2.5.29.37.0" => "anyExtendedKeyUsage: any purpose; an application that needs a \
                              particular purpose may still reject a certificate that lists \
                              this but not that purpose (RFC 5280 4.2.1.12)."
                .into(),
            other => format!("{other}: a purpose this page does not recognise."),
        });
    }
    lines
}

fn explain_san(san: &SubjectAltName) -> Vec<String> {
    let mut lines = vec![
        "Subject alternative names: further names of the subject, bound to this certificate's \
         key (RFC 5280 4.2.1.6). A TLS client checks the host name or IP address it connected \
         to against them (RFC 6125 section 6, RFC 2818 3.1)."
            .to_string(),
    ];
    if san.0.iter().any(|n| matches!(n, GeneralName::DnsName(_))) {
        lines.push(
            "Because a DNS name is listed, the client must not use the subject's CN for that \
             check (RFC 6125 6.4.4)."
                .into(),
        );
    }
    lines
}

fn explain_aki(aki: &AuthorityKeyIdentifier) -> Vec<String> {
    let mut lines = Vec::new();
    if aki.key_identifier.is_some() {
        lines.push(
            "Authority key identifier: points to the key that signed this certificate: its \
             keyid equals the subject key identifier of the issuer's certificate, so a verifier \
             can pick the right issuer even when several share a name (RFC 5280 4.2.1.1)."
                .to_string(),
        );
    } else {
        lines.push(
            "Authority key identifier without a keyid: RFC 5280 4.2.1.1 requires a keyid in \
             all certificates generated by conforming CAs, to help verifiers find the issuer."
                .to_string(),
        );
    }
    if aki.authority_cert_issuer.is_some() || aki.authority_cert_serial_number.is_some() {
        lines.push(
            "It also gives the issuer certificate's own issuer name and serial number \
             (authorityCertIssuer, authorityCertSerialNumber), which single out one issuer \
             certificate."
                .into(),
        );
    }
    lines
}
