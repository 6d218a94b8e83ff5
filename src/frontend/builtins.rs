//! Argument checks shared by the function libraries of the evaluators (Terraform, ARM, Bicep).

use crate::value::Value;
use std::fmt;

/// An error value for function `f`.
pub fn fail(f: &str, msg: impl fmt::Display) -> Value {
    Value::error(format!("{f}: {msg}"))
}

/// Checks the argument count (`max` may be `usize::MAX`).
pub fn arity(f: &str, a: &[Value], min: usize, max: usize) -> Result<(), Value> {
    if (min..=max).contains(&a.len()) {
        return Ok(());
    }
    let count = |n: usize| {
        if n == 1 {
            "1 argument".to_string()
        } else {
            format!("{n} arguments")
        }
    };
    let expected = if min == max {
        count(min)
    } else if max == usize::MAX {
        format!("at least {}", count(min))
    } else {
        format!("{min} to {}", count(max))
    };
    Err(fail(f, format!("expects {expected}, got {}", a.len())))
}

/// The value, or the unknown itself as the early return.
pub fn known(v: &Value) -> Result<&Value, Value> {
    match v {
        Value::Unknown(_) => Err(v.clone()),
        v => Ok(v),
    }
}
