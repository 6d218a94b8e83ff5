//! A Terraform module tree: parsed, evaluated, lowered, linted and reported.
//! See `src/lib.rs` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("terraform", data));
