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
        _ => not_evaluated(f, a),
    }
}

/// Functions whose result foundry-lint cannot know, with the reason the user is shown.
fn not_evaluated(f: &str, a: &[Value]) -> Res {
    let (min, max, reason) = match f {
        "timestamp" | "uuid" => (0, 0, format!("`{f}()` is known only at apply time")),
        "bcrypt" => (1, 2, format!("`{f}()` is known only at apply time")),
        "plantimestamp" => (0, 0, format!("`{f}()` is known only at plan time")),
        "file" | "fileexists" | "filebase64" | "filebase64sha256" | "filebase64sha512"
        | "filemd5" | "filesha1" | "filesha256" | "filesha512" => (
            1,
            1,
            format!("`{f}()` reads a file, which foundry-lint does not do"),
        ),
        "fileset" | "templatefile" => (
            2,
            2,
            format!("`{f}()` reads files, which foundry-lint does not do"),
        ),
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" | "base64gzip" => {
            (1, 1, format!("`{f}()` is not computed by foundry-lint"))
        }
        "uuidv5" | "rsadecrypt" => (2, 2, format!("`{f}()` is not computed by foundry-lint")),
        "yamlencode" | "yamldecode" => (1, 1, format!("`{f}()` is not evaluated by foundry-lint")),
        // Removed in Terraform 0.12, so calling them is an error.
        "list" | "map" => {
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
        _ => {
            return Err(Value::unknown(format!(
                "function `{f}` is not evaluated by foundry-lint"
            )));
        }
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

// ---------------------------------------------------------------------------------------------
// Collections.
// ---------------------------------------------------------------------------------------------

fn length(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::String(s) => graphemes(s)
            .map(|g| count(g.len()))
            .ok_or_else(|| unsegmented(f)),
        Value::List(l) => Ok(count(l.len())),
        Value::Object(o) => Ok(count(o.len())),
        Value::Null => Err(bad_arg(f, 0, "must not be null")),
        other => Err(fail(
            f,
            format!(
                "argument must be a string, a collection type, or a structural type, not a {}",
                other.type_name()
            ),
        )),
    }
}

fn element(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let index = int_arg(f, a, 1)?;
    if list.is_empty() {
        return Err(fail(f, "cannot use element function with an empty list"));
    }
    // The list repeats forever in both directions (negative indices count from the end since
    // Terraform 1.10).
    let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let i = usize::try_from(index.rem_euclid(len)).unwrap_or(0);
    Ok(list.get(i).cloned().unwrap_or(Value::Null))
}

fn index(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let wanted = known(arg(a, 1))?;
    if list.is_empty() {
        return Err(fail(f, "cannot search an empty list"));
    }
    for (i, v) in list.iter().enumerate() {
        match equals(v, wanted) {
            Ok(true) => return Ok(count(i)),
            Ok(false) => {}
            // An earlier unknown element might be the match.
            Err(u) => return Err(Value::Unknown(u)),
        }
    }
    Err(fail(f, "item not found"))
}

fn contains(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let wanted = known(arg(a, 1))?;
    let mut pending = None;
    for v in list {
        match equals(v, wanted) {
            Ok(true) => return Ok(Value::Bool(true)),
            Ok(false) => {}
            Err(u) => {
                pending.get_or_insert(u);
            }
        }
    }
    pending.map_or(Ok(Value::Bool(false)), |u| Err(Value::Unknown(u)))
}

fn lookup(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 3)?;
    let map = known(arg(a, 0))?;
    let key = str_arg(f, a, 1)?;
    let Value::Object(map) = map else {
        return Err(fail(f, "lookup() requires a map as the first argument"));
    };
    match (map.get(key.as_ref()), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(fail(f, format!("lookup failed to find key {key:?}"))),
    }
}

fn keys(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let map = obj_arg(f, a, 0)?;
    Ok(strings(map.keys().cloned()))
}

fn values(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let map = obj_arg(f, a, 0)?;
    Ok(Value::List(map.values().cloned().collect()))
}

fn merge(f: &str, a: &[Value]) -> Res {
    let mut out = BTreeMap::new();
    for (i, v) in a.iter().enumerate() {
        match known(v)? {
            Value::Null => {}
            // Later arguments win.
            Value::Object(map) => out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => {
                return Err(bad_arg(
                    f,
                    i,
                    format!(
                        "arguments must be maps or objects, not a {}",
                        other.type_name()
                    ),
                ));
            }
        }
    }
    Ok(Value::Object(out))
}

fn concat(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let mut out = Vec::new();
    for i in 0..a.len() {
        out.extend_from_slice(list_arg(f, a, i)?);
    }
    Ok(Value::List(out))
}

fn flatten(f: &str, a: &[Value]) -> Res {
    fn walk(f: &str, items: &[Value], out: &mut Vec<Value>, depth: usize) -> Result<(), Value> {
        if depth > MAX_DEPTH {
            return Err(fail(
                f,
                format!("lists are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        for v in items {
            match v {
                Value::List(inner) => walk(f, inner, out, depth + 1)?,
                // It might be a list that would have to be flattened too.
                Value::Unknown(_) => return Err(v.clone()),
                other => out.push(other.clone()),
            }
        }
        Ok(())
    }
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    let mut out = Vec::new();
    walk(f, list, &mut out, 1)?;
    Ok(Value::List(out))
}

fn distinct(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let list = unify(list).map_err(|m| bad_arg(f, 0, m))?;
    // Sorting indices keeps this O(n log n) while preserving first occurrences in order.
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by(|&i, &j| set_order(&list[i], &list[j]).then(i.cmp(&j)));
    let mut keep = vec![false; list.len()];
    for (k, &i) in order.iter().enumerate() {
        keep[i] = k == 0 || set_order(&list[order[k - 1]], &list[i]).is_ne();
    }
    Ok(Value::List(
        list.iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(v, _)| v.clone())
            .collect(),
    ))
}

fn sort(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let mut items = list
        .iter()
        .enumerate()
        .map(|(j, v)| elem_str(f, 0, j, v).map(Cow::into_owned))
        .collect::<Result<Vec<_>, _>>()?;
    items.sort();
    Ok(strings(items))
}

fn reverse(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    Ok(Value::List(list.iter().rev().cloned().collect()))
}

fn slice(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let list = list_arg(f, a, 0)?;
    let start = int_arg(f, a, 1)?;
    let end = int_arg(f, a, 2)?;
    let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let problem = if start < 0 {
        Some((1, "start index must not be less than zero"))
    } else if start > len {
        Some((
            1,
            "start index must not be greater than the length of the list",
        ))
    } else if end < 0 {
        Some((2, "end index must not be less than zero"))
    } else if end > len {
        Some((
            2,
            "end index must not be greater than the length of the list",
        ))
    } else if start > end {
        Some((1, "start index must not be greater than end index"))
    } else {
        None
    };
    if let Some((i, msg)) = problem {
        return Err(bad_arg(f, i, msg));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(Value::List(
        list.get(start..end).unwrap_or_default().to_vec(),
    ))
}

fn chunklist(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let size = int_arg(f, a, 1)?;
    if size < 0 {
        return Err(bad_arg(f, 1, "the size argument must be positive"));
    }
    if list.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    // Size 0 means "one chunk".
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size == 0 {
        return Ok(Value::List(vec![Value::List(list.to_vec())]));
    }
    Ok(Value::List(
        list.chunks(size).map(|c| Value::List(c.to_vec())).collect(),
    ))
}

fn compact(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let mut out = Vec::new();
    for (j, v) in list.iter().enumerate() {
        if v == &Value::Null {
            continue;
        }
        let s = elem_str(f, 0, j, v)?;
        if !s.is_empty() {
            out.push(s.into_owned());
        }
    }
    Ok(strings(out))
}

fn coalesce(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    // The result has the type all arguments unify to, so a number may come back as a string.
    let known: Vec<Value> = a.iter().filter(|v| !v.is_unknown()).cloned().collect();
    unify(&known).map_err(|_| fail(f, "all arguments must have the same type"))?;
    let as_string = known.iter().any(|v| matches!(v, Value::String(_)));
    for v in a {
        match v {
            Value::Unknown(_) => return Err(v.clone()),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Number(_) | Value::Bool(_) if as_string => {
                return Ok(Value::String(v.to_display_string().unwrap_or_default()));
            }
            other => return Ok(other.clone()),
        }
    }
    Err(fail(f, "no non-null, non-empty-string arguments"))
}

fn coalescelist(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::Unknown(_) => return Err(v.clone()),
            Value::Null => {}
            Value::List(l) if l.is_empty() => {}
            Value::List(_) => return Ok(v.clone()),
            other => {
                return Err(bad_arg(
                    f,
                    i,
                    format!(
                        "coalescelist arguments must be lists or tuples, not a {}",
                        other.type_name()
                    ),
                ));
            }
        }
    }
    Err(fail(f, "no non-null arguments"))
}

fn alltrue(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = bool_list(f, a)?;
    for v in list {
        match v {
            Err(u) => return Err(u),
            Ok(None | Some(false)) => return Ok(Value::Bool(false)),
            Ok(Some(true)) => {}
        }
    }
    Ok(Value::Bool(true))
}

fn anytrue(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let mut pending = None;
    for v in bool_list(f, a)? {
        match v {
            Err(u) => {
                pending.get_or_insert(u);
            }
            Ok(Some(true)) => return Ok(Value::Bool(true)),
            Ok(_) => {}
        }
    }
    pending.map_or(Ok(Value::Bool(false)), Err)
}

/// The elements of a `list(bool)` argument: `Ok(None)` for null, `Err` for unknown. Terraform
/// converts the whole list before looking at it, so a bad element fails the call up front.
fn bool_list(f: &str, a: &[Value]) -> Result<Vec<Result<Option<bool>, Value>>, Value> {
    let list = list_arg(f, a, 0)?;
    list.iter()
        .enumerate()
        .map(|(j, v)| match v {
            Value::Unknown(_) => Ok(Err(v.clone())),
            Value::Null => Ok(Ok(None)),
            v => conv_bool(v)
                .map(|b| Ok(Some(b)))
                .map_err(|m| fail(f, format!("argument 1, element {j}: {m}"))),
        })
        .collect()
}

fn zipmap(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let keys = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let values = list_arg(f, a, 1)?;
    if keys.len() != values.len() {
        return Err(fail(
            f,
            format!(
                "number of keys ({}) does not match number of values ({})",
                keys.len(),
                values.len()
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (j, (k, v)) in keys.iter().zip(values).enumerate() {
        if k == &Value::Null {
            return Err(fail(f, format!("keys list has null value at index {j}")));
        }
        out.insert(elem_str(f, 0, j, k)?.into_owned(), v.clone());
    }
    Ok(Value::Object(out))
}

fn transpose(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let map = obj_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, list) in map {
        let list = match list {
            Value::List(l) => l,
            Value::Null => return Err(fail(f, "input must not contain null list")),
            _ => return Err(fail(f, "input must be a map of lists of strings")),
        };
        for v in list {
            if v == &Value::Null {
                return Err(fail(f, "input list must not contain null string"));
            }
            let s = conv_str(v).map_err(|_| fail(f, "input must be a map of lists of strings"))?;
            out.entry(s.into_owned()).or_default().push(key.clone());
        }
    }
    Ok(Value::Object(
        out.into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, strings(v))
            })
            .collect(),
    ))
}

fn matchkeys(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let values = list_arg(f, a, 0)?;
    let keys = list_arg(f, a, 1)?;
    let search = list_arg(f, a, 2)?;
    if values.len() != keys.len() {
        return Err(fail(f, "length of keys and values should be equal"));
    }
    if search.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    wholly_known(arg(a, 0))?;
    wholly_known(arg(a, 1))?;
    // Keys and search set are compared after conversion to a common element type.
    let both: Vec<Value> = keys.iter().chain(search).cloned().collect();
    let both = unify(&both).map_err(|_| fail(f, "keys and searchset must be of the same type"))?;
    let (keys, search) = both.split_at(keys.len());
    let mut out = Vec::new();
    for (value, key) in values.iter().zip(keys) {
        for s in search {
            match equals(key, s) {
                Ok(true) => {
                    out.push(value.clone());
                    break;
                }
                Ok(false) => {}
                // Terraform answers an empty list when the search set holds unknowns.
                Err(_) => return Ok(Value::List(Vec::new())),
            }
        }
    }
    Ok(Value::List(out))
}

fn one(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match list_arg(f, a, 0)? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        _ => Err(fail(
            f,
            "must be a list, set, or tuple value with either zero or one elements",
        )),
    }
}

fn sum(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    if list.is_empty() {
        return Err(fail(f, "cannot sum an empty list"));
    }
    wholly_known(arg(a, 0))?;
    let mut total = 0.0;
    for v in list {
        total += conv_num(v)
            .map_err(|_| fail(f, "argument must be list, set, or tuple of number values"))?;
    }
    Ok(Value::Number(total))
}

fn range(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 3)?;
    let nums = (0..a.len())
        .map(|i| num_arg(f, a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let toward = |from: f64, to: f64| if to < from { -1.0 } else { 1.0 };
    let (start, end, step) = match nums[..] {
        [end] => (0.0, end, toward(0.0, end)),
        [start, end] => (start, end, toward(start, end)),
        [start, end, step] => (start, end, step),
        _ => return Err(fail(f, "must have one, two, or three arguments")),
    };
    if step == 0.0 {
        return Err(bad_arg(f, 2, "step must not be zero"));
    }
    if step < 0.0 && end > start {
        return Err(bad_arg(
            f,
            1,
            "end must be less than start when step is negative",
        ));
    }
    if step > 0.0 && end < start {
        return Err(bad_arg(
            f,
            1,
            "end must be greater than start when step is positive",
        ));
    }
    let too_many = || {
        fail(
            f,
            "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
        )
    };
    if (end - start) / step > (MAX_RANGE + 1) as f64 {
        return Err(too_many());
    }
    // Terraform adds the step with exact arithmetic. f64 only does the same when every value
    // is an integer below 2^53, or a small multiple of a small power of two (halves, quarters).
    let exact = |x: f64| {
        (x.fract() == 0.0 && x.abs() <= 1_125_899_906_842_624.0)
            || ((x * 1024.0).fract() == 0.0 && x.abs() < 1_073_741_824.0)
    };
    if ![start, end, step].into_iter().all(exact) {
        return Err(Value::unknown(
            "`range()` with fractional or very large arguments is not evaluated by foundry-lint",
        ));
    }
    let mut out = Vec::new();
    loop {
        let x = start + out.len() as f64 * step;
        if (step > 0.0 && x >= end) || (step < 0.0 && x <= end) {
            break;
        }
        if out.len() >= MAX_RANGE {
            return Err(too_many());
        }
        out.push(Value::Number(x));
    }
    Ok(Value::List(out))
}

fn setproduct(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, usize::MAX)?;
    let lists = (0..a.len())
        .map(|i| {
            let l = list_arg(f, a, i)?;
            unify(l).map_err(|m| bad_arg(f, i, m))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = lists
        .iter()
        .try_fold(1usize, |acc, l| acc.checked_mul(l.len()))
        .filter(|&n| n <= MAX_ELEMENTS);
    let Some(total) = total else {
        return Err(Value::unknown(format!(
            "`setproduct()` would produce more than {MAX_ELEMENTS} elements, too many to expand"
        )));
    };
    let mut out = Vec::with_capacity(total);
    let mut counters = vec![0usize; lists.len()];
    for _ in 0..total {
        out.push(Value::List(
            counters
                .iter()
                .zip(&lists)
                .map(|(&i, l)| l[i].clone())
                .collect(),
        ));
        // Odometer order: the last argument varies fastest.
        for (c, l) in counters.iter_mut().zip(&lists).rev() {
            *c += 1;
            if *c < l.len() {
                break;
            }
            *c = 0;
        }
    }
    Ok(Value::List(out))
}

#[derive(Clone, Copy)]
enum SetOp {
    Union,
    Intersection,
    Subtract,
}

fn set_operation(f: &str, a: &[Value], op: SetOp) -> Res {
    match op {
        SetOp::Subtract => arity(f, a, 2, 2)?,
        SetOp::Union | SetOp::Intersection => arity(f, a, 1, usize::MAX)?,
    }
    let mut all = Vec::new();
    let mut lens = Vec::new();
    for i in 0..a.len() {
        let l = list_arg(f, a, i)?;
        wholly_known(arg(a, i))?;
        all.extend_from_slice(l);
        lens.push(l.len());
    }
    // All sets convert to one element type first, so ["1"] and [1] share their element.
    let all =
        unify(&all).map_err(|_| fail(f, "given sets must all have compatible element types"))?;
    let mut rest: &[Value] = &all;
    let mut sets = Vec::new();
    for len in lens {
        let (set, tail) = rest.split_at(len);
        sets.push(sorted_set(set.to_vec()));
        rest = tail;
    }
    let member = |set: &[Value], v: &Value| set.binary_search_by(|x| set_order(x, v)).is_ok();
    let mut sets = sets.into_iter();
    let first = sets.next().unwrap_or_default();
    let result = match op {
        SetOp::Union => sorted_set(first.into_iter().chain(sets.flatten()).collect()),
        SetOp::Intersection => {
            let others: Vec<Vec<Value>> = sets.collect();
            first
                .into_iter()
                .filter(|v| others.iter().all(|s| member(s, v)))
                .collect()
        }
        SetOp::Subtract => {
            let other = sets.next().unwrap_or_default();
            first.into_iter().filter(|v| !member(&other, v)).collect()
        }
    };
    Ok(Value::List(result))
}

// ---------------------------------------------------------------------------------------------
// Type conversions.
// ---------------------------------------------------------------------------------------------

fn convert(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let v = known(arg(a, 0))?;
    if v == &Value::Null {
        return Ok(Value::Null);
    }
    let cannot = |what: &str| fail(f, format!("cannot convert {} to {what}", v.type_name()));
    match (f, v) {
        ("tostring", Value::String(_) | Value::Number(_) | Value::Bool(_)) => {
            Ok(Value::String(v.to_display_string().unwrap_or_default()))
        }
        ("tostring", _) => Err(cannot("string")),
        ("tonumber", Value::Number(_)) => Ok(v.clone()),
        ("tonumber", Value::String(s)) => parse_number(s).map(Value::Number).ok_or_else(|| {
            fail(
                f,
                format!(
                    "cannot convert {s:?} to number; given string must be a decimal representation of a number"
                ),
            )
        }),
        ("tonumber", _) => Err(cannot("number")),
        ("tobool", Value::Bool(_) | Value::String(_)) => conv_bool(v).map(Value::Bool).map_err(|_| {
            fail(
                f,
                format!(
                    "cannot convert {v:?} to bool; only the strings \"true\" or \"false\" are allowed",
                    v = v.as_str().unwrap_or_default()
                ),
            )
        }),
        ("tobool", _) => Err(cannot("bool")),
        ("tolist", Value::List(l)) => unify(l)
            .map(|l| Value::List(l.into_owned()))
            .map_err(|_| cannot("list of any single type")),
        ("tolist", _) => Err(cannot("list of any single type")),
        ("toset", Value::List(l)) => {
            // Unknown elements might equal others, so neither the order nor the size is known.
            wholly_known(v)?;
            let l = unify(l).map_err(|_| cannot("set of any single type"))?;
            Ok(Value::List(sorted_set(l.into_owned())))
        }
        ("toset", _) => Err(cannot("set of any single type")),
        ("tomap", Value::Object(m)) => {
            let items: Vec<Value> = m.values().cloned().collect();
            let items = unify(&items).map_err(|_| cannot("map of any single type"))?;
            Ok(Value::Object(m.keys().cloned().zip(items.iter().cloned()).collect()))
        }
        _ => Err(cannot("map of any single type")),
    }
}

// ---------------------------------------------------------------------------------------------
// Strings.
// ---------------------------------------------------------------------------------------------

fn map_string(f: &str, a: &[Value], op: impl Fn(&str) -> String) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::String(op(&str_arg(f, a, 0)?)))
}

fn string_test(f: &str, a: &[Value], test: impl Fn(&str, &str) -> bool) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let x = str_arg(f, a, 1)?;
    Ok(Value::Bool(test(&s, &x)))
}

fn startswith(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    // Every string starts with "", known or not.
    if arg(a, 0).is_unknown() && arg(a, 1) == &Value::str("") {
        return Ok(Value::Bool(true));
    }
    string_test(f, a, |s, x| s.starts_with(x))
}

fn trim_affix(
    f: &str,
    a: &[Value],
    strip: impl for<'s> Fn(&'s str, &str) -> Option<&'s str>,
) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let affix = str_arg(f, a, 1)?;
    Ok(Value::str(strip(&s, &affix).unwrap_or(&s)))
}

fn trim(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let cutset = str_arg(f, a, 1)?;
    Ok(Value::str(s.trim_matches(|c| cutset.contains(c))))
}

/// Go's `unicode.ToUpper` maps one character to one character; Rust's may expand (ß -> SS).
fn simple_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn simple_lower(c: char) -> char {
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.Title`: upper-cases every letter that follows a separator.
fn go_title(s: &str) -> String {
    fn separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        !c.is_alphanumeric() && c.is_whitespace()
    }
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if separator(prev) { simple_upper(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// Splits a string into grapheme clusters, the unit Terraform counts strings in, where that is
/// possible without Unicode segmentation tables: when no character can join its neighbours
/// (combining marks, joiners, variation selectors, emoji modifiers, jamo...). CR LF is one
/// cluster. `None` for any other string.
fn graphemes(s: &str) -> Option<Vec<&str>> {
    fn stands_alone(c: char) -> bool {
        matches!(c as u32,
            0x0000..=0x02FF           // Latin, IPA, spacing modifiers
            | 0x0370..=0x03FF         // Greek
            | 0x0400..=0x0482 | 0x048A..=0x052F // Cyrillic
            | 0x2000..=0x200B | 0x2010..=0x2027 | 0x2030..=0x205E // punctuation
            | 0x2070..=0x20CF         // super- and subscripts, currency
            | 0x2100..=0x2BFF         // letterlike, arrows, maths, shapes, symbols
            | 0x3000..=0x3029 | 0x3030..=0x303F // CJK punctuation
            | 0x3041..=0x3096 | 0x30A0..=0x30FF // kana
            | 0x4E00..=0x9FFF         // CJK ideographs
            | 0xAC00..=0xD7A3         // precomposed Hangul
            | 0xFF01..=0xFF60         // full-width forms
            | 0x1F300..=0x1F3FA | 0x1F400..=0x1FAFF // emoji without modifiers
        )
    }
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !stands_alone(c) {
            return None;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' && chars.next_if(|&(_, n)| n == '\n').is_some() {
            end += 1;
        }
        out.push(&s[i..end]);
    }
    Some(out)
}

fn unsegmented(f: &str) -> Value {
    Value::unknown(format!(
        "`{f}()` is not evaluated on strings with combining or joining characters: Terraform counts grapheme clusters, which foundry-lint does not segment"
    ))
}

fn strrev(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let clusters = graphemes(&s).ok_or_else(|| unsegmented(f))?;
    Ok(Value::String(clusters.into_iter().rev().collect()))
}

fn substr(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let s = str_arg(f, a, 0)?;
    let offset = int_arg(f, a, 1)?;
    let length = int_arg(f, a, 2)?;
    let clusters = graphemes(&s).ok_or_else(|| unsegmented(f))?;
    let total = i64::try_from(clusters.len()).unwrap_or(i64::MAX);
    // Mirrors cty's algorithm, quirks included: a negative offset counts from the end (and
    // clamps at the start), any negative length means "to the end", and a zero length is only
    // honoured for non-negative offsets.
    let offset = if offset < 0 {
        offset.saturating_add(total)
    } else if length == 0 {
        return Ok(Value::str(""));
    } else {
        offset
    };
    let start = usize::try_from(offset.clamp(0, total)).unwrap_or(0);
    let rest = clusters.get(start..).unwrap_or_default();
    let take = if length <= 0 {
        rest.len()
    } else {
        usize::try_from(length)
            .unwrap_or(usize::MAX)
            .min(rest.len())
    };
    Ok(Value::String(rest[..take].concat()))
}

fn join(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let sep = str_arg(f, a, 0)?;
    if a.len() < 2 {
        return Err(fail(f, "at least one list is required"));
    }
    let lists = (1..a.len())
        .map(|i| list_arg(f, a, i))
        .collect::<Result<Vec<_>, _>>()?;
    for v in &a[1..] {
        wholly_known(v)?;
    }
    let mut items = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        for (j, v) in list.iter().enumerate() {
            if v == &Value::Null {
                let which = if lists.len() > 1 {
                    format!("element {j} of list {}", li + 1)
                } else {
                    format!("element {j}")
                };
                return Err(fail(
                    f,
                    format!("{which} is null; cannot concatenate null values"),
                ));
            }
            items.push(elem_str(f, li + 1, j, v)?);
        }
    }
    Ok(Value::String(items.join(&*sep)))
}

fn split(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let sep = str_arg(f, a, 0)?;
    let s = str_arg(f, a, 1)?;
    // Go splits around every character when the separator is empty.
    let parts: Vec<String> = if sep.is_empty() {
        s.chars().map(String::from).collect()
    } else {
        s.split(&*sep).map(String::from).collect()
    };
    Ok(strings(parts))
}

fn indent(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let spaces = int_arg(f, a, 0)?;
    let s = str_arg(f, a, 1)?;
    let Ok(spaces) = usize::try_from(spaces) else {
        return Err(bad_arg(f, 0, "the number of spaces must not be negative"));
    };
    let lines = s.matches('\n').count();
    // Without a newline there is nothing to indent: the width is not used (nor its padding
    // built, however wide).
    if lines == 0 {
        return Ok(Value::String(s.to_string()));
    }
    if lines.saturating_mul(spaces) > MAX_STRING {
        return Err(too_long(f));
    }
    Ok(Value::String(
        s.replace('\n', &format!("\n{}", " ".repeat(spaces))),
    ))
}

fn too_long(f: &str) -> Value {
    Value::unknown(format!(
        "`{f}()` would produce a string of more than {} MiB, too long to evaluate",
        MAX_STRING >> 20
    ))
}

fn replace(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let s = str_arg(f, a, 0)?;
    let search = str_arg(f, a, 1)?;
    let with = str_arg(f, a, 2)?;
    // A search string wrapped in slashes is a regular expression.
    if let Some(pattern) = search
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix('/'))
        .filter(|_| search.len() > 1)
    {
        let re = compile(f, pattern)?;
        // Each match expands to at most the replacement with every `$` reference filled by
        // the whole input.
        let refs = with.matches('$').count();
        let per_match = with.len().saturating_add(refs.saturating_mul(s.len()));
        let bound = re
            .find_iter(&s)
            .count()
            .saturating_mul(per_match)
            .saturating_add(s.len());
        if bound > MAX_STRING {
            return Err(too_long(f));
        }
        return Ok(Value::String(re.replace_all(&s, &*with).into_owned()));
    }
    let bound = s
        .matches(&*search)
        .count()
        .saturating_mul(with.len())
        .saturating_add(s.len());
    if bound > MAX_STRING {
        return Err(too_long(f));
    }
    Ok(Value::String(s.replace(&*search, &with)))
}

fn compile(f: &str, pattern: &str) -> Result<regex::Regex, Value> {
    regex::Regex::new(pattern).map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => Value::unknown(format!(
            "`{f}()`: the regular expression is too large for foundry-lint to evaluate"
        )),
        e => fail(
            f,
            format!(
                "error parsing pattern: {}",
                e.to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
    })
}

fn regex_fn(f: &str, a: &[Value], all: bool) -> Res {
    arity(f, a, 2, 2)?;
    let pattern = str_arg(f, a, 0)?;
    // The pattern decides the result type, so Terraform rejects a bad one even when the string
    // is not known yet.
    let re = compile(f, &pattern)?;
    let (mut named, mut unnamed) = (0, 0);
    for name in re.capture_names().skip(1) {
        if name.is_some() {
            named += 1;
        } else {
            unnamed += 1;
        }
    }
    if named > 0 && unnamed > 0 {
        return Err(fail(
            f,
            "invalid regexp pattern: cannot mix both named and unnamed capture groups",
        ));
    }
    let s = str_arg(f, a, 1)?;
    let text = |m: Option<regex::Match<'_>>| m.map_or(Value::Null, |m| Value::str(m.as_str()));
    let result = |caps: regex::Captures<'_>| {
        if named > 0 {
            Value::Object(
                re.capture_names()
                    .enumerate()
                    .filter_map(|(i, n)| Some((n?.to_string(), text(caps.get(i)))))
                    .collect(),
            )
        } else if unnamed > 0 {
            Value::List((1..caps.len()).map(|i| text(caps.get(i))).collect())
        } else {
            text(caps.get(0))
        }
    };
    if all {
        return Ok(Value::List(re.captures_iter(&s).map(result).collect()));
    }
    re.captures(&s)
        .map(result)
        .ok_or_else(|| fail(f, "pattern did not match any part of the given string"))
}

// ---------------------------------------------------------------------------------------------
// format and formatlist: cty's printf dialect.
// ---------------------------------------------------------------------------------------------

enum FormatFailure {
    /// Terraform reports an error.
    Error(String),
    /// foundry-lint cannot reproduce the result faithfully.
    Deferred(String),
}

fn format_failure(f: &str, e: FormatFailure) -> Value {
    match e {
        FormatFailure::Error(m) => fail(f, m),
        FormatFailure::Deferred(m) => Value::unknown(format!("`{f}()`: {m}")),
    }
}

fn format(f: &str, a: &[Value]) -> Res {
    crate::value::with_built_prefix_len(format_known(f, a), a, |a| format_known(f, a))
}

fn format_known(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let spec = str_arg(f, a, 0)?;
    // Any unknown, however deep, makes the result unknown: collections print as JSON.
    for v in &a[1..] {
        wholly_known(v)?;
    }
    format_values(&spec, &a[1..])
        .map(Value::String)
        .map_err(|e| format_failure(f, e))
}

fn formatlist(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let spec = str_arg(f, a, 0)?;
    let rest = &a[1..];
    // Lists are iterated in step (so must have one length); other arguments repeat.
    let mut len: Option<(usize, usize)> = None;
    for (i, v) in rest.iter().enumerate() {
        match v {
            Value::Unknown(_) => return Err(v.clone()),
            Value::List(l) => match len {
                None => len = Some((l.len(), i)),
                Some((n, first)) if n != l.len() => {
                    return Err(fail(
                        f,
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {n}",
                            i + 1,
                            l.len(),
                            first + 1
                        ),
                    ));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    let iterations = len.map_or(1, |(n, _)| n);
    let mut out = Vec::with_capacity(iterations);
    for k in 0..iterations {
        let args: Vec<Value> = rest
            .iter()
            .map(|v| match v {
                Value::List(l) => l.get(k).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect();
        // An unknown makes only its own iteration unknown.
        if let Some(u) = args.iter().find_map(Value::first_unknown) {
            out.push(Value::Unknown(u.derived()));
            continue;
        }
        match format_values(&spec, &args) {
            Ok(s) => out.push(Value::String(s)),
            Err(FormatFailure::Error(m)) => {
                return Err(fail(f, format!("error on format iteration {k}: {m}")));
            }
            Err(e) => return Err(format_failure(f, e)),
        }
    }
    Ok(Value::List(out))
}

#[derive(Default)]
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    zero: bool,
    sharp: bool,
    minus: bool,
    plus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
    mode: char,
}

impl Verb<'_> {
    fn unsupported(&self, why: &str) -> FormatFailure {
        FormatFailure::Error(format!(
            "unsupported value for {:?} at {}: {why}",
            self.raw, self.offset
        ))
    }
}

/// The grammar of cty's format scanner: `%`, flags, width, `.precision`, `[argument]`, a letter.
fn format_values(spec: &str, args: &[Value]) -> Result<String, FormatFailure> {
    let b = spec.as_bytes();
    let digits = |i: &mut usize| {
        let mut n = 0usize;
        while let Some(d) = b.get(*i).filter(|d| d.is_ascii_digit()) {
            n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
            *i += 1;
        }
        n
    };
    let bad_char = |i: usize, start: usize| {
        FormatFailure::Error(match spec.get(i..).and_then(|r| r.chars().next()) {
            Some(c) => format!("unrecognized format character {c:?} at offset {i}"),
            None => format!("invalid format string starting at offset {start}"),
        })
    };
    let mut out = String::new();
    let (mut i, mut next_arg, mut highest) = (0, 1usize, 0usize);
    while i < b.len() {
        let Some(rel) = spec[i..].find('%') else {
            out.push_str(&spec[i..]);
            break;
        };
        out.push_str(&spec[i..i + rel]);
        let start = i + rel;
        i = start + 1;
        if b.get(i) == Some(&b'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut verb = Verb {
            offset: start,
            ..Verb::default()
        };
        while let Some(c) = b.get(i) {
            match c {
                b'0' => verb.zero = true,
                b'#' => verb.sharp = true,
                b'-' => verb.minus = true,
                b'+' => verb.plus = true,
                b' ' => verb.space = true,
                _ => break,
            }
            i += 1;
        }
        if matches!(b.get(i), Some(b'1'..=b'9')) {
            verb.width = Some(digits(&mut i));
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            verb.precision = Some(digits(&mut i));
        }
        let mut argnum = next_arg;
        if b.get(i) == Some(&b'[') {
            i += 1;
            if !matches!(b.get(i), Some(b'1'..=b'9')) {
                return Err(bad_char(i, start));
            }
            argnum = digits(&mut i);
            if b.get(i) != Some(&b']') {
                return Err(bad_char(i, start));
            }
            i += 1;
        }
        match b.get(i) {
            Some(c) if c.is_ascii_alphabetic() => verb.mode = char::from(*c),
            _ => return Err(bad_char(i, start)),
        }
        i += 1;
        verb.raw = &spec[start..i];
        highest = highest.max(argnum);
        let value = args.get(argnum - 1).ok_or_else(|| {
            FormatFailure::Error(format!(
                "not enough arguments for {:?} at {start}: need index {argnum} but have {} total",
                verb.raw,
                args.len()
            ))
        })?;
        format_verb(&verb, value, &mut out)?;
        if out.len() > MAX_STRING {
            return Err(FormatFailure::Deferred(
                "the result is too long to evaluate".into(),
            ));
        }
        next_arg = argnum.saturating_add(1);
    }
    if highest < args.len() {
        return Err(FormatFailure::Error(if highest == 0 {
            "too many arguments; no verbs in format string".into()
        } else {
            format!("too many arguments; only {highest} used by format string")
        }));
    }
    Ok(out)
}

fn format_verb(verb: &Verb<'_>, value: &Value, out: &mut String) -> Result<(), FormatFailure> {
    if verb.width.unwrap_or(0) > MAX_FORMAT_WIDTH || verb.precision.unwrap_or(0) > MAX_FORMAT_WIDTH
    {
        return Err(FormatFailure::Deferred(format!(
            "widths and precisions above {MAX_FORMAT_WIDTH} are not evaluated"
        )));
    }
    if verb.mode != 'v' && value == &Value::Null {
        return Err(verb.unsupported("null value cannot be formatted"));
    }
    match verb.mode {
        'v' => format_as_is(verb, value, out),
        't' => {
            // Booleans ignore width.
            let b = conv_bool(value).map_err(|_| verb.unsupported("a bool is required"))?;
            out.push_str(if b { "true" } else { "false" });
            Ok(())
        }
        'b' | 'd' | 'o' | 'x' | 'X' => format_integer(verb, value, out),
        'e' | 'E' | 'f' | 'g' | 'G' => format_float(verb, value, out),
        's' | 'q' => {
            let s = conv_str(value).map_err(|_| verb.unsupported("a string is required"))?;
            let s = match verb.precision {
                Some(p) if p > 0 => {
                    let clusters = graphemes(&s).ok_or_else(not_segmented)?;
                    Cow::Owned(clusters.iter().take(p).copied().collect())
                }
                _ => s,
            };
            let s = if verb.mode == 'q' {
                Cow::Owned(json_string(&s))
            } else {
                s
            };
            pad(verb, &s, out)
        }
        m => Err(FormatFailure::Error(format!(
            "unsupported format verb {m:?} in {:?} at offset {}",
            verb.raw, verb.offset
        ))),
    }
}

fn not_segmented() -> FormatFailure {
    FormatFailure::Deferred(
        "strings with combining or joining characters are not measured by foundry-lint".into(),
    )
}

/// cty's own padding (strings, `%v`): measured in grapheme clusters, zeros if asked for.
fn pad(verb: &Verb<'_>, s: &str, out: &mut String) -> Result<(), FormatFailure> {
    let Some(width) = verb.width else {
        out.push_str(s);
        return Ok(());
    };
    let len = graphemes(s).ok_or_else(not_segmented)?.len();
    let fill = if verb.zero { "0" } else { " " }.repeat(width.saturating_sub(len));
    if verb.minus {
        out.push_str(s);
        out.push_str(&fill);
    } else {
        out.push_str(&fill);
        out.push_str(s);
    }
    Ok(())
}

fn format_as_is(verb: &Verb<'_>, value: &Value, out: &mut String) -> Result<(), FormatFailure> {
    match value {
        Value::String(s) if !verb.sharp => pad(verb, s, out),
        Value::Number(n) if !verb.sharp => {
            let n = finite(*n)?;
            let sign = if n < 0.0 { "-" } else { "" };
            pad(verb, &format!("{sign}{}", go_g(n.abs(), None, 'g')), out)
        }
        _ => {
            let mut json = String::new();
            write_json(value, &mut json, 0).map_err(|m| verb.unsupported(&m))?;
            pad(verb, &json, out)
        }
    }
}

fn finite(n: f64) -> Result<f64, FormatFailure> {
    if n.is_finite() {
        Ok(n)
    } else {
        Err(FormatFailure::Deferred(
            "infinite numbers are not formatted by foundry-lint".into(),
        ))
    }
}

/// Go's `fmt` for big integers: `[padding][sign][base prefix][zeros][digits][padding]`.
fn format_integer(verb: &Verb<'_>, value: &Value, out: &mut String) -> Result<(), FormatFailure> {
    let n = conv_num(value).map_err(|_| verb.unsupported("a number is required"))?;
    let n = finite(n)?;
    if n.fract() != 0.0 {
        return Err(verb.unsupported("an integer is required"));
    }
    if n.abs() >= 9_223_372_036_854_775_808.0 {
        return Err(FormatFailure::Deferred(
            "integers beyond 2^63 are not formatted by foundry-lint".into(),
        ));
    }
    let magnitude = n.abs() as u64;
    let digits = match verb.mode {
        'b' => format!("{magnitude:b}"),
        'o' => format!("{magnitude:o}"),
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        _ => magnitude.to_string(),
    };
    let sign = sign(verb, n < 0.0);
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = verb.precision {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            // Go prints nothing at all for zero with zero precision.
            return Ok(());
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(extra) = verb.width.and_then(|w| w.checked_sub(len)) {
        if verb.minus {
            right = extra;
        } else if verb.zero && verb.precision.is_none() {
            zeros += extra;
        } else {
            left = extra;
        }
    }
    out.push_str(&" ".repeat(left));
    out.push_str(sign);
    out.push_str(prefix);
    out.push_str(&"0".repeat(zeros));
    out.push_str(&digits);
    out.push_str(&" ".repeat(right));
    Ok(())
}

fn sign(verb: &Verb<'_>, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    }
}

/// Go's `fmt` for big floats.
fn format_float(verb: &Verb<'_>, value: &Value, out: &mut String) -> Result<(), FormatFailure> {
    let n = conv_num(value).map_err(|_| verb.unsupported("a number is required"))?;
    let n = finite(n)?;
    let x = n.abs();
    let body = match verb.mode {
        // Rust rounds exactly, half to even, like Go's decimal conversion.
        'f' => format!("{:.*}", verb.precision.unwrap_or(6), x),
        'e' | 'E' => {
            let p = verb.precision.unwrap_or(6);
            fmt_e(&Decimal::rounded(x, p + 1), p, verb.mode)
        }
        _ => go_g(x, verb.precision, verb.mode),
    };
    let sign = sign(verb, n < 0.0);
    let fill = verb
        .width
        .and_then(|w| w.checked_sub(sign.len() + body.len()))
        .unwrap_or(0);
    // Go's fmt drops the zero flag when the minus flag is present.
    if verb.zero && !verb.minus {
        out.push_str(sign);
        out.push_str(&"0".repeat(fill));
        out.push_str(&body);
    } else if verb.minus {
        out.push_str(sign);
        out.push_str(&body);
        out.push_str(&" ".repeat(fill));
    } else {
        out.push_str(&" ".repeat(fill));
        out.push_str(sign);
        out.push_str(&body);
    }
    Ok(())
}

/// A non-negative number as decimal digits: `0.d1d2d3... * 10^exp`, without trailing zeros
/// (zero has no digits), as Go's `math/big` formats from.
struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The shortest digits that read back as the same number.
    fn shortest(x: f64) -> Decimal {
        Decimal::from_scientific(&format!("{x:e}"))
    }

    /// Rounded to `significant` digits (at least 1).
    fn rounded(x: f64, significant: usize) -> Decimal {
        Decimal::from_scientific(&format!("{:.*e}", significant.max(1) - 1, x))
    }

    fn from_scientific(s: &str) -> Decimal {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        let exp = if digits.is_empty() {
            0
        } else {
            exp.parse::<i64>().unwrap_or(0) + 1
        };
        Decimal { digits, exp }
    }

    fn len(&self) -> i64 {
        self.digits.len() as i64
    }

    fn at(&self, i: i64) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.get(i))
            .map_or('0', |d| char::from(*d))
    }
}

/// Go's `%e` layout: `d.ddde+XX`.
fn fmt_e(d: &Decimal, precision: usize, mode: char) -> String {
    let mut s = String::new();
    s.push(d.at(0));
    if precision > 0 {
        s.push('.');
        for i in 1..=precision {
            s.push(d.at(i as i64));
        }
    }
    let exp = if d.digits.is_empty() { 0 } else { d.exp - 1 };
    let _ = write!(
        s,
        "{}{}{:02}",
        if mode == 'E' { 'E' } else { 'e' },
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
    s
}

/// Go's `%f` layout of a decimal with `precision` fraction digits.
fn fmt_f(d: &Decimal, precision: i64) -> String {
    let mut s = String::new();
    if d.exp > 0 {
        for i in 0..d.exp {
            s.push(d.at(i));
        }
    } else {
        s.push('0');
    }
    if precision > 0 {
        s.push('.');
        for i in 0..precision {
            s.push(d.at(d.exp + i));
        }
    }
    s
}

/// Go's `%g` (and `%v` for numbers): shortest digits when no precision is given, switching to
/// exponent form from 1e+06 up and below 1e-04.
fn go_g(x: f64, precision: Option<usize>, mode: char) -> String {
    let (d, shortest, mut prec) = match precision {
        None => {
            let d = Decimal::shortest(x);
            let p = d.len();
            (d, true, p)
        }
        Some(p) => {
            let p = p.max(1);
            (Decimal::rounded(x, p), false, p as i64)
        }
    };
    let mut eprec = prec;
    if eprec > d.len() && d.len() >= d.exp {
        eprec = d.len();
    }
    if shortest {
        eprec = 6;
    }
    let exp = d.exp - 1;
    if exp < -4 || exp >= eprec {
        prec = prec.min(d.len());
        let e = if mode == 'G' { 'E' } else { 'e' };
        return fmt_e(&d, usize::try_from(prec - 1).unwrap_or(0), e);
    }
    if prec > d.exp {
        prec = d.len();
    }
    fmt_f(&d, (prec - d.exp).max(0))
}

// ---------------------------------------------------------------------------------------------
// Numbers.
// ---------------------------------------------------------------------------------------------

fn map_number(f: &str, a: &[Value], op: fn(f64) -> f64) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::Number(op(num_arg(f, a, 0)?)))
}

fn extremum(f: &str, a: &[Value], pick: fn(f64, f64) -> f64) -> Res {
    if a.is_empty() {
        return Err(fail(f, "must pass at least one number"));
    }
    let mut best = num_arg(f, a, 0)?;
    for i in 1..a.len() {
        best = pick(best, num_arg(f, a, i)?);
    }
    Ok(Value::Number(best))
}

fn signum(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    // Terraform insists on a whole number here.
    Ok(Value::Number(int_arg(f, a, 0)?.signum() as f64))
}

fn pow(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let base = num_arg(f, a, 0)?;
    let exponent = num_arg(f, a, 1)?;
    let result = base.powf(exponent);
    if result.is_nan() {
        return Err(fail(f, "result is not a number"));
    }
    Ok(Value::Number(result))
}

fn parseint(f: &str, a: &[Value]) -> Res {
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

// ---------------------------------------------------------------------------------------------
// Network addresses.
// ---------------------------------------------------------------------------------------------

fn prefix_arg(f: &str, a: &[Value], i: usize) -> Result<IpNet, Value> {
    let s = str_arg(f, a, i)?;
    parse_terraform_cidr(&s).ok_or_else(|| fail(f, format!("invalid CIDR expression: {s}")))
}

/// Terraform keeps Go 1.16's address parser, which reads IPv4 octets with leading zeros as
/// decimal ("010" is 10) and allows no surrounding spaces.
fn parse_terraform_cidr(s: &str) -> Option<IpNet> {
    fn decimal(part: &str) -> Option<&str> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let trimmed = part.trim_start_matches('0');
        Some(if trimmed.is_empty() { "0" } else { trimmed })
    }
    if s.chars().any(char::is_whitespace) {
        return None;
    }
    let (addr, len) = s.split_once('/')?;
    let len = decimal(len)?;
    if addr.contains(':') {
        return cidr::parse(&format!("{addr}/{len}"));
    }
    let octets = addr.split('.').map(decimal).collect::<Option<Vec<_>>>()?;
    cidr::parse(&format!("{}/{len}", octets.join(".")))
}

fn address_bits(prefix: &IpNet) -> u32 {
    match prefix {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    }
}

fn cidrsubnet(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    if let Value::Unknown(u) = arg(a, 0) {
        return Err(unknown_subnets(f, u, &a[1..2], Some(arg(a, 2))).remove(0));
    }
    let prefix = prefix_arg(f, a, 0)?;
    let newbits = int_arg(f, a, 1)?;
    let netnum = whole_arg(f, a, 2)?;
    let len = i64::from(prefix.prefix_len());
    if newbits > i64::from(address_bits(&prefix)) - len {
        return Err(fail(
            f,
            format!("insufficient address space to extend prefix of {len} by {newbits}"),
        ));
    }
    if netnum.abs() > EXACT_INT {
        if netnum > 0.0 && newbits >= 53 {
            return Err(Value::unknown(format!(
                "`{f}()`: subnet numbers beyond 2^53 are not evaluated by foundry-lint"
            )));
        }
        return Err(fail(
            f,
            format!(
                "prefix extension of {newbits} does not accommodate a subnet numbered {}",
                format_number(netnum)
            ),
        ));
    }
    cidr::subnet(&prefix, newbits, netnum as i64)
        .map(|net| Value::String(go_net_string(&net)))
        .map_err(|e| fail(f, e))
}

fn cidrhost(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let prefix = prefix_arg(f, a, 0)?;
    let hostnum = whole_arg(f, a, 1)?;
    let host_bits = address_bits(&prefix) - u32::from(prefix.prefix_len());
    if hostnum.abs() > EXACT_INT {
        if host_bits >= 53 {
            return Err(Value::unknown(format!(
                "`{f}()`: host numbers beyond 2^53 are not evaluated by foundry-lint"
            )));
        }
        return Err(fail(
            f,
            format!(
                "prefix of {} does not accommodate a host numbered {}",
                prefix.prefix_len(),
                format_number(hostnum)
            ),
        ));
    }
    cidr::host(&prefix, hostnum as i64)
        .map(|ip| Value::String(go_ip_string(ip)))
        .map_err(|e| fail(f, e))
}

fn cidrnetmask(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let prefix = prefix_arg(f, a, 0)?;
    if is_ipv4_mapped(prefix.network()) {
        return Err(Value::unknown(format!(
            "`{f}()` of an IPv4-mapped IPv6 prefix is not evaluated by foundry-lint"
        )));
    }
    cidr::netmask(&prefix)
        .map(|mask| Value::String(mask.to_string()))
        .map_err(|_| {
            fail(
                f,
                format!(
                    "IPv6 addresses cannot have a netmask: {}",
                    str_arg(f, a, 0).unwrap_or_default()
                ),
            )
        })
}

/// Terraform's allocation: each subnet is the first block of its size that starts after the
/// previous one, so smaller blocks may leave gaps before larger ones.
fn cidrsubnets(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    if let (Value::Unknown(u), [_, newbits @ ..]) = (arg(a, 0), a) {
        let subnets = unknown_subnets(f, u, newbits, None);
        return match subnets.as_slice() {
            [Value::Unknown(first), ..] if first.prefix_len().is_none() => Err(subnets[0].clone()),
            _ => Ok(Value::List(subnets)),
        };
    }
    let prefix = prefix_arg(f, a, 0)?;
    let bits = address_bits(&prefix);
    let len = u32::from(prefix.prefix_len());
    let protocol = if bits == 32 { "IPv4" } else { "IPv6" };
    // Offset of the first free address from the start of the prefix; `None` once the
    // allocation reached the very end of the IPv6 address space.
    let mut next: Option<u128> = Some(0);
    let mut previous = String::new();
    let mut out = Vec::new();
    for i in 1..a.len() {
        let newbits = int_arg(f, a, i)?;
        if newbits < 1 {
            return Err(bad_arg(f, i, "must extend prefix by at least one bit"));
        }
        // Terraform's own limit, "for portability with 32-bit systems".
        if newbits > 32 {
            return Err(bad_arg(f, i, "may not extend prefix by more than 32 bits"));
        }
        let newbits = newbits as u32;
        let new_len = len + newbits;
        if new_len > bits {
            return Err(bad_arg(
                f,
                i,
                format!(
                    "would extend prefix to {new_len} bits, which is too long for an {protocol} address"
                ),
            ));
        }
        let no_space = |after: &str| {
            bad_arg(
                f,
                i,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {new_len} bits after {after}"
                ),
            )
        };
        // Terraform starts from the block before the prefix; for a prefix at the zero address
        // that block wraps around to the top of the address space, and Terraform reports the
        // first allocation as overflowing.
        if i == 1 && prefix.network().is_unspecified() {
            return Err(no_space(&last_block(&prefix, new_len)));
        }
        let size = 1u128 << (bits - new_len);
        let index = next
            .map(|n| n.div_ceil(size))
            .filter(|&index| index < 1u128 << newbits);
        let Some(index) = index else {
            return Err(no_space(&previous));
        };
        let subnet = cidr::subnet(&prefix, i64::from(newbits), index as i64)
            .map_err(|e| bad_arg(f, i, e))?;
        next = (index + 1).checked_mul(size);
        previous = go_net_string(&subnet);
        out.push(Value::String(previous.clone()));
    }
    Ok(Value::List(out))
}

/// The subnets `cidrsubnet` (one, numbered `netnum`) or `cidrsubnets` (one per `newbits`)
/// carve from an IPv4 prefix whose address is unknown but whose length is known: their address
/// is unknown, their length is not. They are allocated as Terraform allocates them (relative to
/// the prefix, which is aligned to its length), so that an allocation Terraform rejects gives no
/// length. Without a length (or with `newbits` not known), one unknown without length.
fn unknown_subnets(
    f: &str,
    prefix: &Unknown,
    newbits: &[Value],
    netnum: Option<&Value>,
) -> Vec<Value> {
    let plain = || vec![Value::Unknown(prefix.derived())];
    let Some(len) = prefix.prefix_len().map(u32::from) else {
        return plain();
    };
    let mut next: u64 = 0;
    let mut out = Vec::with_capacity(newbits.len());
    for i in 0..newbits.len() {
        let Ok(bits) = int_arg(f, newbits, i) else {
            return plain();
        };
        let Some(new_len) = u32::try_from(bits)
            .ok()
            .map(|b| len + b)
            .filter(|&n| n <= 32)
        else {
            return plain();
        };
        let size = 1u64 << (32 - new_len);
        let index = match netnum {
            // A netnum not known yet still gives a subnet of this length.
            Some(Value::Unknown(u)) if !u.is_error() => 0,
            Some(n) => match n.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => n as u64,
                _ => return plain(),
            },
            None => next.div_ceil(size),
        };
        if index >= 1u64 << (new_len - len) || (netnum.is_none() && bits < 1) {
            return plain();
        }
        next = (index + 1) * size;
        out.push(Value::Unknown(prefix.with_prefix_len(new_len as u8)));
    }
    out
}

fn is_ipv4_mapped(addr: IpAddr) -> bool {
    matches!(addr, IpAddr::V6(a) if a.to_ipv4_mapped().is_some())
}

/// Go prints IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) in dotted IPv4 form.
fn go_ip_string(addr: IpAddr) -> String {
    match addr {
        IpAddr::V6(a) => a
            .to_ipv4_mapped()
            .map_or_else(|| a.to_string(), |v4| v4.to_string()),
        IpAddr::V4(a) => a.to_string(),
    }
}

/// Go prints an IPv4-mapped network with the IPv4 part of its mask (`::ffff:10.0.0.0/104` is
/// `10.0.0.0/8`); such a network is always at least a /96.
fn go_net_string(net: &IpNet) -> String {
    let len = u32::from(net.prefix_len());
    if is_ipv4_mapped(net.network()) {
        return format!("{}/{}", go_ip_string(net.network()), len.saturating_sub(96));
    }
    net.to_string()
}

/// The block of the given length at the top of the prefix's address space.
fn last_block(prefix: &IpNet, len: u32) -> String {
    let addr = match prefix {
        IpNet::V4(_) => IpAddr::V4(Ipv4Addr::from(u32::MAX.checked_shl(32 - len).unwrap_or(0))),
        IpNet::V6(_) => IpAddr::V6(Ipv6Addr::from(
            u128::MAX.checked_shl(128 - len).unwrap_or(0),
        )),
    };
    format!("{addr}/{len}")
}

// ---------------------------------------------------------------------------------------------
// Encodings.
// ---------------------------------------------------------------------------------------------

fn jsonencode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let v = arg(a, 0);
    wholly_known(v)?;
    let mut out = String::new();
    write_json(v, &mut out, 0).map_err(|m| fail(f, m))?;
    Ok(Value::String(out))
}

/// cty's JSON: compact, object keys sorted, numbers without exponent, strings escaped like Go's
/// `encoding/json` (which also escapes `<`, `>`, `&`, U+2028 and U+2029).
fn write_json(v: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("value is nested more than {MAX_DEPTH} levels deep"));
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Value::Number(_) => return Err("cannot serialize infinity as JSON".into()),
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                write_json(item, out, depth + 1)?;
            }
            out.push('}');
        }
        Value::Unknown(_) => return Err("value is not known".into()),
    }
    Ok(())
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn jsondecode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    // azapi 1.x exports `output` as a JSON string, azapi 2.x as an object; both providers'
    // templates write `jsondecode(x.output)`, so an already decoded value passes through.
    if let Value::Object(_) | Value::List(_) = &a[0] {
        return Ok(a[0].clone());
    }
    let s = str_arg(f, a, 0)?;
    serde_json::from_str::<serde_json::Value>(&s)
        .map(Value::from)
        .map_err(|e| fail(f, e))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's standard decoder: padding required, line breaks ignored, unused bits not checked.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let quads = clean.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (q, quad) in clean.chunks(4).enumerate() {
        let data = quad.iter().take_while(|&&c| c != b'=').count();
        let padding_ok = quad[data..].iter().all(|&c| c == b'=');
        if data < 4 && (q + 1 < quads || data < 2 || !padding_ok) {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in quad[..data].iter().enumerate() {
            let v = BASE64.iter().position(|&x| x == c)?;
            n |= (v as u32) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..data]);
    }
    Some(out)
}

fn base64decode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let bytes =
        base64_decode(&s).ok_or_else(|| fail(f, format!("failed to decode base64 data {s}")))?;
    String::from_utf8(bytes).map(Value::String).map_err(|_| {
        fail(
            f,
            "the result of decoding the provided string is not valid UTF-8",
        )
    })
}

/// Go's `url.QueryEscape`.
fn url_query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn b(x: bool) -> Value {
        Value::Bool(x)
    }

    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| s(x)).collect())
    }

    fn nums(items: &[f64]) -> Value {
        Value::List(items.iter().map(|x| n(*x)).collect())
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn unknown(reason: &str) -> Value {
        Value::unknown(reason)
    }

    fn is_error(v: &Value) -> bool {
        matches!(v, Value::Unknown(u) if u.is_error())
    }

    fn is_deferred(v: &Value) -> bool {
        matches!(v, Value::Unknown(u) if !u.is_error())
    }

    fn reason(v: &Value) -> String {
        match v {
            Value::Unknown(u) => u.reason().to_string(),
            other => panic!("expected an unknown, got {other:?}"),
        }
    }

    fn c(name: &str, args: Vec<Value>) -> Value {
        call(name, args)
    }

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
        assert_eq!(
            reason(&c("md5", vec![s("x")])),
            "`md5()` is not computed by foundry-lint"
        );
        assert!(is_deferred(&c("sha1", vec![s("x")])));
        assert!(is_deferred(&c("sha256", vec![s("x")])));
        assert!(is_deferred(&c("yamldecode", vec![s("a: 1")])));
        assert!(is_deferred(&c("yamlencode", vec![obj(&[])])));
    }

    #[test]
    fn deferred_functions_still_check_arity_and_pass_errors_through() {
        assert!(is_error(&c("timestamp", vec![s("now")])));
        let broken = Value::error("lookup: lookup failed to find key \"x\"");
        assert_eq!(c("md5", vec![broken.clone()]), broken);
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

    // --- collections -------------------------------------------------------------------------

    #[test]
    fn length_counts_characters_elements_and_attributes() {
        assert_eq!(c("length", vec![list(vec![])]), n(0.0));
        assert_eq!(c("length", vec![strs(&["a", "b"])]), n(2.0));
        assert_eq!(c("length", vec![obj(&[("a", s("b"))])]), n(1.0));
        assert_eq!(c("length", vec![s("hello")]), n(5.0));
        assert_eq!(c("length", vec![s("héllo wörld")]), n(11.0));
        assert_eq!(c("length", vec![s("日本語")]), n(3.0));
        assert_eq!(c("length", vec![s("a\r\nb")]), n(3.0));
        assert!(is_error(&c("length", vec![n(5.0)])));
    }

    #[test]
    fn length_of_a_list_with_unknown_elements_is_known() {
        let v = list(vec![unknown("a"), unknown("b"), s("c")]);
        assert_eq!(c("length", vec![v]), n(3.0));
        let u = unknown("`var.list` has no value");
        assert_eq!(c("length", vec![u.clone()]), u);
    }

    #[test]
    fn length_of_strings_with_joining_characters_is_not_guessed() {
        // Terraform counts "👾🕹️" as 2 grapheme clusters; it is 3 characters.
        assert!(is_deferred(&c("length", vec![s("👾🕹\u{fe0f}")])));
        assert!(is_deferred(&c("length", vec![s("e\u{301}")])));
    }

    #[test]
    fn element_wraps_around() {
        let l = strs(&["a", "b", "c"]);
        assert_eq!(c("element", vec![l.clone(), n(1.0)]), s("b"));
        assert_eq!(c("element", vec![l.clone(), n(3.0)]), s("a"));
        assert_eq!(c("element", vec![l.clone(), n(-1.0)]), s("c"));
        assert_eq!(c("element", vec![l.clone(), s("2")]), s("c"));
        assert!(is_error(&c("element", vec![l, n(1.5)])));
    }

    #[test]
    fn element_of_an_empty_list_is_an_error() {
        let v = c("element", vec![list(vec![]), n(0.0)]);
        assert!(is_error(&v));
        assert_eq!(
            reason(&v),
            "element: cannot use element function with an empty list"
        );
    }

    #[test]
    fn element_returns_an_unknown_element_as_is() {
        let u = unknown("known after apply");
        assert_eq!(c("element", vec![list(vec![s("a"), u.clone()]), n(1.0)]), u);
    }

    #[test]
    fn index_finds_the_first_match() {
        assert_eq!(c("index", vec![strs(&["a", "b", "c"]), s("b")]), n(1.0));
        assert_eq!(
            reason(&c("index", vec![strs(&["a"]), s("z")])),
            "index: item not found"
        );
        assert!(is_error(&c("index", vec![list(vec![]), s("z")])));
        let u = unknown("u");
        assert_eq!(c("index", vec![list(vec![u.clone(), s("b")]), s("b")]), u);
        assert_eq!(c("index", vec![list(vec![s("b"), u]), s("b")]), n(0.0));
    }

    #[test]
    fn contains_looks_past_unknown_elements() {
        assert_eq!(c("contains", vec![strs(&["a", "b", "c"]), s("a")]), b(true));
        assert_eq!(
            c("contains", vec![strs(&["a", "b", "c"]), s("d")]),
            b(false)
        );
        let u = unknown("known after apply");
        assert_eq!(
            c("contains", vec![list(vec![u.clone(), s("a")]), s("a")]),
            b(true)
        );
        assert_eq!(
            c("contains", vec![list(vec![u.clone(), s("a")]), s("z")]),
            u
        );
        // Different types are never equal.
        assert_eq!(c("contains", vec![strs(&["1"]), n(1.0)]), b(false));
        assert_eq!(
            c(
                "contains",
                vec![list(vec![strs(&["a", "b"])]), strs(&["a", "b"])]
            ),
            b(true)
        );
    }

    #[test]
    fn lookup_returns_the_value_or_the_default() {
        let m = obj(&[("a", s("ay")), ("b", s("bee"))]);
        assert_eq!(c("lookup", vec![m.clone(), s("a"), s("what?")]), s("ay"));
        assert_eq!(c("lookup", vec![m.clone(), s("c"), s("what?")]), s("what?"));
        let missing = c("lookup", vec![m, s("c")]);
        assert!(is_error(&missing));
        assert_eq!(reason(&missing), "lookup: lookup failed to find key \"c\"");
    }

    #[test]
    fn lookup_of_a_known_key_returns_even_an_unknown_value() {
        let u = unknown("known after apply");
        let m = obj(&[("a", u.clone()), ("b", s("bee"))]);
        assert_eq!(c("lookup", vec![m.clone(), s("a"), s("x")]), u);
        assert_eq!(c("lookup", vec![m, s("b")]), s("bee"));
        let key = unknown("`var.key` has no value");
        assert_eq!(c("lookup", vec![obj(&[]), key.clone(), s("x")]), key);
        assert!(is_error(&c("lookup", vec![strs(&["a"]), s("a")])));
    }

    #[test]
    fn keys_and_values_follow_key_order() {
        let m = obj(&[("d", n(1.0)), ("a", n(3.0)), ("c", n(2.0))]);
        assert_eq!(c("keys", vec![m.clone()]), strs(&["a", "c", "d"]));
        assert_eq!(c("values", vec![m]), nums(&[3.0, 2.0, 1.0]));
        let u = unknown("known after apply");
        assert_eq!(c("keys", vec![obj(&[("x", u.clone())])]), strs(&["x"]));
        assert_eq!(c("values", vec![obj(&[("x", u.clone())])]), list(vec![u]));
        assert!(is_error(&c("keys", vec![strs(&["a"])])));
    }

    #[test]
    fn merge_lets_later_keys_win() {
        let v = c(
            "merge",
            vec![
                obj(&[("a", s("b")), ("c", s("d"))]),
                obj(&[("e", s("f")), ("c", s("z"))]),
            ],
        );
        assert_eq!(v, obj(&[("a", s("b")), ("c", s("z")), ("e", s("f"))]));
        assert_eq!(c("merge", vec![]), obj(&[]));
        assert_eq!(
            c("merge", vec![Value::Null, obj(&[("a", n(1.0))])]),
            obj(&[("a", n(1.0))])
        );
        assert!(is_error(&c("merge", vec![strs(&["a"])])));
        let u = unknown("u");
        assert_eq!(c("merge", vec![obj(&[("a", u.clone())])]), obj(&[("a", u)]));
    }

    #[test]
    fn concat_joins_lists_with_unknown_elements() {
        assert_eq!(
            c("concat", vec![strs(&["a", ""]), strs(&["b", "c"])]),
            strs(&["a", "", "b", "c"])
        );
        let u = unknown("u");
        assert_eq!(
            c("concat", vec![list(vec![u.clone()]), strs(&["b"])]),
            list(vec![u, s("b")])
        );
        assert!(is_error(&c("concat", vec![s("a")])));
    }

    #[test]
    fn flatten_is_recursive() {
        assert_eq!(
            c(
                "flatten",
                vec![list(vec![strs(&["a", "b"]), strs(&[]), strs(&["c"])])]
            ),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            c(
                "flatten",
                vec![list(vec![
                    list(vec![strs(&["a", "b"]), strs(&[])]),
                    strs(&["c"])
                ])]
            ),
            strs(&["a", "b", "c"])
        );
        let u = unknown("u");
        assert_eq!(c("flatten", vec![list(vec![strs(&["a"]), u.clone()])]), u);
    }

    #[test]
    fn flatten_refuses_absurd_nesting() {
        let mut v = s("x");
        for _ in 0..300 {
            v = list(vec![v]);
        }
        assert!(is_error(&c("flatten", vec![v])));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        assert_eq!(
            c("distinct", vec![strs(&["a", "b", "a", "c", "d", "b"])]),
            strs(&["a", "b", "c", "d"])
        );
        assert_eq!(
            c("distinct", vec![list(vec![s("1"), n(1.0)])]),
            strs(&["1"])
        );
        let u = unknown("u");
        assert_eq!(c("distinct", vec![list(vec![s("a"), u.clone()])]), u);
    }

    #[test]
    fn coalesce_skips_nulls_and_empty_strings() {
        assert_eq!(c("coalesce", vec![s("a"), s("b")]), s("a"));
        assert_eq!(c("coalesce", vec![s(""), s("b")]), s("b"));
        assert_eq!(c("coalesce", vec![n(1.0), n(2.0)]), n(1.0));
        assert_eq!(c("coalesce", vec![Value::Null, n(2.0)]), n(2.0));
        assert_eq!(c("coalesce", vec![n(1.0), s("b")]), s("1"));
        let none = c("coalesce", vec![Value::Null, s("")]);
        assert_eq!(
            reason(&none),
            "coalesce: no non-null, non-empty-string arguments"
        );
        assert!(is_error(&c("coalesce", vec![s("a"), strs(&["b"])])));
    }

    #[test]
    fn coalesce_stops_at_a_leading_unknown() {
        let u = unknown("`var.name` has no value");
        assert_eq!(c("coalesce", vec![u.clone(), s("b")]), u);
        assert_eq!(c("coalesce", vec![s(""), u.clone(), s("b")]), u);
        assert_eq!(c("coalesce", vec![s("a"), u]), s("a"));
    }

    #[test]
    fn coalescelist_returns_the_first_non_empty_list() {
        assert_eq!(
            c("coalescelist", vec![strs(&["a", "b"]), strs(&["c", "d"])]),
            strs(&["a", "b"])
        );
        assert_eq!(
            c("coalescelist", vec![strs(&[]), strs(&["c", "d"])]),
            strs(&["c", "d"])
        );
        assert!(is_error(&c("coalescelist", vec![strs(&[])])));
        assert!(is_error(&c("coalescelist", vec![s("a")])));
    }

    #[test]
    fn compact_drops_empty_strings() {
        assert_eq!(
            c("compact", vec![strs(&["a", "", "b", "c"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            c("compact", vec![list(vec![n(1.0), Value::Null, s("")])]),
            strs(&["1"])
        );
    }

    #[test]
    fn chunklist_splits_into_fixed_sizes() {
        let l = strs(&["a", "b", "c", "d", "e"]);
        assert_eq!(
            c("chunklist", vec![l.clone(), n(2.0)]),
            list(vec![strs(&["a", "b"]), strs(&["c", "d"]), strs(&["e"])])
        );
        assert_eq!(
            c("chunklist", vec![l.clone(), n(0.0)]),
            list(vec![l.clone()])
        );
        assert_eq!(c("chunklist", vec![strs(&[]), n(3.0)]), list(vec![]));
        assert!(is_error(&c("chunklist", vec![l, n(-1.0)])));
    }

    #[test]
    fn alltrue_and_anytrue() {
        assert_eq!(c("alltrue", vec![list(vec![s("true"), b(true)])]), b(true));
        assert_eq!(c("alltrue", vec![list(vec![b(true), b(false)])]), b(false));
        assert_eq!(c("alltrue", vec![list(vec![])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![s("true")])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![b(true), b(false)])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![])]), b(false));
        let u = unknown("u");
        assert_eq!(
            c("alltrue", vec![list(vec![b(false), u.clone()])]),
            b(false)
        );
        assert_eq!(c("alltrue", vec![list(vec![u.clone(), b(false)])]), u);
        assert_eq!(c("anytrue", vec![list(vec![u.clone(), b(true)])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![u.clone(), b(false)])]), u);
        assert!(is_error(&c("alltrue", vec![list(vec![b(false), n(1.0)])])));
    }

    #[test]
    fn zipmap_pairs_keys_with_values() {
        assert_eq!(
            c("zipmap", vec![strs(&["a", "b"]), nums(&[1.0, 2.0])]),
            obj(&[("a", n(1.0)), ("b", n(2.0))])
        );
        assert!(is_error(&c(
            "zipmap",
            vec![strs(&["a"]), nums(&[1.0, 2.0])]
        )));
    }

    #[test]
    fn transpose_swaps_keys_and_values() {
        let m = obj(&[("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))]);
        assert_eq!(
            c("transpose", vec![m]),
            obj(&[
                ("1", strs(&["a"])),
                ("2", strs(&["a", "b"])),
                ("3", strs(&["b"]))
            ])
        );
    }

    #[test]
    fn matchkeys_selects_by_key() {
        assert_eq!(
            c(
                "matchkeys",
                vec![
                    strs(&["i-123", "i-abc", "i-def"]),
                    strs(&["us-west", "us-east", "us-east"]),
                    strs(&["us-east"])
                ]
            ),
            strs(&["i-abc", "i-def"])
        );
    }

    #[test]
    fn one_takes_zero_or_one_element() {
        assert_eq!(c("one", vec![list(vec![])]), Value::Null);
        assert_eq!(c("one", vec![strs(&["hello"])]), s("hello"));
        assert!(is_error(&c("one", vec![strs(&["hello", "goodbye"])])));
    }

    #[test]
    fn reverse_slice_sort_sum() {
        assert_eq!(
            c("reverse", vec![nums(&[1.0, 2.0, 3.0])]),
            nums(&[3.0, 2.0, 1.0])
        );
        assert_eq!(
            c("slice", vec![strs(&["a", "b", "c", "d"]), n(1.0), n(3.0)]),
            strs(&["b", "c"])
        );
        assert!(is_error(&c("slice", vec![strs(&["a"]), n(0.0), n(2.0)])));
        assert!(is_error(&c(
            "slice",
            vec![strs(&["a", "b"]), n(2.0), n(1.0)]
        )));
        assert_eq!(
            c("sort", vec![strs(&["e", "d", "a", "x"])]),
            strs(&["a", "d", "e", "x"])
        );
        assert_eq!(c("sum", vec![nums(&[10.0, 13.0, 6.0, 4.5])]), n(33.5));
        assert!(is_error(&c("sum", vec![list(vec![])])));
    }

    #[test]
    fn range_like_terraform() {
        assert_eq!(c("range", vec![n(3.0)]), nums(&[0.0, 1.0, 2.0]));
        assert_eq!(c("range", vec![n(1.0), n(4.0)]), nums(&[1.0, 2.0, 3.0]));
        assert_eq!(
            c("range", vec![n(1.0), n(8.0), n(2.0)]),
            nums(&[1.0, 3.0, 5.0, 7.0])
        );
        assert_eq!(
            c("range", vec![n(1.0), n(4.0), n(0.5)]),
            nums(&[1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
        );
        assert_eq!(c("range", vec![n(4.0), n(1.0)]), nums(&[4.0, 3.0, 2.0]));
        assert_eq!(
            c("range", vec![n(10.0), n(5.0), n(-2.0)]),
            nums(&[10.0, 8.0, 6.0])
        );
        assert_eq!(c("range", vec![n(0.0)]), nums(&[]));
        assert!(is_error(&c("range", vec![n(1.0), n(4.0), n(0.0)])));
        assert!(is_error(&c("range", vec![n(4.0), n(1.0), n(1.0)])));
        assert!(is_deferred(&c("range", vec![n(0.0), n(1.0), n(0.1)])));
    }

    #[test]
    fn range_refuses_more_than_1024_values_without_building_them() {
        assert_eq!(
            c("range", vec![n(1024.0)]).as_list().map(<[Value]>::len),
            Some(1024)
        );
        assert!(is_error(&c("range", vec![n(1025.0)])));
        assert!(is_error(&c("range", vec![n(0.0), n(1e18)])));
        assert!(is_error(&c("range", vec![n(-1e300), n(1e300), n(1e-300)])));
    }

    #[test]
    fn set_functions_sort_and_deduplicate() {
        assert_eq!(
            c(
                "setunion",
                vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["d"])]
            ),
            strs(&["a", "b", "c", "d"])
        );
        assert_eq!(
            c(
                "setintersection",
                vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["b", "d"])]
            ),
            strs(&["b"])
        );
        assert_eq!(
            c(
                "setsubtract",
                vec![strs(&["a", "b", "c"]), strs(&["a", "c"])]
            ),
            strs(&["b"])
        );
        assert_eq!(
            c("setunion", vec![nums(&[10.0, 9.0]), nums(&[2.0])]),
            nums(&[2.0, 9.0, 10.0])
        );
        let u = unknown("u");
        assert_eq!(c("setunion", vec![list(vec![u.clone()]), strs(&["a"])]), u);
    }

    #[test]
    fn setproduct_in_argument_order() {
        let v = c(
            "setproduct",
            vec![
                strs(&["development", "staging", "production"]),
                strs(&["app1", "app2"]),
            ],
        );
        assert_eq!(
            v,
            list(vec![
                strs(&["development", "app1"]),
                strs(&["development", "app2"]),
                strs(&["staging", "app1"]),
                strs(&["staging", "app2"]),
                strs(&["production", "app1"]),
                strs(&["production", "app2"]),
            ])
        );
        assert_eq!(c("setproduct", vec![strs(&[]), strs(&["a"])]), list(vec![]));
        assert!(is_error(&c("setproduct", vec![strs(&["a"])])));
    }

    #[test]
    fn setproduct_too_large_is_deferred() {
        let big = Value::List((0..1000).map(|i| n(f64::from(i))).collect());
        assert!(is_deferred(&c(
            "setproduct",
            vec![big.clone(), big.clone(), big]
        )));
    }

    // --- conversions -------------------------------------------------------------------------

    #[test]
    fn conversions_between_primitives() {
        assert_eq!(c("tostring", vec![n(5.0)]), s("5"));
        assert_eq!(c("tostring", vec![n(0.5)]), s("0.5"));
        assert_eq!(c("tostring", vec![b(true)]), s("true"));
        assert_eq!(c("tostring", vec![Value::Null]), Value::Null);
        assert!(is_error(&c("tostring", vec![strs(&[])])));
        assert_eq!(c("tonumber", vec![s("5")]), n(5.0));
        assert_eq!(c("tonumber", vec![s("-1.5e2")]), n(-150.0));
        assert!(is_error(&c("tonumber", vec![s("no")])));
        assert!(is_error(&c("tonumber", vec![s("0x10")])));
        assert!(is_error(&c("tonumber", vec![s("inf")])));
        assert_eq!(c("tobool", vec![s("true")]), b(true));
        assert_eq!(c("tobool", vec![s("false")]), b(false));
        assert_eq!(c("tobool", vec![Value::Null]), Value::Null);
        assert!(is_error(&c("tobool", vec![s("no")])));
        assert!(is_error(&c("tobool", vec![n(1.0)])));
    }

    #[test]
    fn conversions_to_collections_unify_element_types() {
        assert_eq!(
            c("tolist", vec![list(vec![s("a"), s("b"), n(3.0)])]),
            strs(&["a", "b", "3"])
        );
        assert_eq!(
            c("toset", vec![list(vec![s("a"), s("b"), n(3.0)])]),
            strs(&["3", "a", "b"])
        );
        assert_eq!(c("toset", vec![strs(&["c", "b", "b"])]), strs(&["b", "c"]));
        assert_eq!(
            c("tomap", vec![obj(&[("a", s("foo")), ("b", b(true))])]),
            obj(&[("a", s("foo")), ("b", s("true"))])
        );
        assert!(is_error(&c("tolist", vec![list(vec![n(1.0), b(true)])])));
        assert!(is_error(&c("tomap", vec![strs(&["a"])])));
        let u = unknown("u");
        assert_eq!(c("toset", vec![list(vec![s("a"), u.clone()])]), u);
        assert_eq!(
            c("tolist", vec![list(vec![s("a"), u.clone()])]),
            list(vec![s("a"), u])
        );
    }

    // --- strings -----------------------------------------------------------------------------

    #[test]
    fn format_verbs() {
        let f = |spec: &str, args: Vec<Value>| {
            let mut all = vec![s(spec)];
            all.extend(args);
            c("format", all)
        };
        assert_eq!(f("Hello, %s!", vec![s("Ander")]), s("Hello, Ander!"));
        assert_eq!(
            f("There are %d lights", vec![n(4.0)]),
            s("There are 4 lights")
        );
        assert_eq!(f("%#v", vec![s("hello")]), s("\"hello\""));
        assert_eq!(f("%#v", vec![b(true)]), s("true"));
        assert_eq!(f("%#v", vec![n(1.0)]), s("1"));
        assert_eq!(f("%#v", vec![obj(&[("a", n(1.0))])]), s("{\"a\":1}"));
        assert_eq!(f("%v", vec![s("hello")]), s("hello"));
        assert_eq!(f("%v", vec![b(true)]), s("true"));
        assert_eq!(f("%v", vec![n(1.0)]), s("1"));
        assert_eq!(f("%v", vec![list(vec![b(true)])]), s("[true]"));
        assert_eq!(f("%v", vec![Value::Null]), s("null"));
        assert_eq!(f("%q", vec![s("a\"b")]), s("\"a\\\"b\""));
        assert_eq!(f("%t", vec![b(false)]), s("false"));
        assert_eq!(f("100%%", vec![]), s("100%"));
        assert_eq!(f("%s-%d", vec![n(5.0), s("7")]), s("5-7"));
        assert_eq!(f("%[2]s %[1]s %s", vec![s("a"), s("b")]), s("b a b"));
    }

    #[test]
    fn format_width_precision_and_flags() {
        let f = |spec: &str, v: Value| c("format", vec![s(spec), v]);
        assert_eq!(f("%02d", n(5.0)), s("05"));
        assert_eq!(f("%5d", n(42.0)), s("   42"));
        assert_eq!(f("%-5d|", n(42.0)), s("42   |"));
        assert_eq!(f("%+d", n(42.0)), s("+42"));
        assert_eq!(f("%05d", n(-42.0)), s("-0042"));
        assert_eq!(f("%.3d", n(7.0)), s("007"));
        assert_eq!(f("%x", n(255.0)), s("ff"));
        assert_eq!(f("%#X", n(255.0)), s("0XFF"));
        assert_eq!(f("%b", n(5.0)), s("101"));
        assert_eq!(f("%o", n(8.0)), s("10"));
        assert_eq!(f("%.2f", n(1.23456)), s("1.23"));
        assert_eq!(f("%f", n(1.5)), s("1.500000"));
        assert_eq!(f("%8.3f", n(-1.23456)), s("  -1.235"));
        assert_eq!(f("%08.3f", n(-1.23456)), s("-001.235"));
        assert_eq!(f("%e", n(123456.0)), s("1.234560e+05"));
        assert_eq!(f("%.2E", n(0.000123)), s("1.23E-04"));
        assert_eq!(f("%g", n(100000.0)), s("100000"));
        assert_eq!(f("%g", n(1000000.0)), s("1e+06"));
        assert_eq!(f("%.3g", n(1.23456)), s("1.23"));
        assert_eq!(f("%-5s|", s("ab")), s("ab   |"));
        assert_eq!(f("%5s", s("ab")), s("   ab"));
        assert_eq!(f("%.2s", s("hello")), s("he"));
        assert_eq!(f("%5t", b(true)), s("true"));
    }

    #[test]
    fn format_prints_numbers_like_go() {
        let f = |v: f64| c("format", vec![s("%v"), n(v)]);
        assert_eq!(f(12345678.0), s("1.2345678e+07"));
        assert_eq!(f(100000.0), s("100000"));
        assert_eq!(f(1.25), s("1.25"));
        assert_eq!(f(0.0001), s("0.0001"));
        assert_eq!(f(0.00001), s("1e-05"));
        assert_eq!(f(-2.5), s("-2.5"));
        assert_eq!(f(0.0), s("0"));
        assert_eq!(c("format", vec![s("%#v"), n(12345678.0)]), s("12345678"));
    }

    #[test]
    fn format_with_mismatched_arguments_is_an_error() {
        assert_eq!(
            reason(&c("format", vec![s("%d %d"), n(1.0)])),
            "format: not enough arguments for \"%d\" at 3: need index 2 but have 1 total"
        );
        assert_eq!(
            reason(&c("format", vec![s("%d"), n(1.0), n(2.0)])),
            "format: too many arguments; only 1 used by format string"
        );
        assert_eq!(
            reason(&c("format", vec![s("hello"), n(1.0)])),
            "format: too many arguments; no verbs in format string"
        );
        assert_eq!(
            reason(&c("format", vec![s("%d"), s("x")])),
            "format: unsupported value for \"%d\" at 0: a number is required"
        );
        assert_eq!(
            reason(&c("format", vec![s("%d"), n(1.5)])),
            "format: unsupported value for \"%d\" at 0: an integer is required"
        );
        assert!(is_error(&c("format", vec![s("%s"), strs(&["a"])])));
        assert!(is_error(&c("format", vec![s("%s"), Value::Null])));
        assert!(is_error(&c("format", vec![s("%z"), n(1.0)])));
        assert!(is_error(&c("format", vec![s("%!"), n(1.0)])));
        assert!(is_error(&c("format", vec![s("abc %"), n(1.0)])));
    }

    #[test]
    fn format_with_an_unknown_argument_is_that_unknown() {
        let u = unknown("`var.name` has no value");
        assert_eq!(c("format", vec![s("%s-%d"), u.clone(), n(1.0)]), u);
        assert_eq!(c("format", vec![s("%v"), list(vec![u.clone()])]), u);
    }

    #[test]
    fn format_never_builds_absurd_strings() {
        let v = c("format", vec![s("%999999999d"), n(1.0)]);
        assert!(is_deferred(&v));
        let v = c("format", vec![s("%.99999999999999999999999f"), n(1.0)]);
        assert!(is_deferred(&v));
        assert!(is_deferred(&c("format", vec![s("%d"), n(1e300)])));
    }

    #[test]
    fn formatlist_iterates_lists_in_step() {
        assert_eq!(
            c(
                "formatlist",
                vec![s("Hello, %s!"), strs(&["Valentina", "Ander"])]
            ),
            strs(&["Hello, Valentina!", "Hello, Ander!"])
        );
        assert_eq!(
            c(
                "formatlist",
                vec![
                    s("%s, %s!"),
                    s("Salutations"),
                    strs(&["Valentina", "Ander"])
                ]
            ),
            strs(&["Salutations, Valentina!", "Salutations, Ander!"])
        );
        assert_eq!(c("formatlist", vec![s("x%sx"), strs(&[])]), strs(&[]));
        assert!(is_error(&c(
            "formatlist",
            vec![s("%s%s"), strs(&["a"]), strs(&["b", "c"])]
        )));
        let u = unknown("u");
        assert_eq!(
            c("formatlist", vec![s("<%s>"), list(vec![s("a"), u.clone()])]),
            list(vec![s("<a>"), u])
        );
    }

    #[test]
    fn join_and_split() {
        assert_eq!(
            c("join", vec![s("-"), strs(&["foo", "bar", "baz"])]),
            s("foo-bar-baz")
        );
        assert_eq!(c("join", vec![s(", "), strs(&["foo"])]), s("foo"));
        assert_eq!(
            c("join", vec![s(","), strs(&["a"]), list(vec![n(1.0)])]),
            s("a,1")
        );
        assert!(is_error(&c("join", vec![s(",")])));
        assert!(is_error(&c("join", vec![s(","), list(vec![Value::Null])])));
        assert_eq!(
            c("split", vec![s(","), s("foo,bar,baz")]),
            strs(&["foo", "bar", "baz"])
        );
        assert_eq!(c("split", vec![s(","), s("foo")]), strs(&["foo"]));
        assert_eq!(c("split", vec![s(","), s("")]), strs(&[""]));
        assert_eq!(c("split", vec![s(""), s("abc")]), strs(&["a", "b", "c"]));
    }

    #[test]
    fn case_functions() {
        assert_eq!(c("lower", vec![s("HELLO")]), s("hello"));
        assert_eq!(c("lower", vec![s("АЛЛО!")]), s("алло!"));
        assert_eq!(c("upper", vec![s("hello")]), s("HELLO"));
        assert_eq!(c("upper", vec![s("алло!")]), s("АЛЛО!"));
        assert_eq!(c("upper", vec![s("straße")]), s("STRAßE"));
        assert_eq!(c("title", vec![s("hello world")]), s("Hello World"));
        assert_eq!(
            c("title", vec![s("hello-world foo_bar")]),
            s("Hello-World Foo_bar")
        );
    }

    #[test]
    fn replace_plain_and_regex() {
        assert_eq!(
            c("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]),
            s("1 - 2 - 3")
        );
        assert_eq!(
            c(
                "replace",
                vec![s("hello world"), s("/w.*d/"), s("everybody")]
            ),
            s("hello everybody")
        );
        assert_eq!(
            c("replace", vec![s("a1b22"), s("/([0-9]+)/"), s("<$1>")]),
            s("a<1>b<22>")
        );
        assert_eq!(c("replace", vec![s("a/b"), s("/"), s("-")]), s("a-b"));
        assert!(is_error(&c("replace", vec![s("x"), s("/(/"), s("y")])));
    }

    #[test]
    fn regex_shapes_follow_the_capture_groups() {
        assert_eq!(
            c(
                "regex",
                vec![s("[a-z]+"), s("53453453.345345aaabbbccc23454")]
            ),
            s("aaabbbccc")
        );
        assert_eq!(
            c(
                "regex",
                vec![s(r"(\d\d\d\d)-(\d\d)-(\d\d)"), s("2019-02-01")]
            ),
            strs(&["2019", "02", "01"])
        );
        assert_eq!(
            c(
                "regex",
                vec![
                    s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                    s("https://terraform.io/docs/")
                ]
            ),
            obj(&[("authority", s("terraform.io")), ("scheme", s("https"))])
        );
        assert_eq!(
            reason(&c("regex", vec![s("[a-z]+"), s("53453453.34534523454")])),
            "regex: pattern did not match any part of the given string"
        );
        assert_eq!(
            c("regex", vec![s("a(b)?"), s("a")]),
            list(vec![Value::Null])
        );
        assert!(is_error(&c("regex", vec![s("(a)(?P<n>b)"), s("ab")])));
        // A bad pattern is an error even before the string is known.
        assert!(is_error(&c("regex", vec![s("("), unknown("u")])));
    }

    #[test]
    fn regexall_lists_every_match() {
        assert_eq!(
            c("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]),
            strs(&["abcd", "efgh"])
        );
        assert_eq!(c("regexall", vec![s("[a-z]+"), s("123456789")]), strs(&[]));
        assert_eq!(
            c("regexall", vec![s(r"(\w)=(\d)"), s("a=1 b=2")]),
            list(vec![strs(&["a", "1"]), strs(&["b", "2"])])
        );
    }

    #[test]
    fn affix_and_containment_tests() {
        assert_eq!(c("startswith", vec![s("hello world"), s("hello")]), b(true));
        assert_eq!(
            c("startswith", vec![s("hello world"), s("world")]),
            b(false)
        );
        assert_eq!(c("startswith", vec![unknown("u"), s("")]), b(true));
        assert_eq!(c("endswith", vec![s("hello world"), s("world")]), b(true));
        assert_eq!(c("strcontains", vec![s("hello world"), s("wor")]), b(true));
        assert_eq!(
            c("trimprefix", vec![s("helloworld"), s("hello")]),
            s("world")
        );
        assert_eq!(
            c("trimprefix", vec![s("helloworld"), s("cat")]),
            s("helloworld")
        );
        assert_eq!(
            c("trimsuffix", vec![s("helloworld"), s("world")]),
            s("hello")
        );
    }

    #[test]
    fn trimming() {
        assert_eq!(c("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(c("trim", vec![s("foobar"), s("far")]), s("oob"));
        assert_eq!(
            c("trim", vec![s("   hello! world.!  "), s("! ")]),
            s("hello! world.")
        );
        assert_eq!(c("trimspace", vec![s("  hello\n\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\r\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\n\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\n world")]), s("hello\n world"));
    }

    #[test]
    fn strrev_and_substr_count_characters() {
        assert_eq!(c("strrev", vec![s("hello")]), s("olleh"));
        assert_eq!(c("strrev", vec![s("a ☃")]), s("☃ a"));
        assert_eq!(
            c("substr", vec![s("hello world"), n(1.0), n(4.0)]),
            s("ello")
        );
        assert_eq!(c("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), s("🤔"));
        assert_eq!(
            c("substr", vec![s("hello world"), n(-5.0), n(3.0)]),
            s("wor")
        );
        assert_eq!(c("substr", vec![s("hello"), n(2.0), n(-1.0)]), s("llo"));
        assert_eq!(c("substr", vec![s("hello"), n(1.0), n(0.0)]), s(""));
        assert_eq!(c("substr", vec![s("hello"), n(10.0), n(2.0)]), s(""));
        assert_eq!(c("substr", vec![s("hello"), n(1e15), n(1e15)]), s(""));
        assert_eq!(c("substr", vec![s("hello"), n(-1e15), n(2.0)]), s("he"));
        assert!(is_error(&c("substr", vec![s("hello"), n(1e300), n(1.0)])));
        assert!(is_error(&c("substr", vec![s("hello"), n(0.5), n(1.0)])));
    }

    #[test]
    fn indent_pads_following_lines() {
        assert_eq!(
            c("indent", vec![n(2.0), s("[\n  foo,\n  bar,\n]\n")]),
            s("[\n    foo,\n    bar,\n  ]\n  ")
        );
        assert!(is_error(&c("indent", vec![n(-1.0), s("a\nb")])));
        assert!(is_deferred(&c("indent", vec![n(1e12), s("a\nb")])));
        // No newline: nothing to indent, whatever the width.
        assert_eq!(c("indent", vec![n(1e15), s("a")]), s("a"));
    }

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

    // --- network addresses ---------------------------------------------------------------

    #[test]
    fn cidrsubnet_matches_terraform_documentation() {
        let f = |p: &str, bits: f64, num: f64| c("cidrsubnet", vec![s(p), n(bits), n(num)]);
        assert_eq!(f("172.16.0.0/12", 4.0, 2.0), s("172.18.0.0/16"));
        assert_eq!(f("10.1.2.0/24", 4.0, 15.0), s("10.1.2.240/28"));
        assert_eq!(
            f("fd00:fd12:3456:7890::/56", 16.0, 162.0),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            c("cidrsubnet", vec![s("10.0.0.0/16"), s("8"), n(1.0)]),
            s("10.0.1.0/24")
        );
        // Terraform reads octets with leading zeros as decimal.
        assert_eq!(f("010.001.0.0/016", 8.0, 1.0), s("10.1.1.0/24"));
    }

    #[test]
    fn cidrsubnet_overflow_is_an_error() {
        let v = c("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(256.0)]);
        assert!(is_error(&v));
        assert_eq!(
            reason(&v),
            "cidrsubnet: prefix extension of 8 does not accommodate a subnet numbered 256"
        );
        let v = c("cidrsubnet", vec![s("10.0.0.0/30"), n(4.0), n(0.0)]);
        assert_eq!(
            reason(&v),
            "cidrsubnet: insufficient address space to extend prefix of 30 by 4"
        );
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(1e6), n(1.0)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(9.3e18), n(1.0)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(8.0), n(1e300)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(8.0), n(-1.0)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(8.5), n(1.0)]
        )));
    }

    fn prefix_lens(v: &Value) -> Vec<Option<u8>> {
        match v {
            Value::Unknown(u) => vec![u.prefix_len()],
            Value::List(items) => items.iter().flat_map(prefix_lens).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn subnets_of_a_prefix_of_known_length_have_known_lengths() {
        let sixteen = Value::Unknown(Unknown::new("base").with_prefix_len(16));
        let lens = |name: &str, args: Vec<Value>| prefix_lens(&call(name, args));
        assert_eq!(
            lens("cidrsubnet", vec![sixteen.clone(), n(4.0), n(2.0)]),
            [Some(20)]
        );
        assert_eq!(
            lens("cidrsubnet", vec![sixteen.clone(), n(11.0), unknown("n")]),
            [Some(27)]
        );
        assert_eq!(
            lens(
                "cidrsubnets",
                vec![sixteen.clone(), n(8.0), n(11.0), n(4.0)]
            ),
            [Some(24), Some(27), Some(20)]
        );
        // What Terraform rejects, and what the length does not decide, gives no length.
        for args in [
            vec![sixteen.clone(), n(17.0), n(0.0)],
            vec![sixteen.clone(), n(2.0), n(4.0)],
            vec![sixteen.clone(), unknown("bits"), n(0.0)],
            vec![unknown("plain"), n(4.0), n(0.0)],
        ] {
            assert_eq!(lens("cidrsubnet", args), [None]);
        }
        assert_eq!(
            lens("cidrsubnets", vec![sixteen.clone(), n(1.0), n(1.0), n(1.0)]),
            [None]
        );
        assert_eq!(lens("cidrhost", vec![sixteen.clone(), n(5.0)]), [None]);
        // Strings built around an unknown part.
        assert_eq!(
            lens("format", vec![s("%s.0/27"), unknown("base")]),
            [Some(27)]
        );
        assert_eq!(
            lens("format", vec![s("%s/%s"), unknown("a"), s("27")]),
            [Some(27)]
        );
        assert_eq!(
            lens("format", vec![s("%s/%s"), s("10.0.0.0"), unknown("b")]),
            [None]
        );
        assert_eq!(lens("format", vec![s("%d.0/27"), unknown("base")]), [None]);
        assert_eq!(lens("format", vec![s("%q.0/27"), unknown("base")]), [None]);
        assert_eq!(
            lens("formatlist", vec![s("%s"), list(vec![sixteen])]),
            [None]
        );
    }

    #[test]
    fn cidr_functions_reject_bad_prefixes() {
        let v = c("cidrsubnet", vec![s("10.0.0/16"), n(8.0), n(1.0)]);
        assert_eq!(reason(&v), "cidrsubnet: invalid CIDR expression: 10.0.0/16");
        assert!(is_error(&c("cidrhost", vec![s(" 10.0.0.0/16"), n(1.0)])));
        assert!(is_error(&c("cidrnetmask", vec![s("10.0.0.0")])));
        assert!(is_error(&c("cidrsubnets", vec![s("300.0.0.0/8"), n(1.0)])));
    }

    #[test]
    fn cidrsubnet_propagates_unknowns() {
        let u = unknown("`var.vnet_cidr` has no default and no value in a tfvars file");
        assert_eq!(c("cidrsubnet", vec![u.clone(), n(8.0), n(1.0)]), u);
    }

    #[test]
    fn cidrhost_counts_from_both_ends() {
        assert_eq!(
            c("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]),
            s("10.12.112.16")
        );
        assert_eq!(
            c("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]),
            s("10.12.113.12")
        );
        assert_eq!(
            c(
                "cidrhost",
                vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]
            ),
            s("fd00:fd12:3456:7890::22")
        );
        assert_eq!(
            c("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]),
            s("10.0.0.255")
        );
        assert!(is_error(&c("cidrhost", vec![s("10.0.0.0/24"), n(256.0)])));
        assert!(is_error(&c("cidrhost", vec![s("10.0.0.0/24"), n(1e20)])));
    }

    #[test]
    fn cidrnetmask_is_ipv4_only() {
        assert_eq!(c("cidrnetmask", vec![s("172.16.0.0/12")]), s("255.240.0.0"));
        assert_eq!(
            reason(&c("cidrnetmask", vec![s("fd00::/8")])),
            "cidrnetmask: IPv6 addresses cannot have a netmask: fd00::/8"
        );
    }

    #[test]
    fn cidrsubnets_allocates_consecutive_aligned_blocks() {
        assert_eq!(
            c(
                "cidrsubnets",
                vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            c(
                "cidrsubnets",
                vec![
                    s("fd00:fd12:3456:7890::/56"),
                    n(16.0),
                    n(16.0),
                    n(16.0),
                    n(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(c("cidrsubnets", vec![s("10.0.0.0/8")]), strs(&[]));
    }

    #[test]
    fn cidrsubnets_errors_like_terraform() {
        assert_eq!(
            reason(&c(
                "cidrsubnets",
                vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]
            )),
            "cidrsubnets: argument 4: not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"
        );
        assert!(is_error(&c("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)])));
        assert!(is_error(&c("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)])));
        assert!(is_error(&c("cidrsubnets", vec![s("fd00::/8"), n(33.0)])));
        // Terraform cannot allocate from a prefix at the zero address.
        assert_eq!(
            reason(&c("cidrsubnets", vec![s("0.0.0.0/8"), n(8.0)])),
            "cidrsubnets: argument 2: not enough remaining address space for a subnet with a prefix of 16 bits after 255.255.0.0/16"
        );
    }

    #[test]
    fn ipv4_mapped_results_print_like_go() {
        assert_eq!(
            c("cidrsubnet", vec![s("::ffff:10.0.0.0/104"), n(8.0), n(1.0)]),
            s("10.1.0.0/16")
        );
        assert_eq!(
            c("cidrhost", vec![s("::ffff:10.0.0.0/104"), n(5.0)]),
            s("10.0.0.5")
        );
        assert!(is_deferred(&c(
            "cidrnetmask",
            vec![s("::ffff:10.0.0.0/104")]
        )));
    }

    #[test]
    fn cidrsubnets_reaches_the_end_of_the_ipv6_space() {
        assert_eq!(
            c("cidrsubnets", vec![s("ffff::/16"), n(1.0), n(1.0)]),
            strs(&["ffff::/17", "ffff:8000::/17"])
        );
        assert!(is_error(&c(
            "cidrsubnets",
            vec![s("ffff::/16"), n(1.0), n(1.0), n(1.0)]
        )));
    }

    // --- encodings ---------------------------------------------------------------------------

    #[test]
    fn jsonencode_is_compact_with_sorted_keys() {
        assert_eq!(
            c("jsonencode", vec![obj(&[("hello", s("world"))])]),
            s("{\"hello\":\"world\"}")
        );
        assert_eq!(
            c(
                "jsonencode",
                vec![obj(&[
                    ("b", nums(&[1.0, 2.5])),
                    ("a", Value::Null),
                    ("c", b(true))
                ])]
            ),
            s("{\"a\":null,\"b\":[1,2.5],\"c\":true}")
        );
        assert_eq!(c("jsonencode", vec![n(1e21)]), s("1000000000000000000000"));
        assert_eq!(
            c("jsonencode", vec![s("<a&b>\n")]),
            s("\"\\u003ca\\u0026b\\u003e\\n\"")
        );
        let u = unknown("u");
        assert_eq!(
            c("jsonencode", vec![obj(&[("a", list(vec![u.clone()]))])]),
            u
        );
    }

    #[test]
    fn jsondecode_builds_values() {
        assert_eq!(
            c("jsondecode", vec![s("{\"hello\": \"world\"}")]),
            obj(&[("hello", s("world"))])
        );
        assert_eq!(c("jsondecode", vec![s("true")]), b(true));
        let decoded = obj(&[("hello", s("world"))]);
        assert_eq!(c("jsondecode", vec![decoded.clone()]), decoded);
        assert_eq!(
            c("jsondecode", vec![s("[1, null]")]),
            list(vec![n(1.0), Value::Null])
        );
        assert!(is_error(&c("jsondecode", vec![s("{")])));
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            c("base64encode", vec![s("Hello World")]),
            s("SGVsbG8gV29ybGQ=")
        );
        assert_eq!(c("base64encode", vec![s("")]), s(""));
        assert_eq!(c("base64encode", vec![s("ab")]), s("YWI="));
        assert_eq!(
            c("base64decode", vec![s("SGVsbG8gV29ybGQ=")]),
            s("Hello World")
        );
        assert_eq!(c("base64decode", vec![s("YWI=")]), s("ab"));
        assert_eq!(c("base64decode", vec![s("YW\nJj")]), s("abc"));
        assert!(is_error(&c("base64decode", vec![s("YWI")])));
        assert!(is_error(&c("base64decode", vec![s("Y===")])));
        assert!(is_error(&c("base64decode", vec![s("YQ==YQ==")])));
        assert!(is_error(&c("base64decode", vec![s("/w==")])));
    }

    #[test]
    fn urlencode_like_go_query_escape() {
        assert_eq!(c("urlencode", vec![s("Hello World!")]), s("Hello+World%21"));
        assert_eq!(c("urlencode", vec![s("☃")]), s("%E2%98%83"));
        assert_eq!(
            c("urlencode", vec![s("foo:bar@localhost?foo=bar&bar=baz")]),
            s("foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz")
        );
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
