//! Terraform's function library on arbitrary arguments: a function picked from the list below
//! (or any name), arguments built by `arbitrary` (CIDR-shaped strings and small integers are
//! made likely, as the network functions need them).
#![no_main]

use arbitrary::Arbitrary;
use foundry_lint::value::Value;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const FUNCTIONS: &[&str] = &[
    // Collections.
    "alltrue",
    "anytrue",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "lookup",
    "matchkeys",
    "merge",
    "one",
    "range",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "sum",
    "transpose",
    "values",
    "zipmap",
    // Conversions.
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "sensitive",
    "nonsensitive",
    // Strings.
    "chomp",
    "endswith",
    "format",
    "formatlist",
    "indent",
    "join",
    "lower",
    "regex",
    "regexall",
    "replace",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "title",
    "trim",
    "trimprefix",
    "trimsuffix",
    "trimspace",
    "upper",
    // Numbers.
    "abs",
    "ceil",
    "floor",
    "max",
    "min",
    "parseint",
    "pow",
    "signum",
    // Network addresses.
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    // Encodings.
    "base64decode",
    "base64encode",
    "jsondecode",
    "jsonencode",
    "urlencode",
    "yamldecode",
    "yamlencode",
    // Not evaluated, or removed.
    "file",
    "templatefile",
    "timestamp",
    "uuid",
    "bcrypt",
    "md5",
    "list",
    "map",
    "core::cidrsubnet",
    "core::format",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Arg {
    Null,
    Bool(bool),
    Number(f64),
    Int(i16),
    String(String),
    Cidr {
        v6: bool,
        address: [u8; 16],
        prefix: u8,
    },
    List(Vec<Arg>),
    Object(Vec<(String, Arg)>),
    Unknown {
        error: bool,
    },
}

impl Arg {
    fn value(&self) -> Value {
        match self {
            Arg::Null => Value::Null,
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Number(n) => Value::Number(*n),
            Arg::Int(i) => Value::Number(f64::from(*i)),
            Arg::String(s) => Value::String(s.clone()),
            Arg::Cidr {
                v6,
                address,
                prefix,
            } => Value::String(match v6 {
                false => format!(
                    "{}/{}",
                    std::net::Ipv4Addr::new(address[0], address[1], address[2], address[3]),
                    prefix % 40
                ),
                true => format!("{}/{}", std::net::Ipv6Addr::from(*address), prefix % 140),
            }),
            Arg::List(items) => Value::List(items.iter().map(Arg::value).collect()),
            Arg::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value()))
                    .collect::<BTreeMap<_, _>>(),
            ),
            Arg::Unknown { error: false } => Value::unknown("fuzz: deferred"),
            Arg::Unknown { error: true } => Value::error("fuzz: error"),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Call {
    name: Name,
    args: Vec<Arg>,
}

fuzz_target!(|call: Call| {
    let name = match &call.name {
        Name::Known(i) => FUNCTIONS[usize::from(*i) % FUNCTIONS.len()].to_string(),
        Name::Other(s) => s.clone(),
    };
    let args: Vec<Value> = call.args.iter().map(Arg::value).collect();
    let result = foundry_lint::frontend::terraform::call_function(&name, args);
    std::hint::black_box(format!("{result:?}"));
});
