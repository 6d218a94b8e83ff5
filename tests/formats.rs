//! Golden output of every format for one stack: reviewing a format change is reading the diff
//! of tests/golden/. `UPDATE_GOLDEN=1 cargo test --test formats` rewrites them.

use std::path::Path;
use std::process::Command;

const FORMATS: &[(&str, &str)] = &[
    ("human", "txt"),
    ("concise", "txt"),
    ("json", "json"),
    ("sarif", "sarif"),
    ("github", "txt"),
    ("azure", "txt"),
    ("junit", "xml"),
    ("markdown", "md"),
];

/// Stacks whose network diagram the module tree does not exercise: peerings (one overlapping),
/// agent subnets, `count`/`copy` and `for_each` instances sharing one declaration, and roots
/// checked apart that reuse an address (only prod's subnet is the offender).
const DIAGRAMS: &[&str] = &[
    "arm/symbolic-nested",
    "terraform/address-ranges",
    "terraform/monorepo",
];

/// Stacks whose sizing and overlap findings offer free address ranges (or say none is free, or
/// offer none because a range in the way is not known), in the format that prints each finding's
/// help on one line.
const SUGGESTIONS: &[&str] = &[
    "arm/suggested-ranges",
    "bicep/suggested-ranges",
    "terraform/suggested-ranges",
    "terraform/suggested-ranges-environments",
];

/// Lints `fixture` in `format` and compares with (or, with UPDATE_GOLDEN, writes) the golden.
fn check(fixture: &str, format: &str, golden: &str, failures: &mut Vec<String>) {
    check_at(fixture, format, golden, 100, failures);
}

/// As `check`, for a terminal `columns` wide; returns the output.
fn check_at(
    fixture: &str,
    format: &str,
    golden: &str,
    columns: usize,
    failures: &mut Vec<String>,
) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(root)
        .args([&format!("fixtures/{fixture}"), "--format", format])
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns.to_string())
        .output()
        .expect("run foundry-lint");
    let actual = String::from_utf8(out.stdout).expect("utf-8");
    let golden = root.join("tests/golden").join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).expect("write golden");
        return actual;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if actual != expected {
        failures.push(format!(
            "{fixture} {format}:\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
    }
    actual
}

/// A related location 570 lines from the value is listed by its place, not drawn with the text
/// in between; at 80 columns no path is cut.
#[test]
fn human_output_is_bounded_and_its_paths_stay_whole() {
    let mut failures = Vec::new();
    let out = check_at(
        "arm/far-related",
        "human",
        "far-related.human-80.txt",
        80,
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let findings: Vec<&str> = out.split("\n\n").filter(|f| f.contains("-->")).collect();
    assert_eq!(findings.len(), 3);
    let far = findings
        .iter()
        .find(|f| f.contains("FL601"))
        .expect("the purge protection finding");
    assert!(far.lines().count() < 30, "{far}");
    assert!(far.contains("fixtures/arm/far-related/azuredeploy.json:587:23: the account's"));
    let path = "fixtures/arm/far-related/azuredeploy.json";
    for line in out.lines() {
        // Any piece of the path on a line is the whole path with its line and column.
        if line.contains("fixtures/") || line.contains("azuredeploy") {
            let at = line
                .find(path)
                .unwrap_or_else(|| panic!("cut path: {line}"));
            let rest = &line[at + path.len()..];
            assert!(rest.starts_with(':'), "{line}");
        } else {
            assert!(line.chars().count() <= 80, "{line}");
        }
    }
}

#[test]
fn every_format_matches_its_golden_output() {
    let mut failures = Vec::new();
    for (format, extension) in FORMATS {
        check(
            "terraform/module-tree",
            format,
            &format!("module-tree.{format}.{extension}"),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn network_diagrams_match_their_golden_output() {
    let mut failures = Vec::new();
    for fixture in DIAGRAMS {
        let name = fixture.rsplit('/').next().unwrap_or(fixture);
        check(
            fixture,
            "markdown",
            &format!("{name}.markdown.md"),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn suggested_ranges_match_their_golden_output() {
    let mut failures = Vec::new();
    for fixture in SUGGESTIONS {
        let name = fixture.replace('/', "-");
        check(
            fixture,
            "github",
            &format!("{name}.github.txt"),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Notes in Azure Pipelines are plain log lines (it has no notice level); a clean run's JUnit
/// report has one passing test case per stack checked.
#[test]
fn azure_notes_are_log_lines_and_a_clean_junit_run_lists_its_stacks() {
    let mut failures = Vec::new();
    let azure = check_at(
        "bicep/foundry-failures",
        "azure",
        "foundry-failures.azure.txt",
        100,
        &mut failures,
    );
    assert!(azure.lines().any(|l| l.contains(" note ")), "{azure}");
    assert!(
        azure
            .lines()
            .filter(|l| l.starts_with("##vso"))
            .all(|l| l.contains("type=error") || l.contains("type=warning")),
        "{azure}"
    );
    let junit = check_at(
        "terraform/clean",
        "junit",
        "clean.junit.xml",
        100,
        &mut failures,
    );
    assert!(
        junit.contains(r#"tests="1" skipped="0" failures="0""#),
        "{junit}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A rule's document is embedded only when the rule has results: every rule is listed.
#[test]
fn sarif_embeds_the_help_of_the_rules_with_results_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(root)
        .args(["fixtures/terraform/module-tree", "--format", "sarif"])
        .output()
        .expect("run foundry-lint");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let run = &sarif["runs"][0];
    let with_results: std::collections::BTreeSet<&str> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.len() > with_results.len());
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        assert_eq!(
            rule.get("help").is_some(),
            with_results.contains(id),
            "{id}"
        );
    }
}
