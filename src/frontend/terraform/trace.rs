//! Value traces: how a checked value was computed, as the user wrote it. A trace starts at the
//! expression that produced the value and follows the locals and variables it reads, to their
//! definitions, tfvars entries and module-call arguments.

use super::eval::Evaluator;
use crate::frontend::excerpt;
use crate::model::TraceStep;
use crate::source::{FileId, Span};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::visit::{Visit, visit_traversal};
use std::collections::HashSet;

use crate::frontend::MAX_TRACE_STEPS as MAX_STEPS;

/// The `var.*` and `local.*` names an expression reads (with the attribute read from a local,
/// `local.settings.cidr`: `cidr`), and the attribute names it reads from anything
/// (`each.value.prefix_length`: `prefix_length`).
#[derive(Default)]
struct Reads(Vec<(String, String, Option<String>)>, HashSet<String>);

impl Visit for Reads {
    fn visit_traversal(&mut self, node: &Traversal) {
        for op in &node.operators {
            if let TraversalOperator::GetAttr(name) = op.value() {
                self.1.insert(name.as_str().to_string());
            }
        }
        if let Expression::Variable(root) = &node.expr
            && matches!(root.as_str(), "each" | "count")
        {
            let read = ("each".to_string(), String::new(), None);
            if !self.0.contains(&read) {
                self.0.push(read);
            }
        }
        if let Expression::Variable(root) = &node.expr
            && matches!(root.as_str(), "var" | "local")
            && let Some(TraversalOperator::GetAttr(name)) =
                node.operators.first().map(|o| o.value())
        {
            let attribute = match node.operators.get(1).map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(a)) if root.as_str() == "local" => {
                    Some(a.as_str().to_string())
                }
                _ => None,
            };
            let read = (
                root.as_str().to_string(),
                name.as_str().to_string(),
                attribute,
            );
            if !self.0.contains(&read) {
                self.0.push(read);
            }
        }
        visit_traversal(self, node);
    }
}

impl<'a> Evaluator<'a> {
    /// The trace of an expression, or nothing when the expression is a plain literal.
    pub fn trace(&self, expr: &Expression, file: FileId, label: &str) -> Vec<TraceStep> {
        let mut steps = Vec::new();
        let mut attributes = HashSet::new();
        self.trace_into(
            expr,
            file,
            label,
            &mut steps,
            &mut HashSet::new(),
            &mut attributes,
        );
        // Two inputs may come from the same definition (both from one `for_each`): show it once.
        crate::frontend::each_place_once(steps)
    }

    fn trace_into(
        &self,
        expr: &Expression,
        file: FileId,
        label: &str,
        steps: &mut Vec<TraceStep>,
        seen: &mut HashSet<String>,
        attributes: &mut HashSet<String>,
    ) {
        let Some(sources) = self.context.sources else {
            return;
        };
        if steps.len() >= MAX_STEPS {
            return;
        }
        let span = Span::new(file, expr.span().unwrap_or(0..0));
        steps.push(TraceStep {
            span,
            text: format!("{label}{}", excerpt(sources.get(file).parse_text(), span)),
        });
        let mut reads = Reads::default();
        reads.visit_expr(self.taken(expr));
        attributes.extend(reads.1);
        for (root, name, attribute) in reads.0 {
            let read = match &attribute {
                Some(attribute) => format!("{root}.{name}.{attribute}"),
                None => format!("{root}.{name}"),
            };
            if !seen.insert(read) || steps.len() >= MAX_STEPS {
                continue;
            }
            if root == "each" {
                let repetition = self.repetition.borrow().last().copied().flatten();
                if let Some((attr, file)) = repetition {
                    let label = format!("{} = ", attr.key.as_str());
                    self.trace_into(&attr.value, file, &label, steps, seen, attributes);
                }
                continue;
            }
            if root == "local" {
                if let Some((local, local_file)) = self.decls.locals.get(&name) {
                    // One attribute of an object the local builds: only what can supply it.
                    let (parts, label) = match &attribute {
                        Some(attribute) => (
                            supplying(local, attribute),
                            format!("local.{name}.{attribute} = "),
                        ),
                        None => (vec![&**local], format!("local.{name} = ")),
                    };
                    for part in parts {
                        self.trace_into(part, *local_file, &label, steps, seen, attributes);
                    }
                }
                continue;
            }
            if let Some(input) = self.input_traces.get(&name) {
                steps.extend(input.iter().take(MAX_STEPS - steps.len()).cloned());
            } else if let Some(decl) = self.decls.variables.get(&name)
                && let Some(default) = decl.block.body.get_attribute("default")
            {
                self.trace_into(
                    &default.value,
                    decl.file,
                    &format!("var.{name} default = "),
                    steps,
                    seen,
                    attributes,
                );
            }
            // Attributes read from the variable may come from `optional(type, default)` in
            // its type constraint rather than from anything the caller wrote.
            if let Some(decl) = self.decls.variables.get(&name)
                && let Some(ty) = decl.block.body.get_attribute("type")
            {
                let text = sources.get(decl.file).parse_text();
                for (attribute, span) in optional_defaults(&ty.value) {
                    if steps.len() < MAX_STEPS && attributes.contains(&attribute) {
                        let span = Span::new(decl.file, span);
                        steps.push(TraceStep {
                            span,
                            text: format!("var.{name} type: {}", excerpt(text, span)),
                        });
                    }
                }
            }
        }
    }

    /// The part of `expr` its value comes from, where that can be decided: the branch a
    /// conditional whose condition is known takes (the inputs of the other branch do not lead to
    /// the value). Evaluated without `each` or `count`: a condition that reads them is unknown
    /// here, and both branches are followed.
    fn taken<'e>(&self, expr: &'e Expression) -> &'e Expression {
        match expr {
            Expression::Parenthesis(p) => self.taken(p.inner()),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, &Default::default()) {
                crate::value::Value::Bool(true) => self.taken(&c.true_expr),
                crate::value::Value::Bool(false) => self.taken(&c.false_expr),
                _ => expr,
            },
            _ => expr,
        }
    }

    /// Records the trace of a value built from `expr` (see `take_traces`).
    pub(super) fn record_trace(&self, expr: &Expression, file: FileId, span: Span) {
        if self.context.sources.is_none() || is_literal(expr) {
            return;
        }
        let key = expr as *const Expression as usize;
        let cached = self.trace_cache.borrow().get(&key).cloned();
        let steps = match cached {
            Some(steps) => steps,
            None => {
                let steps = std::sync::Arc::new(self.trace(expr, file, ""));
                self.trace_cache.borrow_mut().insert(key, steps.clone());
                steps
            }
        };
        // A trace of the expression alone repeats what the finding already shows.
        if steps.len() > 1 {
            self.traces.borrow_mut().push((span, steps));
        }
    }

    /// The traces recorded since the last call.
    pub fn take_traces(&self) -> Vec<(Span, crate::model::Trace)> {
        std::mem::take(&mut self.traces.borrow_mut())
    }
}

/// The parts of `expr` that can supply its attribute `attribute`: in an object constructor, that
/// key's value (nothing when it has none); in `merge(...)`, the last object constructor that
/// sets the key and the arguments after it that are not constructors (one may override it);
/// anything else whole. The other keys' values do not lead to the attribute.
fn supplying<'e>(expr: &'e Expression, attribute: &str) -> Vec<&'e Expression> {
    let value_of = |object: &'e hcl_edit::expr::Object| {
        object.iter().find_map(|(key, value)| {
            let name = match key {
                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str(),
                hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => s.value().as_str(),
                hcl_edit::expr::ObjectKey::Expression(_) => return None,
            };
            (name == attribute).then(|| value.expr())
        })
    };
    match expr {
        Expression::Parenthesis(p) => supplying(p.inner(), attribute),
        Expression::Object(object) => value_of(object).into_iter().collect(),
        Expression::FuncCall(call) if call.name.name.as_str() == "merge" => {
            let mut out = Vec::new();
            let args: Vec<&Expression> = call.args.iter().collect();
            for arg in args.into_iter().rev() {
                match arg {
                    Expression::Object(object) => match value_of(object) {
                        Some(value) => {
                            out.push(value);
                            break;
                        }
                        None => continue,
                    },
                    other => out.push(other),
                }
            }
            out.reverse();
            out
        }
        other => vec![other],
    }
}

/// The `name = optional(type, default)` attributes of a type constraint, at any depth, with the
/// span of each.
fn optional_defaults(ty: &Expression) -> Vec<(String, std::ops::Range<usize>)> {
    #[derive(Default)]
    struct Defaults(Vec<(String, std::ops::Range<usize>)>);
    impl Visit for Defaults {
        fn visit_object(&mut self, object: &hcl_edit::expr::Object) {
            for (key, value) in object.iter() {
                if let Expression::FuncCall(call) = value.expr()
                    && call.name.name.as_str() == "optional"
                    && call.args.len() == 2
                    && let (Some(k), Some(v)) = (key.span(), value.expr().span())
                {
                    let name = match key {
                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(e) => match e {
                            Expression::String(s) => s.value().to_string(),
                            _ => continue,
                        },
                    };
                    self.0.push((name, k.start..v.end));
                }
            }
            hcl_edit::visit::visit_object(self, object);
        }
    }
    let mut defaults = Defaults::default();
    defaults.visit_expr(ty);
    defaults.0
}

fn is_literal(expr: &Expression) -> bool {
    matches!(
        expr,
        Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_)
    )
}
