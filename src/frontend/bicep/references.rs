//! The files a Bicep file names, read from its tokens: the local modules it calls and, for a
//! `.bicepparam` file, the template it is `using`. Enough to group files into programs before
//! any is parsed: a syntax tree is many times the size of its text, so a large tree of Bicep is
//! parsed one program at a time and each tree is dropped once its program is checked.

use super::lexer::{StringPiece, TokenKind, lex};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, PartialEq)]
pub struct References {
    /// Local module files (`module m './net.bicep' = ...`), resolved against the file's
    /// directory; registry and template-spec modules (`br:`, `ts:`) are left out.
    pub modules: Vec<PathBuf>,
    /// The template of a `.bicepparam` file (`using './main.bicep'`).
    pub using: Option<PathBuf>,
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
    for i in 0..tokens.len() {
        let starts_line = i == 0 || tokens[i - 1].kind == TokenKind::NewLine;
        if !starts_line {
            continue;
        }
        match word(i) {
            Some("module") if word(i + 1).is_some() => {
                if let Some(p) = literal(i + 2).filter(|p| is_local_module(p)) {
                    out.modules.push(resolve(p));
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

/// A module path that names a local file (not `br:`, `br/alias:` or `ts:`).
pub fn is_local_module(path: &str) -> bool {
    !path.contains(':') && path.ends_with(".bicep")
}

/// Whether a module path names a registry module or template spec (`br:`, `br/public:`,
/// `br/<alias>:`, `ts:`, `ts/<alias>:`), which the Bicep CLI restores into its cache.
pub fn is_registry_module(path: &str) -> bool {
    ["br:", "br/", "ts:", "ts/"]
        .iter()
        .any(|scheme| path.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> References {
        references(Path::new("infra/main.bicep"), text)
    }

    #[test]
    fn local_modules_and_using_are_found_registry_modules_are_not() {
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
}
