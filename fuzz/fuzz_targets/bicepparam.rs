//! A `.bicepparam` file (the whole input) for a fixed `main.bicep` (`MAIN_BICEP`).
//! See `src/lib.rs` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("bicepparam", data));
