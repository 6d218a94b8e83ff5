//! Module calls: a `module` block's instances, each a child evaluator whose variables are the
//! call's arguments, and the outputs the caller reads back (`module.network.subnet_id`).

use super::eval::{Evaluator, Instance, ModuleContext, Scope, collect_instances};
use super::module::ModuleCallDecl;
use crate::frontend::cycles::{module_cycle, relative_to};
use crate::value::{Unknown, Value};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// How deep module calls may nest: past it (a module calling itself) the call is unknown.
pub const MAX_MODULE_DEPTH: usize = 32;

/// Arguments of a `module` block that are not inputs of the module.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

pub struct Child<'a> {
    pub instance: Instance,
    pub evaluator: Evaluator<'a>,
}

/// The instances of one module call, or why they cannot be known.
pub type ChildSet<'a> = Result<Vec<Child<'a>>, Unknown>;

/// Lexically normalises `a/b/../c` to `a/c` (the directory may not exist on this machine).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // `..` cancels a name, but not another `..` (`../..` stays `../..`).
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// Whether a module source is a local path (the only kind read without `terraform init`).
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

impl<'a> Evaluator<'a> {
    /// The directory a call's source names: a local path, or where `terraform init` installed a
    /// registry or git module.
    fn call_dir(&self, name: &str, call: &ModuleCallDecl) -> Result<PathBuf, Unknown> {
        let source = call
            .source()
            .ok_or_else(|| Unknown::error(format!("`module.{name}` has no literal source")))?;
        if is_local_source(source) {
            return Ok(normalize(&self.context.dir.join(source)));
        }
        let key = self.child_key(name);
        self.context
            .installed
            .and_then(|installed| installed.get(&key))
            .cloned()
            .ok_or_else(|| {
                Unknown::new(format!(
                    "`module.{name}` comes from `{source}`, which is not installed here (run `terraform init` to let foundry-lint read it)"
                ))
            })
    }

    /// The source of a registry or git module call that `terraform init` has not restored
    /// here (not in modules.json, or its directory is gone).
    pub fn unrestored_source(&self, call: &ModuleCallDecl) -> Option<String> {
        let source = call.source().filter(|s| !is_local_source(s))?;
        let name = call.block.labels.first()?.as_str();
        let restored = self
            .context
            .installed
            .and_then(|installed| installed.get(&self.child_key(name)))
            .zip(self.context.project)
            .is_some_and(|(dir, project)| project.modules.contains_key(dir));
        (!restored).then(|| source.to_string())
    }

    fn child_key(&self, name: &str) -> String {
        if self.context.key.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.context.key)
        }
    }

    /// The instances of `module.<name>`, evaluated once.
    pub fn module_children(&self, name: &str) -> std::rc::Rc<ChildSet<'a>> {
        if let Some(children) = self.children.borrow().get(name) {
            return children.clone();
        }
        let children = std::rc::Rc::new(self.build_children(name));
        self.children
            .borrow_mut()
            .insert(name.to_string(), children.clone());
        children
    }

    fn build_children(&self, name: &str) -> ChildSet<'a> {
        let call = self
            .decls
            .module_calls
            .get(name)
            .ok_or_else(|| Unknown::error(format!("`module.{name}` is not declared")))?;
        if self.context.depth >= MAX_MODULE_DEPTH {
            return Err(Unknown::new(format!(
                "`module.{name}` nests more than {MAX_MODULE_DEPTH} modules deep (does a module call itself?)"
            )));
        }
        let dir = self.call_dir(name, call)?;
        if let Some(at) = self.context.callers.iter().position(|d| *d == dir) {
            return Err(self.report_module_cycle(name, call, at));
        }
        let project = self
            .context
            .project
            .ok_or_else(|| Unknown::new("no modules here"))?;
        let (display_dir, decls) = project.modules.get(&dir).ok_or_else(|| {
            Unknown::new(format!(
                "the source of `module.{name}` ({}) has no .tf files",
                dir.display()
            ))
        })?;
        let instances = self.instances_of(&format!("module.{name}"), &call.block.body)?;
        self.context.budget.modules(instances.len())?;
        Ok(instances
            .into_iter()
            .map(|instance| {
                let arguments: Vec<_> = call
                    .block
                    .body
                    .attributes()
                    .filter(|a| !META_ARGUMENTS.contains(&a.key.as_str()))
                    .collect();
                let inputs: HashMap<String, Value> = arguments
                    .iter()
                    .map(|a| {
                        (
                            a.key.as_str().to_string(),
                            self.eval(&a.value, &instance.scope),
                        )
                    })
                    .collect();
                let input_traces = self.with_repetition(call.block, call.file, || {
                    arguments
                        .iter()
                        .map(|a| {
                            let label = format!("{}.{} = ", instance.address, a.key.as_str());
                            (
                                a.key.as_str().to_string(),
                                self.trace(&a.value, call.file, &label),
                            )
                        })
                        .collect()
                });
                let address_prefix =
                    format!("{}{}.", self.context.address_prefix, instance.address);
                let context = ModuleContext {
                    project: Some(project),
                    dir: dir.clone(),
                    display_dir: display_dir.clone(),
                    key: self.child_key(name),
                    address_prefix: address_prefix.clone(),
                    depth: self.context.depth + 1,
                    installed: self.context.installed,
                    sources: self.context.sources,
                    budget: self.context.budget.clone(),
                    callers: [self.context.callers.as_slice(), std::slice::from_ref(&dir)].concat(),
                    invalid: self.context.invalid.clone(),
                };
                let marker_prefix = format!("{}.{}", self.marker_prefix, instance.address);
                let evaluator = Evaluator::new(decls, inputs, marker_prefix, context)
                    .with_input_traces(input_traces);
                Child {
                    instance,
                    evaluator,
                }
            })
            .collect())
    }

    /// A call of a module that is already being called (`source = "./"`, two modules that call
    /// each other), `at` its position among the callers: reported at the call, the only one whose
    /// place this evaluation knows (the calls between are in other modules).
    fn report_module_cycle(&self, name: &str, call: &ModuleCallDecl, at: usize) -> Unknown {
        let root = &self.context.callers[0];
        let modules: Vec<String> = self.context.callers[at..]
            .iter()
            .map(|d| relative_to(d, root))
            .collect();
        let problem = module_cycle(&format!("module.{name}"), call.header_span(), &modules);
        let message = problem.message.clone();
        self.context.invalid.borrow_mut().push(problem);
        Unknown::error(message)
    }

    /// `module.<name>` as the caller sees it: the outputs of one instance, or a list or map of
    /// them.
    pub(super) fn module_value(&self, name: &str) -> Value {
        let children = self.module_children(name);
        let children = match children.as_ref() {
            Ok(c) => c,
            Err(u) => return Value::Unknown(u.clone()),
        };
        let Some(call) = self.decls.module_calls.get(name) else {
            return Value::error(format!("`module.{name}` is not declared"));
        };
        let values = children.iter().map(|c| c.evaluator.outputs()).collect();
        let instances: Vec<Instance> = children
            .iter()
            .map(|c| Instance {
                address: c.instance.address.clone(),
                scope: c.instance.scope.clone(),
            })
            .collect();
        collect_instances(&call.block.body, &instances, values)
    }

    /// Every output of this module instance, as an object.
    pub fn outputs(&self) -> Value {
        let mut names: Vec<&String> = self.decls.outputs.keys().collect();
        names.sort();
        Value::Object(
            names
                .into_iter()
                .map(|name| {
                    let expr = self.decls.outputs[name];
                    let key = format!("output.{name}");
                    (
                        name.clone(),
                        self.memoized(&key, || self.eval(expr, &Scope::default())),
                    )
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_lexically() {
        assert_eq!(
            normalize(Path::new("infra/envs/prod/../../modules/net")),
            PathBuf::from("infra/modules/net")
        );
        assert_eq!(normalize(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("./../../")), PathBuf::from("../.."));
        assert_eq!(
            normalize(Path::new("../private/../..")),
            PathBuf::from("../..")
        );
        assert_eq!(normalize(Path::new("/a/../..")), PathBuf::from("/"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn only_relative_paths_are_local_sources() {
        assert!(is_local_source("./modules/network"));
        assert!(is_local_source("../shared"));
        assert!(!is_local_source(
            "Azure/avm-res-network-virtualnetwork/azurerm"
        ));
        assert!(!is_local_source("git::https://example.com/x.git"));
    }
}
