//! Bicep files: parsed, evaluated with their modules and parameter files, linted and reported.
//! See `src/lib.rs` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("bicep", data));
