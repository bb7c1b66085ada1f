//! PEM blocks in and out, with limits so that pasted junk fails fast and clearly.

use super::PkiError;

/// The largest PEM text we accept from a user: far above any certificate chain or key.
pub const MAX_PEM_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub label: String,
    pub der: Vec<u8>,
    /// RFC 1421 headers between the BEGIN line and the data, as `(name, value)`: openssl's
    /// legacy encrypted keys carry `Proc-Type` and `DEK-Info` here. Usually empty.
    pub headers: Vec<(String, String)>,
}

/// Encodes DER as PEM with 64-column lines and LF endings, as openssl writes it.
pub fn encode(label: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// Reads every PEM block in `text`, refusing oversized, binary or block-less input.
pub fn parse_all(text: &str) -> Result<Vec<Block>, PkiError> {
    if text.len() > MAX_PEM_BYTES {
        return Err(PkiError::Pem(format!(
            "the text is {} KiB; the limit is {} KiB",
            text.len() / 1024,
            MAX_PEM_BYTES / 1024
        )));
    }
    if text.trim().is_empty() {
        return Err(PkiError::Pem("the text is empty".into()));
    }
    if text.contains('\0') {
        return Err(PkiError::Pem(
            "the text is binary; paste the PEM form (-----BEGIN …-----)".into(),
        ));
    }
    if !text.contains("-----BEGIN ") {
        return Err(PkiError::Pem("no -----BEGIN …----- line was found".into()));
    }
    let blocks = pem::parse_many(text).map_err(|e| PkiError::Pem(e.to_string()))?;
    if blocks.is_empty() {
        return Err(PkiError::Pem("no complete PEM block was found".into()));
    }
    Ok(blocks
        .into_iter()
        .map(|p| Block {
            label: p.tag().to_string(),
            headers: p
                .headers()
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            der: p.into_contents(),
        })
        .collect())
}

/// Reads exactly one block whose label is one of `labels`.
pub fn parse_one(text: &str, labels: &[&str]) -> Result<Block, PkiError> {
    one_of(parse_all(text)?, labels)
}

/// Picks the single block of `blocks`, refusing several, or one whose label is not in `labels`.
pub fn one_of(mut blocks: Vec<Block>, labels: &[&str]) -> Result<Block, PkiError> {
    if blocks.is_empty() {
        return Err(PkiError::Pem("no complete PEM block was found".into()));
    }
    if blocks.len() > 1 {
        return Err(PkiError::Pem(format!(
            "found {} PEM blocks; paste just one",
            blocks.len()
        )));
    }
    let block = blocks.remove(0);
    if !labels.contains(&block.label.as_str()) {
        return Err(PkiError::Pem(format!(
            "found a \"{}\" block; expected {}",
            block.label,
            labels
                .iter()
                .map(|l| format!("\"{l}\""))
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    Ok(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_the_wrong_label() {
        let text = encode("CERTIFICATE REQUEST", &[1, 2, 3]);
        assert!(text.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
        let block = parse_one(&text, &["CERTIFICATE REQUEST"]).unwrap();
        assert_eq!(block.der, vec![1, 2, 3]);
        let err = parse_one(&text, &["CERTIFICATE"]).unwrap_err();
        assert!(
            err.to_string().contains("expected \"CERTIFICATE\""),
            "{err}"
        );
    }

    #[test]
    fn keeps_the_headers_of_a_block() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nAQID\n-----END RSA PRIVATE KEY-----\n";
        let block = parse_one(text, &["RSA PRIVATE KEY"]).unwrap();
        assert_eq!(block.der, vec![1, 2, 3]);
        assert_eq!(
            block.headers,
            vec![
                ("Proc-Type".to_string(), "4,ENCRYPTED".to_string()),
                ("DEK-Info".to_string(), "AES-128-CBC,00FF".to_string()),
            ]
        );
        assert!(parse_one(&encode("X", &[1]), &["X"])
            .unwrap()
            .headers
            .is_empty());
        assert!(one_of(Vec::new(), &["X"]).is_err());
    }

    #[test]
    fn refuses_empty_binary_and_huge_text() {
        assert!(parse_all("").is_err());
        assert!(parse_all("ab\0cd").is_err());
        assert!(parse_all("hello").is_err());
        assert!(parse_all(&"A".repeat(MAX_PEM_BYTES + 1)).is_err());
        assert!(parse_all("-----BEGIN X-----\n!!!\n-----END X-----\n").is_err());
    }
}
