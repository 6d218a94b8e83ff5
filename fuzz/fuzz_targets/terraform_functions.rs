//! Terraform's function library on arbitrary arguments: see `Call` in `src/lib.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("terraform_functions", data));
