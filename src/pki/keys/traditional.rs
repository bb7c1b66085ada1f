//! openssl's traditional key forms, PKCS#1 `RSA PRIVATE KEY` and SEC1 `EC PRIVATE KEY`,
//! rewrapped as the PKCS#8 the rest of the lab reads.

use super::{ec_algorithm, PkiError, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION};
use pkcs8::der::Decode;
use zeroize::Zeroizing;

/// Wraps a PKCS#1 `RSAPrivateKey` as PKCS#8 (rsaEncryption, NULL parameters). The key itself is
/// checked, size first, by `from_pkcs8_der`.
pub(super) fn pkcs1_to_pkcs8(rsa_private_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    use pkcs8::der::asn1::{AnyRef, ObjectIdentifier};
    wrap_pkcs8(
        ObjectIdentifier::new_unwrap(OID_RSA_ENCRYPTION),
        AnyRef::NULL,
        rsa_private_key,
    )
}

/// Wraps a SEC1 `ECPrivateKey` as PKCS#8 (id-ecPublicKey with its named curve), re-encoding the
/// inner key as `openssl pkcs8 -topk8` does and ring expects: no [0] curve (it moves to the
/// algorithm), [1] public key kept.
pub(super) fn sec1_to_pkcs8(ec_private_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    use pkcs8::der::{asn1::AnyRef, Encode};
    let key = sec1::EcPrivateKey::from_der(ec_private_key).map_err(|e| match e.kind() {
        pkcs8::der::ErrorKind::TagUnexpected {
            actual: pkcs8::der::Tag::Sequence,
            ..
        } => PkiError::Unsupported(
            "an EC key that spells out its curve's parameters instead of naming the curve; \
                 `openssl ec -in old.key -param_enc named_curve -out client_b.key` names it"
                .into(),
        ),
        _ => PkiError::Key(format!("the EC private key cannot be parsed ({e})")),
    })?;
    let Some(curve) = key.parameters.and_then(|p| p.named_curve()) else {
        return Err(PkiError::Key(
            "the EC private key does not say which curve it is on, and openssl cannot read it either; \
             export it again as PKCS#8 (PRIVATE KEY) from the tool that made it"
                .into(),
        ));
    };
    // Refuse other curves by name before looking further.
    ec_algorithm(&curve.to_string())?;
    match key.public_key {
        Some([0x04, ..]) => {}
        Some(_) => {
            return Err(PkiError::Unsupported(
                "an EC key whose public key is in compressed form; `openssl ec -in old.key \
                 -conv_form uncompressed -out client_b.key` rewrites it"
                    .into(),
            ))
        }
        None => return Err(PkiError::Unsupported(
            "an EC key file without its public key; `openssl ec -in old.key -out client_b.key` \
                 writes it back"
                .into(),
        )),
    }
    let inner = sec1::EcPrivateKey {
        parameters: None,
        ..key
    };
    let inner =
        Zeroizing::new(inner.to_der().map_err(|e| {
            PkiError::Key(format!("the EC private key cannot be re-encoded ({e})"))
        })?);
    wrap_pkcs8(
        pkcs8::ObjectIdentifier::new_unwrap(OID_EC_PUBLIC_KEY),
        AnyRef::from(&curve),
        &inner,
    )
}

/// A PKCS#8 `PrivateKeyInfo` (version 0, no public key) around `private_key`.
fn wrap_pkcs8(
    oid: pkcs8::ObjectIdentifier,
    parameters: pkcs8::der::asn1::AnyRef<'_>,
    private_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    use pkcs8::der::{asn1::OctetStringRef, Encode};
    let bad =
        |e: pkcs8::der::Error| PkiError::Key(format!("the key cannot be wrapped as PKCS#8 ({e})"));
    let info = pkcs8::PrivateKeyInfoRef::new(
        pkcs8::AlgorithmIdentifierRef {
            oid,
            parameters: Some(parameters),
        },
        OctetStringRef::new(private_key).map_err(bad)?,
    );
    Ok(Zeroizing::new(info.to_der().map_err(bad)?))
}

#[cfg(test)]
mod tests {
    use super::super::{legacy_pem, pem, KeyAlgorithm, PrivateKey, CONVERT_TO_PKCS8};
    use super::*;

    /// The PKCS#1 or SEC1 key inside a generated key's PKCS#8, as openssl's traditional PEM.
    fn traditional_pem(key: &PrivateKey) -> String {
        use pkcs8::der::Encode;
        let info = pkcs8::PrivateKeyInfoRef::from_der(key.pkcs8_der()).unwrap();
        let inner = info.private_key.as_bytes();
        match key.algorithm().rsa_bits() {
            Some(_) => pem::encode("RSA PRIVATE KEY", inner),
            None => {
                let curve = info.algorithm.parameters_oid().unwrap();
                let mut ec = sec1::EcPrivateKey::from_der(inner).unwrap();
                ec.parameters = Some(curve.into());
                pem::encode("EC PRIVATE KEY", &ec.to_der().unwrap())
            }
        }
    }

    /// `pem` with openssl's legacy encryption headers, encrypted with AES-128-CBC under `passphrase`.
    fn legacy_aes128(pem_text: &str, passphrase: &str, iv: [u8; 16]) -> String {
        use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
        let block = pem::parse_all(pem_text).unwrap().remove(0);
        let key = legacy_pem::bytes_to_key(passphrase.as_bytes(), &iv[..8], 16);
        let len = block.der.len();
        let mut buffer = block.der.clone();
        buffer.resize(len + 16, 0);
        let ciphertext = cbc::Encryptor::<aes::Aes128Enc>::new_from_slices(&key, &iv)
            .unwrap()
            .encrypt_padded::<Pkcs7>(&mut buffer, len)
            .unwrap()
            .to_vec();
        let iv_hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
        let body = pem::encode(&block.label, &ciphertext);
        let begin_end = body.find('\n').unwrap() + 1;
        format!(
            "{}Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv_hex}\n\n{}",
            &body[..begin_end],
            &body[begin_end..]
        )
    }

    fn with_headers(label: &str, headers: &str, der: &[u8]) -> String {
        let body = pem::encode(label, der);
        let first_line = body.find('\n').unwrap() + 1;
        format!(
            "{}{headers}\n\n{}",
            &body[..first_line],
            &body[first_line..]
        )
    }

    #[test]
    fn traditional_forms_load_plain_and_encrypted() {
        for algorithm in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::Rsa2048,
        ] {
            let key = PrivateKey::generate(algorithm).unwrap();
            let plain = traditional_pem(&key);
            assert_eq!(
                PrivateKey::from_pem(&plain, "").unwrap(),
                key,
                "{algorithm:?}"
            );
            let encrypted = legacy_aes128(&plain, "correct horse", [7; 16]);
            assert_eq!(
                PrivateKey::from_pem(&encrypted, "correct horse").unwrap(),
                key,
                "{algorithm:?}"
            );
            assert_eq!(
                PrivateKey::from_pem(&encrypted, "wrong horse").unwrap_err(),
                PkiError::WrongPassphrase,
                "{algorithm:?}"
            );
        }
    }

    #[test]
    fn an_ec_parameters_block_before_the_key_is_skipped() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let params = pem::encode(
            "EC PARAMETERS",
            &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        );
        let text = format!("{params}{}", traditional_pem(&key));
        assert_eq!(PrivateKey::from_pem(&text, "").unwrap(), key);
        // Alone, it is not a key; two keys are still refused.
        assert!(PrivateKey::from_pem(&params, "").is_err());
        let two = format!("{}{}", traditional_pem(&key), traditional_pem(&key));
        assert!(PrivateKey::from_pem(&two, "").is_err());
    }

    #[test]
    fn malformed_traditional_keys_are_refused_with_a_message() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let ec = pem::parse_all(&traditional_pem(&key))
            .unwrap()
            .remove(0)
            .der;
        let rsa_like: Vec<u8> = vec![0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82];
        let sixteen = "00112233445566778899AABBCCDDEEFF";
        let cases: Vec<(&str, String)> = vec![
            ("truncated EC DER", pem::encode("EC PRIVATE KEY", &ec[..ec.len() / 2])),
            ("truncated RSA DER", pem::encode("RSA PRIVATE KEY", &rsa_like)),
            ("empty RSA DER", pem::encode("RSA PRIVATE KEY", &[])),
            ("EC key that is not DER", pem::encode("EC PRIVATE KEY", b"hello")),
            (
                "DEK-Info without a comma",
                with_headers("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC", &[0; 32]),
            ),
            (
                "DEK-Info with an unknown cipher",
                with_headers(
                    "RSA PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: CAMELLIA-256-CBC,{sixteen}"),
                    &[0; 32],
                ),
            ),
            (
                "IV of the wrong length",
                with_headers(
                    "EC PRIVATE KEY",
                    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEE",
                    &[0; 32],
                ),
            ),
            (
                "DES IV of AES length",
                with_headers(
                    "EC PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,{sixteen}"),
                    &[0; 32],
                ),
            ),
            (
                "non-hex IV",
                with_headers(
                    "RSA PRIVATE KEY",
                    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEGG",
                    &[0; 32],
                ),
            ),
            (
                "odd-length, non-ASCII IV",
                with_headers(
                    "RSA PRIVATE KEY",
                    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011223344556677é8899AABBCCDDEEF",
                    &[0; 32],
                ),
            ),
            (
                "empty IV",
                with_headers("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,", &[0; 32]),
            ),
            (
                "encrypted without DEK-Info",
                with_headers("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED", &[0; 32]),
            ),
            (
                "ciphertext not a whole number of blocks",
                with_headers(
                    "RSA PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,{sixteen}"),
                    &[0; 33],
                ),
            ),
            (
                "empty ciphertext",
                with_headers(
                    "EC PRIVATE KEY",
                    &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,{sixteen}"),
                    &[],
                ),
            ),
        ];
        for (what, text) in cases {
            let err = PrivateKey::from_pem(&text, "passphrase").unwrap_err();
            let message = err.to_string();
            assert!(
                !message.contains("Error {") && !message.contains("Kind"),
                "{what}: {message}"
            );
            assert_ne!(err, PkiError::WrongPassphrase, "{what}");
        }
        let unknown = with_headers(
            "RSA PRIVATE KEY",
            &format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: CAMELLIA-256-CBC,{sixteen}"),
            &[0; 32],
        );
        let message = PrivateKey::from_pem(&unknown, "x").unwrap_err().to_string();
        assert!(
            message.contains("CAMELLIA-256-CBC") && message.contains(CONVERT_TO_PKCS8),
            "{message}"
        );
    }

    #[test]
    fn ec_keys_on_other_curves_are_refused_by_name() {
        // secp256k1, with a made-up scalar and public point: refused before anyone reads them.
        let mut der = vec![0x30, 0x74, 0x02, 0x01, 0x01, 0x04, 0x20];
        der.extend_from_slice(&[0x11; 32]);
        der.extend_from_slice(&[0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]);
        der.extend_from_slice(&[0xa1, 0x44, 0x03, 0x42, 0x00, 0x04]);
        der.extend_from_slice(&[0x22; 64]);
        let err = PrivateKey::from_pem(&pem::encode("EC PRIVATE KEY", &der), "").unwrap_err();
        assert!(
            matches!(&err, PkiError::Unsupported(m) if m.contains("secp256k1")),
            "{err}"
        );
    }
}
