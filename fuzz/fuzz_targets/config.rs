//! `.foundry-lint.toml` text, then the rules it selects and tunes on a fixed stack.
//! See `src/lib.rs` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("config", data));
