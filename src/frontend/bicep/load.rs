//! `loadTextContent`, `loadJsonContent` and `loadFileAsBase64` (not `loadYamlContent`, see the
//! function table): Bicep reads these files when it
//! compiles (Bicep.Core's `SystemNamespaceType` and `AuxiliaryFile`), so their content is known.
//! The files were read beside the calling `.bicep` file by the front end's reading layer (an
//! editor's unsaved buffer first); here they become values with Bicep's limits and errors.

use crate::frontend::terraform::normalize;
use crate::value::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bicep's `MaxLiteralCharacterLimit` (UTF-16 code units, as .NET counts characters).
const MAX_TEXT_CHARS: usize = 131_072;
/// Bicep's `MaxJsonFileCharacterLimit`.
const MAX_JSON_CHARS: usize = 1_048_576;
/// `MaxLiteralCharacterLimit / 4 * 3`: what fits in that many base64 characters.
const MAX_BASE64_BYTES: usize = MAX_TEXT_CHARS / 4 * 3;

/// A `load*` call of the file at `from` with its evaluated arguments.
pub fn call(
    function: &str,
    from: &Path,
    loaded: &HashMap<PathBuf, Result<Vec<u8>, String>>,
    args: &[Value],
) -> Value {
    if let Some(u) = args.iter().find_map(Value::first_unknown) {
        return Value::Unknown(u.clone());
    }
    let Some(Value::String(relative)) = args.first() else {
        return Value::error(format!("{function}(): the file path must be a string"));
    };
    if relative.contains('\\') {
        return Value::error(format!(
            "{function}(): the path \"{relative}\" contains a \"\\\"; Bicep requires \"/\""
        ));
    }
    if relative.starts_with('/') || relative.get(1..2) == Some(":") {
        return Value::error(format!(
            "{function}(): \"{relative}\" is an absolute path; Bicep requires a relative one"
        ));
    }
    let path = normalize(&from.parent().unwrap_or(Path::new("")).join(relative));
    let bytes = match loaded.get(&path) {
        Some(Ok(bytes)) => bytes,
        Some(Err(e)) => {
            return Value::error(format!("{function}(): cannot read '{relative}': {e}"));
        }
        None => {
            return Value::unknown(format!(
                "`{function}()` reads '{relative}', which foundry-lint did not read"
            ));
        }
    };
    let shown = format!("'{relative}'");
    match function {
        "loadFileAsBase64" if bytes.len() > MAX_BASE64_BYTES => Value::error(format!(
            "{function}(): {shown} exceeds the maximum size of {MAX_BASE64_BYTES} bytes"
        )),
        "loadFileAsBase64" => Value::String(crate::frontend::arm::base64_encode(bytes)),
        "loadTextContent" => match text(function, bytes, args.get(1), MAX_TEXT_CHARS, &shown) {
            Ok(t) => Value::String(t),
            Err(v) => v,
        },
        "loadJsonContent" => match text(function, bytes, args.get(2), MAX_JSON_CHARS, &shown) {
            Ok(t) => json(function, &t, args.get(1), &shown),
            Err(v) => v,
        },
        _ => Value::unknown(format!("`{function}()` is not a file function")),
    }
}

/// The file's text as .NET's `StreamReader` gives it: UTF-8 (the default encoding), a byte-order
/// mark dropped. Other encodings, and bytes that are not UTF-8, are not read.
fn text(
    function: &str,
    bytes: &[u8],
    encoding: Option<&Value>,
    limit: usize,
    shown: &impl std::fmt::Display,
) -> Result<String, Value> {
    match encoding {
        None => {}
        Some(Value::String(e)) if e == "utf-8" => {}
        Some(Value::String(e)) => {
            return Err(Value::unknown(format!(
                "`{function}()` reads {shown} in the encoding \"{e}\", which foundry-lint does not decode"
            )));
        }
        Some(_) => {
            return Err(Value::error(format!(
                "{function}(): the encoding must be a string"
            )));
        }
    }
    if bytes.starts_with(&[0xfe, 0xff]) || bytes.starts_with(&[0xff, 0xfe]) {
        return Err(Value::unknown(format!(
            "`{function}()` reads {shown}, a UTF-16 file, which foundry-lint does not decode"
        )));
    }
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Value::unknown(format!(
            "`{function}()` reads {shown}, which is not valid UTF-8"
        )));
    };
    if text.encode_utf16().count() > limit {
        return Err(Value::error(format!(
            "{function}(): {shown} exceeds the maximum size of {limit} characters"
        )));
    }
    Ok(text.to_string())
}

/// The JSON file, or the part `path` selects, as Bicep turns Json.NET's tokens into values.
fn json(function: &str, text: &str, path: Option<&Value>, shown: &impl std::fmt::Display) -> Value {
    let parsed = match crate::json::parse(text, crate::source::FileId(0)) {
        Ok(Some(json)) => json.to_value(),
        _ => return Value::error(format!("{function}(): {shown} is not valid JSON")),
    };
    // Json.NET reads an ISO date-time string as a date token, which Bicep then drops; whether
    // Bicep's JSON settings do so is not documented, so such a file is not guessed at.
    if has_date_like_string(&parsed) {
        return Value::unknown(format!(
            "`{function}()` reads {shown}, whose date-like strings Json.NET may read as dates"
        ));
    }
    let selector = match path {
        None => return parsed,
        Some(Value::String(p)) => p,
        Some(_) => return Value::error(format!("{function}(): the JSON path must be a string")),
    };
    match select(&parsed, selector) {
        Selected::Value(v) => v,
        Selected::Missing => Value::error(format!(
            "{function}(): no JSON token on the path \"{selector}\" of {shown}"
        )),
        Selected::Unsupported => Value::unknown(format!(
            "`{function}()` selects \"{selector}\" of {shown}; foundry-lint follows only plain JSONPath steps ($, .name, ['name'], [index])"
        )),
    }
}

fn has_date_like_string(v: &Value) -> bool {
    match v {
        // Json.NET's test: 19 to 40 characters, a digit first and `T` at index 10.
        Value::String(s) => {
            (19..=40).contains(&s.len())
                && s.as_bytes()[0].is_ascii_digit()
                && s.as_bytes().get(10) == Some(&b'T')
        }
        Value::List(items) => items.iter().any(has_date_like_string),
        Value::Object(map) => map.values().any(has_date_like_string),
        _ => false,
    }
}

enum Selected {
    Value(Value),
    Missing,
    Unsupported,
}

/// A JSONPath of plain steps: `$`, `.name`, `['name']`, `[n]` (Json.NET's `SelectTokens`).
fn select(root: &Value, path: &str) -> Selected {
    let mut rest = path.strip_prefix('$').unwrap_or(path);
    let mut current = root;
    let mut first = !path.starts_with('$');
    while !rest.is_empty() {
        let step;
        if let Some(r) = rest.strip_prefix("['") {
            let Some(end) = r.find("']") else {
                return Selected::Unsupported;
            };
            step = Step::Name(&r[..end]);
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return Selected::Unsupported;
            };
            let Ok(i) = r[..end].parse::<usize>() else {
                return Selected::Unsupported;
            };
            step = Step::Index(i);
            rest = &r[end + 1..];
        } else {
            let r = match rest.strip_prefix('.') {
                Some(r) if !r.starts_with('.') => r,
                None if first => rest,
                _ => return Selected::Unsupported,
            };
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            if name.is_empty() || name.contains(['*', '?', '@', '(', ')', ' ', '\'']) {
                return Selected::Unsupported;
            }
            step = Step::Name(name);
            rest = &r[end..];
        }
        first = false;
        let next = match (step, current) {
            (Step::Name(n), Value::Object(map)) => map.get(n),
            (Step::Index(i), Value::List(items)) => items.get(i),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return Selected::Missing,
        }
    }
    Selected::Value(current.clone())
}

enum Step<'a> {
    Name(&'a str),
    Index(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &[u8])]) -> HashMap<PathBuf, Result<Vec<u8>, String>> {
        entries
            .iter()
            .map(|(p, b)| (PathBuf::from(p), Ok(b.to_vec())))
            .collect()
    }

    fn load(
        function: &str,
        loaded: &HashMap<PathBuf, Result<Vec<u8>, String>>,
        args: &[&str],
    ) -> Value {
        let args: Vec<Value> = args.iter().map(|a| Value::str(*a)).collect();
        call(function, Path::new("infra/main.bicep"), loaded, &args)
    }

    fn is_error(v: &Value) -> bool {
        v.first_unknown().is_some_and(|u| u.is_error())
    }

    #[test]
    fn text_is_read_beside_the_calling_file_without_its_byte_order_mark() {
        let loaded = files(&[("infra/a.txt", b"\xef\xbb\xbfline\r\n"), ("b.txt", b"up")]);
        assert_eq!(
            load("loadTextContent", &loaded, &["a.txt"]),
            Value::str("line\r\n")
        );
        assert_eq!(
            load("loadTextContent", &loaded, &["./a.txt", "utf-8"]),
            Value::str("line\r\n")
        );
        assert_eq!(
            load("loadTextContent", &loaded, &["../b.txt"]),
            Value::str("up")
        );
        // Bicep's BCP051 and BCP098.
        assert!(is_error(&load("loadTextContent", &loaded, &["/etc/a.txt"])));
        assert!(is_error(&load("loadTextContent", &loaded, &["sub\\a.txt"])));
        // Encodings other than UTF-8 are not decoded.
        let latin = load("loadTextContent", &loaded, &["a.txt", "iso-8859-1"]);
        assert!(latin.is_unknown() && !is_error(&latin));
    }

    #[test]
    fn limits_are_bicep_s() {
        let at_limit = vec![b'a'; MAX_TEXT_CHARS];
        let over = vec![b'a'; MAX_TEXT_CHARS + 1];
        let loaded = files(&[("infra/ok.txt", &at_limit), ("infra/big.txt", &over)]);
        assert!(!load("loadTextContent", &loaded, &["ok.txt"]).is_unknown());
        assert!(is_error(&load("loadTextContent", &loaded, &["big.txt"])));
        // 131072 / 4 * 3 = 98304 bytes for base64.
        assert_eq!(MAX_BASE64_BYTES, 98_304);
        let bin = vec![0u8; MAX_BASE64_BYTES + 1];
        let loaded = files(&[("infra/big.bin", &bin)]);
        assert!(is_error(&load("loadFileAsBase64", &loaded, &["big.bin"])));
    }

    #[test]
    fn base64_is_the_file_s_bytes() {
        let loaded = files(&[("infra/c.bin", b"\x00\xffhi")]);
        assert_eq!(
            load("loadFileAsBase64", &loaded, &["c.bin"]),
            Value::str("AP9oaQ==")
        );
    }

    #[test]
    fn json_is_read_whole_or_by_a_plain_path() {
        let text = br#"{ "a": { "b": [ 1, { "c": "x" } ] }, "d e": true }"#;
        let loaded = files(&[("infra/v.json", text), ("infra/bad.json", b"{")]);
        let whole = load("loadJsonContent", &loaded, &["v.json"]);
        assert_eq!(whole.as_object().map(|o| o.len()), Some(2));
        assert_eq!(
            load("loadJsonContent", &loaded, &["v.json", "$.a.b[1].c"]),
            Value::str("x")
        );
        assert_eq!(
            load("loadJsonContent", &loaded, &["v.json", "a.b[0]"]),
            Value::Number(1.0)
        );
        assert_eq!(
            load("loadJsonContent", &loaded, &["v.json", "$['d e']"]),
            Value::Bool(true)
        );
        // No token on the path: Bicep's BCP235.
        assert!(is_error(&load(
            "loadJsonContent",
            &loaded,
            &["v.json", "$.z"]
        )));
        assert!(is_error(&load("loadJsonContent", &loaded, &["bad.json"])));
        // Wildcards and filters are not followed.
        let wild = load("loadJsonContent", &loaded, &["v.json", "$.a.b[*]"]);
        assert!(wild.is_unknown() && !is_error(&wild));
    }

    #[test]
    fn a_file_that_is_not_there_is_bicep_s_error_and_names_the_path() {
        let mut loaded = files(&[]);
        loaded.insert(
            PathBuf::from("infra/gone.txt"),
            Err("the file does not exist".into()),
        );
        let v = load("loadTextContent", &loaded, &["./gone.txt"]);
        assert!(is_error(&v));
        assert!(v.first_unknown().unwrap().reason().contains("'./gone.txt'"));
        // A path the reading layer did not read (not a literal) stays unknown.
        assert!(!is_error(&load("loadTextContent", &loaded, &["other.txt"])));
    }
}
