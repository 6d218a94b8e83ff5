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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unknown {
    reason: Arc<str>,
    kind: UnknownKind,
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
        }
    }

    pub fn error(reason: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            reason: reason.into(),
            kind: UnknownKind::Error,
        }
    }

    pub fn external(reason: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            reason: reason.into(),
            kind: UnknownKind::External,
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
