//! Hash functions over strings (their UTF-8 bytes) and name-based UUIDs: pure, so computed.

use super::{Res, arity, base64_encode, fail, map_string, str_arg};
use crate::value::Value;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::fmt::Write as _;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

pub(super) fn md5(f: &str, a: &[Value]) -> Res {
    map_string(f, a, |s| hex(&Md5::digest(s.as_bytes())))
}

pub(super) fn sha1(f: &str, a: &[Value]) -> Res {
    map_string(f, a, |s| hex(&Sha1::digest(s.as_bytes())))
}

pub(super) fn sha256(f: &str, a: &[Value]) -> Res {
    map_string(f, a, |s| hex(&Sha256::digest(s.as_bytes())))
}

pub(super) fn sha512(f: &str, a: &[Value]) -> Res {
    map_string(f, a, |s| hex(&Sha512::digest(s.as_bytes())))
}

pub(super) fn base64sha256(f: &str, a: &[Value]) -> Res {
    map_string(f, a, |s| base64_encode(&Sha256::digest(s.as_bytes())))
}

pub(super) fn base64sha512(f: &str, a: &[Value]) -> Res {
    map_string(f, a, |s| base64_encode(&Sha512::digest(s.as_bytes())))
}

/// The namespaces RFC 4122 predefines, by the names Terraform accepts.
const NAMESPACES: &[(&str, &str)] = &[
    ("dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    ("url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
    ("oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8"),
    ("x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8"),
];

/// A UUID in the forms Go's `uuid.Parse` reads: hyphenated, `urn:uuid:`, braced or 32 hex digits.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let s = s.strip_prefix("urn:uuid:").unwrap_or(s);
    let s = s
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(s);
    let digits: String = match s.len() {
        36 => {
            let b = s.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            s.chars().filter(|&c| c != '-').collect()
        }
        32 => s.to_string(),
        _ => return None,
    };
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(digits.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

pub(super) fn uuidv5(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let namespace = str_arg(f, a, 0)?;
    let name = str_arg(f, a, 1)?;
    let text = NAMESPACES
        .iter()
        .find(|(n, _)| *n == namespace)
        .map_or(namespace.as_ref(), |(_, uuid)| uuid);
    let space = parse_uuid(text).ok_or_else(|| {
        fail(
            f,
            format!("uuidv5() doesn't support namespace {namespace} (invalid UUID)"),
        )
    })?;
    let mut hash = Sha1::new();
    hash.update(space);
    hash.update(name.as_bytes());
    let digest = hash.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(Value::String(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use crate::value::Value;

    #[test]
    fn hashes_match_the_standard_test_vectors() {
        assert_eq!(
            call("md5", vec![Value::str("abc")]),
            Value::str("900150983cd24fb0d6963f7d28e17f72")
        );
        assert_eq!(
            call("sha1", vec![Value::str("abc")]),
            Value::str("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert_eq!(
            call("sha256", vec![Value::str("abc")]),
            Value::str("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(
            call("sha512", vec![Value::str("")]),
            Value::str(
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
            )
        );
        // Terraform's documented example.
        assert_eq!(
            call("base64sha256", vec![Value::str("hello world")]),
            Value::str("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
        );
        assert_eq!(
            call("base64sha512", vec![Value::str("hello world")]),
            Value::str(
                "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="
            )
        );
        // Numbers are hashed as their string form; unknowns stay unknown.
        assert_eq!(
            call("md5", vec![Value::Number(1.0)]),
            call("md5", vec![Value::str("1")])
        );
        assert!(call("sha256", vec![Value::unknown("later")]).is_unknown());
    }

    #[test]
    fn uuidv5_names_in_a_namespace() {
        // Terraform's documented examples.
        assert_eq!(
            call(
                "uuidv5",
                vec![Value::str("dns"), Value::str("www.terraform.io")]
            ),
            Value::str("a5008fae-b28c-5ba5-96cd-82b4c53552d6")
        );
        assert_eq!(
            call(
                "uuidv5",
                vec![Value::str("url"), Value::str("https://www.terraform.io/")]
            ),
            Value::str("9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5")
        );
        assert_eq!(
            call(
                "uuidv5",
                vec![
                    Value::str("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
                    Value::str("www.terraform.io")
                ]
            ),
            call(
                "uuidv5",
                vec![Value::str("dns"), Value::str("www.terraform.io")]
            )
        );
        let bad = call("uuidv5", vec![Value::str("nope"), Value::str("x")]);
        assert!(bad.first_unknown().is_some_and(|u| u.is_error()), "{bad:?}");
    }
}
