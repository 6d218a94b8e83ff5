//! Terraform's built-in functions (placeholder while the library is written).

use crate::value::Value;

pub fn call(name: &str, _args: Vec<Value>) -> Value {
    Value::unknown(format!("function `{name}` is not evaluated by foundry-lint"))
}
