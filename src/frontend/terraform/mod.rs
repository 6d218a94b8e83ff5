//! The Terraform front end: a directory of `.tf` files is a module; its variables take values
//! from defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file` and `--var`, in Terraform's
//! order of precedence.

mod eval;
mod functions;
mod lower;
mod module;
mod schema;

use super::Diagnostic;
use crate::model::{Model, Origin};
use crate::source::{FileId, SourceMap, Span};
use crate::value::Value;
use eval::Evaluator;
use hcl_edit::structure::Body;
use module::ModuleDecls;
use std::collections::HashMap;

/// One Terraform module directory, as discovered.
pub struct ModuleFiles {
    pub display_dir: String,
    pub tf_files: Vec<FileId>,
    /// tfvars files in precedence order (later wins).
    pub var_files: Vec<FileId>,
}

/// Parses a `.tf` or `.tfvars` file; a syntax error becomes a diagnostic at its line and column.
fn parse(sources: &SourceMap, file: FileId) -> Result<Body, Diagnostic> {
    let source = sources.get(file);
    hcl_edit::parser::parse_body(&source.text).map_err(|e| {
        let loc = e.location();
        let offset = source.offset_of(loc.line(), loc.column());
        Diagnostic {
            span: Span {
                file,
                start: offset,
                end: offset,
            },
            message: format!("HCL syntax error: {}", e.message()),
        }
    })
}

/// Variable values from one tfvars file (HCL or JSON).
fn read_var_file(
    sources: &SourceMap,
    file: FileId,
    out: &mut HashMap<String, Value>,
) -> Result<(), Diagnostic> {
    let source = sources.get(file);
    if source.display_path.ends_with(".json") {
        let json: serde_json::Value =
            serde_json::from_str(&source.text).map_err(|e| Diagnostic {
                span: Span::new(file, {
                    let o = source.offset_of(e.line(), e.column()) as usize;
                    o..o
                }),
                message: format!("JSON syntax error: {e}"),
            })?;
        if let serde_json::Value::Object(map) = json {
            out.extend(map.into_iter().map(|(k, v)| (k, Value::from(v))));
        }
        return Ok(());
    }
    let body = parse(sources, file)?;
    for attr in body.attributes() {
        out.insert(
            attr.key.as_str().to_string(),
            Evaluator::eval_constant(&attr.value),
        );
    }
    Ok(())
}

/// A `--var NAME=VALUE`: lists and objects are HCL, anything else is the string itself.
pub fn parse_cli_var(value: &str) -> Value {
    let trimmed = value.trim_start();
    if (trimmed.starts_with('[') || trimmed.starts_with('{'))
        && let Ok(expr) = hcl_edit::parser::parse_expr(value)
    {
        return Evaluator::eval_constant(&expr);
    }
    Value::String(value.to_string())
}

/// Evaluates one module and lowers its resources into a model.
pub fn evaluate(
    sources: &SourceMap,
    module: &ModuleFiles,
    extra_var_files: &[FileId],
    cli_vars: &[(String, String)],
    marker_prefix: String,
) -> (Model, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut bodies: Vec<(FileId, Body)> = Vec::new();
    for &file in &module.tf_files {
        match parse(sources, file) {
            Ok(body) => bodies.push((file, body)),
            Err(d) => diagnostics.push(d),
        }
    }
    let mut inputs = HashMap::new();
    for &file in module.var_files.iter().chain(extra_var_files) {
        if let Err(d) = read_var_file(sources, file, &mut inputs) {
            diagnostics.push(d);
        }
    }
    for (name, value) in cli_vars {
        inputs.insert(name.clone(), parse_cli_var(value));
    }
    let decls = ModuleDecls::collect(&bodies);
    let evaluator = Evaluator::new(&decls, inputs, marker_prefix, module.display_dir.clone());
    let mut model = Model::default();
    for decl in decls.resources.values() {
        let Ok(instances) = evaluator.instances(decl) else {
            continue;
        };
        for instance in instances {
            let node = evaluator.instance_node(decl, &instance);
            let origin = Origin {
                address: instance.address.clone(),
                span: decl.header_span(),
            };
            lower::lower(&decl.ty, origin, &node, &mut model);
        }
    }
    (model, diagnostics)
}
