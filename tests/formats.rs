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

/// Lints `fixture` in `format` and compares with (or, with UPDATE_GOLDEN, writes) the golden.
fn check(fixture: &str, format: &str, golden: &str, failures: &mut Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(root)
        .args([&format!("fixtures/{fixture}"), "--format", format])
        .env("NO_COLOR", "1")
        .output()
        .expect("run foundry-lint");
    let actual = String::from_utf8(out.stdout).expect("utf-8");
    let golden = root.join("tests/golden").join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if actual != expected {
        failures.push(format!(
            "{fixture} {format}:\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
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
