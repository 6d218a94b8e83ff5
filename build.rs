//! Stamps release builds with the commit they were built from: `foundry-lint --version` prints
//! `foundry-lint 0.1.0 (1a2b3c4d5e6f)`. The commit comes from `.cargo_vcs_info.json` in a package
//! from crates.io (`cargo install`), or else from git in a checkout.
//!
//! Debug builds are not stamped: the stamp changes with every commit, and every commit would then
//! rebuild the crate during development.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        return;
    }
    // A package (vendored, or unpacked by `cargo install`) may sit inside another repository.
    let commit = from_vcs_info().or_else(from_git);
    if let Some(commit) = commit {
        println!(
            "cargo:rustc-env=FOUNDRY_LINT_VERSION={} ({commit})",
            std::env::var("CARGO_PKG_VERSION").unwrap_or_default()
        );
    }
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn from_git() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // A new commit moves HEAD or the branch it points at.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["symbolic-ref", "-q", "HEAD"])
            .and_then(|branch| git(&["rev-parse", "--git-path", &branch])),
    ]
    .into_iter()
    .flatten()
    {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    Some(commit)
}

/// `cargo package` records the commit as `"sha1": "<40 hex>"`.
fn from_vcs_info() -> Option<String> {
    let text = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let rest = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = rest.find('"')? + 1;
    let sha: String = rest[start..].chars().take(12).collect();
    (sha.len() == 12 && sha.chars().all(|c| c.is_ascii_hexdigit())).then_some(sha)
}
