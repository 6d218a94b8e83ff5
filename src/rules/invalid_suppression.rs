//! FL003: a suppression comment without a reason, naming an unknown rule, or suppressing
//! nothing. Produced by the engine when it applies suppressions.

rule!(
    "FL003",
    "invalid-suppression",
    Warning,
    "A suppression comment has no reason, names an unknown rule, or suppresses nothing",
    None
);
