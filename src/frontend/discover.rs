//! Files given on the command line stand for the stacks they belong to. Pre-commit and editors
//! pass the changed files, and a changed module means nothing without the entry that calls it
//! and the values that entry is deployed with; so each given file brings in what is needed to
//! evaluate it the way it is deployed. The scan here is textual and cheap (directory listings
//! and a regex over `.bicep`/`.bicepparam`/ARM text); the real parsers run later on the result.

use super::terraform::normalize;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// What the given files stand for: Terraform directories to read (not recursively) and
/// ARM/Bicep files to add to the JSON/Bicep inputs.
#[derive(Default, Debug)]
pub struct Stacks {
    pub terraform_dirs: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
}

/// How many Bicep or ARM files one discovery reads at most: a guard against pathological
/// reference graphs, far above any real stack.
const MAX_FILES: usize = 10_000;

static BICEP_MODULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*module[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+'([^'\r\n]*)'")
        .expect("valid regex")
});
static BICEP_USING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*using[ \t]+'([^'\r\n]*)'").expect("valid regex"));
static ARM_RELATIVE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""relativePath"\s*:\s*"([^"\[][^"]*)""#).expect("valid regex"));

/// Which stacks the given files belong to. Files that are not infrastructure code are ignored.
pub fn stacks(given: &[PathBuf]) -> Stacks {
    let mut out = Stacks::default();
    let mut scans = Scans::default();
    let fallback = fallback_boundary(given);
    for file in given {
        let name = file_name(file);
        let dir = parent(file);
        if name.ends_with(".tf")
            || name.ends_with(".tf.json")
            || name.ends_with(".tfvars")
            || name.ends_with(".tfvars.json")
        {
            out.terraform_dirs.push(dir);
        } else if name.ends_with(".bicep") {
            out.files.extend(bicep_stack(file, &fallback, &mut scans));
        } else if name.ends_with(".bicepparam") {
            out.files.push(file.clone());
            if let Some(template) = scans.get(file).using.clone() {
                out.files.push(template);
            }
        } else if name.ends_with(".json") {
            arm_stack(file, &dir, &mut out, &mut scans);
        }
    }
    out
}

/// A given `.bicep` file, the files that reach it through `module` references (transitively),
/// and the `.bicepparam` files that use any of them. Callers are looked for among the `.bicep`
/// files of its directory and the directories above it, up to the repository root; the files
/// those reference are followed wherever they are, so a chain through a sibling directory is
/// found too.
fn bicep_stack(file: &Path, fallback: &Option<PathBuf>, scans: &mut Scans) -> Vec<PathBuf> {
    let target = identity(file);
    let mut candidates: Vec<PathBuf> = Vec::new();
    let mut params: Vec<PathBuf> = Vec::new();
    for dir in ancestors(&parent(file), fallback) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| normalize(&dir.join(e.file_name())))
            .collect();
        names.sort();
        for path in names {
            match path.extension().and_then(|e| e.to_str()) {
                Some("bicep") => candidates.push(path),
                Some("bicepparam") => params.push(path),
                _ => {}
            }
        }
    }
    // The reference graph of the candidates and everything they reference.
    let mut graph: HashMap<PathBuf, (PathBuf, Vec<PathBuf>)> = HashMap::new();
    let mut pending = candidates;
    while let Some(path) = pending.pop() {
        let key = identity(&path);
        if graph.contains_key(&key) || graph.len() >= MAX_FILES {
            continue;
        }
        let modules = scans.get(&path).modules.clone();
        let edges = modules.iter().map(|m| identity(m)).collect();
        pending.extend(modules.into_iter().filter(|m| m.is_file()));
        graph.insert(key, (path, edges));
    }
    let mut stack: HashSet<PathBuf> = HashSet::from([target.clone()]);
    loop {
        let before = stack.len();
        for (key, (_, edges)) in &graph {
            if !stack.contains(key) && edges.iter().any(|e| stack.contains(e)) {
                stack.insert(key.clone());
            }
        }
        if stack.len() == before {
            break;
        }
    }
    let mut out = vec![file.to_path_buf()];
    let mut users: Vec<&PathBuf> = graph
        .iter()
        .filter(|(key, _)| **key != target && stack.contains(*key))
        .map(|(_, (path, _))| path)
        .collect();
    users.sort();
    out.extend(users.into_iter().cloned());
    for param in params {
        let using = scans.get(&param).using.clone();
        if using.is_some_and(|t| stack.contains(&identity(&t))) {
            out.push(param);
        }
    }
    out
}

/// A given ARM file: a template with its parameter files and the templates it links; a
/// parameter file with its template; a Terraform plan with the configuration beside it. Other
/// JSON (`package.json`) is not ours.
fn arm_stack(file: &Path, dir: &Path, out: &mut Stacks, scans: &mut Scans) {
    let Ok(text) = std::fs::read_to_string(file) else {
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
    let mut siblings: Vec<PathBuf> = entries
        .flatten()
        .map(|e| normalize(&dir.join(e.file_name())))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
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
    // Linked templates are read only when they are inputs; follow the links so the template
    // is evaluated with them rather than with an unknown nested deployment.
    let mut seen = HashSet::from([identity(&file)]);
    let mut pending = scans.get(&file).linked.clone();
    while let Some(linked) = pending.pop() {
        if seen.len() >= MAX_FILES || !linked.is_file() || !seen.insert(identity(&linked)) {
            continue;
        }
        pending.extend(scans.get(&linked).linked.clone());
        out.files.push(linked);
    }
}

/// The references found in one file, resolved against its directory.
#[derive(Default)]
struct Scan {
    /// Local `.bicep` module paths.
    modules: Vec<PathBuf>,
    /// The `.bicep` template a `.bicepparam` uses.
    using: Option<PathBuf>,
    /// ARM `templateLink.relativePath` targets.
    linked: Vec<PathBuf>,
}

/// Each file is read once however many given files lead to it.
#[derive(Default)]
struct Scans(HashMap<PathBuf, Scan>);

impl Scans {
    fn get(&mut self, path: &Path) -> &Scan {
        self.0.entry(identity(path)).or_insert_with(|| scan(path))
    }
}

fn scan(path: &Path) -> Scan {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Scan::default();
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let dir = parent(path);
    let local_bicep = |p: &str| !p.contains(':') && p.ends_with(".bicep");
    let resolve = |p: &str| normalize(&dir.join(p));
    let captures = |re: &Regex| -> Vec<String> {
        re.captures_iter(text)
            .map(|c| c[1].to_string())
            .collect::<Vec<_>>()
    };
    let name = file_name(path);
    if name.ends_with(".json") {
        return Scan {
            linked: captures(&ARM_RELATIVE_PATH)
                .iter()
                .map(|p| resolve(p))
                .collect(),
            ..Scan::default()
        };
    }
    Scan {
        modules: captures(&BICEP_MODULE)
            .iter()
            .filter(|p| local_bicep(p))
            .map(|p| resolve(p))
            .collect(),
        using: captures(&BICEP_USING)
            .first()
            .filter(|p| local_bicep(p))
            .map(|p| resolve(p)),
        linked: Vec::new(),
    }
}

/// The directories from `dir` up to the repository root (the nearest directory holding
/// `.git`); outside a repository, up to the current directory when `dir` is inside it, or else
/// up to `fallback`, the common ancestor of the given files. Paths keep the form they were
/// given in (relative stays relative, climbing with `..`) so reports show them the same way.
fn ancestors(dir: &Path, fallback: &Option<PathBuf>) -> Vec<PathBuf> {
    let Ok(start) = std::fs::canonicalize(dir) else {
        return vec![dir.to_path_buf()];
    };
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok());
    let boundary = start
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
        .or_else(|| cwd.filter(|c| start.starts_with(c)))
        .or_else(|| fallback.clone().filter(|f| start.starts_with(f)))
        .unwrap_or_else(|| start.clone());
    let mut out = Vec::new();
    let mut lexical = normalize(dir);
    for real in start.ancestors() {
        out.push(lexical.clone());
        if real == boundary || !real.starts_with(&boundary) {
            break;
        }
        lexical = up(&lexical);
    }
    out
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
