//! `--fix` on before/after pairs: each directory under tests/fixes/<language>/<case>/ holds
//! `before/` (a stack with fixable mistakes; or a file `from` naming the fixture directory that
//! is its stack), `after/` (what `--fix` must turn it into),
//! `remaining.txt` (the findings left, concise), optionally `args` (more options, one per
//! line) and `warnings.txt` (findings that appear after an unsafe fix). The stack is copied to a temporary directory and fixed there; a second `--fix` must
//! change nothing. `UPDATE_GOLDEN=1 cargo test --test fix` rewrites `after/` and
//! `remaining.txt`; review the diff like any other change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes");
    let mut cases = Vec::new();
    for language in std::fs::read_dir(&root).expect("tests/fixes") {
        for case in std::fs::read_dir(language.expect("entry").path()).expect("language") {
            cases.push(case.expect("entry").path());
        }
    }
    cases.sort();
    assert!(cases.len() >= 3, "{cases:?}");
    cases
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let text = std::fs::read_to_string(&path).expect("read file");
                out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), text);
            }
        }
    }
    out
}

/// The stack a case fixes: its `before/`, or the fixture its `from` file names (the stack's
/// files, without the fixture's goldens).
fn before_of(case: &Path) -> BTreeMap<PathBuf, String> {
    match std::fs::read_to_string(case.join("from")) {
        Ok(fixture) => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut stack = files(&root.join(fixture.trim()));
            stack.retain(|path, _| {
                let name = path.to_string_lossy();
                !name.starts_with("expected") && !name.starts_with("args.")
            });
            stack
        }
        Err(_) => files(&case.join("before")),
    }
}

fn write_files(dir: &Path, files: &BTreeMap<PathBuf, String>) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn run(dir: &Path, args: &[&str], extra: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(dir)
        .arg("stack")
        .args(["--format", "concise", "--fail-on", "never"])
        .args(args)
        .args(extra)
        .output()
        .expect("run foundry-lint")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

#[test]
fn fix_turns_each_before_into_its_after_and_fixes_nothing_twice() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.display().to_string();
        let extra: Vec<String> = std::fs::read_to_string(case.join("args"))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let before = before_of(&case);
        let tmp = tempfile::tempdir().expect("tempdir");
        let stack = tmp.path().join("stack");
        write_files(&stack, &before);

        // --diff shows the change and writes nothing.
        let diff = run(tmp.path(), &["--diff"], &extra);
        assert_eq!(diff.status.code(), Some(1), "{name}: --diff exit");
        assert!(text(&diff.stdout).contains("+++ b/stack/"), "{name}");
        assert_eq!(files(&stack), before, "{name}: --diff wrote files");

        let fixed = run(tmp.path(), &["--fix"], &extra);
        let after = files(&stack);
        let remaining = text(&fixed.stdout);
        // Findings that appear after fixing (only unsafe fixes may cause them).
        let warnings = text(&fixed.stderr);
        if update {
            let _ = std::fs::remove_dir_all(case.join("after"));
            write_files(&case.join("after"), &after);
            std::fs::write(case.join("remaining.txt"), &remaining).expect("write golden");
            let _ = std::fs::remove_file(case.join("warnings.txt"));
            if !warnings.is_empty() {
                std::fs::write(case.join("warnings.txt"), &warnings).expect("write golden");
            }
            continue;
        }
        let expected = std::fs::read_to_string(case.join("warnings.txt")).unwrap_or_default();
        if warnings != expected {
            failures.push(format!(
                "{name}: warnings\n--- expected\n{expected}--- actual\n{warnings}"
            ));
        }
        if !warnings.is_empty() && !extra.iter().any(|a| a == "--unsafe-fixes") {
            failures.push(format!("{name}: a safe fix made a new finding: {warnings}"));
        }
        if after != files(&case.join("after")) {
            failures.push(format!("{name}: the fixed files differ from after/"));
        }
        let expected = std::fs::read_to_string(case.join("remaining.txt")).unwrap_or_default();
        if remaining != expected {
            failures.push(format!(
                "{name}: remaining findings\n--- expected\n{expected}--- actual\n{remaining}"
            ));
        }
        assert_ne!(after, before, "{name}: --fix changed nothing");

        // The fixed stack lints to the same findings and a second --fix changes nothing.
        let again = run(tmp.path(), &["--fix"], &extra);
        assert_eq!(text(&again.stdout), remaining, "{name}: second --fix");
        assert_eq!(files(&stack), after, "{name}: second --fix changed files");
        let diff = run(tmp.path(), &["--diff"], &extra);
        assert_eq!(text(&diff.stdout), "", "{name}: --diff after fixing");
        assert_eq!(diff.status.code(), Some(0), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The summary counts the fixes and what remains; the exit code follows what remains.
#[test]
fn fix_summary_counts_fixed_and_remaining_and_exits_by_what_remains() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes/terraform/variables");
    let tmp = tempfile::tempdir().expect("tempdir");
    write_files(&tmp.path().join("stack"), &files(&case.join("before")));
    let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(tmp.path())
        .args(["stack", "--fix", "--color", "never"])
        .output()
        .expect("run");
    let report = text(&out.stdout);
    assert!(report.contains("Fixed 2 findings; 1 remains."), "{report}");
    assert!(
        report.contains("= not fixed: `var.soft_delete` is read in 2 places"),
        "{report}"
    );
    assert_eq!(out.status.code(), Some(1));
    let json = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(tmp.path())
        .args([
            "stack",
            "--fix",
            "--format",
            "json",
            "--select",
            "FL601,FL606",
        ])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(doc["summary"]["fixed"], 0);
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(json.status.code(), Some(0));
}

/// JSON and SARIF carry each fix as edits: the text to write and the region it replaces.
#[test]
fn json_and_sarif_carry_the_fix() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes/bicep/literals/before");
    let json = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .args([case.as_os_str(), "--format".as_ref(), "json".as_ref()])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let findings = doc["findings"].as_array().expect("findings");
    let purge = findings
        .iter()
        .find(|f| f["rule"] == "FL601")
        .expect("FL601");
    assert_eq!(purge["fix"]["applicability"], "safe");
    let edit = &purge["fix"]["edits"][0];
    assert_eq!(edit["content"], "true");
    assert_eq!(edit["location"]["line"], 9);
    let soft = findings
        .iter()
        .find(|f| f["rule"] == "FL602")
        .expect("FL602");
    assert!(soft.get("fix").is_none());
    assert!(
        soft["not_fixed"]
            .as_str()
            .is_some_and(|w| w.contains("read in 2 places"))
    );
    let sarif = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .args([case.as_os_str(), "--format".as_ref(), "sarif".as_ref()])
        .output()
        .expect("run");
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let purge = results
        .iter()
        .find(|r| r["ruleId"] == "FL601")
        .expect("FL601");
    let change = &purge["fixes"][0]["artifactChanges"][0];
    assert!(
        change["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("main.bicep"))
    );
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "true");
    assert_eq!(replacement["deletedRegion"]["startLine"], 9);
    assert!(
        results
            .iter()
            .find(|r| r["ruleId"] == "FL602")
            .expect("FL602")["fixes"]
            .is_null()
    );
}

/// What the baseline hides is not fixed: the team accepted it as it is.
#[test]
fn fix_leaves_what_the_baseline_hides() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes/terraform/literals");
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = files(&case.join("before"));
    let stack = tmp.path().join("stack");
    write_files(&stack, &before);
    let baseline = tmp.path().join("baseline.json");
    let recorded = run(
        tmp.path(),
        &["--write-baseline", baseline.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(recorded.status.code(), Some(0));
    let fixed = run(
        tmp.path(),
        &["--fix", "--baseline", baseline.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(text(&fixed.stdout), "");
    assert_eq!(files(&stack), before);
}
