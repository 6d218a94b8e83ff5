//! Inline suppressions, one syntax in every language: a `#` or `//` comment
//! `foundry-lint:ignore FL201[,FL202] [until=2027-03-31] -- reason` at the end of the offending
//! line or on the line above it, above the resource block, or above the module call that leads
//! to it; several such comments stacked one a line above it all apply. ARM templates may instead carry the same text in a resource's metadata,
//! `"metadata": {"foundry-lint:ignore": ["FL201 -- reason"]}`, which covers everything declared in
//! that resource object. An expired suppression lets the finding through with a note; one without a reason, with
//! an unknown rule, or that suppresses nothing is itself a finding (FL003).

use crate::engine::{Finding, Related, Rule};
use crate::source::{FileId, SourceMap, Span};
use std::collections::HashMap;

const MARKER: &str = "foundry-lint:ignore";

struct Directive {
    /// For a metadata directive, the byte range of the resource object it covers.
    covers: Option<std::ops::Range<u32>>,
    rules: Vec<String>,
    until: Option<(i32, u32, u32)>,
    reason: Option<String>,
    span: Span,
    used: bool,
}

/// Today's date (UTC) as (year, month, day).
pub fn today() -> (i32, u32, u32) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    let (year, month, day) = crate::calendar::civil_from_days(days);
    (year as i32, month, day)
}

fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.split('-');
    let date = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    (parts.next().is_none() && (1..=12).contains(&date.1) && (1..=31).contains(&date.2))
        .then_some(date)
}

/// The directives of one file, by (zero-based) line.
fn directives(file: FileId, text: &str) -> HashMap<usize, Directive> {
    let mut out = HashMap::new();
    let mut offset = 0usize;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            let before = &line[..at];
            let in_comment = before.contains('#') || before.contains("//") || before.contains("/*");
            if in_comment {
                let rest = line[at + MARKER.len()..]
                    .trim_end_matches(['\n', '\r'])
                    .trim_end_matches("*/");
                let start = offset + at;
                out.insert(
                    line_no,
                    directive(rest, Span::new(file, start..start + MARKER.len()), None),
                );
            }
        }
        offset += line.len();
    }
    out
}

/// A directive from its text after the marker: `FL201[,FL202] [until=DATE] -- reason`.
fn directive(text: &str, span: Span, covers: Option<std::ops::Range<u32>>) -> Directive {
    let (head, reason) = match text.split_once("--") {
        Some((h, r)) => (h, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        None => (text, None),
    };
    let mut rules = Vec::new();
    let mut until = None;
    for word in head.split([' ', ',', '\t']).filter(|w| !w.is_empty()) {
        match word.strip_prefix("until=") {
            Some(date) => until = parse_date(date).or(Some((0, 0, 0))),
            None => rules.push(word.to_string()),
        }
    }
    Directive {
        covers,
        rules,
        until,
        reason,
        span,
        used: false,
    }
}

/// The metadata directives of a JSON file: every object whose `metadata` holds the marker key
/// (a string or a list of strings) covers itself.
fn metadata_directives(file: FileId, text: &str) -> Vec<Directive> {
    let Ok(Some(root)) = crate::json::parse(text, file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![&root];
    while let Some(node) = stack.pop() {
        match &node.value {
            crate::json::Json::Object(members) => {
                if let Some(entry) = node.get("metadata").and_then(|m| m.get(MARKER)) {
                    let texts: Vec<&crate::json::Spanned> = match &entry.value {
                        crate::json::Json::Array(items) => items.iter().collect(),
                        _ => vec![entry],
                    };
                    for t in texts {
                        let range = node.span.start..node.span.end;
                        out.push(directive(
                            t.as_str().unwrap_or_default(),
                            t.span,
                            Some(range),
                        ));
                    }
                }
                stack.extend(members.iter().map(|(_, v)| v));
            }
            crate::json::Json::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out
}

fn covers(directive: &Directive, rule: &Rule) -> bool {
    directive
        .rules
        .iter()
        .any(|r| r.eq_ignore_ascii_case(rule.code) || r.eq_ignore_ascii_case(rule.name))
}

/// Applies the suppressions of the files that findings point into; returns the findings that
/// remain and the FL003 findings about the directives themselves.
pub fn apply(findings: Vec<Finding>, sources: &SourceMap, today: (i32, u32, u32)) -> Vec<Finding> {
    let mut per_file: HashMap<FileId, FileDirectives> = files_with_directives(sources)
        .into_iter()
        .map(|f| (f, FileDirectives::read(f, &sources.get(f).text)))
        .collect();
    let line_of = |span: Span| sources.get(span.file).line_col(span.start).line - 1;
    let mut kept = Vec::with_capacity(findings.len());
    for mut finding in findings {
        let spans: Vec<Span> = std::iter::once(finding.span)
            .chain(finding.scopes.iter().copied())
            .collect();
        // Where a directive may stand: the finding's line and the one above, and the line of
        // (and above) each declaration or module call that contains it; or a metadata entry of
        // a resource object that contains one of them.
        let mut found: Option<(FileId, Result<usize, usize>)> = None;
        for &span in &spans {
            let directives = per_file
                .entry(span.file)
                .or_insert_with(|| FileDirectives::read(span.file, &sources.get(span.file).text));
            // The finding's line, then the directives stacked directly above it, one a line.
            let line = line_of(span);
            let stacked = (0..line)
                .rev()
                .take_while(|l| directives.lines.contains_key(l));
            let line_hit = std::iter::once(line).chain(stacked).find(|l| {
                directives
                    .lines
                    .get(l)
                    .is_some_and(|d| covers(d, finding.rule))
            });
            if let Some(l) = line_hit {
                found = Some((span.file, Ok(l)));
                break;
            }
            if let Some(i) = directives.metadata.iter().position(|d| {
                covers(d, finding.rule)
                    && d.covers
                        .as_ref()
                        .is_some_and(|r| r.start <= span.start && span.end <= r.end)
            }) {
                found = Some((span.file, Err(i)));
                break;
            }
        }
        let mut suppressed = false;
        let directive = found.and_then(|(file, at)| {
            let directives = per_file.get_mut(&file)?;
            match at {
                Ok(line) => directives.lines.get_mut(&line),
                Err(i) => directives.metadata.get_mut(i),
            }
        });
        if let Some(d) = directive {
            d.used = true;
            match d.until {
                Some(until) if until < today => {
                    let (y, m, day) = until;
                    let note =
                        format!("a suppression of this finding expired on {y:04}-{m:02}-{day:02}");
                    finding.related.push(Related {
                        span: d.span,
                        message: note,
                    });
                }
                _ => suppressed = true,
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }
    let rule = &crate::rules::invalid_suppression::RULE;
    let mut problems = Vec::new();
    for directives in per_file.values() {
        for d in directives.lines.values().chain(&directives.metadata) {
            let message = if d.reason.is_none() {
                Some("the suppression gives no reason (`-- why`)".to_string())
            } else if let Some(unknown) = d.rules.iter().find(|r| crate::rules::find(r).is_none()) {
                Some(format!(
                    "the suppression names `{unknown}`, which is not a rule"
                ))
            } else if d.rules.is_empty() {
                Some("the suppression names no rule".to_string())
            } else if d.until == Some((0, 0, 0)) {
                Some("the suppression's `until=` is not a date (YYYY-MM-DD)".to_string())
            } else if !d.used {
                Some("the suppression matches no finding".to_string())
            } else {
                None
            };
            if let Some(message) = message {
                problems.push(Finding {
                    rule,
                    severity: rule.severity,
                    message,
                    help:
                        "write `foundry-lint:ignore FL201 -- reason`, naming rules that fire here"
                            .into(),
                    span: d.span,
                    resource: None,
                    related: Vec::new(),
                    trace: None,
                    scopes: Vec::new(),
                    suggestion: None,
                    remedy: None,
                });
            }
        }
    }
    kept.extend(problems);
    kept
}

/// A file's directives: comments by line, and metadata entries of JSON resource objects.
struct FileDirectives {
    lines: HashMap<usize, Directive>,
    metadata: Vec<Directive>,
}

impl FileDirectives {
    fn read(file: FileId, text: &str) -> FileDirectives {
        if !text.contains(MARKER) {
            return FileDirectives {
                lines: HashMap::new(),
                metadata: Vec::new(),
            };
        }
        let is_json = text.trim_start().starts_with('{');
        FileDirectives {
            lines: directives(file, text),
            metadata: if is_json {
                metadata_directives(file, text)
            } else {
                Vec::new()
            },
        }
    }
}

/// The files that hold a directive (each is read, so an unused one is reported too).
fn files_with_directives(sources: &SourceMap) -> Vec<FileId> {
    (0..sources.len() as u32)
        .map(FileId)
        .filter(|f| sources.get(*f).text.contains(MARKER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_from_comments_only() {
        let text = "a = 1 # foundry-lint:ignore FL201,FL202 until=2027-03-31 -- legacy\nb = \"foundry-lint:ignore FL201\"\n// foundry-lint:ignore subnet-overlap\n";
        let d = directives(FileId(0), text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[&0].rules, ["FL201", "FL202"]);
        assert_eq!(d[&0].until, Some((2027, 3, 31)));
        assert_eq!(d[&0].reason.as_deref(), Some("legacy"));
        assert_eq!(d[&2].reason, None);
    }
}
