//! The "Suppress FLxxx on this line" edit: the suppression comment in the file's language, on
//! the line above the finding; in an ARM template, the metadata of the resource the finding is in.

use crate::json::{Json, Spanned};
use crate::source::FileId;
use lsp_types::{Position, Range, TextEdit};

/// The edit that suppresses `code` at `line` (zero-based) of `text`, a file named `name`; none
/// where the language has no place for one (`.tf.json`, `.tfvars.json`).
pub fn edit(name: &str, text: &str, line: u32, code: &str) -> Option<TextEdit> {
    let line_text = text.lines().nth(line as usize).unwrap_or_default();
    let indent: String = line_text
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let marker = if name.ends_with(".tf") || name.ends_with(".tfvars") {
        "#"
    } else if name.ends_with(".bicep") || name.ends_with(".bicepparam") {
        "//"
    } else if name.ends_with(".json")
        && !name.ends_with(".tf.json")
        && !name.ends_with(".tfvars.json")
    {
        return arm_metadata(text, line, code);
    } else {
        return None;
    };
    let at = Position::new(line, 0);
    Some(TextEdit {
        range: Range::new(at, at),
        new_text: format!("{indent}{marker} foundry-lint:ignore {code} -- reason\n"),
    })
}

/// The resource object around the line gets `"metadata": {"foundry-lint:ignore": [...]}`, or
/// the entry is added to the metadata it has.
fn arm_metadata(text: &str, line: u32, code: &str) -> Option<TextEdit> {
    let root = crate::json::parse(text, FileId(0)).ok()??;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let offset =
        (line_start + text[line_start..].len() - text[line_start..].trim_start().len()) as u32;
    let resource = innermost_resource(&root, offset)?;
    let entry = format!("\"foundry-lint:ignore\": [\"{code} -- reason\"]");
    let (after, new_text) = match resource.get("metadata") {
        Some(metadata) if matches!(metadata.value, Json::Object(_)) => {
            if metadata.get("foundry-lint:ignore").is_some() {
                return None;
            }
            let empty = matches!(&metadata.value, Json::Object(m) if m.is_empty());
            let separator = if empty { "" } else { ", " };
            (metadata.span.start, format!(" {entry}{separator}"))
        }
        Some(_) => return None,
        None => (
            resource.span.start,
            format!(" \"metadata\": {{ {entry} }},"),
        ),
    };
    // Just inside the opening brace.
    let at = position_of(text, after as usize + 1);
    Some(TextEdit {
        range: Range::new(at, at),
        new_text,
    })
}

/// The deepest object holding `offset` that declares a resource (`type` and `apiVersion`).
fn innermost_resource(node: &Spanned, offset: u32) -> Option<&Spanned> {
    if offset < node.span.start || offset > node.span.end {
        return None;
    }
    let children: Vec<&Spanned> = match &node.value {
        Json::Object(members) => members.iter().map(|(_, v)| v).collect(),
        Json::Array(items) => items.iter().collect(),
        _ => return None,
    };
    children
        .into_iter()
        .find_map(|child| innermost_resource(child, offset))
        .or_else(|| {
            (node.get("type").is_some() && node.get("apiVersion").is_some()).then_some(node)
        })
}

fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position::new(line, before[line_start..].encode_utf16().count() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &TextEdit) -> String {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let offset: usize = lines[..edit.range.start.line as usize]
            .iter()
            .map(|l| l.len())
            .sum::<usize>()
            + edit.range.start.character as usize;
        format!("{}{}{}", &text[..offset], edit.new_text, &text[offset..])
    }

    #[test]
    fn comments_in_each_language() {
        let hcl = "resource \"x\" \"y\" {\n  address_prefixes = [\"10.0.0.0/28\"]\n}\n";
        let hcl_edit = edit("net.tf", hcl, 1, "FL201").unwrap();
        assert_eq!(
            apply(hcl, &hcl_edit).lines().nth(1),
            Some("  # foundry-lint:ignore FL201 -- reason")
        );
        let bicep = "resource s 'x' = {\n\tname: 'a'\n}\n";
        let bicep_edit = edit("main.bicep", bicep, 1, "FL301").unwrap();
        assert_eq!(
            apply(bicep, &bicep_edit).lines().nth(1),
            Some("\t// foundry-lint:ignore FL301 -- reason")
        );
        assert!(super::edit("main.tf.json", "{}", 0, "FL201").is_none());
    }

    #[test]
    fn arm_metadata_on_the_resource() {
        let arm = "{\"resources\": [\n {\"type\": \"Microsoft.Network/virtualNetworks/subnets\", \"apiVersion\": \"2023-04-01\",\n  \"properties\": {\"addressPrefix\": \"10.0.0.0/28\"}}]}\n";
        let edited = apply(arm, &edit("t.json", arm, 2, "FL201").unwrap());
        let root = crate::json::parse(&edited, FileId(0))
            .ok()
            .flatten()
            .unwrap();
        let resource = &root.get("resources").unwrap();
        let Json::Array(items) = &resource.value else {
            panic!("resources is an array")
        };
        let entry = items[0]
            .get("metadata")
            .and_then(|m| m.get("foundry-lint:ignore"))
            .expect("metadata added");
        let Json::Array(texts) = &entry.value else {
            panic!("a list of directives")
        };
        assert_eq!(texts[0].as_str(), Some("FL201 -- reason"));
        // An existing metadata object gets the entry.
        let with = "{\"type\": \"a\", \"apiVersion\": \"b\", \"metadata\": {\"k\": 1}}";
        let edited = apply(with, &edit("t.json", with, 0, "FL302").unwrap());
        assert!(edited.contains("{ \"foundry-lint:ignore\": [\"FL302 -- reason\"], \"k\": 1}"));
    }
}
