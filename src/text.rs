//! Small helpers for the sentences the page shows.

/// `text` with its first letter made a capital, as a sentence starts.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_first_letter_changes() {
        assert_eq!(
            super::capitalised("the client's certificate"),
            "The client's certificate"
        );
        assert_eq!(super::capitalised("Client B sent"), "Client B sent");
        assert_eq!(super::capitalised("édition"), "Édition");
        assert_eq!(super::capitalised(""), "");
    }
}
