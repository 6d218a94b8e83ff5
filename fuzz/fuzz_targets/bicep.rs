//! Bicep files (see the crate documentation for the input format): parsed, evaluated with
//! their modules and parameter files, linted and reported.
#![no_main]

use foundry_lint_fuzz::{files, is_bicep, lint_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lint_files(&files(data, "main.bicep", is_bicep));
});
