//! The JSON report (a contract: `version` changes if the shape does).

use super::Report;
use crate::engine::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    help: &'a str,
    location: Location<'a>,
    resource: Option<&'a str>,
    related: Vec<RelatedLocation<'a>>,
    trace: Vec<TraceLocation<'a>>,
    /// Only on findings that offer a free address range (FL201-FL204, FL401, FL403).
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_range: Option<SuggestedRange<'a>>,
    /// The fix `--fix` applies (ruff's shape: message, applicability, edits).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    /// Why a finding of a fixable rule is not fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    not_fixed: Option<&'a str>,
}

/// A free prefix to write instead of the one at `location`.
#[derive(Serialize)]
struct SuggestedRange<'a> {
    prefix: String,
    within: String,
    location: Location<'a>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace `location`..`end_location` (`end_location` excluded; equal: insert) with `content`.
#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    location: Position,
    end_location: Position,
    content: &'a str,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct TraceLocation<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct RelatedLocation<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// Stacks checked by kind, each with its environments.
    checked: super::Checked,
    /// Findings hidden by inline suppressions and by the baseline.
    suppressed: usize,
    baselined: usize,
    /// Findings `--fix` fixed (absent when not fixing).
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<usize>,
    /// Declarations whose instances could not be counted, and the inputs they waited for.
    not_evaluated: usize,
    missing_inputs: Vec<MissingInput>,
    /// Every agent subnet's capacity estimate.
    capacity: Vec<Capacity>,
}

#[derive(Serialize)]
struct MissingInput {
    input: String,
    declarations: usize,
}

#[derive(Serialize)]
struct Capacity {
    subnet: String,
    location: String,
    prefix: String,
    usable: u128,
    projects: String,
    needed: u128,
    allowed: u128,
}

fn location<'a>(report: &'a Report, span: crate::source::Span) -> Location<'a> {
    let (start, end) = (report.start(span), report.end(span));
    Location {
        file: report.file(span),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

pub fn render(report: &Report) -> String {
    let findings = report
        .findings
        .iter()
        .map(|f| JsonFinding {
            rule: f.rule.code,
            name: f.rule.name,
            severity: f.severity.as_str(),
            message: &f.message,
            help: &f.help,
            location: location(report, f.span),
            resource: f.resource.as_deref(),
            related: f
                .related
                .iter()
                .map(|r| {
                    let at = report.start(r.span);
                    RelatedLocation {
                        file: report.file(r.span),
                        line: at.line,
                        column: at.column,
                        message: &r.message,
                    }
                })
                .collect(),
            trace: f
                .trace_steps()
                .iter()
                .map(|step| {
                    let at = report.start(step.span);
                    TraceLocation {
                        file: report.file(step.span),
                        line: at.line,
                        column: at.column,
                        text: &step.text,
                    }
                })
                .collect(),
            suggested_range: f
                .suggestion
                .as_ref()
                .and_then(|s| s.range.as_ref())
                .map(|r| SuggestedRange {
                    prefix: r.prefix.to_string(),
                    within: r.within.to_string(),
                    location: location(report, r.span),
                }),
            fix: f.remedy.as_ref().and_then(|r| r.fix()).map(|fix| JsonFix {
                message: &fix.title,
                applicability: fix.applicability.as_str(),
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| {
                        let (start, end) = (report.start(edit.span), report.end(edit.span));
                        JsonEdit {
                            file: report.file(edit.span),
                            location: Position {
                                line: start.line,
                                column: start.column,
                            },
                            end_location: Position {
                                line: end.line,
                                column: end.column,
                            },
                            content: &edit.content,
                        }
                    })
                    .collect(),
            }),
            not_fixed: match &f.remedy {
                Some(crate::fix::Remedy::NotFixed(why)) => Some(why),
                _ => None,
            },
        })
        .collect();
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "foundry-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        summary: Summary {
            files: report.sources.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Note),
            checked: report.run.checked(),
            suppressed: report.run.suppressed,
            baselined: report.run.baselined,
            fixed: report.run.fixed,
            not_evaluated: report.run.unevaluated.len(),
            missing_inputs: report
                .run
                .missing_inputs()
                .into_iter()
                .map(|(input, declarations)| MissingInput {
                    input: input.to_string(),
                    declarations,
                })
                .collect(),
            capacity: report
                .capacity_rows()
                .into_iter()
                .map(|r| Capacity {
                    subnet: r.subnet,
                    location: r.place,
                    prefix: r.prefix,
                    usable: r.usable,
                    projects: r.projects,
                    needed: r.demand,
                    allowed: r.limit,
                })
                .collect(),
        },
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
