//! JSON inputs: Terraform plans and ARM templates with their parameter files.

use super::groups::sets_sharing;
use super::{ARM, Deliver, DeliveryOrder, Diagnostic, PLAN, arm, discover, terraform};
use crate::model::Model;
use crate::source::{FileId, SourceMap, Span};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Parses the JSON files and evaluates what they hold: Terraform plans, and ARM templates in
/// each of their environments (the parameter files named after them, and `cli_parameters`).
/// Delivers their models; returns the directories the plans stand for.
pub(super) fn load_json(
    sources: &SourceMap,
    json_ids: &[FileId],
    parsed: &[terraform::ParsedDir],
    cli_parameters: &[PathBuf],
    template_links: &[(String, PathBuf)],
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
        /// Its normalized path and what it links by literal paths.
        Template(PathBuf, Vec<PathBuf>),
        Parameters(ParameterFile),
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
                deliver.deliver(model, DeliveryOrder(PLAN, i), file);
                return Read::Plan(dir, errors);
            }
            match arm::classify(&doc) {
                Some(arm::Kind::Template) => {
                    let path = terraform::normalize(&sources.get(file).path);
                    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                    let links = arm::linked_paths(&doc, &dir);
                    Read::Template(path, links)
                }
                Some(arm::Kind::Parameters) => Read::Parameters((
                    arm::parameter_values(&doc),
                    arm::parameter_traces(&doc, text),
                )),
                None => Read::Skipped,
            }
        })
        .collect();
    let mut planned_dirs = HashSet::new();
    // (file, normalized path, literal links)
    let mut templates: Vec<(FileId, PathBuf, Vec<PathBuf>)> = Vec::new();
    let mut parameter_values: HashMap<FileId, ParameterFile> = HashMap::new();
    for (&file, r) in json_ids.iter().zip(read) {
        match r {
            Read::Skipped => {}
            Read::Broken(d) => diagnostics.push(d),
            Read::Plan(dir, errors) => {
                diagnostics.extend(errors);
                planned_dirs.insert(dir);
            }
            Read::Template(path, links) => templates.push((file, path, links)),
            Read::Parameters(values) => {
                parameter_values.insert(file, values);
            }
        }
    }
    let mut parameter_ids: Vec<FileId> = parameter_values.keys().copied().collect();
    parameter_ids.sort();
    let parameter_files = ParameterFiles::new(sources, parameter_ids, cli_parameters);
    let all = arm::AllTemplates {
        sources,
        paths: templates
            .iter()
            .map(|(file, path, _)| (*file, path.clone()))
            .collect(),
        files: templates
            .iter()
            .map(|(file, path, _)| (path.clone(), *file))
            .collect(),
    };
    // A template that another links (`templateLink.relativePath`) is evaluated through that
    // link, with the parameters it passes, not on its own with defaults.
    let linked_targets: HashSet<&PathBuf> = templates.iter().flat_map(|(_, _, l)| l).collect();
    // (template, parameter values and where they are written, parameter file)
    type Environment<'p> = (usize, Option<&'p ParameterFile>, Option<Span>);
    let mut environments: Vec<Environment> = Vec::new();
    for (t, (file, template_path, _)) in templates.iter().enumerate() {
        let path = &sources.get(*file).path;
        if linked_targets.contains(template_path) {
            continue;
        }
        let before = environments.len();
        environments.extend(
            parameter_files
                .of_template(sources, path)
                .map(|pf| (t, parameter_values.get(&pf), Some(Span::file_start(pf)))),
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
        .map(|(t, (_, path, _))| (path, t))
        .collect();
    let links: Vec<Vec<usize>> = templates
        .iter()
        .enumerate()
        .map(|(t, (_, _, l))| {
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
            let arena = typed_arena::Arena::new();
            let linked = arm::Linked::new(
                docs.iter()
                    .map(|(t, doc)| {
                        let (file, path, _) = &templates[*t];
                        (path.clone(), (*file, doc))
                    })
                    .collect(),
                &all,
                &arena,
            )
            .with_template_links(template_links);
            // In sequence: groups are small and run in parallel; a thread waiting here could
            // take up another group meanwhile and hold both groups' templates.
            docs.iter()
                .flat_map(|(t, doc)| environments_of[*t].iter().map(move |&e| (doc, e)))
                .map(|(doc, e)| {
                    let (t, params, environment) = environments[e];
                    let file = templates[t].0;
                    let no_parameters = Default::default();
                    let (values, written) = params.unwrap_or(&no_parameters);
                    let tracing = arm::Tracing::new(sources, written.clone());
                    let (model, diagnostics) =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            let (mut model, diagnostics) =
                                arm::lower_template(doc, file, &linked, values, Some(tracing));
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
                    deliver.deliver(model, DeliveryOrder(ARM, e), file);
                    diagnostics
                })
                .collect::<Vec<_>>()
        })
        .flatten()
        .collect();
    diagnostics.extend(arm_diagnostics.into_iter().flatten());
    planned_dirs
}

/// A parameter file's values, and where each is written (for traces), by lower-case name.
type ParameterFile = (
    HashMap<String, crate::value::Value>,
    HashMap<String, crate::model::Trace>,
);

/// Which parameter files make the environments of a template, ARM and Bicep alike: the files
/// named after it in its directory (`arm::pairs_with`), and those given with `--parameters`,
/// which are environments of every template and pair with none by name.
pub(super) struct ParameterFiles {
    by_dir: HashMap<PathBuf, Vec<FileId>>,
    given: Vec<FileId>,
}

impl ParameterFiles {
    /// Indexes `files` by directory (an index, not a scan of every pair); `cli_parameters` are
    /// the identities of the files given with `--parameters`.
    pub(super) fn new(
        sources: &SourceMap,
        files: impl IntoIterator<Item = FileId>,
        cli_parameters: &[PathBuf],
    ) -> ParameterFiles {
        let cli: HashSet<&PathBuf> = cli_parameters.iter().collect();
        let mut out = ParameterFiles {
            by_dir: HashMap::new(),
            given: Vec::new(),
        };
        for file in files {
            let path = &sources.get(file).path;
            if !cli.is_empty() && cli.contains(&discover::identity(path)) {
                out.given.push(file);
            } else {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                out.by_dir.entry(dir).or_default().push(file);
            }
        }
        out
    }

    /// The parameter files of the template at `path` (as the source map holds it): those named
    /// after it, then those given with `--parameters`.
    pub(super) fn of_template<'a>(
        &'a self,
        sources: &'a SourceMap,
        path: &'a Path,
    ) -> impl Iterator<Item = FileId> + 'a {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.by_dir
            .get(&dir)
            .into_iter()
            .flatten()
            .filter(move |&&f| arm::pairs_with(path, &sources.get(f).path))
            .chain(self.given.iter())
            .copied()
    }
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
