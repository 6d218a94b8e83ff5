//! CI annotations: GitHub Actions workflow commands and Azure Pipelines logging commands.

use super::Report;
use crate::engine::Severity;
use std::fmt::Write;

/// GitHub's workflow commands need `%`, CR and LF escaped in values, and also `:` and `,` in
/// properties.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings {
        let (start, end) = (report.start(f.span), report.end(f.span));
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let title = format!("{} {}", f.rule.code, f.rule.name);
        let body = if f.help.is_empty() {
            f.message.clone()
        } else {
            format!("{}\n{}", f.message, f.help)
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(report.file(f.span)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&title),
            escape_data(&body)
        );
    }
    out
}

/// Azure Pipelines `##vso` commands: line breaks end the command; in properties `;` and `]`
/// end a property too, so they are escaped as the agent expects.
fn escape_vso_message(s: &str) -> String {
    s.replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_vso_property(s: &str) -> String {
    escape_vso_message(s)
        .replace(';', "%3B")
        .replace(']', "%5D")
}

/// Errors and warnings are logging commands (they count in the run's summary); Azure has no
/// notice level, so notes are plain log lines rather than warnings.
pub fn azure(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings {
        let start = report.start(f.span);
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => {
                let _ = writeln!(out, "{}", super::concise::line(report, f));
                continue;
            }
        };
        let _ = writeln!(
            out,
            "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={}]{}",
            escape_vso_property(report.file(f.span)),
            start.line,
            start.column,
            f.rule.code,
            escape_vso_message(&f.message)
        );
    }
    out
}
