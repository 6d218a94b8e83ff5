//! Encodings: base64, JSON, URL query escaping, CSV and text encodings.

use super::*;
use crate::value::Value;
use std::collections::BTreeMap;

pub(super) fn jsonencode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let v = arg(a, 0);
    wholly_known(v)?;
    let mut out = String::new();
    write_json(v, &mut out, 0).map_err(|m| fail(f, m))?;
    Ok(Value::String(out))
}

/// cty's JSON: compact, object keys sorted, numbers without exponent, strings escaped like Go's
/// `encoding/json` (which also escapes `<`, `>`, `&`, U+2028 and U+2029).
pub(super) fn write_json(v: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("value is nested more than {MAX_DEPTH} levels deep"));
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Value::Number(_) => return Err("cannot serialize infinity as JSON".into()),
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                write_json(item, out, depth + 1)?;
            }
            out.push('}');
        }
        Value::Unknown(_) => return Err("value is not known".into()),
    }
    Ok(())
}

pub(super) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn jsondecode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    // azapi 1.x exports `output` as a JSON string, azapi 2.x as an object; both providers'
    // templates write `jsondecode(x.output)`, so an already decoded value passes through.
    if let Value::Object(_) | Value::List(_) = &a[0] {
        return Ok(a[0].clone());
    }
    let s = str_arg(f, a, 0)?;
    serde_json::from_str::<serde_json::Value>(&s)
        .map(Value::from)
        .map_err(|e| fail(f, e))
}

pub(super) const BASE64: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's standard decoder: padding required, line breaks ignored, unused bits not checked.
pub(super) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let quads = clean.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (q, quad) in clean.chunks(4).enumerate() {
        let data = quad.iter().take_while(|&&c| c != b'=').count();
        let padding_ok = quad[data..].iter().all(|&c| c == b'=');
        if data < 4 && (q + 1 < quads || data < 2 || !padding_ok) {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in quad[..data].iter().enumerate() {
            let v = BASE64.iter().position(|&x| x == c)?;
            n |= (v as u32) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..data]);
    }
    Some(out)
}

pub(super) fn base64decode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let bytes =
        base64_decode(&s).ok_or_else(|| fail(f, format!("failed to decode base64 data {s}")))?;
    String::from_utf8(bytes).map(Value::String).map_err(|_| {
        fail(
            f,
            "the result of decoding the provided string is not valid UTF-8",
        )
    })
}

/// Go's `url.QueryEscape`.
pub(super) fn url_query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Go's `encoding/csv` reader with its defaults: `,` separator, `"` quotes with `""` inside,
/// blank lines skipped, every record as long as the first. `Err` is the reader's complaint.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.replace("\r\n", "\n");
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        if chars.peek() == Some(&'\n') {
            chars.next();
            line += 1;
            continue;
        }
        let mut record = Vec::new();
        loop {
            let mut field = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                        None => {
                            return Err(format!(
                                "line {line}: extraneous or missing \" in quoted-field"
                            ));
                        }
                    }
                }
                if !matches!(chars.peek(), None | Some(',') | Some('\n')) {
                    return Err(format!(
                        "line {line}: extraneous or missing \" in quoted-field"
                    ));
                }
            } else {
                while let Some(&c) = chars.peek() {
                    match c {
                        ',' | '\n' => break,
                        '"' => return Err(format!("line {line}: bare \" in non-quoted-field")),
                        c => {
                            field.push(c);
                            chars.next();
                        }
                    }
                }
            }
            record.push(field);
            match chars.next() {
                Some(',') => continue,
                Some(_) => {
                    line += 1;
                    break;
                }
                None => break,
            }
        }
        if let Some(first) = records.first().map(Vec::len)
            && record.len() != first
        {
            return Err(format!(
                "record on line {}: wrong number of fields",
                line - 1
            ));
        }
        records.push(record);
    }
    Ok(records)
}

/// The first record names the columns; every other record becomes an object.
pub(super) fn csvdecode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let text = str_arg(f, a, 0)?;
    let records = csv_records(&text).map_err(|e| fail(f, e))?;
    let Some((header, rows)) = records.split_first() else {
        return Err(fail(f, "missing header line"));
    };
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(fail(f, format!("duplicate column name {name:?}")));
        }
    }
    Ok(Value::List(
        rows.iter()
            .map(|row| {
                Value::Object(
                    header
                        .iter()
                        .cloned()
                        .zip(row.iter().cloned().map(Value::String))
                        .collect::<BTreeMap<_, _>>(),
                )
            })
            .collect(),
    ))
}

#[derive(Clone, Copy)]
enum Encoding {
    Utf8,
    Utf16 { little_endian: bool },
}

/// The encodings evaluated here, by IANA name (case-insensitive); others stay unknown.
fn encoding(f: &str, name: &str) -> Result<Encoding, Value> {
    match name.to_ascii_lowercase().as_str() {
        "utf-8" => Ok(Encoding::Utf8),
        "utf-16le" => Ok(Encoding::Utf16 {
            little_endian: true,
        }),
        "utf-16be" => Ok(Encoding::Utf16 {
            little_endian: false,
        }),
        _ => Err(Value::unknown(format!(
            "`{f}()` is evaluated only for UTF-8, UTF-16LE and UTF-16BE, not {name:?}"
        ))),
    }
}

pub(super) fn textencodebase64(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let text = str_arg(f, a, 0)?;
    let encoding = encoding(f, &str_arg(f, a, 1)?)?;
    let bytes: Vec<u8> = match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf16 { little_endian } => text
            .encode_utf16()
            .flat_map(|u| match little_endian {
                true => u.to_le_bytes(),
                false => u.to_be_bytes(),
            })
            .collect(),
    };
    Ok(Value::String(base64_encode(&bytes)))
}

pub(super) fn textdecodebase64(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let source = str_arg(f, a, 0)?;
    let encoding = encoding(f, &str_arg(f, a, 1)?)?;
    let bytes = base64_decode(&source)
        .ok_or_else(|| fail(f, "the given value is has an invalid base64 symbol"))?;
    let text = match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(&bytes).into_owned(),
        Encoding::Utf16 { little_endian } => {
            if bytes.len() % 2 != 0 {
                return Err(Value::unknown(format!(
                    "`{f}()`: an odd number of UTF-16 bytes is not decoded by foundry-lint"
                )));
            }
            let units = bytes.chunks(2).map(|p| match little_endian {
                true => u16::from_le_bytes([p[0], p[1]]),
                false => u16::from_be_bytes([p[0], p[1]]),
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
    };
    Ok(Value::String(text))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    // --- encodings ---------------------------------------------------------------------------

    #[test]
    fn jsonencode_is_compact_with_sorted_keys() {
        assert_eq!(
            c("jsonencode", vec![obj(&[("hello", s("world"))])]),
            s("{\"hello\":\"world\"}")
        );
        assert_eq!(
            c(
                "jsonencode",
                vec![obj(&[
                    ("b", nums(&[1.0, 2.5])),
                    ("a", Value::Null),
                    ("c", b(true))
                ])]
            ),
            s("{\"a\":null,\"b\":[1,2.5],\"c\":true}")
        );
        assert_eq!(c("jsonencode", vec![n(1e21)]), s("1000000000000000000000"));
        assert_eq!(
            c("jsonencode", vec![s("<a&b>\n")]),
            s("\"\\u003ca\\u0026b\\u003e\\n\"")
        );
        let u = unknown("u");
        assert_eq!(
            c("jsonencode", vec![obj(&[("a", list(vec![u.clone()]))])]),
            u
        );
    }

    #[test]
    fn jsondecode_builds_values() {
        assert_eq!(
            c("jsondecode", vec![s("{\"hello\": \"world\"}")]),
            obj(&[("hello", s("world"))])
        );
        assert_eq!(c("jsondecode", vec![s("true")]), b(true));
        let decoded = obj(&[("hello", s("world"))]);
        assert_eq!(c("jsondecode", vec![decoded.clone()]), decoded);
        assert_eq!(
            c("jsondecode", vec![s("[1, null]")]),
            list(vec![n(1.0), Value::Null])
        );
        assert!(is_error(&c("jsondecode", vec![s("{")])));
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            c("base64encode", vec![s("Hello World")]),
            s("SGVsbG8gV29ybGQ=")
        );
        assert_eq!(c("base64encode", vec![s("")]), s(""));
        assert_eq!(c("base64encode", vec![s("ab")]), s("YWI="));
        assert_eq!(
            c("base64decode", vec![s("SGVsbG8gV29ybGQ=")]),
            s("Hello World")
        );
        assert_eq!(c("base64decode", vec![s("YWI=")]), s("ab"));
        assert_eq!(c("base64decode", vec![s("YW\nJj")]), s("abc"));
        assert!(is_error(&c("base64decode", vec![s("YWI")])));
        assert!(is_error(&c("base64decode", vec![s("Y===")])));
        assert!(is_error(&c("base64decode", vec![s("YQ==YQ==")])));
        assert!(is_error(&c("base64decode", vec![s("/w==")])));
    }

    #[test]
    fn urlencode_like_go_query_escape() {
        assert_eq!(c("urlencode", vec![s("Hello World!")]), s("Hello+World%21"));
        assert_eq!(c("urlencode", vec![s("☃")]), s("%E2%98%83"));
        assert_eq!(
            c("urlencode", vec![s("foo:bar@localhost?foo=bar&bar=baz")]),
            s("foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz")
        );
    }

    #[test]
    fn csv_rows_become_objects_keyed_by_the_header() {
        let out = call(
            "csvdecode",
            vec![Value::str("a,b\n1,\"x, \"\"y\"\"\"\r\n\n2,3\n")],
        );
        let rows = out.as_list().expect("a list");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].as_object().unwrap()["b"], Value::str("x, \"y\""));
        assert_eq!(rows[1].as_object().unwrap()["a"], Value::str("2"));
        assert_eq!(
            call("csvdecode", vec![Value::str("a,b\n")]),
            Value::List(vec![])
        );
        for bad in ["", "a,b\n1\n", "a,a\n1,2\n", "a\nx\"y\n", "a\n\"x"] {
            let v = call("csvdecode", vec![Value::str(bad)]);
            assert!(
                v.first_unknown().is_some_and(|u| u.is_error()),
                "{bad:?}: {v:?}"
            );
        }
    }

    #[test]
    fn text_encodings_round_trip() {
        // Terraform's documented example.
        assert_eq!(
            call(
                "textencodebase64",
                vec![Value::str("Hello World"), Value::str("UTF-16LE")]
            ),
            Value::str("SABlAGwAbABvACAAVwBvAHIAbABkAA==")
        );
        assert_eq!(
            call(
                "textdecodebase64",
                vec![
                    Value::str("SABlAGwAbABvACAAVwBvAHIAbABkAA=="),
                    Value::str("UTF-16LE")
                ]
            ),
            Value::str("Hello World")
        );
        assert_eq!(
            call(
                "textencodebase64",
                vec![Value::str("é"), Value::str("utf-8")]
            ),
            call("base64encode", vec![Value::str("é")])
        );
        let other = call(
            "textencodebase64",
            vec![Value::str("x"), Value::str("Shift_JIS")],
        );
        assert!(other.first_unknown().is_some_and(|u| !u.is_error()));
    }
}
