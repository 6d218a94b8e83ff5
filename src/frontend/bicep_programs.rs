//! Bicep: files read with what they name (modules, imports, the compiled templates they call,
//! registry modules from the Bicep cache), then parsed, evaluated and checked one program at a
//! time.

use super::groups::{components, entries, sets_sharing};
use super::json_inputs::ParameterFiles;
use super::{
    BICEP, Deliver, DeliveryOrder, Diagnostic, MAX_MODULE_DIRS, arm, bicep, discover, read_files,
    terraform,
};
use crate::model::Model;
use crate::source::{FileId, SourceMap, Span};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Bicep files by path: each file's id and what it names.
pub(super) type BicepFiles = HashMap<PathBuf, (FileId, bicep::references::References)>;

/// What the Bicep programs of a run read.
#[derive(Default)]
pub(super) struct BicepInputs {
    pub files: BicepFiles,
    /// Compiled templates the files call as modules or import from, by path: local `.json`
    /// files and registry modules found in the Bicep cache.
    pub templates: HashMap<PathBuf, FileId>,
    /// Where the cache keeps each registry reference, by (file naming it, reference).
    pub registry: HashMap<(PathBuf, String), Result<bicep::registry::Cached, String>>,
    /// Files the `load*` functions read when Bicep compiles, by path: their bytes (an open
    /// editor buffer's text first), or why they cannot be read.
    pub loaded: HashMap<PathBuf, Result<Vec<u8>, String>>,
}

/// Bicep: reads the files, the local modules they call and the files they import from, and
/// what each names, then the compiled templates they use (local ones, and registry modules
/// from the Bicep cache under `cache_root` or where `bicepconfig.json` says); returns them and
/// the scanned paths (they are parsed and evaluated by [`evaluate_bicep`]). A cache entry that
/// cannot be read is left out: the module is not restored.
pub(super) fn read_bicep(
    paths: Vec<PathBuf>,
    json_read: &[FileId],
    cache_root: Option<PathBuf>,
    buffers: &super::Buffers,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BicepInputs, Vec<PathBuf>) {
    let mut read: BicepFiles = HashMap::new();
    let mut pending: Vec<PathBuf> = paths.iter().map(|p| terraform::normalize(p)).collect();
    let scanned: Vec<PathBuf> = pending.clone();
    while !pending.is_empty() && read.len() < MAX_MODULE_DIRS {
        let mut batch: Vec<PathBuf> = std::mem::take(&mut pending)
            .into_iter()
            .filter(|p| !read.contains_key(p))
            .collect();
        batch.sort();
        batch.dedup();
        let ids = read_files(&batch, buffers, sources, diagnostics);
        for (path, file) in bicep_references(sources, &ids) {
            pending.extend(
                file.1
                    .modules
                    .iter()
                    .chain(&file.1.imports)
                    .filter(|m| !read.contains_key(*m) && m.is_file())
                    .cloned(),
            );
            read.insert(path, file);
        }
    }
    let mut loads: Vec<&PathBuf> = read.values().flat_map(|(_, r)| &r.loads).collect();
    loads.sort();
    loads.dedup();
    let loaded = loads
        .par_iter()
        .map(|&p| {
            let bytes = match buffers.text(p) {
                Some(text) => Ok(text.into_bytes()),
                None => std::fs::read(p).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => NO_SUCH_FILE.to_string(),
                    kind => kind.to_string(),
                }),
            };
            (p.clone(), bytes)
        })
        .collect();
    let mut inputs = BicepInputs {
        files: read,
        loaded,
        ..BicepInputs::default()
    };
    let already: HashMap<PathBuf, FileId> = json_read
        .iter()
        .map(|&id| (terraform::normalize(&sources.get(id).path), id))
        .collect();
    let mut local: Vec<PathBuf> = Vec::new();
    for template in inputs.files.values().flat_map(|(_, r)| r.templates.iter()) {
        match already.get(template) {
            Some(&id) => {
                inputs.templates.insert(template.clone(), id);
            }
            None if template.is_file() => local.push(template.clone()),
            None => {}
        }
    }
    local.sort();
    local.dedup();
    let ids = read_files(&local, buffers, sources, diagnostics);
    inputs.templates.extend(
        ids.into_iter()
            .map(|id| (terraform::normalize(&sources.get(id).path), id)),
    );
    let mut cache = bicep::registry::Cache::new(cache_root);
    let mut named: Vec<(&PathBuf, &String)> = inputs
        .files
        .iter()
        .flat_map(|(path, (_, r))| r.registry.iter().map(move |reference| (path, reference)))
        .collect();
    named.sort();
    for (path, reference) in named {
        let cached = cache.resolve(path, reference);
        if let Ok(entry) = &cached
            && !inputs.templates.contains_key(&entry.main)
            && let Ok(text) = std::fs::read_to_string(&entry.main)
            && let Some(id) = super::add_source(entry.main.clone(), Ok(text), sources, diagnostics)
        {
            // Someone else's module, restored: findings in it land where the user's files lead.
            sources.mark_vendored(id);
            inputs.templates.insert(entry.main.clone(), id);
        }
        inputs
            .registry
            .insert((path.clone(), reference.clone()), cached);
    }
    (inputs, scanned)
}

/// Why a file a `load*` function names cannot be read, when it is not there.
pub(super) const NO_SUCH_FILE: &str = "the file does not exist";

/// What each Bicep file names, by its normalized path.
pub(super) fn bicep_references(
    sources: &SourceMap,
    ids: &[FileId],
) -> Vec<(PathBuf, (FileId, bicep::references::References))> {
    ids.par_iter()
        .map(|&id| {
            let source = sources.get(id);
            let path = terraform::normalize(&source.path);
            let references = bicep::references::references(&path, &source.text);
            (path, (id, references))
        })
        .collect()
}

/// One environment of a Bicep program: what its entry is evaluated with.
enum Environment<'p> {
    /// An entry `.bicep` that no parameter file is for, with its defaults.
    Defaults(&'p PathBuf),
    /// A `.bicepparam` file (its template is the one it `using`s).
    BicepParam(&'p PathBuf),
    /// An entry `.bicep` with a JSON parameter file (by name or `--parameters`), and its values.
    Json(&'p PathBuf, FileId, HashMap<String, crate::value::Value>),
}

impl Environment<'_> {
    fn entry(&self) -> &PathBuf {
        match self {
            Environment::Defaults(p) | Environment::BicepParam(p) | Environment::Json(p, _, _) => p,
        }
    }
}

/// Evaluates the Bicep environments: each `.bicepparam` among the scanned files, each JSON
/// parameter file of a scanned entry `.bicep` (paired as ARM templates pair with theirs,
/// `parameters`), and every scanned entry `.bicep` that no parameter file is for; a file another
/// calls as a module is no entry. Files are parsed
/// one program at a time (an entry, its parameter files and the modules it reaches, transitively
/// joined), so only the syntax trees of the programs in hand are in memory; every file is parsed
/// once and its syntax errors are returned.
pub(super) fn evaluate_bicep(
    sources: &SourceMap,
    inputs: &BicepInputs,
    scanned: &[PathBuf],
    parameters: &ParameterFiles,
    deliver: &Deliver,
) -> Vec<Diagnostic> {
    let read = &inputs.files;
    let mut identities = discover::Identities::default();
    let paths: Vec<&PathBuf> = read.keys().collect();
    let position: HashMap<&PathBuf, usize> =
        paths.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let calls: Vec<Vec<usize>> = paths
        .iter()
        .map(|p| {
            let modules = read[*p].1.modules.iter();
            modules.filter_map(|m| position.get(m).copied()).collect()
        })
        .collect();
    // A file another file calls is a module, unless the call comes back from the file's own
    // cycle of modules (a module that uses itself): then the cycle's first file is the entry.
    let component = components(&calls);
    let modules: HashSet<PathBuf> = paths
        .iter()
        .flat_map(|p| read[*p].1.modules.iter().map(move |m| (*p, m)))
        .filter(|(p, m)| {
            position
                .get(m)
                .is_none_or(|&t| component[t] != component[position[p]])
        })
        .map(|(_, m)| identities.file(m))
        .collect();
    let mut environments: Vec<Environment> = Vec::new();
    let mut with_params: HashSet<PathBuf> = HashSet::new();
    for path in scanned
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bicepparam"))
    {
        if let Some(template) = read.get(path).and_then(|(_, r)| r.using.as_ref()) {
            with_params.insert(identities.file(template));
            environments.push(Environment::BicepParam(path));
        }
    }
    // A file is an entry when nothing outside its own cycle of modules calls it.
    let mut eligible = vec![false; paths.len()];
    for path in scanned
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bicep"))
    {
        if let Some(&i) = position.get(path) {
            eligible[i] = !modules.contains(&identities.file(path));
        }
    }
    let entry = entries(&calls, &eligible);
    // A JSON file pairs by name whatever it holds; only deployment parameter files count.
    let mut json_values: HashMap<FileId, Option<HashMap<String, crate::value::Value>>> =
        HashMap::new();
    let mut defaults = Vec::new();
    for path in scanned
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bicep"))
    {
        let Some((id, _)) = read.get(path) else {
            continue;
        };
        if !position.get(path).is_some_and(|&i| entry[i]) {
            continue;
        }
        let mut paired = false;
        for pf in parameters.of_template(sources, &sources.get(*id).path) {
            let values = json_values.entry(pf).or_insert_with(|| {
                let doc = crate::json::parse(&sources.get(pf).text, pf).ok()??;
                (arm::classify(&doc) == Some(arm::Kind::Parameters))
                    .then(|| arm::parameter_values(&doc))
            });
            if let Some(values) = values {
                environments.push(Environment::Json(path, pf, values.clone()));
                paired = true;
            }
        }
        if !paired && !with_params.contains(&identities.file(path)) {
            defaults.push(Environment::Defaults(path));
        }
    }
    environments.extend(defaults);
    // Programs: files joined by the modules, imports and templates they name.
    let names: Vec<Vec<usize>> = paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let (_, references) = &read[*path];
            let targets = references
                .modules
                .iter()
                .chain(&references.imports)
                .chain(references.using.as_ref());
            let mut list: Vec<usize> = targets.filter_map(|t| position.get(t).copied()).collect();
            list.push(i);
            list
        })
        .collect();
    let mut program_of = vec![0; paths.len()];
    let mut programs: Vec<(Vec<&PathBuf>, Vec<usize>)> = sets_sharing(&names, paths.len())
        .into_iter()
        .enumerate()
        .map(|(p, files)| {
            for &i in &files {
                program_of[i] = p;
            }
            (files.into_iter().map(|i| paths[i]).collect(), Vec::new())
        })
        .collect();
    for (e, environment) in environments.iter().enumerate() {
        programs[program_of[position[environment.entry()]]]
            .1
            .push(e);
    }
    // A compiled template that several programs use (a landing zone calls the same registry
    // module from many) is parsed once for the run; any other with its program.
    let mut uses: HashMap<&PathBuf, usize> = HashMap::new();
    for (files_of_program, environments_of_program) in &programs {
        if environments_of_program.is_empty() {
            continue;
        }
        let used: HashSet<&PathBuf> = files_of_program
            .iter()
            .flat_map(|path| templates_used(inputs, path, &read[*path].1))
            .collect();
        for template in used {
            *uses.entry(template).or_default() += 1;
        }
    }
    let shared: bicep::program::Templates = uses
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .filter_map(|(path, _)| Some((path, *inputs.templates.get(path)?)))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(path, id)| {
            let json = crate::json::parse(&sources.get(id).text, id).ok().flatten();
            (path.clone(), (id, json))
        })
        .collect();
    programs
        .par_iter()
        .flat_map_iter(|(files_of_program, environments_of_program)| {
            let mut diagnostics = Vec::new();
            let mut files = bicep::program::Files {
                sources: Some(sources),
                shared_templates: Some(&shared),
                ..Default::default()
            };
            for path in files_of_program {
                let (id, references) = &read[*path];
                let id = *id;
                program_templates(inputs, path, references, sources, &mut files);
                for load in &references.loads {
                    if let Some(bytes) = inputs.loaded.get(load) {
                        files.loaded.insert(load.clone(), bytes.clone());
                    }
                }
                let (file, errors) = bicep::parse(&sources.get(id).text);
                diagnostics.extend(errors.into_iter().map(|e| Diagnostic {
                    span: Span::new(id, e.span.clone()),
                    message: format!("Bicep syntax error: {}", e.message),
                }));
                files.by_path.insert((*path).clone(), (id, file));
            }
            for &e in environments_of_program {
                let (template, params, traces, at) = match &environments[e] {
                    Environment::BicepParam(entry) => {
                        match bicep::program::bicepparam(&files, entry) {
                            Some(given) => (
                                given.template,
                                given.values,
                                given.traces,
                                Some(Span::file_start(read[*entry].0)),
                            ),
                            None => continue,
                        }
                    }
                    Environment::Json(entry, pf, values) => (
                        (*entry).clone(),
                        declared_names(&files, entry, values),
                        HashMap::new(),
                        Some(Span::file_start(*pf)),
                    ),
                    Environment::Defaults(entry) => {
                        ((*entry).clone(), HashMap::new(), HashMap::new(), None)
                    }
                };
                let mut model = Model {
                    environment: at,
                    ..Model::default()
                };
                if let Some(program) = bicep::program::Program::new(&files, &template, params)
                    .map(|p| p.with_input_traces(traces))
                {
                    let lowered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let mut m = Model::default();
                        program.lower_into(&mut m);
                        m
                    }));
                    if let Ok(m) = lowered {
                        model.absorb(m);
                    }
                    diagnostics.extend(program.take_diagnostics());
                }
                deliver.deliver(
                    model,
                    DeliveryOrder(BICEP, e),
                    read[environments[e].entry()].0,
                );
            }
            diagnostics
        })
        .collect()
}

/// A JSON parameter file's values (by lower-case name: deployment parameter names are
/// case-insensitive) under the names the template declares them with.
fn declared_names(
    files: &bicep::program::Files<'_>,
    template: &PathBuf,
    values: &HashMap<String, crate::value::Value>,
) -> HashMap<String, crate::value::Value> {
    let Some((_, file)) = files.by_path.get(template) else {
        return HashMap::new();
    };
    file.statements
        .iter()
        .filter_map(|s| match s {
            bicep::ast::Statement::Param(p) => {
                let value = values.get(&p.name.name.to_ascii_lowercase())?;
                Some((p.name.name.clone(), value.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The compiled templates a file uses: local ones, and registry modules the cache holds.
fn templates_used<'i>(
    inputs: &'i BicepInputs,
    path: &Path,
    references: &'i bicep::references::References,
) -> Vec<&'i PathBuf> {
    let mut used: Vec<&PathBuf> = references.templates.iter().collect();
    for reference in &references.registry {
        let key = (path.to_path_buf(), reference.clone());
        if let Some(Ok(entry)) = inputs.registry.get(&key) {
            used.push(&entry.main);
        }
    }
    used
}

/// Adds the compiled templates a file uses (and where its registry references are cached) to
/// its program's files, each template parsed once per program unless the run shares it.
fn program_templates(
    inputs: &BicepInputs,
    path: &Path,
    references: &bicep::references::References,
    sources: &SourceMap,
    files: &mut bicep::program::Files<'_>,
) {
    for reference in &references.registry {
        let key = (path.to_path_buf(), reference.clone());
        if let Some(cached) = inputs.registry.get(&key) {
            files.registry.insert(key, cached.clone());
        }
    }
    for template in templates_used(inputs, path, references) {
        if files.templates.contains_key(template)
            || files
                .shared_templates
                .is_some_and(|shared| shared.contains_key(template))
        {
            continue;
        }
        if let Some(&id) = inputs.templates.get(template) {
            let json = crate::json::parse(&sources.get(id).text, id).ok().flatten();
            files.templates.insert(template.clone(), (id, json));
        }
    }
}
