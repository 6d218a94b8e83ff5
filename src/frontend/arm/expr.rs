//! The ARM template expression language (parser only).
//!
//! A JSON string value of a template that starts with `[` and ends with `]` is an expression,
//! unless it starts with `[[`: then it is the literal string without its first `[` (this is how
//! a template writes a literal string that starts with `[` and ends with `]`). Any other string
//! is a literal, unchanged: `[[abc` does not end with `]`, so ARM keeps both brackets.
//!
//! The grammar follows Azure Resource Manager's own scanner and parser:
//!
//! ```text
//! expression := string | number | call postfix*
//! string     := "'" (any character but "'" | "''")* "'"
//! number     := ("-" | "+")? digit+ ("." digit+)?
//! call       := name "(" (expression ("," expression)*)? ")"
//! name       := identifier ("." identifier)?       (user-defined functions: `contoso.uniqueName`)
//! postfix    := "." property | "[" expression "]"
//! ```
//!
//! Identifiers are letters, digits, `_` and `$` (not starting with a digit); property names may
//! also contain `-`. Whitespace may separate any two tokens. Function names are case-insensitive;
//! the parser keeps them as written.
//!
//! Where this parser knowingly differs from ARM:
//! - the bare words `true`, `false` and `null` are read as the calls `true()`, `false()` and
//!   `null()` (ARM only accepts the calls);
//! - decimal literals such as `1.5` are accepted (ARM's scanner rejects them as unsupported);
//! - property names may contain `-` (ARM needs `['name-with-dash']`);
//! - integer literals beyond 2^53 are rejected, as `f64` cannot hold them exactly (ARM reads
//!   integer literals as 32-bit integers, in the version of its scanner whose source is public).
//!
//! ARM allows `.property` and `[index]` only after a function call; this parser rejects them
//! after a string or number literal too, as ARM does. The Bicep operators `?`, `.?` and `!` are
//! rejected with a message that says so.
//!
//! Nesting (calls inside calls, indexes, property chains) is bounded by [`MAX_DEPTH`], so no
//! input can exhaust the stack, and the parser never panics.

use std::fmt;

/// The deepest an expression tree may be: calls within calls, index expressions and chains of
/// property accesses all count. Real templates stay far below this.
pub const MAX_DEPTH: usize = 256;

/// Integers up to 2^53 survive the trip through `f64` exactly; longer integer literals are
/// rejected rather than silently rounded.
const EXACT_INT: u64 = 1 << 53;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    String(String),
    Number(f64),
    /// `name(args)`; `offset` is the byte offset of the name inside the JSON string's content.
    Call {
        name: String,
        args: Vec<Expr>,
        offset: usize,
    },
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    Literal(String),
    Expression(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Parses a JSON string value of a template. Offsets are byte offsets into `s`.
pub fn parse(s: &str) -> Result<Parsed, ParseError> {
    if s.len() < 2 || !s.starts_with('[') || !s.ends_with(']') {
        return Ok(Parsed::Literal(s.to_string()));
    }
    if s[1..].starts_with('[') {
        return Ok(Parsed::Literal(s[1..].to_string()));
    }
    let mut p = Parser {
        src: s,
        pos: 1,
        end: s.len() - 1,
    };
    p.skip_ws();
    if p.pos == p.end {
        return Err(p.error_at(1, "the expression `[]` is empty"));
    }
    let (expr, _) = p.expression(1)?;
    p.skip_ws();
    if let Some(c) = p.peek() {
        return Err(p.unexpected(c, "after the end of the expression"));
    }
    Ok(Parsed::Expression(expr))
}

struct Parser<'a> {
    /// The whole JSON string, brackets included: offsets index into it.
    src: &'a str,
    pos: usize,
    /// Offset of the closing `]`.
    end: usize,
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn is_ident_start(c: char) -> bool {
    is_ident_char(c) && !c.is_ascii_digit()
}

fn is_property_char(c: char) -> bool {
    is_ident_char(c) || c == '-'
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..self.end)?.chars().next()
    }

    fn peek_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..self.end)?.chars().next()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.pos += c.len_utf8();
        }
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            message: message.into(),
        }
    }

    fn unexpected(&self, c: char, context: &str) -> ParseError {
        let message = match c {
            '?' => "`?` (safe access) is Bicep syntax, not part of ARM template expressions".into(),
            '!' => "`!` (non-null assertion) is Bicep syntax, not part of ARM template expressions"
                .into(),
            '"' => format!(
                "unexpected `\"` {context}: string literals in ARM expressions use single quotes"
            ),
            _ => format!("unexpected `{}` {context}", c.escape_debug()),
        };
        self.error_at(self.pos, message)
    }

    fn too_deep(&self, offset: usize) -> ParseError {
        self.error_at(
            offset,
            format!("the expression is nested more than {MAX_DEPTH} levels deep"),
        )
    }

    /// One expression; `level` is how deeply nested it is. Returns the expression and the height
    /// of its tree.
    fn expression(&mut self, level: usize) -> Result<(Expr, usize), ParseError> {
        if level > MAX_DEPTH {
            return Err(self.too_deep(self.pos));
        }
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err(self.error_at(
                self.pos,
                "expected a value, found the end of the expression",
            ));
        };
        let (mut expr, mut height) = if c == '\'' {
            let value = Expr::String(self.string()?);
            self.literal_follows(value)?
        } else if c.is_ascii_digit() || c == '-' || c == '+' {
            let value = Expr::Number(self.number()?);
            self.literal_follows(value)?
        } else if is_ident_start(c) {
            self.call(level)?
        } else {
            return Err(self.unexpected(c, "where a value was expected"));
        };
        // Property accesses and indexes (only after a call: `literal_follows` rejected them after
        // literals).
        loop {
            self.skip_ws();
            let at = self.pos;
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    self.skip_ws();
                    let name_start = self.pos;
                    while let Some(c) = self.peek().filter(|&c| is_property_char(c)) {
                        self.pos += c.len_utf8();
                    }
                    if self.pos == name_start {
                        return Err(match self.peek() {
                            Some(c) => self.unexpected(c, "where a property name was expected"),
                            None => self.error_at(
                                self.pos,
                                "expected a property name after `.`, found the end of the expression",
                            ),
                        });
                    }
                    let name = self.src[name_start..self.pos].to_string();
                    height += 1;
                    if height > MAX_DEPTH {
                        return Err(self.too_deep(at));
                    }
                    expr = Expr::Member(Box::new(expr), name);
                }
                Some('[') => {
                    self.pos += 1;
                    let (index, index_height) = self.expression(level + 1)?;
                    self.skip_ws();
                    match self.peek() {
                        Some(']') => self.pos += 1,
                        Some(c) => return Err(self.unexpected(c, "where `]` was expected")),
                        None => {
                            return Err(self.error_at(
                                self.pos,
                                format!(
                                    "the `[` at offset {at} is not closed: expected `]`, found the end of the expression"
                                ),
                            ));
                        }
                    }
                    height = height.max(index_height) + 1;
                    if height > MAX_DEPTH {
                        return Err(self.too_deep(at));
                    }
                    expr = Expr::Index(Box::new(expr), Box::new(index));
                }
                Some('?') => return Err(self.unexpected('?', "")),
                Some('!') => return Err(self.unexpected('!', "")),
                _ => break,
            }
        }
        Ok((expr, height))
    }

    /// ARM reads `.name` and `[index]` only after a function call.
    fn literal_follows(&self, expr: Expr) -> Result<(Expr, usize), ParseError> {
        let mut at = self.pos;
        while let Some(c) = self.peek_at(at).filter(|c| c.is_whitespace()) {
            at += c.len_utf8();
        }
        match self.peek_at(at) {
            Some(c @ ('.' | '[')) => Err(self.error_at(
                at,
                format!(
                    "`{c}` cannot follow a literal: ARM allows property access and indexing only after a function call"
                ),
            )),
            _ => Ok((expr, 1)),
        }
    }

    /// A string literal; `''` inside stands for one quote.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.src.get(self.pos..self.end).unwrap_or("");
            match rest.find('\'') {
                None => {
                    return Err(self.error_at(start, "unterminated string literal: no closing `'`"));
                }
                Some(i) => {
                    out.push_str(&rest[..i]);
                    self.pos += i + 1;
                    if self.peek() == Some('\'') {
                        out.push('\'');
                        self.pos += 1;
                    } else {
                        return Ok(out);
                    }
                }
            }
        }
    }

    fn number(&mut self) -> Result<f64, ParseError> {
        let start = self.pos;
        if matches!(self.peek(), Some('-' | '+')) {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits_start {
            return Err(match self.peek() {
                Some(c) => self.unexpected(c, "where a digit was expected"),
                None => self.error_at(
                    self.pos,
                    "expected a digit, found the end of the expression",
                ),
            });
        }
        let mut decimal = false;
        if self.peek() == Some('.')
            && self
                .peek_at(self.pos + 1)
                .is_some_and(|c| c.is_ascii_digit())
        {
            decimal = true;
            self.pos += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        if let Some(c) = self.peek().filter(|&c| is_ident_char(c) || c == '.') {
            return Err(self.unexpected(c, "in a number"));
        }
        let text = &self.src[start..self.pos];
        if decimal {
            return text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| self.error_at(start, format!("invalid number `{text}`")));
        }
        let digits = self.src[digits_start..self.pos].trim_start_matches('0');
        let magnitude = if digits.len() > 16 {
            None
        } else {
            digits
                .parse::<u64>()
                .ok()
                .or(Some(0).filter(|_| digits.is_empty()))
        };
        match magnitude {
            Some(m) if m <= EXACT_INT => {
                let n = m as f64;
                Ok(if text.starts_with('-') && m != 0 {
                    -n
                } else {
                    n
                })
            }
            _ => Err(self.error_at(
                start,
                format!("the integer `{text}` is too large to be represented exactly"),
            )),
        }
    }

    /// `name(args)` (or `namespace.name(args)`, or one of the bare words `true`, `false`, `null`).
    fn call(&mut self, level: usize) -> Result<(Expr, usize), ParseError> {
        let offset = self.pos;
        self.identifier();
        self.skip_ws();
        if self.peek() == Some('.') {
            self.pos += 1;
            self.skip_ws();
            if !self.peek().is_some_and(is_ident_start) {
                return Err(match self.peek() {
                    Some(c) => self.unexpected(c, "where a function name was expected after `.`"),
                    None => self.error_at(
                        self.pos,
                        "expected a function name after `.`, found the end of the expression",
                    ),
                });
            }
            self.identifier();
            self.skip_ws();
        }
        let name: String = self.src[offset..self.pos]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if self.peek() != Some('(') {
            if ["true", "false", "null"]
                .iter()
                .any(|w| name.eq_ignore_ascii_case(w))
            {
                return Ok((
                    Expr::Call {
                        name,
                        args: Vec::new(),
                        offset,
                    },
                    1,
                ));
            }
            return Err(match self.peek() {
                Some(c) => self.error_at(
                    self.pos,
                    format!(
                        "expected `(` after the function name `{name}`, found `{}`",
                        c.escape_debug()
                    ),
                ),
                None => self.error_at(
                    self.pos,
                    format!(
                        "expected `(` after the function name `{name}`, found the end of the expression"
                    ),
                ),
            });
        }
        let open = self.pos;
        self.pos += 1;
        let mut args = Vec::new();
        let mut height = 0;
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                let (arg, arg_height) = self.expression(level + 1)?;
                args.push(arg);
                height = height.max(arg_height);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(c) => {
                        return Err(self.unexpected(c, "where `,` or `)` was expected"));
                    }
                    None => {
                        return Err(self.error_at(
                            self.pos,
                            format!(
                                "the `(` of `{name}` at offset {open} is not closed: expected `)`, found the end of the expression"
                            ),
                        ));
                    }
                }
            }
        }
        Ok((Expr::Call { name, args, offset }, height + 1))
    }

    fn identifier(&mut self) {
        while let Some(c) = self.peek().filter(|&c| is_ident_char(c)) {
            self.pos += c.len_utf8();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(s: &str) -> Expr {
        match parse(s) {
            Ok(Parsed::Expression(e)) => e,
            other => panic!("{s}: expected an expression, got {other:?}"),
        }
    }

    fn err(s: &str) -> ParseError {
        match parse(s) {
            Err(e) => e,
            Ok(p) => panic!("{s}: expected an error, got {p:?}"),
        }
    }

    fn call(name: &str, offset: usize, args: Vec<Expr>) -> Expr {
        Expr::Call {
            name: name.into(),
            args,
            offset,
        }
    }

    fn s(v: &str) -> Expr {
        Expr::String(v.into())
    }

    fn member(e: Expr, name: &str) -> Expr {
        Expr::Member(Box::new(e), name.into())
    }

    fn index(e: Expr, i: Expr) -> Expr {
        Expr::Index(Box::new(e), Box::new(i))
    }

    #[test]
    fn plain_strings_are_literals() {
        for text in [
            "",
            "hello",
            "[",
            "]",
            "[abc",
            "abc]",
            "[[",
            "[[abc",
            "a [b] c",
            " [concat('a')]",
            "[concat('a')] ",
        ] {
            assert_eq!(parse(text), Ok(Parsed::Literal(text.to_string())), "{text}");
        }
    }

    #[test]
    fn double_bracket_escapes_a_literal() {
        assert_eq!(
            parse("[[concat('a')]"),
            Ok(Parsed::Literal("[concat('a')]".into()))
        );
        assert_eq!(parse("[[]"), Ok(Parsed::Literal("[]".into())));
        assert_eq!(parse("[[1,2,3 ]"), Ok(Parsed::Literal("[1,2,3 ]".into())));
    }

    #[test]
    fn string_and_number_literals() {
        assert_eq!(expr("['hello']"), s("hello"));
        assert_eq!(expr("['']"), s(""));
        assert_eq!(expr("['it''s']"), s("it's"));
        assert_eq!(expr("['''']"), s("'"));
        assert_eq!(expr("['a]b[c']"), s("a]b[c"));
        assert_eq!(expr("['ünïcødé ✓']"), s("ünïcødé ✓"));
        assert_eq!(expr("[42]"), Expr::Number(42.0));
        assert_eq!(expr("[-7]"), Expr::Number(-7.0));
        assert_eq!(expr("[+7]"), Expr::Number(7.0));
        assert_eq!(expr("[007]"), Expr::Number(7.0));
        assert_eq!(expr("[1.25]"), Expr::Number(1.25));
        assert_eq!(expr("[-0.5]"), Expr::Number(-0.5));
        assert_eq!(
            expr("[9007199254740992]"),
            Expr::Number(9_007_199_254_740_992.0)
        );
    }

    #[test]
    fn calls_with_offsets() {
        assert_eq!(
            expr("[concat('a', 'b')]"),
            call("concat", 1, vec![s("a"), s("b")])
        );
        assert_eq!(expr("[utcNow()]"), call("utcNow", 1, vec![]));
        assert_eq!(
            expr("[ toLower( parameters( 'x' ) ) ]"),
            call("toLower", 2, vec![call("parameters", 11, vec![s("x")])])
        );
        assert_eq!(
            expr("[contoso.uniqueName('a')]"),
            call("contoso.uniqueName", 1, vec![s("a")])
        );
        assert_eq!(
            expr("[contoso . uniqueName ('a')]"),
            call("contoso.uniqueName", 1, vec![s("a")])
        );
        assert_eq!(
            expr("[_f$1(1, -2, 'x')]"),
            call(
                "_f$1",
                1,
                vec![Expr::Number(1.0), Expr::Number(-2.0), s("x")]
            )
        );
    }

    #[test]
    fn offsets_count_bytes() {
        // `é` takes two bytes, so `g` starts at byte 9.
        assert_eq!(
            expr("[f('é', g())]"),
            call("f", 1, vec![s("é"), call("g", 9, vec![])])
        );
    }

    #[test]
    fn bare_true_false_null_are_calls() {
        assert_eq!(expr("[true]"), call("true", 1, vec![]));
        assert_eq!(expr("[true()]"), call("true", 1, vec![]));
        assert_eq!(
            expr("[if(FALSE, null, null())]"),
            call(
                "if",
                1,
                vec![
                    call("FALSE", 4, vec![]),
                    call("null", 11, vec![]),
                    call("null", 17, vec![])
                ]
            )
        );
    }

    #[test]
    fn member_and_index_chains() {
        let text = "[reference(resourceId('Microsoft.Network/virtualNetworks', parameters('vnet')), '2023-04-01').addressSpace.addressPrefixes[0]]";
        let resource_id = call(
            "resourceId",
            11,
            vec![
                s("Microsoft.Network/virtualNetworks"),
                call("parameters", 59, vec![s("vnet")]),
            ],
        );
        let reference = call("reference", 1, vec![resource_id, s("2023-04-01")]);
        assert_eq!(
            expr(text),
            index(
                member(member(reference, "addressSpace"), "addressPrefixes"),
                Expr::Number(0.0)
            )
        );
        assert_eq!(
            expr("[variables('x')['a-b'] . c-d [ add(1, 2) ].$e_1]"),
            member(
                index(
                    member(index(call("variables", 1, vec![s("x")]), s("a-b")), "c-d"),
                    call("add", 31, vec![Expr::Number(1.0), Expr::Number(2.0)])
                ),
                "$e_1"
            )
        );
        assert_eq!(
            expr("[f()[g()[0]]]"),
            index(
                call("f", 1, vec![]),
                index(call("g", 5, vec![]), Expr::Number(0.0))
            )
        );
    }

    #[test]
    fn whitespace_between_tokens() {
        assert_eq!(
            expr("[\t concat ( 'a' ,\n 'b' ) . x [ 0 ] ]"),
            index(
                member(call("concat", 3, vec![s("a"), s("b")]), "x"),
                Expr::Number(0.0)
            )
        );
    }

    #[test]
    fn errors_carry_the_offset() {
        let cases: &[(&str, usize, &str)] = &[
            ("[]", 1, "empty"),
            ("[   ]", 1, "empty"),
            ("[concat('a']", 11, "not closed"),
            ("[concat('a'", 0, ""), // not an expression at all: literal (checked below)
            ("[concat('a')) ]", 12, "after the end"),
            ("[concat('a') x]", 13, "after the end"),
            ("['abc]", 1, "unterminated"),
            ("[concat('abc)]", 8, "unterminated"),
            ("[concat]", 7, "expected `(`"),
            ("[concat ]", 8, "expected `(`"),
            ("[concat(,)]", 8, "where a value was expected"),
            ("[concat('a',)]", 12, "where a value was expected"),
            ("[concat('a' 'b')]", 12, "`,` or `)`"),
            ("[f(1 2)]", 5, "`,` or `)`"),
            ("[f()[0]", 6, "not closed"),
            ("[f()[0 x]]", 7, "where `]` was expected"),
            ("[f()[]]", 5, "where a value was expected"),
            ("[f().]", 5, "property name"),
            ("[f().[0]]", 5, "property name"),
            ("[f().?x]", 5, "Bicep"),
            ("[f()?.x]", 4, "Bicep"),
            ("[f()[?0]]", 5, "Bicep"),
            ("[f()!]", 4, "Bicep"),
            ("['a'.length]", 4, "cannot follow a literal"),
            ("[1[0]]", 2, "cannot follow a literal"),
            ("['a' [0]]", 5, "cannot follow a literal"),
            ("[-]", 2, "expected a digit"),
            ("[- 1]", 2, "where a digit was expected"),
            ("[12abc]", 3, "in a number"),
            ("[1.]", 2, "in a number"),
            ("[1.2.3]", 4, "in a number"),
            ("[12345678901234567890]", 1, "too large"),
            ("[9007199254740993]", 1, "too large"),
            ("[\"a\"]", 1, "single quotes"),
            ("[#]", 1, "unexpected `#`"),
            ("[a.b.c()]", 4, "expected `(`"),
            ("[a.()]", 3, "function name"),
            ("[a.]", 3, "end of the expression"),
            ("[f(]", 3, "expected a value"),
            ("[f(g(]", 5, "expected a value"),
            ("[f(g()]", 6, "not closed"),
            ("[)]", 1, "unexpected `)`"),
            ("[f()]]", 4, "after the end"),
        ];
        for &(text, offset, message) in cases {
            if !text.ends_with(']') {
                assert!(matches!(parse(text), Ok(Parsed::Literal(_))), "{text}");
                continue;
            }
            let e = err(text);
            assert_eq!(e.offset, offset, "{text}: {e:?}");
            assert!(e.message.contains(message), "{text}: {e:?}");
        }
    }

    #[test]
    fn error_display_mentions_offset() {
        assert_eq!(
            err("[]").to_string(),
            "the expression `[]` is empty (at offset 1)"
        );
    }

    fn nested_calls(n: usize) -> String {
        format!("[{}1{}]", "f(".repeat(n), ")".repeat(n))
    }

    #[test]
    fn nesting_up_to_the_limit_is_accepted() {
        // 255 calls around a literal: 256 levels.
        let mut e = expr(&nested_calls(MAX_DEPTH - 1));
        let mut depth = 1;
        while let Expr::Call { mut args, .. } = e {
            e = args.pop().unwrap();
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        let e = err(&nested_calls(MAX_DEPTH));
        assert!(e.message.contains("nested more than 256 levels"), "{e:?}");
        assert_eq!(e.offset, 1 + 2 * MAX_DEPTH);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in [
            nested_calls(20_000),
            format!("[f(){}]", "[f()".repeat(20_000) + &"]".repeat(20_000)),
            format!("[f(){}]", ".a".repeat(20_000)),
            format!("[f(){}]", "[0]".repeat(20_000)),
            format!("[{}]", "f(".repeat(20_000)),
            format!("[{}", "f(".repeat(20_000)),
        ] {
            match parse(&text) {
                Err(e) => assert!(
                    e.message.contains("nested more than"),
                    "{}: {e:?}",
                    &text[..20]
                ),
                Ok(p) => assert!(matches!(p, Parsed::Literal(_)), "{}", &text[..20]),
            }
        }
        // A long but flat expression is fine.
        let flat = format!("[f({})]", vec!["1"; 20_000].join(","));
        assert!(matches!(expr(&flat), Expr::Call { args, .. } if args.len() == 20_000));
    }

    /// A small deterministic generator, so the test needs no dependency and is reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_input_never_panics() {
        let pieces = [
            "[",
            "]",
            "(",
            ")",
            "'",
            "''",
            ",",
            ".",
            "?",
            "!",
            " ",
            "\t",
            "-",
            "+",
            "0",
            "12",
            "1.5",
            "a",
            "concat",
            "f",
            "true",
            "null",
            "x.y",
            "$",
            "_",
            "é",
            "✓",
            "\u{1F600}",
            "\"",
            "[[",
            "#",
            "\\",
            "\u{0}",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let mut s = String::from("[");
            let n = rng.below(24);
            for _ in 0..n {
                s.push_str(pieces[rng.below(pieces.len())]);
            }
            if rng.below(4) != 0 {
                s.push(']');
            }
            let result = parse(&s);
            if let Err(e) = &result {
                assert!(e.offset <= s.len(), "{s:?}: {e:?}");
                assert!(s.is_char_boundary(e.offset), "{s:?}: {e:?}");
            }
        }
        for _ in 0..5_000 {
            let n = rng.below(40);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            let mut s = String::from_utf8_lossy(&bytes).into_owned();
            if rng.below(2) == 0 {
                s = format!("[{s}]");
            }
            let _ = parse(&s);
        }
    }
}
