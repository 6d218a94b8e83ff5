//! The Bicep lexer: text to tokens.
//!
//! Spaces, tabs, comments (`// ...`, `/* ... */`) and diagnostics pragmas
//! (`#disable-next-line code`) are trivia and produce no token; a byte-order mark at the start is
//! skipped. Line breaks are significant in Bicep, so each run of them (with only trivia
//! between) becomes one [`TokenKind::NewLine`]. A line break inside a block comment or a
//! multi-line string is not a token.
//!
//! Strings are split into pieces at their interpolation holes, as Bicep's own lexer does:
//! `'a${x}b${y}c'` is `StringLeft("a")`, the tokens of `x`, `StringMiddle("b")`, the tokens of
//! `y`, `StringRight("c")`; a string without holes is one `StringComplete`. Piece values are
//! decoded (`\n \r \t \\ \' \$ \u{...}`). A stack tells a `}` that closes a hole from one that
//! closes an object literal inside the hole. Multi-line strings `'''...'''` have no escapes and
//! no holes; with a `$` prefix (`$'''...${x}...'''`, or `$$'''...$${x}...'''`) they have holes
//! opened by as many `$` as the prefix has. A line break right after the opening `'''` is not
//! part of the value.
//!
//! Lexing never fails: problems (an unterminated string or comment, an unknown escape, a
//! character Bicep does not use) are reported as errors and lexing goes on.

use super::ast::{Pragma, PragmaKind, Span};
use super::parser::SyntaxError;

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringPiece {
    /// `'...'` or `'''...'''`: a whole string without holes.
    Complete,
    /// `'...${`: the start of a string, up to its first hole.
    Left,
    /// `}...${`: between two holes.
    Middle,
    /// `}...'`: after the last hole.
    Right,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// An identifier or keyword (Bicep keywords are contextual; `true`, `false` and `null` are
    /// identifiers here too).
    Ident,
    /// A run of decimal digits.
    Int,
    /// A piece of a string literal with its decoded value.
    String {
        piece: StringPiece,
        value: String,
    },
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    At,
    Comma,
    Dot,
    /// `...`
    Ellipsis,
    Question,
    /// `??`
    DoubleQuestion,
    Colon,
    /// `::`
    DoubleColon,
    Semicolon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    /// `^` (from-end index `a[^1]`)
    Hat,
    /// `!`
    Bang,
    /// `!=`
    NotEq,
    /// `!~`
    NotEqInsensitive,
    /// `<`
    Less,
    /// `<=`
    LessEq,
    /// `>`
    Greater,
    /// `>=`
    GreaterEq,
    /// `=`
    Assign,
    /// `==`
    EqEq,
    /// `=~`
    EqInsensitive,
    /// `=>`
    Arrow,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// `|`
    Pipe,
    NewLine,
    /// A character Bicep does not use (already reported as an error).
    Unrecognized,
    Eof,
}

impl TokenKind {
    /// How the token reads in an error message.
    pub fn describe(&self) -> &'static str {
        match self {
            TokenKind::Ident => "a name",
            TokenKind::Int => "a number",
            TokenKind::String { .. } => "a string",
            TokenKind::LBrace => "`{`",
            TokenKind::RBrace => "`}`",
            TokenKind::LParen => "`(`",
            TokenKind::RParen => "`)`",
            TokenKind::LBracket => "`[`",
            TokenKind::RBracket => "`]`",
            TokenKind::At => "`@`",
            TokenKind::Comma => "`,`",
            TokenKind::Dot => "`.`",
            TokenKind::Ellipsis => "`...`",
            TokenKind::Question => "`?`",
            TokenKind::DoubleQuestion => "`??`",
            TokenKind::Colon => "`:`",
            TokenKind::DoubleColon => "`::`",
            TokenKind::Semicolon => "`;`",
            TokenKind::Plus => "`+`",
            TokenKind::Minus => "`-`",
            TokenKind::Star => "`*`",
            TokenKind::Slash => "`/`",
            TokenKind::Percent => "`%`",
            TokenKind::Hat => "`^`",
            TokenKind::Bang => "`!`",
            TokenKind::NotEq => "`!=`",
            TokenKind::NotEqInsensitive => "`!~`",
            TokenKind::Less => "`<`",
            TokenKind::LessEq => "`<=`",
            TokenKind::Greater => "`>`",
            TokenKind::GreaterEq => "`>=`",
            TokenKind::Assign => "`=`",
            TokenKind::EqEq => "`==`",
            TokenKind::EqInsensitive => "`=~`",
            TokenKind::Arrow => "`=>`",
            TokenKind::AndAnd => "`&&`",
            TokenKind::OrOr => "`||`",
            TokenKind::Pipe => "`|`",
            TokenKind::NewLine => "the end of the line",
            TokenKind::Unrecognized => "an unrecognized character",
            TokenKind::Eof => "the end of the file",
        }
    }
}

/// The result of lexing a file.
pub struct Lexed {
    /// The tokens; the last one is always [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    pub errors: Vec<SyntaxError>,
    pub pragmas: Vec<Pragma>,
}

/// Splits `text` into tokens.
pub fn lex(text: &str) -> Lexed {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
        pragmas: Vec::new(),
        stack: Vec::new(),
    };
    lexer.run();
    Lexed {
        tokens: lexer.tokens,
        errors: lexer.errors,
        pragmas: lexer.pragmas,
    }
}

/// What an open `{` on the stack belongs to, while inside a string hole.
#[derive(Clone, Copy)]
enum Open {
    /// An object literal's `{` inside a hole.
    Brace,
    /// A `${` hole of a single-line string (`dollars == 0`) or of a multi-line string opened
    /// with `dollars` dollar signs.
    Hole { multiline: bool, dollars: usize },
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<SyntaxError>,
    pragmas: Vec<Pragma>,
    stack: Vec<Open>,
}

const PRAGMAS: [(&str, PragmaKind); 3] = [
    ("disable-next-line", PragmaKind::DisableNextLine),
    ("disable-diagnostics", PragmaKind::DisableDiagnostics),
    ("restore-diagnostics", PragmaKind::RestoreDiagnostics),
];

impl Lexer<'_> {
    fn byte(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            span,
            message: message.into(),
        });
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        if kind == TokenKind::NewLine
            && let Some(last) = self.tokens.last_mut()
            && last.kind == TokenKind::NewLine
        {
            last.span.end = self.pos;
            return;
        }
        self.tokens.push(Token {
            kind,
            span: start..self.pos,
        });
    }

    /// The length in bytes of the character at `pos` (1 at the end, so callers always advance).
    fn char_len(&self) -> usize {
        self.text[self.pos..]
            .chars()
            .next()
            .map_or(1, char::len_utf8)
    }

    fn at_line_start(&self) -> bool {
        self.bytes[..self.pos]
            .iter()
            .rev()
            .find(|&&b| b != b' ' && b != b'\t')
            .is_none_or(|&b| b == b'\n' || b == b'\r')
    }

    fn run(&mut self) {
        if self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        loop {
            self.skip_trivia();
            let start = self.pos;
            let Some(c) = self.byte(0) else {
                if self
                    .stack
                    .iter()
                    .any(|open| matches!(open, Open::Hole { .. }))
                {
                    self.error(
                        start..start,
                        "unterminated string: the file ends inside `${...}`",
                    );
                }
                self.push(TokenKind::Eof, start);
                return;
            };
            self.pos += 1;
            let kind = match c {
                b'\n' | b'\r' => {
                    if !self.stack.is_empty() {
                        // A hole cannot span lines: end the string here.
                        self.pos = start;
                        self.error(
                            start..start,
                            "unterminated string: a line break inside `${...}`",
                        );
                        self.stack.clear();
                        self.push(
                            TokenKind::String {
                                piece: StringPiece::Right,
                                value: String::new(),
                            },
                            start,
                        );
                        continue;
                    }
                    while matches!(self.byte(0), Some(b'\n' | b'\r')) {
                        self.pos += 1;
                    }
                    TokenKind::NewLine
                }
                b'{' => {
                    if !self.stack.is_empty() {
                        self.stack.push(Open::Brace);
                    }
                    TokenKind::LBrace
                }
                b'}' => match self.stack.last().copied() {
                    Some(Open::Brace) => {
                        self.stack.pop();
                        TokenKind::RBrace
                    }
                    Some(Open::Hole { multiline, dollars }) => {
                        let (piece, value) = if multiline {
                            self.multiline_string(false, dollars)
                        } else {
                            self.single_line_string(false)
                        };
                        if piece == StringPiece::Right {
                            self.stack.pop();
                        }
                        TokenKind::String { piece, value }
                    }
                    None => TokenKind::RBrace,
                },
                b'(' => TokenKind::LParen,
                b')' => TokenKind::RParen,
                b'[' => TokenKind::LBracket,
                b']' => TokenKind::RBracket,
                b'@' => TokenKind::At,
                b',' => TokenKind::Comma,
                b';' => TokenKind::Semicolon,
                b'+' => TokenKind::Plus,
                b'-' => TokenKind::Minus,
                b'*' => TokenKind::Star,
                b'/' => TokenKind::Slash,
                b'%' => TokenKind::Percent,
                b'^' => TokenKind::Hat,
                b'.' => {
                    if self.byte(0) == Some(b'.') && self.byte(1) == Some(b'.') {
                        self.pos += 2;
                        TokenKind::Ellipsis
                    } else {
                        TokenKind::Dot
                    }
                }
                b'?' => self.pair(b'?', TokenKind::DoubleQuestion, TokenKind::Question),
                b':' => self.pair(b':', TokenKind::DoubleColon, TokenKind::Colon),
                b'<' => self.pair(b'=', TokenKind::LessEq, TokenKind::Less),
                b'>' => self.pair(b'=', TokenKind::GreaterEq, TokenKind::Greater),
                b'|' => self.pair(b'|', TokenKind::OrOr, TokenKind::Pipe),
                b'!' => match self.byte(0) {
                    Some(b'=') => {
                        self.pos += 1;
                        TokenKind::NotEq
                    }
                    Some(b'~') => {
                        self.pos += 1;
                        TokenKind::NotEqInsensitive
                    }
                    _ => TokenKind::Bang,
                },
                b'=' => match self.byte(0) {
                    Some(b'=') => {
                        self.pos += 1;
                        TokenKind::EqEq
                    }
                    Some(b'~') => {
                        self.pos += 1;
                        TokenKind::EqInsensitive
                    }
                    Some(b'>') => {
                        self.pos += 1;
                        TokenKind::Arrow
                    }
                    _ => TokenKind::Assign,
                },
                b'&' => {
                    if self.byte(0) == Some(b'&') {
                        self.pos += 1;
                        TokenKind::AndAnd
                    } else {
                        self.error(start..self.pos, "unexpected `&` (did you mean `&&`?)");
                        TokenKind::Unrecognized
                    }
                }
                b'\'' => {
                    if self.byte(0) == Some(b'\'') && self.byte(1) == Some(b'\'') {
                        self.pos += 2;
                        let (piece, value) = self.multiline_string(true, 0);
                        TokenKind::String { piece, value }
                    } else {
                        let (piece, value) = self.single_line_string(true);
                        if piece == StringPiece::Left {
                            self.stack.push(Open::Hole {
                                multiline: false,
                                dollars: 0,
                            });
                        }
                        TokenKind::String { piece, value }
                    }
                }
                b'$' => {
                    let mut dollars = 1;
                    while self.byte(0) == Some(b'$') {
                        self.pos += 1;
                        dollars += 1;
                    }
                    if self.bytes[self.pos..].starts_with(b"'''") {
                        self.pos += 3;
                        let (piece, value) = self.multiline_string(true, dollars);
                        if piece == StringPiece::Left {
                            self.stack.push(Open::Hole {
                                multiline: true,
                                dollars,
                            });
                        }
                        TokenKind::String { piece, value }
                    } else {
                        self.error(
                            start..self.pos,
                            "unexpected `$` (only `$'''` starts an interpolated multi-line string)",
                        );
                        TokenKind::Unrecognized
                    }
                }
                b'0'..=b'9' => {
                    while matches!(self.byte(0), Some(b'0'..=b'9')) {
                        self.pos += 1;
                    }
                    TokenKind::Int
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    while matches!(
                        self.byte(0),
                        Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'0'..=b'9')
                    ) {
                        self.pos += 1;
                    }
                    TokenKind::Ident
                }
                _ => {
                    self.pos = start;
                    self.pos += self.char_len();
                    let found = &self.text[start..self.pos];
                    let message = if found == "\"" {
                        "unexpected `\"`: Bicep strings use single quotes".to_string()
                    } else {
                        format!("unexpected character `{}`", found.escape_debug())
                    };
                    self.error(start..self.pos, message);
                    TokenKind::Unrecognized
                }
            };
            self.push(kind, start);
        }
    }

    /// `first` then `second` gives `double`, else `single`.
    fn pair(&mut self, second: u8, double: TokenKind, single: TokenKind) -> TokenKind {
        if self.byte(0) == Some(second) {
            self.pos += 1;
            double
        } else {
            single
        }
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.byte(0) {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.byte(1) == Some(b'/') => {
                    while !matches!(self.byte(0), None | Some(b'\n' | b'\r')) {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.byte(1) == Some(b'*') => {
                    let start = self.pos;
                    match self.text[self.pos + 2..].find("*/") {
                        Some(end) => self.pos += 2 + end + 2,
                        None => {
                            self.pos = self.bytes.len();
                            self.error(start..start + 2, "unterminated `/*` comment");
                        }
                    }
                }
                Some(b'#') if self.at_line_start() => {
                    let rest = &self.text[self.pos + 1..];
                    let Some(&(keyword, kind)) = PRAGMAS.iter().find(|(keyword, _)| {
                        rest.starts_with(keyword)
                            && !rest[keyword.len()..]
                                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                    }) else {
                        return;
                    };
                    let start = self.pos;
                    let line_end = rest
                        .find(['\n', '\r'])
                        .map_or(self.bytes.len(), |end| self.pos + 1 + end);
                    let line = &self.text[start + 1 + keyword.len()..line_end];
                    let line = line.find("//").map_or(line, |comment| &line[..comment]);
                    let codes = line.split_whitespace().map(str::to_string).collect();
                    self.pos = line_end;
                    self.pragmas.push(Pragma {
                        kind,
                        codes,
                        span: start..line_end,
                    });
                }
                _ => return,
            }
        }
    }

    /// The rest of a single-line string piece, after its `'` or the `}` of a hole.
    fn single_line_string(&mut self, first: bool) -> (StringPiece, String) {
        let end_piece = if first {
            StringPiece::Complete
        } else {
            StringPiece::Right
        };
        let open_piece = if first {
            StringPiece::Left
        } else {
            StringPiece::Middle
        };
        let mut value = String::new();
        loop {
            let Some(c) = self.byte(0) else {
                let at = self.pos;
                self.error(
                    at..at,
                    "unterminated string: the file ends before the closing `'`",
                );
                return (end_piece, value);
            };
            match c {
                b'\n' | b'\r' => {
                    let at = self.pos;
                    self.error(
                        at..at,
                        "unterminated string: a line break before the closing `'` (use `'''` for a multi-line string)",
                    );
                    return (end_piece, value);
                }
                b'\'' => {
                    self.pos += 1;
                    return (end_piece, value);
                }
                b'$' if self.byte(1) == Some(b'{') => {
                    self.pos += 2;
                    return (open_piece, value);
                }
                b'\\' => self.escape(&mut value),
                _ => {
                    let len = self.char_len();
                    value.push_str(&self.text[self.pos..self.pos + len]);
                    self.pos += len;
                }
            }
        }
    }

    /// One escape sequence at `pos` (a `\`), decoded into `value`.
    fn escape(&mut self, value: &mut String) {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.byte(0) else {
            self.error(
                start..self.pos,
                "unterminated escape sequence at the end of the file",
            );
            return;
        };
        let simple = match c {
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'\\' => Some('\\'),
            b'\'' => Some('\''),
            b'$' => Some('$'),
            _ => None,
        };
        if let Some(decoded) = simple {
            self.pos += 1;
            value.push(decoded);
            return;
        }
        if let Some((code, end)) = self.unicode_escape(start) {
            self.pos = end;
            if let Some(decoded) = char::from_u32(code) {
                value.push(decoded);
                return;
            }
            if (0xD800..0xDC00).contains(&code)
                && let Some((low, low_end)) = self.unicode_escape(end)
                && (0xDC00..0xE000).contains(&low)
            {
                // A UTF-16 surrogate pair written as two escapes.
                let combined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                if let Some(decoded) = char::from_u32(combined) {
                    self.pos = low_end;
                    value.push(decoded);
                    return;
                }
            }
            if code <= 0x10FFFF {
                // A lone surrogate: valid in Bicep, not representable in a Rust string.
                value.push('\u{fffd}');
                return;
            }
            self.error(
                start..self.pos,
                "invalid `\\u{...}` escape: beyond the last Unicode code point (10FFFF)",
            );
            value.push('\u{fffd}');
            return;
        }
        let len = self.char_len();
        self.pos += len;
        self.error(
            start..self.pos,
            "unrecognized escape sequence (Bicep has \\n \\r \\t \\\\ \\' \\$ and \\u{...})",
        );
        value.push_str(&self.text[start..self.pos]);
    }

    /// The code point and end offset of a `\u{hex}` escape at `at`, if there is one there.
    fn unicode_escape(&self, at: usize) -> Option<(u32, usize)> {
        let rest = self.bytes.get(at..)?;
        if !rest.starts_with(b"\\u{") {
            return None;
        }
        let digits = rest[3..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if digits == 0 || rest.get(3 + digits) != Some(&b'}') {
            return None;
        }
        let text = &self.text[at + 3..at + 3 + digits];
        let text = text.trim_start_matches('0');
        // Leading zeros aside, more than 8 digits cannot be a code point.
        let code = if text.is_empty() {
            0
        } else if text.len() > 8 {
            u32::MAX
        } else {
            u32::from_str_radix(text, 16).ok()?
        };
        Some((code, at + 3 + digits + 1))
    }

    /// The rest of a multi-line string piece, after its `'''` (or `$'''`) or the `}` of a hole.
    /// `dollars` is the number of `$` that open a hole (0: the string has no holes).
    fn multiline_string(&mut self, first: bool, dollars: usize) -> (StringPiece, String) {
        let end_piece = if first {
            StringPiece::Complete
        } else {
            StringPiece::Right
        };
        let open_piece = if first {
            StringPiece::Left
        } else {
            StringPiece::Middle
        };
        let mut content_start = self.pos;
        if first {
            if self.byte(0) == Some(b'\r') {
                content_start += 1;
            }
            if self.bytes.get(content_start) == Some(&b'\n') {
                content_start += 1;
            }
        }
        loop {
            match self.byte(0) {
                None => {
                    let at = self.pos;
                    self.error(
                        at..at,
                        "unterminated multi-line string: the file ends before the closing `'''`",
                    );
                    let value = self.text[content_start.min(at)..].to_string();
                    return (end_piece, value);
                }
                Some(b'$') => {
                    let run_start = self.pos;
                    while self.byte(0) == Some(b'$') {
                        self.pos += 1;
                    }
                    let run = self.pos - run_start;
                    if dollars > 0 && run >= dollars && self.byte(0) == Some(b'{') {
                        let value = self.text[content_start..self.pos - dollars].to_string();
                        self.pos += 1;
                        return (open_piece, value);
                    }
                }
                Some(b'\'') => {
                    let run_start = self.pos;
                    while self.byte(0) == Some(b'\'') {
                        self.pos += 1;
                    }
                    if self.pos - run_start >= 3 {
                        let value =
                            self.text[content_start.min(self.pos - 3)..self.pos - 3].to_string();
                        return (end_piece, value);
                    }
                }
                Some(_) => self.pos += self.char_len(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        lex(text).tokens.into_iter().map(|t| t.kind).collect()
    }

    fn string(piece: StringPiece, value: &str) -> TokenKind {
        TokenKind::String {
            piece,
            value: value.to_string(),
        }
    }

    #[test]
    fn punctuation_and_operators() {
        use TokenKind::*;
        assert_eq!(
            kinds(
                "{ } ( ) [ ] @ , . ... ? ?? : :: ; + - * / % ^ ! != !~ < <= > >= = == =~ => && || |"
            ),
            vec![
                LBrace,
                RBrace,
                LParen,
                RParen,
                LBracket,
                RBracket,
                At,
                Comma,
                Dot,
                Ellipsis,
                Question,
                DoubleQuestion,
                Colon,
                DoubleColon,
                Semicolon,
                Plus,
                Minus,
                Star,
                Slash,
                Percent,
                Hat,
                Bang,
                NotEq,
                NotEqInsensitive,
                Less,
                LessEq,
                Greater,
                GreaterEq,
                Assign,
                EqEq,
                EqInsensitive,
                Arrow,
                AndAnd,
                OrOr,
                Pipe,
                Eof
            ]
        );
    }

    #[test]
    fn identifiers_numbers_and_spans() {
        let lexed = lex("param  x1 42");
        let spans: Vec<_> = lexed.tokens.iter().map(|t| t.span.clone()).collect();
        assert_eq!(spans, vec![0..5, 7..9, 10..12, 12..12]);
        assert_eq!(lexed.tokens[2].kind, TokenKind::Int);
        assert!(lexed.errors.is_empty());
    }

    #[test]
    fn newlines_collapse_across_comments_and_blank_lines() {
        use TokenKind::*;
        let lexed = lex("a // c\n\r\n  /* x\n y */ \n\nb");
        let kinds: Vec<_> = lexed.tokens.iter().map(|t| t.kind.clone()).collect();
        assert_eq!(kinds, vec![Ident, NewLine, Ident, Eof]);
        assert_eq!(lexed.tokens[1].span, 6..24);
        // a line break inside a block comment is not a token
        assert_eq!(kinds_of("a /* \n */ b"), vec![Ident, Ident, Eof]);
    }

    fn kinds_of(text: &str) -> Vec<TokenKind> {
        kinds(text)
    }

    #[test]
    fn simple_string_with_escapes() {
        assert_eq!(
            kinds(r"'a\n\t\\\'\$b\u{1F600}'"),
            vec![
                string(StringPiece::Complete, "a\n\t\\'$b\u{1F600}"),
                TokenKind::Eof
            ]
        );
        assert_eq!(
            kinds(r"'\${x}'"),
            vec![string(StringPiece::Complete, "${x}"), TokenKind::Eof]
        );
        assert_eq!(
            kinds("'é ${x"),
            vec![
                string(StringPiece::Left, "é "),
                TokenKind::Ident,
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn interpolation_pieces() {
        use TokenKind::*;
        assert_eq!(
            kinds("'a${x}b${y.z}c'"),
            vec![
                string(StringPiece::Left, "a"),
                Ident,
                string(StringPiece::Middle, "b"),
                Ident,
                Dot,
                Ident,
                string(StringPiece::Right, "c"),
                Eof
            ]
        );
        // an object literal inside a hole: its `}` is not the end of the hole
        assert_eq!(
            kinds("'${{a: 1}.a}!'"),
            vec![
                string(StringPiece::Left, ""),
                LBrace,
                Ident,
                Colon,
                Int,
                RBrace,
                Dot,
                Ident,
                string(StringPiece::Right, "!"),
                Eof
            ]
        );
        // nested strings
        assert_eq!(
            kinds("'${'${x}'}'"),
            vec![
                string(StringPiece::Left, ""),
                string(StringPiece::Left, ""),
                Ident,
                string(StringPiece::Right, ""),
                string(StringPiece::Right, ""),
                Eof
            ]
        );
    }

    #[test]
    fn multiline_strings() {
        use TokenKind::*;
        assert_eq!(
            kinds("'''\nline1\n${x} 'q' \\n\n'''"),
            vec![string(StringPiece::Complete, "line1\n${x} 'q' \\n\n"), Eof]
        );
        assert_eq!(
            kinds("'''a''''"),
            vec![string(StringPiece::Complete, "a'"), Eof]
        );
        assert_eq!(
            kinds("$'''\nx ${y} $z'''"),
            vec![
                string(StringPiece::Left, "x "),
                Ident,
                string(StringPiece::Right, " $z"),
                Eof
            ]
        );
        assert_eq!(
            kinds("$$'''${a} $${b}'''"),
            vec![
                string(StringPiece::Left, "${a} "),
                Ident,
                string(StringPiece::Right, ""),
                Eof
            ]
        );
    }

    #[test]
    fn pragmas_are_trivia() {
        let lexed = lex("#disable-next-line no-unused-params BCP081 // why\nparam x");
        assert_eq!(lexed.pragmas.len(), 1);
        assert_eq!(lexed.pragmas[0].kind, PragmaKind::DisableNextLine);
        assert_eq!(lexed.pragmas[0].codes, vec!["no-unused-params", "BCP081"]);
        assert_eq!(lexed.tokens[0].kind, TokenKind::NewLine);
        assert!(lexed.errors.is_empty());
        // not at the start of a line: an error
        assert!(!lex("x #disable-next-line a").errors.is_empty());
    }

    #[test]
    fn errors_point_at_the_problem() {
        let lexed = lex("'abc\nx");
        assert_eq!(lexed.errors.len(), 1);
        assert_eq!(lexed.errors[0].span, 4..4);
        let lexed = lex("x = \"a\"");
        assert_eq!(lexed.errors[0].span, 4..5);
        let lexed = lex(r"'\q'");
        assert_eq!(lexed.errors[0].span, 1..3);
        let lexed = lex("'${x\n");
        assert_eq!(lexed.errors[0].span, 4..4);
        assert!(matches!(
            lexed.tokens[2].kind,
            TokenKind::String {
                piece: StringPiece::Right,
                ..
            }
        ));
        assert!(!lex("/* open").errors.is_empty());
        assert!(!lex("'''open").errors.is_empty());
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let lexed = lex("\u{feff}param");
        assert_eq!(lexed.tokens[0].span, 3..8);
        assert!(lexed.errors.is_empty());
    }
}
