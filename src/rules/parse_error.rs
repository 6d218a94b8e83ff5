//! FL001: a file that cannot be read or parsed. Produced by the engine from front-end diagnostics.

rule!(
    "FL001",
    "parse-error",
    Error,
    "A file cannot be read or parsed; the rest of the tree is still checked",
    None
);
