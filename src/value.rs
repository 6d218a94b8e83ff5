//! The value every evaluator (Terraform, ARM, Bicep) produces: JSON-like data plus `Unknown`,
//! which stands for anything that cannot be known before deployment. Unknown carries the reason,
//! phrased for the user (it becomes the FL002 message).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
    Unknown(Unknown),
}

/// A value that cannot be known statically. `is_error` marks values that would be an error at
/// plan time (a missing attribute of a known object, an index out of range, a function given bad
/// arguments): `try()` and `can()` treat those as failures, while a merely deferred value (a
/// variable without a value, an attribute known only after apply) stays unknown.
///
/// An unknown may still be known to be an IPv4 address prefix of a given length (`"${var.base}.0/27"`,
/// `cidrSubnet(vnetPrefix, 27, 0)`): the size rules need only that. The length belongs to this
/// very value: whatever is computed from it (a substring, a comparison, a host address) is
/// [`Unknown::derived`], without it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unknown {
    reason: Arc<str>,
    kind: UnknownKind,
    prefix_len: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnknownKind {
    /// Known only later (an input without a value, an attribute computed at apply time).
    Deferred,
    /// Read from something that already exists outside the stack (a data source, an `existing`
    /// resource). It can never be a value the stack itself creates, such as the principal of a
    /// managed identity it declares.
    External,
    /// Would be an error at plan time.
    Error,
}

impl Unknown {
    pub fn new(reason: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            reason: reason.into(),
            kind: UnknownKind::Deferred,
            prefix_len: None,
        }
    }

    pub fn error(reason: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            reason: reason.into(),
            kind: UnknownKind::Error,
            prefix_len: None,
        }
    }

    pub fn external(reason: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            reason: reason.into(),
            kind: UnknownKind::External,
            prefix_len: None,
        }
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }

    pub fn kind(&self) -> UnknownKind {
        self.kind
    }

    pub fn is_error(&self) -> bool {
        self.kind == UnknownKind::Error
    }

    /// The length of the IPv4 prefix this value is known to be, when its address is not known.
    pub fn prefix_len(&self) -> Option<u8> {
        self.prefix_len
    }

    /// The same unknown, known to be an IPv4 prefix of `len` bits (an error stays an error).
    pub fn with_prefix_len(&self, len: u8) -> Unknown {
        Unknown {
            prefix_len: (!self.is_error() && len <= 32).then_some(len),
            ..self.clone()
        }
    }

    /// The unknown of a value computed from this one: the same reason, and no prefix length
    /// (a part of a prefix, a host address or a comparison is not a prefix of that length).
    pub fn derived(&self) -> Unknown {
        Unknown {
            prefix_len: None,
            ..self.clone()
        }
    }
}

/// Stands for an unknown part while a string is built from known and unknown parts (a
/// template, `format()`, `concat()`): a control character no address or template contains. An
/// unknown part that is itself a prefix is written with its `/`, so the string is not read as one
/// prefix.
fn unknown_part(u: &Unknown) -> &'static str {
    match u.prefix_len {
        Some(_) => "\u{1}/\u{1}",
        None => "\u{1}",
    }
}

/// The value of a string built with [`push_unknown_part`] for its unknown parts: the text when
/// every part was known, else the first unknown part, which keeps a prefix length when the text
/// is an IPv4 prefix with a literal length (see [`crate::cidr::partial_prefix_len`]).
pub fn built_string(text: String, first_unknown: Option<Unknown>) -> Value {
    match first_unknown {
        None => Value::String(text),
        // The prefix alone (`"${local.cidr}"` written as a template, `format('{0}', cidr)`).
        Some(u) if text == unknown_part(&u) => Value::Unknown(u),
        Some(u) => Value::Unknown(match crate::cidr::partial_prefix_len(&text, UNKNOWN_PART) {
            Some(len) => u.with_prefix_len(len),
            None => u.derived(),
        }),
    }
}

const UNKNOWN_PART: char = '\u{1}';

/// Writes an unknown part of a string being built (see [`built_string`]).
pub fn push_unknown_part(out: &mut String, u: &Unknown) {
    out.push_str(unknown_part(u));
}

/// A string function (`format`, `concat`) that gave the unknown `result` because some of its
/// arguments are unknown: `build` runs again with each unknown argument written as an unknown
/// part, so that a literal `/NN` at the end of the string still gives the prefix length
/// (`format('{0}.0/27', base)`). Any other result is returned as it is.
pub fn with_built_prefix_len(
    result: Result<Value, Value>,
    args: &[Value],
    build: impl FnOnce(&[Value]) -> Result<Value, Value>,
) -> Result<Value, Value> {
    let (Ok(Value::Unknown(u)) | Err(Value::Unknown(u))) = &result else {
        return result;
    };
    if u.is_error() || !args.iter().any(Value::is_unknown) {
        return result;
    }
    let marked: Vec<Value> = args
        .iter()
        .map(|v| match v {
            Value::Unknown(part) => Value::String(unknown_part(part).to_string()),
            v => v.clone(),
        })
        .collect();
    match build(&marked) {
        Ok(Value::String(text)) => Err(built_string(text, Some(u.clone()))),
        _ => Err(Value::Unknown(u.derived())),
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl Value {
    /// Every string inside the value, depth-first (bounded like every walk over values).
    pub fn strings(&self) -> Vec<String> {
        fn walk(value: &Value, depth: usize, out: &mut Vec<String>) {
            if depth > MAX_COMPARE_DEPTH {
                return;
            }
            match value {
                Value::String(s) => out.push(s.clone()),
                Value::List(items) => items.iter().for_each(|v| walk(v, depth + 1, out)),
                Value::Object(map) => map.values().for_each(|v| walk(v, depth + 1, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(self, 0, &mut out);
        out
    }

    pub fn unknown(reason: impl Into<Arc<str>>) -> Value {
        Value::Unknown(Unknown::new(reason))
    }

    /// An evaluation error, carried as an unknown value (see `Unknown::error`).
    pub fn error(reason: impl Into<Arc<str>>) -> Value {
        Value::Unknown(Unknown::error(reason))
    }

    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// This value as the result of an operation on it: an unknown loses its prefix length (see
    /// [`Unknown::derived`]); anything else is unchanged.
    pub fn derived(self) -> Value {
        match self {
            Value::Unknown(u) if u.prefix_len.is_some() => Value::Unknown(u.derived()),
            v => v,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The first unknown found anywhere inside this value, if any.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::List(items) => items.iter().find_map(Value::first_unknown),
            Value::Object(map) => map.values().find_map(Value::first_unknown),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown(_) => "unknown",
        }
    }

    /// The string form Terraform and ARM use when a primitive is converted to a string.
    pub fn to_display_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(format_number(*n)),
            _ => None,
        }
    }
}

/// Equality of evaluated values as Terraform's `==` and ARM's `equals` define it: `Err` when an
/// unknown part decides the answer. Values that differ in a known part are unequal whatever
/// their unknown parts turn out to be.
pub fn equals(a: &Value, b: &Value) -> Result<bool, Unknown> {
    equals_at(a, b, 0)
}

/// Nesting deeper than this is not compared (parsed input is far shallower).
const MAX_COMPARE_DEPTH: usize = 256;

fn equals_at(a: &Value, b: &Value, depth: usize) -> Result<bool, Unknown> {
    if depth > MAX_COMPARE_DEPTH {
        return Err(Unknown::new("values are nested too deeply to compare"));
    }
    let all = |pairs: &mut dyn Iterator<Item = (&Value, &Value)>| {
        let mut pending = None;
        for (x, y) in pairs {
            match equals_at(x, y, depth + 1) {
                Ok(false) => return Ok(false),
                Ok(true) => {}
                Err(u) => {
                    pending.get_or_insert(u);
                }
            }
        }
        pending.map_or(Ok(true), Err)
    };
    match (a, b) {
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Err(u.clone()),
        (Value::List(x), Value::List(y)) if x.len() == y.len() => all(&mut x.iter().zip(y)),
        (Value::Object(x), Value::Object(y)) if x.keys().eq(y.keys()) => {
            all(&mut x.values().zip(y.values()))
        }
        (Value::List(_) | Value::Object(_), _) => Ok(false),
        (x, y) => Ok(x == y),
    }
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

/// JSON for a fully known value; `Err` carries the first unknown inside it.
pub fn to_json(v: &Value) -> Result<serde_json::Value, Unknown> {
    Ok(match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map(|n| {
                if n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() < 1e15)
                {
                    serde_json::Value::from(n.as_f64().unwrap() as i64)
                } else {
                    serde_json::Value::Number(n)
                }
            })
            .unwrap_or(serde_json::Value::Null),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v)?)))
                .collect::<Result<_, Unknown>>()?,
        ),
        Value::Unknown(u) => return Err(u.clone()),
    })
}
