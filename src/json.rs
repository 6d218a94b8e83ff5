//! JSON with spans (and the comments ARM allows), for the JSON inputs: Terraform plans, ARM
//! templates and parameter files. Parsing is jsonc-parser's; this module turns its syntax tree
//! into an owned tree that front ends walk.

use crate::node::Node;
use crate::source::{FileId, Span};
use crate::value::Value;

#[derive(Clone, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Spanned>),
    Object(Vec<(String, Spanned)>),
}

#[derive(Clone, Debug)]
pub struct Spanned {
    pub value: Json,
    pub span: Span,
}

/// A syntax error: byte offset and message.
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

pub fn parse(text: &str, file: FileId) -> Result<Option<Spanned>, SyntaxError> {
    // What ARM's JSON reader (Json.NET) accepts: comments, trailing commas, single quotes,
    // unquoted names; a missing comma it rejects, and so do we.
    let options = jsonc_parser::ParseOptions {
        allow_missing_commas: false,
        ..Default::default()
    };
    let collect = jsonc_parser::CollectOptions::default();
    let result = jsonc_parser::parse_to_ast(text, &collect, &options).map_err(|e| SyntaxError {
        offset: e.range().start,
        message: e.kind().to_string(),
    })?;
    Ok(result.value.map(|v| convert(v, file)))
}

fn convert(value: jsonc_parser::ast::Value, file: FileId) -> Spanned {
    use jsonc_parser::ast::Value as V;
    let (json, range) = match value {
        V::NullKeyword(n) => (Json::Null, n.range),
        V::BooleanLit(b) => (Json::Bool(b.value), b.range),
        V::NumberLit(n) => (Json::Number(n.value.parse().unwrap_or(f64::NAN)), n.range),
        V::StringLit(s) => (Json::String(s.value.into_owned()), s.range),
        V::Array(a) => (
            Json::Array(a.elements.into_iter().map(|e| convert(e, file)).collect()),
            a.range,
        ),
        V::Object(o) => (
            Json::Object(
                o.properties
                    .into_iter()
                    .map(|p| (p.name.into_string(), convert(p.value, file)))
                    .collect(),
            ),
            o.range,
        ),
    };
    Spanned {
        value: json,
        span: Span::new(file, range.start..range.end),
    }
}

impl Spanned {
    /// A member of an object (keys compare exactly).
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        match &self.value {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A member, keys compared case-insensitively (ARM property names are).
    pub fn get_ignore_case(&self, key: &str) -> Option<&Spanned> {
        match &self.value {
            Json::Object(members) => members
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[Spanned] {
        match &self.value {
            Json::Array(items) => items,
            _ => &[],
        }
    }

    pub fn members(&self) -> &[(String, Spanned)] {
        match &self.value {
            Json::Object(members) => members,
            _ => &[],
        }
    }

    /// The tree as a node, each string leaf mapped by `string` (ARM evaluates its expressions
    /// there; a plan keeps strings as they are).
    pub fn to_node(&self, string: &mut dyn FnMut(&str, Span) -> Node) -> Node {
        match &self.value {
            Json::Null => Node::leaf(Value::Null, self.span),
            Json::Bool(b) => Node::leaf(Value::Bool(*b), self.span),
            Json::Number(n) => Node::leaf(Value::Number(*n), self.span),
            Json::String(s) => string(s, self.span),
            Json::Array(items) => Node::List {
                items: items.iter().map(|i| i.to_node(string)).collect(),
                span: self.span,
            },
            Json::Object(members) => Node::Object {
                entries: members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_node(string)))
                    .collect(),
                span: self.span,
            },
        }
    }

    /// Plain data, without spans.
    pub fn to_value(&self) -> Value {
        self.to_node(&mut |s, span| Node::leaf(Value::String(s.to_string()), span))
            .value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_accepts_comments() {
        let text = "{\n  // a comment\n  \"a\": [1, \"x\"]\n}";
        let json = parse(text, FileId(0)).ok().flatten().expect("parses");
        let a = json.get("a").expect("member");
        assert_eq!(
            &text[a.span.start as usize..a.span.end as usize],
            "[1, \"x\"]"
        );
        assert_eq!(a.as_array()[1].as_str(), Some("x"));
    }

    #[test]
    fn reports_syntax_errors_with_offsets() {
        let Err(err) = parse("{\"a\": }", FileId(0)) else {
            panic!("a syntax error")
        };
        assert_eq!(err.offset, 6);
    }

    #[test]
    fn accepts_what_arm_accepts_and_rejects_a_missing_comma() {
        assert!(parse("{\"a\": [1, 2,], 'b': 3,}", FileId(0)).is_ok());
        assert!(parse("{\"a\": 1 \"b\": 2}", FileId(0)).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(20_000) + &"]".repeat(20_000);
        assert!(parse(&text, FileId(0)).is_err());
    }
}
