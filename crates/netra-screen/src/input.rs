//! Reading JSONL lines: posts to screen and labelled rows to train or evaluate on.
//!
//! Pure functions over one line's bytes, so the CLI, the web batch page and the fuzz target share them. Every
//! error names the field at fault.

use std::borrow::Cow;
use std::fmt;

use netra_core::catalogue::ActLabel;
use serde::Deserialize;

/// What is wrong with a line (the caller adds the line number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The field at fault, when one is.
    pub field: Option<&'static str>,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "field `{field}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for LineError {}

fn error(field: Option<&'static str>, message: impl Into<String>) -> LineError {
    LineError { field, message: message.into() }
}

/// A post to screen. `id` is kept as written (a string or an integer) and echoed in the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Post<'a> {
    pub id: serde_json::Value,
    pub text: Cow<'a, str>,
    /// Region code of the post's author or contest, to narrow candidates.
    pub region: Option<String>,
}

#[derive(Deserialize)]
struct PostLine<'a> {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    region: Option<String>,
}

fn utf8(line: &[u8]) -> Result<&str, LineError> {
    std::str::from_utf8(line).map_err(|e| error(None, format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1)))
}

fn json_error(e: &serde_json::Error) -> LineError {
    // serde_json names the column; "line 1" is noise for a single line.
    error(None, format!("not a JSON object: {} (column {})", strip_position(&e.to_string()), e.column()))
}

fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |at| &message[..at])
}

fn check_id(id: Option<serde_json::Value>) -> Result<serde_json::Value, LineError> {
    match id {
        Some(id @ serde_json::Value::String(_)) => Ok(id),
        Some(serde_json::Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(serde_json::Value::Number(n)),
        Some(_) => Err(error(Some("id"), "must be a string or an integer")),
        None => Err(error(Some("id"), "is missing")),
    }
}

/// Parses one post line: an object with at least `id` and `text` (other fields are ignored).
pub fn parse_post(line: &[u8]) -> Result<Post<'_>, LineError> {
    let line = utf8(line)?;
    let parsed: PostLine<'_> = serde_json::from_str(line).map_err(|e| json_error(&e))?;
    let id = check_id(parsed.id)?;
    let text = parsed.text.ok_or_else(|| error(Some("text"), "is missing"))?;
    Ok(Post { id, text, region: parsed.region.filter(|r| !r.trim().is_empty()) })
}

/// A labelled row: the corpus format (`labels`, `violation`) or the posts format (`partisan`).
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub id: String,
    pub text: String,
    pub violation: bool,
    pub acts: Vec<ActLabel>,
}

#[derive(Deserialize)]
struct LabelledLine {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    labels: Option<Vec<String>>,
    #[serde(default)]
    violation: Option<bool>,
    #[serde(default)]
    partisan: Option<bool>,
}

/// Parses one labelled line. A partisan post counts as a violation of kind `SOCMED_POST` (posting partisan
/// content is the act); a row with `labels` but no `violation` is a violation when it has labels.
pub fn parse_labelled(line: &[u8]) -> Result<Labelled, LineError> {
    let line = utf8(line)?;
    let parsed: LabelledLine = serde_json::from_str(line).map_err(|e| json_error(&e))?;
    let id = match check_id(parsed.id)? {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let text = parsed.text.ok_or_else(|| error(Some("text"), "is missing"))?;
    let (violation, acts) = match (parsed.labels, parsed.violation, parsed.partisan) {
        (Some(labels), violation, _) => {
            let acts = labels
                .iter()
                .map(|l| ActLabel::parse(l).ok_or_else(|| error(Some("labels"), format!("unknown act `{l}`"))))
                .collect::<Result<Vec<_>, _>>()?;
            let violation = violation.unwrap_or(!acts.is_empty());
            if !violation && !acts.is_empty() {
                return Err(error(Some("labels"), "a row that is not a violation cannot have acts"));
            }
            (violation, acts)
        }
        (None, Some(violation), _) => (violation, Vec::new()),
        (None, None, Some(partisan)) => (partisan, if partisan { vec![ActLabel::SocmedPost] } else { Vec::new() }),
        (None, None, None) => return Err(error(Some("labels"), "needs `labels`, `violation` or `partisan`")),
    };
    Ok(Labelled { id, text, violation, acts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_need_an_id_and_a_text() {
        let post = parse_post(br#"{"id": 7, "text": "halo", "account": "x"}"#).unwrap();
        assert_eq!(post.id, serde_json::json!(7));
        assert_eq!(post.text, "halo");
        assert_eq!(parse_post(br#"{"text": "x"}"#).unwrap_err().field, Some("id"));
        assert_eq!(parse_post(br#"{"id": "a"}"#).unwrap_err().field, Some("text"));
        assert_eq!(parse_post(br#"{"id": null, "text": ""}"#).unwrap_err().field, Some("id"));
        assert!(parse_post(br#"{"id": "a", "text": 5}"#).is_err());
        assert!(parse_post(b"[1,2]").is_err());
        let bad = parse_post(b"{\"id\": \"a\", \"text\": \"\xff\"}").unwrap_err();
        assert!(bad.message.contains("UTF-8"), "{bad}");
        assert!(parse_post(br#"{"id": "a", "text": ""}"#).is_ok(), "empty text is a post");
    }

    #[test]
    fn labelled_rows_read_both_corpus_formats() {
        let row = parse_labelled(br#"{"id":"t1","text":"x","labels":["SOCMED_POST"],"violation":true}"#).unwrap();
        assert_eq!(row.acts, vec![ActLabel::SocmedPost]);
        let post = parse_labelled(br#"{"id":"p1","text":"x","partisan":true}"#).unwrap();
        assert!(post.violation);
        assert_eq!(post.acts, vec![ActLabel::SocmedPost]);
        let unknown = parse_labelled(br#"{"id":"t","text":"x","labels":["NOPE"]}"#).unwrap_err();
        assert!(unknown.message.contains("NOPE"));
        assert!(parse_labelled(br#"{"id":"t","text":"x","labels":["SOCMED_POST"],"violation":false}"#).is_err());
        assert!(parse_labelled(br#"{"id":"t","text":"x"}"#).is_err());
    }
}
