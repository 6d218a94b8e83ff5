//! Evaluating a Bicep program: an entry file with the parameter values of one environment
//! (a `.bicepparam`, or the defaults), its variables, resources (loops, conditions, `parent`,
//! nested children, `existing`, `scope`), the modules it calls, whose outputs flow back (Bicep
//! files, and compiled ARM templates: local `.json` files and registry modules from the Bicep
//! cache, evaluated by the ARM front end), and the variables and functions it imports from other
//! files (`import {a} from`, `import * as ns from`), each evaluated in its own file's scope.
//! Bicep's functions are ARM's, so the ARM function library serves both.

use super::ast::{
    self, ArrayItem, BinaryOp, Expr, ExprKind, ImportSymbols, Key, ObjectItem, Statement,
    StringPart, UnaryOp,
};
use super::references::{Target, target};
use super::registry::Cached;
use super::trace::Loops;
use crate::frontend::Diagnostic;
use crate::frontend::arm::{self as arm_frontend};
use crate::frontend::arm_shape::{self, ArmResource};
use crate::frontend::builtins::Budget;
use crate::json::Spanned;
use crate::model::{Attr, Model, NotRestored, OpaqueCall, Origin, Trace, TraceStep, ids};
use crate::node::Node;
use crate::source::{FileId, Span};
use crate::value::{Unknown, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::{Rc, Weak};

/// How deep modules may nest (a module that calls itself stops here).
const MAX_MODULE_DEPTH: usize = 32;
/// The most instances one `for` expands into.
const MAX_INSTANCES: usize = 10_000;
/// How deep user-defined function calls may nest (Bicep rejects a function that calls itself).
const MAX_FUNCTION_DEPTH: usize = 64;

/// Parsed Bicep files of a program, by normalised path, with the compiled templates they use.
#[derive(Default)]
pub struct Files<'s> {
    pub by_path: HashMap<PathBuf, (FileId, ast::File)>,
    /// Compiled templates, by path: local `.json` modules and imports, and registry modules read
    /// from the Bicep cache; `None` when the file is not JSON (a truncated cache entry).
    pub templates: Templates,
    /// Compiled templates several programs use, parsed once for the run.
    pub shared_templates: Option<&'s Templates>,
    /// Where the Bicep cache keeps each registry reference, by (file naming it, reference as
    /// written); `Err` says why a reference names no cache entry.
    pub registry: HashMap<(PathBuf, String), Result<Cached, String>>,
    /// Files the `load*` functions read, by normalised path: bytes, or why they are unreadable.
    pub loaded: HashMap<PathBuf, Result<Vec<u8>, String>>,
    /// The source texts, for traces of the values passed to compiled templates (None: none).
    pub sources: Option<&'s crate::source::SourceMap>,
}

/// Compiled templates by path; `None` when the file is not JSON.
pub type Templates = HashMap<PathBuf, (FileId, Option<Spanned>)>;

impl Files<'_> {
    /// A compiled template of the program, or one the run shares.
    fn template(&self, path: &Path) -> Option<&(FileId, Option<Spanned>)> {
        self.templates
            .get(path)
            .or_else(|| self.shared_templates?.get(path))
    }
}

/// Files imported from, each evaluated once for a program and the modules it calls.
type Imports<'f> = RefCell<HashMap<PathBuf, Rc<Program<'f>>>>;

/// What a module or import path names, found.
enum Resolved<'f> {
    Bicep(PathBuf),
    Template(FileId, &'f Spanned),
}

/// A file's imports by local name: `{a as b}` gives `b` -> (source, `a`); `* as ns` gives `ns`.
#[derive(Default)]
struct ImportedNames<'f> {
    symbols: HashMap<&'f str, (&'f Expr, &'f str)>,
    namespaces: HashMap<&'f str, &'f Expr>,
}

/// An imported file, ready to read symbols from.
enum Imported<'f> {
    Bicep(Rc<Program<'f>>),
    Template(FileId, &'f Spanned),
}

/// Why a module or import source is not read.
enum Unread {
    /// A registry module the Bicep cache does not hold (or holds truncated).
    NotRestored {
        reference: String,
        why: String,
    },
    /// A file or cache entry that is JSON but not an ARM template (FL001 at the call).
    NotTemplate(String),
    Missing(Unknown),
}

impl Unread {
    fn unknown(&self) -> Unknown {
        match self {
            Unread::NotRestored { reference, why } => Unknown::new(format!(
                "`{reference}` is not restored in the Bicep cache ({why}); `bicep restore` fetches it"
            )),
            Unread::NotTemplate(message) => Unknown::new(message.clone()),
            Unread::Missing(u) => u.clone(),
        }
    }
}

/// A module call, expanded: one per loop iteration whose condition holds.
struct ModuleInstance {
    address: String,
    params: HashMap<String, Value>,
    /// Where each parameter's value is written and how it was computed, for traces.
    written: HashMap<String, Vec<TraceStep>>,
    resource_group: String,
}

/// Names bound while evaluating: loop items and indexes, lambda parameters, function arguments.
#[derive(Clone, Default)]
struct Locals(Vec<(String, Value)>);

impl Locals {
    fn with(&self, name: &str, value: Value) -> Locals {
        let mut next = self.clone();
        next.0.push((name.to_string(), value));
        next
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A resource declaration, expanded: one per loop iteration.
struct ResourceInstance<'f> {
    decl: &'f ast::ResourceDecl,
    locals: Locals,
    id: String,
    resource_type: String,
    api_version: Option<String>,
    address: String,
}

pub struct Program<'f> {
    pub(super) files: &'f Files<'f>,
    pub(super) file: FileId,
    path: PathBuf,
    pub(super) ast: &'f ast::File,
    params: HashMap<String, Value>,
    /// Where each parameter's value came from (the module call's `params` entry, the
    /// `.bicepparam` entry), for traces.
    pub(super) input_traces: HashMap<String, Vec<TraceStep>>,
    /// Traces of the resource properties lowered since the last `take_traces`.
    pub(super) traces: RefCell<Vec<(Span, Trace)>>,
    pub(super) trace_cache: RefCell<HashMap<usize, Trace>>,
    resource_group: String,
    subscription: String,
    depth: usize,
    /// `module.x` prefix for addresses inside a module.
    prefix: String,
    via: Vec<(String, Span)>,
    memo: RefCell<HashMap<String, Value>>,
    /// The symbols and resources being evaluated, innermost last (see `frontend::cycles`).
    active: RefCell<Vec<String>>,
    resources: RefCell<HashMap<usize, Rc<Vec<ResourceInstance<'f>>>>>,
    expanding: RefCell<HashSet<usize>>,
    /// Declarations whose loop length or condition is not known: they may deploy anything.
    uncounted: RefCell<Vec<crate::model::Uncounted>>,
    /// What the entry program's evaluation may still expand, shared by its modules.
    budget: Budget,
    /// User-defined function calls under evaluation.
    function_depth: Cell<usize>,
    /// The imported files of the program tree; the entry program owns them (`imports_owner`),
    /// the modules and imported files it reaches share them.
    imports: Weak<Imports<'f>>,
    imports_owner: Option<Rc<Imports<'f>>>,
    imported_names: std::cell::OnceCell<ImportedNames<'f>>,
    /// Problems found while evaluating (a module that is not a template): FL001.
    diagnostics: Rc<RefCell<Vec<Diagnostic>>>,
    /// The files of the modules that lead here, outermost first.
    callers: Vec<PathBuf>,
    /// What the evaluation found Bicep would reject (reference cycles, modules that use
    /// themselves), shared by its modules.
    invalid: Rc<RefCell<Vec<crate::model::InvalidConfiguration>>>,
}

fn span(file: FileId, range: &std::ops::Range<usize>) -> Span {
    Span::new(file, range.clone())
}

impl<'f> Program<'f> {
    /// A program: `path` is the entry (or module) file, `params` the values given for it.
    pub fn new(
        files: &'f Files<'f>,
        path: &Path,
        params: HashMap<String, Value>,
    ) -> Option<Program<'f>> {
        let (file, ast) = files.by_path.get(path)?;
        let imports = Rc::new(Imports::default());
        Some(Program {
            files,
            file: *file,
            path: path.to_path_buf(),
            ast,
            params,
            input_traces: HashMap::new(),
            traces: RefCell::default(),
            trace_cache: RefCell::default(),
            resource_group: ids::marker("resourceGroup"),
            subscription: ids::SUBSCRIPTION_MARKER.to_string(),
            depth: 0,
            prefix: String::new(),
            via: Vec::new(),
            memo: RefCell::default(),
            active: RefCell::default(),
            resources: RefCell::default(),
            expanding: RefCell::default(),
            uncounted: RefCell::default(),
            budget: Budget::default(),
            function_depth: Cell::new(0),
            imports: Rc::downgrade(&imports),
            imports_owner: Some(imports),
            imported_names: Default::default(),
            diagnostics: Rc::default(),
            callers: Vec::new(),
            invalid: Rc::default(),
        })
    }

    /// Says where the parameters came from, for traces.
    pub fn with_input_traces(mut self, traces: HashMap<String, Vec<TraceStep>>) -> Self {
        self.input_traces = traces;
        self
    }

    /// An expression's value outside any loop or function.
    pub(super) fn eval_plain(&self, expr: &Expr) -> Value {
        self.eval(expr, &Locals::default())
    }

    /// A variable's value, for tests of the function table.
    #[cfg(test)]
    pub(crate) fn variable(&self, name: &str) -> Value {
        self.symbol(name, &Locals::default())
    }

    /// A program for another file of the same tree (a module, an imported file): it shares this
    /// one's budget, imports and diagnostics, one level deeper.
    fn child(&self, path: &Path, params: HashMap<String, Value>) -> Option<Program<'f>> {
        let mut child = Program::new(self.files, path, params)?;
        child.budget = self.budget.clone();
        child.depth = self.depth + 1;
        child.subscription = self.subscription.clone();
        child.resource_group = self.resource_group.clone();
        child.imports = self.imports.clone();
        child.imports_owner = None;
        child.diagnostics = self.diagnostics.clone();
        child.invalid = self.invalid.clone();
        child.callers = [self.callers.as_slice(), std::slice::from_ref(&self.path)].concat();
        Some(child)
    }

    /// What evaluating the program found wrong in the files it reads (FL001).
    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics.borrow_mut())
    }

    fn statements(&self) -> impl Iterator<Item = &'f Statement> {
        self.ast.statements.iter()
    }

    // ----- names ---------------------------------------------------------------------------------

    fn param(&self, decl: &'f ast::ParamDecl) -> Value {
        if let Some(v) = self.params.get(&decl.name.name) {
            return v.clone();
        }
        match &decl.value {
            Some(default) if is_per_deployment(default) => Value::String(ids::marker(&format!(
                "deployment-unique:{}",
                decl.name.name
            ))),
            Some(default) => self.eval(default, &Locals::default()),
            // `param x T?` left out is null, as Bicep passes it.
            None if decl.ty.as_ref().is_some_and(|t| self.is_nullable(t, 0)) => Value::Null,
            None => Value::unknown(format!(
                "parameter `{}` has no default and no value in a .bicepparam file",
                decl.name.name
            )),
        }
    }

    /// `T?`, directly or through the file's type aliases (`type maybe = string?`).
    fn is_nullable(&self, ty: &ast::Type, depth: usize) -> bool {
        match &ty.kind {
            ast::TypeKind::Nullable(_) => true,
            ast::TypeKind::Paren(inner) => self.is_nullable(inner, depth),
            ast::TypeKind::Ident(name) if depth < 16 => self.statements().any(|s| {
                matches!(s, Statement::Type(t) if t.name.name == name.name && self.is_nullable(&t.value, depth + 1))
            }),
            _ => false,
        }
    }

    fn symbol(&self, name: &str, locals: &Locals) -> Value {
        if let Some(v) = locals.get(name) {
            return v.clone();
        }
        let key = format!("symbol:{name}");
        if let Some(v) = self.memo.borrow().get(&key) {
            return v.clone();
        }
        if self.active.borrow().len() > 200 {
            return Value::error(format!("`{name}` refers to itself"));
        }
        if let Err(cycle) = crate::frontend::cycles::enter(&self.active, &key) {
            self.report_cycle(&cycle);
            return Value::error(format!("`{name}` refers to itself"));
        }
        let value = self.compute_symbol(name);
        crate::frontend::cycles::leave(&self.active, &key);
        self.memo.borrow_mut().insert(key, value.clone());
        value
    }

    /// Records symbols that refer to each other (keys of `symbol` and `resource_value`) as a
    /// finding at the one declared first. A resource met by its declaration is the symbol met
    /// just before it; alone (`parent::child` reading itself) it is named by its declaration.
    fn report_cycle(&self, keys: &[String]) {
        use crate::frontend::cycles::{Member, reference_cycle};
        let names: Vec<&str> = keys
            .iter()
            .filter_map(|k| k.strip_prefix("symbol:"))
            .collect();
        let members = names
            .iter()
            .map(|&name| {
                let declared = self.statements().find_map(|s| match s {
                    Statement::Param(p) if p.name.name == name => Some(&p.name),
                    Statement::Var(v) if v.name.name == name => Some(&v.name),
                    Statement::Resource(r) if r.name.name == name => Some(&r.name),
                    Statement::Module(m) if m.name.name == name => Some(&m.name),
                    _ => None,
                });
                let declared = declared.or_else(|| {
                    let nested = self.nested_resources();
                    nested
                        .into_iter()
                        .find(|r| r.name.name == name)
                        .map(|r| &r.name)
                })?;
                Some(Member {
                    name: name.to_string(),
                    span: span(self.file, &declared.span),
                })
            })
            .collect::<Option<Vec<_>>>();
        let count = |kind: fn(&Statement, &str) -> bool| {
            names
                .iter()
                .filter(|n| self.statements().any(|s| kind(s, n)))
                .count()
        };
        let vars = count(|s, n| matches!(s, Statement::Var(v) if v.name.name == n));
        let params = count(|s, n| matches!(s, Statement::Param(p) if p.name.name == n));
        let (what, deployed) = match (vars, params) {
            (v, 0) if v == names.len() => ("variables", false),
            (0, p) if p == names.len() => ("parameters", false),
            (v, p) if v + p == names.len() => ("parameters and variables", false),
            _ => ("declarations", true),
        };
        if let Some(problem) = members.and_then(|m| reference_cycle(m, what, deployed)) {
            self.invalid.borrow_mut().push(problem);
        }
    }

    fn compute_symbol(&self, name: &str) -> Value {
        for statement in self.statements() {
            match statement {
                Statement::Param(p) if p.name.name == name => return self.param(p),
                Statement::Var(v) if v.name.name == name => {
                    return self.eval(&v.value, &Locals::default());
                }
                Statement::Resource(r) if r.name.name == name => return self.resource_value(r),
                Statement::Module(m) if m.name.name == name => return self.module_value(m),
                _ => {}
            }
        }
        if let Some((from, exported)) = self.import_of(name) {
            return self.imported_value(from, exported);
        }
        if let Some(from) = self.namespace(name) {
            return self.namespace_value(from);
        }
        // Nested resources are addressed by their own symbolic name too.
        if let Some(r) = self
            .nested_resources()
            .into_iter()
            .find(|r| r.name.name == name)
        {
            return self.resource_value(r);
        }
        match name {
            "az" | "sys" => Value::Object(BTreeMap::new()),
            _ => Value::error(format!("`{name}` is not declared")),
        }
    }

    /// The declaration `vnet::agentSubnet` (or `a::b::c`) names.
    fn nested_declaration(&self, expr: &Expr) -> Option<&'f ast::ResourceDecl> {
        match &expr.kind {
            ExprKind::Ident(name) => self.statements().find_map(|s| match s {
                Statement::Resource(r) if r.name.name == *name => Some(r),
                _ => None,
            }),
            ExprKind::ResourceAccess { base, name } => {
                let parent = self.nested_declaration(base)?;
                parent.body()?.items.iter().find_map(|item| match item {
                    ObjectItem::Resource(child) if child.name.name == name.name => {
                        Some(child.as_ref())
                    }
                    _ => None,
                })
            }
            _ => None,
        }
    }

    fn nested_resources(&self) -> Vec<&'f ast::ResourceDecl> {
        fn walk<'a>(decl: &'a ast::ResourceDecl, out: &mut Vec<&'a ast::ResourceDecl>) {
            if let Some(body) = decl.body() {
                for item in &body.items {
                    if let ObjectItem::Resource(child) = item {
                        out.push(child);
                        walk(child, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for statement in self.statements() {
            if let Statement::Resource(r) = statement {
                walk(r, &mut out);
            }
        }
        out
    }

    // ----- expressions -------------------------------------------------------------------------

    fn eval(&self, expr: &Expr, locals: &Locals) -> Value {
        match &expr.kind {
            ExprKind::String { parts } => {
                let mut out = String::new();
                // Past a deferred unknown the string is still built, to find a literal `/NN`
                // after it; what fails after it is still that unknown.
                let mut unknown: Option<Unknown> = None;
                for part in parts {
                    match part {
                        StringPart::Literal(text) => out.push_str(text),
                        StringPart::Interp(e) => match self.eval(e, locals) {
                            Value::Unknown(u) if !u.is_error() => {
                                crate::value::push_unknown_part(&mut out, &u);
                                unknown.get_or_insert(u);
                            }
                            Value::Unknown(u) => {
                                return Value::Unknown(unknown.unwrap_or(u).derived());
                            }
                            Value::String(s) => out.push_str(&s),
                            other => match other.to_display_string() {
                                Some(s) => out.push_str(&s),
                                None => match crate::value::to_json(&other) {
                                    Ok(json) => out.push_str(&json.to_string()),
                                    Err(u) => {
                                        return Value::Unknown(unknown.unwrap_or(u).derived());
                                    }
                                },
                            },
                        },
                    }
                }
                crate::value::built_string(out, unknown)
            }
            ExprKind::Int(i) => Value::Number(*i as f64),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Null => Value::Null,
            ExprKind::Ident(name) => self.symbol(name, locals),
            ExprKind::Object(_) | ExprKind::Array(_) => self.node(expr, locals).value(),
            ExprKind::Paren(inner) | ExprKind::NonNull(inner) => self.eval(inner, locals),
            // `ns.x` after `import * as ns from '...'`: only the symbol read is evaluated.
            ExprKind::Member { base, name, .. }
                if let ExprKind::Ident(ns) = &base.kind
                    && locals.get(ns).is_none()
                    && let Some(from) = self.namespace(ns) =>
            {
                self.imported_value(from, &name.name)
            }
            ExprKind::Member { base, name, safe } => match self.eval(base, locals) {
                Value::Object(map) => match map.get(&name.name) {
                    Some(v) => v.clone(),
                    None if *safe => Value::Null,
                    None => Value::unknown(format!("`{}` is known only at deployment", name.name)),
                },
                Value::Null if *safe => Value::Null,
                Value::Unknown(u) => Value::Unknown(u),
                other => Value::error(format!("`.{}` of a {}", name.name, other.type_name())),
            },
            ExprKind::ResourceAccess { .. } => match self.nested_declaration(expr) {
                Some(child) => self.resource_value(child),
                None => Value::error("`::` needs a resource and one of its nested resources"),
            },
            ExprKind::Index {
                base,
                index,
                safe,
                from_end,
            } => {
                let (base, index) = (self.eval(base, locals), self.eval(index, locals));
                match (base, index) {
                    (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Value::Unknown(u),
                    (Value::List(items), Value::Number(n)) => {
                        let i = if *from_end { items.len() as f64 - n } else { n };
                        match (i >= 0.0).then(|| items.get(i as usize)).flatten() {
                            Some(v) => v.clone(),
                            None if *safe => Value::Null,
                            None => Value::error(format!("index {n} is out of range")),
                        }
                    }
                    (Value::Object(map), Value::String(k)) => match map.get(&k) {
                        Some(v) => v.clone(),
                        None if *safe => Value::Null,
                        None => Value::unknown(format!("`{k}` is known only at deployment")),
                    },
                    (Value::Null, _) if *safe => Value::Null,
                    (other, _) => {
                        Value::error(format!("a {} cannot be indexed", other.type_name()))
                    }
                }
            }
            ExprKind::Call { callee, name, args } => {
                self.call(callee.as_deref(), &name.name, args, locals)
            }
            ExprKind::Unary { op, operand } => match (op, self.eval(operand, locals)) {
                (_, Value::Unknown(u)) => Value::Unknown(u.derived()),
                (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOp::Minus, Value::Number(n)) => Value::Number(-n),
                _ => Value::error("a unary operator of the wrong type"),
            },
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, locals),
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => match self.eval(cond, locals) {
                Value::Bool(true) => self.eval(then, locals),
                Value::Bool(false) => self.eval(otherwise, locals),
                Value::Unknown(u) => {
                    let (a, b) = (self.eval(then, locals), self.eval(otherwise, locals));
                    if a == b && a.first_unknown().is_none() {
                        a
                    } else {
                        Value::Unknown(u)
                    }
                }
                _ => Value::error("a condition must be a bool"),
            },
            ExprKind::For { .. } => self.node(expr, locals).value(),
            ExprKind::If { cond, body } => match self.eval(cond, locals) {
                Value::Bool(true) => self.eval(body, locals),
                Value::Unknown(u) => Value::Unknown(u),
                _ => Value::Null,
            },
            ExprKind::Lambda { .. } => {
                Value::error("a lambda outside filter/map/reduce/sort/toObject")
            }
        }
    }

    fn binary(&self, op: BinaryOp, left: &Expr, right: &Expr, locals: &Locals) -> Value {
        let l = self.eval(left, locals);
        match op {
            BinaryOp::Coalesce => {
                return match l {
                    Value::Null => self.eval(right, locals),
                    other => other,
                };
            }
            BinaryOp::And | BinaryOp::Or => {
                let decisive = op == BinaryOp::Or;
                if l == Value::Bool(decisive) {
                    return l;
                }
                let r = self.eval(right, locals);
                return match (&l, &r) {
                    (_, Value::Bool(b)) if *b == decisive => r,
                    (Value::Bool(_), Value::Bool(_)) => Value::Bool(!decisive),
                    (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Value::Unknown(u.derived()),
                    _ => Value::error("`&&`/`||` need bools"),
                };
            }
            _ => {}
        }
        let r = self.eval(right, locals);
        if let BinaryOp::Eq | BinaryOp::NotEq = op {
            return match crate::value::equals(&l, &r) {
                Ok(equal) => Value::Bool(equal == (op == BinaryOp::Eq)),
                Err(u) => Value::Unknown(u.derived()),
            };
        }
        if let Some(u) = [&l, &r].iter().find_map(|v| v.first_unknown()) {
            return Value::Unknown(u.derived());
        }
        match op {
            BinaryOp::EqInsensitive | BinaryOp::NotEqInsensitive => {
                match (l.as_str(), r.as_str()) {
                    (Some(a), Some(b)) => {
                        Value::Bool(a.eq_ignore_ascii_case(b) == (op == BinaryOp::EqInsensitive))
                    }
                    _ => Value::error("`=~` needs strings"),
                }
            }
            _ => match (l, r) {
                (Value::Number(a), Value::Number(b)) => match op {
                    BinaryOp::Add => Value::Number(a + b),
                    BinaryOp::Sub => Value::Number(a - b),
                    BinaryOp::Mul => Value::Number(a * b),
                    BinaryOp::Div if b != 0.0 => Value::Number((a / b).trunc()),
                    BinaryOp::Mod if b != 0.0 => Value::Number(a % b),
                    BinaryOp::Less => Value::Bool(a < b),
                    BinaryOp::LessEq => Value::Bool(a <= b),
                    BinaryOp::Greater => Value::Bool(a > b),
                    BinaryOp::GreaterEq => Value::Bool(a >= b),
                    _ => Value::error("division by zero"),
                },
                _ => Value::error(format!("`{}` needs numbers", op.symbol())),
            },
        }
    }

    fn args(&self, args: &[Expr], locals: &Locals) -> Vec<Value> {
        args.iter().map(|a| self.eval(a, locals)).collect()
    }

    fn call(&self, callee: Option<&Expr>, name: &str, args: &[Expr], locals: &Locals) -> Value {
        // `ns.f(...)` after `import * as ns from '...'`.
        if let Some(base) = callee
            && let ExprKind::Ident(ns) = &base.kind
            && locals.get(ns).is_none()
            && let Some(from) = self.namespace(ns)
        {
            return self.call_imported(from, name, self.args(args, locals));
        }
        // `sys.x(...)` and `az.x(...)` are the built-ins; a call on anything else is a resource
        // method (`kv.getSecret(...)`, `st.listKeys()`): secrets at deployment.
        if let Some(base) = callee
            && !matches!(&base.kind, ExprKind::Ident(n) if n == "sys" || n == "az")
        {
            return Value::unknown(format!(
                "`{name}()` on a resource is known only at deployment"
            ));
        }
        let lname = name.to_ascii_lowercase();
        match lname.as_str() {
            "resourcegroup" => match self.args(args, locals).as_slice() {
                [] => self.resource_group_value(&self.resource_group),
                [Value::String(rg)] => self.resource_group_value(rg),
                [_, Value::String(rg)] => self.resource_group_value(rg),
                _ => Value::unknown(
                    "`resourceGroup(...)` names a resource group not known statically",
                ),
            },
            "subscription" => Value::Object(BTreeMap::from([
                (
                    "id".into(),
                    Value::String(format!("/subscriptions/{}", self.subscription)),
                ),
                (
                    "subscriptionId".into(),
                    Value::String(self.subscription.clone()),
                ),
                (
                    "tenantId".into(),
                    Value::unknown("`subscription().tenantId` is known only at deployment"),
                ),
            ])),
            "environment" => arm_frontend::environment(),
            "deployment" => Value::Object(BTreeMap::from([(
                "name".into(),
                Value::String(ids::marker("deployment().name")),
            )])),
            "tenant" | "managementgroup" | "deployer" => {
                Value::unknown(format!("`{name}()` is known only at deployment"))
            }
            // `nameof(x)`, `nameof(a.b)`: the last name written, as Bicep compiles it.
            "nameof" => match args {
                [
                    Expr {
                        kind: ExprKind::Ident(n),
                        ..
                    },
                ] => Value::String(n.clone()),
                [
                    Expr {
                        kind: ExprKind::Member { name, .. } | ExprKind::ResourceAccess { name, .. },
                        ..
                    },
                ] => Value::String(name.name.clone()),
                _ => Value::error("nameof() takes a symbol or a property"),
            },
            "readenvironmentvariable" => match self.args(args, locals).as_slice() {
                [_, default] => default.clone(),
                _ => Value::unknown("an environment variable read at deployment"),
            },
            "resourceid" => self.resource_id(&self.args(args, locals), false),
            "subscriptionresourceid" => self.resource_id(&self.args(args, locals), true),
            "extensionresourceid" => match self.args(args, locals).as_slice() {
                [Value::String(scope), Value::String(ty), names @ ..] => {
                    match names.iter().map(Value::as_str).collect::<Option<Vec<_>>>() {
                        Some(names) => Value::String(arm_frontend::extension_id(scope, ty, &names)),
                        None => {
                            Value::unknown("extensionResourceId() with names not known statically")
                        }
                    }
                }
                values => values
                    .iter()
                    .find(|v| v.is_unknown())
                    .cloned()
                    .unwrap_or_else(|| {
                        Value::error("extensionResourceId() takes a scope, a type and names")
                    }),
            },
            "filter" | "map" | "reduce" | "sort" | "toobject" | "mapvalues" | "groupby" => {
                self.lambda_call(&lname, args, locals)
            }
            "loadtextcontent" | "loadjsoncontent" | "loadfileasbase64" => {
                let function = super::references::LOAD_FUNCTIONS
                    .iter()
                    .find(|f| f.eq_ignore_ascii_case(&lname))
                    .copied()
                    .unwrap_or(name);
                let values = self.args(args, locals);
                super::load::call(function, &self.path, &self.files.loaded, &values)
            }
            _ if lname.starts_with("list") => {
                Value::unknown(format!("`{name}()` reads secrets at deployment"))
            }
            _ => {
                if let Some(value) = self.apply_function(name, || self.args(args, locals)) {
                    return value;
                }
                if let Some((from, exported)) = self.import_of(name) {
                    return self.call_imported(from, exported, self.args(args, locals));
                }
                if let Err(u) = self.budget.check_iterations() {
                    return Value::Unknown(u);
                }
                let values = self.args(args, locals);
                let result =
                    arm_frontend::call_bicep_function(&lname, values).unwrap_or_else(|| {
                        arm_frontend::unevaluated(arm_frontend::Language::Bicep, name)
                    });
                // A function that builds a collection (`range`) spends its elements, as a loop
                // would.
                match self.budget.elements(&result) {
                    Ok(()) => result,
                    Err(u) => Value::Unknown(u),
                }
            }
        }
    }

    /// A user-defined function of this file applied to its arguments; `None` when the file
    /// declares no function `name`.
    fn apply_function(&self, name: &str, args: impl FnOnce() -> Vec<Value>) -> Option<Value> {
        let f = self.statements().find_map(|s| match s {
            Statement::Func(f) if f.name.name == name => Some(f),
            _ => None,
        })?;
        // A function that calls itself would exhaust the stack, and one that calls itself twice
        // doubles its calls at each level: both are bounded.
        if self.function_depth.get() >= MAX_FUNCTION_DEPTH {
            return Some(Value::unknown(format!("`{name}()` recurses too deep")));
        }
        if let Err(u) = self.budget.iterations(1) {
            return Some(Value::Unknown(u));
        }
        let mut inner = Locals::default();
        for (p, v) in f.params.iter().zip(args()) {
            inner = inner.with(&p.name.name, v);
        }
        self.function_depth.set(self.function_depth.get() + 1);
        let value = self.eval(&f.body, &inner);
        self.function_depth.set(self.function_depth.get() - 1);
        Some(value)
    }

    // ----- imports -------------------------------------------------------------------------------

    /// The file's import statements by local name, found once (member accesses ask for every
    /// `x.y`).
    fn imported_names(&self) -> &ImportedNames<'f> {
        self.imported_names.get_or_init(|| {
            let mut names = ImportedNames::default();
            for statement in self.statements() {
                let Statement::Import(i) = statement else {
                    continue;
                };
                match &i.symbols {
                    ImportSymbols::List(items) => {
                        for item in items {
                            let local = item.alias.as_ref().unwrap_or(&item.name);
                            names
                                .symbols
                                .entry(local.name.as_str())
                                .or_insert((&i.from, item.name.name.as_str()));
                        }
                    }
                    ImportSymbols::Wildcard { alias } => {
                        names
                            .namespaces
                            .entry(alias.name.as_str())
                            .or_insert(&i.from);
                    }
                }
            }
            names
        })
    }

    /// `import {exported as name} from ...` (or `{name}`): the source and the exported name.
    fn import_of(&self, name: &str) -> Option<(&'f Expr, &'f str)> {
        self.imported_names().symbols.get(name).copied()
    }

    /// `import * as name from ...`: the source.
    fn namespace(&self, name: &str) -> Option<&'f Expr> {
        self.imported_names().namespaces.get(name).copied()
    }

    /// The file an import names: a Bicep program (evaluated once for the program tree) or a
    /// compiled template.
    fn imported_file(&self, from: &Expr) -> Result<Imported<'f>, Unknown> {
        let Some(reference) = from.as_str() else {
            return Err(Unknown::error("an import path must be a string literal"));
        };
        match self.resolve(&reference).map_err(|u| u.unknown())? {
            Resolved::Template(file, json) => Ok(Imported::Template(file, json)),
            Resolved::Bicep(path) => {
                let imports = self
                    .imports
                    .upgrade()
                    .ok_or_else(|| Unknown::new("imports are read only during evaluation"))?;
                if let Some(program) = imports.borrow().get(&path) {
                    return Ok(Imported::Bicep(program.clone()));
                }
                if self.depth >= MAX_MODULE_DEPTH {
                    return Err(Unknown::new(format!(
                        "imports from {} nest too deep",
                        path.display()
                    )));
                }
                let program = self.child(&path, HashMap::new()).ok_or_else(|| {
                    Unknown::new(format!("imported file {} was not found", path.display()))
                })?;
                let program = Rc::new(program);
                imports.borrow_mut().insert(path, program.clone());
                Ok(Imported::Bicep(program))
            }
        }
    }

    /// An exported variable of the file `from` names, evaluated in that file's scope.
    fn imported_value(&self, from: &Expr, name: &str) -> Value {
        match self.imported_file(from) {
            Ok(Imported::Bicep(program)) => program.symbol(name, &Locals::default()),
            Ok(Imported::Template(file, json)) => arm_frontend::exported_variable(json, file, name),
            Err(u) => Value::Unknown(u),
        }
    }

    /// `ns` itself after `import * as ns`: an object of the file's exported variables.
    fn namespace_value(&self, from: &Expr) -> Value {
        match self.imported_file(from) {
            Ok(Imported::Bicep(program)) => Value::Object(
                program
                    .statements()
                    .filter_map(|s| match s {
                        Statement::Var(v) if is_exported(&v.decorators) => Some((
                            v.name.name.clone(),
                            program.symbol(&v.name.name, &Locals::default()),
                        )),
                        _ => None,
                    })
                    .collect(),
            ),
            Ok(Imported::Template(file, json)) => Value::Object(
                arm_frontend::exported_variable_names(json)
                    .into_iter()
                    .map(|n| {
                        let value = arm_frontend::exported_variable(json, file, &n);
                        (n, value)
                    })
                    .collect(),
            ),
            Err(u) => Value::Unknown(u),
        }
    }

    /// An exported function of the file `from` names, applied in that file's scope.
    fn call_imported(&self, from: &Expr, name: &str, values: Vec<Value>) -> Value {
        match self.imported_file(from) {
            Ok(Imported::Bicep(program)) => {
                program.apply_function(name, || values).unwrap_or_else(|| {
                    Value::error(format!("`{name}` is not a function of the imported file"))
                })
            }
            Ok(Imported::Template(file, json)) => {
                arm_frontend::apply_exported_function(json, file, name, values)
            }
            Err(u) => Value::Unknown(u),
        }
    }

    /// What a module or import path names: a Bicep file, or a compiled template (a local `.json`
    /// file, a registry module in the Bicep cache).
    fn resolve(&self, reference: &str) -> Result<Resolved<'f>, Unread> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        let local = |p: &str| crate::frontend::terraform::normalize(&dir.join(p));
        let (path, template_spec) = match target(reference) {
            Target::Bicep(p) => return Ok(Resolved::Bicep(local(p))),
            Target::Template(p) => (local(p), false),
            Target::Registry(r) => {
                let not_restored = |why: String| Unread::NotRestored {
                    reference: r.to_string(),
                    why,
                };
                match self.files.registry.get(&(self.path.clone(), r.to_string())) {
                    Some(Ok(Cached {
                        main,
                        template_spec,
                    })) => match self.files.template(main) {
                        Some((_, Some(_))) => (main.clone(), *template_spec),
                        Some((_, None)) => {
                            return Err(not_restored(format!(
                                "{} is not readable JSON",
                                main.display()
                            )));
                        }
                        None => {
                            return Err(not_restored(format!("no {}", main.display())));
                        }
                    },
                    Some(Err(why)) => return Err(not_restored(why.clone())),
                    None => return Err(not_restored("the cache is not read here".into())),
                }
            }
        };
        let not_template = || {
            Unread::NotTemplate(format!(
                "{} is not an ARM template: the module cannot be read",
                path.display()
            ))
        };
        match self.files.template(&path) {
            Some((file, Some(json))) => {
                let template = if template_spec {
                    json.get("properties").and_then(|p| p.get("mainTemplate"))
                } else {
                    Some(json)
                };
                match template {
                    Some(t) if arm_frontend::classify(t) == Some(arm_frontend::Kind::Template) => {
                        Ok(Resolved::Template(*file, t))
                    }
                    _ => Err(not_template()),
                }
            }
            Some((_, None)) => Err(not_template()),
            None => Err(Unread::Missing(Unknown::new(format!(
                "template {} was not found",
                path.display()
            )))),
        }
    }

    fn resource_group_value(&self, name: &str) -> Value {
        Value::Object(BTreeMap::from([
            (
                "id".into(),
                Value::String(format!(
                    "/subscriptions/{}/resourceGroups/{name}",
                    self.subscription
                )),
            ),
            ("name".into(), Value::String(name.to_string())),
            (
                "location".into(),
                Value::unknown("`resourceGroup().location` is known only at deployment"),
            ),
        ]))
    }

    fn resource_id(&self, values: &[Value], subscription_level: bool) -> Value {
        if let Some(u) = values.iter().find(|v| v.is_unknown()) {
            return u.clone();
        }
        let Some(strings) = values.iter().map(Value::as_str).collect::<Option<Vec<_>>>() else {
            return Value::error("resourceId() takes strings");
        };
        let Some(at) = strings.iter().position(|s| s.contains('/')) else {
            return Value::error("resourceId() needs a resource type");
        };
        let rg = match (subscription_level, at) {
            (true, _) => None,
            (false, 0) => Some(self.resource_group.as_str()),
            (false, _) => Some(strings[at - 1]),
        };
        Value::String(ids::format_id(rg, strings[at], &strings[at + 1..]))
    }

    fn lambda_call(&self, name: &str, args: &[Expr], locals: &Locals) -> Value {
        if let Err(u) = self.budget.check_iterations() {
            return Value::Unknown(u);
        }
        let lambda = |i: usize| match &args.get(i)?.kind {
            ExprKind::Lambda { params, body } => Some((params, body.as_ref())),
            _ => None,
        };
        let apply = |i: usize, values: Vec<Value>| {
            let (params, body) = lambda(i)?;
            if let Err(u) = self.budget.iterations(1) {
                return Some(Value::Unknown(u));
            }
            let mut inner = locals.clone();
            for (p, v) in params.iter().zip(values) {
                inner = inner.with(&p.name.name, v);
            }
            Some(self.eval(body, &inner))
        };
        let arg = |i: usize| {
            args.get(i)
                .map(|a| self.eval(a, locals))
                .unwrap_or(Value::Null)
        };
        crate::frontend::builtins::lambda_function(name, &arg, &|i| lambda(i).is_some(), &apply)
    }

    /// An expression as a node: literal objects, arrays and `for` loops keep their spans.
    fn node(&self, expr: &Expr, locals: &Locals) -> Node {
        self.node_traced(expr, locals, None)
    }

    /// The node of `expr`; with `loops` (the `for` variables in scope), the traces of its
    /// leaves are recorded: it is a resource property being lowered.
    fn node_traced(&self, expr: &Expr, locals: &Locals, loops: Option<&Loops<'_>>) -> Node {
        let at = span(self.file, &expr.span);
        let leaf = |value: Value| {
            if let Some(loops) = loops {
                self.record_trace(expr, loops);
            }
            Node::leaf(value, at)
        };
        match &expr.kind {
            ExprKind::Object(object) => {
                let mut entries = Vec::new();
                for item in &object.items {
                    match item {
                        ObjectItem::Property(p) => {
                            let key = match &p.key {
                                Key::Ident(i) => i.name.clone(),
                                Key::String(e) => match self.eval(e, locals) {
                                    Value::String(s) => s,
                                    Value::Unknown(u) => return Node::leaf(Value::Unknown(u), at),
                                    _ => continue,
                                },
                            };
                            entries.push((key, self.node_traced(&p.value, locals, loops)));
                        }
                        ObjectItem::Spread { expr, .. } => match self.eval(expr, locals) {
                            Value::Object(map) => {
                                if let Some(loops) = loops {
                                    self.record_trace(expr, loops);
                                }
                                let spread_span = span(self.file, &expr.span);
                                for (k, v) in map {
                                    entries.retain(|(key, _)| *key != k);
                                    entries.push((k, Node::leaf(v, spread_span)));
                                }
                            }
                            Value::Unknown(u) => return Node::leaf(Value::Unknown(u), at),
                            _ => {}
                        },
                        ObjectItem::Resource(_) => {}
                    }
                }
                Node::Object { entries, span: at }
            }
            ExprKind::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        ArrayItem::Value(e) => out.push(self.node_traced(e, locals, loops)),
                        ArrayItem::Spread { expr, .. } => match self.eval(expr, locals) {
                            Value::List(values) => {
                                if let Some(loops) = loops {
                                    self.record_trace(expr, loops);
                                }
                                let s = span(self.file, &expr.span);
                                out.extend(values.into_iter().map(|v| Node::leaf(v, s)));
                            }
                            Value::Unknown(u) => return Node::leaf(Value::Unknown(u), at),
                            _ => {}
                        },
                    }
                }
                Node::List {
                    items: out,
                    span: at,
                }
            }
            ExprKind::For {
                item,
                index,
                iterable,
                body,
            } => match self.iterations(item, index.as_ref(), iterable, locals) {
                Ok(iterations) => {
                    let inner: Option<Vec<(&str, &Expr)>> =
                        loops.map(|outer| [outer, &loop_bindings(expr)].concat());
                    let inner = inner.as_deref();
                    Node::List {
                        items: iterations
                            .into_iter()
                            .filter_map(|l| match &body.kind {
                                ExprKind::If { cond, body } => match self.eval(cond, &l) {
                                    Value::Bool(true) => Some(self.node_traced(body, &l, inner)),
                                    _ => None,
                                },
                                _ => Some(self.node_traced(body, &l, inner)),
                            })
                            .collect(),
                        span: at,
                    }
                }
                Err(u) => leaf(Value::Unknown(u)),
            },
            ExprKind::Paren(inner) => self.node_traced(inner, locals, loops),
            // Arrays joined by `concat` or `union` keep where each item is written, so that a
            // finding on one item points at it rather than at the whole call.
            ExprKind::Call {
                callee: None,
                name,
                args,
            } if loops.is_some() && matches!(name.name.as_str(), "concat" | "union") => {
                let value = self.eval(expr, locals);
                match self.joined_items(&name.name, args, locals, loops, &value) {
                    Some(items) => Node::List { items, span: at },
                    None => leaf(value),
                }
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => match self.eval(cond, locals) {
                Value::Bool(true) => self.node_traced(then, locals, loops),
                Value::Bool(false) => self.node_traced(otherwise, locals, loops),
                _ => leaf(self.eval(expr, locals)),
            },
            _ => leaf(self.eval(expr, locals)),
        }
    }

    /// The items of `concat(a, b, ...)` or `union(a, b, ...)` over arrays as nodes of the
    /// arguments, when they are exactly the call's `value` (union drops repeated items).
    fn joined_items(
        &self,
        function: &str,
        args: &[Expr],
        locals: &Locals,
        loops: Option<&Loops<'_>>,
        value: &Value,
    ) -> Option<Vec<Node>> {
        let Value::List(expected) = value else {
            return None;
        };
        let mut items: Vec<Node> = Vec::new();
        let mut seen: Vec<Value> = Vec::new();
        for arg in args {
            let part = match self.node_traced(arg, locals, loops) {
                Node::List { items, .. } => items,
                // An array read from a variable or parameter: its items are written there.
                Node::Leaf {
                    value: Value::List(values),
                    span,
                } => values.into_iter().map(|v| Node::leaf(v, span)).collect(),
                _ => return None,
            };
            for item in part {
                let v = item.value();
                if function == "union" && seen.contains(&v) {
                    continue;
                }
                seen.push(v);
                items.push(item);
            }
        }
        (seen == *expected).then_some(items)
    }

    /// The bindings of each iteration of `for item[, index] in iterable`.
    fn iterations(
        &self,
        item: &ast::Ident,
        index: Option<&ast::Ident>,
        iterable: &Expr,
        locals: &Locals,
    ) -> Result<Vec<Locals>, Unknown> {
        self.budget.check_iterations()?;
        let values = match self.eval(iterable, locals) {
            Value::List(items) => items,
            Value::Unknown(u) => return Err(u),
            other => {
                return Err(Unknown::error(format!(
                    "a `for` over a {}",
                    other.type_name()
                )));
            }
        };
        if values.len() > MAX_INSTANCES {
            return Err(Unknown::new(format!(
                "a loop of {} items is not expanded",
                values.len()
            )));
        }
        self.budget.iterations(values.len())?;
        Ok(values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let l = locals.with(&item.name, v);
                match index {
                    Some(ix) => l.with(&ix.name, Value::Number(i as f64)),
                    None => l,
                }
            })
            .collect())
    }

    // ----- resources -----------------------------------------------------------------------------

    /// The enclosing declaration of a nested resource declaration.
    fn enclosing(&self, decl: &'f ast::ResourceDecl) -> Option<&'f ast::ResourceDecl> {
        fn find<'a>(
            within: &'a ast::ResourceDecl,
            target: &ast::ResourceDecl,
        ) -> Option<&'a ast::ResourceDecl> {
            for item in &within.body()?.items {
                if let ObjectItem::Resource(child) = item {
                    if std::ptr::eq(child.as_ref(), target) {
                        return Some(within);
                    }
                    if let Some(found) = find(child, target) {
                        return Some(found);
                    }
                }
            }
            None
        }
        self.statements().find_map(|s| match s {
            Statement::Resource(r) => find(r, decl),
            _ => None,
        })
    }

    /// The instances of one resource declaration (loops, conditions, parents), once.
    fn instances_of(&self, decl: &'f ast::ResourceDecl) -> Rc<Vec<ResourceInstance<'f>>> {
        let key = decl as *const ast::ResourceDecl as usize;
        if let Some(done) = self.resources.borrow().get(&key) {
            return done.clone();
        }
        // A declaration whose name or parent refers back to itself expands to nothing.
        if !self.expanding.borrow_mut().insert(key) {
            return Rc::new(Vec::new());
        }
        let mut out = Vec::new();
        match self.enclosing(decl) {
            Some(parent) => {
                for p in self.instances_of(parent).iter() {
                    self.expand(
                        decl,
                        Some((p.resource_type.clone(), p.id.clone())),
                        &p.locals,
                        &mut out,
                    );
                }
            }
            None => self.expand(decl, None, &Locals::default(), &mut out),
        }
        self.expanding.borrow_mut().remove(&key);
        let out = Rc::new(out);
        self.resources.borrow_mut().insert(key, out.clone());
        out
    }

    fn record_uncounted(&self, decl: &'f ast::ResourceDecl, locals: &Locals, reason: Unknown) {
        let resource_type = match self.eval(&decl.type_string, locals) {
            Value::String(t) => t.split('@').next().unwrap_or_default().to_string(),
            _ => String::new(),
        };
        self.uncounted.borrow_mut().push(crate::model::Uncounted {
            origin: Origin {
                address: format!("{}{}", self.prefix, decl.name.name),
                span: span(self.file, &decl.name.span),
                via: self.via.clone(),
            },
            resource_type,
            reason,
        });
    }

    /// Every resource declaration, nested ones included.
    fn all_resources(&self) -> Vec<&'f ast::ResourceDecl> {
        let mut out: Vec<&'f ast::ResourceDecl> = self
            .statements()
            .filter_map(|s| match s {
                Statement::Resource(r) => Some(r),
                _ => None,
            })
            .collect();
        out.extend(self.nested_resources());
        out
    }

    fn expand(
        &self,
        decl: &'f ast::ResourceDecl,
        parent: Option<(String, String)>,
        locals: &Locals,
        out: &mut Vec<ResourceInstance<'f>>,
    ) {
        let iterations = match &decl.value.kind {
            ExprKind::For {
                item,
                index,
                iterable,
                ..
            } => match self.iterations(item, index.as_ref(), iterable, locals) {
                Ok(i) => i,
                Err(reason) => {
                    self.record_uncounted(decl, locals, reason);
                    return;
                }
            },
            _ => vec![locals.clone()],
        };
        let looped = matches!(decl.value.kind, ExprKind::For { .. });
        for (i, locals) in iterations.into_iter().enumerate() {
            if let Some(cond) = condition(&decl.value) {
                match self.eval(cond, &locals) {
                    Value::Bool(true) => {}
                    // Maybe deployed: not checked, but not known to be absent either.
                    Value::Unknown(reason) => {
                        self.record_uncounted(decl, &locals, reason);
                        continue;
                    }
                    _ => continue,
                }
            }
            let Some(body) = decl.body() else { continue };
            let type_string = match self.eval(&decl.type_string, &locals) {
                Value::String(s) => s,
                _ => continue,
            };
            let (short_type, api_version) = match type_string.split_once('@') {
                Some((t, v)) => (t.to_string(), Some(v.to_string())),
                None => (type_string.clone(), None),
            };
            let short_name = match body.property("name").map(|p| self.eval(&p.value, &locals)) {
                Some(Value::String(n)) => n,
                _ => ids::marker(&format!("bicep{}:{}:{i}", self.file.0, decl.name.name)),
            };
            // The parent: a nested declaration's enclosing resource, or the `parent:` property.
            let parent = parent.clone().or_else(|| {
                let p = body.property("parent")?;
                match self.eval(&p.value, &locals) {
                    Value::Object(map) => {
                        let id = map.get("id")?.as_str()?.to_string();
                        let ty = map.get("type")?.as_str()?.to_string();
                        Some((ty, id))
                    }
                    _ => None,
                }
            });
            let (resource_type, id) = match &parent {
                Some((parent_type, parent_id)) => {
                    let child = short_type
                        .rsplit('/')
                        .next()
                        .unwrap_or(&short_type)
                        .to_string();
                    let full_type = if short_type.contains('/') {
                        short_type.clone()
                    } else {
                        format!("{parent_type}/{child}")
                    };
                    (full_type, format!("{parent_id}/{child}/{short_name}"))
                }
                None => {
                    let names: Vec<&str> = short_name.split('/').collect();
                    let scope = body.property("scope").map(|p| self.eval(&p.value, &locals));
                    let id = match scope {
                        Some(Value::Object(map))
                            if map.get("id").and_then(Value::as_str).is_some() =>
                        {
                            let scope_id =
                                map.get("id").and_then(Value::as_str).unwrap_or_default();
                            if scope_id.contains("/providers/") {
                                arm_frontend::extension_id(scope_id, &short_type, &names)
                            } else {
                                let rg = ids::parse(scope_id).and_then(|i| i.resource_group);
                                ids::format_id(
                                    rg.as_deref().or(Some(&self.resource_group)),
                                    &short_type,
                                    &names,
                                )
                            }
                        }
                        _ if short_type
                            .eq_ignore_ascii_case("Microsoft.Authorization/roleAssignments") =>
                        {
                            arm_frontend::extension_id(
                                &format!(
                                    "/subscriptions/{}/resourceGroups/{}",
                                    self.subscription, self.resource_group
                                ),
                                &short_type,
                                &names,
                            )
                        }
                        _ => ids::format_id(Some(&self.resource_group), &short_type, &names),
                    };
                    (short_type.clone(), id)
                }
            };
            let address = if looped {
                format!("{}{}[{i}]", self.prefix, decl.name.name)
            } else {
                format!("{}{}", self.prefix, decl.name.name)
            };
            out.push(ResourceInstance {
                decl,
                locals,
                id,
                resource_type,
                api_version,
                address,
            });
        }
    }

    /// A resource symbol's value: what references read (`vnet.id`, `acct.identity.principalId`,
    /// `kv.properties.vaultUri`, `vnets[0].id` for a loop).
    fn resource_value(&self, decl: &'f ast::ResourceDecl) -> Value {
        // Reached through `parent::child` as well as by name: the guard against a resource whose
        // body reads itself is here, not only in `symbol`.
        let key = format!("resource:{:p}", decl as *const ast::ResourceDecl);
        if self.active.borrow().len() > 200 {
            return Value::error(format!("`{}` refers to itself", decl.name.name));
        }
        if let Err(cycle) = crate::frontend::cycles::enter(&self.active, &key) {
            self.report_cycle(&cycle);
            return Value::error(format!("`{}` refers to itself", decl.name.name));
        }
        let value = self.compute_resource_value(decl);
        crate::frontend::cycles::leave(&self.active, &key);
        value
    }

    fn compute_resource_value(&self, decl: &'f ast::ResourceDecl) -> Value {
        let values: Vec<Value> = self
            .instances_of(decl)
            .iter()
            .map(|r| self.instance_value(decl, &r.id, &r.resource_type, &r.locals))
            .collect();
        match &decl.value.kind {
            ExprKind::For { .. } => Value::List(values),
            _ => values.into_iter().next().unwrap_or_else(|| {
                Value::unknown(format!(
                    "`{}` is not deployed (its condition is false or unknown)",
                    decl.name.name
                ))
            }),
        }
    }

    fn instance_value(
        &self,
        decl: &'f ast::ResourceDecl,
        id: &str,
        ty: &str,
        locals: &Locals,
    ) -> Value {
        let body = decl.body();
        let name = ids::parse(id)
            .and_then(|i| i.name().map(str::to_string))
            .unwrap_or_default();
        let mut properties = match (decl.existing, body.and_then(|b| b.property("properties"))) {
            (false, Some(p)) => match self.eval(&p.value, locals) {
                Value::Object(m) => m,
                _ => BTreeMap::new(),
            },
            _ => BTreeMap::new(),
        };
        arm_shape::add_computed_properties(ty, id, &mut properties);
        let mut out = BTreeMap::from([
            ("id".to_string(), Value::String(id.to_string())),
            ("name".to_string(), Value::String(name)),
            ("type".to_string(), Value::String(ty.to_string())),
            ("properties".to_string(), Value::Object(properties)),
            (
                "identity".to_string(),
                Value::Object(BTreeMap::from([
                    (
                        "principalId".to_string(),
                        Value::String(ids::principal_token(id)),
                    ),
                    (
                        "tenantId".to_string(),
                        Value::unknown("the tenant is known only at deployment"),
                    ),
                ])),
            ),
        ]);
        if let Some(location) = body
            .and_then(|b| b.property("location"))
            .filter(|_| !decl.existing)
        {
            out.insert("location".into(), self.eval(&location.value, locals));
        }
        Value::Object(out)
    }

    // ----- modules -------------------------------------------------------------------------------

    fn resolve_module(&self, decl: &ast::ModuleDecl) -> Result<Resolved<'f>, Unread> {
        match decl.path.as_str() {
            Some(path) => self.resolve(&path),
            None => Err(Unread::Missing(Unknown::error(
                "a module path must be a string literal",
            ))),
        }
    }

    /// The module's instances (loop iterations whose condition holds), with their parameters.
    fn module_instances(&self, decl: &'f ast::ModuleDecl) -> Result<Vec<ModuleInstance>, Unknown> {
        if self.depth >= MAX_MODULE_DEPTH {
            return Err(Unknown::new(format!(
                "module `{}` nests too deep (does it call itself?)",
                decl.name.name
            )));
        }
        let iterations = match &decl.value.kind {
            ExprKind::For {
                item,
                index,
                iterable,
                ..
            } => self.iterations(item, index.as_ref(), iterable, &Locals::default())?,
            _ => vec![Locals::default()],
        };
        let looped = matches!(decl.value.kind, ExprKind::For { .. });
        let mut out = Vec::new();
        for (i, locals) in iterations.into_iter().enumerate() {
            if let Some(cond) = condition(&decl.value)
                && self.eval(cond, &locals) != Value::Bool(true)
            {
                continue;
            }
            let Some(body) = decl.body() else { continue };
            let params = match body
                .property("params")
                .map(|p| self.eval(&p.value, &locals))
            {
                Some(Value::Object(map)) => map.into_iter().collect(),
                Some(Value::Unknown(u)) => return Err(u),
                _ => HashMap::new(),
            };
            let address = if looped {
                format!("{}module.{}[{i}]", self.prefix, decl.name.name)
            } else {
                format!("{}module.{}", self.prefix, decl.name.name)
            };
            self.budget.modules(1)?;
            let resource_group = match body.property("scope").map(|p| self.eval(&p.value, &locals))
            {
                Some(Value::Object(map)) => map
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&self.resource_group)
                    .to_string(),
                _ => self.resource_group.clone(),
            };
            let written = self.params_traces(decl, &address, &params);
            out.push(ModuleInstance {
                address,
                params,
                written,
                resource_group,
            });
        }
        Ok(out)
    }

    /// The call chain to a module instance.
    fn via_module(&self, decl: &ast::ModuleDecl, instance: &ModuleInstance) -> Vec<(String, Span)> {
        let mut via = self.via.clone();
        via.push((instance.address.clone(), span(self.file, &decl.name.span)));
        via
    }

    /// A Bicep module's instances, each a program with the module's parameters.
    fn module_programs(
        &self,
        decl: &'f ast::ModuleDecl,
        path: &Path,
    ) -> Result<Vec<Program<'f>>, Unknown> {
        if let Some(at) = self
            .callers
            .iter()
            .chain([&self.path])
            .position(|c| c.as_path() == path)
        {
            let entry = self.callers.first().unwrap_or(&self.path);
            let dir = entry.parent().unwrap_or(Path::new(""));
            let files: Vec<String> = self.callers[at.min(self.callers.len())..]
                .iter()
                .chain([&self.path])
                .map(|p| crate::frontend::cycles::relative_to(p, dir))
                .collect();
            let call = format!("module {}", decl.name.name);
            let problem = crate::frontend::cycles::module_cycle(
                &call,
                span(self.file, &decl.name.span),
                &files,
            );
            let message = problem.message.clone();
            self.invalid.borrow_mut().push(problem);
            return Err(Unknown::error(message));
        }
        let mut out = Vec::new();
        for instance in self.module_instances(decl)? {
            let via = self.via_module(decl, &instance);
            let Some(mut program) = self.child(path, instance.params) else {
                return Err(Unknown::new(format!(
                    "module file {} was not found",
                    path.display()
                )));
            };
            program.prefix = format!("{}.", instance.address);
            program.resource_group = instance.resource_group;
            program.via = via;
            program.input_traces = instance.written;
            out.push(program);
        }
        Ok(out)
    }

    /// Where each parameter a module call gives is written, and how it was computed: its
    /// property in a `params` object literal, else the whole `params` expression.
    fn params_traces(
        &self,
        decl: &'f ast::ModuleDecl,
        address: &str,
        params: &HashMap<String, Value>,
    ) -> HashMap<String, Vec<TraceStep>> {
        let Some(property) = decl.body().and_then(|b| b.property("params")) else {
            return HashMap::new();
        };
        if self.files.sources.is_none() {
            return HashMap::new();
        }
        let loops = loop_bindings(&decl.value);
        match &property.value.kind {
            ExprKind::Object(object) => object
                .properties()
                .filter_map(|p| {
                    let name = p.key.as_str()?;
                    let label = format!("{address}.{name} = ");
                    Some((name, self.trace(&p.value, &label, &loops)))
                })
                .collect(),
            _ => {
                let label = format!("{address}.params = ");
                let whole = self.trace(&property.value, &label, &loops);
                params.keys().map(|k| (k.clone(), whole.clone())).collect()
            }
        }
    }

    /// How a compiled template module instance is called.
    fn template_call<'a>(
        &'a self,
        instance: &'a ModuleInstance,
        params: &'a HashMap<String, Value>,
    ) -> arm_frontend::ModuleCall<'a> {
        arm_frontend::ModuleCall {
            parameters: params,
            tracing: self.files.sources.map(|sources| {
                // Deployment parameters are matched case-insensitively.
                let written = instance
                    .written
                    .iter()
                    .map(|(name, steps)| {
                        (
                            name.to_ascii_lowercase(),
                            std::sync::Arc::new(steps.clone()),
                        )
                    })
                    .collect();
                arm_frontend::Tracing::new(sources, written)
            }),
            resource_group: &instance.resource_group,
            subscription: &self.subscription,
            budget: self.budget.clone(),
        }
    }

    fn module_value(&self, decl: &'f ast::ModuleDecl) -> Value {
        let outputs: Result<Vec<Value>, Unknown> = match self.resolve_module(decl) {
            Ok(Resolved::Bicep(path)) => self
                .module_programs(decl, &path)
                .map(|programs| programs.iter().map(Program::outputs).collect()),
            Ok(Resolved::Template(file, json)) => self.module_instances(decl).map(|instances| {
                instances
                    .iter()
                    .map(|i| {
                        let params = arm_parameters(&i.params);
                        self.template_call(i, &params).outputs(json, file)
                    })
                    .collect()
            }),
            Err(unread) => Err(unread.unknown()),
        };
        let values: Vec<Value> = match outputs {
            Ok(outputs) => outputs
                .into_iter()
                .map(|o| Value::Object(BTreeMap::from([("outputs".to_string(), o)])))
                .collect(),
            Err(u) => return Value::Unknown(u),
        };
        match &decl.value.kind {
            ExprKind::For { .. } => Value::List(values),
            _ => values.into_iter().next().unwrap_or_else(|| {
                Value::unknown(format!("module `{}` is not deployed", decl.name.name))
            }),
        }
    }

    fn outputs(&self) -> Value {
        Value::Object(
            self.statements()
                .filter_map(|s| match s {
                    Statement::Output(o) => {
                        Some((o.name.name.clone(), self.eval(&o.value, &Locals::default())))
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    /// Lowers every resource of the program and of the modules it calls.
    pub fn lower_into(&self, model: &mut Model) {
        for decl in self.all_resources() {
            let instances = self.instances_of(decl);
            for instance in instances.iter() {
                self.lower_instance(instance, model);
            }
        }
        model.uncounted.append(&mut self.uncounted.borrow_mut());
        for statement in self.statements() {
            match statement {
                Statement::Module(m) => self.lower_module(m, model),
                // An import that is not restored is not noted: most import only types, which
                // nothing here evaluates; a value it would give is unknown, and says why.
                Statement::Import(i) => {
                    if let Some(reference) = i.from.as_str()
                        && let Err(unread) = self.resolve(&reference)
                    {
                        self.report_not_template(unread, &i.from.span);
                    }
                }
                _ => {}
            }
        }
        // Declarations nothing read, so that a cycle among them is reported too.
        for statement in self.statements() {
            if let Statement::Param(ast::ParamDecl { name, .. })
            | Statement::Var(ast::VarDecl { name, .. }) = statement
            {
                self.symbol(&name.name, &Locals::default());
            }
        }
        model
            .invalid_configurations
            .append(&mut self.invalid.borrow_mut());
    }

    fn lower_module(&self, m: &'f ast::ModuleDecl, model: &mut Model) {
        match self.resolve_module(m) {
            Ok(Resolved::Bicep(path)) => {
                for program in self.module_programs(m, &path).unwrap_or_default() {
                    program.lower_into(model);
                }
            }
            Ok(Resolved::Template(file, json)) => {
                for instance in self.module_instances(m).unwrap_or_default() {
                    let params = arm_parameters(&instance.params);
                    let via = self.via_module(m, &instance);
                    self.template_call(&instance, &params)
                        .lower_into(json, file, &via, model);
                }
            }
            Err(Unread::Missing(_)) => {}
            Err(unread) => {
                let not_restored = match &unread {
                    Unread::NotRestored { reference, .. } => Some(NotRestored {
                        source: reference.clone(),
                        restore: format!("run `bicep restore {}`", self.path.display()),
                    }),
                    _ => None,
                };
                model.opaque_calls.push(OpaqueCall {
                    origin: Origin {
                        address: format!("{}module.{}", self.prefix, m.name.name),
                        span: span(self.file, &m.name.span),
                        via: self.via.clone(),
                    },
                    arguments: self.registry_call_arguments(m),
                    not_restored,
                });
                self.report_not_template(unread, &m.path.span);
            }
        }
    }

    /// A module or import source that is JSON but not a template is FL001 where it is named.
    /// (A registry module the cache does not hold is an opaque call that says so.)
    fn report_not_template(&self, unread: Unread, at: &std::ops::Range<usize>) {
        if let Unread::NotTemplate(message) = unread {
            self.diagnostics.borrow_mut().push(Diagnostic {
                span: span(self.file, at),
                message,
            });
        }
    }

    /// The strings among a registry module's `params`, over every iteration of its loop.
    fn registry_call_arguments(&self, decl: &'f ast::ModuleDecl) -> Vec<String> {
        let iterations = match &decl.value.kind {
            ExprKind::For {
                item,
                index,
                iterable,
                ..
            } => self
                .iterations(item, index.as_ref(), iterable, &Locals::default())
                .unwrap_or_default(),
            _ => vec![Locals::default()],
        };
        let Some(params) = decl.body().and_then(|b| b.property("params")) else {
            return Vec::new();
        };
        iterations
            .iter()
            .flat_map(|locals| self.eval(&params.value, locals).strings())
            .collect()
    }

    fn lower_instance(&self, instance: &ResourceInstance<'f>, model: &mut Model) {
        let (decl, locals) = (instance.decl, &instance.locals);
        if decl.existing {
            return;
        }
        let Some(body) = decl.body() else { return };
        let header = span(self.file, &decl.name.span);
        let loops = loop_bindings(&decl.value);
        let prop = |name: &str| {
            body.property(name)
                .map(|p| self.node_traced(&p.value, locals, Some(&loops)))
        };
        let scope = match body.property("scope").map(|p| self.eval(&p.value, locals)) {
            Some(Value::Object(map)) => map
                .get("id")
                .and_then(Value::as_str)
                .map(|s| Attr::known(s.to_string(), header)),
            Some(Value::Unknown(u)) => Some(Attr::unknown(u, header)),
            _ => Some(Attr::known(
                format!(
                    "/subscriptions/{}/resourceGroups/{}",
                    self.subscription, self.resource_group
                ),
                header,
            )),
        };
        let resource = ArmResource {
            resource_type: instance.resource_type.clone(),
            api_version: instance.api_version.clone(),
            id: instance.id.clone(),
            origin: Origin {
                address: instance.address.clone(),
                span: header,
                via: self.via.clone(),
            },
            location: prop("location").map(|n| n.string()),
            kind: prop("kind").map(|n| n.string()),
            identity: prop("identity"),
            properties: prop("properties"),
            scope,
        };
        arm_shape::lower(&resource, model);
        for (span, steps) in self.take_traces() {
            model
                .traces
                .entry((instance.address.clone(), span))
                .or_insert(steps);
        }
    }
}

/// The loop variables a resource or module declaration binds (`for (item, i) in iterable`),
/// with the collection they iterate.
fn loop_bindings(value: &Expr) -> Vec<(&str, &Expr)> {
    match &value.kind {
        ExprKind::For {
            item,
            index,
            iterable,
            ..
        } => std::iter::once((item.name.as_str(), &**iterable))
            .chain(index.iter().map(|i| (i.name.as_str(), &**iterable)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The condition of `if (cond) {...}` (directly or inside a loop body).
fn condition(value: &Expr) -> Option<&Expr> {
    match &value.kind {
        ExprKind::If { cond, .. } => Some(cond),
        ExprKind::For { body, .. } => condition(body),
        _ => None,
    }
}

/// A module's parameters as an ARM template reads them (names are case-insensitive there).
fn arm_parameters(params: &HashMap<String, Value>) -> HashMap<String, Value> {
    params
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect()
}

/// `@export()` on a declaration.
fn is_exported(decorators: &[ast::Decorator]) -> bool {
    decorators.iter().any(|d| d.name() == Some("export"))
}

/// `utcNow()` and `newGuid()` defaults: unique per deployment, the same everywhere in it.
fn is_per_deployment(default: &Expr) -> bool {
    matches!(&default.kind, ExprKind::Call { name, .. } if name.name.eq_ignore_ascii_case("utcNow") || name.name.eq_ignore_ascii_case("newGuid"))
}

/// Parameter values of a `.bicepparam` file, and the template it is for.
/// A `.bicepparam` file's template and parameter values, with where each value is written
/// (traces, when the files carry their sources).
pub fn bicepparam(files: &Files<'_>, path: &Path) -> Option<BicepParams> {
    let (_, file) = files.by_path.get(path)?;
    let mut template = None;
    for statement in &file.statements {
        if let Statement::Using(u) = statement {
            let using = u.path.as_ref()?.as_str()?;
            template = Some(crate::frontend::terraform::normalize(
                &path.parent()?.join(using),
            ));
        }
    }
    let template = template?;
    // Parameter values are expressions over literals, variables of the file and
    // `readEnvironmentVariable`; evaluate them with a program over the param file itself.
    let program = Program::new(files, path, HashMap::new())?;
    let mut values = HashMap::new();
    let mut traces = HashMap::new();
    for statement in &file.statements {
        if let Statement::Param(p) = statement
            && let Some(value) = &p.value
        {
            let name = p.name.name.clone();
            values.insert(name.clone(), program.eval(value, &Locals::default()));
            traces.insert(
                name.clone(),
                program.trace(value, &format!("{name} = "), &[]),
            );
        }
    }
    Some(BicepParams {
        template,
        values,
        traces,
    })
}

/// What a `.bicepparam` file gives its template.
pub struct BicepParams {
    pub template: PathBuf,
    pub values: HashMap<String, Value>,
    pub traces: HashMap<String, Vec<TraceStep>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(files: &[(&str, &str)]) -> Files<'static> {
        let mut parsed = Files::default();
        for (i, (path, text)) in files.iter().enumerate() {
            let (file, errors) = super::super::parse(text);
            assert!(errors.is_empty(), "{path}: {errors:?}");
            parsed
                .by_path
                .insert(PathBuf::from(path), (FileId(i as u32), file));
        }
        parsed
    }

    /// The outputs of `main.bicep` among `files` (path, text), evaluated with its defaults.
    fn outputs(files: &[(&str, &str)]) -> BTreeMap<String, Value> {
        let parsed = parse(files);
        let program = Program::new(&parsed, Path::new("main.bicep"), HashMap::new()).unwrap();
        match program.outputs() {
            Value::Object(map) => map,
            other => panic!("outputs: {other:?}"),
        }
    }

    #[test]
    fn imported_values_and_functions_evaluate_in_their_own_file() {
        let out = outputs(&[
            (
                "main.bicep",
                "import * as types from 'lib/types.bicep'\n\
                 import { prefix as p, zones } from 'lib/types.bicep'\n\
                 param b string = '${a}-x'\n\
                 param a string = types.zones[0]\n\
                 output all object = types\n\
                 output subnet string = p('10.0.0.0/16')\n\
                 output viaNs string = types.prefix('10.1.0.0/16')\n\
                 output b string = b\n\
                 output count int = length(zones)\n",
            ),
            (
                "lib/types.bicep",
                "@export()\nvar zones = ['privatelink.${suffix}']\nvar suffix = 'blob.core.windows.net'\n\
                 @export()\nfunc prefix(base string) string => cidrSubnet(base, size, 0)\nvar size = 24\n",
            ),
        ]);
        let s = |v: &str| Value::String(v.into());
        assert_eq!(out["subnet"], s("10.0.0.0/24"));
        assert_eq!(out["viaNs"], s("10.1.0.0/24"));
        assert_eq!(out["b"], s("privatelink.blob.core.windows.net-x"));
        assert_eq!(out["count"], Value::Number(1.0));
        assert_eq!(
            out["all"],
            Value::Object(BTreeMap::from([(
                "zones".into(),
                Value::List(vec![s("privatelink.blob.core.windows.net")])
            )]))
        );
    }

    #[test]
    fn files_that_import_each_other_end_in_an_error_not_a_stack_overflow() {
        let out = outputs(&[
            (
                "main.bicep",
                "import { x } from 'a.bicep'\nimport * as b from 'b.bicep'\n\
                 output x string = x\noutput y string = b.f('1')\n",
            ),
            (
                "a.bicep",
                "import { y, f } from 'b.bicep'\n@export()\nvar x = y\n@export()\nfunc g(v string) string => f(v)\n",
            ),
            (
                "b.bicep",
                "import { x, g } from 'a.bicep'\n@export()\nvar y = x\n@export()\nfunc f(v string) string => g(v)\n",
            ),
        ]);
        assert!(out["x"].is_unknown(), "{:?}", out["x"]);
        assert!(out["y"].is_unknown(), "{:?}", out["y"]);
    }

    #[test]
    fn an_import_that_is_not_restored_is_unknown_and_says_how_to_restore_it() {
        let out = outputs(&[(
            "main.bicep",
            "import { zones } from 'br/public:avm/utl/types/avm-common-types:0.5.1'\noutput z array = zones\n",
        )]);
        let Value::Unknown(u) = &out["z"] else {
            panic!("{:?}", out["z"]);
        };
        assert!(u.reason().contains("bicep restore"), "{}", u.reason());
    }

    #[test]
    fn registry_modules_the_cache_does_not_hold_are_opaque_calls_that_say_how_to_restore_them() {
        let mut files = parse(&[(
            "main.bicep",
            "module a 'br/public:avm/res/network/virtual-network:0.9.0' = {\n  name: 'a'\n}\n\
             module b 'br/unknown:x:1.0' = {\n  name: 'b'\n}\n\
             module c 'br:contoso.azurecr.io/broken:1.0' = {\n  name: 'c'\n}\n\
             module d './missing.json' = {\n  name: 'd'\n}\n",
        )]);
        let main = PathBuf::from("main.bicep");
        let cached = |p: &str| {
            Ok(Cached {
                main: PathBuf::from(p),
                template_spec: false,
            })
        };
        let key = |r: &str| (main.clone(), r.to_string());
        files.registry.insert(
            key("br/public:avm/res/network/virtual-network:0.9.0"),
            cached("cache/vnet/main.json"),
        );
        files
            .registry
            .insert(key("br/unknown:x:1.0"), Err("no alias `unknown`".into()));
        files.registry.insert(
            key("br:contoso.azurecr.io/broken:1.0"),
            cached("cache/broken/main.json"),
        );
        let not_json = crate::json::parse("[1]", FileId(9)).ok().flatten();
        files.templates.insert(
            PathBuf::from("cache/broken/main.json"),
            (FileId(9), not_json),
        );
        let program = Program::new(&files, &main, HashMap::new()).unwrap();
        let mut model = Model::default();
        program.lower_into(&mut model);
        let calls: Vec<(&str, Option<&str>)> = model
            .opaque_calls
            .iter()
            .map(|c| {
                (
                    c.origin.address.as_str(),
                    c.not_restored.as_ref().map(|n| n.source.as_str()),
                )
            })
            .collect();
        assert_eq!(
            calls,
            [
                (
                    "module.a",
                    Some("br/public:avm/res/network/virtual-network:0.9.0")
                ),
                ("module.b", Some("br/unknown:x:1.0")),
                ("module.c", None),
            ]
        );
        assert_eq!(
            model.opaque_calls[0].not_restored.as_ref().unwrap().restore,
            "run `bicep restore main.bicep`"
        );
        let diagnostics = program.take_diagnostics();
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("is not an ARM template"));
    }

    #[test]
    fn parameter_defaults_read_parameters_in_any_order_and_what_the_caller_gave() {
        let out = outputs(&[
            (
                "main.bicep",
                "module m 'm.bicep' = {\n  name: 'm'\n  params: { a: 'given' }\n}\noutput b string = m.outputs.b\n",
            ),
            (
                "m.bicep",
                "param b string = '${a}-${c}'\nparam a string = 'default'\nparam c string = a\noutput b string = b\n",
            ),
        ]);
        assert_eq!(out["b"], Value::String("given-given".into()));
    }

    #[test]
    fn a_parameter_file_may_import_values() {
        let files = parse(&[
            ("main.bicep", "param prefix string\n"),
            (
                "main.bicepparam",
                "using 'main.bicep'\nimport { tiny } from 'shared.bicep'\nparam prefix = tiny\n",
            ),
            (
                "shared.bicep",
                "@export()\nvar tiny = cidrSubnet(base, 30, 0)\nvar base = '10.0.0.0/24'\n",
            ),
        ]);
        let BicepParams {
            template,
            values: params,
            ..
        } = bicepparam(&files, Path::new("main.bicepparam")).unwrap();
        assert_eq!(template, PathBuf::from("main.bicep"));
        assert_eq!(params["prefix"], Value::String("10.0.0.0/30".into()));
    }

    #[test]
    fn a_nullable_parameter_left_out_is_null() {
        let out = outputs(&[(
            "main.bicep",
            "type maybe = string?\nparam a string?\nparam b maybe\nparam c string\n\
             output a bool = a == null\noutput b string = b ?? 'fallback'\noutput c string = c\n",
        )]);
        assert_eq!(out["a"], Value::Bool(true));
        assert_eq!(out["b"], Value::String("fallback".into()));
        assert!(out["c"].is_unknown());
    }

    #[test]
    fn values_and_functions_import_from_a_compiled_template() {
        let mut files = parse(&[(
            "main.bicep",
            "import { zone, zoneFor } from 'lib.json'\nimport * as lib from 'lib.json'\n\
             output a string = zone\noutput b string = zoneFor('search.windows')\noutput all object = lib\n",
        )]);
        let compiled = r#"{
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "languageVersion": "2.0",
          "metadata": {"__bicep_exported_variables!": [{"name": "zone"}]},
          "functions": [{"namespace": "__bicep", "members": {"zoneFor": {
            "parameters": [{"type": "string", "name": "service"}],
            "output": {"type": "string", "value": "[format('{0}.{1}.net', variables('prefix'), parameters('service'))]"},
            "metadata": {"__bicep_export!": true}}}}],
          "variables": {"prefix": "privatelink", "zone": "[format('{0}.blob.core.windows.net', variables('prefix'))]"},
          "resources": {}
        }"#;
        let json = crate::json::parse(compiled, FileId(5)).ok().flatten();
        files
            .templates
            .insert(PathBuf::from("lib.json"), (FileId(5), json));
        let program = Program::new(&files, Path::new("main.bicep"), HashMap::new()).unwrap();
        let Value::Object(out) = program.outputs() else {
            panic!("outputs");
        };
        let s = |v: &str| Value::String(v.into());
        assert_eq!(out["a"], s("privatelink.blob.core.windows.net"));
        assert_eq!(out["b"], s("privatelink.search.windows.net"));
        assert_eq!(
            out["all"],
            Value::Object(BTreeMap::from([(
                "zone".into(),
                s("privatelink.blob.core.windows.net")
            )]))
        );
    }
}
