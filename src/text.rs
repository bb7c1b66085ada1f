//! Small helpers for the sentences the page shows.

/// `text` with its first letter made a capital, as a sentence starts.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A count the page shows (milliseconds, KiB) rounded to a whole number. Integers print with
/// far less code than floats, which the page's module then does without.
pub fn whole(x: f64) -> u64 {
    x.max(0.0).round() as u64
}

/// Milliseconds as seconds with one decimal, "1.2".
pub fn seconds(ms: f64) -> String {
    let tenths = whole(ms / 100.0);
    format!("{}.{}", tenths / 10, tenths % 10)
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

    #[test]
    fn counts_round_as_the_float_formats_did() {
        assert_eq!(super::whole(52.5001), 53);
        assert_eq!(super::whole(0.4), 0);
        assert_eq!(super::whole(-3.0), 0);
        assert_eq!(super::seconds(0.0), "0.0");
        assert_eq!(super::seconds(1249.0), "1.2");
        assert_eq!(super::seconds(12_960.0), "13.0");
    }
}
