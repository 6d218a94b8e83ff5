//! The Terraform front end. A directory of `.tf` files is a module. Root modules take variable
//! values from defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file` and `--var`, in
//! Terraform's order of precedence; child modules take them from the `module` block that calls
//! them, and give their outputs back. A directory that is only ever called as a module is
//! evaluated through its calls, not on its own with empty inputs.

mod calls;
mod eval;
pub mod function_table;
mod functions;
pub mod json_syntax;
mod lower;
mod module;
pub mod plan;
mod schema;
mod trace;
mod types;

pub use calls::{is_local_source, normalize};

use super::Diagnostic;
use crate::model::{Model, NotRestored, OpaqueCall, Origin, TraceStep, Uncounted};
use crate::source::{FileId, SourceMap, Span};
use crate::value::Value;
use eval::{Evaluator, ModuleContext};
use hcl_edit::Span as _;
use hcl_edit::structure::Body;
use module::ModuleDecls;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One parsed module directory.
pub struct ParsedDir {
    pub dir: PathBuf,
    pub display_dir: String,
    /// The `.tf` files (less those discovery found broken).
    pub tf_files: Vec<FileId>,
    /// The directories of the local modules it calls.
    pub calls: Vec<PathBuf>,
    /// tfvars files in precedence order (later wins); used when the directory is a root.
    pub var_files: Vec<FileId>,
    /// The other `*.tfvars` / `*.tfvars.json` files (`prod.tfvars`): when the directory is a
    /// root, each is an environment, loaded after `var_files` as `-var-file` would be.
    pub environments: Vec<FileId>,
    /// Modules `terraform init` installed for this directory as a root (key -> directory).
    pub installed: HashMap<String, PathBuf>,
}

/// The module directories an evaluation can call, by normalised path, with their display paths.
pub struct Project<'a> {
    pub modules: HashMap<PathBuf, (String, ModuleDecls<'a>)>,
}

impl<'a> Project<'a> {
    /// Module directories with the syntax trees of their files.
    pub fn new(dirs: Vec<(&'a ParsedDir, Vec<(FileId, &'a Body)>)>) -> Project<'a> {
        Project {
            modules: dirs
                .into_iter()
                .map(|(d, files)| {
                    (
                        d.dir.clone(),
                        (d.display_dir.clone(), ModuleDecls::collect(files)),
                    )
                })
                .collect(),
        }
    }
}

/// Calls a Terraform built-in function on evaluated arguments (`try` and `can`, which take
/// their arguments unevaluated, are the evaluator's).
pub fn call_function(name: &str, args: Vec<Value>) -> Value {
    functions::call(name, args)
}

/// Syntax trees of the files that parse, and the errors of the others.
pub type ParsedFiles = (Vec<(FileId, Body)>, Vec<Diagnostic>);

/// Parses files; the syntax trees of those that parse, and the errors of those that do not (a
/// file's errors may be reported more than once: findings are deduplicated).
pub fn parse_files(
    sources: &SourceMap,
    files: &[FileId],
) -> (Vec<(FileId, Body)>, Vec<Diagnostic>) {
    let mut trees = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for &file in files {
        match parse(sources, file) {
            Ok(body) => trees.push((file, body)),
            Err(d) => errors.push(d),
        }
    }
    (trees, errors)
}

/// Parses a `.tf` or `.tfvars` file; a syntax error becomes a diagnostic at its line and column.
pub fn parse(sources: &SourceMap, file: FileId) -> Result<Body, Diagnostic> {
    let source = sources.get(file);
    hcl_edit::parser::parse_body(source.parse_text()).map_err(|e| {
        let loc = e.location();
        let offset = match &source.translation {
            // The error is in the translation: report it where it maps in the JSON.
            Some(t) => {
                crate::source::SourceFile::new(Default::default(), String::new(), t.text.clone())
                    .offset_of(loc.line(), loc.column())
            }
            None => source.offset_of(loc.line(), loc.column()),
        };
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

/// The directories of the local modules a directory calls.
pub fn local_calls(dir: &Path, bodies: &[(FileId, Body)]) -> Vec<PathBuf> {
    bodies
        .iter()
        .flat_map(|(_, body)| body.blocks())
        .filter(|b| b.ident.as_str() == "module")
        .filter_map(|b| {
            b.body
                .get_attribute("source")?
                .value
                .as_str()
                .map(str::to_string)
        })
        .filter(|source| is_local_source(source))
        .map(|source| normalize(&dir.join(source)))
        .collect()
}

/// The modules `terraform init` installed for a root directory, from
/// `<data dir>/modules/modules.json` (key -> directory). The data directory is `.terraform`, or
/// `TF_DATA_DIR` when set, as for Terraform itself (relative to the root it runs in).
pub fn installed_modules(dir: &Path) -> HashMap<String, PathBuf> {
    let data_dir = std::env::var_os("TF_DATA_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from(".terraform"), PathBuf::from);
    installed_modules_in(dir, &data_dir)
}

fn installed_modules_in(dir: &Path, data_dir: &Path) -> HashMap<String, PathBuf> {
    let manifest = dir.join(data_dir).join("modules/modules.json");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return HashMap::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return HashMap::new();
    };
    json.get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let key = m.get("Key")?.as_str()?;
            let module_dir = m.get("Dir")?.as_str()?;
            (!key.is_empty()).then(|| (key.to_string(), normalize(&dir.join(module_dir))))
        })
        .collect()
}

/// Variable values from one tfvars file (HCL or JSON), and where each is written.
/// Whether a var file given with `--var-file` reads; its error when it does not.
pub fn check_var_file(sources: &SourceMap, file: FileId) -> Result<(), Diagnostic> {
    read_var_file(sources, file, &mut HashMap::new(), &mut HashMap::new())
}

fn read_var_file(
    sources: &SourceMap,
    file: FileId,
    out: &mut HashMap<String, Value>,
    traces: &mut HashMap<String, Vec<TraceStep>>,
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
        let name = attr.key.as_str().to_string();
        let span = Span::new(file, attr.span().unwrap_or(0..0));
        let text = crate::frontend::excerpt(&source.text, span);
        traces.insert(name.clone(), vec![TraceStep { span, text }]);
        out.insert(name, Evaluator::eval_constant(&attr.value));
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

/// Evaluates a root module and every module it calls, and lowers their resources.
pub fn evaluate_root(
    sources: &SourceMap,
    project: &Project,
    root: &ParsedDir,
    extra_var_files: &[FileId],
    cli_vars: &[(String, String)],
    declared_cli_vars: &std::sync::Mutex<std::collections::HashSet<String>>,
    marker_prefix: String,
) -> (Model, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut inputs = HashMap::new();
    let mut input_traces = HashMap::new();
    for &file in root.var_files.iter().chain(extra_var_files) {
        if let Err(d) = read_var_file(sources, file, &mut inputs, &mut input_traces) {
            diagnostics.push(d);
        }
    }
    for (name, value) in cli_vars {
        inputs.insert(name.clone(), parse_cli_var(value));
        input_traces.remove(name);
    }
    let mut model = Model::default();
    // A root that is also called somewhere was kept parsed; any other parses its files now.
    let own_trees: Vec<(FileId, Body)> = match project.modules.contains_key(&root.dir) {
        true => Vec::new(),
        false => {
            let (trees, errors) = parse_files(sources, &root.tf_files);
            diagnostics.extend(errors);
            trees
        }
    };
    let own_decls = ModuleDecls::collect(own_trees.iter().map(|(f, b)| (*f, b)));
    let (display_dir, decls) = match project.modules.get(&root.dir) {
        Some((display_dir, decls)) => (display_dir, decls),
        None => (&root.display_dir, &own_decls),
    };
    let context = ModuleContext {
        project: Some(project),
        dir: root.dir.clone(),
        display_dir: display_dir.clone(),
        installed: Some(&root.installed),
        sources: Some(sources),
        callers: vec![root.dir.clone()],
        ..ModuleContext::default()
    };
    let declared: Vec<String> = cli_vars
        .iter()
        .filter(|(name, _)| decls.variables.contains_key(name))
        .map(|(name, _)| name.clone())
        .collect();
    if !declared.is_empty() {
        declared_cli_vars
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend(declared);
    }
    let evaluator =
        Evaluator::new(decls, inputs, marker_prefix, context).with_input_traces(input_traces);
    lower_module(&evaluator, &[], &root.display_dir, &mut model);
    model
        .invalid_configurations
        .append(&mut evaluator.context.invalid.borrow_mut());
    (model, diagnostics)
}

/// The ARM type a declaration creates: azapi's `type` when it is a literal, else the azurerm
/// type's, else the Terraform type itself.
fn arm_type_of(evaluator: &Evaluator, decl: &module::ResourceDecl) -> String {
    if decl.ty == "azapi_resource"
        && let Some(ty) = decl.block.body.get_attribute("type")
        && let Value::String(ty) = evaluator.eval(&ty.value, &Default::default())
    {
        return ty.split('@').next().unwrap_or_default().to_string();
    }
    schema::arm_type(&decl.ty).unwrap_or(&decl.ty).to_string()
}

/// Lowers the resources of one module instance, then of the modules it calls. `via` is the
/// chain of module calls that leads here (address and call site); `root_dir` is where
/// `terraform init` runs.
fn lower_module(evaluator: &Evaluator, via: &[(String, Span)], root_dir: &str, model: &mut Model) {
    let prefix = evaluator.context.address_prefix.clone();
    for decl in evaluator.decls.resources.values() {
        let instances = match evaluator.instances(decl) {
            Ok(instances) => instances,
            Err(reason) => {
                model.uncounted.push(Uncounted {
                    origin: Origin {
                        address: format!("{prefix}{}.{}", decl.ty, decl.name),
                        span: decl.header_span(),
                        via: via.to_vec(),
                    },
                    resource_type: arm_type_of(evaluator, decl),
                    reason,
                });
                continue;
            }
        };
        // Resources past the budget are not lowered, as a `count` past its bound is not; like
        // it, they may stand for anything.
        if let Err(reason) = evaluator.context.budget.iterations(instances.len()) {
            model.uncounted.push(Uncounted {
                origin: Origin {
                    address: format!("{prefix}{}.{}", decl.ty, decl.name),
                    span: decl.header_span(),
                    via: via.to_vec(),
                },
                resource_type: arm_type_of(evaluator, decl),
                reason,
            });
            continue;
        }
        // Every instance of a declaration computes a value the same way: its traces are kept
        // once, under the declaration's address.
        let declaration = format!("{prefix}{}.{}", decl.ty, decl.name);
        for instance in instances {
            let node = evaluator.instance_node(decl, &instance);
            let origin = Origin {
                address: format!("{prefix}{}", instance.address),
                span: decl.header_span(),
                via: via.to_vec(),
            };
            for (span, steps) in evaluator.take_traces() {
                model
                    .traces
                    .entry((declaration.clone(), span))
                    .or_insert(steps);
            }
            lower::lower(&decl.ty, origin, &node, model);
        }
    }
    for (name, call) in &evaluator.decls.module_calls {
        let children = evaluator.module_children(name);
        let Ok(children) = children.as_ref() else {
            model.opaque_calls.push(OpaqueCall {
                origin: Origin {
                    address: format!("{prefix}module.{name}"),
                    span: call.header_span(),
                    via: via.to_vec(),
                },
                arguments: call
                    .block
                    .body
                    .attributes()
                    .flat_map(|a| evaluator.eval(&a.value, &Default::default()).strings())
                    .collect(),
                not_restored: evaluator.unrestored_source(call).map(|source| NotRestored {
                    source,
                    restore: format!(
                        "run `terraform get` (or `terraform init -backend=false`) in `{root_dir}`"
                    ),
                }),
            });
            continue;
        };
        for child in children {
            let mut chain = via.to_vec();
            chain.push((
                format!("{prefix}{}", child.instance.address),
                call.header_span(),
            ));
            lower_module(&child.evaluator, &chain, root_dir, model);
        }
    }
    evaluator.evaluate_unread_locals();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_modules_are_read_from_the_data_directory() {
        let root = tempfile::tempdir().expect("temp dir");
        let modules = root.path().join("tfdata/modules");
        std::fs::create_dir_all(&modules).expect("mkdir");
        std::fs::write(
            modules.join("modules.json"),
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"net","Source":"registry.terraform.io/a/b/c","Version":"1.0.0","Dir":"tfdata/modules/net"}]}"#,
        )
        .expect("write");
        let found = installed_modules_in(root.path(), Path::new("tfdata"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found["net"],
            normalize(&root.path().join("tfdata/modules/net"))
        );
        assert!(installed_modules_in(root.path(), Path::new(".terraform")).is_empty());
        // A truncated manifest installs nothing rather than failing.
        std::fs::write(modules.join("modules.json"), r#"{"Modules":[{"Key":"net","#)
            .expect("write");
        assert!(installed_modules_in(root.path(), Path::new("tfdata")).is_empty());
    }
}
