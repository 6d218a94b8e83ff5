//! Path functions that only look at the string (as on Unix, where Terraform mostly runs):
//! `basename` and `dirname`. Those that read the machine (`abspath`, `pathexpand`) are in the
//! function table as unknowable.

use super::{Res, map_string};
use crate::value::Value;

/// Go's `filepath.Clean` on Unix: one slash between names, no `.`, `..` resolved lexically.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            name => parts.push(name),
        }
    }
    match (rooted, parts.join("/")) {
        (true, joined) => format!("/{joined}"),
        (false, joined) if joined.is_empty() => ".".to_string(),
        (false, joined) => joined,
    }
}

/// Go's `filepath.Base` on Unix.
fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `filepath.Dir` on Unix.
fn dir(path: &str) -> String {
    let end = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..end])
}

pub(super) fn basename(f: &str, a: &[Value]) -> Res {
    map_string(f, a, base)
}

pub(super) fn dirname(f: &str, a: &[Value]) -> Res {
    map_string(f, a, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_and_dir_as_go_computes_them() {
        for (path, b, d) in [
            ("foo/bar/baz.txt", "baz.txt", "foo/bar"),
            ("/foo/bar/", "bar", "/foo/bar"),
            ("baz.txt", "baz.txt", "."),
            ("", ".", "."),
            ("/", "/", "/"),
            ("a//b/../c", "c", "a"),
            ("../x", "x", ".."),
        ] {
            assert_eq!(base(path), b, "base({path:?})");
            assert_eq!(dir(path), d, "dir({path:?})");
        }
        assert_eq!(clean("a//b/../c"), "a/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../../a"), "../../a");
    }
}
