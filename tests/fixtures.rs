//! Golden tests: each directory under fixtures/<language>/ is a stack, and `expected.txt` beside
//! it holds the findings it must give (the concise format). A variant `args.<name>` file (command
//! line arguments, one per line) lints the same stack again into `expected.<name>.txt` (in
//! the format it names, else the concise one: `--format human` shows the values' traces).
//! `UPDATE_GOLDEN=1 cargo test --test fixtures` rewrites the goldens; review the diff like any
//! other change.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs = Vec::new();
    for language in std::fs::read_dir(&root).expect("fixtures/") {
        let language = language.expect("entry").path();
        if !language.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&language).expect("language dir") {
            let case = case.expect("entry").path();
            if case.join("expected.txt").exists() || case.is_dir() {
                dirs.push(case);
            }
        }
    }
    dirs.sort();
    dirs
}

/// The runs of a fixture: (golden file, extra arguments).
fn variants(case: &Path) -> Vec<(PathBuf, Vec<String>)> {
    let mut out = vec![(case.join("expected.txt"), Vec::new())];
    for entry in std::fs::read_dir(case).expect("fixture dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if let Some(variant) = name.strip_prefix("args.") {
            let args = std::fs::read_to_string(&path).expect("args file");
            let args = args
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect();
            out.push((case.join(format!("expected.{variant}.txt")), args));
        }
    }
    out.sort();
    out
}

fn lint(case: &Path) -> (String, i32) {
    lint_with(case, &[])
}

fn lint_with(case: &Path, extra: &[String]) -> (String, i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = case.strip_prefix(root).expect("inside the crate");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_foundry-lint"));
    cmd.current_dir(root).arg(relative);
    if !extra.iter().any(|a| a == "--format") {
        cmd.args(["--format", "concise"]);
    }
    cmd.args(extra);
    let out = cmd.output().expect("run foundry-lint");
    assert!(
        out.stderr.is_empty(),
        "{}: stderr: {}",
        relative.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_fixture_gives_its_golden_findings() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for case in fixture_dirs() {
        for (golden, args) in variants(&case) {
            let (actual, code) = lint_with(&case, &args);
            if update {
                std::fs::write(&golden, &actual).expect("write golden");
                continue;
            }
            let expected = std::fs::read_to_string(&golden).unwrap_or_default();
            if actual != expected {
                failures.push(format!(
                    "{}:\n--- expected\n{expected}--- actual\n{actual}",
                    golden.display()
                ));
            }
            // Exit code 1 exactly when a finding at or above the default threshold remains.
            let fails = actual.lines().any(|l| {
                l.contains(" error ")
                    || l.contains(" warning ")
                    || l.starts_with("error[")
                    || l.starts_with("warning[")
            });
            assert_eq!(code, i32::from(fails), "{}: exit code", golden.display());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_fires_on_some_fixture() {
    let all: String = fixture_dirs()
        .iter()
        .flat_map(|c| variants(c))
        .filter_map(|(golden, _)| std::fs::read_to_string(golden).ok())
        .collect();
    for rule in foundry_lint::rules::ALL {
        assert!(
            all.contains(&format!(": {} ", rule.code)),
            "{} fires on no fixture",
            rule.code
        );
    }
}

#[test]
fn the_clean_stack_gives_no_finding() {
    let (out, code) = lint(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform/clean"));
    assert_eq!(out, "");
    assert_eq!(code, 0);
}

#[test]
fn the_same_stack_in_terraform_arm_and_bicep_gives_the_same_rule_codes() {
    let codes = |case: &str| -> Vec<String> {
        let (out, _) = lint(&Path::new(env!("CARGO_MANIFEST_DIR")).join(case));
        let mut codes: Vec<String> = out
            .lines()
            .filter_map(|l| {
                l.split(": ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .map(str::to_string)
            })
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let terraform = codes("fixtures/terraform/same-stack");
    assert_eq!(terraform, ["FL201", "FL501", "FL601"]);
    assert_eq!(codes("fixtures/arm/compiled-bicep"), terraform);
    assert_eq!(codes("fixtures/bicep/private-network"), terraform);
}

/// The in-memory loader (the entry point of the fuzz targets and the fuzz regression tests)
/// gives every fixture the findings of its golden file. Fixtures that need what only a directory
/// has (`.terraform/modules`, a configuration file) are left out.
#[test]
fn the_in_memory_loader_agrees_with_the_goldens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in fixture_dirs() {
        // Installed modules and the Bicep cache are read from disk only.
        if case.join(".terraform").exists()
            || case.join(".bicep").exists()
            || case.join(".foundry-lint.toml").exists()
        {
            continue;
        }
        let mut files: Vec<(String, String)> = Vec::new();
        let mut stack = vec![case.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixture dir") {
                let path = entry.expect("entry").path();
                let name = path.strip_prefix(&case).expect("inside the fixture");
                let name = name.to_string_lossy().replace('\\', "/");
                if path.is_dir() {
                    stack.push(path);
                } else if !name.starts_with("expected") && !name.starts_with("args.") {
                    files.push((name, std::fs::read_to_string(&path).expect("utf-8 fixture")));
                }
            }
        }
        let pairs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let settings = foundry_lint::settings::Settings::default();
        let (workspace, outcome) = foundry_lint::engine::run(
            &settings,
            &foundry_lint::engine::Selection::default(),
            false,
            |sink| {
                Ok::<_, std::convert::Infallible>(foundry_lint::frontend::memory::load_texts(
                    &pairs, sink,
                ))
            },
        )
        .unwrap_or_else(|never| match never {});
        let actual = foundry_lint::report::Report {
            findings: &outcome.findings,
            sources: &workspace.sources,
            models: &outcome.models,
            capacity: &outcome.capacity,
            settings: &settings,
            presentation: Default::default(),
            run: &Default::default(),
        }
        .render(foundry_lint::report::Format::Concise);
        let prefix = format!(
            "{}/",
            case.strip_prefix(root)
                .expect("inside the crate")
                .to_string_lossy()
                .replace('\\', "/")
        );
        let expected = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap_or_default()
            .replace(&prefix, "");
        compared += 1;
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(compared > 20, "{compared} fixtures compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
