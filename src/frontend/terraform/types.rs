//! Variable type constraints (`type = map(object({ cidr = string, size = optional(number, 27) }))`)
//! and the conversion Terraform applies to every value a variable receives, its default included:
//! primitives convert into each other where cty allows it, collections convert element by
//! element, object attributes marked `optional()` are added with their default (or null) at any
//! depth, and attributes the type does not declare are dropped. A value that cannot be converted
//! makes the plan fail, so it becomes an error-unknown; unknown parts stay unknown, and the known
//! parts around them are still converted (an object with one unknown attribute still gets its
//! other defaults).

use super::eval::Evaluator;
use super::functions::{parse_number, sorted_set, unify};
use crate::value::{Unknown, Value};
use hcl_edit::expr::{Expression, ObjectKey};
use std::collections::BTreeMap;

/// Type expressions and values nest this deep at most; deeper ones come from absurd input.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<Attribute>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    /// `optional(...)`: may be absent or null.
    pub optional: bool,
    /// The second argument of `optional(type, default)`, already converted to `ty`.
    pub default: Option<Value>,
}

impl Type {
    /// Reads a type constraint expression; `Err` says why Terraform would reject it.
    pub fn parse(expr: &Expression) -> Result<Type, String> {
        parse_type(expr, 0)
    }
}

fn parse_type(expr: &Expression, depth: usize) -> Result<Type, String> {
    if depth > MAX_DEPTH {
        return Err("the type constraint is nested too deeply".into());
    }
    match expr {
        Expression::Parenthesis(p) => parse_type(p.inner(), depth + 1),
        Expression::Variable(v) => keyword(v.as_str()),
        // Terraform 0.11 wrote types as strings: "string", "list", "map".
        Expression::String(s) => keyword(s.value()),
        Expression::FuncCall(call) if !call.name.is_namespaced() => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            match (name, args.as_slice()) {
                ("list", [inner]) => Ok(Type::List(Box::new(parse_type(inner, depth + 1)?))),
                ("set", [inner]) => Ok(Type::Set(Box::new(parse_type(inner, depth + 1)?))),
                ("map", [inner]) => Ok(Type::Map(Box::new(parse_type(inner, depth + 1)?))),
                ("tuple", [Expression::Array(items)]) => Ok(Type::Tuple(
                    items
                        .iter()
                        .map(|e| parse_type(e, depth + 1))
                        .collect::<Result<_, _>>()?,
                )),
                ("object", [Expression::Object(object)]) => {
                    let mut attributes = Vec::new();
                    for (key, value) in object.iter() {
                        let name = match key {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                            ObjectKey::Expression(_) => {
                                return Err("an object attribute name must be a name".into());
                            }
                        };
                        attributes.push(parse_attribute(name, value.expr(), depth + 1)?);
                    }
                    Ok(Type::Object(attributes))
                }
                ("optional", _) => Err("`optional` is allowed only for object attributes".into()),
                _ => Err(format!("`{name}(...)` is not a type constraint")),
            }
        }
        _ => Err("not a type constraint".into()),
    }
}

fn keyword(name: &str) -> Result<Type, String> {
    match name {
        "any" => Ok(Type::Any),
        "string" => Ok(Type::String),
        "number" => Ok(Type::Number),
        "bool" => Ok(Type::Bool),
        // Bare `list` and `map` are the 0.11 spellings of `list(any)` and `map(any)`.
        "list" => Ok(Type::List(Box::new(Type::Any))),
        "map" => Ok(Type::Map(Box::new(Type::Any))),
        "set" => Ok(Type::Set(Box::new(Type::Any))),
        other => Err(format!("`{other}` is not a type")),
    }
}

fn parse_attribute(name: String, expr: &Expression, depth: usize) -> Result<Attribute, String> {
    let call = match expr {
        Expression::FuncCall(call)
            if !call.name.is_namespaced() && call.name.name.as_str() == "optional" =>
        {
            call
        }
        _ => {
            return Ok(Attribute {
                name,
                ty: parse_type(expr, depth)?,
                optional: false,
                default: None,
            });
        }
    };
    let args: Vec<&Expression> = call.args.iter().collect();
    let (ty, default) = match args.as_slice() {
        [ty] => (parse_type(ty, depth + 1)?, None),
        [ty, default] => {
            let ty = parse_type(ty, depth + 1)?;
            // The default is a constant; it is converted to the attribute's type, nested
            // defaults included, when the type is read.
            let value = convert(Evaluator::eval_constant(default), &ty)
                .map_err(|e| format!("the default of attribute `{name}`: {e}"))?;
            (ty, Some(value))
        }
        _ => return Err("`optional` takes a type and an optional default".into()),
    };
    Ok(Attribute {
        name,
        ty,
        optional: true,
        default,
    })
}

/// Converts a value to a type as Terraform does when a variable receives it. `Err` says why
/// the plan would fail.
pub fn convert(value: Value, ty: &Type) -> Result<Value, String> {
    convert_at(value, ty, 0)
}

fn convert_at(value: Value, ty: &Type, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Ok(Value::Unknown(Unknown::new(
            "a value is nested too deeply to convert to its type",
        )));
    }
    // Null is a value of every type, and an unknown may be anything: neither is converted
    // (Terraform applies no defaults to a null object).
    if matches!(value, Value::Null | Value::Unknown(_)) {
        return Ok(value);
    }
    let found = value.type_name();
    match (ty, value) {
        (Type::Any, v) => Ok(v),
        (Type::String, Value::String(s)) => Ok(Value::String(s)),
        (Type::String, v @ (Value::Number(_) | Value::Bool(_))) => {
            Ok(Value::String(v.to_display_string().unwrap_or_default()))
        }
        (Type::Number, Value::Number(n)) => Ok(Value::Number(n)),
        (Type::Number, Value::String(s)) => parse_number(&s)
            .map(Value::Number)
            .ok_or_else(|| format!("a number is required, not {s:?}")),
        (Type::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        // cty's string-to-bool conversion accepts "1" and "0" as well.
        (Type::Bool, Value::String(s)) => match s.as_str() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("a bool is required, not {s:?}")),
        },
        (Type::List(element), Value::List(items)) => {
            Ok(Value::List(elements(items, element, depth)?))
        }
        (Type::Set(element), Value::List(items)) => {
            let items = elements(items, element, depth)?;
            // Unknown elements may equal others: neither the order nor the size is known.
            if let Some(u) = items.iter().find_map(Value::first_unknown) {
                return Ok(Value::Unknown(u.clone()));
            }
            Ok(Value::List(sorted_set(items)))
        }
        (Type::Map(element), Value::Object(map)) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let values = elements(map.into_values().collect(), element, depth)?;
            Ok(Value::Object(keys.into_iter().zip(values).collect()))
        }
        (Type::Tuple(types), Value::List(items)) => {
            if types.len() != items.len() {
                return Err(format!(
                    "a tuple of {} elements is required, not {}",
                    types.len(),
                    items.len()
                ));
            }
            items
                .into_iter()
                .zip(types)
                .enumerate()
                .map(|(i, (v, t))| {
                    convert_at(v, t, depth + 1).map_err(|e| format!("element {i}: {e}"))
                })
                .collect::<Result<_, _>>()
                .map(Value::List)
        }
        (Type::Object(attributes), Value::Object(mut map)) => {
            let mut out = BTreeMap::new();
            for attribute in attributes {
                let given = map.remove(&attribute.name).unwrap_or(Value::Null);
                let value = match (given, &attribute.default) {
                    (Value::Null, Some(default)) => default.clone(),
                    (Value::Null, None) if !attribute.optional => {
                        return Err(format!("attribute `{}` is required", attribute.name));
                    }
                    (given, _) => convert_at(given, &attribute.ty, depth + 1)
                        .map_err(|e| format!("attribute `{}`: {e}", attribute.name))?,
                };
                out.insert(attribute.name.clone(), value);
            }
            // Attributes the type does not declare are dropped.
            Ok(Value::Object(out))
        }
        (ty, _) => Err(format!("{} is required, not {found}", describe(ty))),
    }
}

/// Converts the elements of a list, set or map to one element type. With `any`, Terraform finds
/// one type for all of them: strings absorb numbers and bools.
fn elements(items: Vec<Value>, element: &Type, depth: usize) -> Result<Vec<Value>, String> {
    if *element == Type::Any {
        return match unify(&items) {
            Ok(unified) => Ok(unified.into_owned()),
            // Structural elements of differing shapes may still unify in Terraform (objects
            // into a map); they are kept as they are rather than rejected on a guess.
            Err(_)
                if items.iter().all(|v| {
                    !matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
                }) =>
            {
                Ok(items)
            }
            Err(e) => Err(e),
        };
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| convert_at(v, element, depth + 1).map_err(|e| format!("element {i}: {e}")))
        .collect()
}

fn describe(ty: &Type) -> &'static str {
    match ty {
        Type::Any => "a value",
        Type::String => "a string",
        Type::Number => "a number",
        Type::Bool => "a bool",
        Type::List(_) => "a list",
        Type::Set(_) => "a set",
        Type::Map(_) => "a map",
        Type::Tuple(_) => "a tuple",
        Type::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> Type {
        Type::parse(&hcl_edit::parser::parse_expr(text).unwrap()).unwrap()
    }

    fn val(text: &str) -> Value {
        Evaluator::eval_constant(&hcl_edit::parser::parse_expr(text).unwrap())
    }

    fn conv(value: &str, t: &str) -> Result<Value, String> {
        convert(val(value), &ty(t))
    }

    #[test]
    fn optional_defaults_are_added_inside_maps_of_objects() {
        let t =
            "map(object({ cidr = string, size = optional(number, 27), name = optional(string) }))";
        assert_eq!(
            conv(r#"{ agent = { cidr = "10.0.0.0/24" } }"#, t).unwrap(),
            val(r#"{ agent = { cidr = "10.0.0.0/24", size = 27, name = null } }"#)
        );
        // A null attribute takes the default too; a given one is converted.
        assert_eq!(
            conv(
                r#"{ a = { cidr = "x", size = null }, b = { cidr = "y", size = "26" } }"#,
                t
            )
            .unwrap(),
            val(
                r#"{ a = { cidr = "x", size = 27, name = null }, b = { cidr = "y", size = 26, name = null } }"#
            )
        );
    }

    #[test]
    fn nested_defaults_apply_inside_defaults_lists_and_tuples() {
        let t = r#"list(object({
            delegation = optional(object({ service = optional(string, "Microsoft.App/environments") }), {})
            tags = optional(set(string), ["b", "a", "b"])
        }))"#;
        assert_eq!(
            conv("[{}]", t).unwrap(),
            val(
                r#"[{ delegation = { service = "Microsoft.App/environments" }, tags = ["a", "b"] }]"#
            )
        );
        assert_eq!(
            conv(r#"["1", true]"#, "tuple([number, string])").unwrap(),
            val(r#"[1, "true"]"#)
        );
    }

    #[test]
    fn unknown_parts_stay_unknown_and_the_rest_is_converted() {
        let mut given = BTreeMap::new();
        given.insert("cidr".to_string(), Value::unknown("known after apply"));
        let t = ty("object({ cidr = string, size = optional(number, 26) })");
        let out = convert(Value::Object(given), &t).unwrap();
        assert!(out.as_object().unwrap()["cidr"].is_unknown());
        assert_eq!(out.as_object().unwrap()["size"], Value::Number(26.0));
        assert!(convert(Value::unknown("x"), &t).unwrap().is_unknown());
        assert_eq!(convert(Value::Null, &t).unwrap(), Value::Null);
    }

    #[test]
    fn extra_attributes_are_dropped_and_missing_required_ones_fail() {
        assert_eq!(
            conv(r#"{ a = 1, extra = "x" }"#, "object({ a = string })").unwrap(),
            val(r#"{ a = "1" }"#)
        );
        assert!(
            conv("{}", "object({ a = string })")
                .unwrap_err()
                .contains("`a` is required")
        );
    }

    #[test]
    fn primitives_convert_as_cty_does() {
        assert_eq!(conv(r#""1""#, "bool").unwrap(), Value::Bool(true));
        assert_eq!(conv("false", "string").unwrap(), Value::str("false"));
        assert_eq!(conv("1.5", "string").unwrap(), Value::str("1.5"));
        assert_eq!(conv(r#""1e2""#, "number").unwrap(), Value::Number(100.0));
        assert!(conv(r#""ten""#, "number").is_err());
        assert!(conv(r#""yes""#, "bool").is_err());
        assert!(conv("[1]", "string").is_err());
        assert!(conv("{ a = 1 }", "list(string)").is_err());
        assert!(conv("[1, 2]", "tuple([number])").is_err());
        // `any` unifies primitive elements to strings when any is a string.
        assert_eq!(
            conv(r#"[1, "a"]"#, "list(any)").unwrap(),
            val(r#"["1", "a"]"#)
        );
        assert_eq!(
            conv(r#"{ a = 1 }"#, "map(string)").unwrap(),
            val(r#"{ a = "1" }"#)
        );
    }

    #[test]
    fn sets_are_sorted_and_deduplicated_unless_an_element_is_unknown() {
        assert_eq!(
            conv(r#"["b", "a", "b"]"#, "set(string)").unwrap(),
            val(r#"["a", "b"]"#)
        );
        let with_unknown = Value::List(vec![Value::str("a"), Value::unknown("later")]);
        assert!(
            convert(with_unknown, &ty("set(string)"))
                .unwrap()
                .is_unknown()
        );
    }

    #[test]
    fn bad_type_expressions_are_rejected() {
        for bad in [
            "strin",
            "optional(string)",
            "list(string, number)",
            "object({ (x) = string })",
            "1",
        ] {
            assert!(
                Type::parse(&hcl_edit::parser::parse_expr(bad).unwrap()).is_err(),
                "{bad}"
            );
        }
        assert_eq!(ty(r#""list""#), Type::List(Box::new(Type::Any)));
        let bad_default =
            hcl_edit::parser::parse_expr("object({ a = optional(number, \"x\") })").unwrap();
        assert!(
            Type::parse(&bad_default)
                .unwrap_err()
                .contains("default of attribute `a`")
        );
    }
}
