//! Files given on the command line stand for the stacks they belong to. Pre-commit and editors
//! pass the changed files, and a changed module means nothing without the entry that calls it
//! and the values that entry is deployed with; so each given file brings in what is needed to
//! evaluate it the way it is deployed. The scan here is textual and cheap (directory listings
//! and a regex over `.bicep`/`.bicepparam`/ARM text); the real parsers run later on the result.

use super::terraform::normalize;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::LazyLock;

/// What the given files stand for: Terraform directories to read (not recursively) and
/// ARM/Bicep files to add to the JSON/Bicep inputs.
#[derive(Default, Debug)]
pub struct Stacks {
    pub terraform_dirs: Vec<PathBuf>,
    /// Terraform variable files given that are environments (`prod.tfvars`): their directory is
    /// read with this environment, not its others.
    pub terraform_environments: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
}

/// How many Bicep or ARM files one discovery reads at most: a guard against pathological
/// reference graphs, far above any real stack.
const MAX_FILES: usize = 10_000;

static BICEP_MODULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*module[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+'([^'\r\n]*)'")
        .expect("valid regex")
});
/// `import ... from 'path'`, also the last line of an import list that spans lines.
static BICEP_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:import\b[^'\r\n]*|\}[ \t]*)\bfrom[ \t]+'([^'\r\n]*)'")
        .expect("valid regex")
});
static BICEP_USING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*using[ \t]+'([^'\r\n]*)'").expect("valid regex"));
static ARM_RELATIVE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""relativePath"\s*:\s*"([^"\[][^"]*)""#).expect("valid regex"));

/// Which stacks the given files belong to. Files that are not infrastructure code are ignored.
pub fn stacks(given: &[PathBuf], buffers: &super::Buffers) -> Stacks {
    let mut out = Stacks::default();
    let mut discovery = Discovery {
        buffers: buffers.clone(),
        fallback: fallback_boundary(given),
        cwd: std::env::current_dir()
            .ok()
            .and_then(|c| std::fs::canonicalize(c).ok()),
        ..Discovery::default()
    };
    for file in given {
        let name = file_name(file);
        let dir = parent(file);
        if super::is_environment_var_file(file) {
            out.terraform_environments.push(file.clone());
        } else if name.ends_with(".tf")
            || name.ends_with(".tf.json")
            || name.ends_with(".tfvars")
            || name.ends_with(".tfvars.json")
        {
            out.terraform_dirs.push(dir);
        } else if name.ends_with(".bicep") {
            out.files.extend(discovery.bicep_stack(file));
        } else if name.ends_with(".bicepparam") {
            out.files.push(file.clone());
            if let Some((template, _)) = &discovery.scan(file).using {
                out.files.push(template.clone());
            }
        } else if name.ends_with(".json") {
            discovery.arm_stack(file, &dir, &mut out);
        }
    }
    out
}

/// The references found in one file, resolved against its directory: each as written
/// (normalised) and its identity.
#[derive(Default)]
struct Scan {
    /// Local `.bicep` module paths.
    modules: Vec<(PathBuf, PathBuf)>,
    /// The `.bicep` template a `.bicepparam` uses.
    using: Option<(PathBuf, PathBuf)>,
    /// ARM `templateLink.relativePath` targets.
    linked: Vec<PathBuf>,
}

/// The Bicep files directly in one directory.
#[derive(Default)]
struct Listing {
    bicep: Vec<PathBuf>,
    params: Vec<PathBuf>,
    /// `.json` files: the candidates for JSON parameter files of its templates.
    json: Vec<PathBuf>,
}

/// pre-commit's `--all-files` passes every file of the repository: each directory is listed,
/// each file read and each path resolved once, however many given files lead to them.
#[derive(Default)]
struct Discovery {
    /// Where the search for callers stops outside a repository, when the current directory
    /// does not hold the file.
    fallback: Option<PathBuf>,
    cwd: Option<PathBuf>,
    identities: HashMap<PathBuf, PathBuf>,
    listings: HashMap<PathBuf, Rc<Listing>>,
    scans: HashMap<PathBuf, Rc<Scan>>,
    ancestors: HashMap<PathBuf, Rc<Vec<PathBuf>>>,
    graphs: HashMap<PathBuf, Rc<Graph>>,
    /// Open buffers: their references count, not those of the files on disk.
    buffers: super::Buffers,
}

/// The Bicep reference graph seen from one directory: identity -> path as found, identity ->
/// the identities of the files that reference it as a module, and the `.bicepparam` files of the
/// directory and those above it.
struct Graph {
    paths: HashMap<PathBuf, PathBuf>,
    callers: HashMap<PathBuf, Vec<PathBuf>>,
    params: Vec<PathBuf>,
}

impl Discovery {
    fn identity(&mut self, path: &Path) -> PathBuf {
        if let Some(id) = self.identities.get(path) {
            return id.clone();
        }
        let id = identity(path);
        self.identities.insert(path.to_path_buf(), id.clone());
        id
    }

    fn scan(&mut self, path: &Path) -> Rc<Scan> {
        let key = self.identity(path);
        if let Some(scan) = self.scans.get(&key) {
            return scan.clone();
        }
        let (modules, using, linked) = scan(path, &self.buffers);
        let scan = Rc::new(Scan {
            modules: modules
                .into_iter()
                .map(|m| (m.clone(), self.identity(&m)))
                .collect(),
            using: using.map(|u| (u.clone(), self.identity(&u))),
            linked,
        });
        self.scans.insert(key, scan.clone());
        scan
    }

    fn listing(&mut self, dir: &Path) -> Rc<Listing> {
        if let Some(listing) = self.listings.get(dir) {
            return listing.clone();
        }
        let mut listing = Listing::default();
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut names: Vec<PathBuf> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| normalize(&dir.join(e.file_name())))
                .collect();
            names.sort();
            for path in names {
                match path.extension().and_then(|e| e.to_str()) {
                    Some("bicep") => listing.bicep.push(path),
                    Some("bicepparam") => listing.params.push(path),
                    Some("json") => listing.json.push(path),
                    _ => {}
                }
            }
        }
        let listing = Rc::new(listing);
        self.listings.insert(dir.to_path_buf(), listing.clone());
        listing
    }

    /// A given `.bicep` file, the files that reach it through `module` references
    /// (transitively), the `.bicepparam` files that use any of them and the JSON parameter files
    /// named after any of them. Callers are looked for
    /// among the `.bicep` files of its directory and the directories above it, up to the
    /// repository root; the files those reference are followed wherever they are, so a chain
    /// through a sibling directory is found too.
    fn bicep_stack(&mut self, file: &Path) -> Vec<PathBuf> {
        let target = self.identity(file);
        let graph = self.graph(&parent(file));
        let (paths, callers) = (&graph.paths, &graph.callers);
        let mut stack: HashSet<PathBuf> = HashSet::from([target.clone()]);
        let mut frontier = vec![target.clone()];
        while let Some(id) = frontier.pop() {
            for caller in callers.get(&id).into_iter().flatten() {
                if stack.insert(caller.clone()) {
                    frontier.push(caller.clone());
                }
            }
        }
        let mut out = vec![file.to_path_buf()];
        let mut users: Vec<&PathBuf> = stack
            .iter()
            .filter(|id| **id != target)
            .filter_map(|id| paths.get(id))
            .collect();
        users.sort();
        out.extend(users.into_iter().cloned());
        for param in &graph.params {
            if let Some((_, template)) = &self.scan(param).using
                && stack.contains(template)
            {
                out.push(param.clone());
            }
        }
        // JSON parameter files pair with the templates by name, in their directories.
        let templates: Vec<PathBuf> = out
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "bicep"))
            .cloned()
            .collect();
        for template in templates {
            let listing = self.listing(&parent(&template));
            let template = normalize(&template);
            out.extend(
                listing
                    .json
                    .iter()
                    .filter(|json| super::arm::pairs_with(&template, json))
                    .cloned(),
            );
        }
        out
    }

    /// Who references whom among the `.bicep` files of `dir` and the directories above it and
    /// everything they reference; the same for every file of the directory.
    fn graph(&mut self, dir: &Path) -> Rc<Graph> {
        if let Some(graph) = self.graphs.get(dir) {
            return graph.clone();
        }
        let mut candidates: Vec<PathBuf> = Vec::new();
        let mut params: Vec<PathBuf> = Vec::new();
        for dir in self.ancestors(dir).iter() {
            let listing = self.listing(dir);
            candidates.extend(listing.bicep.iter().cloned());
            params.extend(listing.params.iter().cloned());
        }
        let mut paths: HashMap<PathBuf, PathBuf> = HashMap::new();
        let mut callers: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        let mut pending = candidates;
        while let Some(path) = pending.pop() {
            let key = self.identity(&path);
            if paths.contains_key(&key) || paths.len() >= MAX_FILES {
                continue;
            }
            for (module, id) in &self.scan(&path).modules {
                callers.entry(id.clone()).or_default().push(key.clone());
                if !paths.contains_key(id) {
                    pending.push(module.clone());
                }
            }
            paths.insert(key, path);
        }
        let graph = Rc::new(Graph {
            paths,
            callers,
            params,
        });
        self.graphs.insert(dir.to_path_buf(), graph.clone());
        graph
    }

    /// A given ARM file: a template with its parameter files and the templates it links; a
    /// parameter file with its template; a Terraform plan with the configuration beside it.
    /// Other JSON (`package.json`) is not ours.
    fn arm_stack(&mut self, file: &Path, dir: &Path, out: &mut Stacks) {
        let Ok(text) = self.buffers.read(file) else {
            // Unreadable: passed on so the read error is reported.
            out.files.push(file.to_path_buf());
            return;
        };
        if text.contains("\"format_version\"")
            && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
        {
            out.files.push(file.to_path_buf());
            out.terraform_dirs.push(dir.to_path_buf());
            return;
        }
        let lower = text.to_ascii_lowercase();
        let is_template = lower.contains("deploymenttemplate.json");
        let is_parameters = !is_template && lower.contains("deploymentparameters.json");
        if !is_template && !is_parameters {
            return;
        }
        out.files.push(file.to_path_buf());
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        // A parameter file is an environment of the ARM or Bicep template it is named after.
        let mut siblings: Vec<PathBuf> = entries
            .flatten()
            .map(|e| normalize(&dir.join(e.file_name())))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "json" || (is_parameters && e == "bicep"))
            })
            .collect();
        siblings.sort();
        let file = normalize(file);
        for sibling in siblings {
            let pairs = if is_parameters {
                super::arm::pairs_with(&sibling, &file)
            } else {
                super::arm::pairs_with(&file, &sibling)
            };
            if pairs {
                out.files.push(sibling);
            }
        }
        if is_parameters {
            return;
        }
        // Linked templates are read only when they are inputs; follow the links so the
        // template is evaluated with them rather than with an unknown nested deployment.
        let mut seen = HashSet::from([self.identity(&file)]);
        let mut pending = self.scan(&file).linked.clone();
        while let Some(linked) = pending.pop() {
            if seen.len() >= MAX_FILES || !linked.is_file() || !seen.insert(self.identity(&linked))
            {
                continue;
            }
            pending.extend(self.scan(&linked).linked.iter().cloned());
            out.files.push(linked);
        }
    }

    /// The directories from `dir` up to the repository root (the nearest directory holding
    /// `.git`); outside a repository, up to the current directory when `dir` is inside it, or
    /// else up to the common ancestor of the given files. Paths keep the form they were given
    /// in (relative stays relative, climbing with `..`) so reports show them the same way.
    fn ancestors(&mut self, dir: &Path) -> Rc<Vec<PathBuf>> {
        if let Some(known) = self.ancestors.get(dir) {
            return known.clone();
        }
        let mut out = Vec::new();
        match std::fs::canonicalize(dir) {
            Err(_) => out.push(dir.to_path_buf()),
            Ok(start) => {
                let boundary = start
                    .ancestors()
                    .find(|a| a.join(".git").exists())
                    .map(Path::to_path_buf)
                    .or_else(|| self.cwd.clone().filter(|c| start.starts_with(c)))
                    .or_else(|| self.fallback.clone().filter(|f| start.starts_with(f)))
                    .unwrap_or_else(|| start.clone());
                let mut lexical = normalize(dir);
                for real in start.ancestors() {
                    out.push(lexical.clone());
                    if real == boundary || !real.starts_with(&boundary) {
                        break;
                    }
                    lexical = up(&lexical);
                }
            }
        }
        let out = Rc::new(out);
        self.ancestors.insert(dir.to_path_buf(), out.clone());
        out
    }
}

/// The local references in a file: Bicep modules and the files it imports from (a changed
/// file of either kind is linted with the files that use it), a `.bicepparam`'s template, ARM
/// links.
fn scan(path: &Path, buffers: &super::Buffers) -> (Vec<PathBuf>, Option<PathBuf>, Vec<PathBuf>) {
    let Ok(text) = buffers.read(path) else {
        return Default::default();
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let dir = parent(path);
    let local_bicep = |p: &str| !p.contains(':') && p.ends_with(".bicep");
    let resolve = |p: &str| normalize(&dir.join(p));
    let captures =
        |re: &Regex| -> Vec<String> { re.captures_iter(text).map(|c| c[1].to_string()).collect() };
    if file_name(path).ends_with(".json") {
        let linked = captures(&ARM_RELATIVE_PATH)
            .iter()
            .map(|p| resolve(p))
            .collect();
        return (Vec::new(), None, linked);
    }
    let mut modules: Vec<String> = captures(&BICEP_MODULE);
    modules.extend(captures(&BICEP_IMPORT));
    let modules = modules
        .iter()
        .filter(|p| local_bicep(p))
        .map(|p| resolve(p))
        .collect();
    let using = captures(&BICEP_USING)
        .first()
        .filter(|p| local_bicep(p))
        .map(|p| resolve(p));
    (modules, using, Vec::new())
}

/// The lexical parent: `a/b` -> `a`, `a` -> `.`, `.` -> `..`, `..` -> `../..`.
fn up(dir: &Path) -> PathBuf {
    match dir.file_name() {
        Some(_) => parent(dir),
        None if dir.has_root() => dir.to_path_buf(),
        None => dir.join(".."),
    }
}

/// The deepest directory holding every given file (canonical), if they share one.
fn fallback_boundary(given: &[PathBuf]) -> Option<PathBuf> {
    let mut dirs = given
        .iter()
        .filter_map(|f| std::fs::canonicalize(parent(f)).ok());
    let mut common = dirs.next()?;
    for dir in dirs {
        while !dir.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A file's directory, `.` for a bare file name.
pub fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What makes two spellings of a path (`./a/b.tf`, `a/b.tf`, `/abs/a/b.tf`) the same file: the
/// canonical directory and the file name. The file itself is not resolved, so a file symlinked
/// into two stacks (a shared `providers.tf`) still belongs to both.
pub fn identity(path: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(parent(path)).unwrap_or_else(|_| normalize(&parent(path)));
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

/// The canonical form of a directory (itself when it cannot be resolved).
pub fn dir_identity(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| normalize(dir))
}

/// [`identity`] and [`dir_identity`] for many paths of one run: each directory is resolved once
/// (resolving walks every component of the path with a system call).
#[derive(Default)]
pub struct Identities(HashMap<PathBuf, PathBuf>);

impl Identities {
    pub fn dir(&mut self, dir: &Path) -> PathBuf {
        if let Some(known) = self.0.get(dir) {
            return known.clone();
        }
        if dir.components().any(|c| c == Component::CurDir) && dir != Path::new(".") {
            let without: PathBuf = dir
                .components()
                .filter(|c| *c != Component::CurDir)
                .collect();
            let without = if without.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                without
            };
            let resolved = self.dir(&without);
            self.0.insert(dir.to_path_buf(), resolved.clone());
            return resolved;
        }
        // A directory that is not a symbolic link is its resolved parent's child: one `lstat`
        // instead of resolving the whole path again.
        let plain = dir
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::RootDir));
        let resolved = match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(name))
                if plain
                    && !parent.as_os_str().is_empty()
                    && std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) =>
            {
                self.dir(parent).join(name)
            }
            _ => dir_identity(dir),
        };
        self.0.insert(dir.to_path_buf(), resolved.clone());
        resolved
    }

    pub fn file(&mut self, path: &Path) -> PathBuf {
        let dir = self.dir(&parent(path));
        match path.file_name() {
            Some(name) => dir.join(name),
            None => dir,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_resolve_symlinked_directories_and_dot_components_like_canonicalize() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let real = tmp.path().join("real/nested");
        std::fs::create_dir_all(&real).expect("dirs");
        let mut identities = Identities::default();
        let canonical = std::fs::canonicalize(&real).expect("canonical");
        assert_eq!(identities.dir(&real), canonical);
        assert_eq!(
            identities.dir(&tmp.path().join("./real/./nested")),
            canonical
        );
        assert_eq!(
            identities.file(&real.join("main.bicep")),
            canonical.join("main.bicep")
        );
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(tmp.path().join("real"), &link).expect("symlink");
            assert_eq!(identities.dir(&link.join("nested")), canonical);
        }
        let missing = tmp.path().join("missing/dir");
        assert_eq!(identities.dir(&missing), dir_identity(&missing));
    }
}
