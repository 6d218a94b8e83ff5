//! Reporters: findings to text. Each format is one function of the findings and the sources.

mod ci;
mod concise;
mod human;
mod json;
mod junit;
mod markdown;
pub mod sarif;

use crate::engine::{Finding, Severity};
use crate::source::{LineCol, SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Azure,
    Junit,
    Markdown,
}

pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub sources: &'a SourceMap,
    /// The evaluated models, for reports that draw the network (markdown).
    pub models: &'a [crate::model::Model],
    pub settings: &'a crate::settings::Settings,
    pub color: bool,
}

impl Report<'_> {
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Human => human::render(self),
            Format::Concise => concise::render(self),
            Format::Json => json::render(self),
            Format::Sarif => sarif::render(self),
            Format::Github => ci::github(self),
            Format::Azure => ci::azure(self),
            Format::Junit => junit::render(self),
            Format::Markdown => markdown::render(self),
        }
    }

    fn file(&self, span: Span) -> &str {
        &self.sources.get(span.file).display_path
    }

    fn start(&self, span: Span) -> LineCol {
        self.sources.get(span.file).line_col(span.start)
    }

    fn end(&self, span: Span) -> LineCol {
        self.sources.get(span.file).line_col(span.end)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    fn summary_line(&self) -> String {
        let (e, w, n) = (
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Note),
        );
        let files = self.sources.len();
        let plural = |n: usize, s: &str| {
            if n == 1 {
                format!("{n} {s}")
            } else {
                format!("{n} {s}s")
            }
        };
        if self.findings.is_empty() {
            return format!("No findings in {}.", plural(files, "file"));
        }
        format!(
            "Found {} ({}, {}, {}) in {}.",
            plural(self.findings.len(), "finding"),
            plural(e, "error"),
            plural(w, "warning"),
            plural(n, "note"),
            plural(files, "file")
        )
    }
}
