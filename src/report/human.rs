//! The human report: miette's graphical diagnostics with the source snippet, a label on the
//! exact value, the rule code and name, and a help line.

use super::Report;
use crate::engine::{Finding, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use std::fmt;

struct Rendered<'a> {
    finding: &'a Finding,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    help: String,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} {}",
            self.finding.rule.code, self.finding.rule.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn source_span(file: &crate::source::SourceFile, start: u32, end: u32) -> SourceSpan {
    let (start, end) = (
        file.original_offset(start),
        file.original_offset(end).max(file.original_offset(start)),
    );
    SourceSpan::new(
        (start as usize).into(),
        (end.saturating_sub(start)) as usize,
    )
}

pub fn render(report: &Report) -> String {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for finding in report.findings {
        let file = report.sources.get(finding.span.file);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(finding.rule.name.to_string()),
            source_span(file, finding.span.start, finding.span.end),
        )];
        let mut help = finding.help.to_string();
        if !finding.trace_steps().is_empty() {
            help.push_str("\ncomputed from:");
            for step in finding.trace_steps() {
                let at = report.start(step.span);
                help.push_str(&format!(
                    "\n  {} ({}:{}:{})",
                    step.text,
                    report.file(step.span),
                    at.line,
                    at.column
                ));
            }
        }
        for related in &finding.related {
            if related.span.file == finding.span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(related.message.clone()),
                    source_span(file, related.span.start, related.span.end),
                ));
            } else {
                let at = report.start(related.span);
                help.push_str(&format!(
                    "\n{}:{}:{}: {}",
                    report.file(related.span),
                    at.line,
                    at.column,
                    related.message
                ));
            }
        }
        let rendered = Rendered {
            finding,
            source: NamedSource::new(file.display_path.clone(), file.text.clone()),
            labels,
            help,
        };
        let _ = handler.render_report(&mut out, &rendered);
        out.push('\n');
    }
    out.push_str(&report.capacity_lines());
    out.push_str(&report.summary_line());
    out.push('\n');
    out
}
