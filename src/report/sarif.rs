//! SARIF 2.1.0 (GitHub code scanning and other SARIF consumers), with serde-sarif's types.

use super::Report;
use crate::engine::Severity;
use serde_sarif::sarif;
use std::collections::BTreeMap;

pub const HELP_URI_BASE: &str = "https://github.com/foundry-lint/foundry-lint/blob/main/rules/";

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Note => sarif::ResultLevel::Note,
    }
}

fn message(text: impl Into<String>) -> sarif::Message {
    sarif::Message::builder().text(text.into()).build()
}

fn location(report: &Report, span: crate::source::Span, text: Option<&str>) -> sarif::Location {
    let (start, end) = (report.start(span), report.end(span));
    let region = sarif::Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column.max(start.column + usize::from(start == end)) as i64)
        .build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(report.file(span).to_string())
                .build(),
        )
        .region(region)
        .build();
    match text {
        Some(t) => sarif::Location::builder()
            .physical_location(physical)
            .message(message(t))
            .build(),
        None => sarif::Location::builder()
            .physical_location(physical)
            .build(),
    }
}

/// The free range a result offers, as the result's `suggestedRange` property: the prefix, the
/// space it lies in and the region of the prefix it replaces.
fn suggested_range(report: &Report, range: &crate::engine::SuggestedRange) -> sarif::PropertyBag {
    let (start, end) = (report.start(range.span), report.end(range.span));
    let value = serde_json::json!({
        "prefix": range.prefix.to_string(),
        "within": range.within.to_string(),
        "uri": report.file(range.span),
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    });
    sarif::PropertyBag::builder()
        .additional_properties(BTreeMap::from([("suggestedRange".to_string(), value)]))
        .build()
}

/// A fix as SARIF `fixes`: one artifact change per file, each edit a replacement of its region
/// (an empty region inserts).
fn fix(report: &Report, fix: &crate::fix::Fix) -> sarif::Fix {
    let mut changes: Vec<sarif::ArtifactChange> = Vec::new();
    for edit in &fix.edits {
        let (start, end) = (report.start(edit.span), report.end(edit.span));
        let region = sarif::Region::builder()
            .start_line(start.line as i64)
            .start_column(start.column as i64)
            .end_line(end.line as i64)
            .end_column(end.column as i64)
            .build();
        let replacement = sarif::Replacement::builder()
            .deleted_region(region)
            .inserted_content(
                sarif::ArtifactContent::builder()
                    .text(edit.content.clone())
                    .build(),
            )
            .build();
        let uri = report.file(edit.span).to_string();
        match changes
            .iter_mut()
            .find(|c| c.artifact_location.uri.as_deref() == Some(uri.as_str()))
        {
            Some(change) => change.replacements.push(replacement),
            None => changes.push(
                sarif::ArtifactChange::builder()
                    .artifact_location(sarif::ArtifactLocation::builder().uri(uri).build())
                    .replacements(vec![replacement])
                    .build(),
            ),
        }
    }
    sarif::Fix::builder()
        .description(message(format!(
            "{} ({})",
            fix.title,
            fix.applicability.as_str()
        )))
        .artifact_changes(changes)
        .build()
}

pub fn render(report: &Report) -> String {
    // Every rule is listed (results point at them by index), but the documents, tens of
    // kilobytes each, only of the rules with results.
    let rules: Vec<sarif::ReportingDescriptor> = crate::rules::ALL
        .iter()
        .map(|rule| {
            let short = sarif::MultiformatMessageString::builder()
                .text(rule.summary.to_string())
                .build();
            let mut descriptor = sarif::ReportingDescriptor::builder()
                .id(rule.code.to_string())
                .name(rule.name.to_string())
                .short_description(short.clone())
                .help_uri(format!("{HELP_URI_BASE}{}-{}.md", rule.code, rule.name))
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::String(level(rule.severity).to_string()))
                        .enabled(rule.enabled_by_default)
                        .build(),
                )
                .build();
            if report.findings.iter().any(|f| f.rule.code == rule.code) {
                descriptor.full_description = Some(short);
                descriptor.help = Some(
                    sarif::MultiformatMessageString::builder()
                        .text(rule.summary.to_string())
                        .markdown(rule.doc.to_string())
                        .build(),
                );
            }
            descriptor
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .findings
        .iter()
        .map(|f| {
            let text = if f.help.is_empty() {
                f.message.clone()
            } else {
                format!("{} Fix: {}", f.message, f.help)
            };
            let related: Vec<sarif::Location> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = location(report, r.span, Some(&r.message));
                    l.id = Some(i as i64);
                    l
                })
                .collect();
            let rule_index = crate::rules::ALL
                .iter()
                .position(|r| r.code == f.rule.code)
                .unwrap_or(0);
            let mut result = sarif::Result::builder()
                .rule_id(f.rule.code.to_string())
                .rule_index(rule_index as i64)
                .level(level(f.severity))
                .message(message(text))
                .locations(vec![location(report, f.span, None)])
                .partial_fingerprints(BTreeMap::from([(
                    "foundryLint/v2".to_string(),
                    crate::baseline::fingerprint(f, report.sources),
                )]))
                .build();
            if !related.is_empty() {
                result.related_locations = Some(related);
            }
            if let Some(range) = f.suggestion.as_ref().and_then(|s| s.range.as_ref()) {
                result.properties = Some(suggested_range(report, range));
            }
            if let Some(remedy) = f.remedy.as_ref().and_then(|r| r.fix()) {
                result.fixes = Some(vec![fix(report, remedy)]);
            }
            result
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("foundry-lint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/foundry-lint/foundry-lint")
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL.to_string())
        .version(serde_json::Value::String("2.1.0".into()))
        .runs(vec![run])
        .build();
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
