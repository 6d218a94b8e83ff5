//! ARM JSON: read by the JSON reader, then templates, parameter files, linked templates and
//! Terraform plans evaluated, linted and reported.
//! See `src/lib.rs` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("arm", data));
