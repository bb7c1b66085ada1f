//! The messages mutual TLS is about: the server's CertificateRequest, each side's
//! Certificate, and the CertificateVerify that proves a side holds its certificate's key.

use super::super::wire::{Read, Reader};
use super::extensions::{distinguished_names, Context, DistinguishedName, Extensions};
use crate::pki::{self, inspect};
use rustls::SignatureScheme;

/// A Certificate message: the sender's chain, leaf first. Read as far as it goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Certificate {
    /// TLS 1.3's request context: empty during the handshake. `None` in TLS 1.2.
    pub context: Option<Vec<u8>>,
    pub entries: Vec<CertificateEntry>,
    /// Whether the list was read to its end, so `entries` is the whole chain.
    pub whole: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateEntry {
    /// The certificate as sent, DER.
    pub der: Vec<u8>,
    /// TLS 1.3 gives each entry extensions (OCSP status, SCTs); TLS 1.2 has none. `None`
    /// when the message broke before them.
    pub extensions: Option<Extensions>,
}

impl Certificate {
    pub(super) fn read(r: &mut Reader<'_>, tls13: bool, message: &mut Self) -> Read<()> {
        if tls13 {
            message.context = Some(r.vec8("the request context")?.rest().to_vec());
        }
        let mut list = r.vec24("the certificate list")?;
        while !list.is_empty() {
            let der = list.vec24("a certificate")?.rest().to_vec();
            message.entries.push(CertificateEntry {
                der,
                extensions: None,
            });
            if tls13 {
                let extensions = Extensions::read(
                    &mut list,
                    "a certificate's extensions",
                    Context::Certificate,
                )?;
                if let Some(entry) = message.entries.last_mut() {
                    entry.extensions = Some(extensions);
                }
            }
        }
        message.whole = true;
        Ok(())
    }

    /// The sender sent no certificate: what a client without one answers.
    pub fn is_empty(&self) -> bool {
        self.whole && self.entries.is_empty()
    }

    /// The subjects' common names, leaf first, of the entries that read as certificates.
    pub fn common_names(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(CertificateEntry::common_name)
            .collect()
    }
}

impl CertificateEntry {
    /// The certificate, if its bytes are one.
    pub fn certificate(&self) -> Option<pki::Certificate> {
        pki::Certificate::from_der(self.der.clone()).ok()
    }

    /// Subject, issuer and key, as the certificate views show them.
    pub fn view(&self) -> Option<inspect::CertificateView> {
        inspect::certificate(&self.certificate()?).ok()
    }

    /// The subject's (last) common name, or its whole name if it has none: how the seed's
    /// notes name a certificate.
    pub fn common_name(&self) -> Option<String> {
        use der::{Decode, Tag, Tagged};
        const COMMON_NAME: &str = "2.5.4.3";
        let certificate = self.certificate()?;
        let parsed = x509_cert::Certificate::from_der(certificate.der()).ok()?;
        let subject = parsed.tbs_certificate().subject();
        let common_name = subject
            .iter()
            .filter(|atv| atv.oid.to_string() == COMMON_NAME)
            .last()
            .map(|atv| match atv.value.tag() {
                Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                    String::from_utf8_lossy(atv.value.value()).into_owned()
                }
                _ => inspect::hex_colon(atv.value.value()),
            });
        Some(common_name.unwrap_or_else(|| inspect::name_text(subject)))
    }
}

/// The server asks for a client certificate. The two versions ask differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateRequest {
    Tls13(CertificateRequestTls13),
    Tls12(CertificateRequestTls12),
}

/// TLS 1.3: a context and extensions, among them the signature algorithms and, optionally,
/// the CA names the server trusts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateRequestTls13 {
    pub context: Option<Vec<u8>>,
    pub extensions: Option<Extensions>,
}

/// TLS 1.2: fixed fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateRequestTls12 {
    /// ClientCertificateType values: which kinds of key the server accepts.
    pub certificate_types: Option<Vec<u8>>,
    pub signature_algorithms: Option<Vec<SignatureScheme>>,
    pub certificate_authorities: Option<Vec<DistinguishedName>>,
}

impl CertificateRequestTls13 {
    pub(super) fn read(r: &mut Reader<'_>, request: &mut Self) -> Read<()> {
        request.context = Some(r.vec8("the request context")?.rest().to_vec());
        request.extensions = Some(Extensions::read(
            r,
            "the extensions",
            Context::CertificateRequest,
        )?);
        Ok(())
    }
}

impl CertificateRequestTls12 {
    pub(super) fn read(r: &mut Reader<'_>, request: &mut Self) -> Read<()> {
        request.certificate_types = Some(r.vec8("the certificate types")?.rest().to_vec());
        let schemes = r
            .vec16("the signature algorithms")?
            .u16s("the signature algorithms")?;
        request.signature_algorithms =
            Some(schemes.into_iter().map(SignatureScheme::from).collect());
        let names = distinguished_names(r.vec16("the CA names")?, "the CA names")?;
        request.certificate_authorities = Some(names);
        Ok(())
    }
}

impl CertificateRequest {
    /// The CA names the server sent as a hint, in its order; empty if it sent none.
    pub fn certificate_authorities(&self) -> &[DistinguishedName] {
        let names = match self {
            CertificateRequest::Tls13(request) => request
                .extensions
                .as_ref()
                .and_then(Extensions::certificate_authorities),
            CertificateRequest::Tls12(request) => request.certificate_authorities.as_deref(),
        };
        names.unwrap_or_default()
    }

    pub fn signature_algorithms(&self) -> &[SignatureScheme] {
        let schemes = match self {
            CertificateRequest::Tls13(request) => request
                .extensions
                .as_ref()
                .and_then(Extensions::signature_algorithms),
            CertificateRequest::Tls12(request) => request.signature_algorithms.as_deref(),
        };
        schemes.unwrap_or_default()
    }
}

/// A signature over the handshake so far, with the key of the certificate just sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateVerify {
    pub scheme: Option<SignatureScheme>,
    pub signature: Option<Vec<u8>>,
}

impl CertificateVerify {
    pub(super) fn read(r: &mut Reader<'_>, verify: &mut Self) -> Read<()> {
        verify.scheme = Some(SignatureScheme::from(r.u16("the signature scheme")?));
        verify.signature = Some(r.vec16("the signature")?.rest().to_vec());
        Ok(())
    }
}
