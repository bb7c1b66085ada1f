//! openssl's legacy PEM encryption of traditional keys: `Proc-Type: 4,ENCRYPTED` and
//! `DEK-Info: CIPHER,IV-in-hex` headers, the key from `EVP_BytesToKey` (MD5, one round, the
//! first 8 bytes of the IV as salt), the DER encrypted in CBC mode with PKCS#7 padding.

use super::{PkiError, CONVERT_TO_PKCS8};
use cbc::cipher::{block_padding::Pkcs7, BlockCipherDecrypt, BlockModeDecrypt, KeyInit, KeyIvInit};
use zeroize::Zeroizing;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl Cipher {
    fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "AES-128-CBC" => Some(Cipher::Aes128),
            "AES-192-CBC" => Some(Cipher::Aes192),
            "AES-256-CBC" => Some(Cipher::Aes256),
            "DES-EDE3-CBC" => Some(Cipher::DesEde3),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cipher::Aes128 => "AES-128-CBC",
            Cipher::Aes192 => "AES-192-CBC",
            Cipher::Aes256 => "AES-256-CBC",
            Cipher::DesEde3 => "DES-EDE3-CBC",
        }
    }

    fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 => 16,
            Cipher::Aes192 | Cipher::DesEde3 => 24,
            Cipher::Aes256 => 32,
        }
    }

    /// The block size, which is also the IV's length.
    fn block_len(self) -> usize {
        match self {
            Cipher::DesEde3 => 8,
            _ => 16,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(super) struct Encryption {
    pub(super) cipher: Cipher,
    pub(super) iv: Vec<u8>,
}

impl Encryption {
    /// The encryption a block's headers declare, or `None` for a block in the clear.
    pub(super) fn from_headers(headers: &[(String, String)]) -> Result<Option<Self>, PkiError> {
        let header = |name: &str| {
            headers
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let encrypted = header("Proc-Type").is_some_and(|v| {
            v.split(',')
                .nth(1)
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("ENCRYPTED"))
        });
        match (header("DEK-Info"), encrypted) {
            (Some(dek_info), _) => Self::from_dek_info(dek_info).map(Some),
            (None, true) => Err(PkiError::Key(
                "the key is marked encrypted (Proc-Type: 4,ENCRYPTED) but has no DEK-Info \
                 line naming its cipher and IV"
                    .into(),
            )),
            (None, false) => Ok(None),
        }
    }

    /// Reads `CIPHER,IV-in-hex`, as in `DEK-Info: AES-256-CBC,0123…`.
    fn from_dek_info(value: &str) -> Result<Self, PkiError> {
        let Some((name, iv_hex)) = value.split_once(',') else {
            return Err(PkiError::Key(
                "the DEK-Info line should read a cipher, a comma and the IV in hex, as in \
                 \"DEK-Info: AES-256-CBC,0123…\""
                    .into(),
            ));
        };
        let name = name.trim();
        let Some(cipher) = Cipher::from_name(name) else {
            let shown: String = name
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(40)
                .collect();
            return Err(PkiError::Unsupported(format!(
                "a key encrypted with {shown} in openssl's old format; this lab opens \
                 AES-128/192/256-CBC and DES-EDE3-CBC. Convert it to PKCS#8 with: \
                 {CONVERT_TO_PKCS8}"
            )));
        };
        let iv = decode_hex(iv_hex.trim()).ok_or_else(|| {
            PkiError::Key("the DEK-Info IV is not a string of hexadecimal digits".into())
        })?;
        if iv.len() != cipher.block_len() {
            return Err(PkiError::Key(format!(
                "the DEK-Info IV is {} bytes; {} needs {}",
                iv.len(),
                cipher.name(),
                cipher.block_len()
            )));
        }
        Ok(Encryption { cipher, iv })
    }

    /// The DER inside, or `WrongPassphrase` when the padding does not come out right.
    pub(super) fn decrypt(
        &self,
        ciphertext: &[u8],
        passphrase: &str,
    ) -> Result<Zeroizing<Vec<u8>>, PkiError> {
        let block = self.cipher.block_len();
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(block) {
            return Err(PkiError::Key(format!(
                "the encrypted key is {} bytes, not a whole number of {}-byte {} blocks",
                ciphertext.len(),
                block,
                self.cipher.name()
            )));
        }
        // The salt is the IV's first 8 bytes; the IV is a whole block, checked when read.
        let salt = self
            .iv
            .get(..8)
            .ok_or_else(|| PkiError::Key("the DEK-Info IV is shorter than 8 bytes".into()))?;
        let key = bytes_to_key(passphrase.as_bytes(), salt, self.cipher.key_len());
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let len = match self.cipher {
            Cipher::Aes128 => cbc_decrypt::<aes::Aes128Dec>(&key, &self.iv, &mut buffer),
            Cipher::Aes192 => cbc_decrypt::<aes::Aes192Dec>(&key, &self.iv, &mut buffer),
            Cipher::Aes256 => cbc_decrypt::<aes::Aes256Dec>(&key, &self.iv, &mut buffer),
            Cipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(&key, &self.iv, &mut buffer),
        }
        .ok_or(PkiError::WrongPassphrase)?;
        buffer.truncate(len);
        Ok(buffer)
    }
}

/// Decrypts in place; the plaintext's length, or `None` when the padding is wrong.
fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    buffer: &mut [u8],
) -> Option<usize> {
    cbc::Decryptor::<C>::new_from_slices(key, iv)
        .ok()?
        .decrypt_padded::<Pkcs7>(buffer)
        .ok()
        .map(<[u8]>::len)
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one round: D_1 = MD5(passphrase ‖ salt),
/// D_i = MD5(D_(i-1) ‖ passphrase ‖ salt), concatenated and cut to `len`.
pub(super) fn bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    use md5::{Digest, Md5};
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut previous = Zeroizing::new(Vec::new());
    while key.len() < len {
        let mut md5 = Md5::new();
        md5.update(previous.as_slice());
        md5.update(passphrase);
        md5.update(salt);
        let digest = md5.finalize();
        previous.clear();
        previous.extend_from_slice(&digest);
        key.extend_from_slice(&digest);
    }
    key.truncate(len);
    key
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.is_empty() || !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_to_key_matches_openssl() {
        // openssl enc -aes-256-cbc -md md5 -pass pass:workshop -S 0102030405060708 -P
        let derived = bytes_to_key(b"workshop", &[1, 2, 3, 4, 5, 6, 7, 8], 48);
        let hex: String = derived.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(
            hex,
            "814BF6139479004D00FA5119AE152A478287537DCB87EA8434C12D0281DCA9A3\
             F1A5193F661FC33662B762011F714648"
        );
    }
}
