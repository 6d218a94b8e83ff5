//! `csvdecode`, `textencodebase64` and `textdecodebase64`.

use super::{Res, arity, base64_decode, base64_encode, fail, str_arg};
use crate::value::Value;
use std::collections::BTreeMap;

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
    use super::super::call;
    use crate::value::Value;

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
