//! The Bicep parser: tokens to the tree of [`super::ast`], with error recovery.
//!
//! One entry point, [`parse`], reads both `.bicep` and `.bicepparam` files (the grammars differ
//! in a few declarations only, and the parser accepts all of them in either file).
//!
//! ```text
//! file        := (statement? NEWLINE)*
//! statement   := decorator* declaration
//! decorator   := "@" name ("(" args ")")? ("." name ("(" args ")")?)* NEWLINE*
//! declaration := "targetScope" "=" expr
//!              | "metadata" name "=" expr
//!              | "param" name type ("=" expr)?          (.bicep)
//!              | "param" name "=" expr                  (.bicepparam)
//!              | "var" name type? "=" expr
//!              | "output" name (type | "resource" string?) "=" expr
//!              | "resource" name string "existing"? "=" body
//!              | "module" name string "=" body
//!              | "test" name string "=" object
//!              | "type" name "=" type
//!              | "func" name "(" (name type ","?)* ")" type "=>" expr
//!              | "import" ("*" "as" name | "{" (name ("as" name)?)* "}") "from" string
//!              | ("extension" | "provider" | "import") (name | string) ("with" object)? ("as" name)?
//!              | "extensionConfig" name "with" object
//!              | "assert" name "=" expr
//!              | "using" (string | "none") ("with" object)?
//!              | "extends" string
//! body        := object | "if" "(" expr ")" object | "[" "for" loop ":" (object | "if" ...) "]"
//! expr        := coalesce ("?" expr ":" expr)?
//! binary      := ?? < || < && < (== != =~ !~) < (< <= > >=) < (+ -) < (* / %)   (left-assoc)
//! unary       := ("!" | "-") unary | postfix
//! postfix     := primary ("." "?"? name call? | "[" "?"? "^"? expr "]" | "::" name | "!" | call)*
//! primary     := int | string | "true" | "false" | "null" | name | name "(" args ")"
//!              | object | array | "[" "for" loop ":" expr "]" | "(" expr ")"
//!              | lambda
//! lambda      := name "=>" expr | "(" (name type? ","?)* ")" "=>" expr
//! loop        := (name | "(" name "," name ")") "in" expr
//! type        := "|"? unary-type ("|" unary-type)*
//! unary-type  := ("-" | "!")? member-type ("?" | "!")*
//! member-type := primary-type ("[" "]" | "[" "*" "]" | "[" expr "]" | "." "*" | "." name type-args?)*
//! primary-type:= name type-args? | string | int | "true" | "false" | "null"
//!              | "{" (decorator* (name | string | "*") "?"? ":" type)* "}"
//!              | "[" (decorator* type)* "]" | "(" type ")"
//! ```
//!
//! Line breaks: a declaration ends at the end of its line. Inside `{...}` and `[...]` literals,
//! items are separated by line breaks or commas. Inside parentheses (calls, parenthesized
//! expressions, conditions, lambda parameters) line breaks are insignificant. A line break may
//! come before the `?` and `:` of a ternary, after a binary operator, after `?`, `:` and `=>`,
//! and before the `if` of a resource or module body.
//!
//! Where this parser is more lenient than the Bicep compiler (so that a linter can still read
//! files the compiler would reject, or accept with a warning):
//! - line breaks anywhere inside parentheses, after binary operators, after the ternary's `?`
//!   and `:`, inside a `for` header, and after a `,` that separates items on several lines;
//! - decorators on object literal properties, and a decorator on the same line as what it
//!   decorates;
//! - chained unary operators (`!!x`), a trailing comma in calls, `(item)` as a loop variable
//!   block, typed parameters in lambda expressions (`(x string) => x`), and `name?: T` in
//!   object types;
//! - `if (cond) {...}` as the body of a `for` expression outside resources and modules.
//!
//! Error recovery: an error inside an object or array literal skips to the end of that item
//! (the next line break or `,` at the same nesting, or the closing bracket) and parsing goes
//! on with the next item. An error elsewhere abandons the declaration and skips to the next
//! line that starts a declaration (a declaration keyword or `@`) at the same or a lower
//! indentation than the abandoned one. A line that can only be a declaration
//! (`param x ...`, `resource x ...` outside a resource body, ...) inside an unclosed literal
//! ends that literal with an error, so a missing `}` does not swallow the rest of the file.
//! Every loop makes progress, so any input terminates.
//!
//! Nesting: expressions and types nested deeper than [`MAX_DEPTH`] levels are a syntax error,
//! not a stack overflow; this bounds both the parser's recursion and the depth of the tree,
//! so a recursive walk over the tree (or dropping it) is safe too. Chains that the parser
//! builds in a loop (`a + b + c ...`, `a.b.c ...`, `T[][] ...`) count one level per link. The
//! parser measures its own stack use as well: should a deeply nested file need more stack than
//! it is prudent to take from the caller's thread (512 KiB; real files need under 100 KiB in a
//! release build), the file is parsed again on a thread with a 64 MiB stack, with the same
//! result.

use super::ast::*;
use super::lexer::{StringPiece, Token, TokenKind, lex};
use std::fmt;

/// The deepest an expression (or type) may nest, in levels of the tree: parentheses, arrays,
/// objects, calls, unary operators, lambdas, string holes, nested resources and each link of a
/// chain of operators or accesses count one level. `1` inside 255 parentheses is the deepest
/// expression there may be.
pub const MAX_DEPTH: usize = 256;

/// A syntax error: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

/// Parses a `.bicep` or `.bicepparam` file. Returns the statements that parsed (a declaration
/// with an error is left out, except for errors inside object and array items, which only
/// lose that item) and every lexing and parsing error, in order of position.
pub fn parse(text: &str) -> (File, Vec<SyntaxError>) {
    let first = parse_with_stack_budget(text, INLINE_STACK_BUDGET);
    if !first.stack_exhausted {
        return first.result;
    }
    // Deep nesting used more of this thread's stack than it is safe to assume there is (a debug
    // build of a deeply nested file, say): parse again on a thread with a stack large enough
    // for MAX_DEPTH levels. If that thread cannot be started, the first result stands; it
    // reports the nesting as an error.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("bicep-parser".to_string())
            .stack_size(RETRY_STACK_SIZE)
            .spawn_scoped(scope, || parse_with_stack_budget(text, RETRY_STACK_BUDGET))
            .ok()
            .and_then(|thread| thread.join().ok())
    })
    .map_or(first.result, |retry| retry.result)
}

/// How much stack the parser may use on the caller's thread: far more than any real file
/// needs, and safely within the 2 MiB a spawned Rust thread gets by default.
const INLINE_STACK_BUDGET: usize = 512 * 1024;
/// The stack of the thread a deeply nested file is parsed again on, and the parser's budget
/// there: enough for [`MAX_DEPTH`] levels of the most stack-hungry nesting, also unoptimized.
const RETRY_STACK_SIZE: usize = 64 * 1024 * 1024;
const RETRY_STACK_BUDGET: usize = 56 * 1024 * 1024;

struct Parsed {
    result: (File, Vec<SyntaxError>),
    /// Whether parsing stopped because the stack budget ran out (before MAX_DEPTH did).
    stack_exhausted: bool,
}

fn parse_with_stack_budget(text: &str, stack_budget: usize) -> Parsed {
    let lexed = lex(text);
    let mut parser = Parser::new(text, lexed.tokens, stack_budget);
    let statements = parser.file();
    let mut errors = lexed.errors;
    errors.extend(parser.errors);
    errors.sort_by_key(|error| error.span.start);
    // One message per position: a lexing error (an unrecognized character, say) and the parse
    // error it causes point at the same place.
    errors.dedup_by_key(|error| error.span.start);
    let file = File {
        statements,
        pragmas: lexed.pragmas,
        span: 0..text.len(),
    };
    Parsed {
        result: (file, errors),
        stack_exhausted: parser.stack_exhausted,
    }
}

/// The address of a local: how deep the stack is here (it grows downwards on every platform
/// Rust supports well; where it does not, the budget is never exceeded and only MAX_DEPTH
/// bounds the recursion).
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The marker of a failed parse; the error is already recorded.
struct Abort;

type PResult<T> = Result<T, Abort>;

/// Declaration keywords: where error recovery resumes.
const DECLARATION_KEYWORDS: [&str; 17] = [
    "targetScope",
    "metadata",
    "param",
    "var",
    "output",
    "resource",
    "module",
    "test",
    "type",
    "func",
    "import",
    "extension",
    "extensionConfig",
    "provider",
    "assert",
    "using",
    "extends",
];

/// What the body of a `for` expression may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LoopBody {
    /// Any expression (a variable, output, property value ...).
    Expression,
    /// A module body: an object, or `if (...) {...}`.
    Module,
    /// A resource body, which may also declare child resources.
    Resource,
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    /// For each `(`, `[` and `{`: the index of its closing token, when there is one.
    closing: Vec<Option<usize>>,
    pos: usize,
    /// The end of the last consumed token.
    prev_end: usize,
    errors: Vec<SyntaxError>,
    depth: usize,
    /// Inside parentheses line breaks are insignificant.
    newlines_ignored: bool,
    /// Where the stack was when parsing started, and how far below it parsing may go.
    stack_start: usize,
    stack_budget: usize,
    stack_exhausted: bool,
    /// The closing brackets of the object and array literals (and types) being parsed.
    list_closers: Vec<TokenKind>,
}

fn closing_brackets(tokens: &[Token]) -> Vec<Option<usize>> {
    let mut closing = vec![None; tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let opener = match token.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => {
                open.push(index);
                continue;
            }
            TokenKind::RParen => TokenKind::LParen,
            TokenKind::RBracket => TokenKind::LBracket,
            TokenKind::RBrace => TokenKind::LBrace,
            _ => continue,
        };
        // Tolerate a few unclosed brackets between; look no further so that pathological
        // input stays linear.
        let found = open
            .iter()
            .rev()
            .take(8)
            .position(|&at| tokens[at].kind == opener);
        if let Some(back) = found {
            let at = open.len() - 1 - back;
            closing[open[at]] = Some(index);
            open.truncate(at);
        }
    }
    closing
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, tokens: Vec<Token>, stack_budget: usize) -> Self {
        let closing = closing_brackets(&tokens);
        Parser {
            text,
            tokens,
            closing,
            pos: 0,
            prev_end: 0,
            errors: Vec::new(),
            depth: 0,
            newlines_ignored: false,
            stack_start: stack_address(),
            stack_budget,
            stack_exhausted: false,
            list_closers: Vec::new(),
        }
    }

    // ----- tokens -----

    /// The index of the `n`th token ahead, skipping line breaks where they are insignificant.
    fn index_ahead(&self, n: usize) -> usize {
        let mut index = self.pos;
        let mut left = n;
        loop {
            if self.newlines_ignored {
                while self.tokens[index].kind == TokenKind::NewLine {
                    index += 1;
                }
            }
            if left == 0 || self.tokens[index].kind == TokenKind::Eof {
                return index;
            }
            index += 1;
            left -= 1;
        }
    }

    fn peek(&self) -> &Token {
        &self.tokens[self.index_ahead(0)]
    }

    fn kind(&self) -> &TokenKind {
        &self.peek().kind
    }

    fn nth_kind(&self, n: usize) -> &TokenKind {
        &self.tokens[self.index_ahead(n)].kind
    }

    /// The next token that is not a line break, whatever the mode.
    fn peek_past_newlines(&self) -> &Token {
        let mut index = self.pos;
        while self.tokens[index].kind == TokenKind::NewLine {
            index += 1;
        }
        &self.tokens[index]
    }

    fn at(&self, kind: &TokenKind) -> bool {
        self.kind() == kind
    }

    fn token_text(&self, token: &Token) -> &'a str {
        &self.text[token.span.clone()]
    }

    fn at_keyword(&self, word: &str) -> bool {
        let token = self.peek();
        token.kind == TokenKind::Ident && self.token_text(token) == word
    }

    fn start(&self) -> usize {
        self.peek().span.start
    }

    fn bump(&mut self) -> Token {
        let index = self.index_ahead(0);
        let token = self.tokens[index].clone();
        if token.kind != TokenKind::Eof {
            self.pos = index + 1;
            self.prev_end = token.span.end;
        }
        token
    }

    fn eat(&mut self, kind: &TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn skip_newlines(&mut self) {
        while self.tokens[self.pos].kind == TokenKind::NewLine {
            self.pos += 1;
        }
    }

    /// Runs `f` with line breaks significant (`false`) or not (`true`), then restores the mode.
    fn with_newlines<T>(&mut self, ignored: bool, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.newlines_ignored;
        self.newlines_ignored = ignored;
        let result = f(self);
        self.newlines_ignored = saved;
        result
    }

    /// The items of a list whose opener was just read, up to `closer` (`]` or `}`): newlines
    /// separate items; a declaration line or the end of input means the list was not closed;
    /// an item that fails is skipped so the rest of the list still parses. `what` names the
    /// list in messages ("the array").
    fn list_items(
        &mut self,
        closer: TokenKind,
        what: &str,
        resource_body: bool,
        mut item: impl FnMut(&mut Self) -> PResult<()>,
    ) -> PResult<()> {
        let symbol = if closer == TokenKind::RBrace {
            "}"
        } else {
            "]"
        };
        self.with_newlines(false, |p| {
            p.list_closers.push(closer.clone());
            let result = (|| loop {
                p.skip_newlines();
                if p.at(&closer) {
                    p.bump();
                    return Ok(());
                }
                if p.at(&TokenKind::Eof) {
                    return p.fail(&format!("`{symbol}` to close {what}"));
                }
                if p.is_declaration_line(p.pos, resource_body) {
                    return p.fail(&format!(
                        "`{symbol}` to close {what} before the next declaration"
                    ));
                }
                let item_start = p.pos;
                if let Err(Abort) = item(p) {
                    p.recover_item(item_start, &closer, resource_body)?;
                }
            })();
            p.list_closers.pop();
            result
        })
    }

    // ----- errors -----

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            span,
            message: message.into(),
        });
    }

    /// Where an error about the next token points: the token, or just the position of a line
    /// break or the end of the file.
    fn error_span(&self) -> Span {
        let token = self.peek();
        match token.kind {
            TokenKind::NewLine | TokenKind::Eof => token.span.start..token.span.start,
            _ => token.span.clone(),
        }
    }

    fn found(&self) -> String {
        let token = self.peek();
        match token.kind {
            TokenKind::Ident | TokenKind::Int => format!("`{}`", self.token_text(token)),
            ref kind => kind.describe().to_string(),
        }
    }

    /// Records "expected {what}, found ..." at the next token and fails.
    fn fail<T>(&mut self, what: &str) -> PResult<T> {
        let message = format!("expected {what}, found {}", self.found());
        let span = self.error_span();
        self.error(span, message);
        Err(Abort)
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> PResult<Token> {
        if self.at(&kind) {
            Ok(self.bump())
        } else {
            self.fail(what)
        }
    }

    fn expect_keyword(&mut self, word: &str, what: &str) -> PResult<Token> {
        if self.at_keyword(word) {
            Ok(self.bump())
        } else {
            self.fail(what)
        }
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        if self.at(&TokenKind::Ident) {
            let token = self.bump();
            Ok(Ident {
                name: self.token_text(&token).to_string(),
                span: token.span,
            })
        } else {
            self.fail(what)
        }
    }

    fn is_line_start(&self, index: usize) -> bool {
        index == 0 || self.tokens[index - 1].kind == TokenKind::NewLine
    }

    fn column(&self, offset: usize) -> usize {
        let line_start = self.text[..offset]
            .rfind(['\n', '\r'])
            .map_or(0, |at| at + 1);
        offset - line_start
    }

    fn is_keyword_at(&self, index: usize, words: &[&str]) -> bool {
        let token = &self.tokens[index];
        token.kind == TokenKind::Ident && words.contains(&self.token_text(token))
    }

    /// Whether the token at `index` starts a declaration line (error recovery resumes there).
    fn starts_declaration(&self, index: usize) -> bool {
        self.tokens[index].kind == TokenKind::At || self.is_keyword_at(index, &DECLARATION_KEYWORDS)
    }

    /// Whether the token at `index` begins something that can only be a declaration, never an
    /// item of an object or array literal: `param x`, `var x`, `targetScope =`, ...
    /// (`resource x` is a child resource inside a resource body).
    fn is_declaration_line(&self, index: usize, resource_body: bool) -> bool {
        if !self.is_line_start(index) || !self.is_keyword_at(index, &DECLARATION_KEYWORDS) {
            return false;
        }
        let keyword = self.token_text(&self.tokens[index]);
        if keyword == "resource" && resource_body {
            return false;
        }
        let next = &self.tokens[index + 1].kind;
        match keyword {
            "targetScope" => *next == TokenKind::Assign,
            "import" => matches!(
                next,
                TokenKind::LBrace | TokenKind::Star | TokenKind::String { .. }
            ),
            _ => matches!(next, TokenKind::Ident | TokenKind::String { .. }),
        }
    }

    /// After a failed declaration: skips to the next line that starts a declaration indented
    /// no deeper than the failed one (always moving past at least one token).
    fn recover_statement(&mut self, start_index: usize, column: usize) {
        if self.pos == start_index {
            self.pos += 1;
        }
        while self.pos < self.tokens.len() - 1 {
            let index = self.pos;
            if self.is_line_start(index)
                && self.starts_declaration(index)
                && self.column(self.tokens[index].span.start) <= column
            {
                return;
            }
            self.pos += 1;
        }
        self.pos = self.tokens.len() - 1;
    }

    /// After a failed item of an object, array, object type or tuple type: skips to the end
    /// of the item (a line break or `,` outside the brackets the item opened, or the list's
    /// closing bracket) and returns `Ok` to go on with the next item. Fails when the list
    /// cannot be continued: at the end of the file, at a bracket that closes an enclosing list,
    /// or at a line that can only be a declaration. A stray closing bracket is skipped.
    fn recover_item(
        &mut self,
        item_start: usize,
        closer: &TokenKind,
        resource_body: bool,
    ) -> PResult<()> {
        fn closing(kind: &TokenKind) -> Option<TokenKind> {
            match kind {
                TokenKind::LParen => Some(TokenKind::RParen),
                TokenKind::LBracket => Some(TokenKind::RBracket),
                TokenKind::LBrace => Some(TokenKind::RBrace),
                _ => None,
            }
        }
        fn is_closer(kind: &TokenKind) -> bool {
            matches!(
                kind,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace
            )
        }
        // The closing brackets the item still owes.
        let mut open: Vec<TokenKind> = Vec::new();
        for token in &self.tokens[item_start..self.pos] {
            if let Some(expected) = closing(&token.kind) {
                open.push(expected);
            } else if open.last() == Some(&token.kind) {
                open.pop();
            }
        }
        let enclosing = &self.list_closers[..self.list_closers.len().saturating_sub(1)];
        loop {
            let index = self.pos;
            let kind = &self.tokens[index].kind;
            if *kind == TokenKind::Eof {
                return Err(Abort);
            }
            if let Some(expected) = closing(kind) {
                open.push(expected);
            } else if is_closer(kind) {
                if open.last() == Some(kind) {
                    open.pop();
                } else if kind == closer {
                    return Ok(());
                } else if enclosing.contains(kind) {
                    return Err(Abort);
                }
            } else if open.is_empty() {
                match kind {
                    TokenKind::NewLine => return Ok(()),
                    TokenKind::Comma => {
                        self.pos += 1;
                        return Ok(());
                    }
                    _ => {}
                }
            }
            if self.is_declaration_line(index, resource_body) {
                return Err(Abort);
            }
            self.pos += 1;
        }
    }

    // ----- file and declarations -----

    fn file(&mut self) -> Vec<Statement> {
        let mut statements = Vec::new();
        loop {
            self.skip_newlines();
            if self.at(&TokenKind::Eof) {
                return statements;
            }
            let start_index = self.pos;
            let column = self.column(self.start());
            match self.statement() {
                Ok(statement) => {
                    statements.push(statement);
                    let next = &self.tokens[self.pos].kind;
                    if !matches!(next, TokenKind::NewLine | TokenKind::Eof) {
                        let message = format!(
                            "expected a line break after the declaration, found {}",
                            self.found()
                        );
                        let span = self.error_span();
                        self.error(span, message);
                        self.recover_statement(start_index, column);
                    }
                }
                Err(Abort) => self.recover_statement(start_index, column),
            }
        }
    }

    fn decorators(&mut self) -> PResult<Vec<Decorator>> {
        let mut decorators = Vec::new();
        while self.at(&TokenKind::At) {
            let start = self.start();
            self.bump();
            let mut expr = self.decorator_call(None, "a decorator name after `@`")?;
            while self.at(&TokenKind::Dot) {
                self.bump();
                expr = self.decorator_call(Some(expr), "a decorator name after `.`")?;
            }
            decorators.push(Decorator {
                expr,
                span: start..self.prev_end,
            });
            self.skip_newlines();
        }
        Ok(decorators)
    }

    /// `name` or `name(args)` in a decorator, after `base.` when there is a base.
    fn decorator_call(&mut self, base: Option<Expr>, what: &str) -> PResult<Expr> {
        let start = base.as_ref().map_or(self.start(), |base| base.span.start);
        let name = self.ident(what)?;
        let kind = if self.at(&TokenKind::LParen) {
            let args = self.call_args()?;
            ExprKind::Call {
                callee: base.map(Box::new),
                name,
                args,
            }
        } else if let Some(base) = base {
            ExprKind::Member {
                base: Box::new(base),
                name,
                safe: false,
            }
        } else {
            ExprKind::Ident(name.name)
        };
        Ok(Expr {
            kind,
            span: start..self.prev_end,
        })
    }

    fn statement(&mut self) -> PResult<Statement> {
        let start = self.start();
        let decorators = self.decorators()?;
        let keyword = if self.at(&TokenKind::Ident) {
            self.token_text(self.peek())
        } else {
            ""
        };
        let statement = match keyword {
            "targetScope" => {
                self.bump();
                self.expect(TokenKind::Assign, "`=` after `targetScope`")?;
                let value = self.expr()?;
                Statement::TargetScope(TargetScopeDecl {
                    decorators,
                    value,
                    span: start..self.prev_end,
                })
            }
            "metadata" => {
                self.bump();
                let name = self.ident("a metadata name after `metadata`")?;
                self.expect(TokenKind::Assign, "`=` after the metadata name")?;
                let value = self.expr()?;
                Statement::Metadata(MetadataDecl {
                    decorators,
                    name,
                    value,
                    span: start..self.prev_end,
                })
            }
            "param" => self.param(start, decorators)?,
            "var" => {
                self.bump();
                let name = self.ident("a variable name after `var`")?;
                let ty = if self.at(&TokenKind::Assign) {
                    None
                } else if self.starts_type() {
                    Some(self.type_expr()?)
                } else {
                    return self.fail("`=` after the variable name");
                };
                self.expect(TokenKind::Assign, "`=` after the variable type")?;
                let value = self.expr()?;
                Statement::Var(VarDecl {
                    decorators,
                    name,
                    ty,
                    value,
                    span: start..self.prev_end,
                })
            }
            "output" => {
                self.bump();
                let name = self.ident("an output name after `output`")?;
                if !self.starts_type() {
                    return self.fail("a type after the output name");
                }
                let ty = self.declared_type(true)?;
                self.expect(TokenKind::Assign, "`=` after the output type")?;
                let value = self.expr()?;
                Statement::Output(OutputDecl {
                    decorators,
                    name,
                    ty,
                    value,
                    span: start..self.prev_end,
                })
            }
            "resource" => Statement::Resource(self.resource(start, decorators)?),
            "module" => {
                self.bump();
                let name = self.ident("a module name after `module`")?;
                let path = self.string("the module path (a string) after the module name")?;
                self.expect(TokenKind::Assign, "`=` after the module path")?;
                let value = self.declaration_body(LoopBody::Module)?;
                Statement::Module(ModuleDecl {
                    decorators,
                    name,
                    path,
                    value,
                    span: start..self.prev_end,
                })
            }
            "test" => {
                self.bump();
                let name = self.ident("a test name after `test`")?;
                let path = self.string("the test file path (a string) after the test name")?;
                self.expect(TokenKind::Assign, "`=` after the test file path")?;
                if !self.at(&TokenKind::LBrace) {
                    return self.fail("`{` after `=`");
                }
                let value = self.object(false)?;
                Statement::Test(TestDecl {
                    decorators,
                    name,
                    path,
                    value,
                    span: start..self.prev_end,
                })
            }
            "type" => {
                self.bump();
                let name = self.ident("a type name after `type`")?;
                self.expect(TokenKind::Assign, "`=` after the type name")?;
                let value = self.type_expr()?;
                Statement::Type(TypeDecl {
                    decorators,
                    name,
                    value,
                    span: start..self.prev_end,
                })
            }
            "func" => {
                self.bump();
                let name = self.ident("a function name after `func`")?;
                if !self.at(&TokenKind::LParen) {
                    return self.fail("`(` after the function name");
                }
                let params = self.lambda_params(true)?;
                if !self.starts_type() {
                    return self.fail("the function's return type after its parameters");
                }
                let return_type = self.type_expr()?;
                self.expect(TokenKind::Arrow, "`=>` after the function's return type")?;
                let body = self.lambda_body()?;
                Statement::Func(FuncDecl {
                    decorators,
                    name,
                    params,
                    return_type,
                    body,
                    span: start..self.prev_end,
                })
            }
            "import" => {
                self.bump();
                if matches!(self.kind(), TokenKind::String { .. }) {
                    self.extension(start, decorators, ExtensionKeyword::Import)?
                } else {
                    self.import(start, decorators)?
                }
            }
            "extension" => {
                self.bump();
                self.extension(start, decorators, ExtensionKeyword::Extension)?
            }
            "provider" => {
                self.bump();
                self.extension(start, decorators, ExtensionKeyword::Provider)?
            }
            "extensionConfig" => {
                self.bump();
                let name = self.ident("an extension alias after `extensionConfig`")?;
                self.expect_keyword("with", "`with` after the extension alias")?;
                if !self.at(&TokenKind::LBrace) {
                    return self.fail("`{` after `with`");
                }
                let config = self.object(false)?;
                Statement::ExtensionConfig(ExtensionConfigDecl {
                    decorators,
                    name,
                    config,
                    span: start..self.prev_end,
                })
            }
            "assert" => {
                self.bump();
                let name = self.ident("an assertion name after `assert`")?;
                self.expect(TokenKind::Assign, "`=` after the assertion name")?;
                let value = self.expr()?;
                Statement::Assert(AssertDecl {
                    decorators,
                    name,
                    value,
                    span: start..self.prev_end,
                })
            }
            "using" => {
                self.bump();
                let path = if self.at_keyword("none") {
                    self.bump();
                    None
                } else {
                    Some(self.string("the template path (a string) or `none` after `using`")?)
                };
                let config = self.with_clause()?;
                Statement::Using(UsingDecl {
                    decorators,
                    path,
                    config,
                    span: start..self.prev_end,
                })
            }
            "extends" => {
                self.bump();
                let path =
                    self.string("the base parameters file path (a string) after `extends`")?;
                Statement::Extends(ExtendsDecl {
                    decorators,
                    path,
                    span: start..self.prev_end,
                })
            }
            _ if !decorators.is_empty() => {
                return self.fail("a declaration after the decorators");
            }
            _ => {
                return self.fail(
                    "a declaration (`param`, `var`, `resource`, `module`, `output`, `type`, `func`, `import`, ...)",
                );
            }
        };
        Ok(statement)
    }

    fn param(&mut self, start: usize, decorators: Vec<Decorator>) -> PResult<Statement> {
        self.bump();
        let name = self.ident("a parameter name after `param`")?;
        let (ty, value) = if self.eat(&TokenKind::Assign) {
            // bicepparam: `param name = value`
            (None, Some(self.expr()?))
        } else {
            if !self.starts_type() {
                return self.fail("a type or `=` after the parameter name");
            }
            let ty = self.declared_type(false)?;
            let value = match self.kind() {
                TokenKind::Assign => {
                    self.bump();
                    Some(self.expr()?)
                }
                TokenKind::NewLine | TokenKind::Eof => None,
                _ => return self.fail("`=` or a line break after the parameter type"),
            };
            (Some(ty), value)
        };
        Ok(Statement::Param(ParamDecl {
            decorators,
            name,
            ty,
            value,
            span: start..self.prev_end,
        }))
    }

    /// `resource name 'T@v' [existing] = body`, after its decorators.
    fn resource(&mut self, start: usize, decorators: Vec<Decorator>) -> PResult<ResourceDecl> {
        self.bump();
        let name = self.ident("a resource name after `resource`")?;
        let type_string = self.string("the resource type (a string) after the resource name")?;
        let existing = if self.at_keyword("existing") {
            self.bump();
            true
        } else {
            false
        };
        self.expect(TokenKind::Assign, "`=` after the resource type")?;
        let value = self.declaration_body(LoopBody::Resource)?;
        Ok(ResourceDecl {
            decorators,
            name,
            type_string,
            existing,
            value,
            span: start..self.prev_end,
        })
    }

    /// The value of a resource or module: `{...}`, `if (cond) {...}` or `[for ...: ...]`.
    fn declaration_body(&mut self, kind: LoopBody) -> PResult<Expr> {
        let next = self.peek_past_newlines();
        if next.kind == TokenKind::Ident && self.token_text(next) == "if" {
            self.skip_newlines();
        }
        let resource_body = kind == LoopBody::Resource;
        match self.kind() {
            TokenKind::LBrace => self.object(resource_body),
            TokenKind::LBracket => self.for_expr(kind),
            TokenKind::Ident if self.at_keyword("if") => self.if_expr(resource_body),
            _ => self.fail("`{`, `if` or `[for` after `=`"),
        }
    }

    /// `with { ... }`, if present.
    fn with_clause(&mut self) -> PResult<Option<Expr>> {
        if !self.at_keyword("with") {
            return Ok(None);
        }
        self.bump();
        if !self.at(&TokenKind::LBrace) {
            return self.fail("`{` after `with`");
        }
        Ok(Some(self.object(false)?))
    }

    fn extension(
        &mut self,
        start: usize,
        decorators: Vec<Decorator>,
        keyword: ExtensionKeyword,
    ) -> PResult<Statement> {
        let spec = if self.at(&TokenKind::Ident) {
            ExtensionSpec::Name(self.ident("an extension name")?)
        } else {
            ExtensionSpec::Reference(self.string("an extension name or reference")?)
        };
        let config = self.with_clause()?;
        let alias = if self.at_keyword("as") {
            self.bump();
            Some(self.ident("an alias after `as`")?)
        } else {
            None
        };
        Ok(Statement::Extension(ExtensionDecl {
            decorators,
            keyword,
            spec,
            config,
            alias,
            span: start..self.prev_end,
        }))
    }

    /// A compile-time import, after `import`.
    fn import(&mut self, start: usize, decorators: Vec<Decorator>) -> PResult<Statement> {
        let symbols = match self.kind() {
            TokenKind::Star => {
                self.bump();
                self.expect_keyword("as", "`as` after `import *`")?;
                let alias = self.ident("a namespace name after `as`")?;
                ImportSymbols::Wildcard { alias }
            }
            TokenKind::LBrace => self.with_newlines(false, |p| p.import_list())?,
            _ => return self.fail("`{`, `*` or a string after `import`"),
        };
        self.expect_keyword("from", "`from` after the imported symbols")?;
        let from = self.string("the path (a string) to import from")?;
        Ok(Statement::Import(ImportDecl {
            decorators,
            symbols,
            from,
            span: start..self.prev_end,
        }))
    }

    fn import_list(&mut self) -> PResult<ImportSymbols> {
        self.bump();
        let mut symbols = Vec::new();
        loop {
            self.skip_newlines();
            match self.kind() {
                TokenKind::RBrace => {
                    self.bump();
                    return Ok(ImportSymbols::List(symbols));
                }
                TokenKind::Eof => return self.fail("`}` to close the import list"),
                _ => {}
            }
            let start = self.start();
            let name = if matches!(self.kind(), TokenKind::String { .. }) {
                let string = self.string("an exported symbol name")?;
                let Some(name) = string.as_str() else {
                    self.error(
                        string.span,
                        "an imported name cannot be an interpolated string",
                    );
                    return Err(Abort);
                };
                Ident {
                    name,
                    span: string.span,
                }
            } else {
                self.ident("an exported symbol name")?
            };
            let alias = if self.at_keyword("as") {
                self.bump();
                Some(self.ident("an alias after `as`")?)
            } else {
                None
            };
            symbols.push(ImportedSymbol {
                name,
                alias,
                span: start..self.prev_end,
            });
            self.list_separator("the imported symbol", &TokenKind::RBrace)?;
        }
    }

    /// After an item of a `{...}` or `[...]` list: a `,`, a line break, or the closer must
    /// follow. Consumes the `,`.
    fn list_separator(&mut self, item: &str, closer: &TokenKind) -> PResult<()> {
        match &self.tokens[self.pos].kind {
            TokenKind::Comma => {
                self.pos += 1;
                self.prev_end = self.tokens[self.pos - 1].span.end;
                Ok(())
            }
            TokenKind::NewLine => Ok(()),
            kind if kind == closer => Ok(()),
            _ => self.fail(&format!("a line break or `,` after {item}")),
        }
    }

    // ----- expressions -----
    //
    // The functions that recursion passes through (expr, ternary, binary, unary, postfix,
    // primary, paren, object, array ...) keep few locals, and the work of each syntax form is in
    // its own function: this keeps the stack used per nesting level small, also in debug builds.

    /// Enters one nesting level, or fails past [`MAX_DEPTH`] (or when the stack budget runs
    /// out). Pair with `self.depth -= 1`.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return self.too_deep();
        }
        if self.stack_start.saturating_sub(stack_address()) > self.stack_budget {
            self.stack_exhausted = true;
            return self.too_deep();
        }
        self.depth += 1;
        Ok(())
    }

    fn too_deep<T>(&mut self) -> PResult<T> {
        let span = self.error_span();
        self.error(
            span,
            format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"),
        );
        Err(Abort)
    }

    /// Checks the depth of a node that a chain of operators (`a + b + c`, `a.b.c`,
    /// `T[][]`) builds without recursing: such a chain may make a tree deeper than the
    /// recursion that built it.
    fn check_tree_depth(&mut self, depth: usize, at: Span) -> PResult<()> {
        if depth > MAX_DEPTH {
            self.error(
                at,
                format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"),
            );
            return Err(Abort);
        }
        Ok(())
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let result = self.ternary();
        self.depth -= 1;
        result
    }

    /// `expr` with line breaks significant (`false`) or not (`true`).
    fn expr_in_mode(&mut self, newlines_ignored: bool) -> PResult<Expr> {
        let saved = self.newlines_ignored;
        self.newlines_ignored = newlines_ignored;
        let result = self.expr();
        self.newlines_ignored = saved;
        result
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let cond = self.binary(0)?;
        if self.peek_past_newlines().kind == TokenKind::Question {
            self.ternary_rest(cond)
        } else {
            Ok(cond)
        }
    }

    fn ternary_rest(&mut self, cond: Expr) -> PResult<Expr> {
        self.skip_newlines();
        self.bump();
        self.skip_newlines();
        let then = self.expr()?;
        if self.peek_past_newlines().kind != TokenKind::Colon {
            return self.fail("`:` in the conditional expression");
        }
        self.skip_newlines();
        self.bump();
        self.skip_newlines();
        let otherwise = self.expr()?;
        let span = cond.span.start..self.prev_end;
        Ok(Expr {
            kind: ExprKind::Ternary {
                cond: Box::new(cond),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            span,
        })
    }

    fn binary_op(&self) -> Option<BinaryOp> {
        Some(match self.kind() {
            TokenKind::Star => BinaryOp::Mul,
            TokenKind::Slash => BinaryOp::Div,
            TokenKind::Percent => BinaryOp::Mod,
            TokenKind::Plus => BinaryOp::Add,
            TokenKind::Minus => BinaryOp::Sub,
            TokenKind::Less => BinaryOp::Less,
            TokenKind::LessEq => BinaryOp::LessEq,
            TokenKind::Greater => BinaryOp::Greater,
            TokenKind::GreaterEq => BinaryOp::GreaterEq,
            TokenKind::EqEq => BinaryOp::Eq,
            TokenKind::NotEq => BinaryOp::NotEq,
            TokenKind::EqInsensitive => BinaryOp::EqInsensitive,
            TokenKind::NotEqInsensitive => BinaryOp::NotEqInsensitive,
            TokenKind::AndAnd => BinaryOp::And,
            TokenKind::OrOr => BinaryOp::Or,
            TokenKind::DoubleQuestion => BinaryOp::Coalesce,
            _ => return None,
        })
    }

    /// Binary operators binding tighter than `min_precedence` (precedence climbing; all are
    /// left-associative).
    fn binary(&mut self, min_precedence: u8) -> PResult<Expr> {
        let left = self.unary()?;
        match self.binary_op() {
            Some(op) if op.precedence() > min_precedence => self.binary_chain(left, min_precedence),
            _ => Ok(left),
        }
    }

    fn binary_chain(&mut self, mut left: Expr, min_precedence: u8) -> PResult<Expr> {
        let mut depth = expr_depth(&left);
        while let Some(op) = self.binary_op() {
            if op.precedence() <= min_precedence {
                break;
            }
            let op_span = self.peek().span.clone();
            self.bump();
            self.skip_newlines();
            let right = self.binary(op.precedence())?;
            depth = 1 + depth.max(expr_depth(&right));
            self.check_tree_depth(depth, op_span)?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                span,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        match self.kind() {
            TokenKind::Bang => self.prefix(UnaryOp::Not),
            TokenKind::Minus => self.prefix(UnaryOp::Minus),
            _ => self.postfix(),
        }
    }

    /// `!operand`, `-operand`; `-` before an integer literal gives a negative literal.
    fn prefix(&mut self, op: UnaryOp) -> PResult<Expr> {
        let start = self.start();
        self.bump();
        self.enter()?;
        let operand = self.unary();
        self.depth -= 1;
        let operand = operand?;
        let span = start..operand.span.end;
        let kind = match (op, &operand.kind) {
            (UnaryOp::Minus, ExprKind::Int(value)) if value.checked_neg().is_some() => {
                ExprKind::Int(-value)
            }
            _ => ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        };
        Ok(Expr { kind, span })
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let expr = self.primary()?;
        match self.kind() {
            TokenKind::Dot | TokenKind::LBracket | TokenKind::DoubleColon | TokenKind::Bang => {
                self.postfix_chain(expr)
            }
            _ => Ok(expr),
        }
    }

    fn postfix_chain(&mut self, mut expr: Expr) -> PResult<Expr> {
        let mut depth = expr_depth(&expr);
        loop {
            let at = self.peek().span.clone();
            expr = match self.kind() {
                TokenKind::Dot => self.member(expr)?,
                TokenKind::LBracket => self.index(expr)?,
                TokenKind::DoubleColon => self.resource_access(expr)?,
                TokenKind::Bang => {
                    self.bump();
                    let span = expr.span.start..self.prev_end;
                    Expr {
                        kind: ExprKind::NonNull(Box::new(expr)),
                        span,
                    }
                }
                _ => return Ok(expr),
            };
            // The new node's other children (an index, call arguments) were parsed by
            // recursion; only they and the chain so far add depth.
            let others = match &expr.kind {
                ExprKind::Index { index, .. } => expr_depth(index),
                ExprKind::Call { args, .. } => args.iter().map(expr_depth).max().unwrap_or(0),
                _ => 0,
            };
            depth = 1 + depth.max(others);
            self.check_tree_depth(depth, at)?;
        }
    }

    /// `.name`, `.?name` or `.name(args)` after `base`.
    fn member(&mut self, base: Expr) -> PResult<Expr> {
        self.bump();
        let safe = self.eat(&TokenKind::Question);
        let name = self.ident("a property or function name after `.`")?;
        let start = base.span.start;
        let kind = if self.at(&TokenKind::LParen) {
            if safe {
                self.error(name.span.clone(), "`.?` cannot be used to call a function");
            }
            let args = self.call_args()?;
            ExprKind::Call {
                callee: Some(Box::new(base)),
                name,
                args,
            }
        } else {
            ExprKind::Member {
                base: Box::new(base),
                name,
                safe,
            }
        };
        Ok(Expr {
            kind,
            span: start..self.prev_end,
        })
    }

    /// `[index]`, `[?index]`, `[^index]` after `base`.
    fn index(&mut self, base: Expr) -> PResult<Expr> {
        self.bump();
        let saved = self.newlines_ignored;
        self.newlines_ignored = true;
        let result = self.index_inner();
        self.newlines_ignored = saved;
        let (index, safe, from_end) = result?;
        let span = base.span.start..self.prev_end;
        Ok(Expr {
            kind: ExprKind::Index {
                base: Box::new(base),
                index: Box::new(index),
                safe,
                from_end,
            },
            span,
        })
    }

    fn index_inner(&mut self) -> PResult<(Expr, bool, bool)> {
        let safe = self.eat(&TokenKind::Question);
        let from_end = self.eat(&TokenKind::Hat);
        if self.at(&TokenKind::RBracket) {
            return self.fail("an index expression");
        }
        let index = self.expr()?;
        self.expect(TokenKind::RBracket, "`]` after the index")?;
        Ok((index, safe, from_end))
    }

    fn resource_access(&mut self, base: Expr) -> PResult<Expr> {
        self.bump();
        let name = self.ident("a child resource name after `::`")?;
        let span = base.span.start..self.prev_end;
        Ok(Expr {
            kind: ExprKind::ResourceAccess {
                base: Box::new(base),
                name,
            },
            span,
        })
    }

    /// `(args)`; line breaks are insignificant inside.
    fn call_args(&mut self) -> PResult<Vec<Expr>> {
        self.bump();
        let saved = self.newlines_ignored;
        self.newlines_ignored = true;
        let mut args = Vec::new();
        let result = self.call_args_inner(&mut args);
        self.newlines_ignored = saved;
        result.map(|()| args)
    }

    fn call_args_inner(&mut self, args: &mut Vec<Expr>) -> PResult<()> {
        loop {
            if self.eat(&TokenKind::RParen) {
                return Ok(());
            }
            args.push(self.expr()?);
            match self.kind() {
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::RParen => {}
                _ => return self.fail("`,` or `)` after the argument"),
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        match self.kind() {
            TokenKind::Int => self.int_literal(),
            TokenKind::String { .. } => self.string("a string"),
            TokenKind::LBrace => self.object(false),
            TokenKind::LBracket => self.array_or_for(),
            TokenKind::LParen => self.paren_or_lambda(),
            TokenKind::Ident => self.name_expr(),
            _ => self.fail("an expression"),
        }
    }

    fn int_literal(&mut self) -> PResult<Expr> {
        let token = self.bump();
        match self.token_text(&token).parse::<i64>() {
            Ok(value) => Ok(Expr {
                kind: ExprKind::Int(value),
                span: token.span,
            }),
            Err(_) => {
                self.error(
                    token.span,
                    "the integer is too large (the limit is 2^63 - 1)",
                );
                Err(Abort)
            }
        }
    }

    fn array_or_for(&mut self) -> PResult<Expr> {
        let mut after = self.index_ahead(1);
        while self.tokens[after].kind == TokenKind::NewLine {
            after += 1;
        }
        if self.is_keyword_at(after, &["for"]) {
            self.for_expr(LoopBody::Expression)
        } else {
            self.array()
        }
    }

    /// A name: a literal keyword, a variable, a call `name(args)` or a lambda `name => body`.
    fn name_expr(&mut self) -> PResult<Expr> {
        let token = self.peek();
        let span = token.span.clone();
        let kind = match self.token_text(token) {
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            _ if *self.nth_kind(1) == TokenKind::Arrow => return self.single_param_lambda(),
            _ if *self.nth_kind(1) == TokenKind::LParen => return self.call(),
            name => ExprKind::Ident(name.to_string()),
        };
        self.bump();
        Ok(Expr { kind, span })
    }

    fn call(&mut self) -> PResult<Expr> {
        let name = self.ident("a function name")?;
        let start = name.span.start;
        let args = self.call_args()?;
        Ok(Expr {
            kind: ExprKind::Call {
                callee: None,
                name,
                args,
            },
            span: start..self.prev_end,
        })
    }

    fn single_param_lambda(&mut self) -> PResult<Expr> {
        let name = self.ident("a parameter name")?;
        self.bump();
        let start = name.span.start;
        let params = vec![LambdaParam {
            span: name.span.clone(),
            name,
            ty: None,
        }];
        let body = self.lambda_body()?;
        Ok(Expr {
            kind: ExprKind::Lambda {
                params,
                body: Box::new(body),
            },
            span: start..self.prev_end,
        })
    }

    /// A string literal, with the expressions of its holes.
    fn string(&mut self, what: &str) -> PResult<Expr> {
        if !matches!(
            self.kind(),
            TokenKind::String {
                piece: StringPiece::Complete | StringPiece::Left,
                ..
            }
        ) {
            return self.fail(what);
        }
        let start = self.start();
        let mut parts = Vec::new();
        let mut token = self.bump();
        loop {
            let TokenKind::String { piece, value } = token.kind else {
                unreachable!("only string tokens get here");
            };
            if !value.is_empty() {
                parts.push(StringPart::Literal(value));
            }
            if matches!(piece, StringPiece::Complete | StringPiece::Right) {
                break;
            }
            parts.push(StringPart::Interp(self.expr_in_mode(false)?));
            match self.kind() {
                TokenKind::String {
                    piece: StringPiece::Middle | StringPiece::Right,
                    ..
                } => token = self.bump(),
                _ => return self.fail("`}` to close the `${` of the string"),
            }
        }
        Ok(Expr {
            kind: ExprKind::String { parts },
            span: start..self.prev_end,
        })
    }

    /// Whether the token after the `(` at the current position and its `)` is `=>`.
    fn paren_is_lambda(&self) -> bool {
        let open = self.index_ahead(0);
        self.closing[open].is_some_and(|close| {
            let mut after = close + 1;
            if self.newlines_ignored {
                while self.tokens[after].kind == TokenKind::NewLine {
                    after += 1;
                }
            }
            self.tokens[after].kind == TokenKind::Arrow
        })
    }

    fn paren_or_lambda(&mut self) -> PResult<Expr> {
        if self.paren_is_lambda() {
            self.lambda()
        } else {
            self.paren()
        }
    }

    fn paren(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.bump();
        let saved = self.newlines_ignored;
        self.newlines_ignored = true;
        let inner = self.paren_inner();
        self.newlines_ignored = saved;
        Ok(Expr {
            kind: ExprKind::Paren(Box::new(inner?)),
            span: start..self.prev_end,
        })
    }

    fn paren_inner(&mut self) -> PResult<Expr> {
        let inner = self.expr()?;
        self.expect(TokenKind::RParen, "`)` to close the parenthesis")?;
        Ok(inner)
    }

    /// `(params) => body`
    fn lambda(&mut self) -> PResult<Expr> {
        let start = self.start();
        let params = self.lambda_params(false)?;
        self.expect(TokenKind::Arrow, "`=>` after the lambda parameters")?;
        let body = self.lambda_body()?;
        Ok(Expr {
            kind: ExprKind::Lambda {
                params,
                body: Box::new(body),
            },
            span: start..self.prev_end,
        })
    }

    /// `(a, b)` or `(a string, b int)`; `typed` requires the types (function declarations).
    fn lambda_params(&mut self, typed: bool) -> PResult<Vec<LambdaParam>> {
        self.bump();
        self.with_newlines(true, |p| {
            let mut params = Vec::new();
            loop {
                if p.eat(&TokenKind::RParen) {
                    return Ok(params);
                }
                let name = p.ident("a parameter name")?;
                let ty = if matches!(p.kind(), TokenKind::Comma | TokenKind::RParen) {
                    if typed {
                        return p.fail("a type after the parameter name");
                    }
                    None
                } else {
                    Some(p.type_expr()?)
                };
                let span = name.span.start..p.prev_end;
                params.push(LambdaParam { name, ty, span });
                match p.kind() {
                    TokenKind::Comma => {
                        p.bump();
                    }
                    TokenKind::RParen => {}
                    _ => return p.fail("`,` or `)` after the parameter"),
                }
            }
        })
    }

    /// The body after `=>`, which may start on the next line (unless that line is a
    /// declaration).
    fn lambda_body(&mut self) -> PResult<Expr> {
        let next = self.peek_past_newlines();
        let is_declaration =
            next.kind == TokenKind::Ident && DECLARATION_KEYWORDS.contains(&self.token_text(next));
        if !is_declaration {
            self.skip_newlines();
        }
        self.expr()
    }

    fn array(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.bump();
        let mut items = Vec::new();
        self.list_items(TokenKind::RBracket, "the array", false, |p| {
            items.push(p.array_item()?);
            Ok(())
        })?;
        Ok(Expr {
            kind: ExprKind::Array(items),
            span: start..self.prev_end,
        })
    }

    /// One array item and the separator after it.
    fn array_item(&mut self) -> PResult<ArrayItem> {
        let item = if self.at(&TokenKind::Ellipsis) {
            let start = self.start();
            self.bump();
            let expr = self.expr()?;
            ArrayItem::Spread {
                expr,
                span: start..self.prev_end,
            }
        } else {
            ArrayItem::Value(self.expr()?)
        };
        self.list_separator("the array item", &TokenKind::RBracket)?;
        Ok(item)
    }

    /// An object literal; `resource_body` allows child resource declarations in it.
    fn object(&mut self, resource_body: bool) -> PResult<Expr> {
        let start = self.start();
        self.bump();
        let mut items = Vec::new();
        self.list_items(TokenKind::RBrace, "the object", resource_body, |p| {
            items.push(p.object_item(resource_body)?);
            Ok(())
        })?;
        Ok(Expr {
            kind: ExprKind::Object(ObjectLit { items }),
            span: start..self.prev_end,
        })
    }

    /// One object item and the separator after it.
    fn object_item(&mut self, resource_body: bool) -> PResult<ObjectItem> {
        let start = self.start();
        let decorators = self.decorators()?;
        let item = if resource_body
            && self.at_keyword("resource")
            && *self.nth_kind(1) == TokenKind::Ident
        {
            self.child_resource(start, decorators)?
        } else if self.at(&TokenKind::Ellipsis) {
            self.object_spread(start, decorators)?
        } else {
            self.property(start, decorators)?
        };
        self.list_separator("the property", &TokenKind::RBrace)?;
        Ok(item)
    }

    fn child_resource(&mut self, start: usize, decorators: Vec<Decorator>) -> PResult<ObjectItem> {
        self.enter()?;
        let resource = self.resource(start, decorators);
        self.depth -= 1;
        Ok(ObjectItem::Resource(Box::new(resource?)))
    }

    fn object_spread(&mut self, start: usize, decorators: Vec<Decorator>) -> PResult<ObjectItem> {
        if !decorators.is_empty() {
            return self.fail("a property after the decorators");
        }
        self.bump();
        let expr = self.expr()?;
        Ok(ObjectItem::Spread {
            expr,
            span: start..self.prev_end,
        })
    }

    fn property(&mut self, start: usize, decorators: Vec<Decorator>) -> PResult<ObjectItem> {
        let key = self.key()?;
        self.expect(TokenKind::Colon, "`:` after the property name")?;
        let value = self.expr()?;
        Ok(ObjectItem::Property(Property {
            decorators,
            key,
            value,
            span: start..self.prev_end,
        }))
    }

    fn key(&mut self) -> PResult<Key> {
        match self.kind() {
            TokenKind::Ident => Ok(Key::Ident(self.ident("a property name")?)),
            TokenKind::String { .. } => Ok(Key::String(self.string("a property name")?)),
            _ => self.fail("a property name"),
        }
    }

    /// `[for item in iterable: body]`, `[for (item, index) in iterable: body]`.
    fn for_expr(&mut self, body_kind: LoopBody) -> PResult<Expr> {
        let start = self.start();
        self.expect(TokenKind::LBracket, "`[for` after `=`")?;
        let saved = self.newlines_ignored;
        self.newlines_ignored = false;
        let result = self.for_rest(start, body_kind);
        self.newlines_ignored = saved;
        result
    }

    fn for_rest(&mut self, start: usize, body_kind: LoopBody) -> PResult<Expr> {
        self.skip_newlines();
        self.expect_keyword("for", "`for` after `[`")?;
        self.newlines_ignored = true;
        let header = self.for_header();
        self.newlines_ignored = false;
        let (item, index, iterable) = header?;
        self.skip_newlines();
        let body = self.for_body(body_kind)?;
        self.skip_newlines();
        self.expect(TokenKind::RBracket, "`]` to close the `for` expression")?;
        Ok(Expr {
            kind: ExprKind::For {
                item,
                index,
                iterable: Box::new(iterable),
                body: Box::new(body),
            },
            span: start..self.prev_end,
        })
    }

    /// `item in iterable:` or `(item, index) in iterable:`
    fn for_header(&mut self) -> PResult<(Ident, Option<Ident>, Expr)> {
        let (item, index) = if self.eat(&TokenKind::LParen) {
            let item = self.ident("the loop's item variable")?;
            let index = if self.eat(&TokenKind::Comma) {
                Some(self.ident("the loop's index variable after `,`")?)
            } else {
                None
            };
            self.expect(TokenKind::RParen, "`)` after the loop variables")?;
            (item, index)
        } else {
            (self.ident("a loop variable after `for`")?, None)
        };
        self.expect_keyword("in", "`in` after the loop variable")?;
        let iterable = self.expr()?;
        self.expect(TokenKind::Colon, "`:` after the loop's iterable")?;
        Ok((item, index, iterable))
    }

    fn for_body(&mut self, body_kind: LoopBody) -> PResult<Expr> {
        match body_kind {
            LoopBody::Expression if self.at_keyword("if") && self.if_follows() => {
                self.if_expr(false)
            }
            LoopBody::Expression => self.expr(),
            LoopBody::Module | LoopBody::Resource => {
                let resource_body = body_kind == LoopBody::Resource;
                match self.kind() {
                    TokenKind::LBrace => self.object(resource_body),
                    TokenKind::Ident if self.at_keyword("if") => self.if_expr(resource_body),
                    _ => self.fail("`{` or `if` for the loop body"),
                }
            }
        }
    }

    /// At `if`: whether `if (...) {` follows (a condition, not a call of a function `if`).
    fn if_follows(&self) -> bool {
        let open = self.index_ahead(1);
        self.tokens[open].kind == TokenKind::LParen
            && self.closing[open].is_some_and(|close| {
                let mut after = close + 1;
                while self.tokens[after].kind == TokenKind::NewLine {
                    after += 1;
                }
                self.tokens[after].kind == TokenKind::LBrace
            })
    }

    /// `if (cond) { ... }`
    fn if_expr(&mut self, resource_body: bool) -> PResult<Expr> {
        let start = self.start();
        self.bump();
        if !self.at(&TokenKind::LParen) {
            return self.fail("`(` after `if`");
        }
        self.bump();
        let saved = self.newlines_ignored;
        self.newlines_ignored = true;
        let cond = self.if_condition();
        self.newlines_ignored = saved;
        let cond = cond?;
        if self.peek_past_newlines().kind == TokenKind::LBrace {
            self.skip_newlines();
        }
        if !self.at(&TokenKind::LBrace) {
            return self.fail("`{` after the condition");
        }
        let body = self.object(resource_body)?;
        Ok(Expr {
            kind: ExprKind::If {
                cond: Box::new(cond),
                body: Box::new(body),
            },
            span: start..self.prev_end,
        })
    }

    fn if_condition(&mut self) -> PResult<Expr> {
        let cond = self.expr()?;
        self.expect(TokenKind::RParen, "`)` after the condition")?;
        Ok(cond)
    }

    // ----- types -----

    /// Whether the next token can start a type.
    fn starts_type(&self) -> bool {
        matches!(
            self.kind(),
            TokenKind::Ident
                | TokenKind::String { .. }
                | TokenKind::Int
                | TokenKind::LBrace
                | TokenKind::LBracket
                | TokenKind::LParen
                | TokenKind::Pipe
                | TokenKind::Minus
                | TokenKind::Bang
        ) || (*self.kind() == TokenKind::NewLine && *self.nth_kind(1) == TokenKind::Pipe)
    }

    /// The type of a parameter or output: a type expression or `resource 'T@v'` (outputs may
    /// leave out the type string).
    fn declared_type(&mut self, optional_resource_type: bool) -> PResult<Type> {
        if self.at_keyword("resource") && *self.nth_kind(1) != TokenKind::Less {
            let start = self.start();
            self.bump();
            let type_string = if matches!(self.kind(), TokenKind::String { .. }) {
                Some(Box::new(self.string("the resource type")?))
            } else if optional_resource_type {
                None
            } else {
                return self.fail("the resource type (a string) after `resource`");
            };
            return Ok(Type {
                kind: TypeKind::Resource { type_string },
                span: start..self.prev_end,
            });
        }
        self.type_expr()
    }

    fn type_expr(&mut self) -> PResult<Type> {
        self.enter()?;
        let result = self.union_type();
        self.depth -= 1;
        result
    }

    fn at_union_separator(&self) -> bool {
        self.at(&TokenKind::Pipe)
            || (self.tokens[self.pos].kind == TokenKind::NewLine
                && self.tokens[self.pos + 1].kind == TokenKind::Pipe)
    }

    fn union_type(&mut self) -> PResult<Type> {
        if self.at_union_separator() {
            self.skip_newlines();
        }
        let start = self.start();
        let leading_pipe = self.eat(&TokenKind::Pipe);
        let first = self.unary_type()?;
        if !leading_pipe && !self.at_union_separator() {
            return Ok(first);
        }
        self.union_rest(start, first)
    }

    fn union_rest(&mut self, start: usize, first: Type) -> PResult<Type> {
        let mut members = vec![first];
        while self.at_union_separator() {
            self.skip_newlines();
            self.bump();
            if self.tokens[self.pos].kind == TokenKind::NewLine {
                return self.fail("a type after `|`");
            }
            members.push(self.unary_type()?);
        }
        Ok(Type {
            kind: TypeKind::Union(members),
            span: start..self.prev_end,
        })
    }

    fn unary_type(&mut self) -> PResult<Type> {
        let mut ty = match self.kind() {
            TokenKind::Minus => self.prefix_type(UnaryOp::Minus)?,
            TokenKind::Bang => self.prefix_type(UnaryOp::Not)?,
            _ => self.member_type()?,
        };
        if !matches!(self.kind(), TokenKind::Question | TokenKind::Bang) {
            return Ok(ty);
        }
        let mut depth = type_depth(&ty);
        loop {
            let at = self.peek().span.clone();
            let nullable = match self.kind() {
                TokenKind::Question => true,
                TokenKind::Bang => false,
                _ => return Ok(ty),
            };
            self.bump();
            depth += 1;
            self.check_tree_depth(depth, at)?;
            let span = ty.span.start..self.prev_end;
            let inner = Box::new(ty);
            ty = Type {
                kind: if nullable {
                    TypeKind::Nullable(inner)
                } else {
                    TypeKind::NonNullable(inner)
                },
                span,
            };
        }
    }

    fn prefix_type(&mut self, op: UnaryOp) -> PResult<Type> {
        let start = self.start();
        self.bump();
        let operand = self.member_type()?;
        let kind = match (op, &operand.kind) {
            (UnaryOp::Minus, TypeKind::Literal(TypeLiteral::Int(value)))
                if value.checked_neg().is_some() =>
            {
                TypeKind::Literal(TypeLiteral::Int(-value))
            }
            _ => TypeKind::Unary {
                op,
                operand: Box::new(operand),
            },
        };
        Ok(Type {
            kind,
            span: start..self.prev_end,
        })
    }

    fn member_type(&mut self) -> PResult<Type> {
        let ty = self.primary_type()?;
        if !matches!(self.kind(), TokenKind::LBracket | TokenKind::Dot) {
            return Ok(ty);
        }
        self.member_type_chain(ty)
    }

    fn member_type_chain(&mut self, mut ty: Type) -> PResult<Type> {
        let mut depth = type_depth(&ty);
        loop {
            let at = self.peek().span.clone();
            ty = match self.kind() {
                TokenKind::LBracket => self.index_type(ty)?,
                TokenKind::Dot => self.property_type(ty)?,
                _ => return Ok(ty),
            };
            let others = match &ty.kind {
                TypeKind::Index { index, .. } => expr_depth(index),
                TypeKind::Parameterized { args, .. } => {
                    args.iter().map(type_depth).max().unwrap_or(0)
                }
                _ => 0,
            };
            depth = 1 + depth.max(others);
            self.check_tree_depth(depth, at)?;
        }
    }

    /// `T[]`, `T[*]` or `T[index]`.
    fn index_type(&mut self, base: Type) -> PResult<Type> {
        self.bump();
        let start = base.span.start;
        let kind = if self.eat(&TokenKind::RBracket) {
            TypeKind::Array(Box::new(base))
        } else if self.eat(&TokenKind::Star) {
            self.expect(TokenKind::RBracket, "`]` after `[*`")?;
            TypeKind::Items(Box::new(base))
        } else {
            let saved = self.newlines_ignored;
            self.newlines_ignored = true;
            let index = self.index_inner();
            self.newlines_ignored = saved;
            let (index, safe, from_end) = index?;
            if safe || from_end {
                self.error(index.span.clone(), "`?` and `^` cannot index a type");
            }
            TypeKind::Index {
                base: Box::new(base),
                index: Box::new(index),
            }
        };
        Ok(Type {
            kind,
            span: start..self.prev_end,
        })
    }

    /// `T.*`, `T.name` or `T.name<args>`.
    fn property_type(&mut self, base: Type) -> PResult<Type> {
        self.bump();
        let start = base.span.start;
        let kind = if self.eat(&TokenKind::Star) {
            TypeKind::AdditionalProperties(Box::new(base))
        } else {
            let name = self.ident("a property name after `.`")?;
            if self.at(&TokenKind::Less) {
                let args = self.type_args()?;
                Self::parameterized(Some(base), name, args)
            } else if let TypeKind::ResourceDerived {
                kind,
                type_string,
                type_string_span,
                mut path,
            } = base.kind
            {
                path.push(name);
                TypeKind::ResourceDerived {
                    kind,
                    type_string,
                    type_string_span,
                    path,
                }
            } else {
                TypeKind::Property {
                    base: Box::new(base),
                    name,
                }
            }
        };
        Ok(Type {
            kind,
            span: start..self.prev_end,
        })
    }

    /// `name<args>`, recognising `resourceInput<'T@v'>` and `resourceOutput<'T@v'>` (also as
    /// `sys.resourceInput<...>`).
    fn parameterized(base: Option<Type>, name: Ident, args: Vec<Type>) -> TypeKind {
        let kind = match name.name.as_str() {
            "resourceInput" => Some(ResourceDerivedKind::Input),
            "resourceOutput" => Some(ResourceDerivedKind::Output),
            _ => None,
        };
        let plain_base = match &base {
            None => true,
            Some(Type {
                kind: TypeKind::Ident(namespace),
                ..
            }) => namespace.name == "sys",
            Some(_) => false,
        };
        if let (Some(kind), true, [arg]) = (kind, plain_base, args.as_slice())
            && let TypeKind::Literal(TypeLiteral::String(type_string)) = &arg.kind
        {
            return TypeKind::ResourceDerived {
                kind,
                type_string: type_string.clone(),
                type_string_span: arg.span.clone(),
                path: Vec::new(),
            };
        }
        TypeKind::Parameterized {
            base: base.map(Box::new),
            name,
            args,
        }
    }

    /// `<T, ...>`
    fn type_args(&mut self) -> PResult<Vec<Type>> {
        self.bump();
        self.with_newlines(true, |p| {
            let mut args = Vec::new();
            loop {
                if p.eat(&TokenKind::Greater) {
                    return Ok(args);
                }
                args.push(p.type_expr()?);
                match p.kind() {
                    TokenKind::Comma => {
                        p.bump();
                    }
                    TokenKind::Greater => {}
                    _ => return p.fail("`,` or `>` after the type argument"),
                }
            }
        })
    }

    fn primary_type(&mut self) -> PResult<Type> {
        match self.kind() {
            TokenKind::Int => {
                let literal = self.int_literal()?;
                let ExprKind::Int(value) = literal.kind else {
                    unreachable!("int_literal returns an integer");
                };
                Ok(Type {
                    kind: TypeKind::Literal(TypeLiteral::Int(value)),
                    span: literal.span,
                })
            }
            TokenKind::String { .. } => self.string_type(),
            TokenKind::LBrace => self.object_type(),
            TokenKind::LBracket => self.tuple_type(),
            TokenKind::LParen => self.paren_type(),
            TokenKind::Ident => self.named_type(),
            _ => self.fail("a type"),
        }
    }

    fn string_type(&mut self) -> PResult<Type> {
        let string = self.string("a type")?;
        let Some(value) = string.as_str() else {
            self.error(
                string.span,
                "a string type cannot use interpolation (`${...}`)",
            );
            return Err(Abort);
        };
        Ok(Type {
            kind: TypeKind::Literal(TypeLiteral::String(value)),
            span: string.span,
        })
    }

    fn paren_type(&mut self) -> PResult<Type> {
        let start = self.start();
        self.bump();
        let saved = self.newlines_ignored;
        self.newlines_ignored = true;
        let inner = self.paren_type_inner();
        self.newlines_ignored = saved;
        Ok(Type {
            kind: TypeKind::Paren(Box::new(inner?)),
            span: start..self.prev_end,
        })
    }

    fn paren_type_inner(&mut self) -> PResult<Type> {
        let inner = self.type_expr()?;
        self.expect(TokenKind::RParen, "`)` to close the parenthesis")?;
        Ok(inner)
    }

    fn named_type(&mut self) -> PResult<Type> {
        let name = self.ident("a type")?;
        let start = name.span.start;
        let kind = match name.name.as_str() {
            "true" | "false" => TypeKind::Literal(TypeLiteral::Bool(name.name == "true")),
            "null" => TypeKind::Literal(TypeLiteral::Null),
            _ if self.at(&TokenKind::Less) => {
                let args = self.type_args()?;
                Self::parameterized(None, name, args)
            }
            _ => TypeKind::Ident(name),
        };
        Ok(Type {
            kind,
            span: start..self.prev_end,
        })
    }

    fn object_type(&mut self) -> PResult<Type> {
        let start = self.start();
        self.bump();
        let mut properties = Vec::new();
        let mut additional = None;
        self.list_items(TokenKind::RBrace, "the object type", false, |p| {
            match p.object_type_property()? {
                Ok(property) => properties.push(property),
                Err(rest) => additional = Some(Box::new(rest)),
            }
            Ok(())
        })?;
        Ok(Type {
            kind: TypeKind::Object {
                properties,
                additional,
            },
            span: start..self.prev_end,
        })
    }

    /// A property of an object type, or (`Err`) its `*: T` additional-properties type, and the
    /// separator after it.
    fn object_type_property(
        &mut self,
    ) -> PResult<Result<ObjectTypeProperty, AdditionalPropertiesType>> {
        let start = self.start();
        let decorators = self.decorators()?;
        let item = if self.eat(&TokenKind::Star) {
            self.expect(TokenKind::Colon, "`:` after `*`")?;
            let ty = self.type_expr()?;
            Err(AdditionalPropertiesType {
                decorators,
                ty,
                span: start..self.prev_end,
            })
        } else {
            let key = self.key()?;
            let optional = self.eat(&TokenKind::Question);
            self.expect(TokenKind::Colon, "`:` after the property name")?;
            let ty = self.type_expr()?;
            Ok(ObjectTypeProperty {
                decorators,
                key,
                optional,
                ty,
                span: start..self.prev_end,
            })
        };
        self.list_separator("the property", &TokenKind::RBrace)?;
        Ok(item)
    }

    fn tuple_type(&mut self) -> PResult<Type> {
        let start = self.start();
        self.bump();
        let mut items = Vec::new();
        self.list_items(TokenKind::RBracket, "the tuple type", false, |p| {
            items.push(p.tuple_type_item()?);
            Ok(())
        })?;
        Ok(Type {
            kind: TypeKind::Tuple(items),
            span: start..self.prev_end,
        })
    }

    /// One tuple item and the separator after it.
    fn tuple_type_item(&mut self) -> PResult<TupleTypeItem> {
        let start = self.start();
        let decorators = self.decorators()?;
        let ty = self.type_expr()?;
        self.list_separator("the tuple item", &TokenKind::RBracket)?;
        Ok(TupleTypeItem {
            decorators,
            span: start..ty.span.end,
            ty,
        })
    }
}

/// The depth of an expression tree, in nodes (an expression's decorators, lambda parameter
/// types and nested resources count too). Only called on trees the parser built, which are a
/// few hundred levels deep at most, so the recursion is bounded.
fn expr_depth(expr: &Expr) -> usize {
    fn max_of<'e>(exprs: impl Iterator<Item = &'e Expr>) -> usize {
        exprs.map(expr_depth).max().unwrap_or(0)
    }
    fn decorators_depth(decorators: &[Decorator]) -> usize {
        max_of(decorators.iter().map(|decorator| &decorator.expr))
    }
    let children = match &expr.kind {
        ExprKind::String { parts } => max_of(parts.iter().filter_map(|part| match part {
            StringPart::Interp(expr) => Some(expr),
            StringPart::Literal(_) => None,
        })),
        ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Ident(_) => 0,
        ExprKind::Object(object) => object
            .items
            .iter()
            .map(|item| match item {
                ObjectItem::Property(property) => expr_depth(&property.value)
                    .max(decorators_depth(&property.decorators))
                    .max(match &property.key {
                        Key::String(key) => expr_depth(key),
                        Key::Ident(_) => 0,
                    }),
                ObjectItem::Spread { expr, .. } => expr_depth(expr),
                ObjectItem::Resource(resource) => {
                    expr_depth(&resource.value).max(decorators_depth(&resource.decorators)) + 1
                }
            })
            .max()
            .unwrap_or(0),
        ExprKind::Array(items) => max_of(items.iter().map(|item| match item {
            ArrayItem::Value(expr) | ArrayItem::Spread { expr, .. } => expr,
        })),
        ExprKind::Member { base, .. }
        | ExprKind::ResourceAccess { base, .. }
        | ExprKind::NonNull(base)
        | ExprKind::Unary { operand: base, .. }
        | ExprKind::Paren(base) => expr_depth(base),
        ExprKind::Index { base, index, .. } => expr_depth(base).max(expr_depth(index)),
        ExprKind::Call { callee, args, .. } => max_of(callee.as_deref().into_iter().chain(args)),
        ExprKind::Binary { left, right, .. } => expr_depth(left).max(expr_depth(right)),
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => max_of([cond, then, otherwise].into_iter().map(|expr| &**expr)),
        ExprKind::Lambda { params, body } => expr_depth(body).max(
            params
                .iter()
                .filter_map(|param| param.ty.as_ref())
                .map(type_depth)
                .max()
                .unwrap_or(0),
        ),
        ExprKind::For { iterable, body, .. } => expr_depth(iterable).max(expr_depth(body)),
        ExprKind::If { cond, body } => expr_depth(cond).max(expr_depth(body)),
    };
    1 + children
}

/// The depth of a type tree, in nodes (see [`expr_depth`]).
fn type_depth(ty: &Type) -> usize {
    fn max_of<'t>(types: impl Iterator<Item = &'t Type>) -> usize {
        types.map(type_depth).max().unwrap_or(0)
    }
    let children = match &ty.kind {
        TypeKind::Ident(_) | TypeKind::Literal(_) | TypeKind::ResourceDerived { .. } => 0,
        TypeKind::Property { base, .. }
        | TypeKind::Array(base)
        | TypeKind::Nullable(base)
        | TypeKind::NonNullable(base)
        | TypeKind::Items(base)
        | TypeKind::AdditionalProperties(base)
        | TypeKind::Unary { operand: base, .. }
        | TypeKind::Paren(base) => type_depth(base),
        TypeKind::Union(members) => max_of(members.iter()),
        TypeKind::Object {
            properties,
            additional,
        } => max_of(
            properties
                .iter()
                .map(|property| &property.ty)
                .chain(additional.iter().map(|additional| &additional.ty)),
        ),
        TypeKind::Tuple(items) => max_of(items.iter().map(|item| &item.ty)),
        TypeKind::Parameterized { base, args, .. } => {
            max_of(base.as_deref().into_iter().chain(args))
        }
        TypeKind::Index { base, index } => type_depth(base).max(expr_depth(index)),
        TypeKind::Resource { type_string } => type_string.as_deref().map_or(0, expr_depth),
    };
    1 + children
}

#[cfg(test)]
mod tests {
    use super::*;

    // ----- helpers -----

    fn parse_ok(text: &str) -> File {
        let (file, errors) = parse(text);
        let shown: String = text.chars().take(200).collect();
        assert!(
            errors.is_empty(),
            "unexpected errors in {shown:?}: {errors:#?}"
        );
        file
    }

    fn single(text: &str) -> Statement {
        let mut file = parse_ok(text);
        assert_eq!(file.statements.len(), 1, "{text:?}: {:#?}", file.statements);
        file.statements.remove(0)
    }

    /// The value of `var x = <text>`, shown.
    fn expr(text: &str) -> String {
        match single(&format!("var x = {text}")) {
            Statement::Var(var) => show(&var.value),
            other => panic!("not a variable: {other:?}"),
        }
    }

    /// The type of `type t = <text>`, shown.
    fn ty(text: &str) -> String {
        match single(&format!("type t = {text}")) {
            Statement::Type(decl) => show_type(&decl.value),
            other => panic!("not a type: {other:?}"),
        }
    }

    fn list(items: impl Iterator<Item = String>) -> String {
        items.collect::<Vec<_>>().join(", ")
    }

    fn show_string(parts: &[StringPart]) -> String {
        let mut out = String::from("'");
        for part in parts {
            match part {
                StringPart::Literal(text) => out.push_str(&text.escape_debug().to_string()),
                StringPart::Interp(expr) => out.push_str(&format!("${{{}}}", show(expr))),
            }
        }
        out.push('\'');
        out
    }

    fn show_key(key: &Key) -> String {
        match key {
            Key::Ident(ident) => ident.name.clone(),
            Key::String(expr) => show(expr),
        }
    }

    fn show_decorators(decorators: &[Decorator]) -> String {
        decorators
            .iter()
            .map(|decorator| format!("@{} ", show(&decorator.expr)))
            .collect()
    }

    /// A compact, fully parenthesized rendering of an expression.
    fn show(expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::String { parts } => show_string(parts),
            ExprKind::Int(value) => value.to_string(),
            ExprKind::Bool(value) => value.to_string(),
            ExprKind::Null => "null".to_string(),
            ExprKind::Ident(name) => name.clone(),
            ExprKind::Object(object) => format!(
                "{{{}}}",
                list(object.items.iter().map(|item| match item {
                    ObjectItem::Property(property) => format!(
                        "{}{}: {}",
                        show_decorators(&property.decorators),
                        show_key(&property.key),
                        show(&property.value)
                    ),
                    ObjectItem::Spread { expr, .. } => format!("...{}", show(expr)),
                    ObjectItem::Resource(resource) => format!(
                        "{}resource {} {}{} = {}",
                        show_decorators(&resource.decorators),
                        resource.name.name,
                        show(&resource.type_string),
                        if resource.existing { " existing" } else { "" },
                        show(&resource.value)
                    ),
                }))
            ),
            ExprKind::Array(items) => format!(
                "[{}]",
                list(items.iter().map(|item| match item {
                    ArrayItem::Value(expr) => show(expr),
                    ArrayItem::Spread { expr, .. } => format!("...{}", show(expr)),
                }))
            ),
            ExprKind::Member { base, name, safe } => {
                format!(
                    "{}.{}{}",
                    show(base),
                    if *safe { "?" } else { "" },
                    name.name
                )
            }
            ExprKind::Index {
                base,
                index,
                safe,
                from_end,
            } => format!(
                "{}[{}{}{}]",
                show(base),
                if *safe { "?" } else { "" },
                if *from_end { "^" } else { "" },
                show(index)
            ),
            ExprKind::Call { callee, name, args } => format!(
                "{}{}({})",
                callee
                    .as_ref()
                    .map_or(String::new(), |callee| format!("{}.", show(callee))),
                name.name,
                list(args.iter().map(show))
            ),
            ExprKind::ResourceAccess { base, name } => format!("{}::{}", show(base), name.name),
            ExprKind::NonNull(base) => format!("{}!", show(base)),
            ExprKind::Unary { op, operand } => {
                let op = if *op == UnaryOp::Not { "!" } else { "-" };
                format!("({op}{})", show(operand))
            }
            ExprKind::Binary { op, left, right } => {
                format!("({} {} {})", show(left), op.symbol(), show(right))
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => format!("({} ? {} : {})", show(cond), show(then), show(otherwise)),
            ExprKind::Lambda { params, body } => format!(
                "(lambda ({}) {})",
                list(params.iter().map(|param| match &param.ty {
                    Some(ty) => format!("{} {}", param.name.name, show_type(ty)),
                    None => param.name.name.clone(),
                })),
                show(body)
            ),
            ExprKind::For {
                item,
                index,
                iterable,
                body,
            } => format!(
                "[for {}{} in {}: {}]",
                item.name,
                index
                    .as_ref()
                    .map_or(String::new(), |index| format!(", {}", index.name)),
                show(iterable),
                show(body)
            ),
            ExprKind::If { cond, body } => format!("if ({}) {}", show(cond), show(body)),
            ExprKind::Paren(inner) => format!("paren({})", show(inner)),
        }
    }

    fn show_type(ty: &Type) -> String {
        match &ty.kind {
            TypeKind::Ident(name) => name.name.clone(),
            TypeKind::Property { base, name } => format!("{}.{}", show_type(base), name.name),
            TypeKind::Array(element) => format!("{}[]", show_type(element)),
            TypeKind::Union(members) => format!(
                "union({})",
                members
                    .iter()
                    .map(show_type)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            TypeKind::Nullable(inner) => format!("{}?", show_type(inner)),
            TypeKind::NonNullable(inner) => format!("{}!", show_type(inner)),
            TypeKind::Object {
                properties,
                additional,
            } => {
                let mut items: Vec<String> = properties
                    .iter()
                    .map(|property| {
                        format!(
                            "{}{}{}: {}",
                            show_decorators(&property.decorators),
                            show_key(&property.key),
                            if property.optional { "?" } else { "" },
                            show_type(&property.ty)
                        )
                    })
                    .collect();
                if let Some(additional) = additional {
                    items.push(format!(
                        "{}*: {}",
                        show_decorators(&additional.decorators),
                        show_type(&additional.ty)
                    ));
                }
                format!("{{{}}}", items.join(", "))
            }
            TypeKind::Tuple(items) => format!(
                "[{}]",
                list(items.iter().map(|item| format!(
                    "{}{}",
                    show_decorators(&item.decorators),
                    show_type(&item.ty)
                )))
            ),
            TypeKind::Literal(TypeLiteral::String(text)) => format!("'{text}'"),
            TypeKind::Literal(TypeLiteral::Int(value)) => value.to_string(),
            TypeKind::Literal(TypeLiteral::Bool(value)) => value.to_string(),
            TypeKind::Literal(TypeLiteral::Null) => "null".to_string(),
            TypeKind::ResourceDerived {
                kind,
                type_string,
                path,
                ..
            } => format!(
                "{}<'{type_string}'>{}",
                if *kind == ResourceDerivedKind::Input {
                    "resourceInput"
                } else {
                    "resourceOutput"
                },
                path.iter()
                    .map(|p| format!(".{}", p.name))
                    .collect::<String>()
            ),
            TypeKind::Parameterized { base, name, args } => format!(
                "{}{}<{}>",
                base.as_ref()
                    .map_or(String::new(), |base| format!("{}.", show_type(base))),
                name.name,
                list(args.iter().map(show_type))
            ),
            TypeKind::Index { base, index } => format!("{}[{}]", show_type(base), show(index)),
            TypeKind::Items(base) => format!("{}[*]", show_type(base)),
            TypeKind::AdditionalProperties(base) => format!("{}.*", show_type(base)),
            TypeKind::Resource { type_string } => match type_string {
                Some(type_string) => format!("resource {}", show(type_string)),
                None => "resource".to_string(),
            },
            TypeKind::Unary { op, operand } => {
                let op = if *op == UnaryOp::Not { "!" } else { "-" };
                format!("{op}{}", show_type(operand))
            }
            TypeKind::Paren(inner) => format!("paren({})", show_type(inner)),
        }
    }

    // ----- declarations -----

    #[test]
    fn target_scope_and_metadata() {
        let Statement::TargetScope(scope) = single("targetScope = 'subscription'") else {
            panic!()
        };
        assert_eq!(scope.value.as_str().as_deref(), Some("subscription"));
        let Statement::Metadata(metadata) = single("metadata info = { owner: 'me' }") else {
            panic!()
        };
        assert_eq!(metadata.name.name, "info");
        assert_eq!(show(&metadata.value), "{owner: 'me'}");
    }

    fn param(text: &str) -> ParamDecl {
        match single(text) {
            Statement::Param(param) => param,
            other => panic!("not a parameter: {other:?}"),
        }
    }

    fn param_type(text: &str) -> String {
        show_type(param(text).ty.as_ref().expect("a type"))
    }

    #[test]
    fn parameters_and_their_types() {
        let p = param("param location string = resourceGroup().location");
        assert_eq!(p.name.name, "location");
        assert_eq!(p.name.span, 6..14);
        assert_eq!(show_type(p.ty.as_ref().unwrap()), "string");
        assert_eq!(show(p.value.as_ref().unwrap()), "resourceGroup().location");
        assert!(param("param count int").value.is_none());
        assert_eq!(param_type("param a string[]"), "string[]");
        assert_eq!(param_type("param a string[][]"), "string[][]");
        assert_eq!(param_type("param a 'a' | 'b' = 'a'"), "union('a' | 'b')");
        assert_eq!(param_type("param a string?"), "string?");
        assert_eq!(
            param_type("param a (string | int)[]"),
            "paren(union(string | int))[]"
        );
        assert_eq!(
            param_type("param a { a: string, b?: int, c: bool? }"),
            "{a: string, b?: int, c: bool?}"
        );
        assert_eq!(
            param_type("param a {\n  name: string\n  @minValue(1)\n  size: int\n}[]"),
            "{name: string, @minValue(1) size: int}[]"
        );
        assert_eq!(
            param_type(
                "param subnets resourceInput<'Microsoft.Network/virtualNetworks@2024-05-01'>.properties.subnets"
            ),
            "resourceInput<'Microsoft.Network/virtualNetworks@2024-05-01'>.properties.subnets"
        );
        assert_eq!(
            param_type(
                "param o sys.resourceOutput<'Microsoft.Storage/storageAccounts@2023-01-01'>"
            ),
            "resourceOutput<'Microsoft.Storage/storageAccounts@2023-01-01'>"
        );
        assert_eq!(param_type("param a sys.string"), "sys.string");
        assert_eq!(param_type("param a types.config"), "types.config");
        assert_eq!(param_type("param a myType"), "myType");
        assert_eq!(param_type("param a object"), "object");
        assert_eq!(param_type("param a array = []"), "array");
        assert_eq!(
            param_type("param sa resource 'Microsoft.Storage/storageAccounts@2023-01-01'"),
            "resource 'Microsoft.Storage/storageAccounts@2023-01-01'"
        );
        let p = param("param x int = -1");
        assert_eq!(show(p.value.as_ref().unwrap()), "-1");
    }

    #[test]
    fn decorators_on_declarations() {
        let p = param(
            "@description('The name')\n@minLength(3)\n// a comment between decorators\n@secure()\n@sys.maxLength(24)\n@allowed([\n  'a'\n  'b'\n])\nparam name string",
        );
        let names: Vec<_> = p.decorators.iter().map(|d| d.name().unwrap()).collect();
        assert_eq!(
            names,
            ["description", "minLength", "secure", "maxLength", "allowed"]
        );
        assert_eq!(
            p.decorators[0].args()[0].as_str().as_deref(),
            Some("The name")
        );
        assert_eq!(p.decorators[0].span, 0..24);
        assert_eq!(p.decorators[3].namespace(), Some("sys"));
        assert_eq!(show(&p.decorators[4].args()[0]), "['a', 'b']");
        assert_eq!(p.span.start, 0);
        let Statement::Type(decl) = single("@export()\ntype t = string") else {
            panic!()
        };
        assert_eq!(decl.decorators[0].name(), Some("export"));
        assert!(decl.decorators[0].args().is_empty());
    }

    #[test]
    fn variables_untyped_and_typed() {
        let Statement::Var(var) = single("var x = 1") else {
            panic!()
        };
        assert!(var.ty.is_none());
        let Statement::Var(var) = single("var x string = 'a'") else {
            panic!()
        };
        assert_eq!(show_type(var.ty.as_ref().unwrap()), "string");
        assert_eq!(show(&var.value), "'a'");
        let Statement::Var(var) = single("var x { a: int } = { a: 1 }") else {
            panic!()
        };
        assert_eq!(show_type(var.ty.as_ref().unwrap()), "{a: int}");
    }

    #[test]
    fn outputs() {
        let Statement::Output(out) = single("output id string = sa.id") else {
            panic!()
        };
        assert_eq!(
            (out.name.name.as_str(), show_type(&out.ty).as_str()),
            ("id", "string")
        );
        assert_eq!(show(&out.value), "sa.id");
        let Statement::Output(out) =
            single("output r resource 'Microsoft.Storage/storageAccounts@2023-01-01' = sa")
        else {
            panic!()
        };
        assert_eq!(
            show_type(&out.ty),
            "resource 'Microsoft.Storage/storageAccounts@2023-01-01'"
        );
        let Statement::Output(out) = single("output r resource = sa") else {
            panic!()
        };
        assert_eq!(show_type(&out.ty), "resource");
        let Statement::Output(out) = single("output names array = [for s in subnets: s.name]")
        else {
            panic!()
        };
        assert_eq!(show(&out.value), "[for s in subnets: s.name]");
    }

    fn resource(text: &str) -> ResourceDecl {
        match single(text) {
            Statement::Resource(resource) => resource,
            other => panic!("not a resource: {other:?}"),
        }
    }

    #[test]
    fn resources_in_all_forms() {
        let r = resource(
            "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'sa'\n  location: location\n  sku: {\n    name: 'Standard_LRS'\n  }\n}",
        );
        assert_eq!(r.name.name, "sa");
        assert_eq!(
            r.type_string.as_str().as_deref(),
            Some("Microsoft.Storage/storageAccounts@2023-01-01")
        );
        assert!(!r.existing);
        assert_eq!(
            show(&r.value),
            "{name: 'sa', location: location, sku: {name: 'Standard_LRS'}}"
        );
        assert_eq!(
            show(&r.body().unwrap().property("sku").unwrap().value),
            "{name: 'Standard_LRS'}"
        );

        let r = resource(
            "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: kvName\n}",
        );
        assert!(r.existing);

        let r = resource("resource r 'T@1' = if (deploy && !skip) {\n  name: 'x'\n}");
        assert_eq!(show(&r.value), "if ((deploy && (!skip))) {name: 'x'}");
        assert_eq!(r.body().unwrap().items.len(), 1);

        let r = resource("resource r 'T@1' =\n  if (deploy) {\n  name: 'x'\n}");
        assert_eq!(show(&r.value), "if (deploy) {name: 'x'}");

        let r = resource(
            "@batchSize(1)\nresource r 'T@1' = [for (name, i) in names: {\n  name: name\n  properties: { index: i }\n}]",
        );
        assert_eq!(r.decorators[0].name(), Some("batchSize"));
        assert_eq!(
            show(&r.value),
            "[for name, i in names: {name: name, properties: {index: i}}]"
        );
        assert!(r.body().is_some());

        let r =
            resource("resource r 'T@1' = [for x in items: if (x.enabled) {\n  name: x.name\n}]");
        assert_eq!(
            show(&r.value),
            "[for x in items: if (x.enabled) {name: x.name}]"
        );
    }

    #[test]
    fn nested_child_resources() {
        let r = resource(
            "resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {\n  name: 'vnet'\n  @description('child')\n  resource subnet 'subnets' = {\n    name: 'default'\n    resource deeper 'x' existing = {\n      name: 'd'\n    }\n  }\n  properties: {}\n}",
        );
        let body = r.body().unwrap();
        assert_eq!(body.items.len(), 3);
        let ObjectItem::Resource(child) = &body.items[1] else {
            panic!("{:?}", body.items[1])
        };
        assert_eq!(child.name.name, "subnet");
        assert_eq!(child.decorators[0].name(), Some("description"));
        assert_eq!(child.type_string.as_str().as_deref(), Some("subnets"));
        let ObjectItem::Resource(deeper) = &child.body().unwrap().items[1] else {
            panic!()
        };
        assert!(deeper.existing);
        // `resource` is an ordinary property name when not followed by a name.
        assert_eq!(expr("{\n  resource: 1\n}"), "{resource: 1}");
        // Access to a nested resource.
        assert_eq!(expr("vnet::subnet.id"), "vnet::subnet.id");
    }

    fn module(text: &str) -> ModuleDecl {
        match single(text) {
            Statement::Module(module) => module,
            other => panic!("not a module: {other:?}"),
        }
    }

    #[test]
    fn modules_in_all_forms() {
        for path in [
            "./network.bicep",
            "br/public:avm/res/network/virtual-network:0.5.1",
            "br:myregistry.azurecr.io/bicep/modules/storage:v1",
            "ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0",
        ] {
            let m = module(&format!(
                "module m '{path}' = {{\n  name: 'm'\n  params: {{}}\n}}"
            ));
            assert_eq!(m.path.as_str().as_deref(), Some(path));
            assert_eq!(show(&m.value), "{name: 'm', params: {}}");
        }
        let m = module("module m './m.bicep' = if (enabled) {\n  name: 'm'\n}");
        assert_eq!(show(&m.value), "if (enabled) {name: 'm'}");
        let m = module("module m './m.bicep' = [for i in range(0, 3): {\n  name: 'm${i}'\n}]");
        assert_eq!(show(&m.value), "[for i in range(0, 3): {name: 'm${i}'}]");
        assert!(m.body().is_some());
    }

    #[test]
    fn type_and_function_declarations() {
        assert_eq!(ty("'a' | 'b' | 'c'"), "union('a' | 'b' | 'c')");
        assert_eq!(ty("\n  | 'a'\n  | 'b'"), "union('a' | 'b')");
        assert_eq!(ty("[string, int]"), "[string, int]");
        assert_eq!(ty("{\n  *: string\n}"), "{*: string}");
        assert_eq!(ty("{ 'quoted-key': int }"), "{'quoted-key': int}");
        assert_eq!(ty("config.properties"), "config.properties");
        assert_eq!(ty("settings[*]"), "settings[*]");
        assert_eq!(ty("settings.*"), "settings.*");
        assert_eq!(ty("tuple[0]"), "tuple[0]");
        assert_eq!(ty("-1 | 0 | 1"), "union(-1 | 0 | 1)");
        assert_eq!(ty("true | null"), "union(true | null)");
        assert_eq!(ty("string!"), "string!");
        assert_eq!(ty("generic<string, int>"), "generic<string, int>");
        assert_eq!(
            ty("{\n  @discriminator('kind')\n  value: a | b\n}"),
            "{@discriminator('kind') value: union(a | b)}"
        );

        let Statement::Func(func) =
            single("func greet(name string, count int) string => '${name}${count}'")
        else {
            panic!()
        };
        assert_eq!(func.name.name, "greet");
        let params: Vec<_> = func
            .params
            .iter()
            .map(|p| format!("{} {}", p.name.name, show_type(p.ty.as_ref().unwrap())))
            .collect();
        assert_eq!(params, ["name string", "count int"]);
        assert_eq!(show_type(&func.return_type), "string");
        assert_eq!(show(&func.body), "'${name}${count}'");
        let Statement::Func(func) = single("@export()\nfunc none() object =>\n  {}") else {
            panic!()
        };
        assert!(func.params.is_empty());
        assert_eq!(show(&func.body), "{}");
    }

    #[test]
    fn imports_and_extensions() {
        let Statement::Import(import) = single("import * as types from './types.bicep'") else {
            panic!()
        };
        assert!(
            matches!(&import.symbols, ImportSymbols::Wildcard { alias } if alias.name == "types")
        );
        assert_eq!(import.from.as_str().as_deref(), Some("./types.bicep"));

        let Statement::Import(import) = single(
            "import {\n  a\n  b as c, 'd.e' as f\n} from 'br/public:avm/utl/types/avm-common-types:0.5.1'",
        ) else {
            panic!()
        };
        let ImportSymbols::List(symbols) = &import.symbols else {
            panic!()
        };
        let shown: Vec<_> = symbols
            .iter()
            .map(|s| match &s.alias {
                Some(alias) => format!("{} as {}", s.name.name, alias.name),
                None => s.name.name.clone(),
            })
            .collect();
        assert_eq!(shown, ["a", "b as c", "d.e as f"]);

        let Statement::Extension(ext) = single("extension microsoftGraphV1") else {
            panic!()
        };
        assert!(matches!(&ext.spec, ExtensionSpec::Name(name) if name.name == "microsoftGraphV1"));
        assert_eq!(ext.keyword, ExtensionKeyword::Extension);

        let Statement::Extension(ext) = single(
            "extension 'br:mcr.microsoft.com/bicep/extensions/kubernetes:1.0' with {\n  namespace: 'default'\n} as k8s",
        ) else {
            panic!()
        };
        assert!(matches!(&ext.spec, ExtensionSpec::Reference(_)));
        assert_eq!(show(ext.config.as_ref().unwrap()), "{namespace: 'default'}");
        assert_eq!(ext.alias.as_ref().unwrap().name, "k8s");

        let Statement::Extension(ext) = single("provider 'microsoftGraph@1.0.0'") else {
            panic!()
        };
        assert_eq!(ext.keyword, ExtensionKeyword::Provider);
        let Statement::Extension(ext) = single("import 'az@1.0.0'") else {
            panic!()
        };
        assert_eq!(ext.keyword, ExtensionKeyword::Import);
        let Statement::Extension(ext) =
            single("import 'kubernetes@1.0.0' with {\n  namespace: 'x'\n} as k8s")
        else {
            panic!()
        };
        assert_eq!(ext.alias.as_ref().unwrap().name, "k8s");
    }

    #[test]
    fn assert_test_and_extension_config() {
        let Statement::Assert(assert) = single("assert nameIsShort = length(name) < 24") else {
            panic!()
        };
        assert_eq!(show(&assert.value), "(length(name) < 24)");
        let Statement::Test(test) = single("test t './main.bicep' = {\n  params: {}\n}") else {
            panic!()
        };
        assert_eq!(test.path.as_str().as_deref(), Some("./main.bicep"));
        let Statement::ExtensionConfig(config) =
            single("extensionConfig k8s with {\n  namespace: 'x'\n}")
        else {
            panic!()
        };
        assert_eq!(config.name.name, "k8s");
    }

    #[test]
    fn bicepparam_files() {
        let file = parse_ok(
            "using './main.bicep'\n\nimport { prefix } from './shared.bicep'\n\nparam location = 'westeurope'\nparam names = [\n  'a'\n]\nvar suffix = uniqueString('x')\nparam name = '${prefix}-${suffix}'\nparam secret = az.getSecret('sub', 'rg', 'kv', 'name')\n",
        );
        assert_eq!(file.statements.len(), 7);
        let Statement::Using(using) = &file.statements[0] else {
            panic!()
        };
        assert_eq!(
            using.path.as_ref().unwrap().as_str().as_deref(),
            Some("./main.bicep")
        );
        let Statement::Param(p) = &file.statements[2] else {
            panic!()
        };
        assert!(p.ty.is_none());
        assert_eq!(show(p.value.as_ref().unwrap()), "'westeurope'");
        let Statement::Param(p) = &file.statements[6] else {
            panic!()
        };
        assert_eq!(
            show(p.value.as_ref().unwrap()),
            "az.getSecret('sub', 'rg', 'kv', 'name')"
        );

        let Statement::Using(using) = single("using none") else {
            panic!()
        };
        assert!(using.path.is_none());
        let Statement::Using(using) = single("using 'main.bicep' with {\n  mode: 'stack'\n}")
        else {
            panic!()
        };
        assert_eq!(show(using.config.as_ref().unwrap()), "{mode: 'stack'}");
        let Statement::Extends(extends) = single("extends './base.bicepparam'") else {
            panic!()
        };
        assert_eq!(extends.path.as_str().as_deref(), Some("./base.bicepparam"));
    }

    #[test]
    fn statement_accessors() {
        let file = parse_ok("@description('d')\nparam p string\nimport * as t from 't.bicep'\n");
        assert_eq!(file.statements[0].name().unwrap().name, "p");
        assert_eq!(file.statements[0].decorators().len(), 1);
        assert_eq!(file.statements[0].span(), &(0..32));
        assert!(file.statements[1].name().is_none());
        assert_eq!(file.span, 0..62);
    }

    #[test]
    fn pragmas_are_collected() {
        let file = parse_ok("#disable-next-line no-unused-params\nparam p string\n");
        assert_eq!(file.pragmas[0].codes, ["no-unused-params"]);
        assert_eq!(file.statements.len(), 1);
    }

    // ----- expressions -----

    #[test]
    fn literals() {
        assert_eq!(expr("42"), "42");
        assert_eq!(expr("-42"), "-42");
        assert_eq!(expr("9223372036854775807"), "9223372036854775807");
        assert_eq!(expr("true"), "true");
        assert_eq!(expr("false"), "false");
        assert_eq!(expr("null"), "null");
        assert_eq!(expr("''"), "''");
        assert_eq!(expr(r"'it\'s \${x} \u{41}'"), r"'it\'s ${x} A'");
    }

    #[test]
    fn strings_with_interpolation() {
        assert_eq!(expr("'${a}-${b.c}!'"), "'${a}-${b.c}!'");
        assert_eq!(expr("'${'${inner}'}'"), "'${'${inner}'}'");
        assert_eq!(expr("'${x ? 'a' : 'b'}'"), "'${(x ? 'a' : 'b')}'");
        let Statement::Var(var) = single("var x = 'a${b}c'") else {
            panic!()
        };
        let ExprKind::String { parts } = &var.value.kind else {
            panic!()
        };
        assert_eq!(parts.len(), 3);
        assert!(matches!(&parts[1], StringPart::Interp(e) if e.span == (12..13)));
        assert_eq!(var.value.span, 8..16);
    }

    #[test]
    fn multiline_strings() {
        assert_eq!(
            expr("'''\nline 1\n  ${not} interpolated\n'''"),
            "'line 1\\n  ${not} interpolated\\n'"
        );
        assert_eq!(expr("$'''\nhello ${name}\n'''"), "'hello ${name}\\n'");
    }

    #[test]
    fn objects() {
        assert_eq!(expr("{}"), "{}");
        assert_eq!(expr("{ a: 1, b: 2 }"), "{a: 1, b: 2}");
        assert_eq!(expr("{\n  a: 1\n\n  b: 2\n}"), "{a: 1, b: 2}");
        assert_eq!(expr("{\n  a: 1,\n  b: 2,\n}"), "{a: 1, b: 2}");
        assert_eq!(
            expr("{\n  'quoted-key': 1\n  '${prefix}-name': 2\n}"),
            "{'quoted-key': 1, '${prefix}-name': 2}"
        );
        assert_eq!(expr("{\n  ...defaults\n  a: 1\n}"), "{...defaults, a: 1}");
        assert_eq!(
            expr("{\n  // comment\n  a: /* inline */ 1 // trailing\n  /* block */\n}"),
            "{a: 1}"
        );
        assert_eq!(
            expr("{\n  if: 1\n  for: 2\n  true: 3\n}"),
            "{if: 1, for: 2, true: 3}"
        );
        let Statement::Var(var) = single("var x = {\n  'k': 1\n}") else {
            panic!()
        };
        let ExprKind::Object(object) = &var.value.kind else {
            panic!()
        };
        assert_eq!(object.property("k").unwrap().key.span(), &(12..15));
        assert_eq!(object.property("k").unwrap().span, 12..18);
    }

    #[test]
    fn decorated_object_properties() {
        assert_eq!(
            expr("{\n  @description('x')\n  a: 1\n}"),
            "{@description('x') a: 1}"
        );
    }

    #[test]
    fn arrays() {
        assert_eq!(expr("[]"), "[]");
        assert_eq!(expr("[1, 2, 3]"), "[1, 2, 3]");
        assert_eq!(expr("[\n  1\n  'two'\n  [3]\n]"), "[1, 'two', [3]]");
        assert_eq!(expr("[\n  ...first\n  4\n]"), "[...first, 4]");
        assert_eq!(expr("[1, 2,]"), "[1, 2]");
    }

    #[test]
    fn member_index_and_non_null_access() {
        assert_eq!(expr("a.b.c"), "a.b.c");
        assert_eq!(expr("a.?b"), "a.?b");
        assert_eq!(expr("a[0]"), "a[0]");
        assert_eq!(expr("a[?0]"), "a[?0]");
        assert_eq!(expr("a[^1]"), "a[^1]");
        assert_eq!(expr("a['key'].b"), "a['key'].b");
        assert_eq!(expr("f()!"), "f()!");
        assert_eq!(expr("a.?b!"), "a.?b!");
        assert_eq!(expr("a.?b!.c"), "a.?b!.c");
        assert_eq!(expr("mod.outputs.id!"), "mod.outputs.id!");
        assert_eq!(expr("a! != b"), "(a! != b)");
    }

    #[test]
    fn calls() {
        assert_eq!(expr("f()"), "f()");
        assert_eq!(expr("concat('a', b, [1])"), "concat('a', b, [1])");
        assert_eq!(expr("sys.concat('a')"), "sys.concat('a')");
        assert_eq!(
            expr("az.resourceGroup().location"),
            "az.resourceGroup().location"
        );
        assert_eq!(expr("kv.getSecret('x')"), "kv.getSecret('x')");
        assert_eq!(
            expr("sa.listKeys().keys[0].value"),
            "sa.listKeys().keys[0].value"
        );
        assert_eq!(
            expr("listKeys(sa.id, '2023-01-01')"),
            "listKeys(sa.id, '2023-01-01')"
        );
        assert_eq!(
            expr(
                "resourceId(\n  'Microsoft.Network/virtualNetworks/subnets',\n  vnet,\n  subnet\n)"
            ),
            "resourceId('Microsoft.Network/virtualNetworks/subnets', vnet, subnet)"
        );
        let Statement::Var(var) = single("var x = a.b(1)") else {
            panic!()
        };
        let ExprKind::Call { callee, name, .. } = &var.value.kind else {
            panic!()
        };
        assert_eq!(show(callee.as_ref().unwrap()), "a");
        assert_eq!(name.span, 10..11);
    }

    #[test]
    fn lambdas() {
        assert_eq!(expr("x => x.name"), "(lambda (x) x.name)");
        assert_eq!(expr("(a, b) => a + b"), "(lambda (a, b) (a + b))");
        assert_eq!(expr("() => 1"), "(lambda () 1)");
        assert_eq!(expr("(x string) => x"), "(lambda (x string) x)");
        assert_eq!(
            expr("map(items, item => {\n  name: item\n})"),
            "map(items, (lambda (item) {name: item}))"
        );
        assert_eq!(
            expr("reduce(xs, 0, (acc, x) => acc + x)"),
            "reduce(xs, 0, (lambda (acc, x) (acc + x)))"
        );
        assert_eq!(
            expr("filter(xs, x =>\n  x.enabled)"),
            "filter(xs, (lambda (x) x.enabled))"
        );
        assert_eq!(expr("(x) => (y) => x"), "(lambda (x) (lambda (y) x))");
    }

    #[test]
    fn unary_and_binary_operators() {
        assert_eq!(expr("!a"), "(!a)");
        assert_eq!(expr("-a"), "(-a)");
        assert_eq!(expr("!a.b"), "(!a.b)");
        assert_eq!(expr("-a[0]"), "(-a[0])");
        assert_eq!(expr("!!a"), "(!(!a))");
        assert_eq!(expr("-(1)"), "(-paren(1))");
        assert_eq!(expr("a * b / c % d"), "(((a * b) / c) % d)");
        assert_eq!(expr("a - b - c"), "((a - b) - c)");
        assert_eq!(expr("a + b * c"), "(a + (b * c))");
        assert_eq!(
            expr("a ?? b || c && d == e < f + g * h"),
            "(a ?? (b || (c && (d == (e < (f + (g * h)))))))"
        );
        assert_eq!(
            expr("a * b + c < d == e && f || g ?? h"),
            "(((((((a * b) + c) < d) == e) && f) || g) ?? h)"
        );
        assert_eq!(expr("a =~ b || c !~ d"), "((a =~ b) || (c !~ d))");
        assert_eq!(
            expr("a <= b && c >= d && e != f"),
            "(((a <= b) && (c >= d)) && (e != f))"
        );
        assert_eq!(expr("a ?? b ?? c"), "((a ?? b) ?? c)");
        assert_eq!(expr("-a * b"), "((-a) * b)");
        assert_eq!(expr("a &&\n  b"), "(a && b)");
    }

    #[test]
    fn ternaries_and_parentheses() {
        assert_eq!(expr("a ? b : c"), "(a ? b : c)");
        assert_eq!(expr("a ? b : c ? d : e"), "(a ? b : (c ? d : e))");
        assert_eq!(expr("a ?? b ? c : d"), "((a ?? b) ? c : d)");
        assert_eq!(expr("a || b ? c + 1 : d"), "((a || b) ? (c + 1) : d)");
        assert_eq!(
            expr("cond\n  ? {\n    a: 1\n  }\n  : null"),
            "(cond ? {a: 1} : null)"
        );
        assert_eq!(expr("(a + b) * c"), "(paren((a + b)) * c)");
        assert_eq!(expr("(\n  a\n  && b\n)"), "paren((a && b))");
        assert_eq!(expr("(a ? b\n : c)"), "paren((a ? b : c))");
    }

    #[test]
    fn for_expressions() {
        assert_eq!(expr("[for x in xs: x.name]"), "[for x in xs: x.name]");
        assert_eq!(
            expr("[for (x, i) in xs: '${i}']"),
            "[for x, i in xs: '${i}']"
        );
        assert_eq!(
            expr("[for i in range(0, 3): i * 2]"),
            "[for i in range(0, 3): (i * 2)]"
        );
        assert_eq!(
            expr("[\n  for x in xs: {\n    name: x\n  }\n]"),
            "[for x in xs: {name: x}]"
        );
        assert_eq!(
            expr("[for x in list: if (x.enabled) {\n  name: x.name\n}]"),
            "[for x in list: if (x.enabled) {name: x.name}]"
        );
        assert_eq!(expr("[for x in xs: if(x)]"), "[for x in xs: if(x)]");
        assert_eq!(
            expr("[for x in [for y in ys: y]: x]"),
            "[for x in [for y in ys: y]: x]"
        );
        assert_eq!(
            expr("toObject([for x in xs: x], x => x.name)"),
            "toObject([for x in xs: x], (lambda (x) x.name))"
        );
    }

    #[test]
    fn comments_anywhere() {
        let file = parse_ok(
            "/* header\n spanning lines */\n// line\n@description('d') // after decorator\n/* between */\nparam p /* inline */ string // trailing\nvar v = [ // open\n  1 /* one */\n  // alone\n  2\n] // close\n",
        );
        assert_eq!(file.statements.len(), 2);
        let Statement::Var(var) = &file.statements[1] else {
            panic!()
        };
        assert_eq!(show(&var.value), "[1, 2]");
    }

    #[test]
    fn crlf_line_endings() {
        let file = parse_ok("param a string\r\n\r\nvar b = {\r\n  c: a\r\n}\r\n");
        assert_eq!(file.statements.len(), 2);
    }

    // ----- errors and recovery -----

    #[test]
    fn broken_parameter_then_valid_resource() {
        let text = "param location string = \nresource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'sa'\n}\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].span, 24..24);
        assert_eq!(
            errors[0].message,
            "expected an expression, found the end of the line"
        );
        assert_eq!(file.statements.len(), 1);
        let Statement::Resource(r) = &file.statements[0] else {
            panic!()
        };
        assert_eq!(r.name.name, "sa");
    }

    #[test]
    fn missing_equals_after_parameter_name() {
        let text = "param p\nparam q string\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span, 7..7);
        assert_eq!(
            errors[0].message,
            "expected a type or `=` after the parameter name, found the end of the line"
        );
        assert_eq!(file.statements.len(), 1);
        let (_, errors) = parse("var x 'a' 'b'\n");
        assert_eq!(errors[0].span, 10..13);
        assert_eq!(
            errors[0].message,
            "expected `=` after the variable type, found a string"
        );
    }

    #[test]
    fn missing_closing_brace_does_not_swallow_the_file() {
        let text = "resource a 'T@1' = {\n  name: 'a'\n  properties: {\n    x: 1\n\nparam p string\noutput o string = p\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].span.start, text.find("param").unwrap());
        assert!(
            errors[0]
                .message
                .starts_with("expected `}` to close the object")
        );
        assert_eq!(file.statements.len(), 2);
    }

    #[test]
    fn error_inside_an_object_loses_only_that_property() {
        let text = "var o = {\n  a: 1\n  b: concat('x' 'y')\n  c: [1 2]\n  d: 4\n  e: ]\n}\nvar after = 1\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0].span.start, text.find("'y'").unwrap());
        assert_eq!(errors[2].span.start, text.find("]\n}").unwrap());
        assert_eq!(errors[1].span.start, text.find("2]").unwrap());
        assert_eq!(file.statements.len(), 2);
        let Statement::Var(var) = &file.statements[0] else {
            panic!()
        };
        // `b` and `e` are lost; `c` loses its broken items.
        assert_eq!(show(&var.value), "{a: 1, c: [], d: 4}");
    }

    #[test]
    fn junk_after_a_declaration_and_unknown_lines() {
        let text = "param a string param b string\nvar ok = 1\nwhat is this\n}\noutput o int = 1 2\nvar ok2 = 2\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0].span, 15..20);
        assert_eq!(
            errors[0].message,
            "expected `=` or a line break after the parameter type, found `param`"
        );
        let what = text.find("what").unwrap();
        assert_eq!(errors[1].span, what..what + 4);
        assert!(
            errors[1]
                .message
                .starts_with("expected a declaration (`param`")
        );
        let two = text.find("1 2").unwrap() + 2;
        assert_eq!(errors[2].span, two..two + 1);
        assert_eq!(
            errors[2].message,
            "expected a line break after the declaration, found `2`"
        );
        // The output before the junk is kept.
        let names: Vec<_> = file
            .statements
            .iter()
            .map(|s| s.name().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["ok", "o", "ok2"]);
        let (file, errors) = parse("@description('x')\n");
        assert_eq!(
            errors[0].message,
            "expected a declaration after the decorators, found the end of the file"
        );
        assert!(file.statements.is_empty());
    }

    #[test]
    fn lexical_errors_are_reported() {
        let (file, errors) = parse("var a = 'unterminated\nvar b = \"double\"\nvar c = 1\n");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0].span, 21..21);
        assert_eq!(errors[1].span, 30..31);
        assert_eq!(
            errors[1].message,
            "unexpected `\"`: Bicep strings use single quotes"
        );
        assert_eq!(errors[2].span, 37..38);
        // `a` (with the error reported) and `c`; `b` is lost.
        assert_eq!(file.statements.len(), 2);
    }

    #[test]
    fn recovery_resumes_at_the_same_indentation() {
        // An error in a nested resource's body loses the property only ...
        let text = "resource a 'T@1' = {\n  name: 'a'\n  resource child 'c' = {\n    name: ]\n  }\n}\nvar ok = 1\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].span.start, text.find(']').unwrap());
        assert_eq!(file.statements.len(), 2);
        let Statement::Resource(resource) = &file.statements[0] else {
            panic!()
        };
        assert_eq!(
            show(&resource.value),
            "{name: 'a', resource child 'c' = {}}"
        );
        // ... and an error that abandons a declaration skips its indented lines, including
        // nested declarations, up to the next declaration at its own indentation.
        let text = "resource a 'T@1' = if {\n  resource child 'c' = {\n    name: 'c'\n  }\n}\nvar ok = 1\n";
        let (file, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "expected `(` after `if`, found `{`");
        assert_eq!(file.statements.len(), 1);
        assert!(matches!(&file.statements[0], Statement::Var(_)));
    }

    #[track_caller]
    fn assert_too_deep(text: &str) {
        let (_, errors) = parse(text);
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("nested too deeply")),
            "{:?}",
            errors.iter().take(3).collect::<Vec<_>>()
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let n = 20_000;
        assert_too_deep(&format!("var x = {}1{}", "(".repeat(n), ")".repeat(n)));
        assert_too_deep(&format!("var x = {}1{}", "[".repeat(n), "]".repeat(n)));
        assert_too_deep(&format!("var x = {}1{}", "{a:".repeat(n), "}".repeat(n)));
        assert_too_deep(&format!("var x = {}1{}", "f(".repeat(n), ")".repeat(n)));
        assert_too_deep(&format!("var x = {}a", "!".repeat(n)));
        assert_too_deep(&format!("var x = {}a", "-".repeat(n)));
        assert_too_deep(&format!("var x = {}c", "a ? b : ".repeat(n)));
        assert_too_deep(&format!("var x = {}x", "x => ".repeat(n)));
        assert_too_deep(&format!("var x = {}x{}", "'${".repeat(n), "}'".repeat(n)));
        assert_too_deep(&format!(
            "var x = {}1{}",
            "[for x in ".repeat(n),
            ": x]".repeat(n)
        ));
        assert_too_deep(&format!("type t = {}int{}", "{a:".repeat(n), "}".repeat(n)));
        assert_too_deep(&format!("type t = {}int{}", "(".repeat(n), ")".repeat(n)));
        assert_too_deep(&format!("type t = {}int{}", "[".repeat(n), "]".repeat(n)));
        assert_too_deep(&format!(
            "resource r 'T' = {}{}",
            "{\nresource r 'T' = ".repeat(n),
            "{}\n}".repeat(n)
        ));
        // Unbalanced: no closers at all.
        assert_too_deep(&format!("var x = {}", "(".repeat(n)));
        assert_too_deep(&format!("var x = {}", "[{a: ".repeat(n)));
    }

    #[test]
    fn nesting_below_the_limit_is_fine() {
        // `1` inside 255 parentheses is 256 levels of expressions: the most there may be.
        let parens = |n: usize| format!("var x = {}1{}", "(".repeat(n), ")".repeat(n));
        parse_ok(&parens(MAX_DEPTH - 1));
        let (_, errors) = parse(&parens(MAX_DEPTH));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].span, 8 + MAX_DEPTH..9 + MAX_DEPTH);
        let arrays = |n: usize| format!("var x = {}1{}", "[".repeat(n), "]".repeat(n));
        parse_ok(&arrays(MAX_DEPTH - 1));
        assert_eq!(parse(&arrays(MAX_DEPTH)).1.len(), 1);
    }

    #[test]
    fn deep_legal_nesting_parses_on_a_small_stack() {
        // More stack than the parser allows itself on the caller's thread (in a debug build):
        // parsing moves to a thread of its own, and the result is the same.
        let objects = format!("var x = {}1{}", "{a: ".repeat(250), "}".repeat(250));
        let thread = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || parse(&objects))
            .unwrap();
        let (file, errors) = thread.join().unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(file.statements.len(), 1);
    }

    #[test]
    fn long_flat_inputs_are_fine() {
        let n = 50_000;
        parse_ok(&format!("var x = [\n{}]", "  1\n".repeat(n)));
        parse_ok(&format!("var x = {{\n{}}}", "  a: 1\n".repeat(n)));
        parse_ok(&format!("var x = f({}1)", "1, ".repeat(n)));
        let file = parse_ok(&"param p string\n".repeat(n));
        assert_eq!(file.statements.len(), n);
        // Chains of operators are fine up to the depth limit ...
        parse_ok(&format!("var x = {}1", "1 + ".repeat(MAX_DEPTH - 1)));
        parse_ok(&format!("var x = a{}", ".b".repeat(MAX_DEPTH - 1)));
        // ... and beyond it an error, not a tree too deep to walk (or drop).
        assert_too_deep(&format!("var x = {}1", "1 + ".repeat(n)));
        assert_too_deep(&format!("var x = a{}", ".b".repeat(n)));
        assert_too_deep(&format!("var x = a{}", "[0]".repeat(n)));
        assert_too_deep(&format!("var x = a{}", "!".repeat(n)));
        assert_too_deep(&format!("type t = string{}", "[]".repeat(n)));
        assert_too_deep(&format!("type t = string{}", "?!".repeat(n)));
        // Parenthesized chains inside chains: the tree depth, not the recursion, is bounded.
        let inner = format!("({}1)", "1 + ".repeat(200));
        assert_too_deep(&format!("var x = {inner}{}", " + 1".repeat(200)));
    }

    /// A deterministic xorshift generator.
    struct Random(u64);

    impl Random {
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

    fn check_never_panics(text: &str) {
        let (file, errors) = parse(text);
        for error in &errors {
            assert!(error.span.start <= error.span.end && error.span.end <= text.len());
            assert!(
                text.is_char_boundary(error.span.start) && text.is_char_boundary(error.span.end)
            );
        }
        for statement in &file.statements {
            assert!(statement.span().end <= text.len());
        }
    }

    #[test]
    fn random_inputs_never_panic() {
        const FRAGMENTS: [&str; 64] = [
            "param ",
            "var ",
            "resource ",
            "module ",
            "output ",
            "type ",
            "func ",
            "import ",
            "targetScope",
            "metadata ",
            "using ",
            "extension ",
            "existing",
            "if",
            "for ",
            " in ",
            "x",
            "y1",
            "'s'",
            "'a${",
            "}'",
            "'''",
            "$'''",
            "${",
            "\n",
            "\n",
            " ",
            "\t",
            "=",
            "==",
            "=>",
            ":",
            "::",
            ",",
            ".",
            ".?",
            "...",
            "?",
            "??",
            "!",
            "-",
            "+",
            "*",
            "&&",
            "||",
            "|",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "@",
            "@description('d')\n",
            "1",
            "'T@v'",
            "//c\n",
            "/*",
            "*/",
            "\\",
            "\"",
            "é",
            "#disable-next-line x\n",
            "<",
        ];
        let mut random = Random(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..random.below(60) {
                text.push_str(FRAGMENTS[random.below(FRAGMENTS.len())]);
            }
            check_never_panics(&text);
        }
        // Mutations of a valid file: deletions and duplications of byte ranges (on character
        // boundaries).
        let valid = "@description('x')\nparam p string = 'a${b}c'\nvar v = [for (x, i) in range(0, 3): {\n  k: x ?? i\n  'q': f(x)!.y[?0]\n}]\nresource r 'T@1' = if (p == 'a') {\n  name: p\n  resource c 'c' = {}\n}\noutput o string = r.name\n";
        for _ in 0..3000 {
            let mut text = valid.to_string();
            for _ in 0..1 + random.below(3) {
                let mut start = random.below(text.len());
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + random.below(12)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                if random.below(2) == 0 {
                    text.replace_range(start..end, "");
                } else {
                    let piece = text[start..end].to_string();
                    text.insert_str(start, &piece);
                }
            }
            check_never_panics(&text);
        }
    }
}
