//! Type conversions: `tostring`, `tonumber`, `tobool`, `tolist`, `toset`, `tomap`.

use super::*;

pub(super) fn convert(f: &str, a: &[Value]) -> Res {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

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
}
