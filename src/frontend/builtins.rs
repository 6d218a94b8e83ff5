//! Argument checks shared by the function libraries of the evaluators (Terraform, ARM, Bicep).

use crate::value::{Unknown, Value};
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

/// Loop iterations one evaluation may run in all: `for` expressions, copy loops, lambda
/// applications, and the `count`/`for_each` instances of resources (see [`Budget`]).
pub const MAX_ITERATIONS: usize = 1_000_000;
/// Module instances (Terraform modules, Bicep modules, ARM nested deployments) one evaluation may
/// expand in all (see [`Budget`]).
pub const MAX_MODULE_INSTANCES: usize = 10_000;

/// What one evaluation (a Terraform root with its modules, an ARM template with its nested
/// deployments, a Bicep program with its modules) may still expand. Each loop and each module
/// call is bounded on its own (`MAX_INSTANCES`, module depth), but nested loops and modules that
/// call themselves with `count = 2` multiply those bounds into billions: the budget bounds their
/// product. Past it, a loop or module call is unknown (the reason says why), as a `count` past its
/// bound is. Clones share the budget.
#[derive(Clone, Default)]
pub struct Budget(Rc<Spent>);

#[derive(Default)]
struct Spent {
    iterations: Cell<usize>,
    modules: Cell<usize>,
}

impl Budget {
    /// Err once the loop budget is spent: checked before a loop evaluates its collection, so
    /// that loops past the bound cost nothing.
    pub fn check_iterations(&self) -> Result<(), Unknown> {
        self.iterations(0)
    }

    /// Spends `n` loop iterations.
    pub fn iterations(&self, n: usize) -> Result<(), Unknown> {
        spend(&self.0.iterations, n, MAX_ITERATIONS, "loop iterations")
    }

    /// Spends the elements of a collection a function built (`range`, `setproduct`), as a loop
    /// would.
    pub fn elements(&self, value: &Value) -> Result<(), Unknown> {
        self.iterations(match value {
            Value::List(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => 0,
        })
    }

    /// Spends `n` module instances.
    pub fn modules(&self, n: usize) -> Result<(), Unknown> {
        spend(&self.0.modules, n, MAX_MODULE_INSTANCES, "module instances")
    }
}

fn spend(spent: &Cell<usize>, n: usize, max: usize, what: &str) -> Result<(), Unknown> {
    let total = spent.get().saturating_add(n);
    if total > max {
        // Stays spent: a later, smaller loop must not run where an earlier one could not.
        spent.set(max.saturating_add(1));
        return Err(Unknown::new(format!(
            "foundry-lint expands at most {max} {what} in one configuration; this one is past \
             that bound and not evaluated"
        )));
    }
    spent.set(total);
    Ok(())
}

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

/// ARM's and Bicep's lambda functions (filter, map, reduce, sort, toObject, groupBy,
/// mapValues).
/// `arg(i)` evaluates argument `i`, `is_lambda(i)` says whether it is a lambda and
/// `apply(i, values)` calls that lambda.
pub fn lambda_function(
    name: &str,
    arg: &dyn Fn(usize) -> Value,
    is_lambda: &dyn Fn(usize) -> bool,
    apply: &dyn Fn(usize, Vec<Value>) -> Option<Value>,
) -> Value {
    use std::collections::BTreeMap;
    let lambda_at = if name == "reduce" { 2 } else { 1 };
    let call = |values: Vec<Value>| apply(lambda_at, values);
    if !is_lambda(lambda_at) {
        return Value::error(format!("{name}() needs a lambda"));
    }
    let items = match arg(0) {
        Value::List(items) => items,
        Value::Object(map) if name == "mapvalues" => {
            return Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, call(vec![v]).unwrap_or(Value::Null)))
                    .collect(),
            );
        }
        Value::Unknown(u) => return Value::Unknown(u),
        _ => return Value::error(format!("{name}() needs an array")),
    };
    let index = |i: usize| Value::Number(i as f64);
    match name {
        "filter" => {
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                match call(vec![item.clone(), index(i)]) {
                    Some(Value::Bool(true)) => out.push(item),
                    Some(Value::Bool(false)) => {}
                    Some(Value::Unknown(u)) => return Value::Unknown(u),
                    _ => return Value::error("filter() lambda must return a bool"),
                }
            }
            Value::List(out)
        }
        "map" => Value::List(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| call(vec![item, index(i)]).unwrap_or(Value::Null))
                .collect(),
        ),
        "reduce" => {
            let mut acc = arg(1);
            for (i, item) in items.into_iter().enumerate() {
                acc = call(vec![acc, item, index(i)]).unwrap_or(Value::Null);
            }
            acc
        }
        "toobject" => {
            let mut map = BTreeMap::new();
            for item in items {
                let key = match call(vec![item.clone()]) {
                    Some(Value::String(k)) => k,
                    Some(Value::Unknown(u)) => return Value::Unknown(u),
                    _ => return Value::error("toObject() key must be a string"),
                };
                let value = if is_lambda(2) {
                    apply(2, vec![item.clone()]).unwrap_or(Value::Null)
                } else {
                    item
                };
                map.insert(key, value);
            }
            Value::Object(map)
        }
        "groupby" => {
            let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for item in items {
                match call(vec![item.clone()]) {
                    Some(Value::String(k)) => groups.entry(k).or_default().push(item),
                    Some(Value::Unknown(u)) => return Value::Unknown(u),
                    _ => return Value::error("groupBy() key must be a string"),
                }
            }
            Value::Object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            )
        }
        // The lambda says whether its first argument sorts before its second.
        "sort" => {
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            // Insertion keeps equal items in their order (stable), and stops at the first
            // comparison that is not a known bool.
            for item in items {
                let mut at = out.len();
                while at > 0 {
                    match call(vec![item.clone(), out[at - 1].clone()]) {
                        Some(Value::Bool(true)) => at -= 1,
                        Some(Value::Bool(false)) => break,
                        Some(Value::Unknown(u)) => return Value::Unknown(u),
                        _ => return Value::error("sort() lambda must return a bool"),
                    }
                }
                out.insert(at, item);
            }
            Value::List(out)
        }
        "mapvalues" => Value::error("mapValues() needs an object"),
        _ => Value::unknown(format!("`{name}()` is not evaluated by foundry-lint")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn lambda_functions_follow_arm() {
        let items = Value::List(vec![n(1.0), n(2.0), n(3.0)]);
        let double = |_: usize, v: Vec<Value>| Some(n(v[0].as_f64().unwrap_or(0.0) * 2.0));
        let odd =
            |_: usize, v: Vec<Value>| Some(Value::Bool(v[0].as_f64().unwrap_or(0.0) % 2.0 == 1.0));
        let sum = |_: usize, v: Vec<Value>| {
            Some(n(
                v[0].as_f64().unwrap_or(0.0) + v[1].as_f64().unwrap_or(0.0)
            ))
        };
        let yes = |_: usize| true;
        assert_eq!(
            lambda_function("map", &|_| items.clone(), &yes, &double),
            Value::List(vec![n(2.0), n(4.0), n(6.0)])
        );
        assert_eq!(
            lambda_function("filter", &|_| items.clone(), &yes, &odd),
            Value::List(vec![n(1.0), n(3.0)])
        );
        assert_eq!(
            lambda_function(
                "reduce",
                &|i| if i == 0 { items.clone() } else { n(10.0) },
                &yes,
                &sum
            ),
            n(16.0)
        );
        let less = |_: usize, v: Vec<Value>| {
            Some(Value::Bool(
                v[0].as_f64().unwrap_or(0.0) < v[1].as_f64().unwrap_or(0.0),
            ))
        };
        assert_eq!(
            lambda_function(
                "sort",
                &|_| Value::List(vec![n(3.0), n(1.0), n(2.0)]),
                &yes,
                &less
            ),
            Value::List(vec![n(1.0), n(2.0), n(3.0)])
        );
        let parity = |_: usize, v: Vec<Value>| {
            Some(Value::str(if v[0].as_f64().unwrap_or(0.0) % 2.0 == 1.0 {
                "odd"
            } else {
                "even"
            }))
        };
        assert_eq!(
            lambda_function("groupby", &|_| items.clone(), &yes, &parity),
            Value::Object(BTreeMap::from([
                ("even".to_string(), Value::List(vec![n(2.0)])),
                ("odd".to_string(), Value::List(vec![n(1.0), n(3.0)])),
            ]))
        );
        let unknown = Value::unknown("later");
        assert_eq!(
            lambda_function("map", &|_| unknown.clone(), &yes, &double),
            unknown
        );
        assert!(lambda_function("map", &|_| items.clone(), &|_| false, &double).is_unknown());
    }

    #[test]
    fn a_spent_budget_stays_spent_and_is_shared_by_clones() {
        let budget = Budget::default();
        let shared = budget.clone();
        assert!(budget.iterations(MAX_ITERATIONS).is_ok());
        assert!(budget.check_iterations().is_ok());
        assert!(shared.iterations(1).is_err());
        // A smaller loop after a refused one is refused too.
        assert!(budget.check_iterations().is_err());
        assert!(budget.iterations(0).is_err());
        assert!(budget.modules(MAX_MODULE_INSTANCES).is_ok());
        assert!(shared.modules(1).is_err());
        assert!(
            Budget::default()
                .elements(&Value::List(vec![Value::Null; 3]))
                .is_ok()
        );
    }
}
