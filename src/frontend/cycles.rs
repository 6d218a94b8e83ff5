//! Reference cycles and module calls that come back to themselves, as the evaluators find them:
//! each evaluator keeps the names it is evaluating on a stack, and a name met again while it is
//! on the stack closes a cycle. The cycle becomes one FL004 finding (see
//! [`crate::model::InvalidConfiguration`]) at the declaration that comes first in the sources,
//! whichever member the evaluation started from, so that every evaluation of it reports the same.

use crate::model::InvalidConfiguration;
use crate::source::Span;
use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};

/// Starts evaluating `key`. Err holds the cycle, the keys from `key` on, when `key` is already
/// being evaluated.
pub fn enter(active: &RefCell<Vec<String>>, key: &str) -> Result<(), Vec<String>> {
    let mut active = active.borrow_mut();
    if let Some(at) = active.iter().position(|k| k == key) {
        return Err(active[at..].to_vec());
    }
    active.push(key.to_string());
    Ok(())
}

/// Ends the evaluation of `key` (the innermost one).
pub fn leave(active: &RefCell<Vec<String>>, key: &str) {
    let mut active = active.borrow_mut();
    if let Some(at) = active.iter().rposition(|k| k == key) {
        active.remove(at);
    }
}

/// `path` as seen from the directory `base` (both normalized): how a message names a module,
/// the same wherever the tree was read from.
pub fn relative_to(path: &Path, base: &Path) -> String {
    let (path, base): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out: PathBuf = base[common..]
        .iter()
        .filter(|c| matches!(c, Component::Normal(_)))
        .map(|_| Component::ParentDir)
        .collect();
    out.extend(&path[common..]);
    match out.as_os_str().is_empty() {
        true => ".".into(),
        false => out.to_string_lossy().replace('\\', "/"),
    }
}

/// A declaration in a cycle: how the user names it and where it is declared.
pub struct Member {
    pub name: String,
    pub span: Span,
}

/// The finding for a reference cycle (`what`: "local values", "variables", ...).
/// `deployed`: some members are resources or modules, which the tool cannot order; others are
/// values, which have none.
pub fn reference_cycle(
    members: Vec<Member>,
    what: &str,
    deployed: bool,
) -> Option<InvalidConfiguration> {
    let (path, first, rest) = arrange(members)?;
    let message = match (rest.is_empty(), deployed) {
        (true, false) => format!(
            "`{}` refers to itself: it has no value, and nothing that depends on it is checked",
            first.name
        ),
        (true, true) => format!(
            "`{}` refers to itself: it cannot be deployed, and the values it reads from itself are not known",
            first.name
        ),
        (false, false) => format!(
            "{what} refer to each other in a cycle ({path}): none of them has a value, and nothing that depends on them is checked"
        ),
        (false, true) => format!(
            "{what} refer to each other in a cycle ({path}): they cannot be deployed in any order, and the values read around the cycle are not known"
        ),
    };
    Some(InvalidConfiguration {
        span: first.span,
        message,
        related: rest
            .into_iter()
            .map(|m| (m.span, format!("`{}` is part of the cycle", m.name)))
            .collect(),
    })
}

/// The finding for a module call (`call`, at `span`) that comes back to a module already being
/// called: `modules` are the modules from the one it calls to the one it is in.
pub fn module_cycle(call: &str, span: Span, modules: &[String]) -> InvalidConfiguration {
    let message = match modules {
        [own] => format!(
            "`{call}` calls the module it is in (`{own}`): it would nest without end, so the call is not evaluated"
        ),
        _ => {
            let mut path: Vec<String> = modules.iter().map(|m| format!("`{m}`")).collect();
            path.extend(path.first().cloned());
            format!(
                "`{call}` closes a cycle of module calls ({}): they would nest without end, so the call is not evaluated",
                path.join(" -> ")
            )
        }
    };
    InvalidConfiguration {
        span,
        message,
        related: Vec::new(),
    }
}

/// The members from the one declared first: the cycle written out (`a` -> `b` -> `a`), that
/// member and the others; None without members.
fn arrange(mut members: Vec<Member>) -> Option<(String, Member, Vec<Member>)> {
    let first = (0..members.len()).min_by_key(|&i| members[i].span)?;
    members.rotate_left(first);
    let mut path: Vec<String> = members.iter().map(|m| format!("`{}`", m.name)).collect();
    path.extend(path.first().cloned());
    let mut members = members.into_iter();
    let first = members.next()?;
    Some((path.join(" -> "), first, members.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_named_from_the_root() {
        let rel = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(rel("infra", "infra"), ".");
        assert_eq!(rel("infra/modules/net", "infra"), "modules/net");
        assert_eq!(rel("shared/net", "infra/prod"), "../../shared/net");
        assert_eq!(rel("main.bicep", "."), "main.bicep");
    }
}
