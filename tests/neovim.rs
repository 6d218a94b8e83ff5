//! A real editor as the client: headless Neovim (0.7 or later) attaches `foundry-lint server` to
//! a fixture file and prints the diagnostics it stored, before and after an edit of the buffer.
//! Without `nvim` on PATH the test says it was skipped and passes.

use std::path::Path;
use std::process::Command;

/// The golden findings of `file` in the fixture, as `LINE:COLUMN: CODE SEVERITY MESSAGE`.
fn golden(case: &Path, file: &str) -> Vec<(usize, String)> {
    let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
    let prefix = format!(
        "{}/{file}:",
        case.strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .display()
    );
    expected
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .map(|rest| {
            // `26:27: FL201 error agent-subnet-below-minimum: message`: Neovim has no rule name.
            let (place, rest) = rest.split_once(": ").unwrap();
            let (line, column) = place.split_once(':').unwrap();
            let mut words = rest.splitn(4, ' ');
            let (code, severity, _name) =
                (words.next().unwrap(), words.next().unwrap(), words.next());
            let message = words.next().unwrap();
            (
                line.parse().unwrap(),
                format!("{column}: {code} {severity} {message}"),
            )
        })
        .collect()
}

fn lines(found: &[(usize, String)]) -> Vec<String> {
    found
        .iter()
        .map(|(line, rest)| format!("{line}:{rest}"))
        .collect()
}

#[test]
fn neovim_shows_the_diagnostics_and_follows_an_edit() {
    if Command::new("nvim").arg("--version").output().is_err() {
        println!("SKIPPED: nvim is not on PATH (install Debian's `neovim` to run this test)");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = repo.join("fixtures/terraform/agent-subnet-sizing");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&case).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let file = dir.path().join("network.tf");
    let out = dir.path().join("neovim.txt");
    let before = golden(&case, "network.tf");
    let fl201 = before
        .iter()
        .find(|(_, rest)| rest.contains(" FL201 "))
        .expect("an FL201 to suppress");
    let at = fl201.0;
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/neovim/attach.lua").display()
        ))
        .current_dir(dir.path())
        .env("FOUNDRY_LINT", env!("CARGO_BIN_EXE_foundry-lint"))
        .env("FOUNDRY_LINT_FILE", &file)
        .env("FOUNDRY_LINT_OUT", &out)
        .env("FOUNDRY_LINT_AT", at.to_string())
        .env(
            "FOUNDRY_LINT_INSERT",
            "  # foundry-lint:ignore FL201 -- pilot",
        )
        .status()
        .expect("nvim runs");
    let printed = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim: {status}\n{printed}");

    // The suppression hides FL201 only; the lines below it move down by one.
    let after: Vec<(usize, String)> = before
        .iter()
        .filter(|(_, rest)| !rest.contains(" FL201 "))
        .map(|(line, rest)| (if *line >= at { line + 1 } else { *line }, rest.clone()))
        .collect();
    let mut expected = vec!["opened".to_string()];
    expected.extend(lines(&before));
    expected.push("changed".into());
    expected.extend(lines(&after));
    assert_eq!(printed.lines().collect::<Vec<_>>(), expected);
}
