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
];

#[test]
fn every_format_matches_its_golden_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (format, extension) in FORMATS {
        let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
            .current_dir(root)
            .args(["fixtures/terraform/module-tree", "--format", format])
            .env("NO_COLOR", "1")
            .output()
            .expect("run foundry-lint");
        let actual = String::from_utf8(out.stdout).expect("utf-8");
        let golden = root.join(format!("tests/golden/module-tree.{format}.{extension}"));
        if update {
            std::fs::write(&golden, &actual).expect("write golden");
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{format}:\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
