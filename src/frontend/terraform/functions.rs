//! Terraform's built-in functions, evaluated on `Value`s.
//!
//! Each function either computes exactly what Terraform computes (the behaviour of go-cty's
//! stdlib and of Terraform's own `funcs` package, which is where these functions live), or says
//! that it cannot: an error-unknown where Terraform reports an error, a deferred unknown where
//! the answer depends on something foundry-lint does not model (files, clocks, randomness,
//! Unicode segmentation, arbitrary-precision arithmetic). A plausible-looking value that
//! Terraform would not produce would turn into a false finding, so "unknown" is always
//! preferred to a guess.
//!
//! `try` and `can` are not here: they need their arguments unevaluated, so the evaluator handles
//! them itself.

mod collection;
mod conversion;
mod crypto;
mod datetime;
mod encoding;
mod network;
mod number;
mod paths;
mod string;
mod yaml;

use collection::*;
use conversion::*;
use encoding::*;
use network::*;
use number::*;
use string::*;

use super::function_table::{self, FunctionStatus};
use crate::frontend::builtins::{arity, fail, known};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use crate::cidr;
use crate::value::{Unknown, Value, equals, format_number};

/// `Err` carries the value to return: the unknown that decided the result, or an error.
type Res = Result<Value, Value>;

/// Values from parsed configuration are shallow; anything nested deeper than this came from an
/// absurd input, and recursing into it could exhaust the stack.
const MAX_DEPTH: usize = 256;
/// Largest number of elements a function may generate (setproduct).
const MAX_ELEMENTS: usize = 1_000_000;
/// Largest string (in bytes) a function may generate (format padding, replace, indent).
const MAX_STRING: usize = 64 << 20;
/// Largest width or precision honoured in a `format` verb.
const MAX_FORMAT_WIDTH: usize = 100_000;
/// Integers up to 2^53 survive the trip through `f64` exactly; larger ones may have lost digits
/// before they reached us, so they are not used where the exact value matters.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;
/// Terraform's `range` refuses to generate more values than this.
const MAX_RANGE: usize = 1024;

/// Calls a Terraform built-in function on evaluated arguments.
pub fn call(name: &str, args: Vec<Value>) -> Value {
    // Every built-in is also reachable as `core::NAME`.
    let f = name.strip_prefix("core::").unwrap_or(name);
    let result = match dispatch(f, &args) {
        Ok(v) | Err(v) => v,
    };
    match KEEPS_PREFIX_LEN.contains(&f) {
        true => result,
        false => result.derived(),
    }
}

/// Functions whose result may be an unknown prefix of known length: those that compute it, and
/// those that give one of their arguments back. Any other function's result is computed from its
/// arguments, and an unknown result loses the length (`cidrhost(prefix, 5)` is no prefix).
const KEEPS_PREFIX_LEN: &[&str] = &[
    "cidrsubnet",
    "cidrsubnets",
    "format",
    "coalesce",
    "element",
    "one",
    "tostring",
    "sensitive",
    "nonsensitive",
];

fn dispatch(f: &str, a: &[Value]) -> Res {
    match f {
        // Collections.
        "alltrue" => alltrue(f, a),
        "anytrue" => anytrue(f, a),
        "chunklist" => chunklist(f, a),
        "coalesce" => coalesce(f, a),
        "coalescelist" => coalescelist(f, a),
        "compact" => compact(f, a),
        "concat" => concat(f, a),
        "contains" => contains(f, a),
        "distinct" => distinct(f, a),
        "element" => element(f, a),
        "flatten" => flatten(f, a),
        "index" => index(f, a),
        "keys" => keys(f, a),
        "length" => length(f, a),
        "lookup" => lookup(f, a),
        "matchkeys" => matchkeys(f, a),
        "merge" => merge(f, a),
        "one" => one(f, a),
        "range" => range(f, a),
        "reverse" => reverse(f, a),
        "setintersection" => set_operation(f, a, SetOp::Intersection),
        "setproduct" => setproduct(f, a),
        "setsubtract" => set_operation(f, a, SetOp::Subtract),
        "setunion" => set_operation(f, a, SetOp::Union),
        "slice" => slice(f, a),
        "sort" => sort(f, a),
        "sum" => sum(f, a),
        "transpose" => transpose(f, a),
        "values" => values(f, a),
        "zipmap" => zipmap(f, a),
        // Type conversions.
        "tobool" | "tolist" | "tomap" | "tonumber" | "toset" | "tostring" => convert(f, a),
        // foundry-lint does not track sensitivity, so these pass their argument through.
        "sensitive" | "nonsensitive" => {
            arity(f, a, 1, 1)?;
            Ok(arg(a, 0).clone())
        }
        // Strings.
        "chomp" => map_string(f, a, |s| s.trim_end_matches(['\r', '\n']).to_string()),
        "endswith" => string_test(f, a, |s, x| s.ends_with(x)),
        "format" => format(f, a),
        "formatlist" => formatlist(f, a),
        "indent" => indent(f, a),
        "join" => join(f, a),
        "lower" => map_string(f, a, |s| s.chars().map(simple_lower).collect()),
        "regex" => regex_fn(f, a, false),
        "regexall" => regex_fn(f, a, true),
        "replace" => replace(f, a),
        "split" => split(f, a),
        "startswith" => startswith(f, a),
        "strcontains" => string_test(f, a, |s, x| s.contains(x)),
        "strrev" => strrev(f, a),
        "substr" => substr(f, a),
        "title" => map_string(f, a, go_title),
        "trim" => trim(f, a),
        "trimprefix" => trim_affix(f, a, |s, x| s.strip_prefix(x)),
        "trimsuffix" => trim_affix(f, a, |s, x| s.strip_suffix(x)),
        "trimspace" => map_string(f, a, |s| s.trim().to_string()),
        "upper" => map_string(f, a, |s| s.chars().map(simple_upper).collect()),
        // Numbers.
        "abs" => map_number(f, a, f64::abs),
        "ceil" => map_number(f, a, f64::ceil),
        "floor" => map_number(f, a, f64::floor),
        "max" => extremum(f, a, f64::max),
        "min" => extremum(f, a, f64::min),
        "parseint" => parseint(f, a),
        "pow" => pow(f, a),
        "signum" => signum(f, a),
        "log" => log(f, a),
        // Network addresses.
        "cidrhost" => cidrhost(f, a),
        "cidrnetmask" => cidrnetmask(f, a),
        "cidrsubnet" => cidrsubnet(f, a),
        "cidrsubnets" => cidrsubnets(f, a),
        // Encodings.
        "base64decode" => base64decode(f, a),
        "base64encode" => map_string(f, a, |s| base64_encode(s.as_bytes())),
        "jsondecode" => jsondecode(f, a),
        "jsonencode" => jsonencode(f, a),
        "urlencode" => map_string(f, a, url_query_escape),
        "csvdecode" => encoding::csvdecode(f, a),
        "textencodebase64" => encoding::textencodebase64(f, a),
        "textdecodebase64" => encoding::textdecodebase64(f, a),
        "yamldecode" => yaml::yamldecode(f, a),
        "yamlencode" => yaml::yamlencode(f, a),
        // Hashes.
        "md5" => crypto::md5(f, a),
        "sha1" => crypto::sha1(f, a),
        "sha256" => crypto::sha256(f, a),
        "sha512" => crypto::sha512(f, a),
        "base64sha256" => crypto::base64sha256(f, a),
        "base64sha512" => crypto::base64sha512(f, a),
        "uuidv5" => crypto::uuidv5(f, a),
        // Dates.
        "formatdate" => datetime::formatdate(f, a),
        "timeadd" => datetime::timeadd(f, a),
        "timecmp" => datetime::timecmp(f, a),
        // Paths.
        "basename" => paths::basename(f, a),
        "dirname" => paths::dirname(f, a),
        _ => not_evaluated(f, a),
    }
}

/// Functions whose result foundry-lint does not know (see `function_table`), with the reason
/// the user is shown; removed and console-only functions are the errors Terraform reports.
fn not_evaluated(f: &str, a: &[Value]) -> Res {
    let reason = match function_table::status(f) {
        Some(status @ (FunctionStatus::Unknowable(_) | FunctionStatus::NotEvaluated(_))) => {
            status.reason(f)
        }
        Some(FunctionStatus::Implemented) if matches!(f, "list" | "map") => {
            let literal = if f == "list" {
                "tolist([ ... ])"
            } else {
                "tomap({ ... })"
            };
            return Err(fail(
                f,
                format!(
                    "the \"{f}\" function was deprecated in Terraform v0.12 and is no longer available; use {literal} syntax to write a literal {f}"
                ),
            ));
        }
        Some(FunctionStatus::Implemented) if f == "type" => {
            return Err(fail(
                f,
                "the \"type\" function is only available in terraform console",
            ));
        }
        // A built-in the evaluator handles itself (`try`, `convert`, ...) reached with its
        // arguments already evaluated, or a name Terraform (as of the version the table lists)
        // does not define: unknown either way, not an error, since a newer Terraform may have it.
        _ => {
            return Err(Value::unknown(format!(
                "function `{f}` is not evaluated by foundry-lint"
            )));
        }
    };
    let (min, max) = match f {
        "timestamp" | "uuid" | "plantimestamp" => (0, 0),
        "bcrypt" => (1, 2),
        "fileset" | "templatefile" | "rsadecrypt" => (2, 2),
        _ => (1, 1),
    };
    arity(f, a, min, max)?;
    // An argument that is already an error makes the call an error, whatever the function does.
    if let Some(u) = a
        .iter()
        .filter_map(Value::first_unknown)
        .find(|u| u.is_error())
    {
        return Err(Value::Unknown(u.clone()));
    }
    Err(Value::unknown(reason))
}

// ---------------------------------------------------------------------------------------------
// Argument extraction. Terraform converts arguments to the parameter's type before the call:
// numbers and bools become strings where a string is expected, numeric strings become numbers.
// ---------------------------------------------------------------------------------------------

static NULL: Value = Value::Null;

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&NULL)
}

fn bad_arg(f: &str, i: usize, msg: impl fmt::Display) -> Value {
    fail(f, format!("argument {}: {msg}", i + 1))
}

fn wholly_known(v: &Value) -> Result<(), Value> {
    match v.first_unknown() {
        Some(u) => Err(Value::Unknown(u.clone())),
        None => Ok(()),
    }
}

fn conv_str(v: &Value) -> Result<Cow<'_, str>, String> {
    match v {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Number(n) => Ok(Cow::Owned(format_number(*n))),
        Value::Bool(b) => Ok(Cow::Owned(b.to_string())),
        Value::Null => Err("must not be null".into()),
        other => Err(format!("a string is required, not a {}", other.type_name())),
    }
}

fn conv_num(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => {
            parse_number(s).ok_or_else(|| format!("a number is required, not {s:?}"))
        }
        Value::Null => Err("must not be null".into()),
        other => Err(format!("a number is required, not a {}", other.type_name())),
    }
}

fn conv_int(v: &Value) -> Result<i64, String> {
    let n = conv_num(v)?;
    // -2^63 and 2^63 are exact in f64, so this bound is exact too.
    if n.fract() != 0.0 || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n)
    {
        return Err(format!(
            "a whole number between {} and {} is required, not {}",
            i64::MIN,
            i64::MAX,
            format_number(n)
        ));
    }
    Ok(n as i64)
}

fn conv_bool(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        // cty's string-to-bool conversion also accepts "1" and "0".
        Value::String(s) if s == "true" || s == "1" => Ok(true),
        Value::String(s) if s == "false" || s == "0" => Ok(false),
        Value::String(s) => Err(format!("a bool is required, not {s:?}")),
        Value::Null => Err("must not be null".into()),
        other => Err(format!("a bool is required, not a {}", other.type_name())),
    }
}

/// Terraform reads numbers in strings as decimal literals: sign, digits, fraction, exponent.
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn str_arg<'a>(f: &str, a: &'a [Value], i: usize) -> Result<Cow<'a, str>, Value> {
    conv_str(known(arg(a, i))?).map_err(|m| bad_arg(f, i, m))
}

fn num_arg(f: &str, a: &[Value], i: usize) -> Result<f64, Value> {
    conv_num(known(arg(a, i))?).map_err(|m| bad_arg(f, i, m))
}

fn int_arg(f: &str, a: &[Value], i: usize) -> Result<i64, Value> {
    conv_int(known(arg(a, i))?).map_err(|m| bad_arg(f, i, m))
}

/// A whole number of any size (Terraform's big integers); see `EXACT_INT` before using it.
fn whole_arg(f: &str, a: &[Value], i: usize) -> Result<f64, Value> {
    let n = num_arg(f, a, i)?;
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(bad_arg(f, i, "a whole number is required"));
    }
    Ok(n)
}

fn list_arg<'a>(f: &str, a: &'a [Value], i: usize) -> Result<&'a [Value], Value> {
    match known(arg(a, i))? {
        Value::List(l) => Ok(l),
        Value::Null => Err(bad_arg(f, i, "must not be null")),
        other => Err(bad_arg(
            f,
            i,
            format!("a list is required, not a {}", other.type_name()),
        )),
    }
}

fn obj_arg<'a>(f: &str, a: &'a [Value], i: usize) -> Result<&'a BTreeMap<String, Value>, Value> {
    match known(arg(a, i))? {
        Value::Object(o) => Ok(o),
        Value::Null => Err(bad_arg(f, i, "must not be null")),
        other => Err(bad_arg(
            f,
            i,
            format!("a map or object is required, not a {}", other.type_name()),
        )),
    }
}

/// Element `j` of list argument `i`, converted to a string as a `list(string)` parameter would.
fn elem_str<'v>(f: &str, i: usize, j: usize, v: &'v Value) -> Result<Cow<'v, str>, Value> {
    conv_str(known(v)?).map_err(|m| fail(f, format!("argument {}, element {j}: {m}", i + 1)))
}

fn strings(items: impl IntoIterator<Item = String>) -> Value {
    Value::List(items.into_iter().map(Value::String).collect())
}

fn count(n: usize) -> Value {
    Value::Number(n as f64)
}

// ---------------------------------------------------------------------------------------------
// Equality, ordering and element types.
// ---------------------------------------------------------------------------------------------

/// Terraform's order for set elements: false before true, numbers ascending, strings by bytes,
/// nulls last. Other element types have no defined order in Terraform ("callers should rely only
/// on the ordering rules for primitive values"), so any consistent order is faithful.
fn set_order(a: &Value, b: &Value) -> Ordering {
    set_order_at(a, b, 0)
}

fn set_order_at(a: &Value, b: &Value, depth: usize) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Bool(_) => 0,
            Value::Number(_) => 1,
            Value::String(_) => 2,
            Value::List(_) => 3,
            Value::Object(_) => 4,
            Value::Unknown(_) => 5,
            Value::Null => 6,
        }
    }
    if depth > MAX_DEPTH {
        return Ordering::Equal;
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or(x.total_cmp(y)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) => x
            .iter()
            .zip(y)
            .map(|(p, q)| set_order_at(p, q, depth + 1))
            .find(|o| o.is_ne())
            .unwrap_or(x.len().cmp(&y.len())),
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .zip(y)
            .map(|((k, p), (l, q))| k.cmp(l).then_with(|| set_order_at(p, q, depth + 1)))
            .find(|o| o.is_ne())
            .unwrap_or(x.len().cmp(&y.len())),
        _ => rank(a).cmp(&rank(b)),
    }
}

pub(super) fn sorted_set(mut items: Vec<Value>) -> Vec<Value> {
    items.sort_by(set_order);
    items.dedup_by(|x, y| set_order(x, y).is_eq());
    items
}

/// Terraform turns a tuple into a list, set or map by finding one element type for all elements:
/// strings absorb numbers and bools, nothing else mixes.
pub(super) fn unify(items: &[Value]) -> Result<Cow<'_, [Value]>, String> {
    let (mut strings, mut numbers, mut bools, mut structural) = (false, false, false, false);
    for v in items {
        match v {
            Value::String(_) => strings = true,
            Value::Number(_) => numbers = true,
            Value::Bool(_) => bools = true,
            Value::List(_) | Value::Object(_) => structural = true,
            Value::Null | Value::Unknown(_) => {}
        }
    }
    let primitive = strings || numbers || bools;
    if (structural && primitive) || (numbers && bools && !strings) {
        return Err("all elements must have the same type".into());
    }
    if strings && (numbers || bools) {
        return Ok(Cow::Owned(
            items
                .iter()
                .map(|v| match v {
                    Value::Number(_) | Value::Bool(_) => {
                        Value::String(v.to_display_string().unwrap_or_default())
                    }
                    other => other.clone(),
                })
                .collect(),
        ));
    }
    Ok(Cow::Borrowed(items))
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    // --- dispatch ------------------------------------------------------------------------

    #[test]
    fn unknown_function_is_deferred_with_its_name() {
        let v = c("frobnicate", vec![s("x")]);
        assert!(is_deferred(&v));
        assert_eq!(
            reason(&v),
            "function `frobnicate` is not evaluated by foundry-lint"
        );
    }

    #[test]
    fn core_namespace_reaches_the_same_functions() {
        assert_eq!(c("core::upper", vec![s("a")]), s("A"));
    }

    #[test]
    fn impure_and_file_functions_are_deferred_with_a_reason() {
        assert_eq!(
            reason(&c("timestamp", vec![])),
            "`timestamp()` is known only at apply time"
        );
        assert_eq!(
            reason(&c("uuid", vec![])),
            "`uuid()` is known only at apply time"
        );
        assert_eq!(
            reason(&c("file", vec![s("a.txt")])),
            "`file()` reads a file, which foundry-lint does not do"
        );
        assert!(is_deferred(&c("templatefile", vec![s("t.tpl"), obj(&[])])));
        assert!(is_deferred(&c("filebase64", vec![s("a.bin")])));
        assert!(is_deferred(&c("fileexists", vec![s("a.bin")])));
        assert!(is_deferred(&c("bcrypt", vec![s("pw")])));
        assert!(is_deferred(&c("abspath", vec![s("x")])));
        assert!(is_deferred(&c("base64gzip", vec![s("x")])));
    }

    #[test]
    fn deferred_functions_still_check_arity_and_pass_errors_through() {
        assert!(is_error(&c("timestamp", vec![s("now")])));
        let broken = Value::error("lookup: lookup failed to find key \"x\"");
        assert_eq!(c("base64gzip", vec![broken.clone()]), broken);
        assert!(is_error(&c("type", vec![s("x")])));
    }

    #[test]
    fn removed_list_and_map_functions_are_errors() {
        assert!(is_error(&c("list", vec![s("a")])));
        assert!(is_error(&c("map", vec![s("a"), s("b")])));
    }

    #[test]
    fn sensitive_and_nonsensitive_are_identity() {
        assert_eq!(c("sensitive", vec![s("secret")]), s("secret"));
        assert_eq!(c("nonsensitive", vec![n(1.0)]), n(1.0));
        let u = unknown("`var.x` has no value");
        assert_eq!(c("sensitive", vec![u.clone()]), u);
    }

    // --- argument handling -------------------------------------------------------------------

    #[test]
    fn wrong_argument_count_is_an_error() {
        let v = c("upper", vec![]);
        assert!(is_error(&v));
        assert_eq!(reason(&v), "upper: expects 1 argument, got 0");
        assert_eq!(
            reason(&c("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0)])),
            "cidrsubnet: expects 3 arguments, got 2"
        );
        assert_eq!(
            reason(&c("range", vec![])),
            "range: expects 1 to 3 arguments, got 0"
        );
        assert_eq!(
            reason(&c("concat", vec![])),
            "concat: expects at least 1 argument, got 0"
        );
    }

    #[test]
    fn the_first_unknown_argument_is_returned_unchanged() {
        let first = unknown("`var.a` has no default and no value in a tfvars file");
        let second = unknown("`var.b` has no default and no value in a tfvars file");
        assert_eq!(c("join", vec![first.clone(), second]), first);
        let err = Value::error("element: cannot use element function with an empty list");
        assert_eq!(c("upper", vec![err.clone()]), err);
    }

    #[test]
    fn primitive_arguments_convert_like_terraform() {
        assert_eq!(c("upper", vec![n(5.0)]), s("5"));
        assert_eq!(c("upper", vec![b(true)]), s("TRUE"));
        assert_eq!(c("abs", vec![s("-3")]), n(3.0));
        assert!(is_error(&c("abs", vec![s("three")])));
        assert!(is_error(&c("abs", vec![b(true)])));
        assert!(is_error(&c("upper", vec![strs(&["a"])])));
        assert!(is_error(&c("upper", vec![Value::Null])));
    }

    // --- robustness --------------------------------------------------------------------------

    #[test]
    fn absurd_arguments_never_panic() {
        let numbers = [
            0.0,
            -1.0,
            1.5,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            9.3e18,
        ];
        let names = [
            "element",
            "chunklist",
            "slice",
            "substr",
            "range",
            "cidrsubnet",
            "cidrhost",
            "cidrsubnets",
            "format",
            "formatlist",
            "indent",
            "signum",
            "pow",
            "parseint",
            "setproduct",
            "replace",
            "regex",
            "lookup",
            "zipmap",
            "index",
            "sum",
        ];
        for name in names {
            for &x in &numbers {
                for args in [
                    vec![n(x)],
                    vec![s("10.0.0.0/8"), n(x), n(x)],
                    vec![strs(&["a", "b"]), n(x), n(x)],
                    vec![s("%d"), n(x)],
                    vec![n(x), s("a\nb")],
                    vec![s("abc"), n(x), n(x)],
                ] {
                    let _ = call(name, args);
                }
            }
        }
    }
}

#[cfg(test)]
mod test_support {
    pub(super) use super::call;
    use crate::value::Value;

    pub(super) fn s(x: &str) -> Value {
        Value::str(x)
    }

    pub(super) fn n(x: f64) -> Value {
        Value::Number(x)
    }

    pub(super) fn b(x: bool) -> Value {
        Value::Bool(x)
    }

    pub(super) fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    pub(super) fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| s(x)).collect())
    }

    pub(super) fn nums(items: &[f64]) -> Value {
        Value::List(items.iter().map(|x| n(*x)).collect())
    }

    pub(super) fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    pub(super) fn unknown(reason: &str) -> Value {
        Value::unknown(reason)
    }

    pub(super) fn is_error(v: &Value) -> bool {
        matches!(v, Value::Unknown(u) if u.is_error())
    }

    pub(super) fn is_deferred(v: &Value) -> bool {
        matches!(v, Value::Unknown(u) if !u.is_error())
    }

    pub(super) fn reason(v: &Value) -> String {
        match v {
            Value::Unknown(u) => u.reason().to_string(),
            other => panic!("expected an unknown, got {other:?}"),
        }
    }

    pub(super) fn c(name: &str, args: Vec<Value>) -> Value {
        call(name, args)
    }
}
