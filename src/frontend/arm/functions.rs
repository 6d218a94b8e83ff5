//! ARM template functions that need no deployment context, evaluated on `Value`s.
//!
//! Each function computes what Azure Resource Manager computes, as documented on
//! learn.microsoft.com ("ARM template functions") and, where the documentation is silent, as
//! the .NET code behind ARM behaves (composite formatting, `Uri`, base64, UTF-16 string
//! indexes). Where the answer depends on something this module cannot reproduce faithfully
//! (.NET culture-aware text comparison of non-ASCII or punctuated text, the order of keys in a
//! template object, clocks and randomness) the result is a deferred unknown that says why: a
//! plausible-looking value ARM would not produce would become a false finding.
//!
//! Conventions:
//! - An argument the result depends on that is unknown makes the result that unknown (cloned,
//!   so the reason reaches the user). An error anywhere in an argument makes the result that
//!   error (ARM evaluates every argument, and the failure of one fails the deployment), except
//!   for the branch `if` does not take.
//! - Known arguments of the wrong type or count give `Value::error("<function>: ...")`.
//! - ARM numbers are .NET `long` (integers) or `double`; here every number is an `f64`. A whole
//!   number is treated as an ARM integer. Integers beyond 2^53 cannot be represented exactly
//!   and give a deferred unknown rather than a rounded answer.
//! - ARM strings are UTF-16: lengths and indexes count UTF-16 code units, as ARM does.
//! - `null` where the documentation does not say what happens gives a deferred unknown.
//!
//! Deliberate deviations from a literal reading of ARM (all documented at the function):
//! - Culture-aware comparisons (`less` and friends on strings, the case-insensitive `indexOf`,
//!   `startsWith`, `endsWith`, object keys) are computed for printable ASCII only, where .NET's
//!   invariant culture rules are known; anything else is a deferred unknown.
//! - `string()` of an object with more than one key, `objectKeys()` of such an object, and
//!   `format()` of an array or object are deferred unknowns: ARM keeps the key order of the
//!   template, which `Value` (a sorted map) does not keep.
//! - `replace` is documented without saying whether it ignores case; when the answer depends on
//!   that, the result is a deferred unknown.
//! - `padLeft` with a total length above 16 is a deferred unknown (the only Microsoft
//!   implementation whose source is public rejects it; ARM's own limit is not documented).
//! - `cidrHost` and `parseCidr` on IPv4 /31 and /32 networks (no usable host under ARM's
//!   convention) are deferred unknowns.
//! - Faithful to ARM where a simpler reading would differ: `string(true())` is `True` (.NET's
//!   spelling), `less('A', 'a')` is false (culture order, as documented, not ordinal order),
//!   `range` rejects counts above the documented 10,000, and `guid` and `uniqueString` compute
//!   ARM's own hashes (a version-5 UUID, and ARM's 64-bit MurmurHash in base 32), so names a
//!   template derives from them match the deployed names.
//!
//! Lambda functions (`filter`, `map`, `reduce`, `sort`, `toObject`, `groupBy`, `mapValues`), and
//! everything that needs the deployment (`parameters`, `variables`, `copyIndex`, `resourceId`,
//! `reference`, `resourceGroup`, ...), are the caller's: `call` returns `None` for them.

use crate::frontend::builtins::{arity, fail, known};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::net::IpAddr;

use ipnet::IpNet;

use crate::calendar::{civil_from_days, days_from_civil};
use crate::cidr;
use crate::value::{Unknown, Value, equals};

/// `Err` carries the value to return: the unknown that decided the result, or an error.
type Res = Result<Value, Value>;

type Handler = fn(&str, &[Value]) -> Res;

/// Values nested deeper than this are not walked (no template nests that deep; recursing into
/// an absurd input could exhaust the stack).
const MAX_DEPTH: usize = 256;
/// Largest string (in bytes) a function may build.
const MAX_STRING: usize = 16 << 20;
/// Integers up to 2^53 survive the trip through `f64` exactly.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;
/// Widths and precisions in `format` items above this are not honoured.
const MAX_FORMAT_WIDTH: usize = 100_000;
/// `range`: "Must be non-negative integer up to 10000" (ARM documentation).
const MAX_RANGE: i64 = 10_000;
/// `uniqueString` fails when its joined input is longer than this (in UTF-16 units).
const MAX_UNIQUE_INPUT: usize = 131_072;
/// `padLeft` lengths above this are not evaluated (see the module documentation).
const MAX_PAD: i64 = 16;
/// `json`: nesting beyond serde_json's own recursion limit is not parsed.
const MAX_JSON_DEPTH: usize = 128;
/// The namespace of the version-5 UUIDs `guid()` returns: 11fb06fb-712d-4ddd-98c7-e71bbd588830.
const GUID_NAMESPACE: [u8; 16] = [
    0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30,
];

/// Calls an ARM template function that needs no deployment context. `name` is lower-cased by
/// the caller. Returns None when the function is not one of these (the caller handles
/// parameters, variables, copyIndex, resourceId, reference, resourceGroup, ... itself).
pub fn call(name: &str, args: Vec<Value>) -> Option<Value> {
    let (display, handler) = lookup(name)?;
    if name != "if"
        && let Some(u) = args.iter().find_map(|v| find_error(v, 0))
    {
        return Some(Value::Unknown(u.clone()));
    }
    let result = match handler(display, &args) {
        Ok(v) | Err(v) => v,
    };
    Some(match KEEPS_PREFIX_LEN.contains(&name) {
        true => result,
        false => result.derived(),
    })
}

/// Functions whose result may be an unknown prefix of known length: those that compute it, and
/// those that give an argument back. Any other function computes its result from its arguments,
/// and an unknown result loses the length (`cidrHost(prefix, 4)` is no prefix).
const KEEPS_PREFIX_LEN: &[&str] = &["cidrsubnet", "concat", "format", "coalesce", "if", "string"];

/// The functions of this module: lower-cased name, name as ARM spells it, implementation.
const FUNCTIONS: &[(&str, &str, Handler)] = &[
    // Strings.
    ("base64", "base64", base64),
    ("base64tojson", "base64ToJson", base64_to_json),
    ("base64tostring", "base64ToString", base64_to_string),
    ("concat", "concat", concat),
    ("contains", "contains", contains),
    ("datauri", "dataUri", data_uri),
    ("datauritostring", "dataUriToString", data_uri_to_string),
    ("empty", "empty", empty),
    ("endswith", "endsWith", ends_with),
    ("first", "first", first),
    ("format", "format", format),
    ("guid", "guid", guid),
    ("indexof", "indexOf", index_of),
    ("join", "join", join),
    ("last", "last", last),
    ("lastindexof", "lastIndexOf", last_index_of),
    ("length", "length", length),
    ("newguid", "newGuid", new_guid),
    ("padleft", "padLeft", pad_left),
    ("replace", "replace", replace),
    ("like", "like", like),
    ("skip", "skip", skip),
    ("split", "split", split),
    ("startswith", "startsWith", starts_with),
    ("string", "string", string),
    ("substring", "substring", substring),
    ("take", "take", take),
    ("tolower", "toLower", to_lower),
    ("toupper", "toUpper", to_upper),
    ("trim", "trim", trim),
    ("uniquestring", "uniqueString", unique_string),
    ("uri", "uri", uri),
    ("uricomponent", "uriComponent", uri_component),
    (
        "uricomponenttostring",
        "uriComponentToString",
        uri_component_to_string,
    ),
    // Dates.
    ("utcnow", "utcNow", utc_now),
    ("datetimeadd", "dateTimeAdd", date_time_add),
    ("datetimetoepoch", "dateTimeToEpoch", date_time_to_epoch),
    (
        "datetimefromepoch",
        "dateTimeFromEpoch",
        date_time_from_epoch,
    ),
    // Arrays and objects.
    ("array", "array", array),
    ("createarray", "createArray", create_array),
    ("createobject", "createObject", create_object),
    ("intersection", "intersection", intersection),
    ("items", "items", items),
    ("json", "json", json),
    ("max", "max", max),
    ("min", "min", min),
    ("null", "null", null),
    ("objectkeys", "objectKeys", object_keys),
    ("range", "range", range),
    ("flatten", "flatten", flatten),
    ("distinct", "distinct", distinct_fn),
    ("shallowmerge", "shallowMerge", shallow_merge),
    ("tryget", "tryGet", try_get),
    ("tryindexfromend", "tryIndexFromEnd", try_index_from_end),
    ("indexfromend", "indexFromEnd", index_from_end),
    ("union", "union", union),
    // Logic and comparison.
    ("and", "and", and),
    ("bool", "bool", bool_fn),
    ("coalesce", "coalesce", coalesce),
    ("equals", "equals", equals_fn),
    ("false", "false", false_fn),
    ("greater", "greater", greater),
    ("greaterorequals", "greaterOrEquals", greater_or_equals),
    ("if", "if", if_fn),
    ("less", "less", less),
    ("lessorequals", "lessOrEquals", less_or_equals),
    ("not", "not", not),
    ("or", "or", or),
    ("true", "true", true_fn),
    // Numbers.
    ("add", "add", add),
    ("div", "div", div),
    ("float", "float", float),
    ("int", "int", int_fn),
    ("mod", "mod", modulo),
    ("mul", "mul", mul),
    ("sub", "sub", sub),
    // Resource ids that need no deployment context.
    ("tenantresourceid", "tenantResourceId", tenant_resource_id),
    (
        "managementgroupresourceid",
        "managementGroupResourceId",
        management_group_resource_id,
    ),
    // Networking.
    ("cidrhost", "cidrHost", cidr_host),
    ("cidrsubnet", "cidrSubnet", cidr_subnet),
    ("parsecidr", "parseCidr", parse_cidr),
];

fn lookup(name: &str) -> Option<(&'static str, Handler)> {
    FUNCTIONS
        .iter()
        .find(|(lower, _, _)| *lower == name)
        .map(|&(_, display, handler)| (display, handler))
}

/// The first error-unknown anywhere inside `v`.
fn find_error(v: &Value, depth: usize) -> Option<&Unknown> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Value::Unknown(u) if u.is_error() => Some(u),
        Value::List(items) => items.iter().find_map(|v| find_error(v, depth + 1)),
        Value::Object(map) => map.values().find_map(|v| find_error(v, depth + 1)),
        _ => None,
    }
}

/// The first unknown anywhere inside `v` (a deferred one if the value is too deep to walk).
fn first_unknown(v: &Value, depth: usize) -> Option<Unknown> {
    if depth > MAX_DEPTH {
        return Some(Unknown::new("the value is nested too deeply to evaluate"));
    }
    match v {
        Value::Unknown(u) => Some(u.clone()),
        Value::List(items) => items.iter().find_map(|v| first_unknown(v, depth + 1)),
        Value::Object(map) => map.values().find_map(|v| first_unknown(v, depth + 1)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Arguments.
// ---------------------------------------------------------------------------------------------

static NULL: Value = Value::Null;

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&NULL)
}

fn bad_arg(f: &str, i: usize, msg: impl fmt::Display) -> Value {
    fail(f, format!("argument {} {msg}", i + 1))
}

/// A deferred unknown: the value exists at deployment, foundry-lint cannot compute it.
fn deferred(f: &str, msg: impl fmt::Display) -> Value {
    Value::unknown(format!("{f}: {msg}"))
}

fn null_arg(f: &str, i: usize) -> Value {
    deferred(
        f,
        format!(
            "argument {} is null, and what ARM does with null here is not documented",
            i + 1
        ),
    )
}

fn wholly_known(v: &Value) -> Result<(), Value> {
    match first_unknown(v, 0) {
        Some(u) => Err(Value::Unknown(u)),
        None => Ok(()),
    }
}

/// How a value is named in messages, with its article.
fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(n) if n.fract() == 0.0 => "an integer",
        Value::Number(_) => "a non-integer number",
        Value::String(_) => "a string",
        Value::List(_) => "an array",
        Value::Object(_) => "an object",
        Value::Unknown(_) => "an unknown value",
    }
}

fn str_arg<'a>(f: &str, a: &'a [Value], i: usize) -> Result<&'a str, Value> {
    match known(arg(a, i))? {
        Value::String(s) => Ok(s),
        Value::Null => Err(null_arg(f, i)),
        other => Err(bad_arg(
            f,
            i,
            format!("must be a string, not {}", describe(other)),
        )),
    }
}

/// An ARM integer: a whole number that `f64` holds exactly.
fn int_value(f: &str, i: usize, v: &Value) -> Result<i64, Value> {
    match known(v)? {
        Value::Number(n) if n.fract() == 0.0 && n.abs() <= EXACT_INT => Ok(*n as i64),
        Value::Number(n) if n.is_finite() && n.fract() == 0.0 => Err(deferred(
            f,
            format!(
                "argument {} is an integer too large to be represented exactly",
                i + 1
            ),
        )),
        Value::Null => Err(null_arg(f, i)),
        other => Err(bad_arg(
            f,
            i,
            format!("must be an integer, not {}", describe(other)),
        )),
    }
}

fn int_arg(f: &str, a: &[Value], i: usize) -> Result<i64, Value> {
    int_value(f, i, arg(a, i))
}

fn bool_arg(f: &str, a: &[Value], i: usize) -> Result<bool, Value> {
    match known(arg(a, i))? {
        Value::Bool(b) => Ok(*b),
        other => Err(bad_arg(
            f,
            i,
            format!("must be a bool, not {}", describe(other)),
        )),
    }
}

fn list_arg<'a>(f: &str, a: &'a [Value], i: usize) -> Result<&'a [Value], Value> {
    match known(arg(a, i))? {
        Value::List(l) => Ok(l),
        Value::Null => Err(null_arg(f, i)),
        other => Err(bad_arg(
            f,
            i,
            format!("must be an array, not {}", describe(other)),
        )),
    }
}

fn obj_arg<'a>(f: &str, a: &'a [Value], i: usize) -> Result<&'a BTreeMap<String, Value>, Value> {
    match known(arg(a, i))? {
        Value::Object(o) => Ok(o),
        Value::Null => Err(null_arg(f, i)),
        other => Err(bad_arg(
            f,
            i,
            format!("must be an object, not {}", describe(other)),
        )),
    }
}

fn integer(n: i64) -> Value {
    Value::Number(n as f64)
}

fn count(n: usize) -> Value {
    Value::Number(n as f64)
}

/// An integer result, unless `f64` cannot hold it exactly.
fn exact(f: &str, n: i128) -> Res {
    if (n.unsigned_abs() as f64) <= EXACT_INT {
        Ok(Value::Number(n as f64))
    } else {
        Err(deferred(
            f,
            "the result is an integer too large to be represented exactly",
        ))
    }
}

fn bounded(f: &str, s: String) -> Res {
    if s.len() > MAX_STRING {
        return Err(deferred(
            f,
            format!("the result is longer than {MAX_STRING} bytes"),
        ));
    }
    Ok(Value::String(s))
}

// ---------------------------------------------------------------------------------------------
// Text as .NET sees it.
// ---------------------------------------------------------------------------------------------

/// `True` and `False`, as .NET converts booleans to strings (and so ARM: `string(true())`).
fn dotnet_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// A number as .NET's `ToString()` writes it, where that is certain: integers, and doubles in
/// the range .NET writes without an exponent whose shortest round-trip form has at most 15
/// significant digits (where .NET Framework's and .NET's formatting agree, and agree with
/// Rust's).
fn dotnet_number(n: f64) -> Option<String> {
    if n == 0.0 && n.is_sign_negative() {
        return None;
    }
    if n.fract() == 0.0 && n.abs() <= EXACT_INT {
        return Some(format!("{}", n as i64));
    }
    if n.is_finite() && n.abs() >= 1e-5 && n.abs() < 1e15 {
        let text = format!("{n}");
        let digits = text
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|&d| d == b'0')
            .count();
        return (digits <= 15).then_some(text);
    }
    None
}

fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// UTF-16 units `start..end` of `s`; None when the range splits a surrogate pair (ARM would
/// produce a string that is not valid Unicode).
fn utf16_slice(s: &str, start: usize, end: usize) -> Option<String> {
    if s.is_ascii() {
        return Some(s[start..end].to_string());
    }
    let units: Vec<u16> = s.encode_utf16().collect();
    String::from_utf16(units.get(start..end)?).ok()
}

/// Text on which case-insensitive and culture-aware comparisons are certain: printable ASCII
/// (no control characters, which .NET's linguistic comparisons may ignore).
fn plain(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn not_plain(f: &str) -> Value {
    deferred(
        f,
        "the comparison ignores case under .NET culture rules, which foundry-lint models only for printable ASCII text",
    )
}

/// The order of .NET's invariant-culture comparison (`less` and friends compare strings this
/// way: ARM documents `less('A', 'a')` as false and `greater('A', 'a')` as true, which is not
/// ordinal order). Known for printable ASCII when letters and digits decide: letters compare
/// case-insensitively and after digits, then lower case sorts before upper case. Where
/// punctuation decides the answer, culture rules differ between platforms: None.
fn culture_cmp(a: &str, b: &str) -> Option<Ordering> {
    if a == b {
        return Some(Ordering::Equal);
    }
    if !plain(a) || !plain(b) {
        return None;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let n = x.len().min(y.len());
    let mut tertiary = Ordering::Equal;
    for i in 0..n {
        let (p, q) = (x[i], y[i]);
        if p.is_ascii_alphanumeric() && q.is_ascii_alphanumeric() {
            let (lp, lq) = (p.to_ascii_lowercase(), q.to_ascii_lowercase());
            if lp != lq {
                return Some(lp.cmp(&lq));
            }
            if p != q && tertiary == Ordering::Equal {
                tertiary = if p.is_ascii_lowercase() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            }
        } else if p != q {
            return None;
        }
    }
    if x.len() != y.len() {
        let rest = if x.len() > y.len() { &x[n..] } else { &y[n..] };
        if rest.iter().any(u8::is_ascii_alphanumeric) {
            return Some(x.len().cmp(&y.len()));
        }
        return None;
    }
    Some(tertiary)
}

/// The order of two object keys when every plausible ordering (ordinal, ordinal ignoring case,
/// invariant culture) agrees; ARM documents `items()` as sorting keys alphabetically without
/// saying which of these it means.
fn key_order(a: &str, b: &str) -> Option<Ordering> {
    let culture = culture_cmp(a, b)?;
    let ordinal = a.cmp(b);
    let lower = a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase());
    let upper = a.to_ascii_uppercase().cmp(&b.to_ascii_uppercase());
    (culture == ordinal && lower == ordinal && upper == ordinal).then_some(ordinal)
}

/// Whether two strings may be the same key to ARM, which compares property names ignoring
/// case.
fn same_key_ignoring_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase() || a.to_uppercase() == b.to_uppercase()
    }
}

// ---------------------------------------------------------------------------------------------
// Equality.
// ---------------------------------------------------------------------------------------------

/// Primitive values by identity under ARM's equality, for hashing.
#[derive(PartialEq, Eq, Hash)]
enum Key {
    Null,
    Bool(bool),
    Number(u64),
    String(String),
}

fn prim_key(v: &Value) -> Option<Key> {
    match v {
        Value::Null => Some(Key::Null),
        Value::Bool(b) => Some(Key::Bool(*b)),
        // `+ 0.0` makes -0 and 0 one key, as they are equal.
        Value::Number(n) => Some(Key::Number((n + 0.0).to_bits())),
        Value::String(s) => Some(Key::String(s.clone())),
        _ => None,
    }
}

/// Elements without duplicates, in order of first appearance.
fn distinct(f: &str, items: impl IntoIterator<Item = Value>) -> Result<Vec<Value>, Value> {
    let mut seen = HashSet::new();
    let mut structured: Vec<Value> = Vec::new();
    let mut out = Vec::new();
    for v in items {
        if let Value::Unknown(_) = v {
            return Err(v);
        }
        match prim_key(&v) {
            Some(k) => {
                if seen.insert(k) {
                    out.push(v);
                }
            }
            None => {
                if !holds(structured.iter(), &v).map_err(Value::Unknown)? {
                    structured.push(v.clone());
                    out.push(v);
                }
            }
        }
        if out.len() > 10_000_000 {
            return Err(deferred(f, "the result has too many elements"));
        }
    }
    Ok(out)
}

/// Membership in one array: primitives by hash, other values by deep equality.
struct Members<'a> {
    primitives: HashSet<Key>,
    rest: Vec<&'a Value>,
}

impl<'a> Members<'a> {
    fn new(items: &'a [Value]) -> Members<'a> {
        let mut primitives = HashSet::new();
        let mut rest = Vec::new();
        for v in items {
            match prim_key(v) {
                Some(k) => {
                    primitives.insert(k);
                }
                None => rest.push(v),
            }
        }
        Members { primitives, rest }
    }

    fn holds(&self, v: &Value) -> Result<bool, Unknown> {
        if prim_key(v).is_some_and(|k| self.primitives.contains(&k)) {
            return Ok(true);
        }
        holds(self.rest.iter().copied(), v)
    }
}

/// The index of the first (or last) element equal to `v`: `Err` when an unknown element comes
/// before the answer.
fn position(items: &[Value], v: &Value, from_end: bool) -> Result<Option<usize>, Unknown> {
    let order: Box<dyn Iterator<Item = (usize, &Value)>> = if from_end {
        Box::new(items.iter().enumerate().rev())
    } else {
        Box::new(items.iter().enumerate())
    };
    for (i, x) in order {
        if equals(x, v)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Whether any element equals `v`: a known match decides even when other elements are unknown.
fn holds<'a>(items: impl IntoIterator<Item = &'a Value>, v: &Value) -> Result<bool, Unknown> {
    let mut pending = None;
    for x in items {
        match equals(x, v) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(u) => {
                pending.get_or_insert(u);
            }
        }
    }
    pending.map_or(Ok(false), Err)
}

// ---------------------------------------------------------------------------------------------
// Strings.
// ---------------------------------------------------------------------------------------------

/// `concat(arg1, ...)`: all arrays (concatenated), or strings. ARM also accepts integers and
/// booleans among strings (written as .NET writes them, `True`/`False`) and skips nulls.
fn concat(f: &str, a: &[Value]) -> Res {
    crate::value::with_built_prefix_len(concat_known(f, a), a, |a| concat_known(f, a))
}

fn concat_known(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    for v in a {
        known(v)?;
    }
    if a.iter().all(|v| matches!(v, Value::List(_))) {
        let mut out = Vec::new();
        for v in a {
            if let Value::List(l) = v {
                out.extend(l.iter().cloned());
            }
        }
        return Ok(Value::List(out));
    }
    if a.iter().any(|v| matches!(v, Value::List(_))) {
        if a.iter().all(|v| matches!(v, Value::List(_) | Value::Null)) {
            return Err(deferred(
                f,
                "mixing arrays and null is not documented for ARM",
            ));
        }
        return Err(fail(
            f,
            "arguments must be all arrays or all strings, not a mixture",
        ));
    }
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::String(s) => out.push_str(s),
            Value::Bool(b) => out.push_str(dotnet_bool(*b)),
            Value::Null => {}
            Value::Number(_) => out.push_str(&int_value(f, i, v)?.to_string()),
            other => {
                return Err(bad_arg(
                    f,
                    i,
                    format!(
                        "must be a string, an integer or a bool, not {}",
                        describe(other)
                    ),
                ));
            }
        }
        if out.len() > MAX_STRING {
            return bounded(f, out);
        }
    }
    Ok(Value::String(out))
}

/// `format(formatString, args...)`: .NET composite formatting (`{index[,alignment][:format]}`,
/// `{{` and `}}` for braces). Numbers support the standard formats D, N, F, X and G (without
/// precision) on integers; other format strings are deferred unknowns. Strings, booleans and
/// null ignore the format string, as in .NET.
fn format(f: &str, a: &[Value]) -> Res {
    crate::value::with_built_prefix_len(format_known(f, a), a, |a| format_known(f, a))
}

fn format_known(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let template = str_arg(f, a, 0)?;
    let args = &a[1..];
    let invalid = |msg: &str| fail(f, format!("invalid format string {template:?}: {msg}"));
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(invalid("`}` must be written `}}`")),
            '{' => {
                let mut index: usize = 0;
                let mut digits = 0;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    index = index.saturating_mul(10).saturating_add(d as usize);
                    digits += 1;
                    chars.next();
                }
                if digits == 0 {
                    return Err(invalid(
                        "`{` must start an argument index such as {0} (write `{{` for a brace)",
                    ));
                }
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                let mut width: usize = 0;
                let mut left = false;
                if chars.peek() == Some(&',') {
                    chars.next();
                    while chars.peek() == Some(&' ') {
                        chars.next();
                    }
                    if chars.peek() == Some(&'-') {
                        left = true;
                        chars.next();
                    }
                    let mut width_digits = 0;
                    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                        width = width.saturating_mul(10).saturating_add(d as usize);
                        width_digits += 1;
                        chars.next();
                    }
                    if width_digits == 0 {
                        return Err(invalid("the alignment after `,` must be a number"));
                    }
                    while chars.peek() == Some(&' ') {
                        chars.next();
                    }
                }
                let mut spec = None;
                if chars.peek() == Some(&':') {
                    chars.next();
                    let mut s = String::new();
                    loop {
                        match chars.peek() {
                            Some('}') => break,
                            Some('{') => {
                                return Err(deferred(
                                    f,
                                    "braces inside a format specifier are not modelled",
                                ));
                            }
                            Some(&c) => {
                                s.push(c);
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    spec = Some(s);
                }
                if chars.next() != Some('}') {
                    return Err(invalid("a format item is not closed with `}`"));
                }
                if spec.is_some() && chars.peek() == Some(&'}') {
                    // .NET versions disagree on whether `}}` right after a format specifier
                    // belongs to the specifier.
                    return Err(deferred(
                        f,
                        "`}}` right after a format specifier is read differently by .NET versions",
                    ));
                }
                let Some(value) = args.get(index) else {
                    return Err(invalid(&format!(
                        "index {index} is out of range: there are {} arguments to format",
                        args.len()
                    )));
                };
                if width > MAX_FORMAT_WIDTH {
                    return Err(deferred(
                        f,
                        format!("alignments above {MAX_FORMAT_WIDTH} are not evaluated"),
                    ));
                }
                let text = format_value(f, value, spec.as_deref().unwrap_or(""))?;
                let pad = width.saturating_sub(utf16_len(&text));
                if left {
                    out.push_str(&text);
                    out.extend(std::iter::repeat_n(' ', pad));
                } else {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(&text);
                }
                if out.len() > MAX_STRING {
                    return bounded(f, out);
                }
            }
            c => out.push(c),
        }
    }
    Ok(Value::String(out))
}

fn format_value(f: &str, v: &Value, spec: &str) -> Result<String, Value> {
    match v {
        Value::Unknown(_) => Err(v.clone()),
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(dotnet_bool(*b).to_string()),
        Value::Null => Ok(String::new()),
        Value::Number(n) => format_number(f, *n, spec),
        Value::List(_) | Value::Object(_) => {
            Err(deferred(f, "formatting an array or object is not modelled"))
        }
    }
}

/// A number under a .NET standard numeric format string (invariant culture).
fn format_number(f: &str, n: f64, spec: &str) -> Result<String, Value> {
    let unsupported = || deferred(f, format!("the numeric format {spec:?} is not modelled"));
    if spec.is_empty() {
        return dotnet_number(n)
            .ok_or_else(|| deferred(f, "this number's text form is not modelled"));
    }
    let mut chars = spec.chars();
    let kind = chars.next().unwrap_or('G');
    let digits = chars.as_str();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unsupported());
    }
    let precision: Option<usize> = if digits.is_empty() {
        None
    } else {
        match digits.parse::<usize>() {
            Ok(p) if p <= 1000 => Some(p),
            _ => return Err(unsupported()),
        }
    };
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(match kind {
            // .NET throws FormatException for these on a double.
            'D' | 'd' | 'X' | 'x' => fail(
                f,
                format!("the format {spec:?} needs an integer, not {}", n),
            ),
            _ => unsupported(),
        });
    }
    if n.abs() > EXACT_INT {
        return Err(unsupported());
    }
    let i = n as i64;
    let sign = if i < 0 { "-" } else { "" };
    let abs = i.unsigned_abs().to_string();
    let zeros = |count: usize| "0".repeat(count);
    Ok(match kind {
        'D' | 'd' => {
            let p = precision.unwrap_or(0);
            format!("{sign}{}{abs}", zeros(p.saturating_sub(abs.len())))
        }
        'N' | 'n' => {
            let mut grouped = String::new();
            for (k, c) in abs.chars().enumerate() {
                if k > 0 && (abs.len() - k).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            let p = precision.unwrap_or(2);
            if p > 0 {
                format!("{sign}{grouped}.{}", zeros(p))
            } else {
                format!("{sign}{grouped}")
            }
        }
        'F' | 'f' => {
            let p = precision.unwrap_or(2);
            if p > 0 {
                format!("{sign}{abs}.{}", zeros(p))
            } else {
                format!("{sign}{abs}")
            }
        }
        'X' | 'x' => {
            let hex = if kind == 'X' {
                format!("{:X}", i as u64)
            } else {
                format!("{:x}", i as u64)
            };
            let p = precision.unwrap_or(0);
            format!("{}{hex}", zeros(p.saturating_sub(hex.len())))
        }
        'G' | 'g' if precision.is_none() => format!("{i}"),
        _ => return Err(unsupported()),
    })
}

/// `string(valueToConvert)`: strings unchanged, booleans `True`/`False`, null the empty
/// string, arrays and objects compact JSON.
fn string(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let v = known(arg(a, 0))?;
    match v {
        Value::String(s) => Ok(Value::String(s.clone())),
        Value::Bool(b) => Ok(Value::str(dotnet_bool(*b))),
        Value::Null => Ok(Value::str("")),
        Value::Number(n) => dotnet_number(*n)
            .map(Value::String)
            .ok_or_else(|| deferred(f, "this number's text form is not modelled")),
        _ => {
            let mut out = String::new();
            write_json(f, v, &mut out, 0)?;
            bounded(f, out)
        }
    }
}

/// Compact JSON as ARM (Newtonsoft.Json) writes it.
fn write_json(f: &str, v: &Value, out: &mut String, depth: usize) -> Result<(), Value> {
    if depth > MAX_DEPTH {
        return Err(deferred(f, "the value is nested too deeply to convert"));
    }
    if out.len() > MAX_STRING {
        return Err(deferred(
            f,
            format!("the result is longer than {MAX_STRING} bytes"),
        ));
    }
    match v {
        Value::Unknown(_) => return Err(v.clone()),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match dotnet_number(*n) {
            Some(s) => out.push_str(&s),
            None => return Err(deferred(f, "this number's JSON form is not modelled")),
        },
        Value::String(s) => write_json_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(f, item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            if map.len() > 1 {
                if let Some(u) = first_unknown(v, depth) {
                    return Err(Value::Unknown(u));
                }
                return Err(deferred(
                    f,
                    "the JSON text of an object with several keys depends on the key order in the template, which foundry-lint does not keep",
                ));
            }
            out.push('{');
            for (k, item) in map {
                write_json_string(k, out);
                out.push(':');
                write_json(f, item, out, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Newtonsoft.Json's default string escaping.
fn write_json_string(s: &str, out: &mut String) {
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
            c if (c as u32) < 0x20 || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// .NET's invariant `ToLowerInvariant`/`ToUpperInvariant` map one UTF-16 unit to one; where
/// Unicode's full mapping differs (`ß` to `SS`, `İ` to `i̇`) the result is not modelled.
fn change_case(f: &str, a: &[Value], lower: bool) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    if s.is_ascii() {
        return Ok(Value::String(if lower {
            s.to_ascii_lowercase()
        } else {
            s.to_ascii_uppercase()
        }));
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mut mapped: Vec<char> = if lower {
            c.to_lowercase().collect()
        } else {
            c.to_uppercase().collect()
        };
        if mapped.len() != 1 {
            return Err(deferred(
                f,
                format!("the case mapping of {c:?} differs between Unicode and .NET"),
            ));
        }
        out.push(mapped.pop().unwrap_or(c));
    }
    Ok(Value::String(out))
}

fn to_lower(f: &str, a: &[Value]) -> Res {
    change_case(f, a, true)
}

fn to_upper(f: &str, a: &[Value]) -> Res {
    change_case(f, a, false)
}

/// `trim(stringToTrim)`: leading and trailing white space (.NET's `char.IsWhiteSpace`).
fn trim(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::str(str_arg(f, a, 0)?.trim()))
}

/// `substring(stringToParse, startIndex, length?)`: fails when the range leaves the string.
fn substring(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 3)?;
    let s = str_arg(f, a, 0)?;
    let start = int_arg(f, a, 1)?;
    let length = if a.len() == 3 {
        Some(int_arg(f, a, 2)?)
    } else {
        None
    };
    let len = utf16_len(s) as i64;
    if start < 0 {
        return Err(fail(
            f,
            format!("the start index {start} must not be negative"),
        ));
    }
    if start > len {
        return Err(fail(
            f,
            format!("the start index {start} is beyond the end of the string (length {len})"),
        ));
    }
    let end = match length {
        None => len,
        Some(l) if l < 0 => {
            return Err(fail(f, format!("the length {l} must not be negative")));
        }
        Some(l) if l > len - start => {
            return Err(fail(
                f,
                format!(
                    "the index and length parameters must refer to a location within the string: index {start}, length {l}, string length {len}"
                ),
            ));
        }
        Some(l) => start + l,
    };
    utf16_slice(s, start as usize, end as usize)
        .map(Value::String)
        .ok_or_else(|| {
            deferred(
                f,
                "the range splits a character outside the Basic Multilingual Plane",
            )
        })
}

/// `indexOf` / `lastIndexOf`: in a string, ignoring case; in an array, by deep equality.
fn find(f: &str, a: &[Value], from_end: bool) -> Res {
    arity(f, a, 2, 2)?;
    match known(arg(a, 0))? {
        Value::List(items) => match position(items, arg(a, 1), from_end) {
            Ok(Some(i)) => Ok(count(i)),
            Ok(None) => Ok(integer(-1)),
            Err(u) => Err(Value::Unknown(u)),
        },
        Value::String(s) => {
            let needle = str_arg(f, a, 1)?;
            if !plain(s) || !plain(needle) {
                return Err(not_plain(f));
            }
            if from_end && needle.is_empty() {
                return Err(deferred(
                    f,
                    "the last index of the empty string differs between .NET versions",
                ));
            }
            let (hay, needle) = (s.to_ascii_lowercase(), needle.to_ascii_lowercase());
            let found = if from_end {
                hay.rfind(&needle)
            } else {
                hay.find(&needle)
            };
            Ok(found.map_or(integer(-1), count))
        }
        Value::Null => Err(null_arg(f, 0)),
        other => Err(bad_arg(
            f,
            0,
            format!("must be a string or an array, not {}", describe(other)),
        )),
    }
}

fn index_of(f: &str, a: &[Value]) -> Res {
    find(f, a, false)
}

fn last_index_of(f: &str, a: &[Value]) -> Res {
    find(f, a, true)
}

/// `startsWith` / `endsWith`: "The comparison is case-insensitive."
fn affix(f: &str, a: &[Value], end: bool) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let x = str_arg(f, a, 1)?;
    if !plain(s) || !plain(x) {
        return Err(not_plain(f));
    }
    let (s, x) = (s.to_ascii_lowercase(), x.to_ascii_lowercase());
    Ok(Value::Bool(if end {
        s.ends_with(&x)
    } else {
        s.starts_with(&x)
    }))
}

fn starts_with(f: &str, a: &[Value]) -> Res {
    affix(f, a, false)
}

fn ends_with(f: &str, a: &[Value]) -> Res {
    affix(f, a, true)
}

/// `contains(container, itemToFind)`: "The string comparison is case-sensitive. However, when
/// testing if an object contains a key, the comparison is case-insensitive."
fn contains(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    match known(arg(a, 0))? {
        Value::List(items) => holds(items, arg(a, 1))
            .map(Value::Bool)
            .map_err(Value::Unknown),
        Value::Object(map) => {
            let key = match known(arg(a, 1))? {
                Value::String(s) => s,
                Value::Null => return Err(null_arg(f, 1)),
                other => {
                    return Err(bad_arg(
                        f,
                        1,
                        format!("must be a string to find a key, not {}", describe(other)),
                    ));
                }
            };
            if map.contains_key(key.as_str()) {
                return Ok(Value::Bool(true));
            }
            if plain(key) && map.keys().all(|k| plain(k)) {
                return Ok(Value::Bool(map.keys().any(|k| k.eq_ignore_ascii_case(key))));
            }
            Err(not_plain(f))
        }
        Value::String(s) => match known(arg(a, 1))? {
            Value::String(x) => Ok(Value::Bool(s.contains(x.as_str()))),
            Value::Null => Err(null_arg(f, 1)),
            Value::Number(_) => Err(deferred(
                f,
                "finding an integer in a string is not documented for ARM",
            )),
            other => Err(bad_arg(
                f,
                1,
                format!("must be a string, not {}", describe(other)),
            )),
        },
        Value::Null => Err(null_arg(f, 0)),
        other => Err(bad_arg(
            f,
            0,
            format!(
                "must be an array, an object or a string, not {}",
                describe(other)
            ),
        )),
    }
}

/// `replace(originalString, oldString, newString)`: every occurrence. The documentation does
/// not say whether the search ignores case (the .NET default does not; Azure Policy's port of
/// the same function does), so an answer that depends on it is a deferred unknown.
fn replace(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let s = str_arg(f, a, 0)?;
    let old = str_arg(f, a, 1)?;
    let new = str_arg(f, a, 2)?;
    if old.is_empty() {
        return Err(bad_arg(f, 1, "must not be empty"));
    }
    if !plain(s) || !plain(old) {
        return Err(not_plain(f));
    }
    let sensitive = s.replace(old, new);
    // The same replacement, ignoring (ASCII) case.
    let (hay, needle) = (s.to_ascii_lowercase(), old.to_ascii_lowercase());
    let mut insensitive = String::with_capacity(sensitive.len());
    let mut last = 0;
    for (i, _) in hay.match_indices(&needle) {
        insensitive.push_str(&s[last..i]);
        insensitive.push_str(new);
        last = i + old.len();
    }
    insensitive.push_str(&s[last..]);
    if sensitive != insensitive {
        return Err(deferred(
            f,
            "the result depends on whether ARM's replace ignores case, which is not documented",
        ));
    }
    bounded(f, sensitive)
}

/// `split(inputString, delimiter)`: .NET `String.Split(string[], None)`: ordinal matching, the
/// first delimiter (in the given order) that matches at a position wins, empty pieces are kept;
/// with no non-empty delimiter, white space separates.
fn split(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let delimiters: Vec<&str> = match known(arg(a, 1))? {
        Value::String(d) => vec![d.as_str()],
        Value::List(items) => {
            let mut out = Vec::new();
            for item in items {
                match known(item)? {
                    Value::String(d) => out.push(d.as_str()),
                    Value::Null => return Err(null_arg(f, 1)),
                    other => {
                        return Err(bad_arg(
                            f,
                            1,
                            format!(
                                "must be a string or an array of strings, but holds {}",
                                describe(other)
                            ),
                        ));
                    }
                }
            }
            out
        }
        Value::Null => return Err(null_arg(f, 1)),
        other => {
            return Err(bad_arg(
                f,
                1,
                format!(
                    "must be a string or an array of strings, not {}",
                    describe(other)
                ),
            ));
        }
    };
    let delimiters: Vec<&str> = delimiters.into_iter().filter(|d| !d.is_empty()).collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let matched = if delimiters.is_empty() {
            rest.chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map(char::len_utf8)
        } else {
            delimiters
                .iter()
                .find(|d| rest.starts_with(**d))
                .map(|d| d.len())
        };
        match matched {
            Some(n) => {
                pieces.push(Value::str(&s[start..i]));
                i += n;
                start = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    pieces.push(Value::str(&s[start..]));
    Ok(Value::List(pieces))
}

/// `join(inputArray, delimiter)`: an array of strings.
fn join(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let items = list_arg(f, a, 0)?;
    let delimiter = str_arg(f, a, 1)?;
    let mut out = String::new();
    for (j, item) in items.iter().enumerate() {
        match known(item)? {
            Value::String(s) => {
                if j > 0 {
                    out.push_str(delimiter);
                }
                out.push_str(s);
            }
            Value::Null => return Err(null_arg(f, 0)),
            other => {
                return Err(fail(
                    f,
                    format!(
                        "argument 1 must be an array of strings, but element {j} is {}",
                        describe(other)
                    ),
                ));
            }
        }
        if out.len() > MAX_STRING {
            return bounded(f, out);
        }
    }
    Ok(Value::String(out))
}

/// `padLeft(valueToPad, totalLength, paddingCharacter?)`.
fn pad_left(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 3)?;
    let s = match known(arg(a, 0))? {
        Value::String(s) => s.clone(),
        Value::Number(_) => int_arg(f, a, 0)?.to_string(),
        Value::Null => return Err(null_arg(f, 0)),
        other => {
            return Err(bad_arg(
                f,
                0,
                format!("must be a string or an integer, not {}", describe(other)),
            ));
        }
    };
    let total = int_arg(f, a, 1)?;
    let pad = if a.len() == 3 {
        let p = str_arg(f, a, 2)?;
        let mut units = p.encode_utf16();
        match (units.next(), units.next(), p.chars().next()) {
            (Some(_), None, Some(c)) => c,
            _ => return Err(bad_arg(f, 2, "must be a single character")),
        }
    } else {
        ' '
    };
    if total < 0 {
        return Err(bad_arg(f, 1, format!("must not be negative, got {total}")));
    }
    if total == 0 || total > MAX_PAD {
        return Err(deferred(
            f,
            format!(
                "a total length of {total} is not evaluated (only 1 to {MAX_PAD} is known to be accepted)"
            ),
        ));
    }
    let missing = (total as usize).saturating_sub(utf16_len(&s));
    let mut out: String = std::iter::repeat_n(pad, missing).collect();
    out.push_str(&s);
    Ok(Value::String(out))
}

/// `empty(itemToTest)`: arrays, objects, strings; null is empty.
fn empty(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::Bool(match known(arg(a, 0))? {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Object(o) => o.is_empty(),
        other => {
            return Err(bad_arg(
                f,
                0,
                format!(
                    "must be an array, an object or a string, not {}",
                    describe(other)
                ),
            ));
        }
    }))
}

/// `length(arg1)`: characters (UTF-16 units) of a string, elements of an array, root-level
/// properties of an object.
fn length(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::String(s) => Ok(count(utf16_len(s))),
        Value::List(l) => Ok(count(l.len())),
        Value::Object(o) => Ok(count(o.len())),
        Value::Null => Err(null_arg(f, 0)),
        other => Err(bad_arg(
            f,
            0,
            format!(
                "must be an array, an object or a string, not {}",
                describe(other)
            ),
        )),
    }
}

/// `first` / `last`: an element of an array or a character of a string.
fn end_element(f: &str, a: &[Value], last: bool) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::List(l) => {
            let v = if last { l.last() } else { l.first() };
            v.cloned().ok_or_else(|| {
                deferred(f, "the result for an empty array is not documented for ARM")
            })
        }
        Value::String(s) => {
            let c = if last {
                s.chars().next_back()
            } else {
                s.chars().next()
            };
            match c {
                None => Ok(Value::str("")),
                Some(c) if c.len_utf16() == 1 => Ok(Value::String(c.to_string())),
                Some(_) => Err(deferred(
                    f,
                    "ARM would return half of a character outside the Basic Multilingual Plane",
                )),
            }
        }
        Value::Null => Err(null_arg(f, 0)),
        other => Err(bad_arg(
            f,
            0,
            format!("must be an array or a string, not {}", describe(other)),
        )),
    }
}

fn first(f: &str, a: &[Value]) -> Res {
    end_element(f, a, false)
}

fn last(f: &str, a: &[Value]) -> Res {
    end_element(f, a, true)
}

/// `take` / `skip`: counts of 0 or less take nothing / skip nothing; counts beyond the length
/// take everything / skip everything.
fn take_skip(f: &str, a: &[Value], take: bool) -> Res {
    arity(f, a, 2, 2)?;
    let n = int_arg(f, a, 1)?;
    match known(arg(a, 0))? {
        Value::List(l) => {
            let k = n.clamp(0, l.len() as i64) as usize;
            Ok(Value::List(if take {
                l[..k].to_vec()
            } else {
                l[k..].to_vec()
            }))
        }
        Value::String(s) => {
            let len = utf16_len(s);
            let k = n.clamp(0, len as i64) as usize;
            let (start, end) = if take { (0, k) } else { (k, len) };
            utf16_slice(s, start, end)
                .map(Value::String)
                .ok_or_else(|| {
                    deferred(
                        f,
                        "the count splits a character outside the Basic Multilingual Plane",
                    )
                })
        }
        Value::Null => Err(null_arg(f, 0)),
        other => Err(bad_arg(
            f,
            0,
            format!("must be an array or a string, not {}", describe(other)),
        )),
    }
}

fn take(f: &str, a: &[Value]) -> Res {
    take_skip(f, a, true)
}

fn skip(f: &str, a: &[Value]) -> Res {
    take_skip(f, a, false)
}

// ---------------------------------------------------------------------------------------------
// Encodings.
// ---------------------------------------------------------------------------------------------

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// .NET's `Convert.FromBase64String`: white space is ignored, the length must be a multiple of
/// four, `=` only pads the end.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let chars: Vec<u8> = s
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .collect();
    if !chars.len().is_multiple_of(4) {
        return None;
    }
    let padding = chars.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    let data = &chars[..chars.len() - padding];
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in data {
        let v = BASE64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn decode_base64_arg(f: &str, a: &[Value]) -> Result<String, Value> {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let bytes = base64_decode(s).ok_or_else(|| bad_arg(f, 0, "is not valid base64"))?;
    // .NET's UTF-8 decoder replaces invalid sequences, as `from_utf8_lossy` does.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn base64(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    bounded(f, base64_encode(str_arg(f, a, 0)?.as_bytes()))
}

fn base64_to_string(f: &str, a: &[Value]) -> Res {
    Ok(Value::String(decode_base64_arg(f, a)?))
}

fn base64_to_json(f: &str, a: &[Value]) -> Res {
    let text = decode_base64_arg(f, a)?;
    parse_json(f, &text)
}

/// `dataUri(stringToConvert)`: strings become `data:text/plain;charset=utf8;base64,...`.
fn data_uri(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::String(s) => bounded(
            f,
            format!(
                "data:text/plain;charset=utf8;base64,{}",
                base64_encode(s.as_bytes())
            ),
        ),
        _ => Err(deferred(
            f,
            "data URIs of values other than strings are not modelled",
        )),
    }
}

/// `dataUriToString(dataUriToConvert)`: base64 data URIs in UTF-8.
fn data_uri_to_string(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let invalid = || bad_arg(f, 0, "is not a data URI");
    if s.len() < 5 || !s.is_char_boundary(5) || !s[..5].eq_ignore_ascii_case("data:") {
        return Err(invalid());
    }
    let rest = &s[5..];
    let (meta, data) = rest.split_once(',').ok_or_else(invalid)?;
    let tokens: Vec<&str> = meta.split(';').collect();
    if !tokens
        .last()
        .is_some_and(|t| t.eq_ignore_ascii_case("base64"))
    {
        return Err(deferred(
            f,
            "data URIs that are not base64-encoded are not modelled",
        ));
    }
    for t in &tokens[..tokens.len() - 1] {
        let charset = t
            .get(..8)
            .filter(|p| p.eq_ignore_ascii_case("charset="))
            .map(|_| &t[8..]);
        if let Some(charset) = charset
            && !charset.eq_ignore_ascii_case("utf-8")
            && !charset.eq_ignore_ascii_case("utf8")
        {
            return Err(deferred(
                f,
                format!("the charset {charset:?} is not modelled"),
            ));
        }
    }
    let bytes = base64_decode(data).ok_or_else(|| bad_arg(f, 0, "holds invalid base64 data"))?;
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// `uriComponent(stringToEncode)`: .NET's `Uri.EscapeDataString`, which keeps only RFC 3986's
/// unreserved characters.
fn uri_component(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    bounded(f, out)
}

/// `uriComponentToString(uriEncodedString)`: percent-decoding. `+`, malformed escapes and
/// escapes that are not UTF-8 are read differently by .NET's decoders, so they are not
/// evaluated.
fn uri_component_to_string(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let unsure = |what: &str| deferred(f, format!("decoding {what} is not modelled"));
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) if b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                        out.push(v);
                        i += 3;
                    }
                    _ => return Err(unsure("a malformed escape")),
                }
            }
            b'+' => return Err(unsure("`+`")),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Value::String)
        .map_err(|_| unsure("escapes that are not UTF-8"))
}

/// `uri(baseUri, relativeUri)`: RFC 3986 reference resolution as .NET's `Uri` performs it, for
/// http and https URIs made of characters .NET neither escapes nor unescapes (anything else is
/// a deferred unknown). The scheme and host are lower-cased and the default port dropped, as
/// `Uri.AbsoluteUri` does.
fn uri(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let base = str_arg(f, a, 0)?;
    let relative = str_arg(f, a, 1)?;
    let unsure = || deferred(f, "resolving this URI is not modelled");
    let safe = |s: &str| {
        s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'.'
                        | b'_'
                        | b'~'
                        | b'/'
                        | b':'
                        | b'?'
                        | b'&'
                        | b'='
                        | b'+'
                        | b','
                        | b';'
                )
        })
    };
    let Some((scheme, rest)) = base.split_once("://") else {
        return Err(bad_arg(f, 0, format!("{base:?} is not an absolute URI")));
    };
    if scheme.is_empty()
        || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return Err(bad_arg(f, 0, format!("{base:?} is not an absolute URI")));
    }
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return Err(unsure()),
    };
    if !safe(base) || !safe(relative) {
        return Err(unsure());
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_query) = rest.split_at(authority_end);
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() && p.bytes().all(|b| b.is_ascii_digit()) => {
            (h, Some(p))
        }
        Some(_) => return Err(unsure()),
        None => (authority, None),
    };
    if host.is_empty() {
        return Err(bad_arg(f, 0, format!("{base:?} has no host")));
    }
    let mut authority = host.to_ascii_lowercase();
    if let Some(p) = port
        .and_then(|p| p.parse::<u16>().ok())
        .map(|p| p.to_string())
        .filter(|p| p != default_port)
    {
        authority.push(':');
        authority.push_str(&p);
    }
    let (base_path, base_query) = match path_query.find('?') {
        Some(i) => path_query.split_at(i),
        None => (path_query, ""),
    };
    let base_path = if base_path.is_empty() { "/" } else { base_path };
    // .NET Framework dropped trailing dots from path segments (`a./` became `a/`); newer .NET
    // keeps them.
    let relative_path = relative.split('?').next().unwrap_or("");
    if [base_path, relative_path]
        .iter()
        .flat_map(|p| p.split('/'))
        .any(|segment| segment.ends_with('.') && segment != "." && segment != "..")
    {
        return Err(unsure());
    }
    let (path, query) = if relative.is_empty() {
        (remove_dot_segments(base_path), base_query.to_string())
    } else if relative
        .find(':')
        .is_some_and(|i| !relative[..i].contains(['/', '?']))
    {
        // The relative reference has a scheme of its own: an absolute URI.
        return Err(unsure());
    } else if relative.starts_with("//") {
        return Err(unsure());
    } else {
        let (rel_path, rel_query) = match relative.find('?') {
            Some(i) => relative.split_at(i),
            None => (relative, ""),
        };
        if rel_path.is_empty() {
            (remove_dot_segments(base_path), rel_query.to_string())
        } else if rel_path.starts_with('/') {
            (remove_dot_segments(rel_path), rel_query.to_string())
        } else {
            let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
            (
                remove_dot_segments(&format!("{dir}{rel_path}")),
                rel_query.to_string(),
            )
        }
    };
    bounded(f, format!("{scheme}://{authority}{path}{query}"))
}

/// RFC 3986 section 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut out: Vec<&str> = Vec::new();
    while !input.is_empty() {
        if let Some(rest) = input
            .strip_prefix("../")
            .or_else(|| input.strip_prefix("./"))
        {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            out.pop();
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            out.push(&input[..end]);
            input = &input[end..];
        }
    }
    out.concat()
}

// ---------------------------------------------------------------------------------------------
// Deterministic identifiers.
// ---------------------------------------------------------------------------------------------

fn joined_strings(f: &str, a: &[Value]) -> Result<String, Value> {
    arity(f, a, 1, usize::MAX)?;
    let mut parts = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        parts.push(str_arg(f, a, i)?);
    }
    Ok(parts.join("-"))
}

/// `guid(baseString, ...)`: ARM's GUID is the version-5 (SHA-1, name-based) UUID of the
/// arguments joined with `-`, in the namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830.
fn guid(f: &str, a: &[Value]) -> Res {
    let name = joined_strings(f, a)?;
    let mut input = GUID_NAMESPACE.to_vec();
    input.extend_from_slice(name.as_bytes());
    let hash = sha1(&input);
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{byte:02x}");
    }
    Ok(Value::String(out))
}

/// `uniqueString(baseString, ...)`: ARM's 64-bit MurmurHash variant of the arguments joined
/// with `-`, as 13 base-32 characters (`a`-`z`, `2`-`7`).
fn unique_string(f: &str, a: &[Value]) -> Res {
    let input = joined_strings(f, a)?;
    if utf16_len(&input) > MAX_UNIQUE_INPUT {
        return Err(fail(
            f,
            format!("the joined input is longer than {MAX_UNIQUE_INPUT} characters"),
        ));
    }
    let mut h = murmur64(input.as_bytes());
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(13);
    for _ in 0..13 {
        out.push(char::from(ALPHABET[(h >> 59) as usize]));
        h <<= 5;
    }
    Ok(Value::String(out))
}

/// The MurmurHash variant behind `uniqueString` (two 32-bit lanes, seed 0).
fn murmur64(data: &[u8]) -> u64 {
    const C1: u32 = 597_399_067;
    const C2: u32 = 2_869_860_233;
    let le = |b: &[u8]| b.iter().rev().fold(0u32, |n, &x| (n << 8) | u32::from(x));
    let len = data.len();
    let (mut h1, mut h2) = (0u32, 0u32);
    let mut i = 0;
    while i + 7 < len {
        let k1 = le(&data[i..i + 4]);
        let k2 = le(&data[i + 4..i + 8]);
        h1 = (h1 ^ k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2))
            .rotate_left(19)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(1_444_728_091);
        h2 = (h2 ^ k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1))
            .rotate_left(13)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(197_830_471);
        i += 8;
    }
    let rest = &data[i..];
    if !rest.is_empty() {
        let k1 = le(&rest[..rest.len().min(4)]);
        h1 ^= k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        if rest.len() > 4 {
            let k2 = le(&rest[4..]);
            h2 ^= k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        }
    }
    let fmix = |mut h: u32| {
        h = (h ^ (h >> 16)).wrapping_mul(2_246_822_507);
        h = (h ^ (h >> 13)).wrapping_mul(3_266_489_909);
        h ^ (h >> 16)
    };
    h1 ^= len as u32;
    h2 ^= len as u32;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (u64::from(h2) << 32) | u64::from(h1)
}

/// SHA-1 (FIPS 180-4), for `guid()`'s name-based UUIDs.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (t, &wt) in w.iter().enumerate() {
            let (fv, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(fv)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wt);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Values known only at deployment.
// ---------------------------------------------------------------------------------------------

fn new_guid(f: &str, a: &[Value]) -> Res {
    arity(f, a, 0, 0)?;
    Err(deferred(f, "the value is known only at deployment"))
}

fn utc_now(f: &str, a: &[Value]) -> Res {
    arity(f, a, 0, 1)?;
    if !a.is_empty() {
        str_arg(f, a, 0)?;
    }
    Err(deferred(f, "the value is known only at deployment"))
}

/// `dateTimeAdd(base, duration, [format])`: as documented, a year is 365 days and a month 30
/// (leap years are not considered); the result is written `yyyy-MM-ddTHH:mm:ssZ`, as the
/// documentation's examples show. A custom output format, a base with fractions of a second or
/// an offset, and fractional durations are not evaluated.
fn date_time_add(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 3)?;
    let (base, duration) = (str_arg(f, a, 0)?, str_arg(f, a, 1)?);
    if a.len() == 3 {
        str_arg(f, a, 2)?;
        return Err(deferred(
            f,
            "custom output formats are not evaluated by foundry-lint",
        ));
    }
    let start = match parse_utc(base) {
        Some(t) if base.len() == 20 => t,
        _ => {
            return Err(deferred(
                f,
                format!(
                    "{base:?} is not a UTC time of the form yyyy-MM-ddTHH:mm:ssZ, the only form foundry-lint reads"
                ),
            ));
        }
    };
    let seconds = iso_duration(duration).ok_or_else(|| {
        deferred(
            f,
            format!("{duration:?} is not an ISO 8601 duration of whole units"),
        )
    })?;
    date_time_from_epoch(f, &[integer(start.saturating_add(seconds))])
}

/// Seconds of an ISO 8601 duration (`P1Y2M3W4DT5H6M7S`, optionally negative) with ARM's
/// year of 365 days and month of 30.
fn iso_duration(s: &str) -> Option<i64> {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let part = |text: &str, units: &[(char, i64)]| -> Option<i64> {
        let mut total: i64 = 0;
        let mut number = String::new();
        let mut next_unit = 0;
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let at = units[next_unit..].iter().position(|(u, _)| *u == c)? + next_unit;
            let n: i64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(units[at].1)?)?;
            number.clear();
            next_unit = at + 1;
        }
        number.is_empty().then_some(total)
    };
    const DAY: i64 = 86_400;
    let mut total = part(
        date,
        &[
            ('Y', 365 * DAY),
            ('M', 30 * DAY),
            ('W', 7 * DAY),
            ('D', DAY),
        ],
    )?;
    if let Some(time) = time {
        total = total.checked_add(part(time, &[('H', 3600), ('M', 60), ('S', 1)])?)?;
    }
    (!rest.is_empty()).then_some(sign * total)
}

/// Seconds since the Unix epoch of an ISO 8601 UTC time `yyyy-MM-ddTHH:mm:ss[.fff]Z` (a space
/// may replace the `T`). Other forms (offsets, local times) are not read.
fn parse_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || !s.ends_with(['Z', 'z']) {
        return None;
    }
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let fraction = &s[19..s.len() - 1];
    if !(fraction.is_empty()
        || (fraction.starts_with('.') && fraction[1..].bytes().all(|c| c.is_ascii_digit())))
    {
        return None;
    }
    let days_in_month = match mo {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if d < 1 || d > days_in_month || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + sec)
}

/// `dateTimeToEpoch(dateTime)`: whole seconds since 1970-01-01T00:00:00Z.
fn date_time_to_epoch(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    parse_utc(s).map(integer).ok_or_else(|| {
        deferred(
            f,
            format!("{s:?} is not a UTC time of the form yyyy-MM-ddTHH:mm:ssZ, the only form foundry-lint reads"),
        )
    })
}

/// `dateTimeFromEpoch(epochTime)`: the UTC time, as ARM writes it (`2023-05-02T15:16:13Z`).
fn date_time_from_epoch(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let t = int_arg(f, a, 0)?;
    // Years 1 to 9999, as .NET's DateTime.
    if !(-62_135_596_800..=253_402_300_799).contains(&t) {
        return Err(fail(f, format!("{t} is outside the years 1 to 9999")));
    }
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    Ok(Value::String(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )))
}

// ---------------------------------------------------------------------------------------------
// Arrays and objects.
// ---------------------------------------------------------------------------------------------

/// `array(convertToArray)`: an array stays as it is; anything else becomes a one-element array.
fn array(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    Ok(match known(arg(a, 0))? {
        Value::List(l) => Value::List(l.clone()),
        other => Value::List(vec![other.clone()]),
    })
}

fn create_array(_f: &str, a: &[Value]) -> Res {
    Ok(Value::List(a.to_vec()))
}

/// `createObject(key1, value1, ...)`: an even number of arguments, string keys.
fn create_object(f: &str, a: &[Value]) -> Res {
    if !a.len().is_multiple_of(2) {
        return Err(fail(
            f,
            format!(
                "expects an even number of arguments (keys and values), got {}",
                a.len()
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (pair, kv) in a.chunks_exact(2).enumerate() {
        let key = str_arg(f, a, 2 * pair)?;
        if out.insert(key.to_string(), kv[1].clone()).is_some() {
            return Err(fail(f, format!("the key {key:?} appears more than once")));
        }
    }
    Ok(Value::Object(out))
}

/// The common kind of the collections `union` and `intersection` take.
enum Collections<'a> {
    Arrays(Vec<&'a [Value]>),
    Objects(Vec<&'a BTreeMap<String, Value>>),
}

fn collections<'a>(f: &str, a: &'a [Value]) -> Result<Collections<'a>, Value> {
    arity(f, a, 2, usize::MAX)?;
    for v in a {
        known(v)?;
    }
    if a.iter().all(|v| matches!(v, Value::List(_))) {
        return Ok(Collections::Arrays(
            a.iter().filter_map(Value::as_list).collect(),
        ));
    }
    if a.iter().all(|v| matches!(v, Value::Object(_))) {
        return Ok(Collections::Objects(
            a.iter().filter_map(Value::as_object).collect(),
        ));
    }
    if let Some(i) = a.iter().position(|v| matches!(v, Value::Null)) {
        return Err(null_arg(f, i));
    }
    Err(fail(f, "arguments must be all arrays or all objects"))
}

/// `union(arg1, arg2, ...)`: arrays keep the first occurrence of each value, in order; objects
/// are merged, later values winning, nested objects merged recursively (arrays inside are
/// replaced, not merged), as documented.
fn union(f: &str, a: &[Value]) -> Res {
    match collections(f, a)? {
        Collections::Arrays(arrays) => Ok(Value::List(distinct(
            f,
            arrays.into_iter().flat_map(|l| l.iter().cloned()),
        )?)),
        Collections::Objects(objects) => {
            let mut out = BTreeMap::new();
            for o in objects {
                merge_into(f, &mut out, o, 0)?;
            }
            Ok(Value::Object(out))
        }
    }
}

fn merge_into(
    f: &str,
    target: &mut BTreeMap<String, Value>,
    patch: &BTreeMap<String, Value>,
    depth: usize,
) -> Result<(), Value> {
    if depth > MAX_DEPTH {
        return Err(deferred(f, "the objects are nested too deeply to merge"));
    }
    for (k, v) in patch {
        match target.get_mut(k) {
            Some(existing) => match (&mut *existing, v) {
                (Value::Unknown(_), _) => return Err(existing.clone()),
                (_, Value::Unknown(_)) => return Err(v.clone()),
                (Value::Object(t), Value::Object(p)) => merge_into(f, t, p, depth + 1)?,
                (Value::Object(_), _) | (_, Value::Object(_)) => {
                    return Err(deferred(
                        f,
                        format!(
                            "merging the object under {k:?} with a value that is not an object is not modelled"
                        ),
                    ));
                }
                _ => *existing = v.clone(),
            },
            None => {
                if target.keys().any(|t| same_key_ignoring_case(t, k)) {
                    return Err(deferred(
                        f,
                        format!(
                            "ARM merges keys ignoring case, and which spelling of {k:?} it keeps is not documented"
                        ),
                    ));
                }
                target.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

/// `intersection(arg1, arg2, ...)`: the values (arrays) or key/value pairs (objects) every
/// argument has, in the order of the first.
fn intersection(f: &str, a: &[Value]) -> Res {
    match collections(f, a)? {
        Collections::Arrays(arrays) => {
            let others: Vec<Members> = arrays[1..].iter().map(|l| Members::new(l)).collect();
            let mut out = Vec::new();
            for v in distinct(f, arrays[0].iter().cloned())? {
                let mut everywhere = true;
                for other in &others {
                    if !other.holds(&v).map_err(Value::Unknown)? {
                        everywhere = false;
                        break;
                    }
                }
                if everywhere {
                    out.push(v);
                }
            }
            Ok(Value::List(out))
        }
        Collections::Objects(objects) => {
            let mut out = BTreeMap::new();
            for (k, v) in objects[0] {
                let mut everywhere = true;
                for other in &objects[1..] {
                    let same = match other.get(k) {
                        Some(w) => equals(v, w).map_err(Value::Unknown)?,
                        None => false,
                    };
                    if !same {
                        everywhere = false;
                        break;
                    }
                }
                if everywhere {
                    out.insert(k.clone(), v.clone());
                }
            }
            Ok(Value::Object(out))
        }
    }
}

/// `range(startIndex, count)`: "The sum of startIndex and count must be no greater than
/// 2147483647"; count "must be non-negative integer up to 10000".
fn range(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let start = int_arg(f, a, 0)?;
    let n = int_arg(f, a, 1)?;
    if start < i64::from(i32::MIN) || start > i64::from(i32::MAX) {
        return Err(bad_arg(f, 0, "must be a 32-bit integer"));
    }
    if !(0..=MAX_RANGE).contains(&n) {
        return Err(bad_arg(
            f,
            1,
            format!("must be between 0 and {MAX_RANGE}, got {n}"),
        ));
    }
    if start + n > i64::from(i32::MAX) {
        return Err(fail(
            f,
            "the sum of startIndex and count must be no greater than 2147483647",
        ));
    }
    Ok(Value::List((start..start + n).map(integer).collect()))
}

/// `min` / `max`: integers given as arguments or as one array.
fn extremum(f: &str, a: &[Value], max: bool) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let items: &[Value] = match a {
        [Value::List(l)] => l,
        [Value::Unknown(_)] => return Err(a[0].clone()),
        _ => a,
    };
    if items.is_empty() {
        return Err(fail(f, "expects at least one number"));
    }
    let mut best: Option<f64> = None;
    let mut pending = None;
    for (i, v) in items.iter().enumerate() {
        match v {
            Value::Number(n) => {
                best = Some(match best {
                    None => *n,
                    Some(b) if max => b.max(*n),
                    Some(b) => b.min(*n),
                });
            }
            Value::Unknown(_) => {
                pending.get_or_insert_with(|| v.clone());
            }
            other => {
                return Err(fail(
                    f,
                    format!(
                        "expects integers, but value {} is {}",
                        i + 1,
                        describe(other)
                    ),
                ));
            }
        }
    }
    match (pending, best) {
        (Some(u), _) => Err(u),
        (None, Some(b)) => Ok(Value::Number(b)),
        (None, None) => Err(fail(f, "expects at least one number")),
    }
}

fn min(f: &str, a: &[Value]) -> Res {
    extremum(f, a, false)
}

fn max(f: &str, a: &[Value]) -> Res {
    extremum(f, a, true)
}

/// Keys in the order ARM sorts them, when that order is certain (see `key_order`).
fn sorted_keys<'a>(f: &str, o: &'a BTreeMap<String, Value>) -> Result<Vec<&'a String>, Value> {
    let keys: Vec<&String> = o.keys().collect();
    for pair in keys.windows(2) {
        if key_order(pair[0], pair[1]) != Some(Ordering::Less) {
            return Err(deferred(
                f,
                format!(
                    "the order of the keys {:?} and {:?} depends on sorting rules ARM does not document",
                    pair[0], pair[1]
                ),
            ));
        }
    }
    Ok(keys)
}

/// `items(object)`: `[{key, value}, ...]`, sorted by key.
fn items(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let o = obj_arg(f, a, 0)?;
    let keys = sorted_keys(f, o)?;
    Ok(Value::List(
        keys.into_iter()
            .map(|k| {
                Value::Object(BTreeMap::from([
                    ("key".to_string(), Value::String(k.clone())),
                    ("value".to_string(), o[k].clone()),
                ]))
            })
            .collect(),
    ))
}

/// `objectKeys(object)`: ARM lists the keys in the template's order, which `Value` does not
/// keep; only objects with at most one key are certain.
fn object_keys(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let o = obj_arg(f, a, 0)?;
    if o.len() > 1 {
        return Err(deferred(
            f,
            "the keys come in the template's order, which foundry-lint does not keep",
        ));
    }
    Ok(Value::List(o.keys().cloned().map(Value::String).collect()))
}

/// `distinct(array)`: the first occurrence of each value, in order.
fn distinct_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::List(distinct(
        f,
        list_arg(f, a, 0)?.iter().cloned(),
    )?))
}

/// `like(input, pattern)`: whether the whole input matches a pattern where `*` stands for any
/// run of characters, ignoring case. Case folding beyond ASCII is .NET's and is not modelled.
fn like(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let (input, pattern) = (str_arg(f, a, 0)?, str_arg(f, a, 1)?);
    if !input.is_ascii() || !pattern.is_ascii() {
        return Err(deferred(
            f,
            "case-insensitive matching of non-ASCII text is not modelled",
        ));
    }
    let (input, pattern) = (input.to_ascii_lowercase(), pattern.to_ascii_lowercase());
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = input.strip_prefix(first) else {
        return Ok(Value::Bool(false));
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, middle)) = middle.split_last() else {
        return Ok(Value::Bool(rest.is_empty()));
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return Ok(Value::Bool(false)),
        }
    }
    Ok(Value::Bool(
        rest.len() >= last.len() && rest.ends_with(last),
    ))
}

/// Resource names after the type in `xResourceId(..., type, name1, name2)`.
fn id_names<'a>(f: &str, a: &'a [Value], from: usize) -> Result<Vec<&'a str>, Value> {
    (from..a.len()).map(|i| str_arg(f, a, i)).collect()
}

/// `tenantResourceId(resourceType, resourceName1, ...)`.
fn tenant_resource_id(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, usize::MAX)?;
    let ty = str_arg(f, a, 0)?;
    Ok(Value::String(super::template::extension_id(
        "",
        ty,
        &id_names(f, a, 1)?,
    )))
}

/// `managementGroupResourceId([managementGroupName], resourceType, resourceName1, ...)`:
/// without a group name it is the deployment's management group, known only at deployment.
fn management_group_resource_id(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, usize::MAX)?;
    let first = str_arg(f, a, 0)?;
    if first.contains('/') {
        return Err(deferred(
            f,
            "without a group name the id is in the deployment's management group, known only at deployment",
        ));
    }
    let ty = str_arg(f, a, 1)?;
    Ok(Value::String(super::template::extension_id(
        &format!("/providers/Microsoft.Management/managementGroups/{first}"),
        ty,
        &id_names(f, a, 2)?,
    )))
}

/// `flatten(arrayToFlatten)`: an array of arrays becomes one array, in order.
fn flatten(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let mut out = Vec::new();
    for (i, item) in list_arg(f, a, 0)?.iter().enumerate() {
        match known(item)? {
            Value::List(inner) => out.extend(inner.iter().cloned()),
            other => {
                return Err(fail(
                    f,
                    format!("element {i} must be an array, not {}", describe(other)),
                ));
            }
        }
    }
    Ok(Value::List(out))
}

/// `shallowMerge(arrayOfObjects)`: the objects' top-level properties, later ones winning
/// (nested objects are replaced, not merged, unlike `union`).
fn shallow_merge(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for (i, item) in list_arg(f, a, 0)?.iter().enumerate() {
        let Value::Object(o) = known(item)? else {
            return Err(fail(
                f,
                format!("element {i} must be an object, not {}", describe(item)),
            ));
        };
        for (k, v) in o {
            if out
                .keys()
                .any(|key| key != k && same_key_ignoring_case(key, k))
            {
                return Err(deferred(
                    f,
                    format!("which spelling of the key {k:?} ARM keeps is not documented"),
                ));
            }
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

/// One step of a safe access: `Ok(None)` when the key or index is absent (null to the
/// caller), the value otherwise. An index may be `{"value": n, "fromEnd": true}` (compiled
/// Bicep's `[?^n]` inside a chain): the n-th element from the end, 1-based.
fn safe_step(f: &str, base: &Value, key: &Value) -> Result<Option<Value>, Value> {
    let (key, from_end) = match known(key)? {
        Value::Object(o) if o.keys().any(|k| k.eq_ignore_ascii_case("fromEnd")) => {
            let get = |name: &str| {
                o.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            };
            let from_end = matches!(get("fromEnd"), Some(Value::Bool(true)));
            (known(get("value").unwrap_or(&NULL))?, from_end)
        }
        key => (key, false),
    };
    match (known(base)?, key) {
        (Value::Null, _) => Ok(None),
        (Value::Object(o), Value::String(k)) => Ok(o
            .iter()
            .find(|(name, _)| same_key_ignoring_case(name, k))
            .map(|(_, v)| v.clone())),
        (Value::List(items), Value::Number(_)) => {
            let n = int_value(f, 1, key)?;
            let index = if from_end {
                i64::try_from(items.len()).unwrap_or(i64::MAX) - n
            } else {
                n
            };
            Ok(usize::try_from(index)
                .ok()
                .filter(|_| !from_end || n >= 1)
                .and_then(|i| items.get(i))
                .cloned())
        }
        (Value::Object(_), other) => Err(fail(
            f,
            format!("an object's key must be a string, not {}", describe(other)),
        )),
        (Value::List(_), other) => Err(fail(
            f,
            format!(
                "an array's index must be an integer, not {}",
                describe(other)
            ),
        )),
        (other, _) => Err(fail(
            f,
            format!("cannot read a key or index of {}", describe(other)),
        )),
    }
}

/// Safe access along `keys` from `base`: null as soon as a step finds nothing.
fn safe_chain(f: &str, base: Value, keys: &[Value]) -> Res {
    let mut current = base;
    for key in keys {
        match safe_step(f, &current, key)? {
            Some(v) => current = v,
            None => return Ok(Value::Null),
        }
    }
    Ok(current)
}

/// `tryGet(itemToTest, keyOrIndex, ...)`: the value at the key (object) or index (array), or
/// null when it is absent or the item is null; more keys continue the chain (compiled Bicep's
/// `a.?b.c`).
fn try_get(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, usize::MAX)?;
    safe_chain(f, a[0].clone(), &a[1..])
}

/// `tryIndexFromEnd(sourceArray, reverseIndex, ...)`: the element `reverseIndex` from the end
/// (1 is the last), or null when there is none; more keys continue the chain.
fn try_index_from_end(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, usize::MAX)?;
    let first = Value::Object(BTreeMap::from([
        ("value".to_string(), a[1].clone()),
        ("fromEnd".to_string(), Value::Bool(true)),
    ]));
    if !matches!(known(&a[0])?, Value::List(_) | Value::Null) {
        return Err(bad_arg(
            f,
            0,
            format!("must be an array, not {}", describe(&a[0])),
        ));
    }
    let mut keys = vec![first];
    keys.extend(a[2..].iter().cloned());
    safe_chain(f, a[0].clone(), &keys)
}

/// `indexFromEnd(sourceArray, reverseIndex)`: the element `reverseIndex` from the end (1 is
/// the last); an index outside the array fails the deployment, as `[i]` does.
fn index_from_end(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let items = list_arg(f, a, 0)?;
    let n = int_arg(f, a, 1)?;
    usize::try_from(n)
        .ok()
        .filter(|&n| n >= 1 && n <= items.len())
        .map(|n| items[items.len() - n].clone())
        .ok_or_else(|| {
            fail(
                f,
                format!(
                    "index {n} from the end is outside an array of {}",
                    items.len()
                ),
            )
        })
}

/// `json(arg1)`.
fn json(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    parse_json(f, s)
}

/// JSON text as ARM (Newtonsoft.Json) reads it. Strict JSON is read with serde_json. Newtonsoft
/// also accepts comments, single-quoted strings and unquoted property names (the documentation
/// of `base64ToJson` relies on single quotes); text that needs more leniency than that is a
/// deferred unknown, and text no lenient reading accepts is an error.
fn parse_json(f: &str, text: &str) -> Res {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        return Ok(Value::from(v));
    }
    let depth = text
        .bytes()
        .scan(0usize, |d, b| {
            match b {
                b'[' | b'{' => *d += 1,
                b']' | b'}' => *d = d.saturating_sub(1),
                _ => {}
            }
            Some(*d)
        })
        .max()
        .unwrap_or(0);
    if depth > MAX_JSON_DEPTH {
        return Err(deferred(f, "the JSON text is nested too deeply to read"));
    }
    let newtonsoft = jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: true,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: true,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    if let Ok(Some(v)) = jsonc_parser::parse_to_value(text, &newtonsoft) {
        return from_jsonc(f, v);
    }
    let lenient = jsonc_parser::ParseOptions::default();
    if let Ok(Some(_)) = jsonc_parser::parse_to_value(text, &lenient) {
        return Err(deferred(
            f,
            "the text is not strict JSON, and whether ARM's JSON reader accepts it is not modelled",
        ));
    }
    Err(fail(f, "the argument is not valid JSON"))
}

fn from_jsonc(f: &str, v: jsonc_parser::JsonValue<'_>) -> Res {
    use jsonc_parser::JsonValue as J;
    Ok(match v {
        J::Null => Value::Null,
        J::Boolean(b) => Value::Bool(b),
        J::String(s) => Value::String(s.into_owned()),
        J::Number(n) => match n.parse::<f64>() {
            Ok(x) if x.is_finite() => Value::Number(x),
            _ => return Err(deferred(f, format!("the number {n} is not modelled"))),
        },
        J::Array(items) => Value::List(
            items
                .into_iter()
                .map(|v| from_jsonc(f, v))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(map) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                out.insert(k.into_owned(), from_jsonc(f, v)?);
            }
            Value::Object(out)
        }
    })
}

fn null(f: &str, a: &[Value]) -> Res {
    arity(f, a, 0, 0)?;
    Ok(Value::Null)
}

// ---------------------------------------------------------------------------------------------
// Logic and comparison.
// ---------------------------------------------------------------------------------------------

fn true_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 0, 0)?;
    Ok(Value::Bool(true))
}

fn false_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 0, 0)?;
    Ok(Value::Bool(false))
}

/// `coalesce(arg1, ...)`: the first argument that is not null.
fn coalesce(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    for v in a {
        match v {
            Value::Null => {}
            Value::Unknown(_) => return Err(v.clone()),
            v => return Ok(v.clone()),
        }
    }
    Ok(Value::Null)
}

/// `if(condition, trueValue, falseValue)`: only the chosen branch matters. With an unknown
/// condition the result is still known when both branches are the same known value.
fn if_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    match &a[0] {
        Value::Bool(true) => Ok(a[1].clone()),
        Value::Bool(false) => Ok(a[2].clone()),
        Value::Unknown(u) if !u.is_error() => match equals(&a[1], &a[2]) {
            Ok(true) => {
                wholly_known(&a[1])?;
                Ok(a[1].clone())
            }
            _ => Err(a[0].clone()),
        },
        Value::Unknown(_) => Err(a[0].clone()),
        other => Err(bad_arg(
            f,
            0,
            format!("must be a bool, not {}", describe(other)),
        )),
    }
}

/// `and` / `or`: at least two booleans. A known deciding value (false for `and`, true for
/// `or`) decides even when other arguments are unknown.
fn logic(f: &str, a: &[Value], decisive: bool) -> Res {
    arity(f, a, 2, usize::MAX)?;
    let mut decided = false;
    let mut pending = None;
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::Bool(b) => decided |= *b == decisive,
            Value::Unknown(_) => {
                pending.get_or_insert_with(|| v.clone());
            }
            other => {
                return Err(bad_arg(
                    f,
                    i,
                    format!("must be a bool, not {}", describe(other)),
                ));
            }
        }
    }
    if decided {
        return Ok(Value::Bool(decisive));
    }
    match pending {
        Some(u) => Err(u),
        None => Ok(Value::Bool(!decisive)),
    }
}

fn and(f: &str, a: &[Value]) -> Res {
    logic(f, a, false)
}

fn or(f: &str, a: &[Value]) -> Res {
    logic(f, a, true)
}

fn not(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::Bool(!bool_arg(f, a, 0)?))
}

/// `equals(arg1, arg2)`: deep equality; strings are compared case-sensitively.
fn equals_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    equals(&a[0], &a[1])
        .map(Value::Bool)
        .map_err(Value::Unknown)
}

/// `less` and friends: two integers, or two strings compared under .NET's invariant culture
/// (see `culture_cmp`).
fn compare(f: &str, a: &[Value], test: fn(Ordering) -> bool) -> Res {
    arity(f, a, 2, 2)?;
    let x = known(&a[0])?;
    let y = known(&a[1])?;
    let order = match (x, y) {
        (Value::Number(p), Value::Number(q)) => p.partial_cmp(q),
        (Value::String(p), Value::String(q)) => match culture_cmp(p, q) {
            Some(o) => Some(o),
            None => {
                return Err(deferred(
                    f,
                    "the order of these strings depends on .NET culture rules, which foundry-lint models only for letters and digits",
                ));
            }
        },
        (Value::Number(_) | Value::String(_), Value::Number(_) | Value::String(_)) => {
            return Err(fail(f, "cannot compare a string with a number"));
        }
        (Value::Number(_) | Value::String(_), other) => {
            return Err(bad_arg(
                f,
                1,
                format!("must be an integer or a string, not {}", describe(other)),
            ));
        }
        (other, _) => {
            return Err(bad_arg(
                f,
                0,
                format!("must be an integer or a string, not {}", describe(other)),
            ));
        }
    };
    order
        .map(|o| Value::Bool(test(o)))
        .ok_or_else(|| fail(f, "the numbers cannot be compared"))
}

fn less(f: &str, a: &[Value]) -> Res {
    compare(f, a, Ordering::is_lt)
}

fn less_or_equals(f: &str, a: &[Value]) -> Res {
    compare(f, a, Ordering::is_le)
}

fn greater(f: &str, a: &[Value]) -> Res {
    compare(f, a, Ordering::is_gt)
}

fn greater_or_equals(f: &str, a: &[Value]) -> Res {
    compare(f, a, Ordering::is_ge)
}

/// `bool(arg1)`: booleans, the strings `true`/`false` in any case, and integers (0 is false).
fn bool_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) => {
            let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
            if t.eq_ignore_ascii_case("true") {
                Ok(Value::Bool(true))
            } else if t.eq_ignore_ascii_case("false") {
                Ok(Value::Bool(false))
            } else {
                Err(bad_arg(
                    f,
                    0,
                    format!("{s:?} cannot be converted to a bool"),
                ))
            }
        }
        Value::Number(n) => Ok(Value::Bool(*n != 0.0)),
        Value::Null => Err(null_arg(f, 0)),
        other => Err(bad_arg(
            f,
            0,
            format!("cannot convert {} to a bool", describe(other)),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers.
// ---------------------------------------------------------------------------------------------

/// `add`, `sub`, `mul`, `div` (integer division, truncating), `mod`: 64-bit integers; overflow
/// and division by zero are errors.
fn arithmetic(f: &str, a: &[Value], op: fn(i64, i64) -> Option<i64>) -> Res {
    arity(f, a, 2, 2)?;
    let x = int_arg(f, a, 0)?;
    let y = int_arg(f, a, 1)?;
    if y == 0 && matches!(f, "div" | "mod") {
        return Err(fail(f, "division by zero"));
    }
    match op(x, y) {
        Some(r) => exact(f, i128::from(r)),
        None => Err(fail(f, "the result overflows a 64-bit integer")),
    }
}

fn add(f: &str, a: &[Value]) -> Res {
    arithmetic(f, a, i64::checked_add)
}

fn sub(f: &str, a: &[Value]) -> Res {
    arithmetic(f, a, i64::checked_sub)
}

fn mul(f: &str, a: &[Value]) -> Res {
    arithmetic(f, a, i64::checked_mul)
}

fn div(f: &str, a: &[Value]) -> Res {
    arithmetic(f, a, i64::checked_div)
}

fn modulo(f: &str, a: &[Value]) -> Res {
    arithmetic(f, a, i64::checked_rem)
}

/// `int(valueToConvert)`: integers, and strings as .NET's `long.Parse` reads them (white
/// space around, an optional sign, ASCII digits).
fn int_fn(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::Number(n) if n.fract() == 0.0 => exact(f, *n as i128),
        Value::Number(_) => Err(deferred(
            f,
            "converting a non-integer number is not documented for ARM",
        )),
        Value::String(s) => {
            let t = s.trim_matches(|c: char| matches!(c, '\t'..='\r' | ' '));
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_arg(
                    f,
                    0,
                    format!("{s:?} cannot be converted to an integer"),
                ));
            }
            match t.parse::<i64>() {
                Ok(n) => exact(f, i128::from(n)),
                Err(_) => Err(bad_arg(
                    f,
                    0,
                    format!("{s:?} is out of the range of a 64-bit integer"),
                )),
            }
        }
        other => Err(bad_arg(
            f,
            0,
            format!("must be an integer or a string, not {}", describe(other)),
        )),
    }
}

/// `float(arg1)`: numbers, and strings in plain decimal notation; other spellings .NET may
/// accept (`1e5`, `NaN`, thousands separators) are not modelled.
fn float(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::String(s) => {
            let t = s.trim();
            let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
            let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
            let decimal = !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(unsigned.contains('.') && frac.is_empty());
            match t.parse::<f64>() {
                Ok(n) if decimal && n.is_finite() => Ok(Value::Number(n)),
                _ => Err(deferred(
                    f,
                    format!("reading {s:?} as a number is not modelled"),
                )),
            }
        }
        Value::Null => Err(null_arg(f, 0)),
        other => Err(deferred(
            f,
            format!("converting {} to a number is not modelled", describe(other)),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Networking.
// ---------------------------------------------------------------------------------------------

fn network_arg(f: &str, a: &[Value], i: usize) -> Result<IpNet, Value> {
    let s = str_arg(f, a, i)?;
    cidr::parse(s).ok_or_else(|| {
        bad_arg(
            f,
            i,
            format!("{s:?} is not an address range in CIDR notation"),
        )
    })
}

/// `cidrSubnet(network, newCIDR, subnetIndex)`: the new prefix length is absolute.
fn cidr_subnet(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    if let Value::Unknown(u) = arg(a, 0) {
        return Err(Value::Unknown(unknown_subnet(f, u, a)));
    }
    let net = network_arg(f, a, 0)?;
    let new_len = int_arg(f, a, 1)?;
    let index = int_arg(f, a, 2)?;
    cidr::arm_subnet(&net, new_len, index)
        .map(|n| Value::String(n.to_string()))
        .map_err(|e| fail(f, e))
}

/// `cidrSubnet` of a network whose address is unknown: the new length is absolute, so the subnet
/// is an IPv4 prefix of that length (at most 32) whatever the network, unless the index cannot
/// fit (a negative one, or one past what the network's length, when known, leaves room for).
fn unknown_subnet(f: &str, network: &Unknown, a: &[Value]) -> Unknown {
    let Ok(new_len) = int_arg(f, a, 1) else {
        return network.derived();
    };
    let base = network.prefix_len().map_or(0, i64::from);
    let fits = match arg(a, 2) {
        Value::Unknown(u) => !u.is_error(),
        _ => int_arg(f, a, 2).is_ok_and(|i| i >= 0 && i < 1i64 << (new_len - base).clamp(0, 32)),
    };
    match u8::try_from(new_len) {
        Ok(len) if fits && (base..=32).contains(&new_len) => network.with_prefix_len(len),
        _ => network.derived(),
    }
}

/// `cidrHost(network, hostIndex)`: "Calculates the usable IP address of the host with the
/// specified index": index 0 is the address after the network address (documented:
/// `cidrHost('10.144.3.0/24', 0)` is `10.144.3.1`, and `cidrHost('fdad:3236:5555:3000::/52',
/// 0)` is `fdad:3236:5555:3000::1`). The last usable IPv4 address is the one before the
/// broadcast address (as `parseCidr` documents `lastUsable`); IPv6 has no broadcast address, so
/// every address after the network address is usable. Indexes outside the usable range are
/// errors. IPv4 /31 and /32 (and IPv6 /128) have no usable host under this convention, and
/// ARM's behaviour there is not documented: deferred unknown.
fn cidr_host(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let net = network_arg(f, a, 0)?;
    let index = int_arg(f, a, 1)?;
    let v4 = matches!(net, IpNet::V4(_));
    let reserved: u128 = if v4 { 2 } else { 1 };
    let size = cidr::addr_count(&net);
    if size <= reserved {
        return Err(deferred(
            f,
            format!(
                "a /{} network has no usable host address, and what ARM returns for it is not documented",
                net.prefix_len()
            ),
        ));
    }
    let usable = size - reserved;
    if index < 0 || index as u128 >= usable {
        return Err(fail(
            f,
            format!(
                "the host index {index} is outside the {usable} usable addresses of {}",
                net.trunc()
            ),
        ));
    }
    cidr::host(&net, index + 1)
        .map(|addr| Value::String(addr.to_string()))
        .map_err(|e| fail(f, e))
}

/// `parseCidr(network)`: `{network, netmask, broadcast, firstUsable, lastUsable, cidr}`; IPv6
/// ranges have no `broadcast`, and their first usable address is the network address (both as
/// documented).
fn parse_cidr(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let net = network_arg(f, a, 0)?.trunc();
    let mut out = BTreeMap::new();
    let addr = |ip: IpAddr| Value::String(ip.to_string());
    out.insert("network".to_string(), addr(net.network()));
    out.insert("netmask".to_string(), addr(net.netmask()));
    out.insert("cidr".to_string(), integer(i64::from(net.prefix_len())));
    match net {
        IpNet::V4(n) => {
            if n.prefix_len() >= 31 {
                return Err(deferred(
                    f,
                    format!(
                        "a /{} network has no usable host address, and what ARM returns for it is not documented",
                        n.prefix_len()
                    ),
                ));
            }
            let first = u32::from(n.network()) + 1;
            let last = u32::from(n.broadcast()) - 1;
            out.insert("broadcast".to_string(), addr(IpAddr::V4(n.broadcast())));
            out.insert("firstUsable".to_string(), addr(IpAddr::V4(first.into())));
            out.insert("lastUsable".to_string(), addr(IpAddr::V4(last.into())));
        }
        IpNet::V6(n) => {
            out.insert("firstUsable".to_string(), addr(IpAddr::V6(n.network())));
            out.insert("lastUsable".to_string(), addr(IpAddr::V6(n.broadcast())));
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::UnknownKind;

    fn c(name: &str, args: Vec<Value>) -> Value {
        call(name, args).unwrap_or_else(|| panic!("{name} is not a function here"))
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn b(x: bool) -> Value {
        Value::Bool(x)
    }

    /// A value written as JSON.
    fn j(text: &str) -> Value {
        Value::from(serde_json::from_str::<serde_json::Value>(text).unwrap())
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| s(x)).collect())
    }

    fn u(reason: &str) -> Value {
        Value::unknown(reason)
    }

    fn e(reason: &str) -> Value {
        Value::error(reason)
    }

    #[track_caller]
    fn assert_error(v: Value, fragment: &str) {
        match &v {
            Value::Unknown(u) if u.kind() == UnknownKind::Error => {
                assert!(u.reason().contains(fragment), "{:?}", u.reason());
            }
            other => panic!("expected an error containing {fragment:?}, got {other:?}"),
        }
    }

    #[track_caller]
    fn assert_deferred(v: Value, fragment: &str) {
        match &v {
            Value::Unknown(u) if u.kind() == UnknownKind::Deferred => {
                assert!(u.reason().contains(fragment), "{:?}", u.reason());
            }
            other => panic!("expected a deferred unknown containing {fragment:?}, got {other:?}"),
        }
    }

    #[test]
    fn unknown_names_are_left_to_the_caller() {
        for name in [
            "parameters",
            "variables",
            "copyindex",
            "resourceid",
            "reference",
            "resourcegroup",
            "subscription",
            "filter",
            "map",
            "toobject",
            "Concat",
        ] {
            assert_eq!(call(name, vec![]), None, "{name}");
        }
    }

    #[test]
    fn every_function_is_reachable_by_its_lower_case_name() {
        for &(lower, display, _) in FUNCTIONS {
            assert_eq!(lower, display.to_ascii_lowercase());
            assert!(call(lower, vec![]).is_some(), "{lower}");
        }
    }

    // --- strings -------------------------------------------------------------------------

    #[test]
    fn base64_functions_match_the_documentation() {
        assert_eq!(
            c("base64", vec![s("one, two, three")]),
            s("b25lLCB0d28sIHRocmVl")
        );
        assert_eq!(
            c("base64tostring", vec![s("b25lLCB0d28sIHRocmVl")]),
            s("one, two, three")
        );
        assert_eq!(
            c("base64tojson", vec![s("eydvbmUnOiAnYScsICd0d28nOiAnYid9")]),
            j(r#"{"one": "a", "two": "b"}"#)
        );
        assert_eq!(c("base64", vec![s("")]), s(""));
        assert_eq!(c("base64", vec![s("ab")]), s("YWI="));
        assert_eq!(c("base64tostring", vec![s("YW\r\nI=")]), s("ab"));
        assert_eq!(c("base64tostring", vec![s("/w==")]), s("\u{FFFD}"));
        assert_error(c("base64tostring", vec![s("YWI")]), "not valid base64");
        assert_error(c("base64tostring", vec![s("Y===")]), "not valid base64");
        assert_error(c("base64tostring", vec![s("YW*=")]), "not valid base64");
        assert_error(c("base64", vec![n(1.0)]), "must be a string");
    }

    #[test]
    fn concat_strings_and_arrays() {
        assert_eq!(
            c("concat", vec![s("prefix"), s("-"), s("5yj4yjf5mbg72")]),
            s("prefix-5yj4yjf5mbg72")
        );
        assert_eq!(
            c(
                "concat",
                vec![strs(&["1-1", "1-2", "1-3"]), strs(&["2-1", "2-2", "2-3"])]
            ),
            strs(&["1-1", "1-2", "1-3", "2-1", "2-2", "2-3"])
        );
        assert_eq!(
            c(
                "concat",
                vec![s("a"), n(1.0), b(true), Value::Null, b(false)]
            ),
            s("a1TrueFalse")
        );
        assert_error(c("concat", vec![strs(&["a"]), s("b")]), "not a mixture");
        assert_error(c("concat", vec![s("a"), j("{}")]), "argument 2 must be");
        assert_error(c("concat", vec![s("a"), n(1.5)]), "must be an integer");
        assert_error(c("concat", vec![]), "at least 1 argument");
        assert_eq!(c("concat", vec![s("a"), u("later")]), u("later"));
        assert_deferred(c("concat", vec![strs(&["a"]), Value::Null]), "null");
    }

    #[test]
    fn contains_follows_the_documented_case_rules() {
        let text = s("OneTwoThree");
        let object = j(r#"{"one": "a", "two": "b", "three": "c"}"#);
        let array = strs(&["one", "two", "three"]);
        assert_eq!(c("contains", vec![text.clone(), s("e")]), b(true));
        assert_eq!(c("contains", vec![text.clone(), s("z")]), b(false));
        // Strings compare case-sensitively...
        assert_eq!(c("contains", vec![text.clone(), s("one")]), b(false));
        // ...object keys do not.
        assert_eq!(c("contains", vec![object.clone(), s("one")]), b(true));
        assert_eq!(c("contains", vec![object.clone(), s("ONE")]), b(true));
        assert_eq!(c("contains", vec![object.clone(), s("a")]), b(false));
        assert_eq!(c("contains", vec![array.clone(), s("three")]), b(true));
        assert_eq!(c("contains", vec![array.clone(), s("four")]), b(false));
        assert_eq!(c("contains", vec![array, s("Three")]), b(false));
        assert_eq!(c("contains", vec![j("[1, 2]"), n(2.0)]), b(true));
        assert_eq!(
            c("contains", vec![j(r#"[{"a": [1]}]"#), j(r#"{"a": [1]}"#)]),
            b(true)
        );
        // A known match decides even next to unknown elements.
        assert_eq!(
            c("contains", vec![Value::List(vec![u("x"), s("a")]), s("a")]),
            b(true)
        );
        assert_eq!(
            c("contains", vec![Value::List(vec![u("x"), s("a")]), s("b")]),
            u("x")
        );
        assert_deferred(
            c("contains", vec![j(r#"{"straße": 1}"#), s("STRASSE")]),
            "ASCII",
        );
        assert_error(
            c("contains", vec![n(1.0), s("a")]),
            "must be an array, an object",
        );
        assert_error(c("contains", vec![object, n(1.0)]), "must be a string");
    }

    #[test]
    fn data_uris() {
        assert_eq!(
            c("datauri", vec![s("Hello")]),
            s("data:text/plain;charset=utf8;base64,SGVsbG8=")
        );
        assert_eq!(
            c(
                "datauritostring",
                vec![s("data:;base64,SGVsbG8sIFdvcmxkIQ==")]
            ),
            s("Hello, World!")
        );
        assert_eq!(
            c(
                "datauritostring",
                vec![s("data:text/plain;charset=utf8;base64,SGVsbG8=")]
            ),
            s("Hello")
        );
        assert_deferred(c("datauritostring", vec![s("data:,Hello")]), "not base64");
        assert_error(c("datauritostring", vec![s("Hello")]), "not a data URI");
        assert_error(
            c("datauritostring", vec![s("data:;base64,***")]),
            "invalid base64",
        );
    }

    #[test]
    fn empty_and_length() {
        assert_eq!(c("empty", vec![j("[]")]), b(true));
        assert_eq!(c("empty", vec![j("{}")]), b(true));
        assert_eq!(c("empty", vec![s("")]), b(true));
        assert_eq!(c("empty", vec![Value::Null]), b(true));
        assert_eq!(c("empty", vec![s(" ")]), b(false));
        assert_error(c("empty", vec![n(0.0)]), "must be an array");
        assert_eq!(c("length", vec![strs(&["one", "two", "three"])]), n(3.0));
        assert_eq!(c("length", vec![s("One Two Three")]), n(13.0));
        assert_eq!(
            c(
                "length",
                vec![j(
                    r#"{"propA": "one", "propB": "two", "propC": "three", "propD": {"propD-1": "sub", "propD-2": "sub"}}"#
                )]
            ),
            n(4.0)
        );
        // UTF-16 code units, as in .NET.
        assert_eq!(c("length", vec![s("é")]), n(1.0));
        assert_eq!(c("length", vec![s("😀")]), n(2.0));
        assert_error(c("length", vec![b(true)]), "must be an array");
        assert_deferred(c("length", vec![Value::Null]), "null");
    }

    #[test]
    fn starts_with_and_ends_with_ignore_case() {
        assert_eq!(c("startswith", vec![s("abcdef"), s("ab")]), b(true));
        assert_eq!(c("startswith", vec![s("abcdef"), s("A")]), b(true));
        assert_eq!(c("startswith", vec![s("abcdef"), s("e")]), b(false));
        assert_eq!(c("endswith", vec![s("abcdef"), s("ef")]), b(true));
        assert_eq!(c("endswith", vec![s("abcdef"), s("F")]), b(true));
        assert_eq!(c("endswith", vec![s("abcdef"), s("e")]), b(false));
        assert_eq!(c("startswith", vec![s("abc"), s("")]), b(true));
        assert_deferred(c("startswith", vec![s("Ärger"), s("ä")]), "ASCII");
    }

    #[test]
    fn first_and_last() {
        let array = strs(&["one", "two", "three"]);
        assert_eq!(c("first", vec![array.clone()]), s("one"));
        assert_eq!(c("first", vec![s("One Two Three")]), s("O"));
        assert_eq!(c("last", vec![array]), s("three"));
        assert_eq!(c("last", vec![s("One Two Three")]), s("e"));
        assert_eq!(c("first", vec![s("")]), s(""));
        assert_eq!(c("first", vec![j("[[1], 2]")]), j("[1]"));
        assert_deferred(c("first", vec![j("[]")]), "empty array");
        assert_deferred(c("last", vec![s("a😀")]), "Basic Multilingual Plane");
        assert_error(c("first", vec![n(1.0)]), "must be an array or a string");
    }

    #[test]
    fn format_is_dotnet_composite_formatting() {
        assert_eq!(
            c(
                "format",
                vec![
                    s("{0}, {1}. Formatted number: {2:N0}"),
                    s("Hello"),
                    s("User"),
                    n(8_175_133.0)
                ]
            ),
            s("Hello, User. Formatted number: 8,175,133")
        );
        let f = |template: &str, args: Vec<Value>| {
            let mut all = vec![s(template)];
            all.extend(args);
            c("format", all)
        };
        assert_eq!(f("{0:D3}", vec![n(7.0)]), s("007"));
        assert_eq!(f("{0:d}", vec![n(-42.0)]), s("-42"));
        assert_eq!(f("{0:D4}", vec![n(-42.0)]), s("-0042"));
        assert_eq!(f("{0:N2}", vec![n(-1234.0)]), s("-1,234.00"));
        assert_eq!(f("{0:N}", vec![n(100.0)]), s("100.00"));
        assert_eq!(f("{0:F1}", vec![n(3.0)]), s("3.0"));
        assert_eq!(f("{0:X}", vec![n(255.0)]), s("FF"));
        assert_eq!(f("{0:x4}", vec![n(255.0)]), s("00ff"));
        assert_eq!(f("{0:X}", vec![n(-1.0)]), s("FFFFFFFFFFFFFFFF"));
        assert_eq!(f("{0:G}", vec![n(12.0)]), s("12"));
        assert_eq!(
            f("[{0,5}|{1,-4}|{0, 2}]", vec![s("ab"), n(1.0)]),
            s("[   ab|1   |ab]")
        );
        assert_eq!(f("{{0}} {0}}}", vec![s("x")]), s("{0} x}"));
        assert_eq!(
            f("{0} {0:D5} {1}", vec![s("text"), b(true)]),
            s("text text True")
        );
        assert_eq!(f("[{0}]", vec![Value::Null]), s("[]"));
        assert_eq!(f("{0}", vec![n(1.5)]), s("1.5"));
        assert_eq!(f("no items", vec![]), s("no items"));
        // Only the arguments the format uses matter.
        assert_eq!(f("x{0}", vec![s("a"), u("unused")]), s("xa"));
        assert_eq!(f("x{1}", vec![s("a"), u("used")]), u("used"));
        assert_error(f("{1}", vec![s("a")]), "index 1 is out of range");
        assert_error(f("{99999999999999999999999}", vec![]), "out of range");
        assert_error(f("{0", vec![s("a")]), "not closed");
        assert_error(f("a}b", vec![]), "`}}`");
        assert_error(f("{x}", vec![]), "argument index");
        assert_error(f("{0,}", vec![s("a")]), "alignment");
        assert_error(f("{0:D}", vec![n(1.5)]), "needs an integer");
        assert_deferred(f("{0:C}", vec![n(1.0)]), "\"C\"");
        assert_deferred(f("{0:0.00}", vec![n(1.0)]), "not modelled");
        assert_deferred(f("{0}", vec![strs(&["a"])]), "array or object");
        assert_deferred(f("{0,1000000}", vec![s("a")]), "alignments above");
        assert_error(c("format", vec![n(1.0)]), "must be a string");
    }

    #[test]
    fn guid_is_the_arm_name_based_uuid() {
        assert_eq!(
            c("guid", vec![s("test")]),
            s("d6a5baf1-8b9b-542a-8525-2982f1f98a0c")
        );
        // Arguments are joined with `-`.
        assert_eq!(
            c("guid", vec![s("a"), s("b")]),
            s("2d796349-8c7e-55ec-9624-54ece82ed031")
        );
        assert_eq!(c("guid", vec![s("a-b")]), c("guid", vec![s("a"), s("b")]));
        assert_eq!(
            c("guid", vec![s("é"), s("/subscriptions/x")]),
            s("9b0d26fa-a5b1-5b2f-9454-883795fbe196")
        );
        assert_eq!(
            c("guid", vec![s("")]),
            s("e655a85f-3ab2-5e4a-9666-569aa72a5a10")
        );
        assert_error(c("guid", vec![]), "at least 1 argument");
        assert_error(
            c("guid", vec![s("a"), n(1.0)]),
            "argument 2 must be a string",
        );
        assert_eq!(c("guid", vec![s("a"), u("rg id")]), u("rg id"));
    }

    #[test]
    fn sha1_matches_the_standard_vectors() {
        let hex = |d: [u8; 20]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(sha1(&[b'a'; 200])),
            "e61cfffe0d9195a525fc6cf06ca2d77119c24a40"
        );
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    #[test]
    fn index_of_and_last_index_of() {
        assert_eq!(c("indexof", vec![s("test"), s("t")]), n(0.0));
        assert_eq!(c("lastindexof", vec![s("test"), s("t")]), n(3.0));
        assert_eq!(c("indexof", vec![s("abcdef"), s("CD")]), n(2.0));
        assert_eq!(c("lastindexof", vec![s("abcdef"), s("AB")]), n(0.0));
        assert_eq!(c("indexof", vec![s("abcdef"), s("z")]), n(-1.0));
        assert_eq!(c("indexof", vec![s("abc"), s("")]), n(0.0));
        assert_eq!(c("indexof", vec![strs(&["a", "b", "a"]), s("a")]), n(0.0));
        assert_eq!(
            c("lastindexof", vec![strs(&["a", "b", "a"]), s("a")]),
            n(2.0)
        );
        assert_eq!(c("indexof", vec![strs(&["a"]), s("A")]), n(-1.0));
        assert_eq!(c("indexof", vec![j("[1, [2]]"), j("[2]")]), n(1.0));
        assert_eq!(
            c("indexof", vec![Value::List(vec![s("a"), u("x")]), s("a")]),
            n(0.0)
        );
        assert_eq!(
            c("indexof", vec![Value::List(vec![u("x"), s("a")]), s("a")]),
            u("x")
        );
        assert_deferred(c("lastindexof", vec![s("abc"), s("")]), "empty string");
        assert_deferred(c("indexof", vec![s("Straße"), s("SS")]), "ASCII");
        assert_deferred(c("indexof", vec![s("a\r\nb"), s("\n")]), "ASCII");
        assert_error(c("indexof", vec![s("abc"), n(1.0)]), "must be a string");
        assert_error(
            c("indexof", vec![n(1.0), s("a")]),
            "must be a string or an array",
        );
    }

    #[test]
    fn join_split_and_replace() {
        let words = strs(&["one", "two", "three"]);
        assert_eq!(c("join", vec![words.clone(), s(",")]), s("one,two,three"));
        assert_eq!(c("join", vec![words.clone(), s(";")]), s("one;two;three"));
        assert_eq!(c("join", vec![j("[]"), s(",")]), s(""));
        assert_error(
            c("join", vec![j(r#"["a", 1]"#), s(",")]),
            "element 1 is an integer",
        );
        assert_error(c("join", vec![s("a"), s(",")]), "must be an array");
        assert_eq!(c("split", vec![s("one,two,three"), s(",")]), words);
        assert_eq!(
            c("split", vec![s("one;two,three"), strs(&[",", ";"])]),
            strs(&["one", "two", "three"])
        );
        assert_eq!(
            c("split", vec![s("a,,b,"), s(",")]),
            strs(&["a", "", "b", ""])
        );
        assert_eq!(
            c("split", vec![s("abcab"), strs(&["ab", "a"])]),
            strs(&["", "c", ""])
        );
        assert_eq!(c("split", vec![s("a b\tc"), s("")]), strs(&["a", "b", "c"]));
        assert_eq!(c("split", vec![s(""), s(",")]), strs(&[""]));
        assert_eq!(c("split", vec![s("é,ü"), s(",")]), strs(&["é", "ü"]));
        assert_error(c("split", vec![s("a"), j("[1]")]), "array of strings");
        assert_eq!(
            c("replace", vec![s("123-123-1234"), s("-"), s("")]),
            s("1231231234")
        );
        assert_eq!(
            c("replace", vec![s("123-123-1234"), s("1234"), s("xxxx")]),
            s("123-123-xxxx")
        );
        assert_eq!(c("replace", vec![s("aaa"), s("aa"), s("b")]), s("ba"));
        assert_eq!(c("replace", vec![s("abc"), s("a"), s("X")]), s("Xbc"));
        // Whether ARM's replace ignores case is not documented: only that case is unknown.
        assert_deferred(
            c("replace", vec![s("Abc a"), s("a"), s("x")]),
            "ignores case",
        );
        assert_error(
            c("replace", vec![s("abc"), s(""), s("x")]),
            "must not be empty",
        );
        assert_error(
            c("replace", vec![s("abc"), n(1.0), s("x")]),
            "argument 2 must be a string",
        );
    }

    #[test]
    fn pad_left() {
        assert_eq!(
            c("padleft", vec![s("123"), n(10.0), s("0")]),
            s("0000000123")
        );
        assert_eq!(c("padleft", vec![n(7.0), n(3.0), s("0")]), s("007"));
        assert_eq!(c("padleft", vec![s("ab"), n(4.0)]), s("  ab"));
        assert_eq!(c("padleft", vec![s("abcdef"), n(3.0)]), s("abcdef"));
        assert_deferred(c("padleft", vec![s("a"), n(20.0)]), "not evaluated");
        assert_error(c("padleft", vec![s("a"), n(-1.0)]), "must not be negative");
        assert_error(
            c("padleft", vec![s("a"), n(3.0), s("xy")]),
            "single character",
        );
        assert_error(
            c("padleft", vec![b(true), n(3.0)]),
            "must be a string or an integer",
        );
    }

    #[test]
    fn string_conversion() {
        assert_eq!(
            c("string", vec![strs(&["a", "b", "c"])]),
            s(r#"["a","b","c"]"#)
        );
        assert_eq!(c("string", vec![n(5.0)]), s("5"));
        assert_eq!(
            c("string", vec![j(r#"{"a": [1, true, null]}"#)]),
            s(r#"{"a":[1,true,null]}"#)
        );
        assert_eq!(c("string", vec![b(true)]), s("True"));
        assert_eq!(c("string", vec![b(false)]), s("False"));
        assert_eq!(c("string", vec![Value::Null]), s(""));
        assert_eq!(c("string", vec![n(1.5)]), s("1.5"));
        assert_eq!(c("string", vec![s("x")]), s("x"));
        assert_eq!(
            c("string", vec![strs(&["q\"b\\s\n\u{1}\u{2028}é"])]),
            s(r#"["q\"b\\s\n\u0001\u2028é"]"#)
        );
        // The documented example: the text depends on the key order of the template.
        assert_deferred(
            c(
                "string",
                vec![j(r#"{"valueA": 10, "valueB": "Example Text"}"#)],
            ),
            "key order",
        );
        assert_eq!(
            c("string", vec![Value::List(vec![s("a"), u("later")])]),
            u("later")
        );
        assert_deferred(c("string", vec![n(1e20)]), "not modelled");
        assert_eq!(c("string", vec![n(0.001)]), s("0.001"));
        assert_deferred(c("string", vec![n(0.1 + 0.2)]), "not modelled");
    }

    #[test]
    fn substring_take_and_skip() {
        assert_eq!(
            c("substring", vec![s("one two three"), n(4.0), n(3.0)]),
            s("two")
        );
        assert_eq!(c("substring", vec![s("abc"), n(1.0)]), s("bc"));
        assert_eq!(c("substring", vec![s("abc"), n(3.0)]), s(""));
        assert_eq!(c("substring", vec![s("héllo"), n(1.0), n(2.0)]), s("él"));
        assert_error(
            c("substring", vec![s("1234567890"), n(0.0), n(11.0)]),
            "index 0, length 11, string length 10",
        );
        assert_error(
            c("substring", vec![s("abc"), n(-1.0)]),
            "must not be negative",
        );
        assert_error(c("substring", vec![s("abc"), n(4.0)]), "beyond the end");
        assert_error(
            c("substring", vec![s("abc"), n(0.0), n(-1.0)]),
            "must not be negative",
        );
        assert_error(c("substring", vec![s("abc"), n(0.5)]), "must be an integer");
        assert_deferred(c("substring", vec![s("abc"), n(1e300)]), "too large");
        assert_deferred(c("substring", vec![s("😀"), n(1.0)]), "splits a character");
        let array = strs(&["one", "two", "three"]);
        assert_eq!(
            c("take", vec![array.clone(), n(2.0)]),
            strs(&["one", "two"])
        );
        assert_eq!(c("take", vec![s("one two three"), n(2.0)]), s("on"));
        assert_eq!(c("take", vec![array.clone(), n(-3.0)]), strs(&[]));
        assert_eq!(c("take", vec![s("ab"), n(99.0)]), s("ab"));
        assert_eq!(c("skip", vec![array.clone(), n(2.0)]), strs(&["three"]));
        assert_eq!(c("skip", vec![s("one two three"), n(4.0)]), s("two three"));
        assert_eq!(c("skip", vec![array.clone(), n(0.0)]), array);
        assert_eq!(c("skip", vec![s("ab"), n(99.0)]), s(""));
        assert_error(
            c("take", vec![n(1.0), n(1.0)]),
            "must be an array or a string",
        );
    }

    #[test]
    fn case_and_trim() {
        assert_eq!(c("tolower", vec![s("One Two Three")]), s("one two three"));
        assert_eq!(c("toupper", vec![s("One Two Three")]), s("ONE TWO THREE"));
        assert_eq!(c("tolower", vec![s("ÀÉ")]), s("àé"));
        assert_deferred(
            c("toupper", vec![s("straße")]),
            "differs between Unicode and .NET",
        );
        assert_eq!(c("trim", vec![s(" one two three ")]), s("one two three"));
        assert_eq!(c("trim", vec![s("\t\n x \u{3000}")]), s("x"));
        assert_error(c("trim", vec![n(1.0)]), "must be a string");
        assert_error(
            c("tolower", vec![s("a"), s("b")]),
            "expects 1 argument, got 2",
        );
    }

    #[test]
    fn unique_string_is_arm_murmur_base32() {
        let cases: &[(&[&str], &str)] = &[
            (&["test"], "rbgf3xv4ufgzg"),
            (&["hello", "world"], "a7wkljktk6wne"),
            (&["abc"], "cgtzqvhu4i23s"),
            (
                &["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"],
                "bmg7c6xu4tw46",
            ),
            (&["foo", "bar", "baz"], "xzi4ioaxtmth4"),
        ];
        for (args, expected) in cases {
            let args = args.iter().map(|a| s(a)).collect();
            assert_eq!(c("uniquestring", args), s(expected));
        }
        // Every length of the tail is handled, and the result is always 13 base-32 characters.
        for len in 0..40 {
            let v = c("uniquestring", vec![s(&"x".repeat(len))]);
            let text = v.as_str().unwrap();
            assert_eq!(text.len(), 13);
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
            );
        }
        assert_error(
            c("uniquestring", vec![s(&"x".repeat(131_073))]),
            "longer than",
        );
        assert_error(c("uniquestring", vec![b(true)]), "must be a string");
        assert_eq!(c("uniquestring", vec![u("rg")]), u("rg"));
    }

    #[test]
    fn uri_functions_match_the_documentation() {
        let uri = |base: &str, rel: &str| c("uri", vec![s(base), s(rel)]);
        assert_eq!(
            uri("http://contoso.org/firstpath", "myscript.sh"),
            s("http://contoso.org/myscript.sh")
        );
        assert_eq!(
            uri("http://contoso.org/firstpath/", "myscript.sh"),
            s("http://contoso.org/firstpath/myscript.sh")
        );
        assert_eq!(
            uri(
                "http://contoso.org/firstpath/azuredeploy.json",
                "myscript.sh"
            ),
            s("http://contoso.org/firstpath/myscript.sh")
        );
        assert_eq!(
            uri(
                "http://contoso.org/firstpath/azuredeploy.json/",
                "myscript.sh"
            ),
            s("http://contoso.org/firstpath/azuredeploy.json/myscript.sh")
        );
        assert_eq!(
            uri("http://contoso.com/resources/", "nested/azuredeploy.json"),
            s("http://contoso.com/resources/nested/azuredeploy.json")
        );
        assert_eq!(uri("https://Contoso.COM", "a"), s("https://contoso.com/a"));
        assert_eq!(
            uri("HTTPS://x.org:443/a/b/c", "../d?x=1"),
            s("https://x.org/a/d?x=1")
        );
        assert_eq!(
            uri("http://x.org:08080/a/b", "/c"),
            s("http://x.org:8080/c")
        );
        assert_deferred(uri("http://x.org/a./", "b"), "not modelled");
        assert_deferred(uri("http://x.org:99999/", "b"), "not modelled");
        assert_eq!(uri("http://x.org/a/b?q=1", ""), s("http://x.org/a/b?q=1"));
        assert_eq!(
            uri("http://x.org/a/b?q=1", "?r=2"),
            s("http://x.org/a/b?r=2")
        );
        assert_eq!(uri("http://x.org/a/./b/../c", "d"), s("http://x.org/a/d"));
        assert_error(uri("contoso.com/x", "a"), "not an absolute URI");
        assert_deferred(uri("http://x.org/", "a b"), "not modelled");
        assert_deferred(uri("http://x.org/", "https://y.org/"), "not modelled");
        assert_deferred(uri("ftp://x.org/", "a"), "not modelled");
        let component = "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json";
        assert_eq!(
            c(
                "uricomponent",
                vec![s("http://contoso.com/resources/nested/azuredeploy.json")]
            ),
            s(component)
        );
        assert_eq!(
            c("uricomponenttostring", vec![s(component)]),
            s("http://contoso.com/resources/nested/azuredeploy.json")
        );
        assert_eq!(c("uricomponent", vec![s("a b~é")]), s("a%20b~%C3%A9"));
        assert_eq!(
            c("uricomponenttostring", vec![s("a%20b~%C3%A9")]),
            s("a b~é")
        );
        assert_deferred(c("uricomponenttostring", vec![s("a+b")]), "`+`");
        assert_deferred(c("uricomponenttostring", vec![s("%zz")]), "malformed");
        assert_deferred(c("uricomponenttostring", vec![s("%ff")]), "not UTF-8");
    }

    #[test]
    fn values_known_only_at_deployment() {
        assert_deferred(c("newguid", vec![]), "known only at deployment");
        assert_deferred(c("utcnow", vec![]), "known only at deployment");
        assert_deferred(c("utcnow", vec![s("u")]), "known only at deployment");
        assert_error(c("newguid", vec![s("x")]), "expects 0 arguments");
        assert_error(c("utcnow", vec![n(1.0)]), "must be a string");
    }

    // --- arrays and objects ---------------------------------------------------------------

    #[test]
    fn array_create_array_and_create_object() {
        assert_eq!(c("array", vec![n(1.0)]), j("[1]"));
        assert_eq!(c("array", vec![s("efgh")]), strs(&["efgh"]));
        assert_eq!(
            c("array", vec![j(r#"{"a": "b", "c": "d"}"#)]),
            j(r#"[{"a": "b", "c": "d"}]"#)
        );
        assert_eq!(c("array", vec![j("[1, 2]")]), j("[1, 2]"));
        assert_eq!(
            c("createarray", vec![s("a"), s("b"), s("c")]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            c("createarray", vec![n(1.0), n(2.0), n(3.0)]),
            j("[1, 2, 3]")
        );
        assert_eq!(c("createarray", vec![]), j("[]"));
        assert_eq!(
            c("createarray", vec![s("a"), u("later")]),
            Value::List(vec![s("a"), u("later")])
        );
        assert_eq!(
            c(
                "createobject",
                vec![
                    s("intProp"),
                    n(1.0),
                    s("stringProp"),
                    s("abc"),
                    s("boolProp"),
                    b(true),
                    s("arrayProp"),
                    strs(&["a", "b", "c"]),
                    s("objectProp"),
                    j(r#"{"key1": "value1"}"#),
                ]
            ),
            j(
                r#"{"intProp": 1, "stringProp": "abc", "boolProp": true, "arrayProp": ["a", "b", "c"], "objectProp": {"key1": "value1"}}"#
            )
        );
        assert_eq!(c("createobject", vec![]), j("{}"));
        assert_error(c("createobject", vec![s("a")]), "even number");
        assert_error(
            c("createobject", vec![s("a"), n(1.0), s("a"), n(2.0)]),
            "more than once",
        );
        assert_error(
            c("createobject", vec![n(1.0), n(1.0)]),
            "argument 1 must be a string",
        );
        assert_eq!(c("createobject", vec![u("key"), n(1.0)]), u("key"));
    }

    #[test]
    fn union_merges_deeply() {
        assert_eq!(
            c(
                "union",
                vec![
                    j(r#"{"one": "a", "two": "b", "three": "c1"}"#),
                    j(r#"{"three": "c2", "four": "d", "five": "e"}"#)
                ]
            ),
            j(r#"{"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}"#)
        );
        assert_eq!(
            c(
                "union",
                vec![strs(&["one", "two", "three"]), strs(&["three", "four"])]
            ),
            strs(&["one", "two", "three", "four"])
        );
        assert_eq!(
            c(
                "union",
                vec![
                    j(
                        r#"{"property": {"one": "a", "two": "b", "three": "c1"}, "nestedArray": [1, 2]}"#
                    ),
                    j(
                        r#"{"property": {"three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]}"#
                    )
                ]
            ),
            j(
                r#"{"property": {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]}"#
            )
        );
        assert_eq!(
            c(
                "union",
                vec![
                    j(r#"[["one", "two"], ["three"]]"#),
                    j(r#"[["three"], ["four", "two"]]"#)
                ]
            ),
            j(r#"[["one", "two"], ["three"], ["four", "two"]]"#)
        );
        assert_eq!(
            c("union", vec![j("[1, 1, 2]"), j("[2, 3]"), j("[3, 1]")]),
            j("[1, 2, 3]")
        );
        assert_deferred(
            c("union", vec![j(r#"{"a": 1}"#), j(r#"{"A": 2}"#)]),
            "ignoring case",
        );
        assert_deferred(
            c("union", vec![j(r#"{"a": {"x": 1}}"#), j(r#"{"a": 2}"#)]),
            "not an object",
        );
        assert_eq!(
            c("union", vec![Value::List(vec![u("x")]), j("[1]")]),
            u("x")
        );
        assert_error(
            c("union", vec![j("[1]"), j("{}")]),
            "all arrays or all objects",
        );
        assert_error(c("union", vec![j("[1]")]), "at least 2 arguments");
        // Large arrays are combined without quadratic work.
        let big = c("range", vec![n(0.0), n(10_000.0)]);
        let shifted = c("range", vec![n(5_000.0), n(10_000.0)]);
        assert_eq!(
            c(
                "length",
                vec![c("union", vec![big.clone(), shifted.clone()])]
            ),
            n(15_000.0)
        );
        assert_eq!(
            c("length", vec![c("intersection", vec![big, shifted])]),
            n(5_000.0)
        );
    }

    #[test]
    fn intersection_keeps_common_elements() {
        assert_eq!(
            c(
                "intersection",
                vec![
                    j(r#"{"one": "a", "two": "b", "three": "c"}"#),
                    j(r#"{"one": "a", "two": "z", "three": "c"}"#)
                ]
            ),
            j(r#"{"one": "a", "three": "c"}"#)
        );
        assert_eq!(
            c(
                "intersection",
                vec![strs(&["one", "two", "three"]), strs(&["two", "three"])]
            ),
            strs(&["two", "three"])
        );
        assert_eq!(
            c(
                "intersection",
                vec![j("[1, 2, 2, 3]"), j("[3, 2]"), j("[2, 3, 4]")]
            ),
            j("[2, 3]")
        );
        // A known match decides even when the other array also holds unknown elements.
        assert_eq!(
            c(
                "intersection",
                vec![strs(&["a", "b"]), Value::List(vec![u("x"), s("a")])]
            ),
            u("x")
        );
        assert_eq!(
            c(
                "intersection",
                vec![strs(&["a"]), Value::List(vec![u("x"), s("a")])]
            ),
            strs(&["a"])
        );
        assert_error(
            c("intersection", vec![j("[1]"), s("a")]),
            "all arrays or all objects",
        );
    }

    #[test]
    fn range_min_and_max() {
        assert_eq!(c("range", vec![n(5.0), n(3.0)]), j("[5, 6, 7]"));
        assert_eq!(c("range", vec![n(-1.0), n(0.0)]), j("[]"));
        assert_eq!(
            c("length", vec![c("range", vec![n(0.0), n(10_000.0)])]),
            n(10_000.0)
        );
        assert_error(c("range", vec![n(0.0), n(10_001.0)]), "between 0 and 10000");
        assert_error(c("range", vec![n(0.0), n(-1.0)]), "between 0 and 10000");
        assert_error(
            c("range", vec![n(2_147_483_647.0), n(1.0)]),
            "no greater than 2147483647",
        );
        assert_error(c("range", vec![n(1e12), n(1.0)]), "32-bit");
        assert_deferred(c("range", vec![n(1e20), n(1.0)]), "too large");
        let values = j("[0, 3, 2, 5, 4]");
        assert_eq!(c("max", vec![values.clone()]), n(5.0));
        assert_eq!(
            c("max", vec![n(0.0), n(3.0), n(2.0), n(5.0), n(4.0)]),
            n(5.0)
        );
        assert_eq!(c("min", vec![values]), n(0.0));
        assert_eq!(
            c("min", vec![n(0.0), n(3.0), n(2.0), n(5.0), n(4.0)]),
            n(0.0)
        );
        assert_eq!(c("min", vec![n(-2.0)]), n(-2.0));
        assert_eq!(c("max", vec![n(1.0), u("x")]), u("x"));
        assert_error(c("max", vec![j("[]")]), "at least one number");
        assert_error(c("max", vec![s("a"), n(1.0)]), "expects integers");
    }

    #[test]
    fn items_and_object_keys() {
        let entities = j(
            r#"{"item002": {"enabled": false, "displayName": "Example item 2", "number": 200},
                "item001": {"enabled": true, "displayName": "Example item 1", "number": 300}}"#,
        );
        assert_eq!(
            c("items", vec![entities]),
            j(
                r#"[{"key": "item001", "value": {"displayName": "Example item 1", "enabled": true, "number": 300}},
                  {"key": "item002", "value": {"displayName": "Example item 2", "enabled": false, "number": 200}}]"#
            )
        );
        assert_eq!(
            c("items", vec![j(r#"{"snet-pe": 1, "snet-agents": 2}"#)]),
            j(r#"[{"key": "snet-agents", "value": 2}, {"key": "snet-pe", "value": 1}]"#)
        );
        assert_eq!(c("items", vec![j("{}")]), j("[]"));
        assert_eq!(
            c("items", vec![j(r#"{"b": 1, "A": 2}"#)]),
            j(r#"[{"key": "A", "value": 2}, {"key": "b", "value": 1}]"#)
        );
        assert_deferred(c("items", vec![j(r#"{"a": 1, "B": 2}"#)]), "sorting rules");
        assert_deferred(
            c("items", vec![j(r#"{"a_b": 1, "ab": 2}"#)]),
            "sorting rules",
        );
        assert_error(c("items", vec![j("[]")]), "must be an object");
        assert_eq!(c("objectkeys", vec![j(r#"{"a": 1}"#)]), strs(&["a"]));
        assert_deferred(
            c("objectkeys", vec![j(r#"{"a": 1, "b": 2}"#)]),
            "template's order",
        );
    }

    #[test]
    fn json_reads_what_arm_reads() {
        assert_eq!(c("json", vec![s("null")]), Value::Null);
        assert_eq!(c("empty", vec![c("json", vec![s("null")])]), b(true));
        assert_eq!(c("json", vec![s(r#"{"a": "b"}"#)]), j(r#"{"a": "b"}"#));
        assert_eq!(c("json", vec![s(r#""test""#)]), s("test"));
        assert_eq!(c("json", vec![s("true")]), b(true));
        assert_eq!(c("json", vec![s("3")]), n(3.0));
        assert_eq!(c("json", vec![s("[1,2,3 ]")]), j("[1, 2, 3]"));
        assert_eq!(
            c(
                "json",
                vec![c(
                    "concat",
                    vec![s(r#"{"a": ""#), s("demo value"), s(r#""}"#)]
                )]
            ),
            j(r#"{"a": "demo value"}"#)
        );
        assert_eq!(
            c("json", vec![s("{'a': 'x', /* note */ b: [1.5]}")]),
            j(r#"{"a": "x", "b": [1.5]}"#)
        );
        assert_eq!(c("json", vec![s(r#"{"a": 1, "a": 2}"#)]), j(r#"{"a": 2}"#));
        assert_deferred(c("json", vec![s("[1, 2,]")]), "not strict JSON");
        assert_error(c("json", vec![s("{")]), "not valid JSON");
        assert_error(c("json", vec![s("")]), "not valid JSON");
        assert_error(c("json", vec![n(1.0)]), "must be a string");
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_deferred(c("json", vec![s(&deep)]), "nested too deeply");
        assert_eq!(c("null", vec![]), Value::Null);
        assert_error(c("null", vec![n(1.0)]), "expects 0 arguments");
    }

    // --- logic and comparison -------------------------------------------------------------

    #[test]
    fn coalesce_and_if() {
        let o = j(
            r#"{"null1": null, "null2": null, "string": "default", "int": 1, "object": {"first": "default"}, "array": [1]}"#,
        );
        let get = |k: &str| o.as_object().unwrap()[k].clone();
        for (key, expected) in [
            ("string", s("default")),
            ("int", n(1.0)),
            ("object", j(r#"{"first": "default"}"#)),
            ("array", j("[1]")),
        ] {
            assert_eq!(
                c("coalesce", vec![get("null1"), get("null2"), get(key)]),
                expected
            );
        }
        assert_eq!(
            c(
                "empty",
                vec![c("coalesce", vec![get("null1"), get("null2")])]
            ),
            b(true)
        );
        assert_eq!(c("coalesce", vec![Value::Null, u("x"), s("a")]), u("x"));
        assert_eq!(c("coalesce", vec![s("a"), u("x")]), s("a"));
        assert_error(c("coalesce", vec![]), "at least 1 argument");

        let eq = |x: &str, y: &str| c("equals", vec![s(x), s(y)]);
        assert_eq!(c("if", vec![eq("a", "a"), s("yes"), s("no")]), s("yes"));
        assert_eq!(c("if", vec![eq("a", "b"), s("yes"), s("no")]), s("no"));
        assert_eq!(
            c(
                "if",
                vec![
                    eq("a", "a"),
                    c("json", vec![s(r#"{"test": "value1"}"#)]),
                    c("json", vec![s("null")])
                ]
            ),
            j(r#"{"test": "value1"}"#)
        );
        // The branch not taken is not evaluated, even when it would fail.
        assert_eq!(c("if", vec![b(true), s("a"), e("boom")]), s("a"));
        assert_eq!(c("if", vec![b(false), s("a"), e("boom")]), e("boom"));
        assert_eq!(c("if", vec![u("cond"), s("same"), s("same")]), s("same"));
        assert_eq!(c("if", vec![u("cond"), s("a"), s("b")]), u("cond"));
        assert_eq!(c("if", vec![u("cond"), u("x"), u("x")]), u("cond"));
        assert_eq!(c("if", vec![e("bad"), s("a"), s("a")]), e("bad"));
        assert_error(c("if", vec![s("true"), s("a"), s("b")]), "must be a bool");
        assert_error(c("if", vec![b(true), s("a")]), "expects 3 arguments");
    }

    #[test]
    fn logical_functions() {
        assert_eq!(c("and", vec![b(true), b(false)]), b(false));
        assert_eq!(c("or", vec![b(true), b(false)]), b(true));
        assert_eq!(c("not", vec![b(true)]), b(false));
        assert_eq!(c("and", vec![b(true), b(true), b(true)]), b(true));
        assert_eq!(c("or", vec![b(false), b(false)]), b(false));
        assert_eq!(c("and", vec![b(false), u("x")]), b(false));
        assert_eq!(c("and", vec![b(true), u("x")]), u("x"));
        assert_eq!(c("or", vec![u("x"), b(true)]), b(true));
        assert_eq!(c("or", vec![u("x"), b(false)]), u("x"));
        assert_error(c("and", vec![b(true)]), "at least 2 arguments");
        assert_error(
            c("and", vec![b(false), s("x")]),
            "argument 2 must be a bool",
        );
        assert_error(c("not", vec![n(1.0)]), "must be a bool");
        assert_eq!(c("true", vec![]), b(true));
        assert_eq!(c("false", vec![]), b(false));
        assert_eq!(c("bool", vec![s("true")]), b(true));
        assert_eq!(c("bool", vec![s("false")]), b(false));
        assert_eq!(c("bool", vec![n(1.0)]), b(true));
        assert_eq!(c("bool", vec![n(0.0)]), b(false));
        assert_eq!(c("bool", vec![s(" TRUE ")]), b(true));
        assert_error(c("bool", vec![s("yes")]), "cannot be converted to a bool");
        assert_error(c("bool", vec![j("[]")]), "cannot convert an array");
    }

    #[test]
    fn equality_is_deep_and_case_sensitive() {
        assert_eq!(c("equals", vec![n(1.0), n(1.0)]), b(true));
        assert_eq!(c("equals", vec![s("a"), s("a")]), b(true));
        assert_eq!(c("equals", vec![s("demo"), s("Demo")]), b(false));
        assert_eq!(
            c("equals", vec![strs(&["a", "b"]), strs(&["a", "b"])]),
            b(true)
        );
        assert_eq!(
            c("equals", vec![j(r#"{"a": "b"}"#), j(r#"{"a": "b"}"#)]),
            b(true)
        );
        assert_eq!(
            c("equals", vec![j(r#"{"a": "b"}"#), j(r#"{"A": "b"}"#)]),
            b(false)
        );
        assert_eq!(c("not", vec![c("equals", vec![n(1.0), n(2.0)])]), b(true));
        assert_eq!(c("equals", vec![n(1.0), s("1")]), b(false));
        assert_eq!(c("equals", vec![Value::Null, Value::Null]), b(true));
        // A known difference decides; otherwise an unknown part does.
        assert_eq!(
            c(
                "equals",
                vec![
                    Value::List(vec![n(1.0), u("x")]),
                    Value::List(vec![n(2.0), u("y")])
                ]
            ),
            b(false)
        );
        assert_eq!(
            c(
                "equals",
                vec![Value::List(vec![n(1.0), u("x")]), j("[1, 2]")]
            ),
            u("x")
        );
        assert_eq!(
            c("equals", vec![Value::List(vec![u("x")]), j("[1, 2]")]),
            b(false)
        );
    }

    #[test]
    fn comparisons_use_dotnet_culture_order_for_strings() {
        assert_eq!(c("less", vec![n(1.0), n(2.0)]), b(true));
        assert_eq!(c("greater", vec![n(1.0), n(2.0)]), b(false));
        assert_eq!(c("lessorequals", vec![n(1.0), n(2.0)]), b(true));
        assert_eq!(c("greaterorequals", vec![n(1.0), n(2.0)]), b(false));
        // Documented: lower case sorts before upper case.
        assert_eq!(c("less", vec![s("A"), s("a")]), b(false));
        assert_eq!(c("greater", vec![s("A"), s("a")]), b(true));
        assert_eq!(c("lessorequals", vec![s("A"), s("a")]), b(false));
        assert_eq!(c("greaterorequals", vec![s("A"), s("a")]), b(true));
        // Letters compare ignoring case first, digits before letters.
        assert_eq!(c("less", vec![s("a"), s("B")]), b(true));
        assert_eq!(c("less", vec![s("Zebra"), s("apple")]), b(false));
        assert_eq!(c("less", vec![s("9"), s("a")]), b(true));
        assert_eq!(c("less", vec![s("ab"), s("abc")]), b(true));
        assert_eq!(c("less", vec![s("2023-01-01"), s("2024-01-01")]), b(true));
        assert_eq!(c("greaterorequals", vec![s("x"), s("x")]), b(true));
        assert_deferred(c("less", vec![s("a-b"), s("a_c")]), "culture rules");
        assert_deferred(c("less", vec![s("é"), s("f")]), "culture rules");
        assert_error(c("less", vec![n(1.0), s("a")]), "cannot compare");
        assert_error(
            c("less", vec![b(true), n(1.0)]),
            "argument 1 must be an integer or a string",
        );
        assert_eq!(c("less", vec![u("x"), n(1.0)]), u("x"));
    }

    // --- numbers --------------------------------------------------------------------------

    #[test]
    fn integer_arithmetic() {
        assert_eq!(c("add", vec![n(5.0), n(3.0)]), n(8.0));
        assert_eq!(c("sub", vec![n(7.0), n(3.0)]), n(4.0));
        assert_eq!(c("mul", vec![n(5.0), n(3.0)]), n(15.0));
        assert_eq!(c("div", vec![n(8.0), n(3.0)]), n(2.0));
        assert_eq!(c("mod", vec![n(7.0), n(3.0)]), n(1.0));
        assert_eq!(c("div", vec![n(-7.0), n(2.0)]), n(-3.0));
        assert_eq!(c("mod", vec![n(-7.0), n(2.0)]), n(-1.0));
        assert_error(c("div", vec![n(1.0), n(0.0)]), "division by zero");
        assert_error(c("mod", vec![n(1.0), n(0.0)]), "division by zero");
        assert_error(c("add", vec![n(1.5), n(1.0)]), "must be an integer");
        assert_error(c("add", vec![s("1"), n(1.0)]), "must be an integer");
        assert_deferred(c("mul", vec![n(1e8), n(1e9)]), "too large");
        assert_error(
            c("mul", vec![n(4e15), n(4e15)]),
            "overflows a 64-bit integer",
        );
        assert_eq!(c("add", vec![n(1.0), u("x")]), u("x"));
        assert_eq!(c("int", vec![s("4")]), n(4.0));
        assert_eq!(c("int", vec![s(" -12 ")]), n(-12.0));
        assert_eq!(c("int", vec![n(7.0)]), n(7.0));
        assert_error(c("int", vec![s("4.5")]), "cannot be converted");
        assert_error(
            c("int", vec![s("99999999999999999999")]),
            "out of the range",
        );
        assert_error(c("int", vec![b(true)]), "must be an integer or a string");
        assert_deferred(c("int", vec![n(2.5)]), "non-integer");
        assert_eq!(c("float", vec![s("3.0")]), n(3.0));
        assert_eq!(c("float", vec![n(3.0)]), n(3.0));
        assert_eq!(c("float", vec![s("-0.25")]), n(-0.25));
        assert_deferred(c("float", vec![s("1e5")]), "not modelled");
    }

    // --- networking -----------------------------------------------------------------------

    #[test]
    fn cidr_subnet_matches_the_documentation() {
        for (i, expected) in [
            "10.144.0.0/24",
            "10.144.1.0/24",
            "10.144.2.0/24",
            "10.144.3.0/24",
            "10.144.4.0/24",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(
                c("cidrsubnet", vec![s("10.144.0.0/20"), n(24.0), n(i as f64)]),
                s(expected)
            );
        }
        for (i, expected) in [
            "fdad:3236:5555::/52",
            "fdad:3236:5555:1000::/52",
            "fdad:3236:5555:2000::/52",
            "fdad:3236:5555:3000::/52",
            "fdad:3236:5555:4000::/52",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(
                c(
                    "cidrsubnet",
                    vec![s("fdad:3236:5555::/48"), n(52.0), n(i as f64)]
                ),
                s(expected)
            );
        }
        assert_error(
            c("cidrsubnet", vec![s("10.144.0.0/20"), n(16.0), n(0.0)]),
            "shorter",
        );
        assert_error(
            c("cidrsubnet", vec![s("10.144.0.0/20"), n(24.0), n(16.0)]),
            "accommodate",
        );
        assert_error(
            c("cidrsubnet", vec![s("10.144.0.0/20"), n(33.0), n(0.0)]),
            "insufficient",
        );
        assert_error(
            c("cidrsubnet", vec![s("10.144.0.0/20"), n(24.0), n(-1.0)]),
            "accommodate",
        );
        assert_error(
            c("cidrsubnet", vec![s("10.144.0.0"), n(24.0), n(0.0)]),
            "CIDR notation",
        );
        // An unknown network: the subnet's address is unknown, its length is not.
        let unknown_len = |v: Value| match v {
            Value::Unknown(u) => (u.reason().to_string(), u.prefix_len()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            unknown_len(c("cidrsubnet", vec![u("vnet"), n(24.0), n(0.0)])),
            ("vnet".into(), Some(24))
        );
        assert_eq!(
            unknown_len(c("cidrsubnet", vec![u("vnet"), n(27.0), u("index")])),
            ("vnet".into(), Some(27))
        );
        for (len, index) in [(33.0, 0.0), (24.0, -1.0)] {
            assert_eq!(
                unknown_len(c("cidrsubnet", vec![u("vnet"), n(len), n(index)])),
                ("vnet".into(), None)
            );
        }
        assert_eq!(
            unknown_len(c("cidrsubnet", vec![u("vnet"), u("len"), n(0.0)])),
            ("vnet".into(), None)
        );
        // A /26 network of unknown address has four /28s: a fifth does not fit.
        let quarter = Value::Unknown(Unknown::new("vnet").with_prefix_len(26));
        assert_eq!(
            unknown_len(c("cidrsubnet", vec![quarter.clone(), n(28.0), n(3.0)])),
            ("vnet".into(), Some(28))
        );
        assert_eq!(
            unknown_len(c("cidrsubnet", vec![quarter.clone(), n(28.0), n(4.0)])),
            ("vnet".into(), None)
        );
        // A host address or a part of the prefix is no prefix.
        assert_eq!(
            unknown_len(c("cidrhost", vec![quarter.clone(), n(4.0)])),
            ("vnet".into(), None)
        );
        assert_eq!(
            unknown_len(c("substring", vec![quarter, n(0.0), n(3.0)])),
            ("vnet".into(), None)
        );
    }

    #[test]
    fn strings_built_around_unknown_parts_keep_a_literal_prefix_length() {
        let unknown_len = |v: Value| match v {
            Value::Unknown(u) => (u.reason().to_string(), u.prefix_len()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            unknown_len(c("concat", vec![u("base"), s(".0/27")])),
            ("base".into(), Some(27))
        );
        assert_eq!(
            unknown_len(c("format", vec![s("{0}.{1}.0/24"), s("10"), u("octet")])),
            ("octet".into(), Some(24))
        );
        assert_eq!(
            unknown_len(c("concat", vec![u("base"), s("/"), u("len")])),
            ("base".into(), None)
        );
        assert_eq!(
            unknown_len(c("format", vec![s("{0}-snet/27"), u("name")])),
            ("name".into(), None)
        );
        assert_eq!(
            unknown_len(c("format", vec![s("{0,8}.0/27"), u("padded")])),
            ("padded".into(), None)
        );
    }

    #[test]
    fn cidr_host_counts_from_the_first_usable_address() {
        for i in 0..5 {
            assert_eq!(
                c("cidrhost", vec![s("10.144.3.0/24"), n(i as f64)]),
                s(&format!("10.144.3.{}", i + 1))
            );
            assert_eq!(
                c("cidrhost", vec![s("fdad:3236:5555:3000::/52"), n(i as f64)]),
                s(&format!("fdad:3236:5555:3000::{}", i + 1))
            );
        }
        assert_eq!(
            c("cidrhost", vec![s("10.144.3.0/24"), n(2.0)]),
            s("10.144.3.3")
        );
        assert_eq!(
            c("cidrhost", vec![s("10.144.3.0/24"), n(253.0)]),
            s("10.144.3.254")
        );
        assert_eq!(
            c("cidrhost", vec![s("10.144.3.7/24"), n(0.0)]),
            s("10.144.3.1")
        );
        assert_eq!(c("cidrhost", vec![s("10.0.0.0/30"), n(1.0)]), s("10.0.0.2"));
        assert_error(
            c("cidrhost", vec![s("10.144.3.0/24"), n(254.0)]),
            "outside the 254 usable",
        );
        assert_error(c("cidrhost", vec![s("10.144.3.0/24"), n(-1.0)]), "outside");
        assert_deferred(
            c("cidrhost", vec![s("10.0.0.0/31"), n(0.0)]),
            "no usable host",
        );
        assert_deferred(
            c("cidrhost", vec![s("10.0.0.1/32"), n(0.0)]),
            "no usable host",
        );
        assert_eq!(
            c("cidrhost", vec![s("::/0"), n(9_007_199_254_740_992.0)]),
            s("::20:0:0:1")
        );
    }

    #[test]
    fn parse_cidr_matches_the_documentation() {
        assert_eq!(
            c("parsecidr", vec![s("10.144.0.0/20")]),
            j(
                r#"{"network": "10.144.0.0", "netmask": "255.255.240.0", "broadcast": "10.144.15.255",
                  "firstUsable": "10.144.0.1", "lastUsable": "10.144.15.254", "cidr": 20}"#
            )
        );
        assert_eq!(
            c("parsecidr", vec![s("fdad:3236:5555::/48")]),
            j(
                r#"{"network": "fdad:3236:5555::", "netmask": "ffff:ffff:ffff::",
                  "firstUsable": "fdad:3236:5555::", "lastUsable": "fdad:3236:5555:ffff:ffff:ffff:ffff:ffff",
                  "cidr": 48}"#
            )
        );
        assert_eq!(
            c("parsecidr", vec![s("10.144.1.9/20")]),
            c("parsecidr", vec![s("10.144.0.0/20")])
        );
        assert_deferred(c("parsecidr", vec![s("10.0.0.0/32")]), "no usable host");
        assert_error(c("parsecidr", vec![s("10.0.0.0/33")]), "CIDR notation");
        assert_error(c("parsecidr", vec![s("x")]), "CIDR notation");
    }

    // --- propagation and robustness -------------------------------------------------------

    #[test]
    fn unknowns_keep_their_reason() {
        let reason = "parameter `vnetName` has no value";
        for (name, args) in [
            ("tolower", vec![u(reason)]),
            ("concat", vec![s("a-"), u(reason)]),
            ("length", vec![u(reason)]),
            ("split", vec![u(reason), s(",")]),
            ("join", vec![Value::List(vec![s("a"), u(reason)]), s(",")]),
            ("union", vec![j("{}"), u(reason)]),
            ("items", vec![u(reason)]),
            ("json", vec![u(reason)]),
            ("cidrhost", vec![s("10.0.0.0/24"), u(reason)]),
            ("string", vec![u(reason)]),
            ("equals", vec![u(reason), s("x")]),
            ("format", vec![s("{0}"), u(reason)]),
        ] {
            let v = c(name, args);
            match &v {
                Value::Unknown(x) => {
                    assert_eq!(x.reason(), reason, "{name}");
                    assert_eq!(x.kind(), UnknownKind::Deferred, "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // External unknowns stay external.
        let external = Value::Unknown(Unknown::external("read from an existing vnet"));
        assert_eq!(c("tolower", vec![external.clone()]), external);
    }

    #[test]
    fn errors_in_arguments_win() {
        assert_eq!(c("length", vec![e("boom")]), e("boom"));
        assert_eq!(c("concat", vec![u("later"), e("boom")]), e("boom"));
        assert_eq!(
            c("createarray", vec![Value::List(vec![e("deep")])]),
            e("deep")
        );
        assert_eq!(c("coalesce", vec![s("a"), e("boom")]), e("boom"));
        assert_eq!(c("and", vec![b(false), e("boom")]), e("boom"));
    }

    #[test]
    fn absurd_arguments_do_not_panic() {
        let samples = [
            Value::Null,
            b(true),
            n(0.0),
            n(-1.0),
            n(1.5),
            n(-0.0),
            n(1e300),
            n(-1e300),
            n(f64::NAN),
            n(f64::INFINITY),
            n(9_007_199_254_740_993.0),
            n(2_147_483_647.0),
            s(""),
            s("a"),
            s("😀é"),
            s("{0}"),
            s("{"),
            s("10.0.0.0/8"),
            s("::/0"),
            s("data:;base64,"),
            s("http://x/"),
            s("%"),
            s("[[1]"),
            j("[]"),
            j("[1, \"a\", null]"),
            j("{}"),
            j(r#"{"a": {"b": [1]}, "A": 1}"#),
            u("unknown"),
            e("error"),
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for &(name, _, _) in FUNCTIONS {
            for _ in 0..400 {
                let count = (next() % 5) as usize;
                let args: Vec<Value> = (0..count)
                    .map(|_| samples[(next() % samples.len() as u64) as usize].clone())
                    .collect();
                let result = call(name, args.clone());
                assert!(result.is_some(), "{name}");
            }
        }
        // Deep values are walked only so far: the functions stop at their depth limit. (Building,
        // cloning and dropping a value this deep recurses in `Value`'s own derived code, so
        // this part runs with a large stack.)
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(|| {
                let mut deep = s("x");
                for _ in 0..20_000 {
                    deep = Value::List(vec![deep]);
                }
                assert_deferred(
                    c("equals", vec![deep.clone(), deep.clone()]),
                    "nested too deeply",
                );
                assert_deferred(c("string", vec![deep.clone()]), "nested too deeply");
                let mut object = j("{}");
                for _ in 0..20_000 {
                    object = Value::Object(BTreeMap::from([("k".to_string(), object)]));
                }
                assert_deferred(
                    c("union", vec![object.clone(), object.clone()]),
                    "nested too deeply",
                );
                for name in [
                    "contains",
                    "createarray",
                    "coalesce",
                    "indexof",
                    "intersection",
                ] {
                    let _ = call(name, vec![deep.clone(), deep.clone()]);
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn try_get_reads_keys_and_indexes_and_gives_null_when_absent() {
        let o = j(r#"{"Name": {"ids": ["a", "b"]}}"#);
        assert_eq!(
            c("tryget", vec![o.clone(), s("name")]),
            j(r#"{"ids": ["a", "b"]}"#)
        );
        assert_eq!(c("tryget", vec![o.clone(), s("other")]), Value::Null);
        assert_eq!(
            c("tryget", vec![o.clone(), s("name"), s("ids"), n(1.0)]),
            s("b")
        );
        assert_eq!(
            c("tryget", vec![o.clone(), s("name"), s("ids"), n(2.0)]),
            Value::Null
        );
        assert_eq!(c("tryget", vec![o.clone(), s("x"), s("ids")]), Value::Null);
        assert_eq!(c("tryget", vec![Value::Null, s("x")]), Value::Null);
        // Compiled Bicep's `[?^1]` inside a chain.
        let from_end = j(r#"{"value": 1, "fromEnd": true}"#);
        assert_eq!(
            c("tryget", vec![o.clone(), s("name"), s("ids"), from_end]),
            s("b")
        );
        assert_eq!(c("tryget", vec![u("later"), s("x")]), u("later"));
        assert_error(c("tryget", vec![s("text"), s("x")]), "cannot read");
    }

    #[test]
    fn indexes_from_the_end_count_from_one() {
        let items = strs(&["a", "b", "c"]);
        assert_eq!(c("indexfromend", vec![items.clone(), n(1.0)]), s("c"));
        assert_error(c("indexfromend", vec![items.clone(), n(4.0)]), "outside");
        assert_error(c("indexfromend", vec![items.clone(), n(0.0)]), "outside");
        assert_eq!(c("tryindexfromend", vec![items.clone(), n(3.0)]), s("a"));
        assert_eq!(
            c("tryindexfromend", vec![items.clone(), n(4.0)]),
            Value::Null
        );
        assert_eq!(c("tryindexfromend", vec![items, n(0.0)]), Value::Null);
        assert_eq!(c("tryindexfromend", vec![Value::Null, n(1.0)]), Value::Null);
    }

    #[test]
    fn flatten_distinct_and_shallow_merge() {
        assert_eq!(c("flatten", vec![j("[[1, 2], [], [3]]")]), j("[1, 2, 3]"));
        assert_error(
            c("flatten", vec![j("[[1], 2]")]),
            "element 1 must be an array",
        );
        assert_eq!(
            c("distinct", vec![j(r#"[1, "a", 1, {"x": 1}, {"x": 1}]"#)]),
            j(r#"[1, "a", {"x": 1}]"#)
        );
        assert_eq!(
            c(
                "shallowmerge",
                vec![j(r#"[{"a": {"x": 1}, "b": 1}, {"a": {"y": 2}}]"#)]
            ),
            j(r#"{"a": {"y": 2}, "b": 1}"#)
        );
        assert!(c("shallowmerge", vec![j(r#"[{"a": 1}, {"A": 2}]"#)]).is_unknown());
    }

    #[test]
    fn like_matches_wildcards_ignoring_case() {
        let like = |x: &str, p: &str| c("like", vec![s(x), s(p)]);
        assert_eq!(like("privatelink.Blob", "privatelink.*"), b(true));
        assert_eq!(like("abc", "a*c"), b(true));
        assert_eq!(like("abc", "*b*"), b(true));
        assert_eq!(like("abc", "a*d"), b(false));
        assert_eq!(like("abc", "ab"), b(false));
        assert_eq!(like("aXbXc", "a*b*c"), b(true));
        assert_eq!(like("ac", "a*c*c"), b(false));
    }

    #[test]
    fn epoch_times_convert_both_ways() {
        assert_eq!(
            c("datetimetoepoch", vec![s("2023-05-02T15:16:13Z")]),
            n(1_683_040_573.0)
        );
        assert_eq!(
            c("datetimefromepoch", vec![n(1_683_040_573.0)]),
            s("2023-05-02T15:16:13Z")
        );
        assert_eq!(
            c("datetimefromepoch", vec![n(0.0)]),
            s("1970-01-01T00:00:00Z")
        );
        assert_eq!(
            c("datetimetoepoch", vec![s("2024-02-29 00:00:00Z")]),
            n(1_709_164_800.0)
        );
        assert!(c("datetimetoepoch", vec![s("2023-02-29T00:00:00Z")]).is_unknown());
        assert!(c("datetimetoepoch", vec![s("2023-05-02T15:16:13+02:00")]).is_unknown());
    }

    #[test]
    fn resource_ids_at_tenant_and_management_group_scope() {
        assert_eq!(
            c(
                "tenantresourceid",
                vec![s("Microsoft.Management/managementGroups"), s("mg")]
            ),
            s("/providers/Microsoft.Management/managementGroups/mg")
        );
        assert_eq!(
            c(
                "managementgroupresourceid",
                vec![
                    s("mg"),
                    s("Microsoft.Authorization/policyDefinitions"),
                    s("p")
                ]
            ),
            s(
                "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/p"
            )
        );
        assert!(
            c(
                "managementgroupresourceid",
                vec![s("Microsoft.Authorization/policyDefinitions"), s("p")]
            )
            .is_unknown()
        );
    }

    #[test]
    fn date_time_add_counts_years_as_365_days_and_months_as_30() {
        let add = |base: &str, d: &str| c("datetimeadd", vec![s(base), s(d)]);
        // The documentation's examples.
        assert_eq!(
            add("2023-01-01 00:00:00Z", "P1Y"),
            s("2024-01-01T00:00:00Z")
        );
        assert_eq!(
            add("2024-01-01 00:00:00Z", "P1Y"),
            s("2024-12-31T00:00:00Z")
        );
        assert_eq!(
            add("2023-02-01 00:00:00Z", "P1M"),
            s("2023-03-03T00:00:00Z")
        );
        assert_eq!(
            add("2024-02-01 00:00:00Z", "P1M"),
            s("2024-03-02T00:00:00Z")
        );
        assert_eq!(
            add("2020-04-07T14:53:14Z", "-PT1H30M"),
            s("2020-04-07T13:23:14Z")
        );
        assert_eq!(
            add("2020-04-07T14:53:14Z", "P1W"),
            s("2020-04-14T14:53:14Z")
        );
        for bad in ["P", "PT", "1D", "P1H", "PT1D", "P1.5D", "P1D1Y"] {
            assert!(add("2020-04-07T14:53:14Z", bad).is_unknown(), "{bad}");
        }
        assert!(add("2020-04-07T14:53:14.5Z", "P1D").is_unknown());
        assert!(
            c(
                "datetimeadd",
                vec![s("2020-04-07T14:53:14Z"), s("P1D"), s("yyyy")]
            )
            .is_unknown()
        );
    }
}
