//! One ARM template string: the expression parser and evaluator with the function library.
//! See `src/lib.rs` for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| foundry_lint_fuzz::run("arm_expression", data));
