//! A Terraform module tree (see the crate documentation for the input format): parsed,
//! evaluated, lowered, linted and reported.
#![no_main]

use foundry_lint_fuzz::{files, is_terraform, lint_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lint_files(&files(data, "main.tf", is_terraform));
});
