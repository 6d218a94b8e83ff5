//! Front ends: find the files under the given paths, parse and evaluate them, and fill the model.

pub mod arm;
pub mod arm_shape;
pub mod bicep;
pub mod builtins;
pub mod discover;
pub mod memory;
pub mod terraform;

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
}

/// Where the front ends deliver each model as soon as it is finished (one per environment: a
/// Terraform root or roots that refer to each other, a plan, an ARM template with one of its
/// parameter files, a Bicep entry or `.bicepparam`), so that no run holds every model at once.
pub trait ModelSink: Sync {
    /// Takes a finished model; returns its delivery number.
    fn accept(&self, model: Model, order: DeliveryOrder) -> usize;
    /// Withdraws an earlier delivery that a later model stands for (Terraform roots checked
    /// alone, then found to refer to each other).
    fn withdraw(&self, delivery: usize);
}

/// Where a model stands among the others in reports: Terraform roots, plans, ARM environments,
/// Bicep environments, each in the order of their files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeliveryOrder(pub u8, pub usize);

/// Finishes models and hands them to the sink.
struct Deliver<'a> {
    sink: &'a dyn ModelSink,
    external: Option<(&'a ExternalNetworks, FileId)>,
}

impl Deliver<'_> {
    fn deliver(&self, mut model: Model, order: DeliveryOrder) -> usize {
        if let Some((external, file)) = self.external {
            add_external_networks(&mut model, external, file);
        }
        model.finish();
        self.sink.accept(model, order)
    }
}

const TERRAFORM: u8 = 0;
const PLAN: u8 = 1;
const ARM: u8 = 2;
const BICEP: u8 = 3;

/// A usage or I/O problem that stops the run (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules", ".terragrunt-cache"];

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
    for root in paths {
        let meta =
            std::fs::metadata(root).map_err(|e| LoadError(format!("{}: {e}", root.display())))?;
        if meta.is_file() {
            given_files.push(root.clone());
        } else {
            collect_dir(root, &mut scanned, true, &mut json_files);
        }
    }
    let stacks = discover::stacks(&given_files);
    for dir in &stacks.terraform_dirs {
        collect_dir(dir, &mut scanned, false, &mut Vec::new());
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
    let extra_var_files = read_files(&options.var_files, &mut sources, &mut diagnostics);

    // Read and parse the scanned directories, then the module directories they call (local
    // sources, and what `terraform init` installed), until no new directory turns up.
    let mut parsed: Vec<terraform::ParsedDir> = Vec::new();
    let mut known: HashSet<PathBuf> = scanned.keys().cloned().collect();
    let mut called: HashSet<PathBuf> = HashSet::new();
    let mut pending: DirFiles = scanned.clone();
    while !pending.is_empty() && parsed.len() < MAX_MODULE_DIRS {
        let batch = std::mem::take(&mut pending);
        let first_new = parsed.len();
        let mut read: Vec<(PathBuf, Vec<FileId>, Vec<FileId>)> = Vec::new();
        for (dir, (tf, vars)) in batch {
            let tf_ids = read_files(&tf, &mut sources, &mut diagnostics);
            let var_ids = read_files(&vars, &mut sources, &mut diagnostics);
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
                let parsed_dir = terraform::ParsedDir {
                    display_dir: display(&dir),
                    dir,
                    tf_files,
                    calls,
                    var_files,
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
            let targets = d.calls.iter().chain(d.installed.values()).cloned();
            for target in targets {
                called.insert(target.clone());
                if known.insert(target.clone()) {
                    collect_dir(&target, &mut pending, false, &mut Vec::new());
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
    let (bicep_files, bicep_scanned) = read_bicep(bicep_paths, &mut sources, &mut diagnostics);
    let json_ids = read_files(&json_files, &mut sources, &mut diagnostics);
    let cli_parameters: Vec<PathBuf> = options
        .parameters
        .iter()
        .map(|p| discover::identity(p))
        .collect();
    let scanned_dirs: HashSet<PathBuf> = scanned.into_keys().collect();
    // Every file is read: Bicep is evaluated alongside ARM and Terraform, so that neither
    // waits for the other's last (or only sequential) steps.
    let sources_read = &sources;
    let (bicep_diagnostics, other_diagnostics) = rayon::join(
        || evaluate_bicep(sources_read, &bicep_files, &bicep_scanned, &deliver),
        || {
            let mut diagnostics = Vec::new();
            let planned_dirs = load_json(
                sources_read,
                &json_ids,
                &parsed,
                &cli_parameters,
                &mut diagnostics,
                &deliver,
            );
            evaluate_terraform(
                sources_read,
                &mut parsed,
                &scanned_dirs,
                &called,
                &planned_dirs,
                &extra_var_files,
                &options.vars,
                &mut diagnostics,
                &deliver,
            );
            diagnostics
        },
    );
    diagnostics.extend(bicep_diagnostics);
    diagnostics.extend(other_diagnostics);
    Ok(Workspace {
        sources,
        diagnostics,
    })
}

/// Parses the JSON files and evaluates what they hold: Terraform plans, and ARM templates in
/// each of their environments (the parameter files named after them, and `cli_parameters`).
/// Returns the models and the directories the plans stand for.
fn load_json(
    sources: &SourceMap,
    json_ids: &[FileId],
    parsed: &[terraform::ParsedDir],
    cli_parameters: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
    deliver: &Deliver,
) -> HashSet<PathBuf> {
    // First pass: what each file is. Plans are evaluated at once; of templates and parameter
    // files only what pairs them is kept (syntax trees are several times the size of the text;
    // a template is parsed again with the templates it links when it is evaluated). A JSON file
    // that does not parse is reported only when it was meant to be a template; other broken
    // JSON (editor configs, fixtures of other tools) is none of our business.
    enum Read {
        Skipped,
        Broken(Diagnostic),
        Plan(PathBuf, Vec<Diagnostic>),
        Template(Vec<PathBuf>),
        Parameters(HashMap<String, crate::value::Value>),
    }
    let read: Vec<Read> = json_ids
        .par_iter()
        .enumerate()
        .map(|(i, &file)| {
            let text = &sources.get(file).text;
            let doc = match crate::json::parse(text, file) {
                Ok(Some(doc)) => doc,
                Ok(None) => return Read::Skipped,
                Err(e) => {
                    return match arm::looks_like_template(text) {
                        true => Read::Broken(arm::syntax_error(file, e.offset, &e.message)),
                        false => Read::Skipped,
                    };
                }
            };
            if terraform::plan::is_plan(&doc) {
                let (model, dir, errors) =
                    load_plan(sources, file, &doc, parsed, &format!("json{i}"));
                deliver.deliver(model, DeliveryOrder(PLAN, i));
                return Read::Plan(dir, errors);
            }
            match arm::classify(&doc) {
                Some(arm::Kind::Template) => {
                    let path = terraform::normalize(&sources.get(file).path);
                    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                    Read::Template(arm::linked_paths(&doc, &dir))
                }
                Some(arm::Kind::Parameters) => Read::Parameters(arm::parameter_values(&doc)),
                None => Read::Skipped,
            }
        })
        .collect();
    let mut planned_dirs = HashSet::new();
    // (file, literal links)
    let mut templates: Vec<(FileId, Vec<PathBuf>)> = Vec::new();
    let mut parameter_files = Vec::new();
    for (&file, r) in json_ids.iter().zip(read) {
        match r {
            Read::Skipped => {}
            Read::Broken(d) => diagnostics.push(d),
            Read::Plan(dir, errors) => {
                diagnostics.extend(errors);
                planned_dirs.insert(dir);
            }
            Read::Template(links) => templates.push((file, links)),
            Read::Parameters(values) => parameter_files.push((file, values)),
        }
    }
    let cli_parameters: HashSet<&PathBuf> = cli_parameters.iter().collect();
    // Parameter files pair with templates of their own directory (an index, not a scan of every
    // pair); those given with --parameters pair with every template.
    let mut parameter_files_by_dir: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    let mut given_parameter_files: Vec<usize> = Vec::new();
    for (i, (pf, _)) in parameter_files.iter().enumerate() {
        let p = &sources.get(*pf).path;
        if !cli_parameters.is_empty() && cli_parameters.contains(&discover::identity(p)) {
            given_parameter_files.push(i);
        } else {
            let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
            parameter_files_by_dir.entry(dir).or_default().push(i);
        }
    }
    let all = arm::AllTemplates {
        sources,
        paths: templates
            .iter()
            .map(|(file, _)| (*file, terraform::normalize(&sources.get(*file).path)))
            .collect(),
        files: templates
            .iter()
            .map(|(file, _)| (terraform::normalize(&sources.get(*file).path), *file))
            .collect(),
    };
    // A template that another links (`templateLink.relativePath`) is evaluated through that
    // link, with the parameters it passes, not on its own with defaults.
    let linked_targets: HashSet<&PathBuf> = templates.iter().flat_map(|(_, l)| l).collect();
    // (template, parameter values, parameter file)
    type Environment<'p> = (
        usize,
        Option<&'p HashMap<String, crate::value::Value>>,
        Option<Span>,
    );
    let mut environments: Vec<Environment> = Vec::new();
    for (t, (file, _)) in templates.iter().enumerate() {
        let path = &sources.get(*file).path;
        if linked_targets.contains(&all.paths[file]) {
            continue;
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let before = environments.len();
        environments.extend(
            parameter_files_by_dir
                .get(&dir)
                .into_iter()
                .flatten()
                .filter(|&&i| arm::pairs_with(path, &sources.get(parameter_files[i].0).path))
                .chain(given_parameter_files.iter())
                .map(|&i| {
                    let (pf, values) = &parameter_files[i];
                    (t, Some(values), Some(Span::file_start(*pf)))
                }),
        );
        if environments.len() == before {
            environments.push((t, None, None));
        }
    }
    // Templates are evaluated in groups joined by their literal links: each group's templates
    // are parsed once, for all its environments, and dropped after.
    let position: HashMap<&PathBuf, usize> = templates
        .iter()
        .enumerate()
        .map(|(t, (file, _))| (&all.paths[file], t))
        .collect();
    let links: Vec<Vec<usize>> = templates
        .iter()
        .enumerate()
        .map(|(t, (_, l))| {
            let mut list: Vec<usize> = l.iter().filter_map(|p| position.get(p).copied()).collect();
            list.push(t);
            list
        })
        .collect();
    let groups = sets_sharing(&links, templates.len());
    let mut environments_of: Vec<Vec<usize>> = vec![Vec::new(); templates.len()];
    for (e, (t, _, _)) in environments.iter().enumerate() {
        environments_of[*t].push(e);
    }
    let arm_diagnostics: Vec<Vec<Diagnostic>> = groups
        .par_iter()
        .filter(|group| group.iter().any(|&t| !environments_of[t].is_empty()))
        .map(|group| {
            let docs: Vec<(usize, crate::json::Spanned)> = group
                .iter()
                .filter_map(|&t| {
                    let file = templates[t].0;
                    Some((t, crate::json::parse(&sources.get(file).text, file).ok()??))
                })
                .collect();
            let linked = arm::Linked::new(
                docs.iter()
                    .map(|(t, doc)| {
                        let file = templates[*t].0;
                        (all.paths[&file].clone(), (file, doc))
                    })
                    .collect(),
                &all,
            );
            // In sequence: groups are small and run in parallel; a thread waiting here could
            // take up another group meanwhile and hold both groups' templates.
            docs.iter()
                .flat_map(|(t, doc)| environments_of[*t].iter().map(move |&e| (doc, e)))
                .map(|(doc, e)| {
                    let (t, params, environment) = environments[e];
                    let file = templates[t].0;
                    let no_parameters = HashMap::new();
                    let params = params.unwrap_or(&no_parameters);
                    let (model, diagnostics) =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            let (mut model, diagnostics) =
                                arm::lower_template(doc, file, &linked, params);
                            model.environment = environment;
                            (model, diagnostics)
                        }))
                        .unwrap_or_else(|_| {
                            let message =
                                "internal error while evaluating this template; please report it"
                                    .to_string();
                            (
                                Model::default(),
                                vec![Diagnostic {
                                    span: Span::file_start(file),
                                    message,
                                }],
                            )
                        });
                    deliver.deliver(model, DeliveryOrder(ARM, e));
                    diagnostics
                })
                .collect::<Vec<_>>()
        })
        .flatten()
        .collect();
    diagnostics.extend(arm_diagnostics.into_iter().flatten());
    planned_dirs
}

/// Evaluates the Terraform root modules and delivers a model per root, or per set of roots that
/// refer to each other. A root is a scanned directory nobody calls, or one with its own
/// variable values, unless a plan stands for it.
#[allow(clippy::too_many_arguments)]
fn evaluate_terraform(
    sources: &SourceMap,
    parsed: &mut [terraform::ParsedDir],
    scanned: &HashSet<PathBuf>,
    called: &HashSet<PathBuf>,
    planned_dirs: &HashSet<PathBuf>,
    extra_var_files: &[FileId],
    vars: &[(String, String)],
    diagnostics: &mut Vec<Diagnostic>,
    deliver: &Deliver,
) {
    let roots: Vec<usize> = parsed
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            scanned.contains(&d.dir)
                && (!called.contains(&d.dir) || !d.var_files.is_empty())
                && !planned_dirs.contains(&d.dir)
        })
        .map(|(i, _)| i)
        .collect();
    // The module directories each root reaches (itself too when it is also called).
    let position: HashMap<&Path, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, d)| (d.dir.as_path(), i))
        .collect();
    let parsed: &[terraform::ParsedDir] = parsed;
    let reach: Vec<Vec<usize>> = roots
        .iter()
        .map(|&i| {
            let mut seen: HashSet<usize> = HashSet::new();
            let mut stack = vec![i];
            while let Some(j) = stack.pop() {
                let targets = parsed[j].calls.iter().chain(parsed[j].installed.values());
                for target in targets {
                    if let Some(&k) = position.get(target.as_path())
                        && seen.insert(k)
                    {
                        stack.push(k);
                    }
                }
            }
            if called.contains(&parsed[i].dir) {
                seen.insert(i);
            }
            let mut reached: Vec<usize> = seen.into_iter().collect();
            reached.sort_unstable();
            reached
        })
        .collect();
    let evaluate = |project: &terraform::Project, i: usize| -> (Model, Vec<Diagnostic>) {
        let root = &parsed[i];
        // A bug of ours must not cost the user the rest of the tree: the module is reported
        // and the others are still checked.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            terraform::evaluate_root(
                sources,
                project,
                root,
                extra_var_files,
                vars,
                format!("tf{i}"),
            )
        }))
        .unwrap_or_else(|_| {
            let diagnostics = root
                .tf_files
                .first()
                .map(|file| Diagnostic {
                    span: Span::file_start(*file),
                    message: format!(
                        "internal error while evaluating module `{}`; please report it",
                        root.display_dir
                    ),
                })
                .into_iter()
                .collect();
            (Model::default(), diagnostics)
        })
    };
    // Roots are evaluated in groups that share module directories: each group's modules are
    // parsed once, kept while its roots are evaluated, and dropped after. Each root is checked
    // alone as soon as it is evaluated, and only what links it to other roots is kept.
    let groups = sets_sharing(&reach, parsed.len());
    let checked: Vec<(Vec<RootAlone>, Vec<Diagnostic>)> = groups
        .par_iter()
        .map(|members| {
            let dirs = union_of(members.iter().map(|&n| &reach[n]));
            with_modules(sources, parsed, &dirs, |project, mut errors| {
                let alone: Vec<(RootAlone, Vec<Diagnostic>)> = members
                    .par_iter()
                    .map(|&n| {
                        let (model, diags) = evaluate(project, roots[n]);
                        // Kept as hashes: a root's keys live until every root is evaluated.
                        // Two keys that collide would at worst check two roots together.
                        let declared = hashed(model.declared_keys());
                        let referenced = hashed(model.referenced_keys());
                        let delivery = deliver.deliver(model, DeliveryOrder(TERRAFORM, n));
                        let root = RootAlone {
                            position: n,
                            delivery,
                            declared,
                            referenced,
                        };
                        (root, diags)
                    })
                    .collect();
                let mut roots = Vec::with_capacity(alone.len());
                for (root, diags) in alone {
                    roots.push(root);
                    errors.extend(diags);
                }
                (roots, errors)
            })
        })
        .collect();
    let mut alone: Vec<RootAlone> = Vec::with_capacity(roots.len());
    for (roots, errors) in checked {
        alone.extend(roots);
        diagnostics.extend(errors);
    }
    alone.sort_by_key(|root| root.position);
    // Roots that refer to each other are evaluated again and checked together, in place of
    // their models alone (links between roots are rare; keeping every model until they are
    // known would hold the whole tree in memory).
    let linked = linked_groups(&alone);
    linked.par_iter().for_each(|members| {
        let dirs = union_of(members.iter().map(|&n| &reach[n]));
        with_modules(sources, parsed, &dirs, |project, _| {
            let mut joined = Model::default();
            for &n in members {
                deliver.sink.withdraw(alone[n].delivery);
                joined.absorb(evaluate(project, roots[n]).0);
            }
            deliver.deliver(joined, DeliveryOrder(TERRAFORM, members[0]));
        });
    });
}

/// Parses the module directories `dirs` (positions in `parsed`) and runs `f` with them as the
/// project, and their syntax errors; the trees are dropped when `f` returns.
fn with_modules<R>(
    sources: &SourceMap,
    parsed: &[terraform::ParsedDir],
    dirs: &[usize],
    f: impl FnOnce(&terraform::Project, Vec<Diagnostic>) -> R,
) -> R {
    let trees: Vec<terraform::ParsedFiles> = dirs
        .par_iter()
        .map(|&d| terraform::parse_files(sources, &parsed[d].tf_files))
        .collect();
    let mut errors = Vec::new();
    let mut modules = Vec::with_capacity(dirs.len());
    for (&d, (bodies, e)) in dirs.iter().zip(&trees) {
        errors.extend(e.iter().cloned());
        modules.push((&parsed[d], bodies.as_slice()));
    }
    let project = terraform::Project::new(modules);
    f(&project, errors)
}

/// The sorted union of sorted lists.
fn union_of<'a>(lists: impl Iterator<Item = &'a Vec<usize>>) -> Vec<usize> {
    let mut out: Vec<usize> = lists.flatten().copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Groups the items (by position) whose lists share an element (`universe` bounds the
/// elements); each group is sorted, groups are in the order of their first item.
fn sets_sharing(lists: &[Vec<usize>], universe: usize) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..lists.len()).collect();
    let mut owner: Vec<Option<usize>> = vec![None; universe];
    for (i, list) in lists.iter().enumerate() {
        for &e in list {
            match owner[e] {
                Some(j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
                None => owner[e] = Some(i),
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..lists.len() {
        let leader = find(&mut parent, i);
        groups.entry(leader).or_default().push(i);
    }
    groups.into_values().collect()
}

/// The representative of `i`'s set in a union-find forest (halving paths on the way).
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// A Terraform root checked on its own: its delivery, and the identity keys (hashed) it
/// declares and refers to.
struct RootAlone {
    position: usize,
    delivery: usize,
    declared: HashSet<u64>,
    referenced: HashSet<u64>,
}

fn hashed(keys: HashSet<String>) -> HashSet<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let state = BuildHasherDefault::<DefaultHasher>::default();
    keys.iter().map(|k| state.hash_one(k)).collect()
}

/// The sets of Terraform roots (by position) that refer to each other's resources, each with
/// more than one root: a root reading the hub VNet another root declares must see its address
/// space. A key several roots declare links nothing by itself: that is the same stack deployed
/// twice (dev and prod), not two halves of one network.
fn linked_groups(roots: &[RootAlone]) -> Vec<Vec<usize>> {
    let mut declared_by: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, root) in roots.iter().enumerate() {
        for &key in &root.declared {
            declared_by.entry(key).or_default().push(i);
        }
    }
    let mut parent: Vec<usize> = (0..roots.len()).collect();
    for (i, root) in roots.iter().enumerate() {
        for key in root
            .referenced
            .iter()
            .filter(|k| !root.declared.contains(*k))
        {
            for &j in declared_by.get(key).into_iter().flatten() {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..roots.len() {
        let leader = find(&mut parent, i);
        groups.entry(leader).or_default().push(i);
    }
    groups.into_values().filter(|g| g.len() > 1).collect()
}

/// Bicep files by path: each file's id and what it names.
type BicepFiles = HashMap<PathBuf, (FileId, bicep::references::References)>;

/// Bicep: reads the files and the local modules they call, and what each names; returns them
/// and the scanned paths (they are parsed and evaluated by [`evaluate_bicep`]).
fn read_bicep(
    paths: Vec<PathBuf>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BicepFiles, Vec<PathBuf>) {
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
        let ids = read_files(&batch, sources, diagnostics);
        for (path, file) in bicep_references(sources, &ids) {
            pending.extend(
                file.1
                    .modules
                    .iter()
                    .filter(|m| !read.contains_key(*m) && m.is_file())
                    .cloned(),
            );
            read.insert(path, file);
        }
    }
    (read, scanned)
}

/// What each Bicep file names, by its normalized path.
fn bicep_references(
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

/// Evaluates the Bicep environments: each `.bicepparam` among the scanned files, and every
/// scanned `.bicep` that no parameter file uses and no file calls as a module. Files are parsed
/// one program at a time (an entry, its parameter files and the modules it reaches, transitively
/// joined), so only the syntax trees of the programs in hand are in memory; every file is parsed
/// once and its syntax errors are returned.
fn evaluate_bicep(
    sources: &SourceMap,
    read: &BicepFiles,
    scanned: &[PathBuf],
    deliver: &Deliver,
) -> Vec<Diagnostic> {
    let mut identities = discover::Identities::default();
    let modules: HashSet<PathBuf> = read
        .values()
        .flat_map(|(_, r)| r.modules.iter())
        .map(|m| identities.file(m))
        .collect();
    // (entry file, its .bicepparam when it is one)
    let mut environments: Vec<(&PathBuf, bool)> = Vec::new();
    let mut with_params: HashSet<PathBuf> = HashSet::new();
    for path in scanned
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bicepparam"))
    {
        if let Some(template) = read.get(path).and_then(|(_, r)| r.using.as_ref()) {
            with_params.insert(identities.file(template));
            environments.push((path, true));
        }
    }
    for path in scanned
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bicep"))
    {
        let identity = identities.file(path);
        if read.contains_key(path)
            && !modules.contains(&identity)
            && !with_params.contains(&identity)
        {
            environments.push((path, false));
        }
    }
    // Programs: files joined by the modules and templates they name.
    let paths: Vec<&PathBuf> = read.keys().collect();
    let position: HashMap<&PathBuf, usize> =
        paths.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let mut parent: Vec<usize> = (0..paths.len()).collect();
    for (i, path) in paths.iter().enumerate() {
        let (_, references) = &read[*path];
        for target in references.modules.iter().chain(references.using.as_ref()) {
            if let Some(&j) = position.get(target) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut programs: BTreeMap<usize, (Vec<&PathBuf>, Vec<usize>)> = BTreeMap::new();
    for (i, path) in paths.iter().enumerate() {
        let leader = find(&mut parent, i);
        programs.entry(leader).or_default().0.push(path);
    }
    for (e, (entry, _)) in environments.iter().enumerate() {
        let leader = find(&mut parent, position[entry]);
        programs.entry(leader).or_default().1.push(e);
    }
    let programs: Vec<(Vec<&PathBuf>, Vec<usize>)> = programs.into_values().collect();
    programs
        .par_iter()
        .flat_map_iter(|(files_of_program, environments_of_program)| {
            let mut diagnostics = Vec::new();
            let mut files = bicep::program::Files {
                by_path: HashMap::new(),
            };
            for path in files_of_program {
                let id = read[*path].0;
                let (file, errors) = bicep::parse(&sources.get(id).text);
                diagnostics.extend(errors.into_iter().map(|e| Diagnostic {
                    span: Span::new(id, e.span.clone()),
                    message: format!("Bicep syntax error: {}", e.message),
                }));
                files.by_path.insert((*path).clone(), (id, file));
            }
            for &e in environments_of_program {
                let (entry, is_param_file) = environments[e];
                let (template, params, at) = if is_param_file {
                    match bicep::program::bicepparam(&files, entry) {
                        Some((template, params)) => {
                            (template, params, Some(Span::file_start(read[entry].0)))
                        }
                        None => continue,
                    }
                } else {
                    (entry.clone(), HashMap::new(), None)
                };
                let mut model = Model {
                    environment: at,
                    ..Model::default()
                };
                if let Some(program) = bicep::program::Program::new(&files, &template, params) {
                    let lowered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let mut m = Model::default();
                        program.lower_into(&mut m);
                        m
                    }));
                    if let Ok(m) = lowered {
                        model.absorb(m);
                    }
                }
                deliver.deliver(model, DeliveryOrder(BICEP, e));
            }
            diagnostics
        })
        .collect()
}

/// Lowers a Terraform plan; returns its model, its directory and the syntax errors of the
/// configuration beside it.
fn load_plan(
    sources: &SourceMap,
    file: FileId,
    plan: &crate::json::Spanned,
    parsed: &[terraform::ParsedDir],
    marker_prefix: &str,
) -> (Model, PathBuf, Vec<Diagnostic>) {
    let mut model = Model::default();
    let dir = terraform::normalize(sources.get(file).path.parent().unwrap_or(Path::new(".")));
    let files: Vec<FileId> = parsed
        .iter()
        .filter(|d| d.dir == dir)
        .flat_map(|d| d.tf_files.iter().copied())
        .collect();
    let (beside, errors) = terraform::parse_files(sources, &files);
    terraform::plan::lower_plan(
        plan,
        marker_prefix,
        &terraform::plan::block_spans(&beside),
        &mut model,
    );
    (model, dir, errors)
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
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<FileId> {
    let read: Vec<(PathBuf, Result<String, String>)> = paths
        .par_iter()
        .map(|p| (p.clone(), read_text(p)))
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

/// The regular files in `dir` and, when `recursive`, below it (symbolic links are not followed,
/// [`SKIPPED_DIRS`] are not entered). Walked level by level, the directories of a level read in
/// parallel: no recursion, however deep the tree.
fn walk_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut level = vec![dir.to_path_buf()];
    while !level.is_empty() {
        let read: Vec<(Vec<PathBuf>, Vec<PathBuf>)> = level
            .par_iter()
            .map(|dir| {
                let mut files = Vec::new();
                let mut subdirs = Vec::new();
                for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                    let Ok(file_type) = entry.file_type() else {
                        continue;
                    };
                    if file_type.is_file() {
                        files.push(entry.path());
                    } else if file_type.is_dir()
                        && recursive
                        && !entry
                            .file_name()
                            .to_str()
                            .is_some_and(|n| SKIPPED_DIRS.contains(&n))
                    {
                        subdirs.push(entry.path());
                    }
                }
                (files, subdirs)
            })
            .collect();
        level = Vec::new();
        for (f, d) in read {
            files.extend(f);
            level.extend(d);
        }
    }
    files
}

fn collect_dir(
    dir: &Path,
    modules: &mut BTreeMap<PathBuf, (Vec<PathBuf>, Vec<PathBuf>)>,
    recursive: bool,
    json_files: &mut Vec<PathBuf>,
) {
    for path in walk_files(dir, recursive) {
        let path = path.as_path();
        let parent = terraform::normalize(path.parent().unwrap_or(Path::new(".")));
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
}
