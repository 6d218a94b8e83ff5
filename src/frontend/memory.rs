//! Loading from text in memory: what [`load`](super::load) makes of the same files in one
//! directory tree, without reading the filesystem. The fuzz targets under `fuzz/` and the fuzz
//! regression tests feed their inputs through here.

use super::{
    BicepInputs, Deliver, Diagnostic, ModelSink, Workspace, add_source, bicep_references, display,
    evaluate_bicep, evaluate_terraform, is_auto_var_file, is_environment_var_file, is_tf,
    load_json, split_var_files, terraform, var_file_rank,
};
use crate::source::{FileId, SourceMap};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Loads `(relative path, text)` pairs as `load(["."])` loads a directory that holds exactly
/// these files: the `.tf` and `.tf.json` files of a directory are a module (with its
/// `terraform.tfvars` and `*.auto.tfvars`, and its other `*.tfvars` as environments), `.json`
/// files are templates, parameter files (of ARM and Bicep templates) or plans, `.bicep` and
/// `.bicepparam` files are Bicep. Local modules are followed to the
/// directories among the files; nothing is installed (`.terraform/modules` is not read). A later
/// pair with the same path replaces an earlier one.
pub fn load_texts(files: &[(&str, &str)], sink: &dyn ModelSink) -> Workspace {
    let deliver = Deliver {
        sink,
        external: None,
    };
    let by_path: BTreeMap<PathBuf, &str> = files
        .iter()
        .map(|(name, text)| (Path::new(".").join(name), *text))
        .collect();
    let mut sources = SourceMap::default();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    type TfDir = (Vec<FileId>, Vec<(PathBuf, FileId)>);
    let mut tf_dirs: BTreeMap<PathBuf, TfDir> = BTreeMap::new();
    let mut json_ids = Vec::new();
    let mut bicep_ids = Vec::new();
    // `.jsonc` and `.arm` files are templates only as Bicep modules, never stacks of their own.
    let mut module_template_ids = Vec::new();
    for (path, text) in by_path.clone() {
        let dir = terraform::normalize(path.parent().unwrap_or(Path::new(".")));
        let tf = is_tf(&path);
        let var_file = !tf && (is_auto_var_file(&path) || is_environment_var_file(&path));
        let other = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_string);
        let Some(id) = add_source(
            path.clone(),
            Ok(text.to_string()),
            &mut sources,
            &mut diagnostics,
        ) else {
            continue;
        };
        if tf {
            tf_dirs.entry(dir).or_default().0.push(id);
        } else if var_file {
            tf_dirs.entry(dir).or_default().1.push((path, id));
        } else {
            match other.as_deref() {
                Some("json") => json_ids.push(id),
                Some("jsonc" | "arm") => module_template_ids.push(id),
                Some("bicep" | "bicepparam") => bicep_ids.push(id),
                _ => {}
            }
        }
    }
    // A directory with only tfvars is not a module.
    tf_dirs.retain(|_, (tf, _)| !tf.is_empty());

    let mut parsed: Vec<terraform::ParsedDir> = Vec::new();
    for (dir, (tf, mut vars)) in tf_dirs {
        let mut tf_files = Vec::new();
        let mut calls = Vec::new();
        for id in tf {
            match terraform::parse(&sources, id) {
                Ok(body) => {
                    calls.extend(terraform::local_calls(&dir, &[(id, body)]));
                    tf_files.push(id);
                }
                Err(d) => diagnostics.push(d),
            }
        }
        vars.sort_by_key(|(path, _)| var_file_rank(path));
        let (environments, var_files) =
            split_var_files(vars.into_iter().map(|(_, id)| id).collect(), &sources);
        parsed.push(terraform::ParsedDir {
            display_dir: display(&dir),
            dir,
            tf_files,
            calls,
            var_files,
            environments,
            installed: HashMap::new(),
        });
    }
    let scanned: HashSet<PathBuf> = parsed.iter().map(|d| d.dir.clone()).collect();
    let called: HashSet<PathBuf> = parsed.iter().flat_map(|d| d.calls.clone()).collect();

    let planned_dirs = load_json(
        &sources,
        &json_ids,
        &parsed,
        &[],
        &[],
        &mut diagnostics,
        &deliver,
    );

    // Local `.json` modules are among the files; there is no Bicep cache in memory.
    let files: super::bicep_programs::BicepFiles =
        bicep_references(&sources, &bicep_ids).into_iter().collect();
    // The files the `load*` functions read are among the texts, or missing.
    let texts: HashMap<PathBuf, &str> = by_path
        .iter()
        .map(|(p, text)| (terraform::normalize(p), *text))
        .collect();
    let loaded = files
        .values()
        .flat_map(|(_, r)| &r.loads)
        .map(|p| {
            let bytes = texts.get(p).map(|t| t.as_bytes().to_vec());
            (
                p.clone(),
                bytes.ok_or_else(|| super::bicep_programs::NO_SUCH_FILE.to_string()),
            )
        })
        .collect();
    let read = BicepInputs {
        files,
        loaded,
        templates: json_ids
            .iter()
            .chain(&module_template_ids)
            .map(|&id| (terraform::normalize(&sources.get(id).path), id))
            .collect(),
        registry: HashMap::new(),
    };
    let bicep_paths: Vec<PathBuf> = bicep_ids
        .iter()
        .map(|&id| terraform::normalize(&sources.get(id).path))
        .collect();
    let parameters = super::json_inputs::ParameterFiles::new(&sources, json_ids, &[]);
    diagnostics.extend(evaluate_bicep(
        &sources,
        &read,
        &bicep_paths,
        &parameters,
        &deliver,
    ));

    evaluate_terraform(
        &sources,
        &parsed,
        &scanned,
        &called,
        &planned_dirs,
        &[],
        &[],
        &Default::default(),
        &mut diagnostics,
        &deliver,
    );
    Workspace {
        sources,
        diagnostics,
        undeclared_vars: Vec::new(),
    }
}
