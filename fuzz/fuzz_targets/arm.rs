//! ARM JSON (see the crate documentation for the input format): read by the JSON reader, then
//! templates, parameter files, linked templates and Terraform plans evaluated, linted and
//! reported.
#![no_main]

use foundry_lint_fuzz::{files, is_json, lint_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = files(data, "azuredeploy.json", is_json);
    // The JSON reader on its own, on the raw text too.
    for (_, text) in &files {
        let _ = foundry_lint::json::parse(text, foundry_lint::source::FileId(0));
    }
    lint_files(&files);
});
