//! The Terraform expression evaluator: variables (defaults, tfvars, `--var`), locals in any
//! order, references between resources, interpolation, conditionals, `for` expressions, splats,
//! operators and the function library. What Terraform itself would only know at plan or apply
//! time evaluates to `Value::Unknown` with the reason; nothing here fails or guesses.

use super::calls::ChildSet;
use super::functions;
use super::module::{ModuleDecls, ResourceDecl};
use super::schema;
use super::types::{self, Type};
use crate::node::Node;
use crate::source::{FileId, Span};
use crate::value::{Unknown, Value};
use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

/// The most instances one `count` or `for_each` is expanded into; past it the resource is
/// treated as unknown (a bound, so `count = 1000000000` cannot exhaust memory).
pub const MAX_INSTANCES: usize = 10_000;

/// How many locals and resources may be under evaluation at once: a chain of references deeper
/// than this is cut (as unknown) rather than allowed to exhaust the stack.
const MAX_REFERENCE_DEPTH: usize = 200;

/// Names bound while evaluating: `count`, `each`, `for` variables, dynamic-block iterators.
#[derive(Clone, Default)]
pub struct Scope {
    bindings: Vec<(String, Value)>,
}

impl Scope {
    pub fn with(&self, name: &str, value: Value) -> Scope {
        let mut next = self.clone();
        next.bindings.push((name.to_string(), value));
        next
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// One instance of a resource after `count` / `for_each` expansion.
pub struct Instance {
    /// `azurerm_subnet.agent`, `azurerm_subnet.agent[0]`, `azurerm_subnet.agent["a"]`.
    pub address: String,
    pub scope: Scope,
}

impl Instance {
    fn each_key(&self) -> Option<String> {
        self.scope
            .lookup("each")?
            .as_object()?
            .get("key")?
            .as_str()
            .map(str::to_string)
    }
}

pub struct Evaluator<'a> {
    pub(super) decls: &'a ModuleDecls<'a>,
    /// Variable values: from tfvars files and `--var` in a root module, from the call's arguments
    /// in a child module.
    inputs: HashMap<String, Value>,
    /// Unique per module instance; keeps the markers of unknown names of two instances apart.
    pub marker_prefix: String,
    pub(super) context: ModuleContext<'a>,
    /// Named values computed once; shared, so a reference into a large collection (a resource
    /// with many instances) copies only the part it reads.
    memo: RefCell<HashMap<String, std::rc::Rc<Value>>>,
    /// The names being evaluated, innermost last (see `frontend::cycles`).
    active: RefCell<Vec<String>>,
    pub(super) children: RefCell<HashMap<String, Rc<ChildSet<'a>>>>,
    /// Where each input came from (a tfvars entry, a module-call argument), for traces.
    pub(super) input_traces: HashMap<String, Vec<crate::model::TraceStep>>,
    /// Traces of the values built since the last `take_traces`.
    pub(super) traces: RefCell<Vec<(Span, crate::model::Trace)>>,
    /// Traces by expression: an expression's trace is the same in every instance of its block
    /// (`each` leads to the block's own `for_each`), so it is built once and shared.
    pub(super) trace_cache: RefCell<HashMap<usize, crate::model::Trace>>,
    /// The `count`/`for_each` of the blocks being evaluated, innermost last.
    pub(super) repetition: RefCell<Vec<Option<(&'a hcl_edit::structure::Attribute, FileId)>>>,
}

/// Where an evaluator sits in the module tree.
#[derive(Clone, Default)]
pub struct ModuleContext<'a> {
    /// Every module directory loaded (None for tfvars files, which reference nothing).
    pub project: Option<&'a super::Project<'a>>,
    pub dir: PathBuf,
    pub display_dir: String,
    /// The module path as `.terraform/modules/modules.json` keys it ("net", "net.subnets").
    pub key: String,
    /// `module.net[0].` inside a module instance, empty in the root module.
    pub address_prefix: String,
    pub depth: usize,
    /// The root module's installed modules (key -> directory), after `terraform init`.
    pub installed: Option<&'a HashMap<String, PathBuf>>,
    /// The source texts, for the excerpts in traces (None: no traces).
    pub sources: Option<&'a crate::source::SourceMap>,
    /// What the root module's evaluation may still expand, shared by its modules.
    pub budget: crate::frontend::builtins::Budget,
    /// The directories of the modules that lead here, outermost first (the root's included).
    pub callers: Vec<PathBuf>,
    /// What the evaluation found Terraform would reject (reference cycles, modules that call
    /// themselves), shared by its modules.
    pub invalid: Rc<RefCell<Vec<crate::model::InvalidConfiguration>>>,
}

/// Whether a traversal's root is a resource: a missing attribute of a resource is computed at
/// apply time (deferred); a missing attribute of a variable or local is an error.
#[derive(Clone, Copy, PartialEq)]
enum Root {
    Resource,
    /// A data source: only its identity is known (see `data_value`).
    Data,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        decls: &'a ModuleDecls<'a>,
        inputs: HashMap<String, Value>,
        marker_prefix: String,
        context: ModuleContext<'a>,
    ) -> Evaluator<'a> {
        Evaluator {
            decls,
            inputs,
            marker_prefix,
            context,
            memo: RefCell::default(),
            active: RefCell::default(),
            children: RefCell::default(),
            input_traces: HashMap::new(),
            traces: RefCell::default(),
            trace_cache: RefCell::default(),
            repetition: RefCell::default(),
        }
    }

    /// Says where the inputs came from, for traces.
    pub fn with_input_traces(
        mut self,
        traces: HashMap<String, Vec<crate::model::TraceStep>>,
    ) -> Self {
        self.input_traces = traces;
        self
    }

    /// An evaluator for tfvars files: no declarations, so only literals and functions.
    pub fn eval_constant(expr: &Expression) -> Value {
        let decls = ModuleDecls::default();
        let evaluator = Evaluator::new(
            &decls,
            HashMap::new(),
            String::new(),
            ModuleContext::default(),
        );
        evaluator.eval(expr, &Scope::default())
    }

    // ----- expressions to values -------------------------------------------------------------

    pub fn eval(&self, expr: &Expression, scope: &Scope) -> Value {
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => Value::String(s.value().clone()),
            Expression::Array(items) => {
                Value::List(items.iter().map(|e| self.eval(e, scope)).collect())
            }
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (key, value) in object.iter() {
                    let key = match self.object_key(key, scope) {
                        Ok(k) => k,
                        Err(u) => return u,
                    };
                    map.insert(key, self.eval(value.expr(), scope));
                }
                Value::Object(map)
            }
            Expression::StringTemplate(t) => self.template(t, scope),
            Expression::HeredocTemplate(h) => self.template(&h.template, scope),
            Expression::Parenthesis(p) => self.eval(p.inner(), scope),
            Expression::Variable(v) => self.reference(v.as_str(), &[], scope),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.reference(v.as_str(), &t.operators, scope),
                other => {
                    let base = self.eval(other, scope);
                    self.traverse(base, &t.operators, scope, None, "expression".into())
                }
            },
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope);
                match cond {
                    Value::Bool(true) => self.eval(&c.true_expr, scope),
                    Value::Bool(false) => self.eval(&c.false_expr, scope),
                    Value::Unknown(u) => {
                        // Both branches agreeing makes the condition irrelevant.
                        let a = self.eval(&c.true_expr, scope);
                        let b = self.eval(&c.false_expr, scope);
                        if a == b && a.first_unknown().is_none() {
                            a
                        } else {
                            Value::Unknown(u)
                        }
                    }
                    other => Value::error(format!(
                        "a condition must be a bool, found {}",
                        other.type_name()
                    )),
                }
            }
            Expression::FuncCall(call) => self.call(call, scope),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, scope);
                match (op.operator.value(), v) {
                    (_, Value::Unknown(u)) => Value::Unknown(u.derived()),
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOperator::Neg, v) => match to_number(&v) {
                        Some(n) => Value::Number(-n),
                        None => Value::error("`-` needs a number"),
                    },
                    (UnaryOperator::Not, _) => Value::error("`!` needs a bool"),
                }
            }
            Expression::BinaryOp(op) => {
                self.binary(op.operator.value(), &op.lhs_expr, &op.rhs_expr, scope)
            }
            Expression::ForExpr(f) => self.for_expr(f, scope),
        }
    }

    fn object_key(&self, key: &ObjectKey, scope: &Scope) -> Result<String, Value> {
        match key {
            ObjectKey::Ident(ident) => Ok(ident.as_str().to_string()),
            ObjectKey::Expression(expr) => {
                // A bare `(var.x)` or a string; a bare traversal key is taken literally by HCL
                // only when it is an identifier, which the parser already gives as `Ident`.
                let v = self.eval(expr, scope);
                match v {
                    Value::Unknown(_) => Err(v),
                    other => other
                        .to_display_string()
                        .ok_or_else(|| Value::error("an object key must be a string")),
                }
            }
        }
    }

    fn template(&self, template: &Template, scope: &Scope) -> Value {
        // `"${x}"` alone is x itself, not its string form (Terraform keeps the type).
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(only)] = elements.as_slice() {
            return self.eval(&only.expr, scope);
        }
        let mut out = String::new();
        let mut unknown = None;
        match self.render(template, scope, &mut out, &mut unknown) {
            // Rendering goes on past a deferred unknown (to find a literal `/NN` after it); what
            // fails after it is still that unknown.
            Err(e) => unknown.map_or(e, Value::Unknown).derived(),
            Ok(()) => crate::value::built_string(out, unknown),
        }
    }

    fn render(
        &self,
        template: &Template,
        scope: &Scope,
        out: &mut String,
        unknown: &mut Option<Unknown>,
    ) -> Result<(), Value> {
        for element in template.iter() {
            match element {
                Element::Literal(text) => out.push_str(text.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, scope);
                    match v {
                        Value::Unknown(u) if !u.is_error() => {
                            crate::value::push_unknown_part(out, &u);
                            unknown.get_or_insert(u);
                        }
                        Value::Unknown(_) => return Err(v),
                        Value::Null => {
                            return Err(Value::error("a null value cannot be interpolated"));
                        }
                        other => match other.to_display_string() {
                            Some(s) => out.push_str(&s),
                            None => {
                                return Err(Value::error(format!(
                                    "a {} cannot be interpolated into a string",
                                    other.type_name()
                                )));
                            }
                        },
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(if_dir) => match self.eval(&if_dir.if_expr.cond_expr, scope) {
                        Value::Bool(true) => {
                            self.render(&if_dir.if_expr.template, scope, out, unknown)?
                        }
                        Value::Bool(false) => {
                            if let Some(else_expr) = &if_dir.else_expr {
                                self.render(&else_expr.template, scope, out, unknown)?;
                            }
                        }
                        Value::Unknown(u) => return Err(Value::Unknown(u)),
                        _ => return Err(Value::error("a template condition must be a bool")),
                    },
                    Directive::For(for_dir) => {
                        let f = &for_dir.for_expr;
                        let budget = &self.context.budget;
                        budget.check_iterations().map_err(Value::Unknown)?;
                        let pairs = self.iterate(self.eval(&f.collection_expr, scope))?;
                        budget.iterations(pairs.len()).map_err(Value::Unknown)?;
                        for (key, value) in pairs {
                            let mut inner = scope.with(f.value_var.as_str(), value);
                            if let Some(k) = &f.key_var {
                                inner = inner.with(k.as_str(), key);
                            }
                            self.render(&f.template, &inner, out, unknown)?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    /// The (key, value) pairs a `for` iterates: index and element of a list, key and value of an
    /// object.
    fn iterate(&self, collection: Value) -> Result<Vec<(Value, Value)>, Value> {
        match collection {
            Value::List(items) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect()),
            Value::Object(map) => Ok(map
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect()),
            Value::Unknown(u) => Err(Value::Unknown(u)),
            Value::Null => Err(Value::error("cannot iterate over null")),
            other => Err(Value::error(format!(
                "cannot iterate over a {}",
                other.type_name()
            ))),
        }
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, scope: &Scope) -> Value {
        if let Err(u) = self.context.budget.check_iterations() {
            return Value::Unknown(u);
        }
        let pairs = match self.iterate(self.eval(&f.intro.collection_expr, scope)) {
            Ok(p) => p,
            Err(u) => return u,
        };
        if let Err(u) = self.context.budget.iterations(pairs.len()) {
            return Value::Unknown(u);
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (key, value) in pairs {
            let mut inner = scope.with(f.intro.value_var.as_str(), value);
            if let Some(k) = &f.intro.key_var {
                inner = inner.with(k.as_str(), key);
            }
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &inner) {
                    Value::Bool(true) => {}
                    Value::Bool(false) => continue,
                    Value::Unknown(u) => return Value::Unknown(u),
                    _ => return Value::error("a `for` condition must be a bool"),
                }
            }
            let element = self.eval(&f.value_expr, &inner);
            match &f.key_expr {
                None => list.push(element),
                Some(key_expr) => {
                    let key = match self.eval(key_expr, &inner) {
                        Value::Unknown(u) => return Value::Unknown(u),
                        k => match k.to_display_string() {
                            Some(s) => s,
                            None => return Value::error("a `for` key must be a string"),
                        },
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(element);
                    } else if map.insert(key.clone(), element).is_some() {
                        return Value::error(format!(
                            "duplicate key `{key}` in a `for` expression"
                        ));
                    }
                }
            }
        }
        match (&f.key_expr, f.grouping) {
            (None, _) => Value::List(list),
            (Some(_), false) => Value::Object(map),
            (Some(_), true) => Value::Object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
        }
    }

    fn binary(
        &self,
        op: &BinaryOperator,
        lhs: &Expression,
        rhs: &Expression,
        scope: &Scope,
    ) -> Value {
        let l = self.eval(lhs, scope);
        // `&&` and `||` decide on one known side even when the other is unknown.
        match op {
            BinaryOperator::And | BinaryOperator::Or => {
                let r = self.eval(rhs, scope);
                let decisive = matches!(op, BinaryOperator::Or);
                return match (&l, &r) {
                    (Value::Bool(a), _) if *a == decisive => Value::Bool(decisive),
                    (_, Value::Bool(b)) if *b == decisive => Value::Bool(decisive),
                    (Value::Bool(_), Value::Bool(_)) => Value::Bool(!decisive),
                    (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Value::Unknown(u.derived()),
                    _ => Value::error(format!("`{}` needs bools", op.as_str())),
                };
            }
            _ => {}
        }
        let r = self.eval(rhs, scope);
        if let Value::Unknown(u) = &l {
            return Value::Unknown(u.derived());
        }
        if let Value::Unknown(u) = &r {
            return Value::Unknown(u.derived());
        }
        match op {
            BinaryOperator::Eq => Value::Bool(values_equal(&l, &r)),
            BinaryOperator::NotEq => Value::Bool(!values_equal(&l, &r)),
            _ => {
                let (Some(a), Some(b)) = (to_number(&l), to_number(&r)) else {
                    return Value::error(format!("`{}` needs numbers", op.as_str()));
                };
                match op {
                    BinaryOperator::Less => Value::Bool(a < b),
                    BinaryOperator::LessEq => Value::Bool(a <= b),
                    BinaryOperator::Greater => Value::Bool(a > b),
                    BinaryOperator::GreaterEq => Value::Bool(a >= b),
                    BinaryOperator::Plus => Value::Number(a + b),
                    BinaryOperator::Minus => Value::Number(a - b),
                    BinaryOperator::Mul => Value::Number(a * b),
                    BinaryOperator::Div if b == 0.0 => Value::error("division by zero"),
                    BinaryOperator::Div => Value::Number(a / b),
                    BinaryOperator::Mod if b == 0.0 => Value::error("modulo by zero"),
                    BinaryOperator::Mod => Value::Number(a % b),
                    _ => Value::error("unsupported operator"),
                }
            }
        }
    }

    fn call(&self, call: &hcl_edit::expr::FuncCall, scope: &Scope) -> Value {
        let name = call.name.name.as_str();
        if call.name.is_namespaced() {
            let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            return Value::unknown(format!(
                "provider function `{}::{name}` is not evaluated by foundry-lint",
                namespace.join("::")
            ));
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        match name {
            // Lazy: the first argument that evaluates without an error. A deferred unknown
            // stops the search, because Terraform cannot decide either.
            "try" => {
                let mut last = Value::error("`try` needs at least one argument");
                for arg in args {
                    let v = self.eval(arg, scope);
                    match v.first_unknown() {
                        Some(u) if u.is_error() => last = v,
                        _ => return v,
                    }
                }
                last
            }
            "can" => {
                let [arg] = args.as_slice() else {
                    return Value::error("`can` takes one argument");
                };
                let v = self.eval(arg, scope);
                match v.first_unknown() {
                    Some(u) if u.is_error() => Value::Bool(false),
                    Some(u) => Value::Unknown(u.derived()),
                    None => Value::Bool(true),
                }
            }
            // The second argument is a type constraint, not a value.
            "convert" => {
                let [value, ty] = args.as_slice() else {
                    return Value::error("`convert` takes a value and a type");
                };
                match Type::parse(ty) {
                    Ok(ty) => types::convert(self.eval(value, scope), &ty)
                        .unwrap_or_else(|e| Value::error(format!("`convert()`: {e}"))),
                    Err(e) => Value::error(format!("`convert()`: invalid type: {e}")),
                }
            }
            "templatestring" => self.template_string(&args, scope),
            "issensitive" | "ephemeralasnull" => {
                let [arg] = args.as_slice() else {
                    return Value::error(format!("`{name}` takes one argument"));
                };
                marks(name, arg, self.eval(arg, scope))
            }
            _ => {
                let budget = &self.context.budget;
                if let Err(u) = budget.check_iterations() {
                    return Value::Unknown(u);
                }
                let mut values: Vec<Value> = args.iter().map(|a| self.eval(a, scope)).collect();
                if call.args.expand_final() {
                    match values.pop() {
                        Some(Value::List(items)) => values.extend(items),
                        Some(Value::Unknown(u)) => return Value::Unknown(u),
                        Some(_) => return Value::error("`...` needs a list"),
                        None => {}
                    }
                }
                // A function that builds a collection (`range`, `setproduct`) spends its elements,
                // as a loop would.
                let result = functions::call(name, values);
                match budget.elements(&result) {
                    Ok(()) => result,
                    Err(u) => Value::Unknown(u),
                }
            }
        }
    }

    /// `templatestring(ref, vars)`: the string `ref` names, rendered as a template that sees
    /// only `vars` (and the functions). Terraform requires a reference, not a literal template,
    /// as the first argument.
    fn template_string(&self, args: &[&Expression], scope: &Scope) -> Value {
        let [template, vars] = args else {
            return Value::error("`templatestring` takes a template and an object of variables");
        };
        if !matches!(template, Expression::Variable(_) | Expression::Traversal(_)) {
            return Value::error(
                "`templatestring()`: the template must be a reference to a string, not a literal",
            );
        }
        let text = match self.eval(template, scope) {
            Value::String(s) => s,
            Value::Unknown(u) => return Value::Unknown(u),
            other => {
                return Value::error(format!(
                    "`templatestring()`: the template must be a string, not a {}",
                    other.type_name()
                ));
            }
        };
        let bindings = match self.eval(vars, scope) {
            Value::Object(map) => map,
            Value::Unknown(u) => return Value::Unknown(u),
            other => {
                return Value::error(format!(
                    "`templatestring()`: the variables must be an object, not a {}",
                    other.type_name()
                ));
            }
        };
        let parsed = match hcl_edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => {
                return Value::error(format!(
                    "`templatestring()`: invalid template: {}",
                    e.message()
                ));
            }
        };
        // The template sees its variables and nothing of this module.
        let decls = ModuleDecls::default();
        let isolated = Evaluator::new(
            &decls,
            HashMap::new(),
            self.marker_prefix.clone(),
            ModuleContext {
                budget: self.context.budget.clone(),
                ..ModuleContext::default()
            },
        );
        let inner = bindings
            .into_iter()
            .fold(Scope::default(), |scope, (k, v)| scope.with(&k, v));
        match isolated.template(&parsed, &inner) {
            v @ (Value::String(_) | Value::Unknown(_)) => v,
            v => match v.to_display_string() {
                Some(s) => Value::String(s),
                None => Value::error(format!(
                    "`templatestring()`: the template produced a {}, not a string",
                    v.type_name()
                )),
            },
        }
    }

    // ----- references --------------------------------------------------------------------------

    fn reference(
        &self,
        root: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: &Scope,
    ) -> Value {
        if let Some(v) = scope.lookup(root) {
            return self.traverse(v.clone(), ops, scope, None, root.to_string());
        }
        let first = ops.first().and_then(|op| match op.value() {
            TraversalOperator::GetAttr(name) => Some(name.as_str()),
            _ => None,
        });
        let rest = ops.get(1..).unwrap_or(&[]);
        match (root, first) {
            ("var", Some(name)) => {
                let v = self.variable(name);
                self.traverse_shared(&v, rest, scope, None, format!("var.{name}"))
            }
            ("local", Some(name)) => {
                let v = self.local(name);
                self.traverse_shared(&v, rest, scope, None, format!("local.{name}"))
            }
            ("data", Some(ty)) => {
                let name = rest.first().and_then(|op| match op.value() {
                    TraversalOperator::GetAttr(n) => Some(n.as_str()),
                    _ => None,
                });
                let address = format!("data.{ty}.{}", name.unwrap_or("?"));
                match self
                    .decls
                    .data_sources
                    .get(&format!("{ty}.{}", name.unwrap_or_default()))
                {
                    Some(decl) => {
                        let v = self.memoized_shared(&address, || self.data_value(decl));
                        self.traverse_shared(
                            &v,
                            rest.get(1..).unwrap_or(&[]),
                            scope,
                            Some(Root::Data),
                            address,
                        )
                    }
                    None => Value::Unknown(Unknown::external(format!(
                        "data source `{address}` is read only at plan time"
                    ))),
                }
            }
            ("module", Some(name)) => {
                let key = format!("module:{name}");
                let v = self.memoized_shared(&key, || self.module_value(name));
                self.traverse_shared(&v, rest, scope, None, format!("module.{name}"))
            }
            ("path", Some("module")) => Value::String(self.context.display_dir.clone()),
            ("path", Some("root")) => Value::String(self.context.display_dir.clone()),
            ("path", Some("cwd")) => Value::String(".".into()),
            ("terraform", Some("workspace")) => Value::String("default".into()),
            ("self", _) => Value::unknown("`self` is known only inside provisioners"),
            (ty, Some(name)) => match self.decls.resources.get(&format!("{ty}.{name}")) {
                Some(decl) => {
                    let v = self.resource_value(decl);
                    self.traverse_shared(
                        &v,
                        rest,
                        scope,
                        Some(Root::Resource),
                        format!("{ty}.{name}"),
                    )
                }
                None => Value::error(format!("`{ty}.{name}` is not declared in this module")),
            },
            (other, None) => Value::error(format!("`{other}` is not a known reference")),
        }
    }

    /// `traverse` over a shared value: plain attribute and index steps borrow, so only the part
    /// that is read is copied.
    fn traverse_shared(
        &self,
        value: &Value,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: &Scope,
        root: Option<Root>,
        mut path: String,
    ) -> Value {
        let mut current = value;
        let mut done = 0;
        for op in ops {
            let next = match op.value() {
                TraversalOperator::GetAttr(name) => match current {
                    Value::Object(map) => map.get(name.as_str()).inspect(|_| {
                        path.push('.');
                        path.push_str(name.as_str());
                    }),
                    _ => None,
                },
                TraversalOperator::Index(expr) => {
                    let key = self.eval(expr, scope);
                    let found = match (current, &key) {
                        (Value::List(items), k) => to_number(k)
                            .filter(|n| *n >= 0.0 && n.fract() == 0.0)
                            .and_then(|n| items.get(n as usize)),
                        (Value::Object(map), k) => k.to_display_string().and_then(|s| map.get(&s)),
                        _ => None,
                    };
                    found.inspect(|_| path.push_str("[...]"))
                }
                _ => None,
            };
            match next {
                Some(v) => {
                    current = v;
                    done += 1;
                }
                None => break,
            }
        }
        self.traverse(current.clone(), &ops[done..], scope, root, path)
    }

    fn traverse(
        &self,
        mut value: Value,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: &Scope,
        root: Option<Root>,
        mut path: String,
    ) -> Value {
        for (i, op) in ops.iter().enumerate() {
            if let Value::Unknown(_) = value {
                return value;
            }
            match op.value() {
                TraversalOperator::GetAttr(name) => {
                    path.push('.');
                    path.push_str(name.as_str());
                    value = self.get_attr(value, name.as_str(), root, &path);
                }
                TraversalOperator::Index(expr) => {
                    let key = self.eval(expr, scope);
                    path.push_str("[...]");
                    value = index(value, &key, &path);
                }
                TraversalOperator::LegacyIndex(n) => {
                    path.push_str(&format!(".{}", n.value()));
                    value = index(value, &Value::Number(*n.value() as f64), &path);
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    // An attribute splat applies only the attribute accesses that follow; a
                    // full splat applies everything that follows.
                    let (applied, after) = match op.value() {
                        TraversalOperator::AttrSplat(_) => {
                            let n = rest
                                .iter()
                                .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                                .count();
                            (&rest[..n], &rest[n..])
                        }
                        _ => (rest, &rest[rest.len()..]),
                    };
                    let items = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        single => vec![single],
                    };
                    let mapped = Value::List(
                        items
                            .into_iter()
                            .map(|item| self.traverse(item, applied, scope, root, path.clone()))
                            .collect(),
                    );
                    return self.traverse(mapped, after, scope, root, path);
                }
            }
        }
        value
    }

    fn get_attr(&self, value: Value, name: &str, root: Option<Root>, path: &str) -> Value {
        match value {
            Value::Object(mut map) => match map.remove(name) {
                Some(v) => v,
                None if root == Some(Root::Resource) => {
                    Value::unknown(format!("`{path}` is known only after apply"))
                }
                None if root == Some(Root::Data) => Value::Unknown(Unknown::external(format!(
                    "`{path}` is read only at plan time"
                ))),
                None => Value::error(format!("`{path}` does not exist")),
            },
            Value::Null => Value::error(format!("`{path}`: attribute of a null value")),
            Value::Unknown(u) => Value::Unknown(u),
            other => Value::error(format!(
                "`{path}`: a {} has no attributes",
                other.type_name()
            )),
        }
    }

    /// A variable's value: the input given for it (tfvars, `--var`, a module call's argument)
    /// or its default, converted by its `type` constraint as Terraform does (see `types`).
    fn variable(&self, name: &str) -> std::rc::Rc<Value> {
        self.memoized_shared(&format!("var.{name}"), || self.variable_value(name))
    }

    fn variable_value(&self, name: &str) -> Value {
        let Some(decl) = self.decls.variables.get(name) else {
            return Value::error(format!("`var.{name}` is not declared"));
        };
        let body = &decl.block.body;
        let ty = match body.get_attribute("type").map(|t| Type::parse(&t.value)) {
            None => Type::Any,
            Some(Ok(ty)) => ty,
            Some(Err(e)) => {
                return Value::error(format!("`var.{name}` has an invalid type constraint: {e}"));
            }
        };
        // `nullable = false`: a null argument means "use the default".
        let nullable = !matches!(
            body.get_attribute("nullable").map(|a| &a.value),
            Some(Expression::Bool(b)) if !*b.value()
        );
        let given = self
            .inputs
            .get(name)
            .filter(|v| nullable || !matches!(v, Value::Null));
        let (value, what) = match (given, body.get_attribute("default")) {
            (Some(v), _) => (v.clone(), "value"),
            (None, Some(attr)) => (self.eval(&attr.value, &Scope::default()), "default"),
            (None, None) if self.inputs.contains_key(name) => {
                return Value::error(format!(
                    "`var.{name}` is not nullable and has no default, but is given null"
                ));
            }
            (None, None) => {
                return Value::unknown(format!(
                    "`var.{name}` has no default and no value in a tfvars file"
                ));
            }
        };
        if !nullable && value == Value::Null {
            return Value::error(format!(
                "`var.{name}` is not nullable, but its default is null"
            ));
        }
        types::convert(value, &ty).unwrap_or_else(|e| {
            Value::Unknown(Unknown::error(format!(
                "the {what} of `var.{name}` does not match its type: {e}"
            )))
        })
    }

    fn local(&self, name: &str) -> std::rc::Rc<Value> {
        let key = format!("local.{name}");
        self.memoized_shared(&key, || match self.decls.locals.get(name) {
            Some((expr, _)) => self.eval(expr, &Scope::default()),
            None => Value::error(format!("`local.{name}` is not declared")),
        })
    }

    /// Memoizes a named value and breaks reference cycles (a cycle is an error in Terraform).
    pub(super) fn memoized(&self, key: &str, compute: impl FnOnce() -> Value) -> Value {
        (*self.memoized_shared(key, compute)).clone()
    }

    fn memoized_shared(&self, key: &str, compute: impl FnOnce() -> Value) -> std::rc::Rc<Value> {
        if let Some(v) = self.memo.borrow().get(key) {
            return v.clone();
        }
        if self.active.borrow().len() >= MAX_REFERENCE_DEPTH {
            return std::rc::Rc::new(Value::unknown(format!(
                "`{key}` is reached through more than {MAX_REFERENCE_DEPTH} nested references"
            )));
        }
        if let Err(cycle) = crate::frontend::cycles::enter(&self.active, key) {
            self.report_cycle(&cycle);
            return std::rc::Rc::new(Value::error(format!("`{key}` refers to itself")));
        }
        let v = std::rc::Rc::new(compute());
        crate::frontend::cycles::leave(&self.active, key);
        self.memo.borrow_mut().insert(key.to_string(), v.clone());
        v
    }

    /// Records a reference cycle (keys of `memoized`) as a finding at its first declaration. A
    /// cycle through a module call is not reported: the call's arguments are evaluated together
    /// here, where Terraform follows each output on its own, so it may be no cycle to Terraform.
    fn report_cycle(&self, keys: &[String]) {
        use crate::frontend::cycles::{Member, reference_cycle};
        let member = |key: &str| -> Option<Member> {
            let decls = self.decls;
            let (name, span) = if let Some(name) = key.strip_prefix("local.") {
                let (expr, file) = decls.locals.get(name)?;
                (key.to_string(), span_of(expr, *file))
            } else if let Some(address) = key.strip_prefix("resource:") {
                (
                    address.to_string(),
                    decls.resources.get(address)?.header_span(),
                )
            } else if let Some(address) = key.strip_prefix("data.") {
                (
                    key.to_string(),
                    decls.data_sources.get(address)?.header_span(),
                )
            } else {
                return None;
            };
            Some(Member { name, span })
        };
        let Some(members) = keys.iter().map(|k| member(k)).collect::<Option<Vec<_>>>() else {
            return;
        };
        let locals = keys.iter().filter(|k| k.starts_with("local.")).count();
        let (what, deployed) = match locals {
            n if n == keys.len() => ("local values", false),
            0 => ("resources", true),
            _ => ("local values and resources", true),
        };
        if let Some(problem) = reference_cycle(members, what, deployed) {
            self.context.invalid.borrow_mut().push(problem);
        }
    }

    /// Evaluates the locals nothing read, so that a cycle among them is reported too.
    pub(super) fn evaluate_unread_locals(&self) {
        let mut names: Vec<&String> = self.decls.locals.keys().collect();
        names.sort();
        for name in names {
            self.local(name);
        }
    }

    // ----- resources ---------------------------------------------------------------------------

    /// The instances `count` or `for_each` create, or why they cannot be known.
    pub fn instances(&self, decl: &ResourceDecl) -> Result<Vec<Instance>, Unknown> {
        self.instances_of(&format!("{}.{}", decl.ty, decl.name), &decl.block.body)
    }

    /// The instances a block with `count` or `for_each` (a resource or a module call) creates.
    pub fn instances_of(&self, base: &str, body: &Body) -> Result<Vec<Instance>, Unknown> {
        if let Some(count) = body.get_attribute("count") {
            let n = match self.eval(&count.value, &Scope::default()) {
                Value::Unknown(u) => return Err(u),
                v => to_number(&v)
                    .ok_or_else(|| Unknown::error(format!("`{base}`: count must be a number")))?,
            };
            if !(0.0..=MAX_INSTANCES as f64).contains(&n) || n.fract() != 0.0 {
                return Err(Unknown::new(format!(
                    "`{base}` has count = {n}; foundry-lint expands at most {MAX_INSTANCES} instances"
                )));
            }
            return Ok((0..n as usize)
                .map(|i| Instance {
                    address: format!("{base}[{i}]"),
                    scope: Scope::default()
                        .with("count", object([("index", Value::Number(i as f64))])),
                })
                .collect());
        }
        if let Some(for_each) = body.get_attribute("for_each") {
            let pairs: Vec<(String, Value)> = match self.eval(&for_each.value, &Scope::default()) {
                Value::Unknown(u) => return Err(u),
                Value::Object(map) => map.into_iter().collect(),
                Value::List(items) => {
                    let mut keys = Vec::new();
                    for item in items {
                        match item {
                            Value::String(s) => keys.push((s.clone(), Value::String(s))),
                            Value::Unknown(u) => return Err(u),
                            _ => {
                                return Err(Unknown::error(format!(
                                    "`{base}`: for_each over a set needs strings"
                                )));
                            }
                        }
                    }
                    keys.sort_by(|a, b| a.0.cmp(&b.0));
                    keys.dedup_by(|a, b| a.0 == b.0);
                    keys
                }
                other => {
                    return Err(Unknown::error(format!(
                        "`{base}`: for_each needs a map or a set, found {}",
                        other.type_name()
                    )));
                }
            };
            if pairs.len() > MAX_INSTANCES {
                return Err(Unknown::new(format!(
                    "`{base}` has {} for_each instances; foundry-lint expands at most {MAX_INSTANCES}",
                    pairs.len()
                )));
            }
            return Ok(pairs
                .into_iter()
                .map(|(key, value)| Instance {
                    address: format!("{base}[{key:?}]"),
                    scope: Scope::default().with(
                        "each",
                        object([("key", Value::String(key)), ("value", value)]),
                    ),
                })
                .collect());
        }
        Ok(vec![Instance {
            address: base.to_string(),
            scope: Scope::default(),
        }])
    }

    /// A resource instance as a node: its attributes and blocks with spans, plus the attributes
    /// the provider computes that references need (`id`, `principal_id`, ...).
    pub fn instance_node(&self, decl: &ResourceDecl<'a>, instance: &Instance) -> Node {
        let mut node = self.with_repetition(decl.block, decl.file, || {
            self.block_node(
                &decl.block.body,
                &instance.scope,
                decl.file,
                decl.header_span(),
            )
        });
        schema::add_computed_attributes(&decl.ty, &instance.address, &mut node, &|what| {
            self.marker(what)
        });
        node
    }

    /// Runs `f` with the block's `count` or `for_each` as what `count.*` and `each.*` come from
    /// (for traces).
    pub(super) fn with_repetition<T>(
        &self,
        block: &'a Block,
        file: FileId,
        f: impl FnOnce() -> T,
    ) -> T {
        let repetition = ["for_each", "count"]
            .iter()
            .find_map(|k| block.body.get_attribute(k))
            .map(|a| (a, file));
        self.repetition.borrow_mut().push(repetition);
        let out = f();
        self.repetition.borrow_mut().pop();
        out
    }

    /// A resource as other expressions see it: an object, a list (`count`) or a map (`for_each`).
    fn resource_value(&self, decl: &ResourceDecl<'a>) -> std::rc::Rc<Value> {
        let key = format!("resource:{}.{}", decl.ty, decl.name);
        self.memoized_shared(&key, || {
            let instances = match self.instances(decl) {
                Ok(i) => i,
                Err(u) => return Value::Unknown(u),
            };
            let body = &decl.block.body;
            let values = instances
                .iter()
                .map(|i| self.reference_value(decl, i))
                .collect();
            collect_instances(body, &instances, values)
        })
    }

    /// An instance as references see it. An attribute that is not known statically becomes an
    /// identity marker, so `azurerm_virtual_network.x.name` used in a subnet's
    /// `virtual_network_name` still identifies that VNet (and is never read as a real name).
    fn reference_value(&self, decl: &ResourceDecl<'a>, instance: &Instance) -> Value {
        match self.instance_node(decl, instance).value() {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| match v {
                        Value::Unknown(_) => {
                            let marker = self.marker(&format!("{}.{k}", instance.address));
                            (k, Value::String(marker))
                        }
                        v => (k, v),
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// A data source as expressions see it: only its identity (the id, a vault URI, an
    /// identity's principal and client ids), computed from the arguments that name what it
    /// reads, as for a resource; every other attribute is read from Azure at plan time.
    fn data_value(&self, decl: &ResourceDecl<'a>) -> Value {
        const IDENTITY: &[&str] = &[
            "id",
            "vault_uri",
            "principal_id",
            "client_id",
            "versionless_id",
            "resource_id",
            "resource_versionless_id",
        ];
        let instances =
            match self.instances_of(&format!("data.{}.{}", decl.ty, decl.name), &decl.block.body) {
                Ok(i) => i,
                Err(u) => return Value::Unknown(u),
            };
        let values = instances
            .iter()
            .map(|instance| {
                let mut node = self.block_node(
                    &decl.block.body,
                    &instance.scope,
                    decl.file,
                    decl.header_span(),
                );
                schema::add_computed_attributes(&decl.ty, &instance.address, &mut node, &|what| {
                    self.marker(what)
                });
                match node.value() {
                    Value::Object(map) => Value::Object(
                        map.into_iter()
                            .filter(|(k, v)| IDENTITY.contains(&k.as_str()) && !v.is_unknown())
                            .collect(),
                    ),
                    other => other,
                }
            })
            .collect();
        collect_instances(&decl.block.body, &instances, values)
    }

    /// A marker for a part of an id that is not known statically (see `model::ids`).
    pub fn marker(&self, what: &str) -> String {
        crate::model::ids::marker(&format!("{}:{what}", self.marker_prefix))
    }

    // ----- expressions to nodes (values with spans) --------------------------------------------

    /// Evaluates keeping the structure and spans of literal lists and objects.
    pub fn node(&self, expr: &Expression, scope: &Scope, file: FileId) -> Node {
        let span = span_of(expr, file);
        match expr {
            Expression::Array(items) => Node::List {
                items: items.iter().map(|e| self.node(e, scope, file)).collect(),
                span,
            },
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (key, value) in object.iter() {
                    match self.object_key(key, scope) {
                        Ok(k) => entries.push((k, self.node(value.expr(), scope, file))),
                        Err(u) => return Node::leaf(u, span),
                    }
                }
                Node::Object { entries, span }
            }
            Expression::Parenthesis(p) => self.node(p.inner(), scope, file),
            // azapi 1.x writes `body = jsonencode({...})`: the object inside is the body.
            Expression::FuncCall(call)
                if call.name.name.as_str() == "jsonencode"
                    && !call.name.is_namespaced()
                    && call.args.len() == 1 =>
            {
                match call.args.iter().next() {
                    Some(inner) => self.node(inner, scope, file),
                    None => Node::leaf(self.eval(expr, scope), span),
                }
            }
            Expression::Conditional(c) => match self.eval(&c.cond_expr, scope) {
                Value::Bool(true) => self.node(&c.true_expr, scope, file),
                Value::Bool(false) => self.node(&c.false_expr, scope, file),
                _ => Node::leaf(self.eval(expr, scope), span),
            },
            // `merge({...}, cond ? {...} : {})` of object constructors: each attribute keeps the
            // place it is written, so a finding points at it rather than at the whole call, and
            // its trace is of that attribute alone.
            Expression::FuncCall(call)
                if call.name.name.as_str() == "merge" && !call.name.is_namespaced() =>
            {
                let mut entries: Vec<(String, Node)> = Vec::new();
                for arg in call.args.iter() {
                    match self.node(arg, scope, file) {
                        Node::Object { entries: more, .. } => {
                            for (key, value) in more {
                                match entries.iter_mut().find(|(k, _)| *k == key) {
                                    Some(entry) => entry.1 = value,
                                    None => entries.push((key, value)),
                                }
                            }
                        }
                        _ => {
                            self.record_trace(expr, file, span);
                            return Node::leaf(self.eval(expr, scope), span);
                        }
                    }
                }
                Node::Object { entries, span }
            }
            _ => {
                self.record_trace(expr, file, span);
                Node::leaf(self.eval(expr, scope), span)
            }
        }
    }

    /// A block body as an object node: attributes, and nested blocks as lists of objects
    /// (`dynamic` blocks expanded). Terraform meta-arguments are left out.
    pub fn block_node(&self, body: &Body, scope: &Scope, file: FileId, span: Span) -> Node {
        let mut entries: Vec<(String, Node)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str();
                    if matches!(key, "count" | "for_each" | "provider" | "depends_on") {
                        continue;
                    }
                    entries.push((key.to_string(), self.node(&attr.value, scope, file)));
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    if matches!(
                        ident,
                        "lifecycle" | "provisioner" | "connection" | "timeouts"
                    ) {
                        continue;
                    }
                    if ident == "dynamic" {
                        self.dynamic_block(block, scope, file, &mut entries);
                        continue;
                    }
                    let child = self.block_node(&block.body, scope, file, header_span(block, file));
                    push_block(&mut entries, ident, child);
                }
            }
        }
        Node::Object { entries, span }
    }

    fn dynamic_block(
        &self,
        block: &Block,
        scope: &Scope,
        file: FileId,
        entries: &mut Vec<(String, Node)>,
    ) {
        let Some(label) = block.labels.first().map(|l| l.as_str().to_string()) else {
            return;
        };
        let span = header_span(block, file);
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| label.clone());
        let Some(content) = block.body.get_blocks("content").next() else {
            return;
        };
        let collection = match block.body.get_attribute("for_each") {
            Some(a) => self.eval(&a.value, scope),
            None => return,
        };
        let pairs = match collection {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect::<Vec<_>>(),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
            Value::Null => Vec::new(),
            other => {
                // Unknown how many blocks: one unknown element says "there may be some".
                let reason = other
                    .first_unknown()
                    .cloned()
                    .unwrap_or_else(|| Unknown::error("dynamic block for_each needs a collection"));
                push_block(entries, &label, Node::leaf(Value::Unknown(reason), span));
                return;
            }
        };
        // Sets of strings iterate with the element as key, as Terraform does.
        for (key, value) in pairs.into_iter().take(MAX_INSTANCES) {
            let key = match (&key, &value) {
                (Value::Number(_), Value::String(s)) => Value::String(s.clone()),
                _ => key,
            };
            let inner = scope.with(&iterator, object([("key", key), ("value", value)]));
            let child = self.block_node(&content.body, &inner, file, span);
            push_block(entries, &label, child);
        }
    }
}

/// Instance values as Terraform exposes them: one object, a list (`count`) or a map
/// (`for_each`, keyed by `each.key`).
pub(super) fn collect_instances(body: &Body, instances: &[Instance], values: Vec<Value>) -> Value {
    if body.get_attribute("count").is_some() {
        Value::List(values)
    } else if body.get_attribute("for_each").is_some() {
        Value::Object(
            instances
                .iter()
                .zip(values)
                .map(|(i, v)| (i.each_key().unwrap_or_default(), v))
                .collect(),
        )
    } else {
        values.into_iter().next().unwrap_or(Value::Null)
    }
}

fn push_block(entries: &mut Vec<(String, Node)>, ident: &str, child: Node) {
    match entries.iter_mut().find(|(k, _)| k == ident) {
        Some((_, Node::List { items, .. })) => items.push(child),
        _ => {
            let span = child.span();
            entries.push((
                ident.to_string(),
                Node::List {
                    items: vec![child],
                    span,
                },
            ));
        }
    }
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub fn span_of(expr: &Expression, file: FileId) -> Span {
    Span::new(file, expr.span().unwrap_or(0..0))
}

/// The span of a block's header: its type and labels (`resource "azurerm_subnet" "agent"`).
pub fn header_span(block: &Block, file: FileId) -> Span {
    let start = block.ident.span().map(|r| r.start).unwrap_or(0);
    let end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| block.ident.span())
        .map(|r| r.end)
        .unwrap_or(start);
    Span::new(file, start..end)
}

fn index(value: Value, key: &Value, path: &str) -> Value {
    match (value, key) {
        (v @ Value::Unknown(_), _) => v,
        (_, Value::Unknown(u)) => Value::Unknown(u.clone()),
        (Value::List(items), k) => match to_number(k) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) < items.len() => {
                items.into_iter().nth(n as usize).unwrap_or(Value::Null)
            }
            Some(n) => Value::error(format!("`{path}`: index {n} is out of range")),
            None => Value::error(format!("`{path}`: a list index must be a number")),
        },
        (Value::Object(mut map), k) => match k.to_display_string() {
            Some(s) => map
                .remove(&s)
                .unwrap_or_else(|| Value::error(format!("`{path}`: no key {s:?}"))),
            None => Value::error(format!("`{path}`: a map key must be a string")),
        },
        (other, _) => Value::error(format!(
            "`{path}`: a {} cannot be indexed",
            other.type_name()
        )),
    }
}

pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Terraform's `==`: numbers and their string forms differ, collections compare deeply.
fn values_equal(a: &Value, b: &Value) -> bool {
    a == b
}

/// `issensitive(v)` and `ephemeralasnull(v)`, whose answers depend on the marks Terraform puts
/// on values (sensitive, ephemeral), which foundry-lint does not track. They are known when the
/// expression itself decides: `sensitive(...)` is marked at its top level; an expression that
/// reads no name (no variable, local, resource, module or iterator) and calls no `sensitive()`
/// carries no mark at all, and `nonsensitive(...)` of a known value drops the sensitive one.
/// Anything else is unknown, as is Terraform's `issensitive` of an unknown, unmarked value.
fn marks(function: &str, arg: &Expression, value: Value) -> Value {
    if value.first_unknown().is_some_and(Unknown::is_error) {
        return value;
    }
    let mut arg = arg;
    while let Expression::Parenthesis(p) = arg {
        arg = p.inner();
    }
    let called = |f: &str| matches!(arg, Expression::FuncCall(c) if !c.name.is_namespaced() && c.name.name.as_str() == f);
    let unmarked = !reads_names_or_marks(arg);
    match function {
        "issensitive" if called("sensitive") => Value::Bool(true),
        "issensitive" if value.is_unknown() => Value::unknown(
            "`issensitive()` of a value not known statically is known only at plan time",
        ),
        "issensitive" if unmarked || called("nonsensitive") => Value::Bool(false),
        _ if unmarked => value,
        _ => Value::unknown(format!(
            "`{function}()` depends on which values Terraform marks sensitive or ephemeral, which foundry-lint does not track for values read from names"
        )),
    }
}

/// Whether an expression reads any name or calls `sensitive()`: what could give it a mark.
fn reads_names_or_marks(expr: &Expression) -> bool {
    use hcl_edit::visit::{Visit, visit_expr, visit_func_call};
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_expr(&mut self, node: &Expression) {
            if matches!(node, Expression::Variable(_)) {
                self.0 = true;
            }
            visit_expr(self, node);
        }
        fn visit_func_call(&mut self, node: &hcl_edit::expr::FuncCall) {
            if node.name.name.as_str() == "sensitive" {
                self.0 = true;
            }
            visit_func_call(self, node);
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(expr);
    finder.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `local.out` in a module made of `text`.
    fn local_out(text: &str) -> Value {
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let decls = ModuleDecls::collect([(FileId(0), &body)]);
        let evaluator = Evaluator::new(
            &decls,
            HashMap::new(),
            String::new(),
            ModuleContext::default(),
        );
        (*evaluator.local("out")).clone()
    }

    // Terraform's `IssensitiveFunc` (internal/lang/funcs/sensitive.go): true when the value is
    // marked sensitive, unknown when it is unknown and unmarked, false otherwise; the function
    // documentation's examples are `issensitive(1)` (false) and `issensitive(sensitive(1))`.
    #[test]
    fn issensitive_is_known_where_the_expression_decides() {
        let out = |e: &str| {
            local_out(&format!(
                "variable \"v\" {{\n  default = \"x\"\n}}\nlocals {{\n  out = {e}\n}}\n"
            ))
        };
        assert_eq!(out("issensitive(1)"), Value::Bool(false));
        assert_eq!(out("issensitive(sensitive(1))"), Value::Bool(true));
        assert_eq!(out("issensitive((sensitive(var.v)))"), Value::Bool(true));
        assert_eq!(
            out("issensitive(nonsensitive(sensitive(\"a\")))"),
            Value::Bool(false)
        );
        assert_eq!(out("issensitive(upper(\"a\"))"), Value::Bool(false));
        // Marks propagate through templates and reads: not tracked, so not known.
        assert!(out("issensitive(\"${sensitive(\"a\")}-b\")").is_unknown());
        assert!(out("issensitive(var.v)").is_unknown());
        assert!(out("issensitive(timestamp())").is_unknown());
        assert!(
            out("issensitive(1, 2)")
                .first_unknown()
                .is_some_and(Unknown::is_error)
        );
    }

    // Terraform's `EphemeralAsNullFunc`: the value with its ephemeral parts replaced by null;
    // ephemeral marks come only from ephemeral variables, resources and outputs.
    #[test]
    fn ephemeralasnull_passes_values_that_read_nothing() {
        let out = |e: &str| {
            local_out(&format!(
                "variable \"v\" {{\n  default = \"x\"\n}}\nlocals {{\n  out = {e}\n}}\n"
            ))
        };
        assert_eq!(out("ephemeralasnull(\"a\")"), Value::str("a"));
        assert_eq!(
            out("ephemeralasnull([1, null])"),
            Value::List(vec![Value::Number(1.0), Value::Null])
        );
        assert!(out("ephemeralasnull(var.v)").is_unknown());
    }

    #[test]
    fn templatestring_renders_a_referenced_template_with_its_variables_only() {
        let out = local_out(
            r#"locals {
                tpl = "$${prefix}/$${size}%%{ for s in names }-$${upper(s)}%%{ endfor }"
                out = templatestring(local.tpl, { prefix = "10.0.0.0", size = 27, names = ["a", "b"] })
            }"#,
        );
        assert_eq!(out, Value::str("10.0.0.0/27-A-B"));
        let alone = local_out(
            r#"locals {
                tpl = "$${n}"
                out = templatestring(local.tpl, { n = 26 })
            }"#,
        );
        assert_eq!(alone, Value::str("26"));
        // The module's own names are not visible inside the template.
        let hidden = local_out(
            r#"locals {
                secret = "x"
                tpl    = "$${local.secret}"
                out    = templatestring(local.tpl, {})
            }"#,
        );
        assert!(
            hidden.first_unknown().is_some_and(|u| u.is_error()),
            "{hidden:?}"
        );
        let literal = local_out(r#"locals { out = templatestring("x", {}) }"#);
        assert!(literal.first_unknown().is_some_and(|u| u.is_error()));
    }

    #[test]
    fn convert_applies_a_type_constraint() {
        let out = local_out(
            r#"locals {
                out = convert({ size = "27" }, object({ size = number, name = optional(string, "agent") }))
            }"#,
        );
        assert_eq!(
            out,
            Evaluator::eval_constant(
                &hcl_edit::parser::parse_expr(r#"{ size = 27, name = "agent" }"#).unwrap()
            )
        );
        let bad = local_out(r#"locals { out = convert("x", number) }"#);
        assert!(bad.first_unknown().is_some_and(|u| u.is_error()));
    }

    #[test]
    fn variables_are_converted_by_their_type_and_not_nullable_ones_take_their_default() {
        let text = r#"
            variable "subnets" {
              type = map(object({ size = optional(number, 28) }))
              default = { agent = {} }
            }
            variable "region" {
              type     = string
              default  = "swedencentral"
              nullable = false
            }
            variable "count_text" { type = number }
            locals { out = [var.subnets.agent.size, var.region, var.count_text] }
        "#;
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let decls = ModuleDecls::collect([(FileId(0), &body)]);
        let inputs = HashMap::from([
            ("region".to_string(), Value::Null),
            ("count_text".to_string(), Value::str("3")),
        ]);
        let evaluator = Evaluator::new(&decls, inputs, String::new(), ModuleContext::default());
        assert_eq!(
            *evaluator.local("out"),
            Value::List(vec![
                Value::Number(28.0),
                Value::str("swedencentral"),
                Value::Number(3.0)
            ])
        );
        let wrong = Evaluator::new(
            &decls,
            HashMap::from([("count_text".to_string(), Value::str("three"))]),
            String::new(),
            ModuleContext::default(),
        );
        let reason = wrong.variable("count_text");
        assert!(
            reason
                .first_unknown()
                .is_some_and(|u| u.is_error() && u.reason().contains("does not match its type")),
            "{reason:?}"
        );
    }
}
