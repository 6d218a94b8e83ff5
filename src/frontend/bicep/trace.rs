//! Value traces for Bicep, as the Terraform front end keeps them: how a checked value was
//! computed, as the user wrote it. A trace starts at the expression of a resource property and
//! follows the variables, parameters and loop variables it reads, to their definitions, to the
//! `params` entry of the module call that gave a parameter, and to the `.bicepparam` entry.

use super::ast::{ArrayItem, Expr, ExprKind, ObjectItem, Statement, StringPart};
use super::program::Program;
use crate::frontend::excerpt;
use crate::model::{Trace, TraceStep};
use crate::source::Span;
use crate::value::Value;
use std::collections::HashSet;

use crate::frontend::MAX_TRACE_STEPS as MAX_STEPS;

/// The loop variables in scope where an expression is written, innermost last: each `for`
/// item (and index) name with the collection it iterates.
pub(super) type Loops<'e> = [(&'e str, &'e Expr)];

impl<'f> Program<'f> {
    /// The trace of `expr`, labelled `label` (its first step is the expression itself).
    pub(super) fn trace(&self, expr: &Expr, label: &str, loops: &Loops<'_>) -> Vec<TraceStep> {
        let mut steps = Vec::new();
        self.trace_into(expr, label, loops, &mut steps, &mut HashSet::new());
        crate::frontend::each_place_once(steps)
    }

    fn trace_into(
        &self,
        expr: &Expr,
        label: &str,
        loops: &Loops<'_>,
        steps: &mut Vec<TraceStep>,
        seen: &mut HashSet<String>,
    ) {
        let Some(sources) = self.files.sources else {
            return;
        };
        if steps.len() >= MAX_STEPS {
            return;
        }
        let span = Span::new(self.file, expr.span.clone());
        steps.push(TraceStep {
            span,
            text: format!(
                "{label}{}",
                excerpt(sources.get(self.file).parse_text(), span)
            ),
        });
        let mut names = Vec::new();
        free_names(self.taken(expr), &mut Vec::new(), &mut names);
        for name in names {
            if steps.len() >= MAX_STEPS || !seen.insert(name.clone()) {
                continue;
            }
            if let Some(at) = loops.iter().rposition(|(item, _)| *item == name) {
                let (_, iterable) = loops[at];
                let label = format!("for {name} in ");
                self.trace_into(iterable, &label, &loops[..at], steps, seen);
                continue;
            }
            match self.declaration(&name) {
                Some(Declared::Param(default)) => {
                    if let Some(given) = self.input_traces.get(&name) {
                        steps.extend(given.iter().take(MAX_STEPS - steps.len()).cloned());
                    } else if let Some(default) = default {
                        let label = format!("param {name} = ");
                        self.trace_into(default, &label, &[], steps, seen);
                    }
                }
                Some(Declared::Var(value)) => {
                    let label = format!("var {name} = ");
                    self.trace_into(value, &label, &[], steps, seen);
                }
                None => {}
            }
        }
    }

    /// The part of `expr` its value comes from, where that can be decided: the branch a
    /// conditional whose condition is known takes (the inputs of the other branch do not lead to
    /// the value). A condition that reads a loop variable is unknown here: both are followed.
    fn taken<'e>(&self, expr: &'e Expr) -> &'e Expr {
        match &expr.kind {
            ExprKind::Paren(inner) => self.taken(inner),
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => match self.eval_plain(cond) {
                Value::Bool(true) => self.taken(then),
                Value::Bool(false) => self.taken(otherwise),
                _ => expr,
            },
            _ => expr,
        }
    }

    fn declaration(&self, name: &str) -> Option<Declared<'f>> {
        self.ast.statements.iter().find_map(|s| match s {
            Statement::Param(p) if p.name.name == name => Some(Declared::Param(p.value.as_ref())),
            Statement::Var(v) if v.name.name == name => Some(Declared::Var(&v.value)),
            _ => None,
        })
    }

    /// Records the trace of a resource property's value built from `expr`, for
    /// [`take_traces`](Self::take_traces). A literal's trace would only repeat the finding.
    pub(super) fn record_trace(&self, expr: &Expr, loops: &Loops<'_>) {
        if self.files.sources.is_none() || is_literal(expr) {
            return;
        }
        // The same expression is traced the same way in every instance of its resource.
        let key = expr as *const Expr as usize;
        let cached = self.trace_cache.borrow().get(&key).cloned();
        let steps = match cached {
            Some(steps) => steps,
            None => {
                let steps: Trace = std::sync::Arc::new(self.trace(expr, "", loops));
                self.trace_cache.borrow_mut().insert(key, steps.clone());
                steps
            }
        };
        if steps.len() > 1 {
            let span = Span::new(self.file, expr.span.clone());
            self.traces.borrow_mut().push((span, steps));
        }
    }

    /// The traces recorded since the last call.
    pub(super) fn take_traces(&self) -> Vec<(Span, Trace)> {
        std::mem::take(&mut self.traces.borrow_mut())
    }
}

enum Declared<'f> {
    /// A parameter, with its default.
    Param(Option<&'f Expr>),
    Var(&'f Expr),
}

fn is_literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Null => true,
        ExprKind::String { parts } => parts.iter().all(|p| matches!(p, StringPart::Literal(_))),
        _ => false,
    }
}

/// The names an expression reads that it does not bind itself (lambda parameters and `for`
/// variables inside it are its own), in the order they are written.
fn free_names(expr: &Expr, bound: &mut Vec<String>, out: &mut Vec<String>) {
    let mut walk = |e: &Expr, bound: &mut Vec<String>| free_names(e, bound, out);
    match &expr.kind {
        ExprKind::Ident(name) => {
            if !bound.contains(name) && !out.contains(name) {
                out.push(name.clone());
            }
        }
        ExprKind::String { parts } => {
            for part in parts {
                if let StringPart::Interp(e) = part {
                    walk(e, bound);
                }
            }
        }
        ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Null => {}
        ExprKind::Object(object) => {
            for item in &object.items {
                match item {
                    ObjectItem::Property(p) => walk(&p.value, bound),
                    ObjectItem::Spread { expr, .. } => walk(expr, bound),
                    ObjectItem::Resource(_) => {}
                }
            }
        }
        ExprKind::Array(items) => {
            for item in items {
                match item {
                    ArrayItem::Value(e) | ArrayItem::Spread { expr: e, .. } => walk(e, bound),
                }
            }
        }
        ExprKind::Member { base, .. } | ExprKind::ResourceAccess { base, .. } => walk(base, bound),
        ExprKind::Index { base, index, .. } => {
            walk(base, bound);
            walk(index, bound);
        }
        ExprKind::Call { callee, args, .. } => {
            if let Some(callee) = callee {
                walk(callee, bound);
            }
            for arg in args {
                walk(arg, bound);
            }
        }
        ExprKind::NonNull(inner) | ExprKind::Paren(inner) => walk(inner, bound),
        ExprKind::Unary { operand, .. } => walk(operand, bound),
        ExprKind::Binary { left, right, .. } => {
            walk(left, bound);
            walk(right, bound);
        }
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => {
            walk(cond, bound);
            walk(then, bound);
            walk(otherwise, bound);
        }
        ExprKind::Lambda { params, body } => {
            let depth = bound.len();
            bound.extend(params.iter().map(|p| p.name.name.clone()));
            walk(body, bound);
            bound.truncate(depth);
        }
        ExprKind::For {
            item,
            index,
            iterable,
            body,
        } => {
            walk(iterable, bound);
            let depth = bound.len();
            bound.push(item.name.clone());
            bound.extend(index.iter().map(|i| i.name.clone()));
            walk(body, bound);
            bound.truncate(depth);
        }
        ExprKind::If { cond, body } => {
            walk(cond, bound);
            walk(body, bound);
        }
    }
}
