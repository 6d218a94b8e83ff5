//! Strings, and `format` / `formatlist` in cty's printf dialect.

use super::*;

pub(super) fn map_string(f: &str, a: &[Value], op: impl Fn(&str) -> String) -> Res {
    arity(f, a, 1, 1)?;
    Ok(Value::String(op(&str_arg(f, a, 0)?)))
}

pub(super) fn string_test(f: &str, a: &[Value], test: impl Fn(&str, &str) -> bool) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let x = str_arg(f, a, 1)?;
    Ok(Value::Bool(test(&s, &x)))
}

pub(super) fn startswith(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    // Every string starts with "", known or not.
    if arg(a, 0).is_unknown() && arg(a, 1) == &Value::str("") {
        return Ok(Value::Bool(true));
    }
    string_test(f, a, |s, x| s.starts_with(x))
}

pub(super) fn trim_affix(
    f: &str,
    a: &[Value],
    strip: impl for<'s> Fn(&'s str, &str) -> Option<&'s str>,
) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let affix = str_arg(f, a, 1)?;
    Ok(Value::str(strip(&s, &affix).unwrap_or(&s)))
}

pub(super) fn trim(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let s = str_arg(f, a, 0)?;
    let cutset = str_arg(f, a, 1)?;
    Ok(Value::str(s.trim_matches(|c| cutset.contains(c))))
}

/// Go's `unicode.ToUpper` maps one character to one character; Rust's may expand (ß -> SS).
pub(super) fn simple_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

pub(super) fn simple_lower(c: char) -> char {
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.Title`: upper-cases every letter that follows a separator.
pub(super) fn go_title(s: &str) -> String {
    fn separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        !c.is_alphanumeric() && c.is_whitespace()
    }
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if separator(prev) { simple_upper(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// Splits a string into grapheme clusters, the unit Terraform counts strings in, where that is
/// possible without Unicode segmentation tables: when no character can join its neighbours
/// (combining marks, joiners, variation selectors, emoji modifiers, jamo...). CR LF is one
/// cluster. `None` for any other string.
pub(super) fn graphemes(s: &str) -> Option<Vec<&str>> {
    fn stands_alone(c: char) -> bool {
        matches!(c as u32,
            0x0000..=0x02FF           // Latin, IPA, spacing modifiers
            | 0x0370..=0x03FF         // Greek
            | 0x0400..=0x0482 | 0x048A..=0x052F // Cyrillic
            | 0x2000..=0x200B | 0x2010..=0x2027 | 0x2030..=0x205E // punctuation
            | 0x2070..=0x20CF         // super- and subscripts, currency
            | 0x2100..=0x2BFF         // letterlike, arrows, maths, shapes, symbols
            | 0x3000..=0x3029 | 0x3030..=0x303F // CJK punctuation
            | 0x3041..=0x3096 | 0x30A0..=0x30FF // kana
            | 0x4E00..=0x9FFF         // CJK ideographs
            | 0xAC00..=0xD7A3         // precomposed Hangul
            | 0xFF01..=0xFF60         // full-width forms
            | 0x1F300..=0x1F3FA | 0x1F400..=0x1FAFF // emoji without modifiers
        )
    }
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !stands_alone(c) {
            return None;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' && chars.next_if(|&(_, n)| n == '\n').is_some() {
            end += 1;
        }
        out.push(&s[i..end]);
    }
    Some(out)
}

pub(super) fn unsegmented(f: &str) -> Value {
    Value::unknown(format!(
        "`{f}()` is not evaluated on strings with combining or joining characters: Terraform counts grapheme clusters, which foundry-lint does not segment"
    ))
}

pub(super) fn strrev(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let s = str_arg(f, a, 0)?;
    let clusters = graphemes(&s).ok_or_else(|| unsegmented(f))?;
    Ok(Value::String(clusters.into_iter().rev().collect()))
}

pub(super) fn substr(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let s = str_arg(f, a, 0)?;
    let offset = int_arg(f, a, 1)?;
    let length = int_arg(f, a, 2)?;
    let clusters = graphemes(&s).ok_or_else(|| unsegmented(f))?;
    let total = i64::try_from(clusters.len()).unwrap_or(i64::MAX);
    // Mirrors cty's algorithm, quirks included: a negative offset counts from the end (and
    // clamps at the start), any negative length means "to the end", and a zero length is only
    // honoured for non-negative offsets.
    let offset = if offset < 0 {
        offset.saturating_add(total)
    } else if length == 0 {
        return Ok(Value::str(""));
    } else {
        offset
    };
    let start = usize::try_from(offset.clamp(0, total)).unwrap_or(0);
    let rest = clusters.get(start..).unwrap_or_default();
    let take = if length <= 0 {
        rest.len()
    } else {
        usize::try_from(length)
            .unwrap_or(usize::MAX)
            .min(rest.len())
    };
    Ok(Value::String(rest[..take].concat()))
}

pub(super) fn join(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let sep = str_arg(f, a, 0)?;
    if a.len() < 2 {
        return Err(fail(f, "at least one list is required"));
    }
    let lists = (1..a.len())
        .map(|i| list_arg(f, a, i))
        .collect::<Result<Vec<_>, _>>()?;
    for v in &a[1..] {
        wholly_known(v)?;
    }
    let mut items = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        for (j, v) in list.iter().enumerate() {
            if v == &Value::Null {
                let which = if lists.len() > 1 {
                    format!("element {j} of list {}", li + 1)
                } else {
                    format!("element {j}")
                };
                return Err(fail(
                    f,
                    format!("{which} is null; cannot concatenate null values"),
                ));
            }
            items.push(elem_str(f, li + 1, j, v)?);
        }
    }
    Ok(Value::String(items.join(&*sep)))
}

pub(super) fn split(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let sep = str_arg(f, a, 0)?;
    let s = str_arg(f, a, 1)?;
    // Go splits around every character when the separator is empty.
    let parts: Vec<String> = if sep.is_empty() {
        s.chars().map(String::from).collect()
    } else {
        s.split(&*sep).map(String::from).collect()
    };
    Ok(strings(parts))
}

pub(super) fn indent(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let spaces = int_arg(f, a, 0)?;
    let s = str_arg(f, a, 1)?;
    let Ok(spaces) = usize::try_from(spaces) else {
        return Err(bad_arg(f, 0, "the number of spaces must not be negative"));
    };
    let lines = s.matches('\n').count();
    // Without a newline there is nothing to indent: the width is not used (nor its padding
    // built, however wide).
    if lines == 0 {
        return Ok(Value::String(s.to_string()));
    }
    if lines.saturating_mul(spaces) > MAX_STRING {
        return Err(too_long(f));
    }
    Ok(Value::String(
        s.replace('\n', &format!("\n{}", " ".repeat(spaces))),
    ))
}

pub(super) fn too_long(f: &str) -> Value {
    Value::unknown(format!(
        "`{f}()` would produce a string of more than {} MiB, too long to evaluate",
        MAX_STRING >> 20
    ))
}

pub(super) fn replace(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let s = str_arg(f, a, 0)?;
    let search = str_arg(f, a, 1)?;
    let with = str_arg(f, a, 2)?;
    // A search string wrapped in slashes is a regular expression.
    if let Some(pattern) = search
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix('/'))
        .filter(|_| search.len() > 1)
    {
        let re = compile(f, pattern)?;
        // Each match expands to at most the replacement with every `$` reference filled by
        // the whole input.
        let refs = with.matches('$').count();
        let per_match = with.len().saturating_add(refs.saturating_mul(s.len()));
        let bound = re
            .find_iter(&s)
            .count()
            .saturating_mul(per_match)
            .saturating_add(s.len());
        if bound > MAX_STRING {
            return Err(too_long(f));
        }
        return Ok(Value::String(re.replace_all(&s, &*with).into_owned()));
    }
    let bound = s
        .matches(&*search)
        .count()
        .saturating_mul(with.len())
        .saturating_add(s.len());
    if bound > MAX_STRING {
        return Err(too_long(f));
    }
    Ok(Value::String(s.replace(&*search, &with)))
}

pub(super) fn compile(f: &str, pattern: &str) -> Result<regex::Regex, Value> {
    regex::Regex::new(pattern).map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => Value::unknown(format!(
            "`{f}()`: the regular expression is too large for foundry-lint to evaluate"
        )),
        e => fail(
            f,
            format!(
                "error parsing pattern: {}",
                e.to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
    })
}

pub(super) fn regex_fn(f: &str, a: &[Value], all: bool) -> Res {
    arity(f, a, 2, 2)?;
    let pattern = str_arg(f, a, 0)?;
    // The pattern decides the result type, so Terraform rejects a bad one even when the string
    // is not known yet.
    let re = compile(f, &pattern)?;
    let (mut named, mut unnamed) = (0, 0);
    for name in re.capture_names().skip(1) {
        if name.is_some() {
            named += 1;
        } else {
            unnamed += 1;
        }
    }
    if named > 0 && unnamed > 0 {
        return Err(fail(
            f,
            "invalid regexp pattern: cannot mix both named and unnamed capture groups",
        ));
    }
    let s = str_arg(f, a, 1)?;
    let text = |m: Option<regex::Match<'_>>| m.map_or(Value::Null, |m| Value::str(m.as_str()));
    let result = |caps: regex::Captures<'_>| {
        if named > 0 {
            Value::Object(
                re.capture_names()
                    .enumerate()
                    .filter_map(|(i, n)| Some((n?.to_string(), text(caps.get(i)))))
                    .collect(),
            )
        } else if unnamed > 0 {
            Value::List((1..caps.len()).map(|i| text(caps.get(i))).collect())
        } else {
            text(caps.get(0))
        }
    };
    if all {
        return Ok(Value::List(re.captures_iter(&s).map(result).collect()));
    }
    re.captures(&s)
        .map(result)
        .ok_or_else(|| fail(f, "pattern did not match any part of the given string"))
}

// ---------------------------------------------------------------------------------------------
// format and formatlist: cty's printf dialect.
// ---------------------------------------------------------------------------------------------

pub(super) enum FormatFailure {
    /// Terraform reports an error.
    Error(String),
    /// foundry-lint cannot reproduce the result faithfully.
    Deferred(String),
}

pub(super) fn format_failure(f: &str, e: FormatFailure) -> Value {
    match e {
        FormatFailure::Error(m) => fail(f, m),
        FormatFailure::Deferred(m) => Value::unknown(format!("`{f}()`: {m}")),
    }
}

pub(super) fn format(f: &str, a: &[Value]) -> Res {
    crate::value::with_built_prefix_len(format_known(f, a), a, |a| format_known(f, a))
}

fn format_known(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let spec = str_arg(f, a, 0)?;
    // Any unknown, however deep, makes the result unknown: collections print as JSON.
    for v in &a[1..] {
        wholly_known(v)?;
    }
    format_values(&spec, &a[1..])
        .map(Value::String)
        .map_err(|e| format_failure(f, e))
}

pub(super) fn formatlist(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let spec = str_arg(f, a, 0)?;
    let rest = &a[1..];
    // Lists are iterated in step (so must have one length); other arguments repeat.
    let mut len: Option<(usize, usize)> = None;
    for (i, v) in rest.iter().enumerate() {
        match v {
            Value::Unknown(_) => return Err(v.clone()),
            Value::List(l) => match len {
                None => len = Some((l.len(), i)),
                Some((n, first)) if n != l.len() => {
                    return Err(fail(
                        f,
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {n}",
                            i + 1,
                            l.len(),
                            first + 1
                        ),
                    ));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    let iterations = len.map_or(1, |(n, _)| n);
    let mut out = Vec::with_capacity(iterations);
    for k in 0..iterations {
        let args: Vec<Value> = rest
            .iter()
            .map(|v| match v {
                Value::List(l) => l.get(k).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect();
        // An unknown makes only its own iteration unknown.
        if let Some(u) = args.iter().find_map(Value::first_unknown) {
            out.push(Value::Unknown(u.derived()));
            continue;
        }
        match format_values(&spec, &args) {
            Ok(s) => out.push(Value::String(s)),
            Err(FormatFailure::Error(m)) => {
                return Err(fail(f, format!("error on format iteration {k}: {m}")));
            }
            Err(e) => return Err(format_failure(f, e)),
        }
    }
    Ok(Value::List(out))
}

#[derive(Default)]
pub(super) struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    zero: bool,
    sharp: bool,
    minus: bool,
    plus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
    mode: char,
}

impl Verb<'_> {
    fn unsupported(&self, why: &str) -> FormatFailure {
        FormatFailure::Error(format!(
            "unsupported value for {:?} at {}: {why}",
            self.raw, self.offset
        ))
    }
}

/// The grammar of cty's format scanner: `%`, flags, width, `.precision`, `[argument]`, a letter.
pub(super) fn format_values(spec: &str, args: &[Value]) -> Result<String, FormatFailure> {
    let b = spec.as_bytes();
    let digits = |i: &mut usize| {
        let mut n = 0usize;
        while let Some(d) = b.get(*i).filter(|d| d.is_ascii_digit()) {
            n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
            *i += 1;
        }
        n
    };
    let bad_char = |i: usize, start: usize| {
        FormatFailure::Error(match spec.get(i..).and_then(|r| r.chars().next()) {
            Some(c) => format!("unrecognized format character {c:?} at offset {i}"),
            None => format!("invalid format string starting at offset {start}"),
        })
    };
    let mut out = String::new();
    let (mut i, mut next_arg, mut highest) = (0, 1usize, 0usize);
    while i < b.len() {
        let Some(rel) = spec[i..].find('%') else {
            out.push_str(&spec[i..]);
            break;
        };
        out.push_str(&spec[i..i + rel]);
        let start = i + rel;
        i = start + 1;
        if b.get(i) == Some(&b'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut verb = Verb {
            offset: start,
            ..Verb::default()
        };
        while let Some(c) = b.get(i) {
            match c {
                b'0' => verb.zero = true,
                b'#' => verb.sharp = true,
                b'-' => verb.minus = true,
                b'+' => verb.plus = true,
                b' ' => verb.space = true,
                _ => break,
            }
            i += 1;
        }
        if matches!(b.get(i), Some(b'1'..=b'9')) {
            verb.width = Some(digits(&mut i));
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            verb.precision = Some(digits(&mut i));
        }
        let mut argnum = next_arg;
        if b.get(i) == Some(&b'[') {
            i += 1;
            if !matches!(b.get(i), Some(b'1'..=b'9')) {
                return Err(bad_char(i, start));
            }
            argnum = digits(&mut i);
            if b.get(i) != Some(&b']') {
                return Err(bad_char(i, start));
            }
            i += 1;
        }
        match b.get(i) {
            Some(c) if c.is_ascii_alphabetic() => verb.mode = char::from(*c),
            _ => return Err(bad_char(i, start)),
        }
        i += 1;
        verb.raw = &spec[start..i];
        highest = highest.max(argnum);
        let value = args.get(argnum - 1).ok_or_else(|| {
            FormatFailure::Error(format!(
                "not enough arguments for {:?} at {start}: need index {argnum} but have {} total",
                verb.raw,
                args.len()
            ))
        })?;
        format_verb(&verb, value, &mut out)?;
        if out.len() > MAX_STRING {
            return Err(FormatFailure::Deferred(
                "the result is too long to evaluate".into(),
            ));
        }
        next_arg = argnum.saturating_add(1);
    }
    if highest < args.len() {
        return Err(FormatFailure::Error(if highest == 0 {
            "too many arguments; no verbs in format string".into()
        } else {
            format!("too many arguments; only {highest} used by format string")
        }));
    }
    Ok(out)
}

pub(super) fn format_verb(
    verb: &Verb<'_>,
    value: &Value,
    out: &mut String,
) -> Result<(), FormatFailure> {
    if verb.width.unwrap_or(0) > MAX_FORMAT_WIDTH || verb.precision.unwrap_or(0) > MAX_FORMAT_WIDTH
    {
        return Err(FormatFailure::Deferred(format!(
            "widths and precisions above {MAX_FORMAT_WIDTH} are not evaluated"
        )));
    }
    if verb.mode != 'v' && value == &Value::Null {
        return Err(verb.unsupported("null value cannot be formatted"));
    }
    match verb.mode {
        'v' => format_as_is(verb, value, out),
        't' => {
            // Booleans ignore width.
            let b = conv_bool(value).map_err(|_| verb.unsupported("a bool is required"))?;
            out.push_str(if b { "true" } else { "false" });
            Ok(())
        }
        'b' | 'd' | 'o' | 'x' | 'X' => format_integer(verb, value, out),
        'e' | 'E' | 'f' | 'g' | 'G' => format_float(verb, value, out),
        's' | 'q' => {
            let s = conv_str(value).map_err(|_| verb.unsupported("a string is required"))?;
            let s = match verb.precision {
                Some(p) if p > 0 => {
                    let clusters = graphemes(&s).ok_or_else(not_segmented)?;
                    Cow::Owned(clusters.iter().take(p).copied().collect())
                }
                _ => s,
            };
            let s = if verb.mode == 'q' {
                Cow::Owned(json_string(&s))
            } else {
                s
            };
            pad(verb, &s, out)
        }
        m => Err(FormatFailure::Error(format!(
            "unsupported format verb {m:?} in {:?} at offset {}",
            verb.raw, verb.offset
        ))),
    }
}

pub(super) fn not_segmented() -> FormatFailure {
    FormatFailure::Deferred(
        "strings with combining or joining characters are not measured by foundry-lint".into(),
    )
}

/// cty's own padding (strings, `%v`): measured in grapheme clusters, zeros if asked for.
pub(super) fn pad(verb: &Verb<'_>, s: &str, out: &mut String) -> Result<(), FormatFailure> {
    let Some(width) = verb.width else {
        out.push_str(s);
        return Ok(());
    };
    let len = graphemes(s).ok_or_else(not_segmented)?.len();
    let fill = if verb.zero { "0" } else { " " }.repeat(width.saturating_sub(len));
    if verb.minus {
        out.push_str(s);
        out.push_str(&fill);
    } else {
        out.push_str(&fill);
        out.push_str(s);
    }
    Ok(())
}

pub(super) fn format_as_is(
    verb: &Verb<'_>,
    value: &Value,
    out: &mut String,
) -> Result<(), FormatFailure> {
    match value {
        Value::String(s) if !verb.sharp => pad(verb, s, out),
        Value::Number(n) if !verb.sharp => {
            let n = finite(*n)?;
            let sign = if n < 0.0 { "-" } else { "" };
            pad(verb, &format!("{sign}{}", go_g(n.abs(), None, 'g')), out)
        }
        _ => {
            let mut json = String::new();
            write_json(value, &mut json, 0).map_err(|m| verb.unsupported(&m))?;
            pad(verb, &json, out)
        }
    }
}

pub(super) fn finite(n: f64) -> Result<f64, FormatFailure> {
    if n.is_finite() {
        Ok(n)
    } else {
        Err(FormatFailure::Deferred(
            "infinite numbers are not formatted by foundry-lint".into(),
        ))
    }
}

/// Go's `fmt` for big integers: `[padding][sign][base prefix][zeros][digits][padding]`.
pub(super) fn format_integer(
    verb: &Verb<'_>,
    value: &Value,
    out: &mut String,
) -> Result<(), FormatFailure> {
    let n = conv_num(value).map_err(|_| verb.unsupported("a number is required"))?;
    let n = finite(n)?;
    if n.fract() != 0.0 {
        return Err(verb.unsupported("an integer is required"));
    }
    if n.abs() >= 9_223_372_036_854_775_808.0 {
        return Err(FormatFailure::Deferred(
            "integers beyond 2^63 are not formatted by foundry-lint".into(),
        ));
    }
    let magnitude = n.abs() as u64;
    let digits = match verb.mode {
        'b' => format!("{magnitude:b}"),
        'o' => format!("{magnitude:o}"),
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        _ => magnitude.to_string(),
    };
    let sign = sign(verb, n < 0.0);
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = verb.precision {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            // Go prints nothing at all for zero with zero precision.
            return Ok(());
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(extra) = verb.width.and_then(|w| w.checked_sub(len)) {
        if verb.minus {
            right = extra;
        } else if verb.zero && verb.precision.is_none() {
            zeros += extra;
        } else {
            left = extra;
        }
    }
    out.push_str(&" ".repeat(left));
    out.push_str(sign);
    out.push_str(prefix);
    out.push_str(&"0".repeat(zeros));
    out.push_str(&digits);
    out.push_str(&" ".repeat(right));
    Ok(())
}

pub(super) fn sign(verb: &Verb<'_>, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    }
}

/// Go's `fmt` for big floats.
pub(super) fn format_float(
    verb: &Verb<'_>,
    value: &Value,
    out: &mut String,
) -> Result<(), FormatFailure> {
    let n = conv_num(value).map_err(|_| verb.unsupported("a number is required"))?;
    let n = finite(n)?;
    let x = n.abs();
    let body = match verb.mode {
        // Rust rounds exactly, half to even, like Go's decimal conversion.
        'f' => format!("{:.*}", verb.precision.unwrap_or(6), x),
        'e' | 'E' => {
            let p = verb.precision.unwrap_or(6);
            fmt_e(&Decimal::rounded(x, p + 1), p, verb.mode)
        }
        _ => go_g(x, verb.precision, verb.mode),
    };
    let sign = sign(verb, n < 0.0);
    let fill = verb
        .width
        .and_then(|w| w.checked_sub(sign.len() + body.len()))
        .unwrap_or(0);
    // Go's fmt drops the zero flag when the minus flag is present.
    if verb.zero && !verb.minus {
        out.push_str(sign);
        out.push_str(&"0".repeat(fill));
        out.push_str(&body);
    } else if verb.minus {
        out.push_str(sign);
        out.push_str(&body);
        out.push_str(&" ".repeat(fill));
    } else {
        out.push_str(&" ".repeat(fill));
        out.push_str(sign);
        out.push_str(&body);
    }
    Ok(())
}

/// A non-negative number as decimal digits: `0.d1d2d3... * 10^exp`, without trailing zeros
/// (zero has no digits), as Go's `math/big` formats from.
pub(super) struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The shortest digits that read back as the same number.
    fn shortest(x: f64) -> Decimal {
        Decimal::from_scientific(&format!("{x:e}"))
    }

    /// Rounded to `significant` digits (at least 1).
    fn rounded(x: f64, significant: usize) -> Decimal {
        Decimal::from_scientific(&format!("{:.*e}", significant.max(1) - 1, x))
    }

    fn from_scientific(s: &str) -> Decimal {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        let exp = if digits.is_empty() {
            0
        } else {
            exp.parse::<i64>().unwrap_or(0) + 1
        };
        Decimal { digits, exp }
    }

    fn len(&self) -> i64 {
        self.digits.len() as i64
    }

    fn at(&self, i: i64) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.get(i))
            .map_or('0', |d| char::from(*d))
    }
}

/// Go's `%e` layout: `d.ddde+XX`.
pub(super) fn fmt_e(d: &Decimal, precision: usize, mode: char) -> String {
    let mut s = String::new();
    s.push(d.at(0));
    if precision > 0 {
        s.push('.');
        for i in 1..=precision {
            s.push(d.at(i as i64));
        }
    }
    let exp = if d.digits.is_empty() { 0 } else { d.exp - 1 };
    let _ = write!(
        s,
        "{}{}{:02}",
        if mode == 'E' { 'E' } else { 'e' },
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
    s
}

/// Go's `%f` layout of a decimal with `precision` fraction digits.
pub(super) fn fmt_f(d: &Decimal, precision: i64) -> String {
    let mut s = String::new();
    if d.exp > 0 {
        for i in 0..d.exp {
            s.push(d.at(i));
        }
    } else {
        s.push('0');
    }
    if precision > 0 {
        s.push('.');
        for i in 0..precision {
            s.push(d.at(d.exp + i));
        }
    }
    s
}

/// Go's `%g` (and `%v` for numbers): shortest digits when no precision is given, switching to
/// exponent form from 1e+06 up and below 1e-04.
pub(super) fn go_g(x: f64, precision: Option<usize>, mode: char) -> String {
    let (d, shortest, mut prec) = match precision {
        None => {
            let d = Decimal::shortest(x);
            let p = d.len();
            (d, true, p)
        }
        Some(p) => {
            let p = p.max(1);
            (Decimal::rounded(x, p), false, p as i64)
        }
    };
    let mut eprec = prec;
    if eprec > d.len() && d.len() >= d.exp {
        eprec = d.len();
    }
    if shortest {
        eprec = 6;
    }
    let exp = d.exp - 1;
    if exp < -4 || exp >= eprec {
        prec = prec.min(d.len());
        let e = if mode == 'G' { 'E' } else { 'e' };
        return fmt_e(&d, usize::try_from(prec - 1).unwrap_or(0), e);
    }
    if prec > d.exp {
        prec = d.len();
    }
    fmt_f(&d, (prec - d.exp).max(0))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    // --- strings -----------------------------------------------------------------------------

    #[test]
    fn format_verbs() {
        let f = |spec: &str, args: Vec<Value>| {
            let mut all = vec![s(spec)];
            all.extend(args);
            c("format", all)
        };
        assert_eq!(f("Hello, %s!", vec![s("Ander")]), s("Hello, Ander!"));
        assert_eq!(
            f("There are %d lights", vec![n(4.0)]),
            s("There are 4 lights")
        );
        assert_eq!(f("%#v", vec![s("hello")]), s("\"hello\""));
        assert_eq!(f("%#v", vec![b(true)]), s("true"));
        assert_eq!(f("%#v", vec![n(1.0)]), s("1"));
        assert_eq!(f("%#v", vec![obj(&[("a", n(1.0))])]), s("{\"a\":1}"));
        assert_eq!(f("%v", vec![s("hello")]), s("hello"));
        assert_eq!(f("%v", vec![b(true)]), s("true"));
        assert_eq!(f("%v", vec![n(1.0)]), s("1"));
        assert_eq!(f("%v", vec![list(vec![b(true)])]), s("[true]"));
        assert_eq!(f("%v", vec![Value::Null]), s("null"));
        assert_eq!(f("%q", vec![s("a\"b")]), s("\"a\\\"b\""));
        assert_eq!(f("%t", vec![b(false)]), s("false"));
        assert_eq!(f("100%%", vec![]), s("100%"));
        assert_eq!(f("%s-%d", vec![n(5.0), s("7")]), s("5-7"));
        assert_eq!(f("%[2]s %[1]s %s", vec![s("a"), s("b")]), s("b a b"));
    }

    #[test]
    fn format_width_precision_and_flags() {
        let f = |spec: &str, v: Value| c("format", vec![s(spec), v]);
        assert_eq!(f("%02d", n(5.0)), s("05"));
        assert_eq!(f("%5d", n(42.0)), s("   42"));
        assert_eq!(f("%-5d|", n(42.0)), s("42   |"));
        assert_eq!(f("%+d", n(42.0)), s("+42"));
        assert_eq!(f("%05d", n(-42.0)), s("-0042"));
        assert_eq!(f("%.3d", n(7.0)), s("007"));
        assert_eq!(f("%x", n(255.0)), s("ff"));
        assert_eq!(f("%#X", n(255.0)), s("0XFF"));
        assert_eq!(f("%b", n(5.0)), s("101"));
        assert_eq!(f("%o", n(8.0)), s("10"));
        assert_eq!(f("%.2f", n(1.23456)), s("1.23"));
        assert_eq!(f("%f", n(1.5)), s("1.500000"));
        assert_eq!(f("%8.3f", n(-1.23456)), s("  -1.235"));
        assert_eq!(f("%08.3f", n(-1.23456)), s("-001.235"));
        assert_eq!(f("%e", n(123456.0)), s("1.234560e+05"));
        assert_eq!(f("%.2E", n(0.000123)), s("1.23E-04"));
        assert_eq!(f("%g", n(100000.0)), s("100000"));
        assert_eq!(f("%g", n(1000000.0)), s("1e+06"));
        assert_eq!(f("%.3g", n(1.23456)), s("1.23"));
        assert_eq!(f("%-5s|", s("ab")), s("ab   |"));
        assert_eq!(f("%5s", s("ab")), s("   ab"));
        assert_eq!(f("%.2s", s("hello")), s("he"));
        assert_eq!(f("%5t", b(true)), s("true"));
    }

    #[test]
    fn format_prints_numbers_like_go() {
        let f = |v: f64| c("format", vec![s("%v"), n(v)]);
        assert_eq!(f(12345678.0), s("1.2345678e+07"));
        assert_eq!(f(100000.0), s("100000"));
        assert_eq!(f(1.25), s("1.25"));
        assert_eq!(f(0.0001), s("0.0001"));
        assert_eq!(f(0.00001), s("1e-05"));
        assert_eq!(f(-2.5), s("-2.5"));
        assert_eq!(f(0.0), s("0"));
        assert_eq!(c("format", vec![s("%#v"), n(12345678.0)]), s("12345678"));
    }

    #[test]
    fn format_with_mismatched_arguments_is_an_error() {
        assert_eq!(
            reason(&c("format", vec![s("%d %d"), n(1.0)])),
            "format: not enough arguments for \"%d\" at 3: need index 2 but have 1 total"
        );
        assert_eq!(
            reason(&c("format", vec![s("%d"), n(1.0), n(2.0)])),
            "format: too many arguments; only 1 used by format string"
        );
        assert_eq!(
            reason(&c("format", vec![s("hello"), n(1.0)])),
            "format: too many arguments; no verbs in format string"
        );
        assert_eq!(
            reason(&c("format", vec![s("%d"), s("x")])),
            "format: unsupported value for \"%d\" at 0: a number is required"
        );
        assert_eq!(
            reason(&c("format", vec![s("%d"), n(1.5)])),
            "format: unsupported value for \"%d\" at 0: an integer is required"
        );
        assert!(is_error(&c("format", vec![s("%s"), strs(&["a"])])));
        assert!(is_error(&c("format", vec![s("%s"), Value::Null])));
        assert!(is_error(&c("format", vec![s("%z"), n(1.0)])));
        assert!(is_error(&c("format", vec![s("%!"), n(1.0)])));
        assert!(is_error(&c("format", vec![s("abc %"), n(1.0)])));
    }

    #[test]
    fn format_with_an_unknown_argument_is_that_unknown() {
        let u = unknown("`var.name` has no value");
        assert_eq!(c("format", vec![s("%s-%d"), u.clone(), n(1.0)]), u);
        assert_eq!(c("format", vec![s("%v"), list(vec![u.clone()])]), u);
    }

    #[test]
    fn format_never_builds_absurd_strings() {
        let v = c("format", vec![s("%999999999d"), n(1.0)]);
        assert!(is_deferred(&v));
        let v = c("format", vec![s("%.99999999999999999999999f"), n(1.0)]);
        assert!(is_deferred(&v));
        assert!(is_deferred(&c("format", vec![s("%d"), n(1e300)])));
    }

    #[test]
    fn formatlist_iterates_lists_in_step() {
        assert_eq!(
            c(
                "formatlist",
                vec![s("Hello, %s!"), strs(&["Valentina", "Ander"])]
            ),
            strs(&["Hello, Valentina!", "Hello, Ander!"])
        );
        assert_eq!(
            c(
                "formatlist",
                vec![
                    s("%s, %s!"),
                    s("Salutations"),
                    strs(&["Valentina", "Ander"])
                ]
            ),
            strs(&["Salutations, Valentina!", "Salutations, Ander!"])
        );
        assert_eq!(c("formatlist", vec![s("x%sx"), strs(&[])]), strs(&[]));
        assert!(is_error(&c(
            "formatlist",
            vec![s("%s%s"), strs(&["a"]), strs(&["b", "c"])]
        )));
        let u = unknown("u");
        assert_eq!(
            c("formatlist", vec![s("<%s>"), list(vec![s("a"), u.clone()])]),
            list(vec![s("<a>"), u])
        );
    }

    #[test]
    fn join_and_split() {
        assert_eq!(
            c("join", vec![s("-"), strs(&["foo", "bar", "baz"])]),
            s("foo-bar-baz")
        );
        assert_eq!(c("join", vec![s(", "), strs(&["foo"])]), s("foo"));
        assert_eq!(
            c("join", vec![s(","), strs(&["a"]), list(vec![n(1.0)])]),
            s("a,1")
        );
        assert!(is_error(&c("join", vec![s(",")])));
        assert!(is_error(&c("join", vec![s(","), list(vec![Value::Null])])));
        assert_eq!(
            c("split", vec![s(","), s("foo,bar,baz")]),
            strs(&["foo", "bar", "baz"])
        );
        assert_eq!(c("split", vec![s(","), s("foo")]), strs(&["foo"]));
        assert_eq!(c("split", vec![s(","), s("")]), strs(&[""]));
        assert_eq!(c("split", vec![s(""), s("abc")]), strs(&["a", "b", "c"]));
    }

    #[test]
    fn case_functions() {
        assert_eq!(c("lower", vec![s("HELLO")]), s("hello"));
        assert_eq!(c("lower", vec![s("АЛЛО!")]), s("алло!"));
        assert_eq!(c("upper", vec![s("hello")]), s("HELLO"));
        assert_eq!(c("upper", vec![s("алло!")]), s("АЛЛО!"));
        assert_eq!(c("upper", vec![s("straße")]), s("STRAßE"));
        assert_eq!(c("title", vec![s("hello world")]), s("Hello World"));
        assert_eq!(
            c("title", vec![s("hello-world foo_bar")]),
            s("Hello-World Foo_bar")
        );
    }

    #[test]
    fn replace_plain_and_regex() {
        assert_eq!(
            c("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]),
            s("1 - 2 - 3")
        );
        assert_eq!(
            c(
                "replace",
                vec![s("hello world"), s("/w.*d/"), s("everybody")]
            ),
            s("hello everybody")
        );
        assert_eq!(
            c("replace", vec![s("a1b22"), s("/([0-9]+)/"), s("<$1>")]),
            s("a<1>b<22>")
        );
        assert_eq!(c("replace", vec![s("a/b"), s("/"), s("-")]), s("a-b"));
        assert!(is_error(&c("replace", vec![s("x"), s("/(/"), s("y")])));
    }

    #[test]
    fn regex_shapes_follow_the_capture_groups() {
        assert_eq!(
            c(
                "regex",
                vec![s("[a-z]+"), s("53453453.345345aaabbbccc23454")]
            ),
            s("aaabbbccc")
        );
        assert_eq!(
            c(
                "regex",
                vec![s(r"(\d\d\d\d)-(\d\d)-(\d\d)"), s("2019-02-01")]
            ),
            strs(&["2019", "02", "01"])
        );
        assert_eq!(
            c(
                "regex",
                vec![
                    s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                    s("https://terraform.io/docs/")
                ]
            ),
            obj(&[("authority", s("terraform.io")), ("scheme", s("https"))])
        );
        assert_eq!(
            reason(&c("regex", vec![s("[a-z]+"), s("53453453.34534523454")])),
            "regex: pattern did not match any part of the given string"
        );
        assert_eq!(
            c("regex", vec![s("a(b)?"), s("a")]),
            list(vec![Value::Null])
        );
        assert!(is_error(&c("regex", vec![s("(a)(?P<n>b)"), s("ab")])));
        // A bad pattern is an error even before the string is known.
        assert!(is_error(&c("regex", vec![s("("), unknown("u")])));
    }

    #[test]
    fn regexall_lists_every_match() {
        assert_eq!(
            c("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]),
            strs(&["abcd", "efgh"])
        );
        assert_eq!(c("regexall", vec![s("[a-z]+"), s("123456789")]), strs(&[]));
        assert_eq!(
            c("regexall", vec![s(r"(\w)=(\d)"), s("a=1 b=2")]),
            list(vec![strs(&["a", "1"]), strs(&["b", "2"])])
        );
    }

    #[test]
    fn affix_and_containment_tests() {
        assert_eq!(c("startswith", vec![s("hello world"), s("hello")]), b(true));
        assert_eq!(
            c("startswith", vec![s("hello world"), s("world")]),
            b(false)
        );
        assert_eq!(c("startswith", vec![unknown("u"), s("")]), b(true));
        assert_eq!(c("endswith", vec![s("hello world"), s("world")]), b(true));
        assert_eq!(c("strcontains", vec![s("hello world"), s("wor")]), b(true));
        assert_eq!(
            c("trimprefix", vec![s("helloworld"), s("hello")]),
            s("world")
        );
        assert_eq!(
            c("trimprefix", vec![s("helloworld"), s("cat")]),
            s("helloworld")
        );
        assert_eq!(
            c("trimsuffix", vec![s("helloworld"), s("world")]),
            s("hello")
        );
    }

    #[test]
    fn trimming() {
        assert_eq!(c("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(c("trim", vec![s("foobar"), s("far")]), s("oob"));
        assert_eq!(
            c("trim", vec![s("   hello! world.!  "), s("! ")]),
            s("hello! world.")
        );
        assert_eq!(c("trimspace", vec![s("  hello\n\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\r\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\n\n")]), s("hello"));
        assert_eq!(c("chomp", vec![s("hello\n world")]), s("hello\n world"));
    }

    #[test]
    fn strrev_and_substr_count_characters() {
        assert_eq!(c("strrev", vec![s("hello")]), s("olleh"));
        assert_eq!(c("strrev", vec![s("a ☃")]), s("☃ a"));
        assert_eq!(
            c("substr", vec![s("hello world"), n(1.0), n(4.0)]),
            s("ello")
        );
        assert_eq!(c("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), s("🤔"));
        assert_eq!(
            c("substr", vec![s("hello world"), n(-5.0), n(3.0)]),
            s("wor")
        );
        assert_eq!(c("substr", vec![s("hello"), n(2.0), n(-1.0)]), s("llo"));
        assert_eq!(c("substr", vec![s("hello"), n(1.0), n(0.0)]), s(""));
        assert_eq!(c("substr", vec![s("hello"), n(10.0), n(2.0)]), s(""));
        assert_eq!(c("substr", vec![s("hello"), n(1e15), n(1e15)]), s(""));
        assert_eq!(c("substr", vec![s("hello"), n(-1e15), n(2.0)]), s("he"));
        assert!(is_error(&c("substr", vec![s("hello"), n(1e300), n(1.0)])));
        assert!(is_error(&c("substr", vec![s("hello"), n(0.5), n(1.0)])));
    }

    #[test]
    fn indent_pads_following_lines() {
        assert_eq!(
            c("indent", vec![n(2.0), s("[\n  foo,\n  bar,\n]\n")]),
            s("[\n    foo,\n    bar,\n  ]\n  ")
        );
        assert!(is_error(&c("indent", vec![n(-1.0), s("a\nb")])));
        assert!(is_deferred(&c("indent", vec![n(1e12), s("a\nb")])));
        // No newline: nothing to indent, whatever the width.
        assert_eq!(c("indent", vec![n(1e15), s("a")]), s("a"));
    }
}
