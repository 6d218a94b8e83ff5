//! `yamldecode` and `yamlencode`, as Terraform's go-cty-yaml (v1.1.0, the version Terraform's
//! go.mod pins) computes them.
//!
//! Decoding: the YAML text is read by yaml-rust2's event parser; what the events mean follows
//! go-cty-yaml's `resolve.go` and `decode.go`, which are not YAML 1.2's core schema: plain
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans, a plain date or date-time becomes an RFC 3339
//! string, `<<` merges a mapping, and more than one document is an error.
//!
//! Encoding: go-cty-yaml hands a fixed event stream (strings double-quoted, or literal when they
//! hold a line break; numbers, booleans and null plain; block collections) to go-yaml's port of
//! libyaml's emitter. [`Emitter`] is that emitter cut down to those events, with its layout
//! rules kept: 80-column folding of double-quoted strings, indentless sequences under a mapping
//! key, `? ` keys for long or multi-line keys, block-scalar indentation and chomping hints, and
//! the `...` that closes a document ending in a plain or kept-open scalar.

use super::*;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

pub(super) fn yamldecode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    if matches!(arg(a, 0), Value::Null) {
        return Err(bad_arg(f, 0, "YAML source code cannot be null"));
    }
    let src = str_arg(f, a, 0)?;
    let mut decoder = Decoder::new(&src);
    let decoded = decoder.document();
    // A block scalar cut off by the end of the input keeps, in yaml-rust2, a final line break
    // that libyaml (go-cty-yaml's parser) does not add.
    if decoded.is_ok() && decoder.last_block && !src.ends_with(['\n', '\r']) {
        return Err(Value::unknown(format!(
            "`{f}()` is not evaluated here: the YAML ends in a block scalar without a final line break, which foundry-lint does not read as go-cty-yaml does"
        )));
    }
    decoded.map_err(|e| match e {
        DecodeError::Invalid(m) => fail(f, m),
        DecodeError::NotEvaluated(m) => Value::unknown(format!(
            "`{f}()` is not evaluated here: {m}, which foundry-lint does not read as go-cty-yaml does"
        )),
    })
}

enum DecodeError {
    /// Terraform reports an error.
    Invalid(String),
    /// A corner of the YAML grammar foundry-lint does not decode exactly as Terraform does.
    NotEvaluated(String),
}

use DecodeError::{Invalid, NotEvaluated};

struct Decoder<'a> {
    parser: Parser<std::str::Chars<'a>>,
    /// Anchor id -> value, for anchors whose node is complete; `None` while it is being read.
    anchors: BTreeMap<usize, Option<Value>>,
    depth: usize,
    /// Whether the last scalar read was a block (`|` or `>`) scalar.
    last_block: bool,
}

impl<'a> Decoder<'a> {
    fn new(src: &'a str) -> Decoder<'a> {
        Decoder {
            parser: Parser::new_from_str(src),
            anchors: BTreeMap::new(),
            depth: 0,
            last_block: false,
        }
    }

    fn next(&mut self) -> Result<Event, DecodeError> {
        let event = self
            .parser
            .next_token()
            .map(|(event, _)| event)
            .map_err(|e| Invalid(e.to_string()))?;
        if let Event::Scalar(_, style, _, _) = &event {
            self.last_block = matches!(style, TScalarStyle::Literal | TScalarStyle::Folded);
        }
        Ok(event)
    }

    fn document(&mut self) -> Result<Value, DecodeError> {
        if !matches!(self.next()?, Event::StreamStart) {
            return Err(Invalid("missing stream start token".into()));
        }
        if !matches!(self.next()?, Event::DocumentStart) {
            return Err(Invalid("missing start of document".into()));
        }
        let first = self.next()?;
        let value = self.node(first)?;
        match self.next()? {
            Event::DocumentEnd => {}
            Event::DocumentStart => {
                return Err(Invalid("only a single document is allowed".into()));
            }
            _ => return Err(Invalid("unexpected extra content after value".into())),
        }
        match self.next()? {
            Event::StreamEnd => Ok(value),
            Event::DocumentStart => Err(Invalid("only a single document is allowed".into())),
            _ => Err(Invalid("unexpected extra content after value".into())),
        }
    }

    fn node(&mut self, event: Event) -> Result<Value, DecodeError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = match resolve_scalar(&tag_name(tag.as_ref()), &text, style)? {
                    Scalar::Value(v) => v,
                    Scalar::Merge => Value::str("<<"),
                };
                self.complete(anchor, &value);
                Ok(value)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(Some(v)) => Ok(v.clone()),
                Some(None) => Err(Invalid(
                    "cannot refer to an anchor from inside its own definition".into(),
                )),
                None => Err(Invalid("reference to undefined anchor".into())),
            },
            Event::SequenceStart(anchor, tag) => {
                let tag = tag_name(tag.as_ref());
                if !tag.is_empty() && tag != format!("{TAG_PREFIX}seq") {
                    return Err(Invalid(format!("can't interpret sequence as {tag}")));
                }
                self.begin(anchor)?;
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        e => items.push(self.node(e)?),
                    }
                }
                self.depth -= 1;
                let value = Value::List(items);
                self.complete(anchor, &value);
                Ok(value)
            }
            Event::MappingStart(anchor, tag) => {
                let tag = tag_name(tag.as_ref());
                if !tag.is_empty() && tag != format!("{TAG_PREFIX}map") {
                    return Err(Invalid(format!("can't interpret mapping as {tag}")));
                }
                self.begin(anchor)?;
                let value = Value::Object(self.mapping()?);
                self.depth -= 1;
                self.complete(anchor, &value);
                Ok(value)
            }
            Event::DocumentStart => Err(Invalid("only a single document is allowed".into())),
            Event::StreamEnd => Err(Invalid("expecting value but found end of stream".into())),
            _ => Err(Invalid("unexpected parser event".into())),
        }
    }

    fn mapping(&mut self) -> Result<BTreeMap<String, Value>, DecodeError> {
        let mut entries = BTreeMap::new();
        loop {
            // An anchor on a key is not recorded by go-cty-yaml: an alias to it is undefined.
            let (text, style, tag) = match self.next()? {
                Event::MappingEnd => return Ok(entries),
                Event::Scalar(text, style, _, tag) => (text, style, tag),
                _ => return Err(Invalid("only strings are allowed as mapping keys".into())),
            };
            let key = match resolve_scalar(&tag_name(tag.as_ref()), &text, style)? {
                Scalar::Merge => {
                    let next = self.next()?;
                    match self.node(next)? {
                        Value::Object(merged) => entries.extend(merged),
                        other => {
                            return Err(Invalid(format!(
                                "cannot merge {} into mapping",
                                other.type_name()
                            )));
                        }
                    }
                    continue;
                }
                Scalar::Value(Value::Null) => {
                    return Err(Invalid("mapping key cannot be null".into()));
                }
                Scalar::Value(Value::String(s)) => s,
                Scalar::Value(Value::Bool(b)) => b.to_string(),
                Scalar::Value(Value::Number(n)) => number_text(n),
                Scalar::Value(_) => {
                    return Err(Invalid("only strings are allowed as mapping keys".into()));
                }
            };
            let next = self.next()?;
            let value = self.node(next)?;
            entries.insert(key, value);
        }
    }

    fn begin(&mut self, anchor: usize) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Invalid(format!(
                "value is nested more than {MAX_DEPTH} levels deep"
            )));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, None);
        }
        Ok(())
    }

    fn complete(&mut self, anchor: usize, value: &Value) {
        if anchor != 0 {
            self.anchors.insert(anchor, Some(value.clone()));
        }
    }
}

/// The tag as go-yaml's parser reports it: `!!x` expanded to `tag:yaml.org,2002:x`, a local
/// tag as written, no tag as "".
fn tag_name(tag: Option<&Tag>) -> String {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
        .unwrap_or_default()
}

enum Scalar {
    Value(Value),
    /// The `<<` merge key (a plain string anywhere but in key position).
    Merge,
}

/// go-cty-yaml's `resolveScalar`: which value an (implicitly or explicitly) tagged scalar is.
fn resolve_scalar(tag: &str, src: &str, style: TScalarStyle) -> Result<Scalar, DecodeError> {
    let short = tag.strip_prefix(TAG_PREFIX);
    let explicit = match short {
        None if tag.is_empty() => None,
        Some(t @ ("str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary")) => Some(t),
        _ => return Err(Invalid(format!("unsupported tag \"{tag}\""))),
    };
    let quoted = matches!(
        style,
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
    );
    let value = |v: Value| Ok(Scalar::Value(v));
    // The first character hints at what a scalar may be; others resolve only as strings.
    let hint = match src.bytes().next() {
        None => Some('N'),
        Some(b'+' | b'-') => Some('S'),
        Some(b'0'..=b'9') => Some('D'),
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Some('M')
        }
        Some(b'.') => Some('.'),
        _ => None,
    };
    let mut resolved = explicit;
    if let Some(hint) = hint
        && !matches!(explicit, Some("str" | "binary"))
    {
        if quoted {
            return value(Value::str(src));
        }
        if let Some(v) = resolve_word(src) {
            return value(v);
        }
        if explicit.is_none() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err(Invalid("floating point NaN is not supported".into()));
        }
        match hint {
            '.' => {
                if is_decimal(src) {
                    return value(Value::Number(decimal(src)?));
                }
                if src.contains(['p', 'P']) {
                    return Err(NotEvaluated(format!("the number {src:?}")));
                }
            }
            'D' | 'S' => {
                if matches!(explicit, None | Some("timestamp"))
                    && let Some(t) = timestamp(src)
                {
                    return value(Value::String(t));
                }
                if is_integer_literal(src) {
                    resolved = Some("int");
                } else if is_decimal(src) {
                    resolved = Some("float");
                }
            }
            _ => {}
        }
    }
    if explicit.is_none() && src == "<<" {
        return Ok(Scalar::Merge);
    }
    match resolved {
        None | Some("str") => value(Value::str(src)),
        Some("binary") => match base64_decode(&src.replace(['\r', '\n'], "")) {
            Some(_) => value(Value::str(src)),
            None => Err(Invalid(format!(
                "cannot parse {src:?} as {tag}: not valid base64"
            ))),
        },
        Some("bool") => match resolve_word(src) {
            Some(b @ Value::Bool(_)) => value(b),
            _ => Err(Invalid(format!("cannot parse {src:?} as {tag}"))),
        },
        Some("int" | "float") => number(src, tag).map(|n| Scalar::Value(Value::Number(n))),
        Some("timestamp") => match timestamp(src) {
            Some(t) => value(Value::String(t)),
            None => Err(Invalid(format!("cannot parse {src:?} as {tag}"))),
        },
        Some("null") => value(Value::Null),
        Some(_) => Err(Invalid(format!("unsupported tag \"{tag}\""))),
    }
}

/// The words go-cty-yaml resolves by table (YAML 1.1's booleans included).
fn resolve_word(src: &str) -> Option<Value> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Number(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Number(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// YAML 1.2's integer pattern: `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
fn is_integer_literal(s: &str) -> bool {
    let digits = |t: &str, ok: fn(u8) -> bool| !t.is_empty() && t.bytes().all(ok);
    if let Some(t) = s.strip_prefix("0o") {
        return digits(t, |b| (b'0'..=b'7').contains(&b));
    }
    if let Some(t) = s.strip_prefix("0x") {
        return digits(t, |b| b.is_ascii_hexdigit());
    }
    digits(s.strip_prefix(['-', '+']).unwrap_or(s), |b| {
        b.is_ascii_digit()
    })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && all_digits(frac),
        Some((int, frac)) => !int.is_empty() && all_digits(int) && all_digits(frac),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

fn decimal(s: &str) -> Result<f64, DecodeError> {
    s.parse::<f64>()
        .map_err(|_| NotEvaluated(format!("the number {s:?}")))
}

/// An `!!int`/`!!float` scalar: underscores dropped, then a decimal number, or an integer with
/// Go's base prefixes (`0x`, `0o`, `0b`, a leading `0` for octal).
fn number(src: &str, tag: &str) -> Result<f64, DecodeError> {
    let plain = src.replace('_', "");
    if is_decimal(&plain) {
        return decimal(&plain);
    }
    let (negative, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else if lower.contains("inf") || lower.contains('p') {
        // big.Float's parser reads `Inf` and binary exponents; not worth guessing at.
        return Err(NotEvaluated(format!("the number {src:?}")));
    } else {
        return Err(Invalid(format!("cannot parse {src:?} as {tag}")));
    };
    match u64::from_str_radix(digits, radix) {
        Ok(n) if !negative || n <= 1 << 63 => Ok(if negative { -(n as f64) } else { n as f64 }),
        _ => Err(Invalid(format!("cannot parse {src:?} as {tag}"))),
    }
}

fn number_text(n: f64) -> String {
    match n {
        f64::INFINITY => "+Inf".into(),
        f64::NEG_INFINITY => "-Inf".into(),
        n => format_number(n),
    }
}

/// The timestamps go-cty-yaml accepts (Go layouts `2006-1-2T15:4:5.999999999Z07:00`, the same
/// with `t`, `2006-1-2 15:4:5.999999999` in UTC, and `2006-1-2`), written back as Go's
/// `time.RFC3339` does: fraction dropped, `Z` for a zero offset.
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { b, i: 5 };
    let year: i64 = s[..4].parse().ok()?;
    let month = p.num()?;
    p.lit(b'-')?;
    let day = p.num()?;
    let mut clock = (0, 0, 0);
    let mut offset = 0i64;
    if p.i < b.len() {
        let with_zone = match b[p.i] {
            b'T' | b't' => {
                p.i += 1;
                true
            }
            b' ' => {
                while p.i < b.len() && b[p.i] == b' ' {
                    p.i += 1;
                }
                false
            }
            _ => return None,
        };
        let hour = p.num()?;
        p.lit(b':')?;
        let minute = p.num()?;
        p.lit(b':')?;
        let second = p.num()?;
        if p.i + 1 < b.len() && matches!(b[p.i], b'.' | b',') && b[p.i + 1].is_ascii_digit() {
            p.i += 1;
            while p.i < b.len() && b[p.i].is_ascii_digit() {
                p.i += 1;
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        clock = (hour, minute, second);
        if with_zone {
            match b.get(p.i)? {
                b'Z' => p.i += 1,
                sign @ (b'+' | b'-') => {
                    let z = b.get(p.i + 1..p.i + 6)?;
                    if z[2] != b':' || !z[..2].iter().chain(&z[3..]).all(u8::is_ascii_digit) {
                        return None;
                    }
                    let (h, m) = (
                        i64::from((z[0] - b'0') * 10 + z[1] - b'0'),
                        i64::from((z[3] - b'0') * 10 + z[4] - b'0'),
                    );
                    if h > 24 || m > 60 {
                        return None;
                    }
                    offset = (h * 60 + m) * if *sign == b'-' { -1 } else { 1 };
                    p.i += 6;
                }
                _ => return None,
            }
        }
    }
    if p.i != b.len()
        || !(1..=12).contains(&month)
        || day < 1
        || day > super::datetime::days_in_month(year, month as u32).into()
    {
        return None;
    }
    let zone = match offset {
        0 => "Z".to_string(),
        o => format!(
            "{}{:02}:{:02}",
            if o < 0 { '-' } else { '+' },
            o.abs() / 60,
            o.abs() % 60
        ),
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{zone}",
        clock.0, clock.1, clock.2
    ))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Go's `getnum(value, false)`: one digit, or two.
    fn num(&mut self) -> Option<i64> {
        let d = |i: usize| {
            self.b
                .get(i)
                .filter(|c| c.is_ascii_digit())
                .map(|c| c - b'0')
        };
        let first = d(self.i)?;
        match d(self.i + 1) {
            Some(second) => {
                self.i += 2;
                Some(i64::from(first * 10 + second))
            }
            None => {
                self.i += 1;
                Some(i64::from(first))
            }
        }
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
}

pub(super) fn yamlencode(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let v = arg(a, 0);
    wholly_known(v)?;
    let mut e = Emitter::default();
    e.node(v, Context::Root, 0).map_err(|m| fail(f, m))?;
    // The implicit document end, then the stream end.
    e.write_indent();
    if e.open_ended {
        e.indicator("...", true, false, false);
        e.write_indent();
    }
    Ok(Value::String(e.out))
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Root,
    SequenceItem,
    MappingKey { simple: bool },
    MappingValue,
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// The state of go-yaml's emitter that this event stream touches.
struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

impl Default for Emitter {
    fn default() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            open_ended: false,
        }
    }
}

impl Emitter {
    fn node(&mut self, v: &Value, ctx: Context, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("value is nested more than {MAX_DEPTH} levels deep"));
        }
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&number_text(*n), Style::Plain, ctx),
            Value::String(s) => {
                let style = match s.contains('\n') {
                    true => Style::Literal,
                    false => Style::DoubleQuoted,
                };
                self.scalar(s, style, ctx);
            }
            Value::List(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::List(items) => {
                let indentless = matches!(ctx, Context::MappingValue) && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.indicator("-", true, false, true);
                    self.node(item, Context::SequenceItem, depth + 1)?;
                }
                self.pop_indent();
            }
            Value::Object(map) => {
                self.increase_indent(false, false);
                for (key, value) in map {
                    self.write_indent();
                    // A key goes on the line of its value unless it spans lines or is long.
                    let simple = !has_break(key) && key.len() <= 128;
                    if !simple {
                        self.indicator("?", true, false, true);
                    }
                    self.node(&Value::str(key), Context::MappingKey { simple }, depth + 1)?;
                    if simple {
                        self.indicator(":", false, false, false);
                    } else {
                        self.write_indent();
                        self.indicator(":", true, false, true);
                    }
                    self.node(value, Context::MappingValue, depth + 1)?;
                }
                self.pop_indent();
            }
            Value::Unknown(_) => return Err("cannot serialize unknown value as YAML".into()),
        }
        Ok(())
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.indicator(open, true, true, false);
        self.indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Context) {
        let simple_key = ctx == Context::MappingKey { simple: true };
        let style = match requested {
            Style::Literal if simple_key || !block_allowed(value) => Style::DoubleQuoted,
            s => s,
        };
        self.increase_indent(true, false);
        match style {
            Style::Plain => {
                if !self.whitespace {
                    self.put(' ');
                }
                self.out.push_str(value);
                self.column += value.chars().count();
                self.whitespace = false;
                self.indention = false;
                if ctx == Context::Root {
                    self.open_ended = true;
                }
            }
            Style::DoubleQuoted => self.double_quoted(value, !simple_key),
            Style::Literal => self.literal(value),
        }
        self.pop_indent();
    }

    fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.indicator("\"", true, false, false);
        // go-yaml tests for a byte-order mark at the start of the value, whatever the position.
        let bom = value.starts_with('\u{feff}');
        let last = value.len().saturating_sub(1);
        let mut spaces = false;
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if bom || !printable(c) || is_break_char(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match short {
                    Some(s) => self.put(s),
                    None => {
                        let v = u32::from(c);
                        let (letter, width) = match v {
                            0..=0xff => ('x', 2),
                            0x100..=0xffff => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let digit = (v >> (k * 4)) & 0xf;
                            self.put(char::from_digit(digit, 16).unwrap().to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < last {
                    self.write_indent();
                    if chars.peek().is_some_and(|&(_, n)| n == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &str) {
        self.indicator("|", true, false, false);
        if value.starts_with(' ') || value.starts_with(is_break_char) {
            self.indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let mut tail = value.chars().rev();
        let chomp = match (tail.next(), tail.next()) {
            (Some(last), _) if !is_break_char(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break_char(before) => Some("+"),
            _ => None,
        };
        // go-yaml marks a kept ("+") scalar open-ended, then writing the hint clears the mark.
        if let Some(hint) = chomp {
            self.indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break_char(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(
        &mut self,
        text: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(text);
        self.column += text.chars().count();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }
}

/// libyaml's line breaks: LF, CR, NEL, LS and PS.
fn is_break_char(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn has_break(s: &str) -> bool {
    s.contains(is_break_char)
}

/// libyaml's printable set: LF, ASCII from space to `~`, U+00A0..U+D7FF, U+E000..U+FFFD except
/// the byte-order mark. Characters outside the Basic Multilingual Plane are not printable.
fn printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// Whether libyaml may write the value as a block (literal) scalar: no trailing space, no space
/// before a line break, nothing unprintable.
fn block_allowed(value: &str) -> bool {
    let mut previous_space = false;
    for c in value.chars() {
        if !printable(c) {
            return false;
        }
        if is_break_char(c) && previous_space {
            return false;
        }
        previous_space = c == ' ';
    }
    !value.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::value::Value;

    fn decode(src: &str) -> Value {
        call("yamldecode", vec![s(src)])
    }

    fn encode(v: Value) -> Value {
        call("yamlencode", vec![v])
    }

    fn is_error(v: &Value) -> bool {
        v.first_unknown().is_some_and(|u| u.is_error())
    }

    // Expected values: Terraform's own function tests (internal/lang/functions_test.go) and
    // go-cty-yaml v1.1.0's decode_test.go and encode_test.go.

    #[test]
    fn yamldecode_resolves_scalars_as_go_cty_yaml_does() {
        assert_eq!(decode("true"), b(true));
        assert_eq!(decode("~"), Value::Null);
        assert_eq!(decode("---"), Value::Null);
        assert_eq!(decode("key: 0ba"), obj(&[("key", s("0ba"))]));
        assert_eq!(decode("\"True\""), s("True"));
        assert_eq!(decode("'NULL'"), s("NULL"));
        assert_eq!(decode("\".INF\""), s(".INF"));
        // go-cty-yaml reads "hello\nworld" (libyaml); yaml-rust2 would add a line break.
        assert!(!is_error(&decode("|\n  hello\n  world")));
        assert!(decode("|\n  hello\n  world").is_unknown());
        assert_eq!(decode("|\n  hello\n  world\n"), s("hello\nworld\n"));
        assert_eq!(decode(">\n  hello\n  world\n"), s("hello world\n"));
        assert_eq!(decode("+"), s("+"));
        assert_eq!(decode("<<"), s("<<"));
        assert_eq!(decode("!!str true"), s("true"));
        assert_eq!(decode("!<tag:yaml.org,2002:str> true"), s("true"));
        // YAML 1.1's booleans, which YAML 1.2's core schema reads as strings.
        assert_eq!(decode("yes"), b(true));
        assert_eq!(decode("Off"), b(false));
        assert_eq!(decode("!!bool true"), b(true));
        assert!(is_error(&decode("!!bool bananas")));
        assert_eq!(decode(".5"), n(0.5));
        assert_eq!(decode("1.5"), n(1.5));
        assert_eq!(decode("!!float 1.5"), n(1.5));
        assert_eq!(decode("0o77"), n(63.0));
        assert_eq!(decode("077"), n(77.0));
        assert_eq!(decode("-12"), n(-12.0));
        assert_eq!(decode("0x1f"), n(31.0));
        assert_eq!(decode("!!int 1"), n(1.0));
        assert_eq!(decode(".Inf"), n(f64::INFINITY));
        assert_eq!(decode("-.Inf"), n(f64::NEG_INFINITY));
        assert_eq!(decode("Inf"), s("Inf"));
        assert_eq!(decode("-inf"), s("-inf"));
        // v1.1.0: underscores no longer make an integer.
        assert_eq!(decode("1_000"), s("1_000"));
        assert!(is_error(&decode(".NaN")));
        assert_eq!(decode("2006-1-2"), s("2006-01-02T00:00:00Z"));
        assert_eq!(decode("!!timestamp 2006-1-2"), s("2006-01-02T00:00:00Z"));
        assert_eq!(decode("!!binary 'aGVsbG8='"), s("aGVsbG8="));
        assert!(is_error(&decode("!!binary '>>>>>>>>>'")));
        assert!(is_error(&decode("!foo bar")));
    }

    #[test]
    fn yamldecode_timestamps_follow_go_time_layouts() {
        assert_eq!(
            decode("2001-12-14t21:59:43.10-05:00"),
            s("2001-12-14T21:59:43-05:00")
        );
        assert_eq!(decode("2001-12-14 21:59:43.10"), s("2001-12-14T21:59:43Z"));
        assert_eq!(
            decode("2001-12-14T21:59:43+00:00"),
            s("2001-12-14T21:59:43Z")
        );
        // Not in Go's layouts: stays a string.
        assert_eq!(
            decode("2001-12-14 21:59:43.10 -5"),
            s("2001-12-14 21:59:43.10 -5")
        );
        assert_eq!(decode("2001-02-30"), s("2001-02-30"));
        // Quoted, a date is a string as written.
        assert_eq!(decode("'2006-1-2'"), s("2006-1-2"));
    }

    #[test]
    fn yamldecode_collections_anchors_and_merges() {
        assert_eq!(
            decode("{a: 1, b: true}"),
            obj(&[("a", n(1.0)), ("b", b(true))])
        );
        assert_eq!(
            decode("- a\n- 2\n- null"),
            list(vec![s("a"), n(2.0), Value::Null])
        );
        assert_eq!(decode("[]"), list(vec![]));
        assert_eq!(
            decode("a: &x [1]\nb: *x"),
            obj(&[("a", nums(&[1.0])), ("b", nums(&[1.0]))])
        );
        assert!(is_error(&decode("a: &x [*x]")));
        assert!(is_error(&decode("a: *nope")));
        // Later mentions of a key win, merged or not.
        assert_eq!(
            decode("base: &b {x: 1, z: 2}\nc:\n  x: 0\n  <<: *b\n  z: 3"),
            obj(&[
                ("base", obj(&[("x", n(1.0)), ("z", n(2.0))])),
                ("c", obj(&[("x", n(1.0)), ("z", n(3.0))])),
            ])
        );
        assert!(is_error(&decode("a:\n  <<: [1]")));
        // Keys are strings: booleans and numbers convert, null does not.
        assert_eq!(
            decode("yes: 1\n2: b"),
            obj(&[("2", s("b")), ("true", n(1.0))])
        );
        assert_eq!(decode("y: 1"), obj(&[("true", n(1.0))]));
        assert!(is_error(&decode("~: 1")));
        assert!(is_error(&decode("[a]: 1")));
    }

    #[test]
    fn yamldecode_accepts_one_document_only() {
        assert!(is_error(&decode("---\ntrue\n---\nfalse")));
        assert_eq!(decode("---\ntrue\n..."), b(true));
        assert!(is_error(&decode("")));
        assert!(is_error(&decode("a: [")));
        assert!(call("yamldecode", vec![Value::Null]).is_unknown());
    }

    #[test]
    fn yamlencode_writes_terraforms_block_style() {
        // Terraform's tests and the function's documentation.
        assert_eq!(
            encode(list(vec![s("foo"), s("bar"), b(true)])),
            s("- \"foo\"\n- \"bar\"\n- true\n")
        );
        assert_eq!(
            encode(obj(&[("a", s("b")), ("c", s("d"))])),
            s("\"a\": \"b\"\n\"c\": \"d\"\n")
        );
        assert_eq!(encode(b(true)), s("true\n...\n"));
        assert_eq!(
            encode(obj(&[("foo", nums(&[1.0, 2.0, 3.0])), ("bar", s("baz"))])),
            s("\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n")
        );
        assert_eq!(
            encode(obj(&[
                (
                    "foo",
                    list(vec![n(1.0), obj(&[("a", s("b")), ("c", s("d"))]), n(3.0)])
                ),
                ("bar", s("baz")),
            ])),
            s("\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n")
        );
        // go-cty-yaml's encode_test.go.
        assert_eq!(encode(s("")), s("\"\"\n"));
        assert_eq!(encode(s("hello\nworld")), s("|-\n  hello\n  world\n"));
        assert_eq!(encode(n(0.0)), s("0\n...\n"));
        assert_eq!(encode(n(f64::INFINITY)), s("+Inf\n...\n"));
        assert_eq!(encode(Value::Null), s("null\n...\n"));
        assert_eq!(encode(obj(&[])), s("{}\n"));
        assert_eq!(encode(list(vec![])), s("[]\n"));
        assert_eq!(encode(strs(&["b"])), s("- \"b\"\n"));
        assert!(encode(Value::unknown("later")).is_unknown());
    }

    // Traced by hand through go-yaml's emitterc.go (the emitter go-cty-yaml v1.1.0 vendors).
    #[test]
    fn yamlencode_follows_the_emitters_layout_rules() {
        // A sequence in a sequence is indented; empty collections are flow style.
        assert_eq!(
            encode(list(vec![strs(&["a", "b"]), list(vec![]), obj(&[])])),
            s("- - \"a\"\n  - \"b\"\n- []\n- {}\n")
        );
        // A mapping under a key is indented by two.
        assert_eq!(
            encode(obj(&[("a", obj(&[("b", n(1.5)), ("c", Value::Null)]))])),
            s("\"a\":\n  \"b\": 1.5\n  \"c\": null\n")
        );
        // Block scalar hints: keep ("+"), clip (none), indentation for a leading space.
        assert_eq!(encode(s("a\n")), s("|\n  a\n"));
        assert_eq!(encode(s("a\n\n")), s("|+\n  a\n\n"));
        assert_eq!(encode(s(" a\nb")), s("|2-\n   a\n  b\n"));
        // A space before a line break, or a tab, rules the literal style out.
        assert_eq!(encode(s("a \nb")), s("\"a \\nb\"\n"));
        assert_eq!(encode(s("a\tb\n")), s("\"a\\tb\\n\"\n"));
        // Escapes: C0 controls as \xXX, characters outside the BMP as \UXXXXXXXX.
        assert_eq!(
            encode(s("q\"\\\u{1}é😀")),
            s("\"q\\\"\\\\\\x01é\\U0001F600\"\n")
        );
        // A multi-line or long key is written as `? key` then `: value`.
        assert_eq!(
            encode(obj(&[("a\nb", s("v"))])),
            s("? |-\n  a\n  b\n: \"v\"\n")
        );
        let long = "k".repeat(129);
        assert_eq!(
            encode(obj(&[(long.as_str(), s("v"))])),
            s(&format!("? \"{long}\"\n: \"v\"\n"))
        );
        // A sequence under a `? key` value is indented.
        assert_eq!(
            encode(obj(&[(long.as_str(), strs(&["x"]))])),
            s(&format!("? \"{long}\"\n: - \"x\"\n"))
        );
    }

    #[test]
    fn yamlencode_folds_double_quoted_strings_past_column_80() {
        let words = vec!["word"; 20].join(" ");
        // Root scalar: indent 2; the first space met past column 80 (after the 17th word, at
        // column 85) becomes a line break.
        let first = vec!["word"; 17].join(" ");
        let rest = ["word"; 3].join(" ");
        assert_eq!(encode(s(&words)), s(&format!("\"{first}\n  {rest}\"\n")));
        // Two spaces: the second is escaped so that folding keeps it.
        let spaced = format!("{first}  {rest}");
        assert_eq!(
            encode(s(&spaced)),
            s(&format!("\"{first}\n  \\ {rest}\"\n"))
        );
    }
}
