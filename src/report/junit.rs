//! JUnit XML (quick-junit): one test suite per file, one failing test case per finding, so CI
//! systems that read test reports list the findings; and one passing test case per stack
//! checked, in the suite of its entry file, so that a clean run shows what passed rather than
//! an empty report.

use super::Report;
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

pub fn render(report: &Report) -> String {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for f in report.findings {
        let file = report.file(f.span);
        let at = report.start(f.span);
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(f.message.clone());
        status.set_type(format!("{} {}", f.rule.code, f.severity));
        status.set_description(format!(
            "{file}:{}:{}: {}\n{}",
            at.line, at.column, f.message, f.help
        ));
        let mut case = TestCase::new(
            format!(
                "{} {} {file}:{}:{}",
                f.rule.code, f.rule.name, at.line, at.column
            ),
            status,
        );
        case.set_classname(file.to_string());
        suites
            .entry(file)
            .or_insert_with(|| TestSuite::new(file.to_string()))
            .add_test_case(case);
    }
    let mut checked = std::collections::BTreeSet::new();
    for stack in &report.run.stacks {
        let mut file = report.file(crate::source::Span::file_start(stack.entry));
        // A Terraform root is its directory, not the file that happens to come first.
        if stack.kind == crate::frontend::StackKind::Terraform {
            file = file.rsplit_once('/').map_or(".", |(dir, _)| dir);
        }
        if !checked.insert((stack.kind, file)) {
            continue;
        }
        let kind = super::stack_kind_name(stack.kind);
        let mut case = TestCase::new(format!("{kind} {file}"), TestCaseStatus::success());
        case.set_classname(file.to_string());
        suites
            .entry(file)
            .or_insert_with(|| TestSuite::new(file.to_string()))
            .add_test_case(case);
    }
    let mut junit = JunitReport::new("foundry-lint");
    junit.add_test_suites(suites.into_values());
    junit.to_string().unwrap_or_default()
}
