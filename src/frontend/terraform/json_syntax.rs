//! Terraform's JSON syntax (`*.tf.json`), read by translating it to HCL: structure becomes
//! blocks and `key = ` prefixes, and every value's JSON text is copied as it is (a JSON value is
//! an HCL expression: strings are templates, objects may use `:`). The translation records where
//! each copied value came from, so spans map back to the JSON the user wrote.

use crate::json::{Json, Spanned};
use crate::source::{FileId, Translation};

/// Block types whose JSON form nests labels: `{"resource": {"type": {"name": {...}}}}`.
const TWO_LABELS: &[&str] = &["resource", "data"];
const ONE_LABEL: &[&str] = &["module", "output", "variable", "provider"];

struct Writer<'t> {
    source: &'t str,
    out: String,
    segments: Vec<(u32, u32, u32, bool)>,
}

impl Writer<'_> {
    /// Structure text, mapped to `at` in the JSON.
    fn structure(&mut self, text: &str, at: u32) {
        self.segments
            .push((self.out.len() as u32, text.len() as u32, at, false));
        self.out.push_str(text);
    }

    /// A value's JSON text, copied.
    fn value(&mut self, value: &Spanned) {
        let (start, end) = (value.span.start as usize, value.span.end as usize);
        let text = self.source.get(start..end).unwrap_or("null");
        self.segments.push((
            self.out.len() as u32,
            text.len() as u32,
            value.span.start,
            true,
        ));
        self.out.push_str(text);
    }

    fn body(&mut self, body: &Spanned) {
        for (key, value) in body.members() {
            if key == "//" || !is_identifier(key) {
                continue;
            }
            self.structure(&format!("{key} = "), value.span.start);
            self.value(value);
            self.out.push('\n');
        }
    }

    fn block(&mut self, kind: &str, labels: &[&str], body: &Spanned) {
        // A block type may hold one body or a list of bodies.
        let bodies: Vec<&Spanned> = match &body.value {
            Json::Array(items) => items.iter().collect(),
            _ => vec![body],
        };
        for body in bodies {
            let labels: String = labels.iter().map(|l| format!(" {l:?}")).collect();
            self.structure(&format!("{kind}{labels} {{\n"), body.span.start);
            self.body(body);
            self.structure("}\n", body.span.end.saturating_sub(1));
        }
    }
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Translates a `.tf.json` file; `Err` holds a syntax error's offset and message.
pub fn translate(text: &str, file: FileId) -> Result<Translation, (usize, String)> {
    let root = match crate::json::parse(text, file) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Ok(Translation {
                text: String::new(),
                segments: Vec::new(),
            });
        }
        Err(e) => return Err((e.offset, e.message)),
    };
    let mut w = Writer {
        source: text,
        out: String::new(),
        segments: Vec::new(),
    };
    for (kind, value) in root.members() {
        if TWO_LABELS.contains(&kind.as_str()) {
            for (ty, of_type) in value.members() {
                for (name, body) in of_type.members() {
                    w.block(kind, &[ty, name], body);
                }
            }
        } else if ONE_LABEL.contains(&kind.as_str()) {
            for (name, body) in value.members() {
                w.block(kind, &[name], body);
            }
        } else if kind == "locals" {
            w.block("locals", &[], value);
        }
    }
    Ok(Translation {
        text: w.out,
        segments: w.segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn translates_blocks_and_keeps_value_offsets() {
        let json = r#"{
  "variable": {"cidr": {"default": "10.0.0.0/24"}},
  "resource": {
    "azurerm_subnet": {
      "agent": {"name": "snet-agent", "address_prefixes": ["${var.cidr}"]}
    }
  }
}"#;
        let Ok(t) = translate(json, FileId(0)) else {
            panic!("translates")
        };
        assert!(hcl_edit::parser::parse_body(&t.text).is_ok(), "{}", t.text);
        assert!(t.text.contains("resource \"azurerm_subnet\" \"agent\" {\nname = \"snet-agent\"\naddress_prefixes = [\"${var.cidr}\"]\n}"), "{}", t.text);
        let mut file = SourceFile::new("x".into(), "x".into(), json.to_string());
        let at = t.text.find("[\"${var.cidr}\"]").expect("value") as u32;
        file.translation = Some(t);
        assert_eq!(
            &json[file.original_offset(at) as usize..][..15],
            "[\"${var.cidr}\"]"
        );
        assert_eq!(file.line_col(at).line, 5);
    }

    #[test]
    fn syntax_errors_have_offsets() {
        assert!(translate("{\"resource\": }", FileId(0)).is_err());
    }
}
