//! The files a Bicep file names, read from its tokens: the local modules it calls, the files it
//! imports from, the registry modules it names and, for a `.bicepparam` file, the template it is
//! `using`. Enough to group files into programs before any is parsed: a syntax tree is many
//! times the size of its text, so a large tree of Bicep is parsed one program at a time and each
//! tree is dropped once its program is checked.

use super::lexer::{StringPiece, TokenKind, lex};
use std::path::{Path, PathBuf};

/// The longest import statement read, in tokens (a list of some hundred symbols).
const MAX_IMPORT_TOKENS: usize = 1024;

#[derive(Debug, Default, PartialEq)]
pub struct References {
    /// Local Bicep module files (`module m './net.bicep' = ...`), resolved against the file's
    /// directory.
    pub modules: Vec<PathBuf>,
    /// Local Bicep files symbols are imported from (`import {a} from './types.bicep'`).
    pub imports: Vec<PathBuf>,
    /// Local ARM templates called as modules or imported from (`module m './legacy.json'`).
    pub templates: Vec<PathBuf>,
    /// Registry and template-spec references of modules and imports (`br/public:...:1.0.0`,
    /// `br:registry/repo:tag`, `ts/alias:name:v1`), as written.
    pub registry: Vec<String>,
    /// The template of a `.bicepparam` file (`using './main.bicep'`).
    pub using: Option<PathBuf>,
    /// Files read when Bicep compiles (`loadTextContent('./x.txt')` and the other `load*`
    /// functions whose path is a string literal), resolved against the file's directory.
    pub loads: Vec<PathBuf>,
}

/// The functions that read a file named by their first argument when Bicep compiles.
pub const LOAD_FUNCTIONS: &[&str] = &[
    "loadTextContent",
    "loadJsonContent",
    "loadYamlContent",
    "loadFileAsBase64",
];

/// What a module or import path names.
#[derive(Debug, PartialEq)]
pub enum Target<'a> {
    Bicep(&'a str),
    Template(&'a str),
    Registry(&'a str),
}

/// Registry and template-spec references carry a scheme (`br:`, `br/alias:`, `ts:`); any other
/// path is a file relative to the one naming it: an ARM template when it ends in `.json`,
/// `.jsonc` or `.arm` (the Bicep compiler's `HasArmTemplateLikeExtension`), else Bicep.
pub fn target(path: &str) -> Target<'_> {
    let lower = path.to_ascii_lowercase();
    if path.contains(':') {
        Target::Registry(path)
    } else if [".json", ".jsonc", ".arm"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        Target::Template(path)
    } else {
        Target::Bicep(path)
    }
}

/// What the file at `path` with `text` names. A statement keyword starts a line, and its path
/// is a string without interpolation, as the parser requires; anything else names nothing.
pub fn references(path: &Path, text: &str) -> References {
    let mut out = References::default();
    let Some(dir) = path.parent() else {
        return out;
    };
    let tokens = lex(text).tokens;
    let word = |i: usize| match tokens.get(i) {
        Some(t) if t.kind == TokenKind::Ident => text.get(t.span.clone()),
        _ => None,
    };
    let literal = |i: usize| match tokens.get(i).map(|t| &t.kind) {
        Some(TokenKind::String {
            piece: StringPiece::Complete,
            value,
        }) => Some(value.as_str()),
        _ => None,
    };
    let resolve = |p: &str| crate::frontend::terraform::normalize(&dir.join(p));
    // `import ... from 'path'`: the path after `from`, within the statement (an import list may
    // span lines inside its braces). The legacy `import 'az@1.0.0'` names an extension.
    // An unclosed brace ends at the next `import` or after a bound, not at the end of the file,
    // so that reading the imports stays linear in the file.
    let import_path = |start: usize| {
        let mut depth = 0usize;
        let mut i = start;
        while let Some(token) = tokens.get(i).filter(|_| i - start < MAX_IMPORT_TOKENS) {
            match token.kind {
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => depth = depth.saturating_sub(1),
                TokenKind::NewLine if depth == 0 => return None,
                TokenKind::NewLine if word(i + 1) == Some("import") => return None,
                _ if depth == 0 && word(i) == Some("from") => return literal(i + 1),
                _ => {}
            }
            i += 1;
        }
        None
    };
    let add = |p: &str,
               bicep: &mut Vec<PathBuf>,
               out_templates: &mut Vec<PathBuf>,
               registry: &mut Vec<String>| match target(p) {
        Target::Bicep(p) => bicep.push(resolve(p)),
        Target::Template(p) => out_templates.push(resolve(p)),
        Target::Registry(r) => registry.push(r.to_string()),
    };
    for i in 0..tokens.len() {
        if word(i).is_some_and(|w| LOAD_FUNCTIONS.contains(&w))
            && tokens
                .get(i + 1)
                .is_some_and(|t| t.kind == TokenKind::LParen)
            && let Some(p) = literal(i + 2)
        {
            out.loads.push(resolve(p));
        }
        let starts_line = i == 0 || tokens[i - 1].kind == TokenKind::NewLine;
        if !starts_line {
            continue;
        }
        match word(i) {
            Some("module") if word(i + 1).is_some() => {
                if let Some(p) = literal(i + 2) {
                    add(p, &mut out.modules, &mut out.templates, &mut out.registry);
                }
            }
            Some("import") if literal(i + 1).is_none() => {
                if let Some(p) = import_path(i + 1) {
                    add(p, &mut out.imports, &mut out.templates, &mut out.registry);
                }
            }
            Some("using") => {
                if let Some(p) = literal(i + 1) {
                    out.using = Some(resolve(p));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> References {
        references(Path::new("infra/main.bicep"), text)
    }

    #[test]
    fn local_modules_using_and_registry_references_are_found() {
        let found = refs(
            "@description('network')\nmodule net './modules/net.bicep' = {\n  name: 'net'\n}\n\
             module kv 'br/public:avm/res/key-vault/vault:0.9.0' = {}\n\
             module loop '../shared/x.bicep' = [for i in range(0, 2): {}]\n",
        );
        assert_eq!(
            found.modules,
            [
                PathBuf::from("infra/modules/net.bicep"),
                PathBuf::from("shared/x.bicep")
            ]
        );
        assert_eq!(found.registry, ["br/public:avm/res/key-vault/vault:0.9.0"]);
        assert_eq!(found.using, None);
        assert_eq!(
            refs("using './main.bicep'\nparam x = 1\n").using,
            Some(PathBuf::from("infra/main.bicep"))
        );
    }

    #[test]
    fn words_that_do_not_start_a_statement_name_nothing() {
        let found = refs(
            "var module = 'x'\nvar o = {\n  module: './a.bicep'\n}\n\
             module m '${dir}/a.bicep' = {}\n// module c './c.bicep' = {}\n",
        );
        assert_eq!(found, References::default());
    }

    #[test]
    fn imports_name_their_files_legacy_extension_imports_do_not() {
        let found = refs(
            "import * as types from '../types/types.bicep'\nimport {\n  a\n  b as c\n} from './lib.bicep'\n\
             import {x} from 'br/public:avm/utl/types/avm-common-types:0.5.1'\n\
             import 'az@1.0.0'\nimport {y} from './compiled.json'\nmodule old './legacy.json' = {}\n",
        );
        assert_eq!(
            found.imports,
            [
                PathBuf::from("types/types.bicep"),
                PathBuf::from("infra/lib.bicep")
            ]
        );
        assert_eq!(
            found.templates,
            [
                PathBuf::from("infra/compiled.json"),
                PathBuf::from("infra/legacy.json")
            ]
        );
        assert_eq!(
            found.registry,
            ["br/public:avm/utl/types/avm-common-types:0.5.1"]
        );
    }

    #[test]
    fn module_paths_with_the_extensions_bicep_reads_as_arm_are_templates() {
        for path in ["./a.json", "nested/b.JSONC", "c.arm"] {
            assert_eq!(target(path), Target::Template(path));
        }
        assert_eq!(target("./d.bicep"), Target::Bicep("./d.bicep"));
        assert_eq!(
            target("br/public:x:1.0"),
            Target::Registry("br/public:x:1.0")
        );
    }

    #[test]
    fn files_loaded_at_compile_time_are_found() {
        let found = refs(
            "var a = loadTextContent('./scripts/a.sh')\nvar b = sys.loadJsonContent('../cfg.json', '$.x')\n\
             var c = loadFileAsBase64(path)\n",
        );
        assert_eq!(
            found.loads,
            [
                PathBuf::from("infra/scripts/a.sh"),
                PathBuf::from("cfg.json")
            ]
        );
    }

    #[test]
    fn an_unclosed_import_list_ends_at_the_next_import() {
        let found = refs("import {\n  a\nimport { b } from './b.bicep'\n");
        assert_eq!(found.imports, [PathBuf::from("infra/b.bicep")]);
    }
}
