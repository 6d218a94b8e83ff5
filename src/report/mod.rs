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
    /// End with the summary of what was checked.
    pub summary: bool,
}

impl Default for Presentation {
    fn default() -> Presentation {
        Presentation {
            color: false,
            width: 100,
            capacity: true,
            summary: true,
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
    /// Findings `--fix` fixed (None: not fixing).
    pub fixed: Option<usize>,
    /// Declarations not evaluated, with the input each waited for.
    pub unevaluated: Vec<(Span, String)>,
}

/// Stacks checked of one kind: how many, and in how many environments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct StackCount {
    pub stacks: usize,
    pub environments: usize,
}

/// What a run checked, by kind of stack.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub(crate) struct Checked {
    pub terraform_roots: StackCount,
    pub terraform_plans: StackCount,
    pub arm_templates: StackCount,
    pub bicep_programs: StackCount,
}

impl RunFacts {
    pub(crate) fn checked(&self) -> Checked {
        use crate::frontend::StackKind;
        let mut checked = Checked::default();
        let mut seen = std::collections::HashSet::new();
        for stack in &self.stacks {
            let count = match stack.kind {
                StackKind::Terraform => &mut checked.terraform_roots,
                StackKind::Plan => &mut checked.terraform_plans,
                StackKind::Arm => &mut checked.arm_templates,
                StackKind::Bicep => &mut checked.bicep_programs,
            };
            count.environments += 1;
            if seen.insert((stack.kind, stack.entry)) {
                count.stacks += 1;
            }
        }
        checked
    }

    /// The inputs most declarations not evaluated waited for, most frequent first, with counts.
    pub(crate) fn missing_inputs(&self) -> Vec<(&str, usize)> {
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for (_, input) in &self.unevaluated {
            *counts.entry(input).or_default() += 1;
        }
        let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        counts
    }
}

/// What a stack of this kind is called in reports.
pub(crate) fn stack_kind_name(kind: crate::frontend::StackKind) -> &'static str {
    use crate::frontend::StackKind;
    match kind {
        StackKind::Terraform => "Terraform root",
        StackKind::Plan => "Terraform plan",
        StackKind::Arm => "ARM template",
        StackKind::Bicep => "Bicep program",
    }
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

    /// Each agent subnet's capacity estimate, every instance once (several environments may
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
            let key = (row.place.clone(), row.subnet.clone(), row.prefix.clone());
            if seen.insert((key, row.projects.clone())) {
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

    /// The human report's closing summary: what was checked, what was found, what was hidden,
    /// and what could not be evaluated.
    fn summary_lines(&self) -> Vec<String> {
        let plural = |n: usize, s: &str| match n {
            1 => format!("{n} {s}"),
            _ => format!("{n} {s}s"),
        };
        let checked = self.run.checked();
        use crate::frontend::StackKind;
        let kinds = [
            (
                checked.terraform_roots,
                stack_kind_name(StackKind::Terraform),
            ),
            (checked.terraform_plans, stack_kind_name(StackKind::Plan)),
            (checked.arm_templates, stack_kind_name(StackKind::Arm)),
            (checked.bicep_programs, stack_kind_name(StackKind::Bicep)),
        ];
        let stacks: Vec<String> = kinds
            .iter()
            .filter(|(c, _)| c.environments > 0)
            .map(|(c, name)| match c.environments > c.stacks {
                true => format!(
                    "{} ({})",
                    plural(c.stacks, name),
                    plural(c.environments, "environment")
                ),
                false => plural(c.stacks, name),
            })
            .collect();
        let mut lines = Vec::new();
        let time = self
            .run
            .elapsed
            .map(|t| format!(" in {:.2}s", t.as_secs_f64()))
            .unwrap_or_default();
        let files = plural(self.sources.len(), "file");
        lines.push(match stacks.is_empty() {
            true => format!("Checked no stack; read {files}{time}."),
            false => format!("Checked {}; read {files}{time}.", stacks.join(", ")),
        });
        let line = self.summary_line();
        // The files were counted on the line above.
        let found = line
            .rsplit_once(" in ")
            .map_or(line.as_str(), |(found, _)| found);
        let hidden: Vec<String> = [
            (self.run.suppressed, "by suppressions"),
            (self.run.baselined, "by the baseline"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, by)| format!("{n} hidden {by}"))
        .collect();
        match hidden.is_empty() {
            true => lines.push(format!("{found}.")),
            false => lines.push(format!("{found}; {}.", hidden.join(", "))),
        }
        let fixable = |applicability| {
            self.findings
                .iter()
                .filter_map(|f| f.remedy.as_ref()?.fix())
                .filter(|fix| fix.applicability == applicability)
                .count()
        };
        let (safe, unsafe_) = (
            fixable(crate::fix::Applicability::Safe),
            fixable(crate::fix::Applicability::Unsafe),
        );
        match self.run.fixed {
            Some(fixed) => lines.push(format!(
                "Fixed {}; {} {}.",
                plural(fixed, "finding"),
                self.findings.len(),
                if self.findings.len() == 1 {
                    "remains"
                } else {
                    "remain"
                }
            )),
            None if safe + unsafe_ > 0 => {
                let more = match unsafe_ {
                    0 => String::new(),
                    n => format!(", {n} more with --unsafe-fixes"),
                };
                lines.push(format!(
                    "{} fixable with --fix{more} (see them with --diff).",
                    plural(safe, "finding")
                ));
            }
            None => {}
        }
        let missing = self.run.missing_inputs();
        if !missing.is_empty() {
            let top: Vec<String> = missing
                .iter()
                .take(3)
                .map(|(input, n)| format!("{input} ({n})"))
                .collect();
            lines.push(format!(
                "{} not evaluated (instances cannot be counted), most often for want of {}; see them with --select FL002.",
                plural(self.run.unevaluated.len(), "declaration"),
                top.join(", ")
            ));
        }
        lines
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
