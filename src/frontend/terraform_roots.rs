//! Terraform roots: evaluated in groups that share module directories, checked one by one, and
//! checked again together where they refer to each other's resources.

use super::groups::{Sets, entries, sets_sharing, union_of};
use super::{Deliver, DeliveryOrder, Diagnostic, TERRAFORM, terraform};
use crate::model::Model;
use crate::source::{FileId, SourceMap, Span};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Evaluates the Terraform root modules and delivers a model per root environment, or per set of
/// roots that refer to each other. A root is a scanned directory nobody calls, or one with its
/// own variable values, unless a plan stands for it. A root with environment files
/// (`prod.tfvars`: any `*.tfvars` that Terraform does not load by itself) is evaluated once per
/// environment, as `terraform plan -var-file` would; with `--var-file` the values are the user's
/// choice and those files are not environments.
#[allow(clippy::too_many_arguments)]
pub(super) fn evaluate_terraform(
    sources: &SourceMap,
    parsed: &[terraform::ParsedDir],
    scanned: &HashSet<PathBuf>,
    called: &HashSet<PathBuf>,
    planned_dirs: &HashSet<PathBuf>,
    extra_var_files: &[FileId],
    vars: &[(String, String)],
    declared_vars: &std::sync::Mutex<HashSet<String>>,
    diagnostics: &mut Vec<Diagnostic>,
    deliver: &Deliver,
) {
    let environments_of = |d: &terraform::ParsedDir| -> Vec<Option<FileId>> {
        match extra_var_files.is_empty() && !d.environments.is_empty() {
            true => d.environments.iter().copied().map(Some).collect(),
            false => vec![None],
        }
    };
    let position: HashMap<&Path, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, d)| (d.dir.as_path(), i))
        .collect();
    let calls: Vec<Vec<usize>> = parsed
        .iter()
        .map(|d| {
            d.calls
                .iter()
                .chain(d.installed.values())
                .filter_map(|t| position.get(t.as_path()).copied())
                .collect()
        })
        .collect();
    let eligible: Vec<bool> = parsed
        .iter()
        .map(|d| scanned.contains(&d.dir) && !planned_dirs.contains(&d.dir))
        .collect();
    let entries = entries(&calls, &eligible);
    // (directory, environment file) of each root evaluation.
    let roots: Vec<(usize, Option<FileId>)> = (0..parsed.len())
        .filter(|&i| {
            eligible[i]
                && (entries[i]
                    || !parsed[i].var_files.is_empty()
                    || environments_of(&parsed[i]) != [None])
        })
        .flat_map(|i| environments_of(&parsed[i]).into_iter().map(move |e| (i, e)))
        .collect();
    // The module directories each root reaches (itself too when it is also called).
    let reach: Vec<Vec<usize>> = roots
        .iter()
        .map(|&(i, _)| {
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
    let entry_of = |n: usize| {
        let root = &parsed[roots[n].0];
        root.tf_files.first().copied().unwrap_or(FileId(0))
    };
    let evaluate = |project: &terraform::Project, n: usize| -> (Model, Vec<Diagnostic>) {
        let (i, environment) = roots[n];
        let root = &parsed[i];
        let var_files: Vec<FileId> = environment
            .into_iter()
            .chain(extra_var_files.iter().copied())
            .collect();
        // A bug of ours must not cost the user the rest of the tree: the module is reported
        // and the others are still checked.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (mut model, diagnostics) = terraform::evaluate_root(
                sources,
                project,
                root,
                &var_files,
                vars,
                declared_vars,
                format!("tf{i}"),
            );
            model.environment = environment.map(Span::file_start);
            (model, diagnostics)
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
    // Roots are evaluated in groups that share module directories, or copies of them (the same
    // files: `terraform init` copies a package once per module key and per root): each group's
    // modules are parsed once, a copy reading its first's syntax trees, kept while its roots are
    // evaluated, and dropped after. Each root is checked alone as soon as it is evaluated, and
    // only what links it to other roots is kept.
    let class = copies_of(sources, parsed);
    let reach_classes: Vec<Vec<usize>> = reach
        .iter()
        .map(|dirs| {
            let mut classes: Vec<usize> = dirs.iter().map(|&d| class[d]).collect();
            classes.sort_unstable();
            classes.dedup();
            classes
        })
        .collect();
    let groups = sets_sharing(&reach_classes, parsed.len());
    let checked: Vec<(Vec<RootAlone>, Vec<Diagnostic>)> = groups
        .par_iter()
        .map(|members| {
            let dirs = union_of(members.iter().map(|&n| &reach[n]));
            with_modules(sources, parsed, &dirs, &class, |project, mut errors| {
                let alone: Vec<(RootAlone, Vec<Diagnostic>)> = members
                    .par_iter()
                    .map(|&n| {
                        let (model, diags) = evaluate(project, n);
                        // Kept as hashes: a root's keys live until every root is evaluated.
                        // Two keys that collide would at worst check two roots together.
                        let declared = hashed(model.declared_keys());
                        let referenced = hashed(model.referenced_keys());
                        let delivery =
                            deliver.deliver(model, DeliveryOrder(TERRAFORM, n), entry_of(n));
                        let root = RootAlone {
                            position: n,
                            dir: roots[n].0,
                            environment: roots[n].1.is_some(),
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
        with_modules(sources, parsed, &dirs, &class, |project, _| {
            let mut joined = Model::default();
            for &n in members {
                deliver.sink.withdraw(alone[n].delivery);
                joined.absorb(evaluate(project, n).0);
            }
            joined.environment = members
                .iter()
                .find_map(|&n| roots[n].1.map(Span::file_start));
            deliver.deliver(
                joined,
                DeliveryOrder(TERRAFORM, members[0]),
                entry_of(members[0]),
            );
        });
    });
}

/// For each directory, the first directory with the same files (names and texts), itself when
/// none is: a copy's syntax trees are its first's, whose offsets are the same.
fn copies_of(sources: &SourceMap, parsed: &[terraform::ParsedDir]) -> Vec<usize> {
    let mut first: HashMap<Vec<(&std::ffi::OsStr, &str)>, usize> = HashMap::new();
    parsed
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let files: Vec<(&std::ffi::OsStr, &str)> = d
                .tf_files
                .iter()
                .map(|&f| {
                    let source = sources.get(f);
                    let name = source.path.file_name().unwrap_or_default();
                    (name, source.parse_text())
                })
                .collect();
            match files.is_empty() {
                true => i,
                false => *first.entry(files).or_insert(i),
            }
        })
        .collect()
}

/// Parses the module directories `dirs` (positions in `parsed`; a copy of another, by `class`,
/// is not parsed again) and runs `f` with them as the project, and their syntax errors; the
/// trees are dropped when `f` returns.
fn with_modules<R>(
    sources: &SourceMap,
    parsed: &[terraform::ParsedDir],
    dirs: &[usize],
    class: &[usize],
    f: impl FnOnce(&terraform::Project, Vec<Diagnostic>) -> R,
) -> R {
    let mut parsed_as: HashMap<usize, usize> = HashMap::new();
    let mut firsts: Vec<usize> = Vec::new();
    for &d in dirs {
        parsed_as.entry(class[d]).or_insert_with(|| {
            firsts.push(d);
            firsts.len() - 1
        });
    }
    let (trees, errors): (Vec<_>, Vec<_>) = firsts
        .par_iter()
        .map(|&d| terraform::parse_files(sources, &parsed[d].tf_files))
        .unzip();
    let mut all_errors: Vec<Diagnostic> = Vec::new();
    let mut modules = Vec::with_capacity(dirs.len());
    for &d in dirs {
        let k = parsed_as[&class[d]];
        // The first's files, by position, stand for the copy's.
        let position: HashMap<FileId, usize> = parsed[firsts[k]]
            .tf_files
            .iter()
            .enumerate()
            .map(|(i, &f)| (f, i))
            .collect();
        let own = |f: FileId| parsed[d].tf_files[position[&f]];
        let files: Vec<(FileId, &hcl_edit::structure::Body)> =
            trees[k].iter().map(|(f, body)| (own(*f), body)).collect();
        all_errors.extend(errors[k].iter().map(|e| Diagnostic {
            span: Span {
                file: own(e.span.file),
                ..e.span
            },
            message: e.message.clone(),
        }));
        modules.push((&parsed[d], files));
    }
    f(&terraform::Project::new(modules), all_errors)
}

/// A Terraform root evaluation checked on its own: its delivery, its directory, whether it is
/// one environment of its root, and the identity keys (hashed) it declares and refers to.
struct RootAlone {
    position: usize,
    dir: usize,
    environment: bool,
    delivery: usize,
    declared: HashSet<u64>,
    referenced: HashSet<u64>,
}

fn hashed(keys: HashSet<String>) -> HashSet<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let state = BuildHasherDefault::<DefaultHasher>::default();
    keys.iter().map(|k| state.hash_one(k)).collect()
}

/// The sets of Terraform root evaluations (by position) that refer to each other's resources,
/// each with more than one: a root reading the hub VNet another root declares must see its
/// address space. A key several roots declare links nothing by itself: that is the same stack
/// deployed twice (dev and prod), not two halves of one network. Environments are separate
/// deployments: two are never joined (not dev and prod of one root, nor through a hub both
/// read), so an environment joins the roots it is linked with, each environment its own copy.
fn linked_groups(roots: &[RootAlone]) -> Vec<Vec<usize>> {
    let mut declared_by: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, root) in roots.iter().enumerate() {
        for &key in &root.declared {
            declared_by.entry(key).or_default().push(i);
        }
    }
    let mut links: Vec<(usize, usize)> = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        for key in root
            .referenced
            .iter()
            .filter(|k| !root.declared.contains(*k))
        {
            for &j in declared_by.get(key).into_iter().flatten() {
                if roots[j].dir != root.dir {
                    links.push((i, j));
                }
            }
        }
    }
    let mut sets = Sets::new(roots.len());
    for &(i, j) in &links {
        if !roots[i].environment && !roots[j].environment {
            sets.join(i, j);
        }
    }
    let groups = sets.groups();
    let mut group_of = vec![0; roots.len()];
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            group_of[m] = g;
        }
    }
    let mut joined_by_environment: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for &(i, j) in &links {
        match (roots[i].environment, roots[j].environment) {
            (true, false) => joined_by_environment
                .entry(i)
                .or_default()
                .insert(group_of[j]),
            (false, true) => joined_by_environment
                .entry(j)
                .or_default()
                .insert(group_of[i]),
            _ => false,
        };
    }
    let mut out = Vec::new();
    let mut absorbed: HashSet<usize> = HashSet::new();
    for (environment, linked) in joined_by_environment {
        let mut members = vec![environment];
        for g in linked {
            members.extend(&groups[g]);
            absorbed.insert(g);
        }
        members.sort_unstable();
        out.push(members);
    }
    for (g, members) in groups.into_iter().enumerate() {
        if members.len() > 1 && !absorbed.contains(&g) {
            out.push(members);
        }
    }
    out
}
