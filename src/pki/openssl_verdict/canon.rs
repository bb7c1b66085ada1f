//! Names in openssl's canonical form, as it compares them when looking for an issuer.

use der::Tagged;
use x509_cert::name::Name;

/// A name in openssl's canonical form (`x509_name_canon`): per RDN, each attribute's type and
/// value, with string values folded to lower case and their runs of spaces collapsed.
pub(crate) type Canon = Vec<Vec<(String, Vec<u8>)>>;

pub(crate) fn canon(name: &Name) -> Canon {
    name.iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let tag = atv.value.tag().number().0;
                    let data = atv.value.value();
                    let canonical = match text_of(tag, data) {
                        Some(text) => {
                            let folded: Vec<&str> = text.split_ascii_whitespace().collect();
                            folded.join(" ").to_ascii_lowercase().into_bytes()
                        }
                        None => {
                            let mut raw = tag.to_be_bytes().to_vec();
                            raw.extend_from_slice(data);
                            raw
                        }
                    };
                    (atv.oid.to_string(), canonical)
                })
                .collect()
        })
        .collect()
}

/// The text of a string-typed attribute value, as openssl canonicalises it; `None` for
/// others, which openssl compares as they are.
fn text_of(tag: u32, data: &[u8]) -> Option<String> {
    match tag {
        // UTF8String, NumericString, PrintableString, IA5String, VisibleString
        12 | 18 | 19 | 22 | 26 => Some(String::from_utf8_lossy(data).into_owned()),
        // T61String, read as Latin-1
        20 => Some(data.iter().map(|b| char::from(*b)).collect()),
        // BMPString
        30 => Some(
            char::decode_utf16(
                data.chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])),
            )
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
        ),
        // UniversalString
        28 => Some(
            data.chunks(4)
                .map(|c| {
                    let mut b = [0u8; 4];
                    b[..c.len()].copy_from_slice(c);
                    char::from_u32(u32::from_be_bytes(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
                })
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon_of(rfc4514: &str) -> Canon {
        use der::{Decode, Encode};
        let der = rfc4514.parse::<Name>().unwrap().to_der().unwrap();
        canon(&Name::from_der(&der).unwrap())
    }

    #[test]
    fn names_match_as_openssl_folds_them() {
        assert_eq!(
            canon_of("CN=Client  C Root,O=Org"),
            canon_of("CN= client c root ,O=ORG")
        );
        assert_ne!(canon_of("CN=Client C,O=Org"), canon_of("CN=Client D,O=Org"));
        assert_ne!(canon_of("CN=Client C"), canon_of("O=Client C"));
    }

    #[test]
    fn string_types_read_as_text() {
        assert_eq!(text_of(30, &[0, b'A', 0, b'b']).as_deref(), Some("Ab"));
        assert_eq!(text_of(28, &[0, 0, 0, b'x']).as_deref(), Some("x"));
        assert_eq!(text_of(20, &[0xe9]).as_deref(), Some("é"));
        assert_eq!(text_of(4, b"raw"), None);
    }
}
