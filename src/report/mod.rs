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
    /// The evaluated models, for reports that draw the network (markdown); may be empty for
    /// other formats.
    pub models: &'a [crate::model::Model],
    /// The agent subnets' capacity estimates, in model order.
    pub capacity: &'a [crate::model::CapacityEstimate],
    pub settings: &'a crate::settings::Settings,
    pub presentation: Presentation,
    /// What the run checked and hid, for the summary.
    pub run: &'a RunFacts,
}

/// How the human report is drawn.
#[derive(Clone, Copy, Debug)]
pub struct Presentation {
    pub color: bool,
    /// Columns of the terminal (or `COLUMNS`; 100 when not a terminal).
    pub width: usize,
    /// Print the agent subnets' capacity estimates.
    pub capacity: bool,
}

impl Default for Presentation {
    fn default() -> Presentation {
        Presentation {
            color: false,
            width: 100,
            capacity: true,
        }
    }
}

/// What a run checked and what it hid, besides the findings.
#[derive(Clone, Debug, Default)]
pub struct RunFacts {
    pub stacks: Vec<crate::engine::Stack>,
    pub elapsed: Option<std::time::Duration>,
    pub suppressed: usize,
    pub baselined: usize,
}

/// An agent subnet's row in the capacity summary.
pub(crate) struct CapacityRow {
    subnet: String,
    place: String,
    prefix: String,
    usable: u128,
    projects: String,
    demand: u128,
    limit: u128,
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

    /// Each agent subnet's capacity estimate, once per declaration (several environments may
    /// describe the same subnet).
    pub(crate) fn capacity_rows(&self) -> Vec<CapacityRow> {
        let mut rows: Vec<CapacityRow> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for c in self.capacity {
            let at = self.start(c.prefix_span);
            let row = CapacityRow {
                subnet: c.subnet.clone(),
                place: format!("{}:{}:{}", self.file(c.prefix_span), at.line, at.column),
                prefix: c.prefix.to_string(),
                usable: c.usable,
                projects: format!("{}{}", if c.exact { "" } else { ">= " }, c.projects),
                demand: c.demand,
                limit: c.limit,
            };
            if seen.insert((row.place.clone(), row.projects.clone())) {
                rows.push(row);
            }
        }
        rows
    }

    /// Per agent subnet: where, and its addresses against the projects' estimated demand.
    fn capacity_lines(&self) -> Vec<(String, String)> {
        let percent = self.settings.agent_subnet.maximum_utilization_percent;
        let mut out = Vec::new();
        for r in self.capacity_rows() {
            let verdict = if r.demand <= r.limit {
                format!("{} to spare", r.limit - r.demand)
            } else {
                format!("{} over", r.demand - r.limit)
            };
            out.push((r.place, format!(
                "agent subnet `{}`: {}, {} usable, {} project(s), {} address(es) needed, {} allowed at {percent}% ({verdict})",
                r.subnet, r.prefix, r.usable, r.projects, r.demand, r.limit
            )));
        }
        out
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
