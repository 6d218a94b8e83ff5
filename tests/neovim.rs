//! A real editor as the client: headless Neovim (0.7 or later) attaches `foundry-lint server` to
//! a fixture file and prints the diagnostics it stored, before and after an edit of the buffer;
//! and README's `init.lua` snippet for the Neovim found attaches it as a user's would. Without
//! `nvim` on PATH each test says it was skipped and passes.

use std::io::Write;
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

/// The installed Neovim's version (`NVIM v0.7.2` -> (0, 7)), or why the test is skipped.
fn neovim() -> Option<(u32, u32)> {
    let Ok(output) = Command::new("nvim").arg("--version").output() else {
        // Past the test harness's capture of `println!`: a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: nvim is not on PATH (install Debian's `neovim` to run the Neovim tests)"
        );
        return None;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A copy of the fixture stack.
fn copy(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(case).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

#[test]
fn neovim_shows_the_diagnostics_and_follows_an_edit() {
    if neovim().is_none() {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = repo.join("fixtures/terraform/agent-subnet-sizing");
    let dir = copy(&case);
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

/// README's `init.lua` snippets, each with the Neovim version it is for (`Neovim 0.8 to 0.10, in
/// `init.lua`:` -> (0, 8)).
fn readme_snippets() -> Vec<((u32, u32), String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("Neovim 0.") else {
            continue;
        };
        let minor: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let mut code = String::new();
        let mut inside = false;
        for line in lines.by_ref() {
            match (inside, line) {
                (false, "```lua") => inside = true,
                (true, "```") => break,
                (true, line) => code.push_str(&format!("{line}\n")),
                _ => {}
            }
        }
        out.push(((0, minor.parse().unwrap()), code));
    }
    out
}

#[test]
fn the_readme_snippet_for_this_neovim_attaches_the_server() {
    let Some(version) = neovim() else {
        return;
    };
    let snippets = readme_snippets();
    assert_eq!(
        snippets.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        [(0, 11), (0, 8), (0, 7)],
        "README's Neovim snippets"
    );
    // The newest snippet this Neovim can run.
    let (for_version, snippet) = snippets
        .iter()
        .filter(|(v, _)| *v <= version)
        .max_by_key(|(v, _)| *v)
        .expect("a snippet for Neovim 0.7 or later");
    println!("Neovim {version:?}: README's snippet for {for_version:?}");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = repo.join("fixtures/terraform/agent-subnet-sizing");
    let dir = copy(&case);
    // The root marker the snippets look for.
    std::fs::write(dir.path().join(".foundry-lint.toml"), "").unwrap();
    let init = dir.path().join("init.lua");
    std::fs::write(&init, snippet).unwrap();
    let out = dir.path().join("neovim.txt");
    // `cmd = { 'foundry-lint', 'server' }`: the binary cargo built, found on PATH.
    let bin = Path::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let status = Command::new("nvim")
        .arg("--headless")
        .arg("-u")
        .arg(&init)
        .args(["-i", "NONE", "-n", "network.tf", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/neovim/diagnostics.lua").display()
        ))
        .current_dir(dir.path())
        .env("PATH", path)
        .env("FOUNDRY_LINT_OUT", &out)
        .status()
        .expect("nvim runs");
    let printed = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim: {status}\n{printed}");
    let mut found: Vec<&str> = printed.lines().collect();
    found.sort();
    let mut expected: Vec<String> = golden(&case, "network.tf")
        .iter()
        .map(|(line, rest)| {
            let (column, rest) = rest.split_once(": ").unwrap();
            format!("{line}:{column}: {}", rest.split(' ').next().unwrap())
        })
        .collect();
    expected.sort();
    assert_eq!(found, expected);
}
