//! Evaluating one ARM template in one environment: parameters (defaults, then the parameter
//! file), variables (lazily, in any order, with `copy`), user-defined functions, lambdas, and
//! the resources: language version 1 arrays and 2.0 symbolic objects, nested child resources,
//! `copy` loops, `condition`, `existing`, extension resources with `scope`, and nested
//! deployments (inner and outer expression scope, another resource group).

mod trace;

pub use trace::Tracing;

use super::expr::{self, Expr, Parsed};
use super::functions;
use crate::frontend::Diagnostic;
use crate::frontend::arm_shape::{self, ArmResource};
use crate::frontend::builtins::Budget;
use crate::json::{Json, Spanned};
use crate::model::{Attr, Model, Origin, ids};
use crate::node::Node;
use crate::source::{FileId, Span};
use crate::value::{Unknown, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// The most instances one `copy` loop expands into.
const MAX_COPIES: usize = 10_000;
/// How deep nested deployments, user functions and variable chains may go.
const MAX_DEPTH: usize = 64;

/// Where a template deploys: its resource group and subscription (names or markers).
#[derive(Clone)]
pub struct DeployScope {
    pub resource_group: String,
    pub subscription: String,
}

impl DeployScope {
    pub fn unknown() -> DeployScope {
        DeployScope {
            resource_group: ids::marker("resourceGroup"),
            subscription: ids::SUBSCRIPTION_MARKER.into(),
        }
    }

    fn resource_group_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}",
            self.subscription, self.resource_group
        )
    }
}

/// Names bound while evaluating: copy indexes and lambda variables.
#[derive(Clone, Default)]
pub struct Locals {
    copies: Vec<(String, i64)>,
    lambdas: Vec<(String, Value)>,
    /// User-function parameters.
    params: Vec<(String, Value)>,
    /// User-function calls under evaluation.
    function_depth: usize,
}

impl Locals {
    fn with_copy(&self, name: &str, index: i64) -> Locals {
        let mut next = self.clone();
        next.copies.push((name.to_ascii_lowercase(), index));
        next
    }
}

/// A resource instance the template declares, for `reference()` and symbolic names.
struct Declared<'j> {
    symbolic: Option<String>,
    address: String,
    resource_type: String,
    id: String,
    json: &'j Spanned,
    locals: Locals,
    existing: bool,
}

/// The templates a deployment may link with `templateLink.relativePath`: those parsed for this
/// evaluation (the template and what it links by literal paths), and every template of the run
/// for a link whose path is computed.
#[derive(Default)]
pub struct Linked<'j> {
    pub by_path: HashMap<std::path::PathBuf, (FileId, &'j Spanned)>,
    all: Option<&'j AllTemplates<'j>>,
    /// Where templates named by computed links are kept once parsed.
    arena: Option<&'j typed_arena::Arena<Spanned>>,
    on_demand: std::cell::RefCell<HashMap<std::path::PathBuf, &'j Spanned>>,
    /// `[template-links]`: URL prefixes and the directories of the repository they stand for.
    template_links: &'j [(String, std::path::PathBuf)],
}

/// Every template of a run, by file and by path.
pub struct AllTemplates<'s> {
    pub sources: &'s crate::source::SourceMap,
    pub paths: HashMap<FileId, std::path::PathBuf>,
    pub files: HashMap<std::path::PathBuf, FileId>,
}

/// The URL `deployment().properties.templateLink.uri` stands for: the template's own place,
/// `<prefix><file id>/<file name>`. A link built from it (`uri(...)`, `concat(...)`, the
/// QuickStart `_artifactsLocation`) resolves relative to the template's directory.
const OWN_LOCATION: &str = "https://template-location.foundry-lint.invalid/";

impl<'j> Linked<'j> {
    /// `arena` keeps what computed links name for as long as the evaluation runs.
    pub fn new(
        by_path: HashMap<std::path::PathBuf, (FileId, &'j Spanned)>,
        all: &'j AllTemplates<'j>,
        arena: &'j typed_arena::Arena<Spanned>,
    ) -> Linked<'j> {
        Linked {
            by_path,
            all: Some(all),
            arena: Some(arena),
            on_demand: Default::default(),
            template_links: &[],
        }
    }

    /// Resolves template URLs under these prefixes to the directories given.
    pub fn with_template_links(self, links: &'j [(String, std::path::PathBuf)]) -> Linked<'j> {
        Linked {
            template_links: links,
            ..self
        }
    }

    /// The normalized path of a template of the run.
    pub fn path_of(&self, file: FileId) -> Option<&'j std::path::Path> {
        self.all?.paths.get(&file).map(|p| p.as_path())
    }

    /// The local file a template URL names: a place built from a template's own location, or
    /// under a `[template-links]` prefix (the longest that matches). The query (a SAS token) and
    /// fragment are not part of the place.
    fn url_path(&self, url: &str) -> Option<std::path::PathBuf> {
        let url = url.split(['?', '#']).next()?;
        let (dir, rest) = match url.strip_prefix(OWN_LOCATION) {
            Some(own) => {
                let (id, rest) = own.split_once('/')?;
                let file = FileId(id.parse().ok()?);
                (self.path_of(file)?.parent()?.to_path_buf(), rest)
            }
            None => {
                let (prefix, dir) = self
                    .template_links
                    .iter()
                    .filter(|(prefix, _)| url.starts_with(prefix.as_str()))
                    .max_by_key(|(prefix, _)| prefix.len())?;
                (dir.clone(), &url[prefix.len()..])
            }
        };
        if rest.is_empty() || rest.split('/').any(|part| part == "..") {
            return None;
        }
        Some(crate::frontend::terraform::normalize(&dir.join(rest)))
    }

    /// The template a URL names, when it is one of the run's (see [`Linked::url_path`]).
    fn template_at_url(&self, url: &str) -> Option<(FileId, &'j Spanned)> {
        let path = self.url_path(url)?;
        self.template(&path).or_else(|| {
            // The configuration's directories are absolute; the run's paths are as given.
            let cwd = std::env::current_dir().ok()?;
            match path.strip_prefix(&cwd) {
                Ok(relative) => self.template(relative),
                Err(_) => self.template(&crate::frontend::terraform::normalize(&cwd.join(&path))),
            }
        })
    }

    /// What `deployment().properties.templateLink.uri` is for a template of the run.
    fn own_location(&self, file: FileId) -> Option<String> {
        let name = self.path_of(file)?.file_name()?.to_str()?;
        Some(format!("{OWN_LOCATION}{}/{name}", file.0))
    }

    /// The template at `path`, parsed.
    pub fn template(&self, path: &std::path::Path) -> Option<(FileId, &'j Spanned)> {
        if let Some(&(file, template)) = self.by_path.get(path) {
            return Some((file, template));
        }
        let all = self.all?;
        let &file = all.files.get(path)?;
        if let Some(&template) = self.on_demand.borrow().get(path) {
            return Some((file, template));
        }
        // A computed link may name a template outside those parsed for this evaluation (rare):
        // it is parsed now and kept while the evaluation runs.
        let template = crate::json::parse(&all.sources.get(file).text, file).ok()??;
        let template: &'j Spanned = self.arena?.alloc(template);
        self.on_demand
            .borrow_mut()
            .insert(path.to_path_buf(), template);
        Some((file, template))
    }
}

/// Parsed expression strings by text.
type ParseCache =
    std::rc::Rc<RefCell<HashMap<String, std::rc::Rc<Result<Parsed, expr::ParseError>>>>>;

pub struct Template<'j> {
    file: FileId,
    linked: &'j Linked<'j>,
    /// Parameter values, filled in on first use: a default may read a parameter declared after
    /// it (compiled Bicep does this).
    parameters: RefCell<HashMap<String, Value>>,
    /// Defaults not evaluated yet.
    defaults: RefCell<HashMap<String, &'j Spanned>>,
    variables: HashMap<String, &'j Spanned>,
    /// Variable names as declared, by lower-cased name (for messages).
    variable_names: HashMap<String, &'j str>,
    variable_copies: HashMap<String, &'j Spanned>,
    functions: HashMap<String, (Vec<String>, &'j Spanned)>,
    scope: DeployScope,
    depth: usize,
    memo: RefCell<HashMap<String, Value>>,
    /// The variables being evaluated, innermost last (see `frontend::cycles`).
    active: RefCell<Vec<String>>,
    declared: RefCell<Vec<Declared<'j>>>,
    /// Copy loops whose length is not known or is past the bound.
    uncounted: RefCell<Vec<crate::model::Uncounted>>,
    pub diagnostics: RefCell<Vec<Diagnostic>>,
    /// Variables that refer to each other in a cycle (FL004).
    invalid: RefCell<Vec<crate::model::InvalidConfiguration>>,
    /// What the evaluation of the deployed template may still expand, shared by its nested
    /// deployments.
    budget: Budget,
    /// Where values come from, for traces (None: no traces are kept).
    tracing: Option<Tracing<'j>>,
    /// Traces by (expression string offset, copy indexes when the expression reads them).
    trace_cache: RefCell<HashMap<trace::CacheKey, crate::model::Trace>>,
    /// Expression strings parsed so far, by text, shared with nested templates: a copy loop
    /// evaluates the same strings once per instance, and traces read them again.
    parsed: ParseCache,
    /// The parameters given a value (not left to their default), by lower-cased name.
    given: std::collections::HashSet<String>,
    /// Every parameter's default, by lower-cased name (traces lead to them).
    parameter_defaults: HashMap<String, &'j Spanned>,
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl<'j> Template<'j> {
    /// A template with its parameter values (`overrides` from a parameter file or a nested
    /// deployment, already evaluated).
    pub fn new(
        json: &'j Spanned,
        file: FileId,
        linked: &'j Linked<'j>,
        overrides: &HashMap<String, Value>,
        scope: DeployScope,
        depth: usize,
        budget: Budget,
    ) -> Template<'j> {
        let mut t = Template {
            file,
            linked,
            parameters: RefCell::default(),
            defaults: RefCell::default(),
            variables: HashMap::new(),
            variable_names: HashMap::new(),
            variable_copies: HashMap::new(),
            functions: HashMap::new(),
            scope,
            depth,
            memo: RefCell::default(),
            active: RefCell::default(),
            declared: RefCell::default(),
            uncounted: RefCell::default(),
            diagnostics: RefCell::default(),
            invalid: RefCell::default(),
            budget,
            tracing: None,
            trace_cache: RefCell::default(),
            parsed: ParseCache::default(),
            given: Default::default(),
            parameter_defaults: HashMap::new(),
        };
        for (name, value) in json
            .get("variables")
            .map(Spanned::members)
            .unwrap_or_default()
        {
            if name.eq_ignore_ascii_case("copy") {
                for copy in value.as_array() {
                    if let Some(n) = copy.get("name").and_then(Spanned::as_str) {
                        t.variable_copies.insert(lower(n), copy);
                    }
                }
            } else {
                t.variables.insert(lower(name), value);
                t.variable_names.insert(lower(name), name);
            }
        }
        for namespace in json
            .get("functions")
            .map(Spanned::as_array)
            .unwrap_or_default()
        {
            let ns = namespace
                .get("namespace")
                .and_then(Spanned::as_str)
                .unwrap_or_default();
            for (member, def) in namespace
                .get("members")
                .map(Spanned::members)
                .unwrap_or_default()
            {
                let params = def
                    .get("parameters")
                    .map(Spanned::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| p.get("name").and_then(Spanned::as_str).map(lower))
                    .collect();
                if let Some(output) = def.get("output").and_then(|o| o.get("value")) {
                    t.functions
                        .insert(lower(&format!("{ns}.{member}")), (params, output));
                }
            }
        }
        let declared = json
            .get("parameters")
            .map(Spanned::members)
            .unwrap_or_default();
        for (name, def) in declared {
            let key = lower(name);
            // A null value leaves the default in place: compiled Bicep passes
            // `tryGet(settings, 'x')` to every optional module parameter, null when unset, and
            // the module's `if(parameters('x'), ...)` deploys with its default.
            let given = overrides
                .get(&key)
                .filter(|v| !(matches!(v, Value::Null) && def.get("defaultValue").is_some()));
            if let Some(default) = def.get("defaultValue") {
                t.parameter_defaults.insert(key.clone(), default);
            }
            let value = match (given, def.get("defaultValue")) {
                (Some(v), _) => {
                    t.given.insert(key.clone());
                    v.clone()
                }
                // `utcNow()` and `newGuid()` defaults make a value that is unique per
                // deployment but the same wherever the template uses it: an identity marker
                // keeps the names built from it (`uniqueString(...)` suffixes) consistent.
                (None, Some(default)) if is_per_deployment(default) => {
                    Value::String(ids::marker(&format!("deployment-unique:{name}")))
                }
                (None, Some(default)) => {
                    t.defaults.get_mut().insert(key, default);
                    continue;
                }
                // A nullable parameter left out is null (compiled Bicep's `param x T?`).
                (None, None)
                    if def
                        .get("nullable")
                        .is_some_and(|n| matches!(n.value, Json::Bool(true))) =>
                {
                    Value::Null
                }
                (None, None) => Value::unknown(format!(
                    "parameter `{name}` has no default and no value in a parameter file"
                )),
            };
            t.parameters.get_mut().insert(key, value);
        }
        // Every default is evaluated now, in declaration order, each reading the others as it
        // needs them; an outer-scope nested template then shares the finished values.
        for (name, _) in declared {
            t.parameter(name);
        }
        t
    }

    /// Keeps traces of the values of the resources lowered, with where each parameter's value
    /// was written.
    pub fn with_tracing(mut self, tracing: Option<Tracing<'j>>) -> Template<'j> {
        self.tracing = tracing;
        self
    }

    fn error_at(&self, span: Span, offset: usize, message: String) {
        // +1 for the opening quote of the JSON string.
        let at = span.start + 1 + offset as u32;
        self.diagnostics.borrow_mut().push(Diagnostic {
            span: Span {
                file: span.file,
                start: at,
                end: at,
            },
            message,
        });
    }

    // ----- values --------------------------------------------------------------------------------

    /// A JSON value with every expression string evaluated.
    pub fn eval_json(&self, json: &Spanned, locals: &Locals) -> Value {
        self.node(json, locals).value()
    }

    /// A JSON value as a node with spans, expression strings evaluated. A `copy` property
    /// inside `properties` expands into its arrays.
    pub fn node(&self, json: &Spanned, locals: &Locals) -> Node {
        match &json.value {
            Json::Object(members)
                if members.iter().any(|(k, _)| k.eq_ignore_ascii_case("copy")) =>
            {
                let mut entries = Vec::new();
                for (k, v) in members {
                    if k.eq_ignore_ascii_case("copy") {
                        for copy in v.as_array() {
                            if let Some((name, node)) = self.property_copy(copy, locals) {
                                entries.push((name, node));
                            }
                        }
                    } else {
                        entries.push((k.clone(), self.node(v, locals)));
                    }
                }
                Node::Object {
                    entries,
                    span: json.span,
                }
            }
            Json::Object(members) => Node::Object {
                entries: members
                    .iter()
                    .map(|(k, v)| (k.clone(), self.node(v, locals)))
                    .collect(),
                span: json.span,
            },
            Json::Array(items) => Node::List {
                items: items.iter().map(|i| self.node(i, locals)).collect(),
                span: json.span,
            },
            Json::String(s) => Node::leaf(self.eval_string(s, json.span, locals), json.span),
            _ => json.to_node(&mut |s, span| Node::leaf(Value::String(s.to_string()), span)),
        }
    }

    /// `"copy": [{"name": "subnets", "count": 3, "input": {...}}]` inside properties.
    fn property_copy(&self, copy: &Spanned, locals: &Locals) -> Option<(String, Node)> {
        let name = copy.get("name")?.as_str()?.to_string();
        let input = copy.get("input")?;
        let count = self.eval_json(copy.get("count")?, locals);
        let items = match self.copy_count(&count) {
            Ok(n) => (0..n)
                .map(|i| self.node(input, &locals.with_copy(&name, i as i64)))
                .collect(),
            Err(u) => return Some((name, Node::leaf(Value::Unknown(u), copy.span))),
        };
        Some((
            name,
            Node::List {
                items,
                span: copy.span,
            },
        ))
    }

    /// An output's `"copy": {"count": n, "input": ...}`: the array of its inputs, `copyIndex()`
    /// counting.
    fn output_copy(&self, copy: &Spanned) -> Value {
        let (Some(count), Some(input)) = (copy.get("count"), copy.get("input")) else {
            return Value::error("an output's copy needs a count and an input");
        };
        match self.copy_count(&self.eval_json(count, &Locals::default())) {
            Ok(n) => Value::List(
                (0..n)
                    .map(|i| self.eval_json(input, &Locals::default().with_copy("", i as i64)))
                    .collect(),
            ),
            Err(u) => Value::Unknown(u),
        }
    }

    fn copy_count(&self, count: &Value) -> Result<usize, Unknown> {
        match count {
            Value::Number(n) if *n >= 0.0 && *n <= MAX_COPIES as f64 && n.fract() == 0.0 => {
                self.budget.iterations(*n as usize)?;
                Ok(*n as usize)
            }
            Value::Number(n) => Err(Unknown::new(format!(
                "a copy count of {n} is not expanded (at most {MAX_COPIES})"
            ))),
            Value::Unknown(u) => Err(u.clone()),
            other => Err(Unknown::error(format!(
                "a copy count must be a number, found {}",
                other.type_name()
            ))),
        }
    }

    /// An expression string, parsed once per run of the template tree.
    pub(super) fn parse_cached(&self, s: &str) -> std::rc::Rc<Result<Parsed, expr::ParseError>> {
        if let Some(parsed) = self.parsed.borrow().get(s) {
            return parsed.clone();
        }
        let parsed = std::rc::Rc::new(expr::parse(s));
        self.parsed
            .borrow_mut()
            .insert(s.to_string(), parsed.clone());
        parsed
    }

    pub fn eval_string(&self, s: &str, span: Span, locals: &Locals) -> Value {
        match &*self.parse_cached(s) {
            Ok(Parsed::Literal(text)) => Value::String(text.clone()),
            Ok(Parsed::Expression(e)) => self.eval(e, locals),
            Err(e) => {
                self.error_at(
                    span,
                    e.offset,
                    format!("ARM expression error: {}", e.message),
                );
                Value::error(format!("malformed expression: {}", e.message))
            }
        }
    }

    fn eval(&self, e: &Expr, locals: &Locals) -> Value {
        match e {
            Expr::String(s) => Value::String(s.clone()),
            Expr::Number(n) => Value::Number(*n),
            Expr::Member(base, name) => match self.eval(base, locals) {
                Value::Object(map) => map
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| {
                        Value::unknown(format!("`{name}` is known only at deployment"))
                    }),
                Value::Unknown(u) => Value::Unknown(u),
                other => Value::error(format!("`.{name}` of a {}", other.type_name())),
            },
            Expr::Index(base, index) => {
                let (base, index) = (self.eval(base, locals), self.eval(index, locals));
                match (base, index) {
                    (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Value::Unknown(u),
                    (Value::List(items), Value::Number(n))
                        if n >= 0.0 && (n as usize) < items.len() =>
                    {
                        items[n as usize].clone()
                    }
                    (Value::List(_), i) => Value::error(format!(
                        "index {} out of range",
                        i.to_display_string().unwrap_or_default()
                    )),
                    (Value::Object(map), Value::String(k)) => map
                        .iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(&k))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| {
                            Value::unknown(format!("`{k}` is known only at deployment"))
                        }),
                    (other, _) => {
                        Value::error(format!("a {} cannot be indexed", other.type_name()))
                    }
                }
            }
            Expr::Call { name, args, .. } => self.call(name, args, locals),
        }
    }

    fn args(&self, args: &[Expr], locals: &Locals) -> Vec<Value> {
        args.iter().map(|a| self.eval(a, locals)).collect()
    }

    fn call(&self, name: &str, args: &[Expr], locals: &Locals) -> Value {
        let lname = lower(name);
        match lname.as_str() {
            "parameters" => match self.args(args, locals).as_slice() {
                [Value::String(p)] => locals
                    .params
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(p))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| self.parameter(p)),
                [Value::Unknown(u)] => Value::Unknown(u.clone()),
                _ => Value::error("parameters() takes a name"),
            },
            "variables" => match self.args(args, locals).as_slice() {
                [Value::String(v)] => self.variable(v),
                [Value::Unknown(u)] => Value::Unknown(u.clone()),
                _ => Value::error("variables() takes a name"),
            },
            "copyindex" => {
                let values = self.args(args, locals);
                let (loop_name, offset) = match values.as_slice() {
                    [] => (None, 0.0),
                    [Value::Number(o)] => (None, *o),
                    [Value::String(n)] => (Some(lower(n)), 0.0),
                    [Value::String(n), Value::Number(o)] => (Some(lower(n)), *o),
                    _ => return Value::error("copyIndex() takes a loop name and an offset"),
                };
                let index = match &loop_name {
                    Some(n) => locals.copies.iter().rev().find(|(c, _)| c == n),
                    None => locals.copies.last(),
                };
                match index {
                    Some((_, i)) => Value::Number(*i as f64 + offset),
                    None => Value::error("copyIndex() outside a copy loop"),
                }
            }
            "lambdavariables" => match self.args(args, locals).as_slice() {
                [Value::String(v)] => locals
                    .lambdas
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(v))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| Value::error(format!("lambda variable `{v}` is not bound"))),
                _ => Value::error("lambdaVariables() takes a name"),
            },
            "if" => {
                let [cond, a, b] = args else {
                    return Value::error("if() takes three arguments");
                };
                match self.eval(cond, locals) {
                    Value::Bool(true) => self.eval(a, locals),
                    Value::Bool(false) => self.eval(b, locals),
                    Value::Unknown(u) => {
                        let (a, b) = (self.eval(a, locals), self.eval(b, locals));
                        if a == b && a.first_unknown().is_none() {
                            a
                        } else {
                            Value::Unknown(u)
                        }
                    }
                    other => Value::error(format!(
                        "if() needs a bool condition, not {}",
                        match &other {
                            Value::String(s) => format!("the string {s:?}"),
                            other => other.type_name().to_string(),
                        }
                    )),
                }
            }
            // ARM stops at the first argument that decides. The ARM page of `and`/`or` does not
            // say so; Bicep's page of `&&` and `||` (operators-logical, which compile to them)
            // does, with `contains(o, 'four') && o.four == 4` and `empty(a) || a[0] == 0` as
            // the way to avoid the errors of the right side.
            "and" | "or" => self.short_circuit(&lname, args, locals),
            "resourceid" => self.resource_id(&self.args(args, locals), false),
            "subscriptionresourceid" => self.resource_id(&self.args(args, locals), true),
            "extensionresourceid" => match self.args(args, locals).as_slice() {
                [Value::String(scope), Value::String(ty), names @ ..] => {
                    let names: Option<Vec<&str>> = names.iter().map(Value::as_str).collect();
                    match names {
                        Some(names) => Value::String(extension_id(scope, ty, &names)),
                        None => {
                            Value::unknown("extensionResourceId() with names not known statically")
                        }
                    }
                }
                values => first_unknown(values).unwrap_or_else(|| {
                    Value::error("extensionResourceId() takes a scope, a type and names")
                }),
            },
            "resourcegroup" => Value::Object(BTreeMap::from([
                ("id".into(), Value::String(self.scope.resource_group_id())),
                (
                    "name".into(),
                    Value::String(self.scope.resource_group.clone()),
                ),
                (
                    "location".into(),
                    Value::unknown("`resourceGroup().location` is known only at deployment"),
                ),
                (
                    "type".into(),
                    Value::String("Microsoft.Resources/resourceGroups".into()),
                ),
            ])),
            "subscription" => Value::Object(BTreeMap::from([
                (
                    "id".into(),
                    Value::String(format!("/subscriptions/{}", self.scope.subscription)),
                ),
                (
                    "subscriptionId".into(),
                    Value::String(self.scope.subscription.clone()),
                ),
                (
                    "tenantId".into(),
                    Value::unknown("`subscription().tenantId` is known only at deployment"),
                ),
                (
                    "displayName".into(),
                    Value::unknown("`subscription().displayName` is known only at deployment"),
                ),
            ])),
            "deployment" => Value::Object(BTreeMap::from([
                (
                    "name".into(),
                    Value::String(ids::marker("deployment().name")),
                ),
                (
                    "properties".into(),
                    match self.linked.own_location(self.file) {
                        // Templates deployed from a link (QuickStart's `_artifactsLocation`
                        // default) find what they link beside themselves.
                        Some(uri) => Value::Object(BTreeMap::from([(
                            "templateLink".into(),
                            Value::Object(BTreeMap::from([("uri".into(), Value::String(uri))])),
                        )])),
                        None => {
                            Value::unknown("`deployment().properties` is known only at deployment")
                        }
                    },
                ),
            ])),
            "tenant" | "managementgroup" | "deployer" => {
                Value::unknown(format!("`{name}()` is known only at deployment"))
            }
            "environment" => environment(),
            "reference" => self.reference(&self.args(args, locals)),
            "resourceinfo" => match self.args(args, locals).as_slice() {
                [Value::String(symbolic)] => match self.find_declared(symbolic) {
                    Some(d) => Value::Object(BTreeMap::from([
                        ("id".into(), Value::String(d.0)),
                        ("type".into(), Value::String(d.1)),
                    ])),
                    None => Value::error(format!("`{symbolic}` is not a resource of the template")),
                },
                _ => Value::error("resourceInfo() takes a symbolic name"),
            },
            "lambda" => {
                Value::error("a lambda outside filter/map/reduce/sort/toObject/groupBy/mapValues")
            }
            "filter" | "map" | "reduce" | "sort" | "toobject" | "mapvalues" | "groupby" => {
                self.lambda_call(&lname, args, locals)
            }
            _ if lname.starts_with("list") => {
                Value::unknown(format!("`{name}()` reads secrets at deployment"))
            }
            _ if lname.contains('.') => self.user_function(&lname, args, locals),
            _ => {
                if let Err(u) = self.budget.check_iterations() {
                    return Value::Unknown(u);
                }
                let values = self.args(args, locals);
                let result = functions::call(&lname, values)
                    .unwrap_or_else(|| super::unevaluated(super::Language::Arm, name));
                // A function that builds a collection (`range`) spends its elements, as a loop
                // would.
                match self.budget.elements(&result) {
                    Ok(()) => result,
                    Err(u) => Value::Unknown(u),
                }
            }
        }
    }

    /// `and`/`or`, evaluating arguments left to right until one decides. An unknown argument
    /// might have decided, so an error after it is unknown too; a known deciding argument after
    /// it still decides.
    fn short_circuit(&self, name: &str, args: &[Expr], locals: &Locals) -> Value {
        let decisive = name == "or";
        if args.len() < 2 {
            return functions::call(name, self.args(args, locals)).unwrap_or(Value::Null);
        }
        let mut pending: Option<Value> = None;
        for (i, arg) in args.iter().enumerate() {
            match self.eval(arg, locals) {
                Value::Bool(b) if b == decisive => return Value::Bool(decisive),
                Value::Bool(_) => {}
                Value::Unknown(u) if u.is_error() => return pending.unwrap_or(Value::Unknown(u)),
                v @ Value::Unknown(_) => {
                    pending.get_or_insert(v);
                }
                other => {
                    return pending.unwrap_or_else(|| {
                        crate::frontend::builtins::fail(
                            name,
                            format!(
                                "argument {} must be a bool, not {}",
                                i + 1,
                                other.type_name()
                            ),
                        )
                    });
                }
            }
        }
        pending.unwrap_or(Value::Bool(!decisive))
    }

    /// A parameter's value, its default evaluated on first use.
    fn parameter(&self, name: &str) -> Value {
        let key = lower(name);
        if let Some(v) = self.parameters.borrow().get(&key) {
            return v.clone();
        }
        let Some(default) = self.defaults.borrow().get(&key).copied() else {
            return Value::error(format!("parameter `{name}` is not declared"));
        };
        let guard = format!("parameter:{key}");
        if self.active.borrow().len() >= MAX_DEPTH
            || crate::frontend::cycles::enter(&self.active, &guard).is_err()
        {
            return Value::error(format!(
                "the default of parameter `{name}` refers to itself"
            ));
        }
        let value = self.eval_json(default, &Locals::default());
        crate::frontend::cycles::leave(&self.active, &guard);
        self.defaults.borrow_mut().remove(&key);
        self.parameters.borrow_mut().insert(key, value.clone());
        value
    }

    fn variable(&self, name: &str) -> Value {
        let key = lower(name);
        if let Some(v) = self.memo.borrow().get(&key) {
            return v.clone();
        }
        if self.active.borrow().len() >= MAX_DEPTH {
            return Value::error(format!("variable `{name}` refers to itself"));
        }
        if let Err(cycle) = crate::frontend::cycles::enter(&self.active, &key) {
            self.report_cycle(&cycle);
            return Value::error(format!("variable `{name}` refers to itself"));
        }
        let value = if let Some(json) = self.variables.get(&key) {
            self.eval_json(json, &Locals::default())
        } else if let Some(copy) = self.variable_copies.get(&key) {
            self.property_copy(copy, &Locals::default())
                .map(|(_, n)| n.value())
                .unwrap_or(Value::Null)
        } else {
            Value::error(format!("variable `{name}` is not declared"))
        };
        crate::frontend::cycles::leave(&self.active, &key);
        self.memo.borrow_mut().insert(key, value.clone());
        value
    }

    /// Records variables that refer to each other (lower-cased names) as a finding at the one
    /// declared first.
    fn report_cycle(&self, keys: &[String]) {
        use crate::frontend::cycles::{Member, reference_cycle};
        let members = keys
            .iter()
            .map(|k| {
                let json = self
                    .variables
                    .get(k)
                    .or_else(|| self.variable_copies.get(k))?;
                let name = self.variable_names.get(k).copied().unwrap_or(k);
                Some(Member {
                    name: name.to_string(),
                    span: json.span,
                })
            })
            .collect::<Option<Vec<_>>>();
        if let Some(problem) = members.and_then(|m| reference_cycle(m, "variables", false)) {
            self.invalid.borrow_mut().push(problem);
        }
    }

    fn user_function(&self, name: &str, args: &[Expr], locals: &Locals) -> Value {
        let Some((params, output)) = self.functions.get(name) else {
            return Value::error(format!("function `{name}` is not defined"));
        };
        if locals.function_depth >= MAX_DEPTH {
            return Value::unknown(format!("`{name}` recurses too deep"));
        }
        // A function that calls itself twice doubles its calls at each level: each call spends
        // the budget.
        if let Err(u) = self.budget.iterations(1) {
            return Value::Unknown(u);
        }
        let mut inner = Locals {
            params: locals.params.clone(),
            function_depth: locals.function_depth + 1,
            ..Locals::default()
        };
        for (p, v) in params.iter().zip(self.args(args, locals)) {
            inner.params.push((p.clone(), v));
        }
        self.eval_json(output, &inner)
    }

    /// filter/map/reduce/sort/toObject with `lambda('x', body)` arguments.
    fn lambda_call(&self, name: &str, args: &[Expr], locals: &Locals) -> Value {
        if let Err(u) = self.budget.check_iterations() {
            return Value::Unknown(u);
        }
        // `lambda('x', 'y', body)`: the variable names, then the body.
        let lambda = |i: usize| -> Option<(Vec<String>, &Expr)> {
            let Expr::Call { name, args, .. } = args.get(i)? else {
                return None;
            };
            if !name.eq_ignore_ascii_case("lambda") {
                return None;
            }
            let (body, vars) = args.split_last()?;
            let vars = vars.iter().map(|v| match v {
                Expr::String(s) => Some(s.clone()),
                _ => None,
            });
            Some((vars.collect::<Option<Vec<_>>>()?, body))
        };
        let apply = |i: usize, values: Vec<Value>| {
            let (vars, body) = lambda(i)?;
            if let Err(u) = self.budget.iterations(1) {
                return Some(Value::Unknown(u));
            }
            let mut inner = locals.clone();
            inner.lambdas.extend(vars.into_iter().zip(values));
            Some(self.eval(body, &inner))
        };
        let arg = |i: usize| {
            args.get(i)
                .map(|a| self.eval(a, locals))
                .unwrap_or(Value::Null)
        };
        crate::frontend::builtins::lambda_function(name, &arg, &|i| lambda(i).is_some(), &apply)
    }

    /// `resourceId([subscriptionId], [resourceGroupName], type, name...)`.
    fn resource_id(&self, values: &[Value], subscription_level: bool) -> Value {
        if let Some(u) = first_unknown(values) {
            return u;
        }
        let strings: Option<Vec<&str>> = values.iter().map(Value::as_str).collect();
        let Some(strings) = strings else {
            return Value::error("resourceId() takes strings");
        };
        let Some(type_at) = strings.iter().position(|s| s.contains('/')) else {
            return Value::error("resourceId() needs a resource type");
        };
        let (ty, names) = (strings[type_at], &strings[type_at + 1..]);
        let rg = match (subscription_level, type_at) {
            (true, _) => None,
            (false, 0) => Some(self.scope.resource_group.as_str()),
            (false, _) => Some(strings[type_at - 1]),
        };
        Value::String(ids::format_id(rg, ty, names))
    }

    /// A declared resource by id or symbolic name: (id, type).
    fn find_declared(&self, id_or_symbol: &str) -> Option<(String, String)> {
        let key = ids::parse(id_or_symbol).map(|i| i.key());
        self.declared
            .borrow()
            .iter()
            .find(|d| {
                d.symbolic
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(id_or_symbol))
                    || (key.is_some() && ids::parse(&d.id).map(|i| i.key()) == key)
            })
            .map(|d| (d.id.clone(), d.resource_type.clone()))
    }

    /// `reference(resourceIdOrSymbolicName, [apiVersion], ['full'])`: the declared resource's
    /// properties, plus what Azure computes that references need (identity principal, vault URI).
    fn reference(&self, values: &[Value]) -> Value {
        let target = match values.first() {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Unknown(u)) => return Value::Unknown(u.clone()),
            _ => return Value::error("reference() takes a resource id or name"),
        };
        let full = values
            .iter()
            .skip(1)
            .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("full")));
        let key = format!("reference:{}:{full}", lower(&target));
        if let Some(v) = self.memo.borrow().get(&key) {
            return v.clone();
        }
        if crate::frontend::cycles::enter(&self.active, &key).is_err() {
            return Value::unknown(format!("`reference('{target}')` refers to itself"));
        }
        let value = self.reference_value(&target, full);
        crate::frontend::cycles::leave(&self.active, &key);
        self.memo.borrow_mut().insert(key, value.clone());
        value
    }

    fn reference_value(&self, target: &str, full: bool) -> Value {
        let target_key = ids::parse(target).map(|i| i.key());
        let found = {
            let declared = self.declared.borrow();
            declared
                .iter()
                .position(|d| {
                    d.symbolic
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(target))
                        || (target_key.is_some()
                            && ids::parse(&d.id).map(|i| i.key()) == target_key)
                })
                // `name[i]`: instance i of a symbolic resource's copy loop (compiled Bicep reads
                // a looped module's outputs so).
                .or_else(|| {
                    let (name, index) = target.strip_suffix(']')?.rsplit_once('[')?;
                    let index: usize = index.trim().parse().ok()?;
                    declared
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| {
                            d.symbolic
                                .as_deref()
                                .is_some_and(|s| s.eq_ignore_ascii_case(name))
                        })
                        .nth(index)
                        .map(|(i, _)| i)
                })
                // Language version 1 also names a resource of the template by its bare name.
                .or_else(|| {
                    let mut by_name = declared.iter().enumerate().filter(|(_, d)| {
                        target_key.is_none()
                            && ids::parse(&d.id)
                                .and_then(|i| i.name().map(|n| n.eq_ignore_ascii_case(target)))
                                == Some(true)
                    });
                    match (by_name.next(), by_name.next()) {
                        (Some((i, _)), None) => Some(i),
                        _ => None,
                    }
                })
                .map(|i| {
                    (
                        declared[i].id.clone(),
                        declared[i].resource_type.clone(),
                        declared[i].json,
                        declared[i].locals.clone(),
                        declared[i].existing,
                    )
                })
        };
        let Some((id, ty, json, locals, existing)) = found else {
            return Value::unknown(format!(
                "`reference('{target}')` reads a resource outside the template"
            ));
        };
        let principal = Value::String(ids::principal_token(&id));
        let lty = lower(&ty);
        // A deployment's properties are a whole template; only its outputs are read.
        let mut properties = match (existing, json.get("properties")) {
            (false, Some(p)) if lty != "microsoft.resources/deployments" => {
                match self.eval_json(p, &locals) {
                    Value::Object(m) => m,
                    _ => BTreeMap::new(),
                }
            }
            _ => BTreeMap::new(),
        };
        if lty == "microsoft.resources/deployments" {
            properties.insert("outputs".into(), self.deployment_outputs(json, &locals));
        }
        arm_shape::add_computed_properties(&ty, &id, &mut properties);
        if !full {
            return Value::Object(properties);
        }
        let mut out = BTreeMap::from([
            ("id".to_string(), Value::String(id.clone())),
            ("properties".to_string(), Value::Object(properties)),
        ]);
        if json.get("identity").is_some() || existing {
            out.insert(
                "identity".into(),
                Value::Object(BTreeMap::from([
                    ("principalId".to_string(), principal),
                    (
                        "tenantId".to_string(),
                        Value::unknown("the tenant is known only at deployment"),
                    ),
                ])),
            );
        }
        Value::Object(out)
    }

    // ----- resources -----------------------------------------------------------------------------

    /// Expands the template's resources (copy loops, nested children, conditions) and records
    /// them for `reference()`; returns the instances to lower.
    fn expand(&self, json: &'j Spanned) -> Vec<Instance<'j>> {
        let mut out = Vec::new();
        match json.get("resources").map(|r| &r.value) {
            Some(Json::Array(items)) => {
                for r in items {
                    self.expand_resource(r, None, None, &Locals::default(), &mut out);
                }
            }
            Some(Json::Object(members)) => {
                for (symbolic, r) in members {
                    self.expand_resource(
                        r,
                        None,
                        Some(symbolic.clone()),
                        &Locals::default(),
                        &mut out,
                    );
                }
            }
            _ => {}
        }
        out
    }

    /// A resource whose copy length or condition is not known.
    fn record_uncounted(
        &self,
        r: &'j Spanned,
        parent: Option<(&str, &str)>,
        symbolic: &Option<String>,
        locals: &Locals,
        reason: Unknown,
    ) {
        let ty = match r.get("type").map(|t| self.eval_json(t, locals)) {
            Some(Value::String(t)) => match parent {
                Some((pt, _)) if !t.contains('/') => format!("{pt}/{t}"),
                _ => t,
            },
            _ => String::new(),
        };
        let span = r.get("name").map(|n| n.span).unwrap_or(r.span);
        self.uncounted.borrow_mut().push(crate::model::Uncounted {
            origin: Origin::new(symbolic.clone().unwrap_or_else(|| ty.clone()), span),
            resource_type: ty.split('@').next().unwrap_or_default().to_string(),
            reason,
        });
    }

    fn expand_resource(
        &self,
        r: &'j Spanned,
        parent: Option<(&str, &str)>,
        symbolic: Option<String>,
        locals: &Locals,
        out: &mut Vec<Instance<'j>>,
    ) {
        let copies: Vec<Locals> = match r.get("copy") {
            Some(copy) => {
                let name = copy.get("name").and_then(Spanned::as_str).unwrap_or("copy");
                let count = copy
                    .get("count")
                    .map(|c| self.eval_json(c, locals))
                    .unwrap_or(Value::Null);
                match self.copy_count(&count) {
                    Ok(n) => (0..n).map(|i| locals.with_copy(name, i as i64)).collect(),
                    Err(reason) => {
                        self.record_uncounted(r, parent, &symbolic, locals, reason);
                        return;
                    }
                }
            }
            None => vec![locals.clone()],
        };
        for locals in copies {
            if let Some(condition) = r.get("condition") {
                match self.eval_json(condition, &locals) {
                    Value::Bool(true) => {}
                    // Unknown: maybe deployed; checking it would guess, but nothing may assume
                    // it is absent either.
                    Value::Unknown(reason) => {
                        self.record_uncounted(r, parent, &symbolic, &locals, reason);
                        continue;
                    }
                    _ => continue,
                }
            }
            let Some(Value::String(short_type)) = r.get("type").map(|t| self.eval_json(t, &locals))
            else {
                continue;
            };
            // A name that is not known statically still identifies the resource within the
            // template: a marker stands in for it.
            let short_name = match r.get("name").map(|n| self.eval_json(n, &locals)) {
                Some(Value::String(name)) => name,
                Some(_) => {
                    let at = r.get("name").map(|n| n.span.start).unwrap_or(r.span.start);
                    ids::marker(&format!("arm{}:{at}:{:?}", self.file.0, locals.copies))
                }
                None => continue,
            };
            let (resource_type, name) = match parent {
                Some((pt, pn)) if !short_type.contains('/') => {
                    (format!("{pt}/{short_type}"), format!("{pn}/{short_name}"))
                }
                _ => (short_type.clone(), short_name.clone()),
            };
            let (resource_type, api_version) = match resource_type.split_once('@') {
                Some((t, v)) => (t.to_string(), Some(v.to_string())),
                None => (
                    resource_type,
                    r.get("apiVersion")
                        .and_then(Spanned::as_str)
                        .map(str::to_string),
                ),
            };
            let names: Vec<&str> = name.split('/').collect();
            let id = match r.get("scope").map(|s| self.eval_json(s, &locals)) {
                Some(Value::String(scope)) => {
                    extension_id(&self.normalize_scope(&scope), &resource_type, &names)
                }
                _ if lower(&resource_type) == "microsoft.authorization/roleassignments" => {
                    extension_id(&self.scope.resource_group_id(), &resource_type, &names)
                }
                _ => ids::format_id(Some(&self.scope.resource_group), &resource_type, &names),
            };
            let existing = r
                .get("existing")
                .is_some_and(|e| matches!(e.value, Json::Bool(true)));
            let address = match (&symbolic, r.get("copy"), locals.copies.last()) {
                (Some(s), Some(_), Some((_, i))) => format!("{s}[{i}]"),
                (Some(s), _, _) => s.clone(),
                // A name not known statically is shown as written, not as its marker.
                (None, _, _) => match r.get("name").and_then(Spanned::as_str) {
                    Some(written) if ids::is_marker(&short_name) => {
                        format!("{resource_type}/{}", name.replace(&short_name, written))
                    }
                    _ => format!("{resource_type}/{name}"),
                },
            };
            self.declared.borrow_mut().push(Declared {
                symbolic: symbolic.clone(),
                address: address.clone(),
                resource_type: resource_type.clone(),
                id: id.clone(),
                json: r,
                locals: locals.clone(),
                existing,
            });
            if !existing {
                out.push(Instance {
                    json: r,
                    resource_type: resource_type.clone(),
                    api_version,
                    id,
                    address,
                    locals: locals.clone(),
                });
            }
            for child in r
                .get("resources")
                .map(Spanned::as_array)
                .unwrap_or_default()
            {
                self.expand_resource(child, Some((&resource_type, &name)), None, &locals, out);
            }
        }
    }

    /// A role assignment's `scope`: a full id, or ARM's relative form
    /// `Microsoft.KeyVault/vaults/kv` (in the template's resource group).
    fn normalize_scope(&self, scope: &str) -> String {
        if scope.starts_with('/') {
            return scope.to_string();
        }
        let parts: Vec<&str> = scope.split('/').collect();
        if parts.len() < 3 {
            return scope.to_string();
        }
        let mut ty = format!("{}/{}", parts[0], parts[1]);
        let mut names = vec![parts[2]];
        for pair in parts[3..].chunks(2) {
            if let [t, n] = pair {
                ty.push('/');
                ty.push_str(t);
                names.push(n);
            }
        }
        ids::format_id(Some(&self.scope.resource_group), &ty, &names)
    }

    /// Lowers every resource of the template (and of its nested deployments) into `model`.
    pub fn lower_into(&self, json: &'j Spanned, model: &mut Model, via: &[(String, Span)]) {
        self.lower_resources(json, model, via);
        // The template's own variables that nothing read, so that a cycle among them is
        // reported too (a nested deployment with the outer scope has none of its own).
        for (name, _) in json
            .get("variables")
            .map(Spanned::members)
            .unwrap_or_default()
        {
            if !name.eq_ignore_ascii_case("copy") {
                self.variable(name);
            }
        }
        model
            .invalid_configurations
            .append(&mut self.invalid.borrow_mut());
    }

    fn lower_resources(&self, json: &'j Spanned, model: &mut Model, via: &[(String, Span)]) {
        let instances = self.expand(json);
        for mut uncounted in self.uncounted.borrow_mut().drain(..) {
            uncounted.origin.via = via.to_vec();
            model.uncounted.push(uncounted);
        }
        for instance in &instances {
            let r = instance.json;
            if lower(&instance.resource_type) == "microsoft.resources/deployments" {
                self.nested_deployment(instance, model, via);
                continue;
            }
            let locals = &instance.locals;
            let header = r.get("name").map(|n| n.span).unwrap_or(r.span);
            let origin = Origin {
                address: instance.address.clone(),
                span: header,
                via: via.to_vec(),
            };
            let resource = ArmResource {
                resource_type: instance.resource_type.clone(),
                api_version: instance.api_version.clone(),
                id: instance.id.clone(),
                location: r.get("location").map(|l| self.node(l, locals).string()),
                kind: r.get("kind").map(|k| self.node(k, locals).string()),
                identity: r.get("identity").map(|i| self.node(i, locals)),
                properties: r.get("properties").map(|p| self.node(p, locals)),
                scope: match r.get("scope") {
                    Some(s) => Some(match self.node(s, locals).reference() {
                        Attr {
                            val: crate::model::Val::Known(scope),
                            span,
                        } => Attr::known(self.normalize_scope(&scope), span),
                        other => other,
                    }),
                    None => Some(Attr::known(self.scope.resource_group_id(), header)),
                },
                origin,
            };
            arm_shape::lower(&resource, model);
            self.record_traces(r, locals, &instance.address, model);
        }
    }

    /// `Microsoft.Resources/deployments` with an inline template: evaluated with its own
    /// parameters (inner scope) or with this template's (outer scope), in the resource group it
    /// names.
    fn nested_deployment(
        &self,
        instance: &Instance<'j>,
        model: &mut Model,
        via: &[(String, Span)],
    ) {
        let Some((inner, template)) =
            self.deployment_template(instance.json, &instance.locals, Some(&instance.address))
        else {
            return;
        };
        let mut chain = via.to_vec();
        chain.push((
            instance.address.clone(),
            instance
                .json
                .get("name")
                .map(|n| n.span)
                .unwrap_or(instance.json.span),
        ));
        inner.lower_into(template, model, &chain);
        self.diagnostics
            .borrow_mut()
            .extend(inner.diagnostics.into_inner());
    }

    /// The template a `Microsoft.Resources/deployments` resource deploys, ready to evaluate:
    /// with its own parameters (inner scope) or this template's (outer scope, the default), in
    /// the resource group and subscription it names. `traced`: the deployment's address, when
    /// the values it passes are to be traced.
    fn deployment_template(
        &self,
        json: &'j Spanned,
        locals: &Locals,
        traced: Option<&str>,
    ) -> Option<(Template<'j>, &'j Spanned)> {
        let props = json.get("properties");
        // An inline template, or a local file linked by a relative path (always with its own
        // parameters); a remote link is not followed.
        let (template, file, linked) = match props.and_then(|p| p.get("template")) {
            Some(t) => (t, self.file, false),
            None => {
                let link = props.and_then(|p| p.get("templateLink"))?;
                let (file, template) = match (link.get("relativePath"), link.get("uri")) {
                    (Some(relative), _) => {
                        let Value::String(relative) = self.eval_json(relative, locals) else {
                            return None;
                        };
                        let base = self.linked.path_of(self.file)?.parent()?.to_path_buf();
                        let path = crate::frontend::terraform::normalize(&base.join(relative));
                        self.linked.template(&path)?
                    }
                    // A remote template: found offline only beside a template that names its
                    // own location, or through `[template-links]`.
                    (None, Some(uri)) => match self.eval_json(uri, locals) {
                        Value::String(url) => self.linked.template_at_url(&url)?,
                        _ => return None,
                    },
                    (None, None) => return None,
                };
                (template, file, true)
            }
        };
        if self.depth >= MAX_DEPTH || self.budget.modules(1).is_err() {
            return None;
        }
        let inner_scope = props
            .and_then(|p| p.get("expressionEvaluationOptions"))
            .and_then(|o| o.get("scope"))
            .and_then(Spanned::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"))
            || linked;
        let mut scope = self.scope.clone();
        if let Some(Value::String(rg)) =
            json.get("resourceGroup").map(|g| self.eval_json(g, locals))
        {
            scope.resource_group = rg;
        }
        if let Some(Value::String(sub)) = json
            .get("subscriptionId")
            .map(|g| self.eval_json(g, locals))
        {
            scope.subscription = sub;
        }
        if inner_scope {
            let mut overrides = HashMap::new();
            let mut inputs = HashMap::new();
            for (name, p) in props
                .and_then(|p| p.get("parameters"))
                .map(Spanned::members)
                .unwrap_or_default()
            {
                let value = match (p.get("value"), &p.value) {
                    (Some(v), _) => self.eval_json(v, locals),
                    // Compiled Bicep writes a whole entry as one expression:
                    // `"[if(c, createObject('value', x), createObject('value', null()))]"`, and
                    // a loop as `{"copy": [{"name": "value", "count": n, "input": ...}]}`.
                    (None, Json::String(_)) | (None, Json::Object(_))
                        if p.get("reference").is_none() =>
                    {
                        match self.eval_json(p, locals) {
                            Value::Object(entry) => match entry.get("value") {
                                Some(v) => v.clone(),
                                None => Value::unknown(format!(
                                    "parameter `{name}` of a nested deployment is read from a Key Vault"
                                )),
                            },
                            Value::Unknown(u) => Value::Unknown(u),
                            other => Value::error(format!(
                                "parameter `{name}` of a nested deployment must be an object with a `value`, not {}",
                                other.type_name()
                            )),
                        }
                    }
                    (None, _) => Value::unknown(format!(
                        "parameter `{name}` of a nested deployment is read from a Key Vault"
                    )),
                };
                if let (Some(address), Some(_)) = (traced, &self.tracing) {
                    let written = p.get("value").unwrap_or(p);
                    let label = format!("{address} parameters.{name} = ");
                    let steps = self.trace(written, &label, locals);
                    inputs.insert(lower(name), std::sync::Arc::new(steps));
                }
                overrides.insert(lower(name), value);
            }
            let tracing = match (traced, &self.tracing) {
                (Some(_), Some(t)) => Some(Tracing::new(t.sources, inputs)),
                _ => None,
            };
            return Some((
                Template::new(
                    template,
                    file,
                    self.linked,
                    &overrides,
                    scope,
                    self.depth + 1,
                    self.budget.clone(),
                )
                .with_tracing(tracing),
                template,
            ));
        }
        // Outer scope: the inner template's expressions see this template's parameters and
        // variables; only the resource group may differ.
        let outer = Template {
            file: self.file,
            linked: self.linked,
            parameters: RefCell::new(self.parameters.borrow().clone()),
            defaults: RefCell::default(),
            variables: self.variables.clone(),
            variable_names: self.variable_names.clone(),
            variable_copies: self.variable_copies.clone(),
            functions: self.functions.clone(),
            scope,
            depth: self.depth + 1,
            memo: RefCell::default(),
            active: RefCell::default(),
            declared: RefCell::default(),
            uncounted: RefCell::default(),
            diagnostics: RefCell::default(),
            invalid: RefCell::default(),
            budget: self.budget.clone(),
            tracing: traced.and(self.tracing.clone()),
            trace_cache: RefCell::default(),
            parsed: self.parsed.clone(),
            given: self.given.clone(),
            parameter_defaults: self.parameter_defaults.clone(),
        };
        Some((outer, template))
    }

    /// A nested deployment's `outputs`, as `reference(...)` returns them (compiled Bicep passes
    /// values between modules this way).
    fn deployment_outputs(&self, json: &'j Spanned, locals: &Locals) -> Value {
        let Some((inner, template)) = self.deployment_template(json, locals, None) else {
            return Value::unknown("the outputs of a linked deployment are not read");
        };
        inner.expand(template);
        let outputs = template
            .get("outputs")
            .map(Spanned::members)
            .unwrap_or_default()
            .iter()
            .map(|(name, output)| {
                let value = match (output.get("value"), output.get("copy")) {
                    (Some(v), _) => inner.eval_json(v, &Locals::default()),
                    (None, Some(copy)) => inner.output_copy(copy),
                    (None, None) => Value::error(format!("output `{name}` has no value")),
                };
                (
                    name.clone(),
                    Value::Object(BTreeMap::from([("value".to_string(), value)])),
                )
            })
            .collect();
        Value::Object(outputs)
    }
}

/// Reading a template as a module or a library: what a Bicep program calls or imports from it.
impl<'j> Template<'j> {
    /// The template's outputs by name, once its resources are expanded (for `reference()`): a
    /// compiled template called as a Bicep module gives them back to its caller.
    pub(super) fn outputs(&self, json: &'j Spanned) -> BTreeMap<String, Value> {
        self.expand(json);
        json.get("outputs")
            .map(Spanned::members)
            .unwrap_or_default()
            .iter()
            .map(|(name, output)| {
                let value = match (output.get("value"), output.get("copy")) {
                    (Some(v), _) => self.eval_json(v, &Locals::default()),
                    (None, Some(copy)) => self.output_copy(copy),
                    (None, None) => Value::error(format!("output `{name}` has no value")),
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// A variable's value, as `variables('name')` reads it.
    pub(super) fn variable_value(&self, name: &str) -> Value {
        self.variable(name)
    }

    /// A user-defined function (`namespace.member`) applied to values.
    pub(super) fn apply_function(&self, name: &str, values: Vec<Value>) -> Value {
        let Some((params, output)) = self.functions.get(&lower(name)) else {
            return Value::error(format!("function `{name}` is not defined"));
        };
        let mut inner = Locals {
            function_depth: 1,
            ..Locals::default()
        };
        inner.params.extend(params.iter().cloned().zip(values));
        self.eval_json(output, &inner)
    }
}

struct Instance<'j> {
    json: &'j Spanned,
    resource_type: String,
    api_version: Option<String>,
    id: String,
    address: String,
    locals: Locals,
}

fn is_per_deployment(default: &Spanned) -> bool {
    default.as_str().is_some_and(|s| {
        let s = s.to_ascii_lowercase();
        s.starts_with('[') && (s.contains("utcnow(") || s.contains("newguid("))
    })
}

fn first_unknown(values: &[Value]) -> Option<Value> {
    values.iter().find(|v| v.is_unknown()).cloned()
}

/// `{scope}/providers/{namespace}/{type}/{name}[/{type}/{name}]`.
pub fn extension_id(scope: &str, resource_type: &str, names: &[&str]) -> String {
    let mut types = resource_type.split('/');
    let namespace = types.next().unwrap_or_default();
    let mut s = format!("{}/providers/{namespace}", scope.trim_end_matches('/'));
    for (ty, name) in types.zip(names) {
        s.push('/');
        s.push_str(ty);
        s.push('/');
        s.push_str(name);
    }
    s
}

/// `environment()` for the public cloud.
pub fn environment() -> Value {
    let s = |v: &str| Value::String(v.to_string());
    Value::Object(BTreeMap::from([
        ("name".into(), s("AzureCloud")),
        ("resourceManager".into(), s("https://management.azure.com/")),
        ("portal".into(), s("https://portal.azure.com")),
        (
            "suffixes".into(),
            Value::Object(BTreeMap::from([
                ("storage".into(), s("core.windows.net")),
                ("keyvaultDns".into(), s(".vault.azure.net")),
                ("sqlServerHostname".into(), s(".database.windows.net")),
                ("acrLoginServer".into(), s(".azurecr.io")),
            ])),
        ),
        (
            "authentication".into(),
            Value::Object(BTreeMap::from([(
                "loginEndpoint".into(),
                s("https://login.microsoftonline.com/"),
            )])),
        ),
    ]))
}

/// `text` evaluated in `json` after its resources are declared (so `reference` and
/// `resourceInfo` find them), for tests of the function table.
#[cfg(test)]
pub(super) fn eval_declared(json: &Spanned, text: &str) -> Value {
    let linked = Linked::default();
    let t = Template::new(
        json,
        FileId(0),
        &linked,
        &HashMap::new(),
        DeployScope::unknown(),
        0,
        Budget::default(),
    );
    t.expand(json);
    t.eval_string(text, Span::file_start(FileId(0)), &Locals::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outputs of a template called as a module with its defaults.
    fn module_outputs(text: &str) -> BTreeMap<String, Value> {
        let template = crate::json::parse(text, FileId(0))
            .ok()
            .flatten()
            .expect("template");
        let call = super::super::ModuleCall {
            parameters: &HashMap::new(),
            tracing: None,
            resource_group: "rg",
            subscription: "sub",
            budget: Budget::default(),
        };
        match call.outputs(&template, FileId(0)) {
            Value::Object(outputs) => outputs,
            other => panic!("outputs: {other:?}"),
        }
    }

    #[test]
    fn an_output_copy_reads_each_instance_of_a_looped_symbolic_resource() {
        let text = r#"{"languageVersion": "2.0",
          "parameters": {"names": {"type": "array", "defaultValue": ["a", "b"]}},
          "resources": {"subnets": {"copy": {"name": "subnets", "count": "[length(parameters('names'))]"},
            "type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2024-05-01",
            "name": "[format('vnet/{0}', parameters('names')[copyIndex()])]", "properties": {}}},
          "outputs": {"ids": {"type": "array", "copy": {"count": "[length(parameters('names'))]",
            "input": "[reference(format('subnets[{0}]', copyIndex()), '2024-05-01', 'full').id]"}}}}"#;
        let outputs = module_outputs(text);
        let id = |n: &str| {
            Value::String(format!(
                "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/{n}",
                ids::SUBSCRIPTION_MARKER
            ))
        };
        assert_eq!(outputs["ids"], Value::List(vec![id("a"), id("b")]));
    }

    #[test]
    fn a_nullable_parameter_left_out_is_null_a_required_one_unknown() {
        let template = crate::json::parse(
            r#"{"parameters": {"key": {"type": "object", "nullable": true}, "name": {"type": "string"}}}"#,
            FileId(0),
        )
        .ok()
        .flatten()
        .expect("template");
        let eval = |s: &str| super::super::eval_string(&template, FileId(0), s).0;
        assert_eq!(
            eval("[equals(parameters('key'), null())]"),
            Value::Bool(true)
        );
        assert!(eval("[parameters('name')]").is_unknown());
    }

    fn eval(template: &str, text: &str) -> Value {
        let json = crate::json::parse(template, FileId(0))
            .ok()
            .flatten()
            .expect("template parses");
        eval_declared(&json, text)
    }

    const EMPTY_ID: &str = r#"{"parameters": {"id": {"type": "string", "defaultValue": ""}}}"#;

    #[test]
    fn an_unselected_branch_is_never_an_error() {
        let ok = |text: &str, expected: Value| assert_eq!(eval(EMPTY_ID, text), expected);
        ok(
            "[if(empty(parameters('id')), 'new', split(parameters('id'), '/')[8])]",
            Value::str("new"),
        );
        // Nested inside calls, property access and indexes on the result.
        ok(
            "[concat('x-', if(empty(parameters('id')), 'new', split(parameters('id'), '/')[8]))]",
            Value::str("x-new"),
        );
        ok(
            "[if(true(), createObject('a', createArray('v')), split(parameters('id'), '/')[8]).a[0]]",
            Value::str("v"),
        );
        ok(
            "[and(not(empty(parameters('id'))), equals(split(parameters('id'), '/')[8], 'x'))]",
            Value::Bool(false),
        );
        ok(
            "[or(empty(parameters('id')), equals(split(parameters('id'), '/')[8], 'x'))]",
            Value::Bool(true),
        );
        // The selected branch's error is an error.
        for text in [
            "[if(true(), split(parameters('id'), '/')[8], 'x')]",
            "[and(true(), equals(split(parameters('id'), '/')[8], 'x'))]",
        ] {
            assert!(is_error(&eval(EMPTY_ID, text)), "{text}");
        }
    }

    fn is_error(v: &Value) -> bool {
        v.first_unknown().is_some_and(|u| u.is_error())
    }

    #[test]
    fn an_unknown_argument_of_and_might_have_decided() {
        let t = r#"{"parameters": {"p": {"type": "bool"}, "id": {"type": "string", "defaultValue": ""}}}"#;
        // `p` unknown: an error after it may never be reached.
        assert!(
            eval(
                t,
                "[and(parameters('p'), equals(split(parameters('id'), '/')[8], 'x'))]"
            )
            .first_unknown()
            .is_some_and(|u| !u.is_error())
        );
        assert_eq!(
            eval(t, "[and(parameters('p'), false())]"),
            Value::Bool(false)
        );
        assert_eq!(eval(t, "[or(parameters('p'), true())]"), Value::Bool(true));
        assert!(eval(t, "[and(parameters('p'), true())]").is_unknown());
    }

    #[test]
    fn parameter_defaults_read_parameters_declared_anywhere() {
        let t = r#"{"parameters": {
            "config": {"type": "object", "defaultValue": "[if(equals(parameters('os'), 'Windows'), createObject('enabled', true()), createObject('enabled', false()))]"},
            "os": {"type": "string", "defaultValue": "[parameters('base')]"},
            "base": {"type": "string", "defaultValue": "Windows"},
            "loop": {"type": "string", "defaultValue": "[parameters('loop')]"}
        }}"#;
        assert_eq!(eval(t, "[parameters('config').enabled]"), Value::Bool(true));
        assert_eq!(eval(t, "[parameters('os')]"), Value::str("Windows"));
        assert!(is_error(&eval(t, "[parameters('loop')]")));
    }

    #[test]
    fn template_urls_resolve_under_the_longest_prefix_without_query_or_parent_steps() {
        use std::path::PathBuf;
        let links = [
            ("https://host/repo/".to_string(), PathBuf::from("/r")),
            (
                "https://host/repo/portal/".to_string(),
                PathBuf::from("/r/ui"),
            ),
        ];
        let linked = Linked::default().with_template_links(&links);
        let at = |url: &str| linked.url_path(url);
        assert_eq!(
            at("https://host/repo/a/b.json"),
            Some(PathBuf::from("/r/a/b.json"))
        );
        assert_eq!(
            at("https://host/repo/portal/x.json?sv=1&sig=2"),
            Some(PathBuf::from("/r/ui/x.json"))
        );
        assert_eq!(at("https://host/repo/../etc/x.json"), None);
        assert_eq!(at("https://host/repo/"), None);
        assert_eq!(at("https://other/repo/a.json"), None);
        // A template's own place needs the run's paths; without them it names nothing.
        assert_eq!(at(&format!("{OWN_LOCATION}3/nested/x.json")), None);
    }

    #[test]
    fn extension_ids_nest_under_their_scope() {
        assert_eq!(
            extension_id(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
                "Microsoft.Authorization/roleAssignments",
                &["g"]
            ),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/g"
        );
    }
}
