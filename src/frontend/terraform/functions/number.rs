//! Numbers.

use super::*;

pub(super) fn map_number(f: &str, a: &[Value], op: fn(f64) -> f64) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::Number(op(num_arg(f, a, 0)?)))
}

pub(super) fn extremum(f: &str, a: &[Value], pick: fn(f64, f64) -> f64) -> Res {
    if a.is_empty() {
        return Err(fail(f, "must pass at least one number"));
    }
    let mut best = num_arg(f, a, 0)?;
    for i in 1..a.len() {
        best = pick(best, num_arg(f, a, i)?);
    }
    Ok(Value::Number(best))
}

pub(super) fn signum(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    // Terraform insists on a whole number here.
    Ok(Value::Number(int_arg(f, a, 0)?.signum() as f64))
}

/// cty computes it in float64: `ln(num) / ln(base)`.
pub(super) fn log(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let result = num_arg(f, a, 0)?.ln() / num_arg(f, a, 1)?.ln();
    if result.is_finite() {
        Ok(Value::Number(result))
    } else {
        Err(Value::unknown(format!(
            "`{f}()` gives {result}, which foundry-lint does not represent"
        )))
    }
}

pub(super) fn pow(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let base = num_arg(f, a, 0)?;
    let exponent = num_arg(f, a, 1)?;
    let result = base.powf(exponent);
    if result.is_nan() {
        return Err(fail(f, "result is not a number"));
    }
    Ok(Value::Number(result))
}

pub(super) fn parseint(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let s = match known(arg(a, 0))? {
        Value::String(s) => s,
        other => {
            return Err(bad_arg(
                f,
                0,
                format!("first argument must be a string, not {}", other.type_name()),
            ));
        }
    };
    let base = int_arg(f, a, 1)?;
    if !(2..=62).contains(&base) {
        return Err(bad_arg(
            f,
            1,
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let cannot = || fail(f, format!("cannot parse {s:?} as a base {base} integer"));
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s.as_str()),
    };
    if body.is_empty() {
        return Err(cannot());
    }
    let base = base as u128;
    let mut value: Option<u128> = Some(0);
    for c in body.chars() {
        // Go's big.Int: letters are case-insensitive up to base 36; above it, lower case is
        // 10..35 and upper case 36..61.
        let digit = match c {
            '0'..='9' => c as u128 - '0' as u128,
            'a'..='z' => c as u128 - 'a' as u128 + 10,
            'A'..='Z' if base <= 36 => c as u128 - 'A' as u128 + 10,
            'A'..='Z' => c as u128 - 'A' as u128 + 36,
            _ => return Err(cannot()),
        };
        if digit >= base {
            return Err(cannot());
        }
        value = value
            .and_then(|v| v.checked_mul(base))
            .and_then(|v| v.checked_add(digit));
    }
    match value.filter(|&v| v as f64 <= EXACT_INT) {
        Some(v) => Ok(Value::Number(if negative { -(v as f64) } else { v as f64 })),
        None => Err(Value::unknown(format!(
            "`{f}()`: {s:?} is too large to represent exactly"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    // --- numbers -----------------------------------------------------------------------------

    #[test]
    fn number_functions() {
        assert_eq!(c("abs", vec![n(23.0)]), n(23.0));
        assert_eq!(c("abs", vec![n(-12.4)]), n(12.4));
        assert_eq!(c("ceil", vec![n(5.0)]), n(5.0));
        assert_eq!(c("ceil", vec![n(5.1)]), n(6.0));
        assert_eq!(c("floor", vec![n(4.9)]), n(4.0));
        assert_eq!(c("floor", vec![n(-4.1)]), n(-5.0));
        assert_eq!(c("max", vec![n(12.0), n(54.0), n(3.0)]), n(54.0));
        assert_eq!(c("min", vec![n(12.0), n(54.0), n(3.0)]), n(3.0));
        assert!(is_error(&c("max", vec![])));
        assert_eq!(c("pow", vec![n(3.0), n(2.0)]), n(9.0));
        assert_eq!(c("pow", vec![n(4.0), n(0.0)]), n(1.0));
        assert!(is_error(&c("pow", vec![n(-1.0), n(0.5)])));
        assert_eq!(c("signum", vec![n(-13.0)]), n(-1.0));
        assert_eq!(c("signum", vec![n(0.0)]), n(0.0));
        assert_eq!(c("signum", vec![n(344.0)]), n(1.0));
        assert!(is_error(&c("signum", vec![n(0.5)])));
    }

    #[test]
    fn parseint_in_any_base() {
        assert_eq!(c("parseint", vec![s("100"), n(10.0)]), n(100.0));
        assert_eq!(c("parseint", vec![s("FF"), n(16.0)]), n(255.0));
        assert_eq!(c("parseint", vec![s("-10"), n(16.0)]), n(-16.0));
        assert_eq!(
            c("parseint", vec![s("1011111011101111"), n(2.0)]),
            n(48879.0)
        );
        assert_eq!(c("parseint", vec![s("aA"), n(62.0)]), n(656.0));
        assert!(is_error(&c("parseint", vec![s("12"), n(2.0)])));
        assert!(is_error(&c("parseint", vec![s("0x10"), n(16.0)])));
        assert!(is_error(&c("parseint", vec![s("1"), n(63.0)])));
        assert!(is_error(&c("parseint", vec![n(1.0), n(10.0)])));
        assert!(is_deferred(&c(
            "parseint",
            vec![s("FFFFFFFFFFFFFFFFFFFF"), n(16.0)]
        )));
    }
}
