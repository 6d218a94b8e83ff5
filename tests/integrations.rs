//! The integrations a user copies from the README, run for real: the pre-commit hook
//! (`.pre-commit-hooks.yaml`).

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// pre-commit builds the hook from this working tree with cargo (minutes on a cold cache; the
/// venv and the hook's target directory are kept under target/tmp for the next run) and runs it
/// on a throwaway repository: it must fail on a /28 agent subnet and pass on a correct stack.
/// Needs python3 and the package registries (or `CARGO_NET_OFFLINE=true` with the crates cached).
#[test]
fn the_pre_commit_hook_fails_on_a_broken_stack_and_passes_on_a_correct_one() {
    let tools = std::env::var_os("FOUNDRY_LINT_TOOLS").unwrap_or_else(|| {
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("integration-tools")
            .into()
    });
    let started = std::time::Instant::now();
    let out = Command::new("bash")
        .arg(root().join("tests/integration/pre-commit.sh"))
        .env("FOUNDRY_LINT_TOOLS", &tools)
        .output()
        .expect("run bash");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    eprintln!("pre-commit integration: {:?}", started.elapsed());
}
