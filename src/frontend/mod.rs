//! Front ends: find the files under the given paths, parse and evaluate them, and fill the model.

pub mod arm_shape;
pub mod terraform;

use crate::model::Model;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A file that could not be read or parsed (reported as FL001).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
}

#[derive(Default)]
pub struct Options {
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
}

/// Everything loaded from the scanned paths.
pub struct Workspace {
    pub sources: SourceMap,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

/// A usage or I/O problem that stops the run (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules", ".terragrunt-cache"];

fn is_tf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf")
}

fn is_auto_var_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    matches!(name, "terraform.tfvars" | "terraform.tfvars.json")
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Terraform's tfvars precedence: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars
/// (and .json) in lexical order.
fn var_file_rank(path: &Path) -> (u8, String) {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    match name.as_str() {
        "terraform.tfvars" => (0, name),
        "terraform.tfvars.json" => (1, name),
        _ => (2, name),
    }
}

pub fn load(paths: &[PathBuf], options: &Options) -> Result<Workspace, LoadError> {
    // Module directory -> (tf files, tfvars files).
    let mut modules: BTreeMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for root in paths {
        let meta =
            std::fs::metadata(root).map_err(|e| LoadError(format!("{}: {e}", root.display())))?;
        if meta.is_file() {
            let dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            collect_dir(&dir, &mut modules, false);
            continue;
        }
        collect_dir(root, &mut modules, true);
    }
    for files in modules.values_mut() {
        files.0.sort();
        files.1.sort_by_key(|p| var_file_rank(p));
    }
    let var_file_paths: Vec<PathBuf> = options.var_files.clone();
    for p in &var_file_paths {
        if !p.is_file() {
            return Err(LoadError(format!("{}: no such var file", p.display())));
        }
    }
    // Read every file in parallel; keep a deterministic order for the source map.
    let all: Vec<PathBuf> = modules
        .values()
        .flat_map(|(tf, vars)| tf.iter().chain(vars.iter()).cloned())
        .chain(var_file_paths.iter().cloned())
        .collect();
    let read: Vec<(PathBuf, Result<String, String>)> =
        all.par_iter().map(|p| (p.clone(), read_text(p))).collect();
    let mut sources = SourceMap::default();
    let mut ids: BTreeMap<PathBuf, FileId> = BTreeMap::new();
    for (path, text) in read {
        let id = sources.add(SourceFile::new(
            path.clone(),
            display(&path),
            text.clone().unwrap_or_default(),
        ));
        match text {
            Ok(_) => {
                ids.insert(path, id);
            }
            Err(message) => diagnostics.push(Diagnostic {
                span: Span::file_start(id),
                message,
            }),
        }
    }
    let extra_var_files: Vec<FileId> = var_file_paths
        .iter()
        .filter_map(|p| ids.get(p).copied())
        .collect();
    let module_files: Vec<terraform::ModuleFiles> = modules
        .iter()
        .map(|(dir, (tf, vars))| terraform::ModuleFiles {
            display_dir: display(dir),
            tf_files: tf.iter().filter_map(|p| ids.get(p).copied()).collect(),
            var_files: vars.iter().filter_map(|p| ids.get(p).copied()).collect(),
        })
        .collect();
    let results: Vec<(Model, Vec<Diagnostic>)> = module_files
        .par_iter()
        .enumerate()
        .map(|(i, m)| {
            terraform::evaluate(
                &sources,
                m,
                &extra_var_files,
                &options.vars,
                format!("tf{i}"),
            )
        })
        .collect();
    let mut model = Model::default();
    for (part, diags) in results {
        model.absorb(part);
        diagnostics.extend(diags);
    }
    model.finish();
    Ok(Workspace {
        sources,
        model,
        diagnostics,
    })
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not valid UTF-8 (first invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn collect_dir(
    dir: &Path,
    modules: &mut BTreeMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)>,
    recursive: bool,
) {
    let walker = walkdir::WalkDir::new(dir)
        .max_depth(if recursive { usize::MAX } else { 1 })
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_dir()
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n))
        });
    for entry in walker.flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if is_tf(path) {
            modules
                .entry(parent)
                .or_default()
                .0
                .push(path.to_path_buf());
        } else if is_auto_var_file(path) {
            modules
                .entry(parent)
                .or_default()
                .1
                .push(path.to_path_buf());
        }
    }
    // A directory with only tfvars is not a module.
    modules.retain(|_, (tf, _)| !tf.is_empty());
}
