//! The ARM JSON front end. A `.json` file whose `$schema` is a deployment template (any scope)
//! is a template; a deployment-parameters file is an environment for the template (ARM or Bicep)
//! it is named after (`x.parameters.json`, `x.parameters.prod.json`,
//! `azuredeploy.parameters.json`) or that `--parameters` gives. Each environment is evaluated into its own model; a template without
//! one is evaluated with its defaults.

mod expr;
mod functions;
mod template;

pub use template::{AllTemplates, Linked, Tracing, environment, extension_id};

mod reference;

pub(crate) use functions::base64_encode;
pub use reference::{Language, Status, listing};

/// An ARM template function that needs no deployment context (Bicep's functions are these).
pub fn call_function(name: &str, args: Vec<Value>) -> Option<Value> {
    functions::call(name, args)
}

/// The unknown a call of a function foundry-lint does not evaluate gives: the reason of its
/// row when it is unknown by design.
pub fn unevaluated(language: Language, name: &str) -> Value {
    match reference::status(language, name) {
        Some(Status::Unknowable(reason)) => Value::unknown(format!("`{name}()`: {reason}")),
        _ => Value::unknown(format!(
            "function `{name}` is not evaluated by foundry-lint"
        )),
    }
}

/// A Bicep function that needs no deployment context: ARM's, and the few Bicep adds that
/// compile away (`any`, `fail`). `name` is lower-cased.
pub fn call_bicep_function(name: &str, args: Vec<Value>) -> Option<Value> {
    match (name, args.as_slice()) {
        // `any(x)` only quiets Bicep's type checker.
        ("any", [value]) => Some(value.clone()),
        ("fail", [Value::String(message)]) => Some(Value::error(format!("fail(): {message}"))),
        ("fail", [other @ Value::Unknown(_)]) => Some(other.clone()),
        _ => functions::call(name, args),
    }
}

use crate::frontend::Diagnostic;
use crate::json::Spanned;
use crate::model::Model;
use crate::source::FileId;
use crate::value::Value;
use std::collections::HashMap;
use std::path::Path;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Template,
    Parameters,
}

pub fn classify(json: &Spanned) -> Option<Kind> {
    let Some(schema) = json.get("$schema").and_then(Spanned::as_str) else {
        return is_bare_parameter_file(json).then_some(Kind::Parameters);
    };
    let schema = schema.to_ascii_lowercase();
    if schema.contains("deploymenttemplate") {
        Some(Kind::Template)
    } else if schema.contains("deploymentparameters") {
        Some(Kind::Parameters)
    } else {
        None
    }
}

/// A parameter file without `$schema` (azd and hand-written ones): only `parameters` (and
/// `contentVersion`), every parameter an object with `value` or `reference`.
fn is_bare_parameter_file(json: &Spanned) -> bool {
    let members = json.members();
    let Some(parameters) = json.get("parameters") else {
        return false;
    };
    members
        .iter()
        .all(|(k, _)| matches!(k.as_str(), "parameters" | "contentVersion"))
        && !parameters.members().is_empty()
        && parameters
            .members()
            .iter()
            .all(|(_, p)| p.get("value").is_some() || p.get("reference").is_some())
}

/// Whether raw text that failed to parse was meant to be a template (so its syntax error is
/// worth reporting; other broken JSON is not ours).
pub fn looks_like_template(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("deploymenttemplate.json") || lower.contains("deploymentparameters.json")
}

/// The local files a template links with `templateLink.relativePath` (literal paths), relative
/// to the template's directory.
pub fn linked_paths(template: &Spanned, dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![template];
    while let Some(node) = stack.pop() {
        if let Some(relative) = node
            .get("templateLink")
            .and_then(|l| l.get("relativePath"))
            .and_then(Spanned::as_str)
            && !relative.starts_with('[')
        {
            out.push(crate::frontend::terraform::normalize(&dir.join(relative)));
        }
        match &node.value {
            crate::json::Json::Object(members) => stack.extend(members.iter().map(|(_, v)| v)),
            crate::json::Json::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out
}

/// Whether a parameter file belongs to a template (ARM `x.json` or Bicep `x.bicep`), by the
/// naming conventions: `x.parameters.json` and `x.parameters.<env>.json` in its directory.
pub fn pairs_with(template: &Path, parameters: &Path) -> bool {
    if template.parent() != parameters.parent() {
        return false;
    }
    let stem = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .map(|n| n.to_ascii_lowercase())
    };
    let (Some(t), Some(p)) = (stem(template), stem(parameters)) else {
        return false;
    };
    let Some(base) = t.strip_suffix(".json").or_else(|| t.strip_suffix(".bicep")) else {
        return false;
    };
    p == format!("{base}.parameters.json")
        || (p.starts_with(&format!("{base}.parameters.")) && p.ends_with(".json"))
}

/// The values a parameter file gives (`{"parameters": {"x": {"value": ...}}}`), by lower-case
/// name (deployment parameter names are case-insensitive); a Key Vault `reference` is unknown.
pub fn parameter_values(json: &Spanned) -> HashMap<String, Value> {
    json.get("parameters")
        .map(Spanned::members)
        .unwrap_or_default()
        .iter()
        .map(|(name, p)| {
            let value = match p.get("value") {
                Some(v) => without_placeholders(name, v.to_value()),
                None => Value::unknown(format!(
                    "parameter `{name}` is read from a Key Vault at deployment"
                )),
            };
            (name.to_ascii_lowercase(), value)
        })
        .collect()
}

/// Where a parameter file writes each value, for traces: one step per parameter, by lower-case
/// name.
pub fn parameter_traces(json: &Spanned, text: &str) -> HashMap<String, crate::model::Trace> {
    json.get("parameters")
        .map(Spanned::members)
        .unwrap_or_default()
        .iter()
        .filter_map(|(name, p)| {
            let value = p.get("value")?;
            let step = crate::model::TraceStep {
                span: value.span,
                text: format!("{name} = {}", crate::frontend::excerpt(text, value.span)),
            };
            Some((name.to_ascii_lowercase(), std::sync::Arc::new(vec![step])))
        })
        .collect()
}

/// azd fills `${VAR}` and `${VAR=default}` from its environment (`.azure/<env>/.env`) when it
/// deploys; the default applies only when the variable is unset, which cannot be known here, so
/// every string holding a placeholder is unknown, wherever it is in the value.
fn without_placeholders(name: &str, value: Value) -> Value {
    match value {
        Value::String(s) if s.contains("${") => Value::unknown(format!(
            "parameter `{name}` is `{s}`, filled in from the environment at deployment"
        )),
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|v| without_placeholders(name, v))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_placeholders(name, v)))
                .collect(),
        ),
        other => other,
    }
}

/// Evaluates a template in one environment; `tracing` keeps the traces of its values.
pub fn lower_template<'j>(
    template: &'j Spanned,
    file: FileId,
    linked: &'j Linked<'j>,
    parameters: &HashMap<String, Value>,
    tracing: Option<Tracing<'j>>,
) -> (Model, Vec<Diagnostic>) {
    let mut model = Model::default();
    let t = template::Template::new(
        template,
        file,
        linked,
        parameters,
        template::DeployScope::unknown(),
        0,
        Default::default(),
    )
    .with_tracing(tracing);
    t.lower_into(template, &mut model, &[]);
    let diagnostics = t.diagnostics.into_inner();
    (model, diagnostics)
}

/// A compiled template called as a Bicep module (a local `.json` file, a registry module from
/// the Bicep cache): the module's `params` (names lowercased), where it deploys, and the
/// evaluation budget of the calling program; `tracing`, where the arguments were written.
pub struct ModuleCall<'a> {
    pub parameters: &'a HashMap<String, Value>,
    pub tracing: Option<Tracing<'a>>,
    pub resource_group: &'a str,
    pub subscription: &'a str,
    pub budget: crate::frontend::builtins::Budget,
}

impl ModuleCall<'_> {
    fn template<'j>(
        &'j self,
        template: &'j Spanned,
        file: FileId,
        linked: &'j Linked<'j>,
    ) -> template::Template<'j> {
        let scope = template::DeployScope {
            resource_group: self.resource_group.to_string(),
            subscription: self.subscription.to_string(),
        };
        template::Template::new(
            template,
            file,
            linked,
            self.parameters,
            scope,
            0,
            self.budget.clone(),
        )
    }

    /// The module's outputs by name.
    pub fn outputs(&self, template: &Spanned, file: FileId) -> Value {
        let linked = Linked::default();
        Value::Object(self.template(template, file, &linked).outputs(template))
    }

    /// Lowers the module's resources into `model`, each reached through `via`.
    pub fn lower_into(
        &self,
        template: &Spanned,
        file: FileId,
        via: &[(String, crate::source::Span)],
        model: &mut Model,
    ) {
        let linked = Linked::default();
        let mut part = Model::default();
        self.template(template, file, &linked)
            .with_tracing(self.tracing.clone())
            .lower_into(template, &mut part, via);
        if let Some((call, _)) = via.last() {
            part.prefix_addresses(&format!("{call}."));
        }
        model.absorb(part);
    }
}

/// An exported variable of a compiled template (Bicep `import` from a `.json` file or a cached
/// registry module): evaluated with the template's defaults, as Bicep evaluates it.
pub fn exported_variable(template: &Spanned, file: FileId, name: &str) -> Value {
    let linked = Linked::default();
    with_defaults(template, file, &linked).variable_value(name)
}

/// An exported function of a compiled template applied to values (`__bicep.name` is what
/// Bicep compiles `func name` to).
pub fn apply_exported_function(
    template: &Spanned,
    file: FileId,
    name: &str,
    values: Vec<Value>,
) -> Value {
    let linked = Linked::default();
    with_defaults(template, file, &linked).apply_function(&format!("__bicep.{name}"), values)
}

/// The names of a compiled template's exported variables (its metadata lists them).
pub fn exported_variable_names(template: &Spanned) -> Vec<String> {
    template
        .get("metadata")
        .and_then(|m| m.get("__bicep_exported_variables!"))
        .map(Spanned::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.get("name").and_then(Spanned::as_str).map(str::to_string))
        .collect()
}

fn with_defaults<'j>(
    template: &'j Spanned,
    file: FileId,
    linked: &'j Linked<'j>,
) -> template::Template<'j> {
    template::Template::new(
        template,
        file,
        linked,
        &HashMap::new(),
        template::DeployScope::unknown(),
        0,
        Default::default(),
    )
}

/// Evaluates one JSON string of a template (an expression such as `[concat(...)]`, or a
/// literal) with the template's parameter defaults, variables and user functions, as
/// [`lower_template`] evaluates the strings it reads. The diagnostics are the expression's
/// errors, placed as if the string were the file's first.
pub fn eval_string(template: &Spanned, file: FileId, text: &str) -> (Value, Vec<Diagnostic>) {
    let linked = Linked::default();
    let t = with_defaults(template, file, &linked);
    let value = t.eval_string(
        text,
        crate::source::Span::file_start(file),
        &template::Locals::default(),
    );
    (value, t.diagnostics.into_inner())
}

/// A JSON syntax error in a template, at its line and column.
pub fn syntax_error(file: FileId, offset: usize, message: &str) -> Diagnostic {
    Diagnostic {
        span: crate::source::Span::new(file, offset..offset),
        message: format!("JSON syntax error: {message}"),
    }
}
