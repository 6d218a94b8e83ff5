//! Findings as the protocol shows them: diagnostics with UTF-16 positions, and the hover text of
//! each.

use crate::engine::{Finding, Severity};
use crate::report::sarif::HELP_URI_BASE;
use crate::source::{SourceFile, SourceMap, Span};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, TextEdit, Url,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A finding as shown in a file: where, which rule, and its hover text.
pub struct Shown {
    pub range: Range,
    pub code: &'static str,
    pub hover: String,
    /// The finding's fix: its title, whether it is safe, and its edits by file.
    pub fix: Option<(String, bool, HashMap<Url, Vec<TextEdit>>)>,
}

/// Each file of a stack (its own files, not restored modules) with what it shows, none included.
pub type Published = HashMap<Url, (Vec<Diagnostic>, Vec<Shown>)>;

/// `opened`: the files open in the editor, by [`identity`](crate::frontend::discover::identity),
/// with the URI the editor gave them (clients spell URIs differently: `%2B` or `+`, `c%3A`).
pub fn diagnostics(
    sources: &SourceMap,
    findings: &[Finding],
    opened: &HashMap<PathBuf, Url>,
) -> Published {
    let mut out: Published = HashMap::new();
    let mut uris = Vec::with_capacity(sources.len());
    for i in 0..sources.len() {
        let file = sources.get(crate::source::FileId(i as u32));
        let uri = uri(&file.path, opened);
        if let (Some(uri), false) = (&uri, file.vendored) {
            out.entry(uri.clone()).or_default();
        }
        uris.push(uri);
    }
    let location = |span: Span| -> Option<Location> {
        Some(Location {
            uri: uris[span.file.0 as usize].clone()?,
            range: range(sources.get(span.file), span),
        })
    };
    for finding in findings {
        let Some(at) = location(finding.span) else {
            continue;
        };
        let Some((diagnostics, shown)) = out.get_mut(&at.uri) else {
            continue;
        };
        let rule = finding.rule;
        let mut related: Vec<DiagnosticRelatedInformation> = finding
            .related
            .iter()
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: location(r.span)?,
                    message: r.message.clone(),
                })
            })
            .collect();
        related.extend(finding.trace_steps().iter().filter_map(|step| {
            Some(DiagnosticRelatedInformation {
                location: location(step.span)?,
                message: format!("computed from {}", step.text),
            })
        }));
        diagnostics.push(Diagnostic {
            range: at.range,
            severity: Some(match finding.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(rule.code.to_string())),
            code_description: Url::parse(&format!("{HELP_URI_BASE}{}-{}.md", rule.code, rule.name))
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("foundry-lint".into()),
            message: finding.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            ..Diagnostic::default()
        });
        let fix = finding
            .remedy
            .as_ref()
            .and_then(|r| r.fix())
            .and_then(|fix| {
                let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
                for edit in &fix.edits {
                    let at = location(edit.span)?;
                    changes.entry(at.uri).or_default().push(TextEdit {
                        range: at.range,
                        new_text: edit.content.clone(),
                    });
                }
                let safe = fix.applicability == crate::fix::Applicability::Safe;
                Some((fix.title.clone(), safe, changes))
            });
        shown.push(Shown {
            range: at.range,
            code: rule.code,
            hover: hover(sources, finding),
            fix,
        });
    }
    out
}

/// The rule's summary, the message, the help and how the value was computed.
fn hover(sources: &SourceMap, finding: &Finding) -> String {
    let rule = finding.rule;
    let mut text = format!(
        "**{}** `{}`: {}\n\n{}",
        rule.code, rule.name, rule.summary, finding.message
    );
    if !finding.help.is_empty() {
        text.push_str(&format!("\n\nhelp: {}", finding.help));
    }
    if !finding.trace_steps().is_empty() {
        text.push_str("\n\ncomputed from:");
        for step in finding.trace_steps() {
            let file = sources.get(step.span.file);
            let at = file.line_col(step.span.start);
            text.push_str(&format!(
                "\n- `{}` ({}:{}:{})",
                step.text, file.display_path, at.line, at.column
            ));
        }
    }
    text
}

fn uri(path: &Path, opened: &HashMap<PathBuf, Url>) -> Option<Url> {
    if let Some(uri) = opened.get(&crate::frontend::discover::identity(path)) {
        return Some(uri.clone());
    }
    let absolute = std::path::absolute(path).ok()?;
    Url::from_file_path(crate::frontend::terraform::normalize(&absolute)).ok()
}

fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(file, span.start),
        end: position(file, span.end.max(span.start)),
    }
}

/// A parser's byte offset as a line and a UTF-16 column (the protocol's default encoding).
fn position(file: &SourceFile, offset: u32) -> Position {
    let line = file.line_col(offset).line;
    let start = file.offset_of(line, 1) as usize;
    let mut end = (file.original_offset(offset) as usize).min(file.text.len());
    while !file.text.is_char_boundary(end) {
        end -= 1;
    }
    Position {
        line: (line - 1) as u32,
        character: file.text[start..end.max(start)].encode_utf16().count() as u32,
    }
}

pub fn contains(range: &Range, at: Position) -> bool {
    range.start <= at && at <= range.end
}

pub fn overlaps(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn columns_count_utf16_units() {
        let file = SourceFile::new("a.tf".into(), "a.tf".into(), "x = 1\n# é😀 y\n".into());
        let y = file.text.find('y').unwrap() as u32;
        let at = position(&file, y);
        // `# `, `é` (one unit), `😀` (two units), ` `.
        assert_eq!((at.line, at.character), (1, 6));
        let span = Span::new(FileId(0), 0..1);
        assert_eq!(range(&file, span).end, Position::new(0, 1));
    }
}
