//! FL002: a rule needed a value that cannot be known statically. Produced by the engine from
//! what the rules report as unresolved; off unless selected.

rule!(
    "FL002",
    "unresolved-value",
    Note,
    "A rule needed a value that cannot be known statically; the message names the missing input",
    None,
    false
);
