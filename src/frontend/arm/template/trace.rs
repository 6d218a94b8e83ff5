//! Value traces of a template: how a resource's property was computed, as the user wrote it.
//! A trace starts at the JSON string of the property and follows what its expression reads:
//! `parameters()` to the value given for the parameter (a Bicep module call's argument, the
//! `parameters` entry of the outer template's deployment, a parameter file) or to its default,
//! `variables()` to the variable's definition (the member read, when the path is literal), and
//! `reference(deployment).outputs.x` into the deployment's template. A finding inside a module
//! the user does not own then lands on the user's own line (see `engine::land_in_user_files`).

use super::super::expr::{Expr, Parsed};
use super::{Locals, Template};
use crate::json::{Json, Spanned};
use crate::model::{Model, Trace, TraceStep};
use crate::source::{SourceMap, Span};
use crate::value::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::frontend::MAX_TRACE_STEPS as MAX_STEPS;
/// JSON strings read at most while collecting what a value reads (a huge variable is cut).
const MAX_STRINGS: usize = 200;

/// A trace's expression string (its offset) and copy indexes (when the expression reads them).
pub(super) type CacheKey = (u32, Vec<(String, i64)>);

/// What traces need: the source texts, and where each parameter's given value was written, by
/// lower-cased name (a parameter without an entry keeps no step for its value).
#[derive(Clone)]
pub struct Tracing<'j> {
    pub sources: &'j SourceMap,
    pub inputs: HashMap<String, Trace>,
}

impl<'j> Tracing<'j> {
    pub fn new(sources: &'j SourceMap, inputs: HashMap<String, Trace>) -> Tracing<'j> {
        Tracing { sources, inputs }
    }

    /// One step: `label` and the source text at `span`.
    pub fn step(&self, span: Span, label: &str) -> TraceStep {
        TraceStep {
            span,
            text: format!(
                "{label}{}",
                crate::frontend::excerpt(&self.sources.get(span.file).text, span)
            ),
        }
    }
}

/// What an expression reads: a parameter or a variable with the literal path read from it, or
/// an output of a deployment the template declares.
enum Read<'e> {
    Parameter(String, Vec<String>),
    Variable(String, Vec<String>),
    Output(&'e Expr, String),
}

impl<'j> Template<'j> {
    /// Records in `model` the traces of the values of a resource instance (its location, kind,
    /// identity, properties and scope), under its address.
    pub(super) fn record_traces(
        &self,
        resource: &'j Spanned,
        locals: &Locals,
        address: &str,
        model: &mut Model,
    ) {
        if self.tracing.is_none() {
            return;
        }
        for key in ["location", "kind", "identity", "properties", "scope"] {
            let Some(json) = resource.get(key) else {
                continue;
            };
            let mut strings = Vec::new();
            expression_strings(json, &mut strings);
            for string in strings {
                let trace = self.cached_trace(string, locals);
                // A trace of the expression alone repeats what the finding already shows.
                if trace.len() > 1 {
                    model
                        .traces
                        .insert((address.to_string(), string.span), trace);
                }
            }
        }
    }

    /// The trace of an expression string, computed once per template and copy instance (an
    /// expression without `copyIndex` is the same for every instance).
    fn cached_trace(&self, string: &Spanned, locals: &Locals) -> Trace {
        let per_copy = string
            .as_str()
            .is_some_and(|s| s.to_ascii_lowercase().contains("copyindex"));
        let key = (
            string.span.start,
            if per_copy {
                locals.copies.clone()
            } else {
                Vec::new()
            },
        );
        if let Some(trace) = self.trace_cache.borrow().get(&key) {
            return trace.clone();
        }
        let trace = Arc::new(self.trace(string, "", locals));
        self.trace_cache.borrow_mut().insert(key, trace.clone());
        trace
    }

    /// The trace of a JSON value: the value itself, then what it reads.
    pub(super) fn trace(&self, json: &Spanned, label: &str, locals: &Locals) -> Vec<TraceStep> {
        let mut steps = Vec::new();
        self.trace_into(json, label, locals, &mut steps, &mut HashSet::new());
        crate::frontend::each_place_once(steps)
    }

    fn trace_into(
        &self,
        json: &Spanned,
        label: &str,
        locals: &Locals,
        steps: &mut Vec<TraceStep>,
        seen: &mut HashSet<String>,
    ) {
        let Some(tracing) = &self.tracing else {
            return;
        };
        if steps.len() >= MAX_STEPS || self.depth >= super::MAX_DEPTH {
            return;
        }
        steps.push(tracing.step(json.span, label));
        let mut strings = Vec::new();
        expression_strings(json, &mut strings);
        let parsed: Vec<_> = strings
            .iter()
            .filter_map(|s| Some(self.parse_cached(s.as_str()?)))
            .collect();
        let mut reads = Vec::new();
        for parsed in &parsed {
            if let Ok(Parsed::Expression(e)) = &**parsed {
                self.reads(e, locals, &mut Vec::new(), &mut reads);
            }
        }
        for read in reads {
            if steps.len() >= MAX_STEPS {
                return;
            }
            match read {
                Read::Parameter(name, path) => {
                    if !seen.insert(format!("parameter:{}", name.to_ascii_lowercase())) {
                        continue;
                    }
                    let key = name.to_ascii_lowercase();
                    // A parameter given null keeps its default (see `Template::new`).
                    if self.given.contains(&key) {
                        if let Some(input) = tracing.inputs.get(&key) {
                            steps.extend(input.iter().take(MAX_STEPS - steps.len()).cloned());
                        }
                    } else if let Some(default) = self.parameter_defaults.get(&key) {
                        let (json, read) = descend(default, &path);
                        let label = format!("parameters('{name}'){} default = ", dotted(read));
                        self.trace_into(json, &label, &Locals::default(), steps, seen);
                    }
                }
                Read::Variable(name, path) => {
                    if !seen.insert(format!("variable:{}", name.to_ascii_lowercase())) {
                        continue;
                    }
                    let key = name.to_ascii_lowercase();
                    if let Some(json) = self.variables.get(&key) {
                        let (json, read) = descend(json, &path);
                        let label = format!("variables('{name}'){} = ", dotted(read));
                        self.trace_into(json, &label, &Locals::default(), steps, seen);
                    } else if let Some(copy) = self.variable_copies.get(&key) {
                        let label = format!("variables('{name}') = ");
                        self.trace_into(copy, &label, &Locals::default(), steps, seen);
                    }
                }
                Read::Output(target, output) => {
                    let Value::String(target) = self.eval(target, locals) else {
                        continue;
                    };
                    if !seen.insert(format!("output:{}:{output}", target.to_ascii_lowercase())) {
                        continue;
                    }
                    self.trace_output(&target, &output, steps);
                }
            }
        }
    }

    /// Follows `reference(target).outputs.<output>` into the template the deployment `target`
    /// deploys, with the parameters it passes.
    fn trace_output(&self, target: &str, output: &str, steps: &mut Vec<TraceStep>) {
        let found = self
            .declared
            .borrow()
            .iter()
            .find(|d| {
                d.resource_type
                    .eq_ignore_ascii_case("Microsoft.Resources/deployments")
                    && (d
                        .symbolic
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(target))
                        || d.id.eq_ignore_ascii_case(target)
                        // Language version 1 names a deployment of the template by its name.
                        || crate::model::ids::parse(&d.id)
                            .and_then(|i| i.name().map(|n| n.eq_ignore_ascii_case(target)))
                            == Some(true))
            })
            .map(|d| (d.json, d.locals.clone(), d.address.clone()));
        let Some((json, locals, address)) = found else {
            return;
        };
        let Some((inner, template)) = self.deployment_template(json, &locals, Some(&address))
        else {
            return;
        };
        let Some(value) = template
            .get("outputs")
            .and_then(|o| o.get_ignore_case(output))
            .and_then(|o| {
                o.get("value")
                    .or_else(|| o.get("copy").and_then(|c| c.get("input")))
            })
        else {
            return;
        };
        inner.expand(template);
        let label = format!("{address} outputs.{output} = ");
        let more = inner.trace(value, &label, &Locals::default());
        steps.extend(more.into_iter().take(MAX_STEPS.saturating_sub(steps.len())));
    }

    /// The parameters, variables and outputs an expression reads; `path` holds the literal
    /// members and indexes read from the expression being walked, outermost first.
    fn reads<'e>(
        &self,
        e: &'e Expr,
        locals: &Locals,
        path: &mut Vec<String>,
        out: &mut Vec<Read<'e>>,
    ) {
        match e {
            Expr::String(_) | Expr::Number(_) => {}
            Expr::Member(base, name) => {
                path.push(name.clone());
                self.reads(base, locals, path, out);
            }
            Expr::Index(base, index) => {
                self.reads(index, locals, &mut Vec::new(), out);
                match self.literal_index(index, locals) {
                    Some(key) => path.push(key),
                    // What is read below an index not known here is not known either.
                    None => path.clear(),
                }
                self.reads(base, locals, path, out);
            }
            Expr::Call { name, args, .. } => {
                let read_path = || path.iter().rev().cloned().collect::<Vec<_>>();
                match (name.to_ascii_lowercase().as_str(), args.as_slice()) {
                    ("parameters", [Expr::String(p)]) => {
                        // Inside a user function, `parameters()` names the function's own.
                        if !locals.params.iter().any(|(n, _)| n.eq_ignore_ascii_case(p)) {
                            out.push(Read::Parameter(p.clone(), read_path()));
                        }
                    }
                    ("variables", [Expr::String(v)]) => {
                        out.push(Read::Variable(v.clone(), read_path()));
                    }
                    ("reference", [target, ..]) => {
                        let read = read_path();
                        if let [outputs, output, ..] = read.as_slice()
                            && outputs.eq_ignore_ascii_case("outputs")
                        {
                            out.push(Read::Output(target, output.clone()));
                        }
                        self.reads(target, locals, &mut Vec::new(), out);
                    }
                    // Only the branch a known condition takes leads to the value.
                    ("if", [cond, yes, no]) => {
                        self.reads(cond, locals, &mut Vec::new(), out);
                        match self.eval(cond, locals) {
                            Value::Bool(true) => self.reads(yes, locals, path, out),
                            Value::Bool(false) => self.reads(no, locals, path, out),
                            _ => {
                                self.reads(yes, locals, &mut path.clone(), out);
                                self.reads(no, locals, path, out);
                            }
                        }
                    }
                    _ => {
                        for arg in args {
                            self.reads(arg, locals, &mut Vec::new(), out);
                        }
                    }
                }
                path.clear();
            }
        }
    }

    /// An index known without evaluating anything that could be expensive: a literal, or the
    /// instance's `copyIndex()`.
    fn literal_index(&self, index: &Expr, locals: &Locals) -> Option<String> {
        match index {
            Expr::String(s) => Some(s.clone()),
            Expr::Number(n) => Some(crate::value::format_number(*n)),
            Expr::Call { name, .. } if name.eq_ignore_ascii_case("copyIndex") => {
                match self.eval(index, locals) {
                    Value::Number(n) => Some(crate::value::format_number(n)),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The part of a literal JSON value a path reads, and the part of the path it got through.
fn descend<'j, 'p>(json: &'j Spanned, path: &'p [String]) -> (&'j Spanned, &'p [String]) {
    let mut at = json;
    for (i, key) in path.iter().enumerate() {
        let next = match &at.value {
            Json::Object(_) => at.get_ignore_case(key),
            Json::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => return (at, &path[..i]),
        }
    }
    (at, path)
}

fn dotted(path: &[String]) -> String {
    path.iter().map(|k| format!(".{k}")).collect()
}

/// The JSON strings in a value that are expressions, depth-first, at most [`MAX_STRINGS`].
fn expression_strings<'s>(json: &'s Spanned, out: &mut Vec<&'s Spanned>) {
    let mut stack = vec![json];
    while let Some(node) = stack.pop() {
        if out.len() >= MAX_STRINGS {
            return;
        }
        match &node.value {
            Json::String(s) if s.starts_with('[') && !s.starts_with("[[") => out.push(node),
            Json::Object(members) => stack.extend(members.iter().rev().map(|(_, v)| v)),
            Json::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
}
