//! Certificates, CSRs and CRLs taken apart at the DER level: each part's bytes as they are, its shape
//! checked. x509-cert decodes into values that would be encoded anew, and its OIDs (const-oid)
//! cannot hold a first subidentifier over 127, as in 2.999.1, which pasted requests do carry.

use der::asn1::{AnyRef, BitStringRef, IntRef, OctetStringRef};
use der::{Decode, Reader, SliceReader, Tag, Tagged};

/// One attribute of a name: the content octets of its type's OID, and its value's identifier
/// octet and content. Not an `AnyRef`: der knows no UniversalString tag.
pub(crate) struct Attribute<'a> {
    pub oid: &'a [u8],
    pub tag: u8,
    pub value: &'a [u8],
}

/// A name's RDNs in order, each with its attributes in order.
pub(crate) type Rdns<'a> = Vec<Vec<Attribute<'a>>>;

pub(crate) struct Extension<'a> {
    pub oid: &'a [u8],
    /// The extnValue OCTET STRING's content.
    pub value: &'a [u8],
}

/// An AlgorithmIdentifier: its OID's content octets and its parameters.
pub(crate) struct Algorithm<'a> {
    pub oid: &'a [u8],
    pub parameters: Option<AnyRef<'a>>,
}

/// A certificate's parts. The names, the key and the TBSCertificate are whole TLVs.
pub(crate) struct CertificateParts<'a> {
    /// What the signature covers.
    pub tbs: &'a [u8],
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    pub spki: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

/// A request's parts.
pub(crate) struct RequestParts<'a> {
    /// The certificationRequestInfo TLV, what the signature covers.
    pub info: &'a [u8],
    pub subject: Rdns<'a>,
    /// The SubjectPublicKeyInfo TLV.
    pub spki: &'a [u8],
    pub signature_algorithm: Algorithm<'a>,
    pub signature: BitStringRef<'a>,
}

/// Takes a certificate apart; also returns what follows it.
pub(crate) fn certificate(der: &[u8]) -> der::Result<(CertificateParts<'_>, &[u8])> {
    let mut reader = SliceReader::new(der)?;
    let parts = read_sequence(&mut reader, |cert| {
        let tbs = cert.tlv_bytes()?;
        algorithm(cert)?;
        let _signature: BitStringRef<'_> = cert.decode()?;
        let mut fields = SliceReader::new(sequence_value(tbs)?)?;
        if fields.peek_byte() == Some(0xa0) {
            let version: AnyRef<'_> = fields.decode()?;
            IntRef::from_der(version.value())?;
        }
        let _serial: IntRef<'_> = fields.decode()?;
        algorithm(&mut fields)?;
        let issuer = name(&mut fields)?.0;
        read_sequence(&mut fields, |validity| {
            x509_cert::time::Time::decode(validity)?;
            x509_cert::time::Time::decode(validity)
        })?;
        let subject = name(&mut fields)?.0;
        let spki = fields.tlv_bytes()?;
        public_key(spki)?;
        let mut extensions = Vec::new();
        while let Some(tag) = fields.peek_byte() {
            let field: AnyRef<'_> = fields.decode()?;
            match tag {
                // issuerUniqueID, subjectUniqueID
                0x81 | 0x82 => {}
                0xa3 => extensions = read_extensions(field.value())?,
                _ => return Err(der::Error::from(field.tag().unexpected_error(None))),
            }
        }
        Ok(CertificateParts {
            tbs,
            issuer,
            subject,
            spki,
            extensions,
        })
    })?;
    Ok((parts, &der[usize::try_from(reader.position())?..]))
}

/// Takes a certificate signing request apart; also returns what follows it.
pub(crate) fn request(der: &[u8]) -> der::Result<(RequestParts<'_>, &[u8])> {
    let mut reader = SliceReader::new(der)?;
    let parts = read_sequence(&mut reader, |request| {
        let info = request.tlv_bytes()?;
        let signature_algorithm = algorithm(request)?;
        let signature = request.decode()?;
        let mut fields = SliceReader::new(sequence_value(info)?)?;
        let _version: IntRef<'_> = fields.decode()?;
        let subject = name(&mut fields)?.1;
        let spki = fields.tlv_bytes()?;
        public_key(spki)?;
        // attributes [0] IMPLICIT SET OF Attribute
        let attributes: AnyRef<'_> = fields.decode()?;
        if attributes.tag().number().0 != 0 || !attributes.tag().is_context_specific() {
            return Err(der::Error::from(attributes.tag().unexpected_error(None)));
        }
        let mut attributes = SliceReader::new(attributes.value())?;
        while !attributes.is_finished() {
            read_sequence(&mut attributes, |attribute| {
                oid(attribute)?;
                let values: AnyRef<'_> = attribute.decode()?;
                values.tag().assert_eq(Tag::Set)?;
                Ok(())
            })?;
        }
        fields.finish()?;
        Ok(RequestParts {
            info,
            subject,
            spki,
            signature_algorithm,
            signature,
        })
    })?;
    Ok((parts, &der[usize::try_from(reader.position())?..]))
}

/// A CRL's parts (RFC 5280 §5.1): what its signature covers and how it is signed, as they are
/// in the DER, and its entries counted without reading them.
pub(crate) struct CrlParts<'a> {
    /// The TBSCertList TLV, what the signature covers.
    pub tbs: &'a [u8],
    /// The signature field inside the TBSCertList and the signatureAlgorithm outside it, as
    /// TLVs: openssl refuses a CRL whose two differ.
    pub inner_algorithm: &'a [u8],
    pub outer_algorithm: &'a [u8],
    pub signature_algorithm: Algorithm<'a>,
    pub signature: BitStringRef<'a>,
    pub entries: usize,
}

/// Takes a CRL apart; also returns what follows it. Each revoked entry is only skipped over,
/// so a list of absurd length is counted cheaply before anything reads it.
pub(crate) fn crl(der: &[u8]) -> der::Result<(CrlParts<'_>, &[u8])> {
    let mut reader = SliceReader::new(der)?;
    let parts = read_sequence(&mut reader, |list| {
        let tbs = list.tlv_bytes()?;
        let outer_algorithm = list.tlv_bytes()?;
        let signature_algorithm = algorithm(&mut SliceReader::new(outer_algorithm)?)?;
        let signature = list.decode()?;
        let mut fields = SliceReader::new(sequence_value(tbs)?)?;
        if fields.peek_byte() == Some(0x02) {
            let _version: IntRef<'_> = fields.decode()?;
        }
        let inner_algorithm = fields.tlv_bytes()?;
        algorithm(&mut SliceReader::new(inner_algorithm)?)?;
        name(&mut fields)?;
        x509_cert::time::Time::decode(&mut fields)?;
        // nextUpdate, UTCTime or GeneralizedTime, is optional.
        if matches!(fields.peek_byte(), Some(0x17 | 0x18)) {
            x509_cert::time::Time::decode(&mut fields)?;
        }
        let mut entries = 0;
        if fields.peek_byte() == Some(0x30) {
            let revoked: AnyRef<'_> = fields.decode()?;
            let mut list = SliceReader::new(revoked.value())?;
            while !list.is_finished() {
                let entry: AnyRef<'_> = list.decode()?;
                entry.tag().assert_eq(Tag::Sequence)?;
                entries += 1;
            }
        }
        // crlExtensions [0] EXPLICIT
        if fields.peek_byte() == Some(0xa0) {
            let _extensions: AnyRef<'_> = fields.decode()?;
        }
        fields.finish()?;
        Ok(CrlParts {
            tbs,
            inner_algorithm,
            outer_algorithm,
            signature_algorithm,
            signature,
            entries,
        })
    })?;
    Ok((parts, &der[usize::try_from(reader.position())?..]))
}

/// What RSASSA-PSS parameters name (RFC 4055), with their defaults filled in.
pub(crate) struct PssParameters {
    pub hash: String,
    pub mask: String,
    /// The hash the mask generation function uses; `None` when its parameters name none.
    pub mask_hash: Option<String>,
    pub salt_length: u32,
}

/// Reads RSASSA-PSS-params from a signature algorithm's parameters.
pub(crate) fn pss_parameters(tag: Tag, content: &[u8]) -> der::Result<PssParameters> {
    const SHA1: &str = "1.3.14.3.2.26";
    tag.assert_eq(Tag::Sequence)?;
    let mut fields = SliceReader::new(content)?;
    // Each field is [n] EXPLICIT and may be left out.
    let mut field = |number: u8| -> der::Result<Option<&[u8]>> {
        if fields.peek_byte() != Some(0xa0 | number) {
            return Ok(None);
        }
        Ok(Some(fields.decode::<AnyRef<'_>>()?.value()))
    };
    let hash = match field(0)? {
        Some(hash) => oid_text(algorithm(&mut SliceReader::new(hash)?)?.oid),
        None => SHA1.into(),
    };
    let (mask, mask_hash) = match field(1)? {
        Some(mask) => {
            let mask = algorithm(&mut SliceReader::new(mask)?)?;
            let hash = mask.parameters.and_then(|p| {
                let mut inner = SliceReader::new(p.value()).ok()?;
                Some(oid_text(oid(&mut inner).ok()?))
            });
            (oid_text(mask.oid), hash)
        }
        None => ("1.2.840.113549.1.1.8".into(), Some(SHA1.into())),
    };
    let salt_length = match field(2)? {
        Some(salt) => u32::from_der(salt)?,
        None => 20,
    };
    Ok(PssParameters {
        hash,
        mask,
        mask_hash,
        salt_length,
    })
}

/// The RDNs of a name TLV, such as `CertificateParts::subject`.
pub(crate) fn rdns(name_tlv: &[u8]) -> der::Result<Rdns<'_>> {
    let mut reader = SliceReader::new(name_tlv)?;
    let rdns = name(&mut reader)?.1;
    reader.finish()?;
    Ok(rdns)
}

/// An OID's arcs from its DER content. The first subidentifier holds two arcs, and the first
/// is 2 for any value from 80 up (RFC 5280 leans on X.690 8.19): 2.999 is one subidentifier,
/// 1079. Reading it as 26.39 would give rcgen an OID it cannot write.
pub(crate) fn oid_arcs(der: &[u8]) -> Option<Vec<u64>> {
    let mut subidentifiers = Vec::new();
    let mut value: u64 = 0;
    for (i, byte) in der.iter().enumerate() {
        value = value.checked_mul(128)? | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            subidentifiers.push(value);
            value = 0;
        } else if i + 1 == der.len() {
            return None;
        }
    }
    let (&first, rest) = subidentifiers.split_first()?;
    let mut arcs = match first {
        0..=39 => vec![0, first],
        40..=79 => vec![1, first - 40],
        _ => vec![2, first - 80],
    };
    arcs.extend_from_slice(rest);
    Some(arcs)
}

/// An OID in dotted form, e.g. "2.5.29.14"; empty when its octets do not make one.
pub(crate) fn oid_text(der: &[u8]) -> String {
    oid_arcs(der)
        .map(|arcs| {
            let arcs: Vec<String> = arcs.iter().map(u64::to_string).collect();
            arcs.join(".")
        })
        .unwrap_or_default()
}

/// A SEQUENCE read by `f`, which must read all of it.
fn read_sequence<'a, T>(
    reader: &mut SliceReader<'a>,
    f: impl FnOnce(&mut SliceReader<'a>) -> der::Result<T>,
) -> der::Result<T> {
    reader.sequence(f)
}

fn sequence_value(tlv: &[u8]) -> der::Result<&[u8]> {
    let sequence = AnyRef::from_der(tlv)?;
    sequence.tag().assert_eq(Tag::Sequence)?;
    Ok(sequence.value())
}

fn oid<'a>(reader: &mut SliceReader<'a>) -> der::Result<&'a [u8]> {
    let any: AnyRef<'a> = reader.decode()?;
    any.tag().assert_eq(Tag::ObjectIdentifier)?;
    match any.value().last() {
        Some(last) if last & 0x80 == 0 => Ok(any.value()),
        _ => Err(Tag::ObjectIdentifier.value_error().into()),
    }
}

fn algorithm<'a>(reader: &mut SliceReader<'a>) -> der::Result<Algorithm<'a>> {
    read_sequence(reader, |fields| {
        let oid = oid(fields)?;
        let parameters = match fields.is_finished() {
            true => None,
            false => Some(fields.decode()?),
        };
        Ok(Algorithm { oid, parameters })
    })
}

/// A name: its TLV, and its RDNs.
fn name<'a>(reader: &mut SliceReader<'a>) -> der::Result<(&'a [u8], Rdns<'a>)> {
    let tlv = reader.tlv_bytes()?;
    let rdns = read_sequence(&mut SliceReader::new(tlv)?, |sequence| {
        let mut rdns = Vec::new();
        while !sequence.is_finished() {
            let set: AnyRef<'a> = sequence.decode()?;
            set.tag().assert_eq(Tag::Set)?;
            let mut attributes = SliceReader::new(set.value())?;
            let mut rdn = Vec::new();
            while !attributes.is_finished() {
                rdn.push(read_sequence(&mut attributes, |attribute| {
                    let oid = oid(attribute)?;
                    let tag = attribute.read_byte()?;
                    if tag & 0x1f == 0x1f {
                        return Err(der::Error::from(der::ErrorKind::TagNumberInvalid));
                    }
                    let length = der::Length::decode(attribute)?;
                    let value = attribute.read_slice(length)?;
                    Ok(Attribute { oid, tag, value })
                })?);
            }
            rdns.push(rdn);
        }
        Ok(rdns)
    })?;
    Ok((tlv, rdns))
}

fn public_key(spki: &[u8]) -> der::Result<()> {
    let mut reader = SliceReader::new(spki)?;
    read_sequence(&mut reader, |fields| {
        algorithm(fields)?;
        let _key: BitStringRef<'_> = fields.decode()?;
        Ok(())
    })?;
    reader.finish()
}

/// Extensions ::= SEQUENCE OF Extension, inside the [3] tag.
fn read_extensions(explicit: &[u8]) -> der::Result<Vec<Extension<'_>>> {
    let mut reader = SliceReader::new(explicit)?;
    let extensions = read_sequence(&mut reader, |sequence| {
        let mut extensions = Vec::new();
        while !sequence.is_finished() {
            extensions.push(read_sequence(sequence, |extension| {
                let oid = oid(extension)?;
                let _critical: Option<bool> = extension.decode()?;
                let value: &OctetStringRef = extension.decode()?;
                Ok(Extension {
                    oid,
                    value: value.as_bytes(),
                })
            })?);
        }
        Ok(extensions)
    })?;
    reader.finish()?;
    Ok(extensions)
}

/// An INTEGER's bytes without the leading zero DER adds to keep it positive: a serial number.
pub(crate) fn trim_sign(bytes: &[u8]) -> Vec<u8> {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest.to_vec(),
        other => other.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_read_as_x690_writes_them() {
        assert_eq!(oid_arcs(&[0x55, 0x04, 0x03]), Some(vec![2, 5, 4, 3]));
        assert_eq!(oid_arcs(&[0x88, 0x37, 0x01]), Some(vec![2, 999, 1]));
        assert_eq!(oid_arcs(&[0x2a, 0x86, 0x48]), Some(vec![1, 2, 840]));
        assert_eq!(oid_arcs(&[0x06]), Some(vec![0, 6]));
        assert_eq!(oid_arcs(&[]), None);
        assert_eq!(oid_arcs(&[0x88]), None);
        assert_eq!(oid_arcs(&[0xff; 12]), None);
        assert_eq!(oid_text(&[0x88, 0x37, 0x01]), "2.999.1");
    }
}
