//! An evaluated document with spans: what a front end hands to lowering. A Terraform block, an
//! azapi `body`, an ARM resource and a Bicep resource all become a `Node`, so the code that reads
//! an ARM-shaped resource (`properties.subnets[].properties.addressPrefix`) is written once.
//!
//! Literal structure keeps the span of each element; a computed value (a variable, a function
//! result) is one `Leaf` whose children share its span.

use crate::model::{Attr, Val};
use crate::source::Span;
use crate::value::{Unknown, Value};

#[derive(Clone, Debug)]
pub enum Node {
    Object {
        entries: Vec<(String, Node)>,
        span: Span,
    },
    List {
        items: Vec<Node>,
        span: Span,
    },
    Leaf {
        value: Value,
        span: Span,
    },
}

/// The elements of a list node, or why they are not known.
pub enum Items {
    Known(Vec<Node>),
    Unknown(Unknown, Span),
}

impl Node {
    pub fn leaf(value: Value, span: Span) -> Node {
        Node::Leaf { value, span }
    }

    pub fn span(&self) -> Span {
        match self {
            Node::Object { span, .. } | Node::List { span, .. } | Node::Leaf { span, .. } => *span,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Node::Leaf {
                value: Value::Null,
                ..
            }
        )
    }

    pub fn unknown(&self) -> Option<&Unknown> {
        match self {
            Node::Leaf {
                value: Value::Unknown(u),
                ..
            } => Some(u),
            _ => None,
        }
    }

    /// A member of an object. `None` when the object has no such key (or it is null); an unknown
    /// object gives an unknown member. Keys compare case-insensitively, as ARM does.
    pub fn get(&self, key: &str) -> Option<Node> {
        let found = match self {
            Node::Object { entries, .. } => entries
                .iter()
                .find(|(k, _)| k == key)
                .or_else(|| entries.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
                .map(|(_, v)| v.clone()),
            Node::Leaf {
                value: Value::Object(map),
                span,
            } => map
                .get(key)
                .or_else(|| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .map(|(_, v)| v)
                })
                .map(|v| Node::leaf(v.clone(), *span)),
            Node::Leaf {
                value: Value::Unknown(u),
                span,
            } => Some(Node::leaf(Value::Unknown(u.clone()), *span)),
            _ => None,
        };
        found.filter(|n| !n.is_null())
    }

    /// Follows a dotted path of object keys.
    pub fn path(&self, path: &str) -> Option<Node> {
        let mut node = self.clone();
        for key in path.split('.') {
            node = node.get(key)?;
        }
        Some(node)
    }

    /// The elements of a list (a single object counts as a list of one, as a Terraform block
    /// written once does).
    pub fn items(&self) -> Items {
        match self {
            Node::List { items, .. } => Items::Known(items.clone()),
            Node::Leaf {
                value: Value::List(values),
                span,
            } => Items::Known(
                values
                    .iter()
                    .map(|v| Node::leaf(v.clone(), *span))
                    .collect(),
            ),
            Node::Leaf {
                value: Value::Unknown(u),
                span,
            } => Items::Unknown(u.clone(), *span),
            Node::Leaf {
                value: Value::Null, ..
            } => Items::Known(Vec::new()),
            other => Items::Known(vec![other.clone()]),
        }
    }

    /// The elements, with an unknown list turned into one unknown element (so the caller sees
    /// "there may be more" instead of "there are none").
    pub fn elements(&self) -> Vec<Node> {
        match self.items() {
            Items::Known(items) => items,
            Items::Unknown(u, span) => vec![Node::leaf(Value::Unknown(u), span)],
        }
    }

    pub fn value(&self) -> Value {
        match self {
            Node::Leaf { value, .. } => value.clone(),
            Node::List { items, .. } => Value::List(items.iter().map(Node::value).collect()),
            Node::Object { entries, .. } => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value()))
                    .collect(),
            ),
        }
    }

    /// A string attribute; numbers and booleans are converted as Terraform and ARM do.
    pub fn string(&self) -> Attr<String> {
        let span = self.span();
        match self {
            Node::Leaf {
                value: Value::Unknown(u),
                ..
            } => Attr::unknown(u.clone(), span),
            Node::Leaf { value, .. } => match value.to_display_string() {
                // A string holding an identity marker stands for a name nobody can know yet.
                Some(s) if crate::model::ids::is_marker(&s) => Attr::unknown(
                    Unknown::new(format!(
                        "`{}` is not known statically",
                        crate::model::ids::marker_text(&s).unwrap_or(&s)
                    )),
                    span,
                ),
                Some(s) => Attr::known(s, span),
                None => Attr::unknown(
                    Unknown::new(format!("expected a string, found {}", value.type_name())),
                    span,
                ),
            },
            _ => Attr::unknown(Unknown::new("expected a string, found a collection"), span),
        }
    }

    /// A reference to another resource (an id, a vault URI, a principal): unlike `string`, it
    /// keeps identity markers, which the model's index knows how to match.
    pub fn reference(&self) -> Attr<String> {
        let span = self.span();
        match self {
            Node::Leaf {
                value: Value::String(s),
                ..
            } => Attr::known(s.clone(), span),
            _ => self.string(),
        }
    }

    pub fn references(&self) -> Vec<Attr<String>> {
        self.elements().iter().map(Node::reference).collect()
    }

    pub fn bool(&self) -> Attr<bool> {
        let span = self.span();
        match self {
            Node::Leaf {
                value: Value::Bool(b),
                ..
            } => Attr::known(*b, span),
            Node::Leaf {
                value: Value::String(s),
                ..
            } if s.eq_ignore_ascii_case("true") => Attr::known(true, span),
            Node::Leaf {
                value: Value::String(s),
                ..
            } if s.eq_ignore_ascii_case("false") => Attr::known(false, span),
            Node::Leaf {
                value: Value::Unknown(u),
                ..
            } => Attr::unknown(u.clone(), span),
            _ => Attr::unknown(Unknown::new("expected a bool"), span),
        }
    }

    pub fn number(&self) -> Attr<f64> {
        let span = self.span();
        match self {
            Node::Leaf {
                value: Value::Number(n),
                ..
            } => Attr::known(*n, span),
            Node::Leaf {
                value: Value::String(s),
                ..
            } if s.trim().parse::<f64>().is_ok() => {
                Attr::known(s.trim().parse().unwrap_or_default(), span)
            }
            Node::Leaf {
                value: Value::Unknown(u),
                ..
            } => Attr::unknown(u.clone(), span),
            _ => Attr::unknown(Unknown::new("expected a number"), span),
        }
    }

    /// An address prefix. A string that is not a prefix (a placeholder such as `10.XX.0.0/16`)
    /// is unknown: the template is not finished, and guessing would be wrong.
    pub fn prefix(&self) -> Attr<ipnet::IpNet> {
        let s = self.string();
        let span = s.span;
        match s.val {
            Val::Known(text) => match crate::cidr::parse(&text) {
                Some(net) => Attr::known(net, span),
                None => Attr::unknown(
                    Unknown::new(format!("`{text}` is not an address prefix")),
                    span,
                ),
            },
            Val::Unknown(u) => Attr::unknown(u, span),
        }
    }

    /// Strings of a list attribute, each with its own span where the list is literal.
    pub fn strings(&self) -> Vec<Attr<String>> {
        self.elements().iter().map(Node::string).collect()
    }

    pub fn prefixes(&self) -> Vec<Attr<ipnet::IpNet>> {
        self.elements().iter().map(Node::prefix).collect()
    }
}
