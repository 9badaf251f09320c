//! Rules for files Netra exports: spreadsheet formula injection is neutralised in text formats.

/// A cell as written to CSV: text a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) gets a leading apostrophe, so it arrives as text (OWASP "CSV injection").
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_plain_text_is_untouched() {
        for payload in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"] {
            assert!(neutralise(payload).starts_with('\''), "{payload:?}");
        }
        for plain in ["Asep Sunandar", "NTR-2024-000001", "2024-11-27", "", "a=b"] {
            assert_eq!(neutralise(plain), plain);
        }
    }
}
