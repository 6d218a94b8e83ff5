//! Front ends: find the files under the given paths, parse and evaluate them, and fill the model.

pub mod arm;
pub mod arm_shape;
pub mod bicep;
mod bicep_programs;
pub mod builtins;
mod cycles;
pub mod discover;
mod groups;
mod json_inputs;
pub mod memory;
pub mod terraform;
mod terraform_roots;

use bicep_programs::{BicepInputs, bicep_references, evaluate_bicep, read_bicep};
use json_inputs::load_json;
use terraform_roots::evaluate_terraform;

use crate::model::Model;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A file that could not be read or parsed (reported as FL001).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
}

/// Characters of a source excerpt shown in a trace step.
const MAX_EXCERPT: usize = 120;

/// Steps a value's trace keeps at most, in every language: enough to reach the input, short
/// enough to read.
pub const MAX_TRACE_STEPS: usize = 8;

/// A trace with each place shown once: two reads may lead to the same definition.
pub fn each_place_once(mut steps: Vec<crate::model::TraceStep>) -> Vec<crate::model::TraceStep> {
    let mut shown = std::collections::HashSet::new();
    steps.retain(|step| shown.insert(step.span));
    steps
}

/// The source text of a span, on one line and shortened: what a trace step shows.
pub fn excerpt(text: &str, span: Span) -> String {
    let raw = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default();
    let mut one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_EXCERPT {
        one_line = one_line.chars().take(MAX_EXCERPT).collect::<String>() + "…";
    }
    one_line
}

#[derive(Default)]
pub struct Options {
    /// Glob patterns of paths not to lint (`**/examples/**`).
    pub exclude: Vec<String>,
    pub var_files: Vec<PathBuf>,
    /// ARM parameter files given on the command line (each an environment of every template).
    pub parameters: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    /// Virtual networks outside the repository (a hub the stack peers with), declared in the
    /// configuration file.
    pub external_networks: Option<ExternalNetworks>,
    /// The Bicep cache root instead of `~/.bicep` or `bicepconfig.json`'s `cacheRootDirectory`.
    pub bicep_cache: Option<PathBuf>,
    /// `[template-links]` of the configuration file: URL prefixes of linked ARM templates and
    /// the directories that hold them.
    pub template_links: Vec<(String, PathBuf)>,
    /// Texts read instead of the files on disk (an editor's unsaved buffers).
    pub buffers: Buffers,
    /// Walk directories without honouring `.gitignore`, `.ignore` and git's excludes.
    pub no_ignore: bool,
}

/// Texts that take the place of files on disk, by [`discover::identity`]: an editor's open
/// buffers are linted as they are, not as they were last saved.
#[derive(Clone, Debug, Default)]
pub struct Buffers(HashMap<PathBuf, String>);

impl Buffers {
    pub fn insert(&mut self, path: &Path, text: String) {
        self.0.insert(discover::identity(path), text);
    }

    pub fn remove(&mut self, path: &Path) {
        self.0.remove(&discover::identity(path));
    }

    pub fn contains(&self, path: &Path) -> bool {
        !self.0.is_empty() && self.0.contains_key(&discover::identity(path))
    }

    pub fn text(&self, path: &Path) -> Option<String> {
        self.0.get(&discover::identity(path)).cloned()
    }

    /// The buffers of `dir` whose file is not on disk (a new file not saved yet, as `dir`
    /// spells it): a directory listing does not show them.
    fn unsaved_in(&self, dir: &Path) -> Vec<PathBuf> {
        if self.0.is_empty() {
            return Vec::new();
        }
        let dir_id = discover::dir_identity(dir);
        let mut out: Vec<PathBuf> = self
            .0
            .keys()
            .filter(|id| id.parent() == Some(dir_id.as_path()) && !id.exists())
            .filter_map(|id| Some(dir.join(id.file_name()?)))
            .collect();
        out.sort();
        out
    }

    /// The buffer's text, or the file's.
    fn read(&self, path: &Path) -> Result<String, String> {
        if !self.0.is_empty()
            && let Some(text) = self.0.get(&discover::identity(path))
        {
            return Ok(text.clone());
        }
        read_text(path)
    }
}

/// VNets the configuration file declares: its path and text (findings point into it) and each
/// network's id, address space and location with their byte ranges in the text.
pub struct ExternalNetworks {
    pub path: PathBuf,
    pub text: String,
    pub networks: Vec<ExternalNetwork>,
}

pub struct ExternalNetwork {
    pub id: (String, std::ops::Range<usize>),
    pub address_space: Vec<(String, std::ops::Range<usize>)>,
    pub location: Option<(String, std::ops::Range<usize>)>,
}

/// What was loaded from the scanned paths, besides the models (which went to the sink).
pub struct Workspace {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// `--var` names that no Terraform root declares (terraform warns about them).
    pub undeclared_vars: Vec<String>,
}

/// Where the front ends deliver each model as soon as it is finished (one per environment: a
/// Terraform root or roots that refer to each other, a plan, an ARM template with one of its
/// parameter files, a Bicep entry or `.bicepparam`), so that no run holds every model at once.
pub trait ModelSink: Sync {
    /// Takes a finished model and a file of its stack (the template, the Bicep entry, the plan,
    /// a file of the Terraform root); returns its delivery number.
    fn accept(&self, model: Model, order: DeliveryOrder, entry: FileId) -> usize;
    /// Withdraws an earlier delivery that a later model stands for (Terraform roots checked
    /// alone, then found to refer to each other).
    fn withdraw(&self, delivery: usize);
}

/// Where a model stands among the others in reports: Terraform roots, plans, ARM environments,
/// Bicep environments, each in the order of their files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeliveryOrder(pub u8, pub usize);

/// What kind of stack a model is of, for the report's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StackKind {
    Terraform,
    Plan,
    Arm,
    Bicep,
}

impl DeliveryOrder {
    pub fn kind(self) -> StackKind {
        match self.0 {
            TERRAFORM => StackKind::Terraform,
            PLAN => StackKind::Plan,
            ARM => StackKind::Arm,
            _ => StackKind::Bicep,
        }
    }
}

/// Finishes models and hands them to the sink.
struct Deliver<'a> {
    sink: &'a dyn ModelSink,
    external: Option<(&'a ExternalNetworks, FileId)>,
}

impl Deliver<'_> {
    fn deliver(&self, mut model: Model, order: DeliveryOrder, entry: FileId) -> usize {
        if let Some((external, file)) = self.external {
            add_external_networks(&mut model, external, file);
        }
        model.finish();
        self.sink.accept(model, order, entry)
    }
}

const TERRAFORM: u8 = 0;
const PLAN: u8 = 1;
const ARM: u8 = 2;
const BICEP: u8 = 3;

/// A usage or I/O problem that stops the run (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

/// `.bicep` is the Bicep CLI's module cache (a repository may keep it for CI): its templates are read
/// as the modules they are, not linted on their own.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".terraform",
    "node_modules",
    ".terragrunt-cache",
    ".bicep",
];

fn is_tf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf")
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".tf.json"))
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

/// A Terraform variable file that is not always loaded (`prod.tfvars`, `dev.tfvars.json`): an
/// environment of its root.
fn is_environment_var_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    (name.ends_with(".tfvars") || name.ends_with(".tfvars.json")) && !is_auto_var_file(path)
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

/// A directory's variable files: (environments, always-loaded files), each in the given order.
fn split_var_files(files: Vec<FileId>, sources: &SourceMap) -> (Vec<FileId>, Vec<FileId>) {
    files
        .into_iter()
        .partition(|&f| is_environment_var_file(&sources.get(f).path))
}

/// How many module directories one run follows at most (module sources outside the scanned
/// tree included).
const MAX_MODULE_DIRS: usize = 100_000;

/// Files of module directories: directory -> (tf files, tfvars files).
type DirFiles = BTreeMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)>;

/// Loads the paths and delivers every model to `sink`; returns the sources and the
/// diagnostics.
pub fn load(
    paths: &[PathBuf],
    options: &Options,
    sink: &dyn ModelSink,
) -> Result<Workspace, LoadError> {
    let mut json_files: Vec<PathBuf> = Vec::new();
    let mut scanned: DirFiles = BTreeMap::new();
    let mut given_files: Vec<PathBuf> = Vec::new();
    let mut unreadable: Vec<Unreadable> = Vec::new();
    for root in paths {
        if options.buffers.contains(root) {
            given_files.push(root.clone());
            continue;
        }
        let meta =
            std::fs::metadata(root).map_err(|e| LoadError(format!("{}: {e}", root.display())))?;
        if meta.is_file() {
            given_files.push(root.clone());
        } else {
            let walk = Walk::Tree {
                no_ignore: options.no_ignore,
            };
            unreadable.extend(collect_dir(
                root,
                &mut scanned,
                walk,
                &mut json_files,
                &options.buffers,
            ));
        }
    }
    let stacks = discover::stacks(&given_files, &options.buffers);
    for dir in &stacks.terraform_dirs {
        collect_dir(
            dir,
            &mut scanned,
            Walk::Dir,
            &mut Vec::new(),
            &options.buffers,
        );
    }
    // A given environment file is the environment its directory is linted with (unless the
    // directory came whole, through a directory or another of its files).
    let mut environments: DirFiles = BTreeMap::new();
    for file in &stacks.terraform_environments {
        collect_dir(
            &discover::parent(file),
            &mut environments,
            Walk::Dir,
            &mut Vec::new(),
            &options.buffers,
        );
    }
    let given: HashSet<PathBuf> = stacks
        .terraform_environments
        .iter()
        .map(|f| discover::identity(f))
        .collect();
    for (dir, (tf, mut vars)) in environments {
        vars.retain(|v| !is_environment_var_file(v) || given.contains(&discover::identity(v)));
        let entry = scanned.entry(dir).or_insert_with(|| (tf, Vec::new()));
        entry.1.extend(vars);
    }
    json_files.extend(stacks.files);
    dedup_inputs(&mut scanned, &mut json_files);
    // Excluded paths are dropped before anything is read.
    let mut globs = globset::GlobSetBuilder::new();
    for pattern in &options.exclude {
        let glob = globset::Glob::new(pattern)
            .map_err(|e| LoadError(format!("exclude pattern `{pattern}`: {e}")))?;
        globs.add(glob);
    }
    let excluded = globs.build().map_err(|e| LoadError(e.to_string()))?;
    if !options.exclude.is_empty() {
        let keep = |p: &Path| !excluded.is_match(display(p));
        json_files.retain(|p| keep(p));
        for (tf, vars) in scanned.values_mut() {
            tf.retain(|p| keep(p));
            vars.retain(|p| keep(p));
        }
        scanned.retain(|_, (tf, _)| !tf.is_empty());
    }
    for p in &options.var_files {
        if !p.is_file() {
            return Err(LoadError(format!("{}: no such var file", p.display())));
        }
    }
    let mut sources = SourceMap::default();
    let external = options.external_networks.as_ref().map(|external| {
        let file = sources.add(SourceFile::new(
            external.path.clone(),
            display(&external.path),
            external.text.clone(),
        ));
        (external, file)
    });
    let deliver = Deliver { sink, external };
    let mut diagnostics = Vec::new();
    for (dir, error) in unreadable {
        let id = sources.add(SourceFile::new(dir.clone(), display(&dir), String::new()));
        diagnostics.push(Diagnostic {
            span: Span::file_start(id),
            message: format!("cannot read directory: {error}"),
        });
    }
    let mut var_file_errors = Vec::new();
    let extra_var_files = read_files(
        &options.var_files,
        &options.buffers,
        &mut sources,
        &mut var_file_errors,
    );
    // A broken --var-file is a usage error, like a missing one: the run would use other values.
    if let Some(error) = var_file_errors.first().cloned().or_else(|| {
        extra_var_files
            .iter()
            .find_map(|&id| terraform::check_var_file(&sources, id).err())
    }) {
        return Err(LoadError(format!(
            "--var-file {}: {}",
            sources.get(error.span.file).display_path,
            error.message
        )));
    }
    let declared_vars = std::sync::Mutex::new(HashSet::new());

    // Read and parse the scanned directories, then the module directories they call (local
    // sources, and what `terraform init` installed), until no new directory turns up.
    let mut parsed: Vec<terraform::ParsedDir> = Vec::new();
    let mut known: HashSet<PathBuf> = scanned.keys().cloned().collect();
    let mut called: HashSet<PathBuf> = HashSet::new();
    let mut pending: DirFiles = scanned.clone();
    let mut installed_dirs: HashSet<PathBuf> = HashSet::new();
    let mut local_dirs: HashSet<PathBuf> = HashSet::new();
    while !pending.is_empty() && parsed.len() < MAX_MODULE_DIRS {
        let batch = std::mem::take(&mut pending);
        let first_new = parsed.len();
        let mut read: Vec<(PathBuf, Vec<FileId>, Vec<FileId>)> = Vec::new();
        for (dir, (tf, vars)) in batch {
            let tf_ids = read_files(&tf, &options.buffers, &mut sources, &mut diagnostics);
            let var_ids = read_files(&vars, &options.buffers, &mut sources, &mut diagnostics);
            // What `terraform init` installed is someone else's code, wherever TF_DATA_DIR put it.
            // (modules.json lists local calls too: those are the user's own.)
            // By the directory's ancestors: a landing zone installs thousands of directories.
            if dir
                .ancestors()
                .any(|a| installed_dirs.contains(a) && !local_dirs.contains(a))
            {
                for &id in tf_ids.iter().chain(&var_ids) {
                    sources.mark_vendored(id);
                }
            }
            read.push((dir, tf_ids, var_ids));
        }
        // Parse in parallel; a syntax error is reported once per file, however often the module
        // is called.
        let new_dirs: Vec<(terraform::ParsedDir, Vec<Diagnostic>)> = read
            .into_par_iter()
            .map(|(dir, tf_ids, var_files)| {
                // Syntax trees are large: keep only what discovery needs (which modules the
                // files call); the trees are built again where they are evaluated. A file that
                // does not say `module` calls none and is not parsed here; its syntax errors
                // are reported where it is evaluated.
                let mut tf_files = Vec::new();
                let mut calls = Vec::new();
                let mut errors = Vec::new();
                for id in tf_ids {
                    if !sources.get(id).parse_text().contains("module") {
                        tf_files.push(id);
                        continue;
                    }
                    match terraform::parse(&sources, id) {
                        Ok(body) => {
                            let body = [(id, body)];
                            calls.extend(terraform::local_calls(&dir, &body));
                            tf_files.push(id);
                        }
                        Err(d) => errors.push(d),
                    }
                }
                let installed = if scanned.contains_key(&dir) {
                    terraform::installed_modules(&dir)
                } else {
                    Default::default()
                };
                let (environments, var_files) = split_var_files(var_files, &sources);
                let parsed_dir = terraform::ParsedDir {
                    display_dir: display(&dir),
                    dir,
                    tf_files,
                    calls,
                    var_files,
                    environments,
                    installed,
                };
                (parsed_dir, errors)
            })
            .collect();
        for (d, errors) in new_dirs {
            parsed.push(d);
            diagnostics.extend(errors);
        }
        for d in &parsed[first_new..] {
            installed_dirs.extend(d.installed.values().cloned());
            local_dirs.extend(d.calls.iter().cloned());
            let targets = d.calls.iter().chain(d.installed.values()).cloned();
            for target in targets {
                called.insert(target.clone());
                if known.insert(target.clone()) {
                    collect_dir(
                        &target,
                        &mut pending,
                        Walk::Dir,
                        &mut Vec::new(),
                        &options.buffers,
                    );
                }
            }
        }
    }

    // JSON inputs. A plan stands for the configuration beside it, fully evaluated: that
    // directory is not evaluated again from its .tf files.
    for p in &options.parameters {
        if !p.is_file() {
            return Err(LoadError(format!(
                "{}: no such parameter file",
                p.display()
            )));
        }
    }
    json_files.extend(options.parameters.iter().cloned());
    dedup_files(&mut json_files);
    let (bicep_paths, json_files): (Vec<PathBuf>, Vec<PathBuf>) = json_files
        .into_iter()
        .partition(|p| p.extension().is_some_and(|e| e != "json"));
    let json_ids = read_files(
        &json_files,
        &options.buffers,
        &mut sources,
        &mut diagnostics,
    );
    // A local `.json` module among the scanned files is the same source for both front ends,
    // so that a finding both report is reported once.
    let (bicep_files, bicep_scanned) = read_bicep(
        bicep_paths,
        &json_ids,
        options.bicep_cache.clone(),
        &options.buffers,
        &mut sources,
        &mut diagnostics,
    );
    let cli_parameters: Vec<PathBuf> = options
        .parameters
        .iter()
        .map(|p| discover::identity(p))
        .collect();
    let scanned_dirs: HashSet<PathBuf> = scanned.into_keys().collect();
    // Every file is read: Bicep is evaluated alongside ARM and Terraform, so that neither
    // waits for the other's last (or only sequential) steps.
    let sources_read = &sources;
    let bicep_parameters =
        json_inputs::ParameterFiles::new(sources_read, json_ids.iter().copied(), &cli_parameters);
    let (bicep_diagnostics, other_diagnostics) = rayon::join(
        || {
            evaluate_bicep(
                sources_read,
                &bicep_files,
                &bicep_scanned,
                &bicep_parameters,
                &deliver,
            )
        },
        || {
            let mut diagnostics = Vec::new();
            let planned_dirs = load_json(
                sources_read,
                &json_ids,
                &parsed,
                &cli_parameters,
                &options.template_links,
                &mut diagnostics,
                &deliver,
            );
            evaluate_terraform(
                sources_read,
                &parsed,
                &scanned_dirs,
                &called,
                &planned_dirs,
                &extra_var_files,
                &options.vars,
                &declared_vars,
                &mut diagnostics,
                &deliver,
            );
            diagnostics
        },
    );
    diagnostics.extend(bicep_diagnostics);
    diagnostics.extend(other_diagnostics);
    let declared_vars = declared_vars
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut undeclared_vars: Vec<String> = options
        .vars
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| !declared_vars.contains(name))
        .collect();
    undeclared_vars.dedup();
    Ok(Workspace {
        sources,
        diagnostics,
        undeclared_vars,
    })
}

/// The configuration's networks join each model as VNets, unless the stack declares them itself.
fn add_external_networks(model: &mut Model, external: &ExternalNetworks, file: FileId) {
    use crate::model::{Attr, Origin, VirtualNetwork, ids};
    let key = |id: &str| ids::parse(id).map(|i| i.key());
    let declared: HashSet<String> = model
        .virtual_networks
        .iter()
        .filter_map(|v| key(&v.id))
        .collect();
    for network in &external.networks {
        let (id, id_range) = &network.id;
        if key(id).is_none_or(|k| declared.contains(&k)) {
            continue;
        }
        let name = ids::parse(id)
            .and_then(|i| i.name().map(str::to_string))
            .unwrap_or_else(|| id.clone());
        let span = Span::new(file, id_range.clone());
        model.configured_vnets.push(model.virtual_networks.len());
        model.virtual_networks.push(VirtualNetwork {
            origin: Origin::new(format!("{name} (external)"), span),
            id: id.clone(),
            location: network
                .location
                .as_ref()
                .map(|(l, r)| Attr::known(l.clone(), Span::new(file, r.clone()))),
            address_space: network
                .address_space
                .iter()
                .filter_map(|(p, r)| {
                    crate::cidr::parse(p).map(|net| Attr::known(net, Span::new(file, r.clone())))
                })
                .collect(),
        });
    }
}

/// Reads files in parallel into the source map (in the given order); an unreadable or non-UTF-8
/// file becomes a diagnostic. Returns the ids of the files that were read.
fn read_files(
    paths: &[PathBuf],
    buffers: &Buffers,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<FileId> {
    let read: Vec<(PathBuf, Result<String, String>)> = paths
        .par_iter()
        .map(|p| (p.clone(), buffers.read(p)))
        .collect();
    read.into_iter()
        .filter_map(|(path, text)| add_source(path, text, sources, diagnostics))
        .collect()
}

/// Adds a file's text (or why it could not be read) to the source map; Terraform JSON syntax is
/// translated for the HCL parser. Returns its id when the text was read.
fn add_source(
    path: PathBuf,
    text: Result<String, String>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    let ok = text.is_ok();
    let (text, error) = match text {
        Ok(t) => (t, None),
        Err(e) => (String::new(), Some(e)),
    };
    let mut source = SourceFile::new(path.clone(), display(&path), text);
    let mut translation_error = None;
    if ok && path.to_string_lossy().ends_with(".tf.json") {
        match terraform::json_syntax::translate(&source.text, FileId(sources.len() as u32)) {
            Ok(t) => source.translation = Some(t),
            Err(e) => {
                // Reported once, here; the parser then reads nothing.
                source.translation = Some(crate::source::Translation {
                    text: String::new(),
                    segments: Vec::new(),
                });
                translation_error = Some(e);
            }
        }
    }
    let id = sources.add(source);
    if let Some((offset, message)) = translation_error {
        diagnostics.push(Diagnostic {
            span: Span::new(id, offset..offset),
            message: format!("JSON syntax error: {message}"),
        });
    }
    if let Some(message) = error {
        diagnostics.push(Diagnostic {
            span: Span::file_start(id),
            message,
        });
    }
    ok.then_some(id)
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

/// One file, however many times and in whatever spelling it reached the inputs (given twice,
/// given inside a directory also given, `./a.tf` and `/abs/a.tf`), is read and linted once. A
/// relative spelling is kept over an absolute one, as reports are read relative to the
/// checkout.
fn dedup_inputs(scanned: &mut DirFiles, json_files: &mut Vec<PathBuf>) {
    let mut dirs: Vec<PathBuf> = scanned.keys().cloned().collect();
    dirs.sort_by_key(|d| d.is_absolute());
    let mut first: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut identities = discover::Identities::default();
    for dir in dirs {
        let identity = identities.dir(&dir);
        match first.get(&identity) {
            Some(kept) => {
                let (tf, vars) = scanned.remove(&dir).unwrap_or_default();
                let entry = scanned.entry(kept.clone()).or_default();
                entry.0.extend(tf);
                entry.1.extend(vars);
            }
            None => {
                first.insert(identity, dir);
            }
        }
    }
    for (tf, vars) in scanned.values_mut() {
        dedup_files_with(tf, &mut identities);
        dedup_files_with(vars, &mut identities);
        vars.sort_by_key(|p| var_file_rank(p));
    }
    dedup_files_with(json_files, &mut identities);
}

/// Drops later spellings of the same file (relative ones first) and sorts the rest.
fn dedup_files(files: &mut Vec<PathBuf>) {
    dedup_files_with(files, &mut discover::Identities::default());
}

fn dedup_files_with(files: &mut Vec<PathBuf>, identities: &mut discover::Identities) {
    files.sort_by(|a, b| (a.is_absolute(), a).cmp(&(b.is_absolute(), b)));
    let mut seen = HashSet::new();
    files.retain(|p| seen.insert(identities.file(p)));
    files.sort();
}

/// A directory that could not be read, and why.
type Unreadable = (PathBuf, String);

/// How much of a directory is read: its own files, or the whole tree below it.
#[derive(Clone, Copy)]
enum Walk {
    Dir,
    Tree { no_ignore: bool },
}

/// The regular files in `dir` and, for a [`Walk::Tree`], below it: symbolic links are not followed,
/// [`SKIPPED_DIRS`] are not entered and, unless `no_ignore`, what `.gitignore` (inside a git
/// repository, as git and ripgrep read it), `.ignore` and git's global and repository excludes
/// ignore is left out. Walked by the `ignore` crate's parallel walker (ripgrep's). A directory
/// read alone (a module's, a given file's) is read whole: what `terraform init` installed is
/// usually ignored by git, and is read on purpose.
fn walk_files(dir: &Path, walk: Walk) -> (Vec<PathBuf>, Vec<Unreadable>) {
    let Walk::Tree { no_ignore } = walk else {
        return match std::fs::read_dir(dir) {
            Ok(entries) => (
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.path())
                    .collect(),
                Vec::new(),
            ),
            Err(e) => (Vec::new(), vec![(dir.to_path_buf(), e.to_string())]),
        };
    };
    let files = std::sync::Mutex::new(Vec::new());
    let unreadable = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir)
        .standard_filters(!no_ignore)
        // Dot-directories hold IaC too (`.infra/`); only the known ones are skipped.
        .hidden(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry.depth() > 0
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        })
        .threads(rayon::current_num_threads())
        .build_parallel()
        .run(|| {
            let (files, unreadable) = (&files, &unreadable);
            Box::new(move |entry| {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        files.lock().expect("walk").push(entry.into_path());
                    }
                    Ok(_) => {}
                    Err(error) => unreadable
                        .lock()
                        .expect("walk")
                        .push(unreadable_dir(&error, dir)),
                }
                ignore::WalkState::Continue
            })
        });
    let mut files = files.into_inner().expect("walk");
    // The walk's order depends on its threads; the rest of the run wants a stable one.
    files.sort();
    let mut unreadable = unreadable.into_inner().expect("walk");
    unreadable.sort();
    (files, unreadable)
}

/// Whether ignore files leave out files to lint in `dir`: why a directory in which the walk
/// found nothing may still be meant.
pub fn holds_ignored_inputs(dir: &Path) -> bool {
    let inputs = |no_ignore: bool| {
        let mut modules = BTreeMap::new();
        let mut json_files = Vec::new();
        collect_dir(
            dir,
            &mut modules,
            Walk::Tree { no_ignore },
            &mut json_files,
            &Buffers::default(),
        );
        modules.values().map(|(tf, _)| tf.len()).sum::<usize>() + json_files.len()
    };
    inputs(true) > inputs(false)
}

/// The directory a walk error is about (the walk's root when it names none), and the cause.
fn unreadable_dir(error: &ignore::Error, root: &Path) -> Unreadable {
    let mut error = error;
    let mut path = None;
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            ignore::Error::Io(io) => {
                return (path.unwrap_or_else(|| root.to_path_buf()), io.to_string());
            }
            other => {
                return (
                    path.unwrap_or_else(|| root.to_path_buf()),
                    other.to_string(),
                );
            }
        }
    }
}

fn collect_dir(
    dir: &Path,
    modules: &mut BTreeMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)>,
    walk: Walk,
    json_files: &mut Vec<PathBuf>,
    buffers: &Buffers,
) -> Vec<Unreadable> {
    let (mut files, unreadable) = walk_files(dir, walk);
    // An editor's new file, not saved yet, is part of its directory as a saved one is.
    files.extend(buffers.unsaved_in(dir));
    for path in files {
        let path = path.as_path();
        let parent = terraform::normalize(path.parent().unwrap_or(Path::new(".")));
        if is_tf(path) {
            modules
                .entry(parent)
                .or_default()
                .0
                .push(path.to_path_buf());
        } else if is_auto_var_file(path) || is_environment_var_file(path) {
            modules
                .entry(parent)
                .or_default()
                .1
                .push(path.to_path_buf());
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "bicep" || e == "bicepparam")
        {
            json_files.push(path.to_path_buf());
        }
    }
    // A directory with only tfvars is not a module.
    modules.retain(|_, (tf, _)| !tf.is_empty());
    for (tf, vars) in modules.values_mut() {
        tf.sort();
        vars.sort_by_key(|p| var_file_rank(p));
    }
    unreadable
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: Walk = Walk::Tree { no_ignore: false };

    #[test]
    fn excerpts_are_one_line_and_short() {
        let text = "cidrsubnet(\n    local.spoke,\n  4, 3)";
        let span = Span {
            file: FileId(0),
            start: 0,
            end: text.len() as u32,
        };
        assert_eq!(excerpt(text, span), "cidrsubnet( local.spoke, 4, 3)");
        let long = "x".repeat(300);
        let span = Span {
            file: FileId(0),
            start: 0,
            end: 300,
        };
        assert_eq!(excerpt(&long, span).chars().count(), MAX_EXCERPT + 1);
    }

    #[test]
    fn a_directory_that_cannot_be_read_is_returned_with_its_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("main.tf"), "").expect("write");
        let gone = dir.path().join("gone");
        let mut scanned = BTreeMap::new();
        assert!(
            collect_dir(
                dir.path(),
                &mut scanned,
                TREE,
                &mut Vec::new(),
                &Buffers::default()
            )
            .is_empty()
        );
        assert_eq!(scanned.len(), 1);
        let unreadable = collect_dir(
            &gone,
            &mut scanned,
            TREE,
            &mut Vec::new(),
            &Buffers::default(),
        );
        assert_eq!(unreadable.len(), 1);
        assert_eq!(unreadable[0].0, gone);
    }
}
