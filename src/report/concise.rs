//! One line per finding: `path:line:col: FL201 error agent-subnet-below-minimum: message`.

use super::Report;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings {
        let _ = writeln!(out, "{}", line(report, f));
    }
    out
}

/// One finding's line, without its line break.
pub(super) fn line(report: &Report, f: &crate::engine::Finding) -> String {
    let at = report.start(f.span);
    format!(
        "{}:{}:{}: {} {} {}: {}",
        report.file(f.span),
        at.line,
        at.column,
        f.rule.code,
        f.severity,
        f.rule.name,
        f.message.replace(['\r', '\n'], " ")
    )
}
