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
//! Nesting deeper than [`MAX_DEPTH`] is an error, not a stack overflow, and every loop makes
//! progress, so any input terminates.

use super::ast::*;
use super::lexer::{StringPiece, Token, TokenKind, lex};
use std::fmt;

/// The deepest an expression (or type) may nest: parentheses, arrays, objects, calls, unary
/// operators, lambdas, string holes and nested resources all count one level.
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
    let lexed = lex(text);
    let mut parser = Parser::new(text, lexed.tokens);
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
    (file, errors)
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
    fn new(text: &'a str, tokens: Vec<Token>) -> Self {
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

    /// Runs `f` one nesting level deeper, or fails past [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            let span = self.error_span();
            self.error(
                span,
                format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"),
            );
            return Err(Abort);
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
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

    /// After a failed item of an object, array or object type: skips to the end of the item
    /// (a line break or `,` at the same nesting, or the closing bracket) and returns `Ok` to go
    /// on with the next item, or fails when the literal cannot be continued (the end of the
    /// file, a mismatched closing bracket, or a line that can only be a declaration).
    fn recover_item(&mut self, closer: &TokenKind, resource_body: bool) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            let index = self.pos;
            let kind = &self.tokens[index].kind;
            match kind {
                TokenKind::Eof => return Err(Abort),
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    if depth == 0 {
                        return if kind == closer { Ok(()) } else { Err(Abort) };
                    }
                    depth -= 1;
                }
                TokenKind::NewLine if depth == 0 => return Ok(()),
                TokenKind::Comma if depth == 0 => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => {}
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

    fn expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.ternary())
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let cond = self.binary(0)?;
        if self.peek_past_newlines().kind != TokenKind::Question {
            return Ok(cond);
        }
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

    /// Binary operators binding tighter than `min_precedence` (precedence climbing).
    fn binary(&mut self, min_precedence: u8) -> PResult<Expr> {
        let mut left = self.unary()?;
        while let Some(op) = self.binary_op() {
            let precedence = op.precedence();
            if precedence <= min_precedence {
                break;
            }
            self.bump();
            self.skip_newlines();
            let right = self.binary(precedence)?;
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
        let op = match self.kind() {
            TokenKind::Bang => UnaryOp::Not,
            TokenKind::Minus => UnaryOp::Minus,
            _ => return self.postfix(),
        };
        let start = self.start();
        self.bump();
        let operand = self.nested(|p| p.unary())?;
        let span = start..operand.span.end;
        let kind = match (op, &operand.kind) {
            (UnaryOp::Minus, ExprKind::Int(value)) => ExprKind::Int(-value),
            _ => ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        };
        Ok(Expr { kind, span })
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut expr = self.primary()?;
        let start = expr.span.start;
        loop {
            let kind = match self.kind() {
                TokenKind::Dot => {
                    self.bump();
                    let safe = self.eat(&TokenKind::Question);
                    let name = self.ident("a property or function name after `.`")?;
                    if self.at(&TokenKind::LParen) {
                        if safe {
                            self.error(name.span.clone(), "`.?` cannot be used to call a function");
                        }
                        let args = self.call_args()?;
                        ExprKind::Call {
                            callee: Some(Box::new(expr)),
                            name,
                            args,
                        }
                    } else {
                        ExprKind::Member {
                            base: Box::new(expr),
                            name,
                            safe,
                        }
                    }
                }
                TokenKind::LBracket => {
                    self.bump();
                    let (index, safe, from_end) = self.with_newlines(true, |p| {
                        let safe = p.eat(&TokenKind::Question);
                        let from_end = p.eat(&TokenKind::Hat);
                        if p.at(&TokenKind::RBracket) {
                            return p.fail("an index expression");
                        }
                        let index = p.expr()?;
                        p.expect(TokenKind::RBracket, "`]` after the index")?;
                        Ok((index, safe, from_end))
                    })?;
                    ExprKind::Index {
                        base: Box::new(expr),
                        index: Box::new(index),
                        safe,
                        from_end,
                    }
                }
                TokenKind::DoubleColon => {
                    self.bump();
                    let name = self.ident("a child resource name after `::`")?;
                    ExprKind::ResourceAccess {
                        base: Box::new(expr),
                        name,
                    }
                }
                TokenKind::Bang => {
                    self.bump();
                    ExprKind::NonNull(Box::new(expr))
                }
                _ => return Ok(expr),
            };
            expr = Expr {
                kind,
                span: start..self.prev_end,
            };
        }
    }

    /// `(args)`; line breaks are insignificant inside.
    fn call_args(&mut self) -> PResult<Vec<Expr>> {
        self.bump();
        self.with_newlines(true, |p| {
            let mut args = Vec::new();
            loop {
                if p.eat(&TokenKind::RParen) {
                    return Ok(args);
                }
                args.push(p.expr()?);
                match p.kind() {
                    TokenKind::Comma => {
                        p.bump();
                    }
                    TokenKind::RParen => {}
                    _ => return p.fail("`,` or `)` after the argument"),
                }
            }
        })
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.start();
        let kind = match self.kind() {
            TokenKind::Int => {
                let token = self.bump();
                match self.token_text(&token).parse::<i64>() {
                    Ok(value) => ExprKind::Int(value),
                    Err(_) => {
                        self.error(
                            token.span,
                            "the integer is too large (the limit is 2^63 - 1)",
                        );
                        return Err(Abort);
                    }
                }
            }
            TokenKind::String { .. } => return self.string("a string"),
            TokenKind::LBrace => return self.object(false),
            TokenKind::LBracket => {
                let next = self.index_ahead(1);
                let mut after = next;
                while self.tokens[after].kind == TokenKind::NewLine {
                    after += 1;
                }
                return if self.is_keyword_at(after, &["for"]) {
                    self.for_expr(LoopBody::Expression)
                } else {
                    self.array()
                };
            }
            TokenKind::LParen => return self.paren_or_lambda(),
            TokenKind::Ident => {
                let text = self.token_text(self.peek());
                match text {
                    "true" | "false" => {
                        self.bump();
                        ExprKind::Bool(text == "true")
                    }
                    "null" => {
                        self.bump();
                        ExprKind::Null
                    }
                    _ if *self.nth_kind(1) == TokenKind::Arrow => {
                        let name = self.ident("a name")?;
                        self.bump();
                        let body = self.lambda_body()?;
                        let param_span = name.span.clone();
                        ExprKind::Lambda {
                            params: vec![LambdaParam {
                                name,
                                ty: None,
                                span: param_span,
                            }],
                            body: Box::new(body),
                        }
                    }
                    _ => {
                        let name = self.ident("a name")?;
                        if self.at(&TokenKind::LParen) {
                            let args = self.call_args()?;
                            ExprKind::Call {
                                callee: None,
                                name,
                                args,
                            }
                        } else {
                            ExprKind::Ident(name.name)
                        }
                    }
                }
            }
            _ => return self.fail("an expression"),
        };
        Ok(Expr {
            kind,
            span: start..self.prev_end,
        })
    }

    /// A string literal, with the expressions of its holes.
    fn string(&mut self, what: &str) -> PResult<Expr> {
        let piece = match self.kind() {
            TokenKind::String { piece, .. } => *piece,
            _ => return self.fail(what),
        };
        if !matches!(piece, StringPiece::Complete | StringPiece::Left) {
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
            let hole = self.with_newlines(false, |p| p.expr())?;
            parts.push(StringPart::Interp(hole));
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
            self.tokens.get(after).map(|t| &t.kind) == Some(&TokenKind::Arrow)
        })
    }

    fn paren_or_lambda(&mut self) -> PResult<Expr> {
        let start = self.start();
        if self.paren_is_lambda() {
            let params = self.lambda_params(false)?;
            self.expect(TokenKind::Arrow, "`=>` after the lambda parameters")?;
            let body = self.lambda_body()?;
            return Ok(Expr {
                kind: ExprKind::Lambda {
                    params,
                    body: Box::new(body),
                },
                span: start..self.prev_end,
            });
        }
        self.bump();
        let inner = self.with_newlines(true, |p| {
            let inner = p.expr()?;
            p.expect(TokenKind::RParen, "`)` to close the parenthesis")?;
            Ok(inner)
        })?;
        Ok(Expr {
            kind: ExprKind::Paren(Box::new(inner)),
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
        let items = self.with_newlines(false, |p| {
            let mut items = Vec::new();
            loop {
                p.skip_newlines();
                match p.kind() {
                    TokenKind::RBracket => {
                        p.bump();
                        return Ok(items);
                    }
                    TokenKind::Eof => return p.fail("`]` to close the array"),
                    _ => {}
                }
                if p.is_declaration_line(p.pos, false) {
                    return p.fail("`]` to close the array before the next declaration");
                }
                let item = if p.at(&TokenKind::Ellipsis) {
                    let spread_start = p.start();
                    p.bump();
                    p.expr().map(|expr| ArrayItem::Spread {
                        expr,
                        span: spread_start..p.prev_end,
                    })
                } else {
                    p.expr().map(ArrayItem::Value)
                };
                let item = item.and_then(|item| {
                    p.list_separator("the array item", &TokenKind::RBracket)?;
                    Ok(item)
                });
                match item {
                    Ok(item) => items.push(item),
                    Err(Abort) => p.recover_item(&TokenKind::RBracket, false)?,
                }
            }
        })?;
        Ok(Expr {
            kind: ExprKind::Array(items),
            span: start..self.prev_end,
        })
    }

    /// An object literal; `resource_body` allows child resource declarations in it.
    fn object(&mut self, resource_body: bool) -> PResult<Expr> {
        let start = self.start();
        self.bump();
        let items = self.with_newlines(false, |p| {
            let mut items = Vec::new();
            loop {
                p.skip_newlines();
                match p.kind() {
                    TokenKind::RBrace => {
                        p.bump();
                        return Ok(items);
                    }
                    TokenKind::Eof => return p.fail("`}` to close the object"),
                    _ => {}
                }
                if p.is_declaration_line(p.pos, resource_body) {
                    return p.fail("`}` to close the object before the next declaration");
                }
                let item = p.object_item(resource_body).and_then(|item| {
                    p.list_separator("the property", &TokenKind::RBrace)?;
                    Ok(item)
                });
                match item {
                    Ok(item) => items.push(item),
                    Err(Abort) => p.recover_item(&TokenKind::RBrace, resource_body)?,
                }
            }
        })?;
        Ok(Expr {
            kind: ExprKind::Object(ObjectLit { items }),
            span: start..self.prev_end,
        })
    }

    fn object_item(&mut self, resource_body: bool) -> PResult<ObjectItem> {
        let start = self.start();
        let decorators = self.decorators()?;
        if resource_body && self.at_keyword("resource") && *self.nth_kind(1) == TokenKind::Ident {
            let resource = self.nested(|p| p.resource(start, decorators))?;
            return Ok(ObjectItem::Resource(Box::new(resource)));
        }
        if self.at(&TokenKind::Ellipsis) {
            if !decorators.is_empty() {
                return self.fail("a property after the decorators");
            }
            self.bump();
            let expr = self.expr()?;
            return Ok(ObjectItem::Spread {
                expr,
                span: start..self.prev_end,
            });
        }
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
        self.with_newlines(false, |p| {
            p.skip_newlines();
            p.expect_keyword("for", "`for` after `[`")?;
            let (item, index, iterable) = p.with_newlines(true, |p| {
                let (item, index) = if p.eat(&TokenKind::LParen) {
                    let item = p.ident("the loop's item variable")?;
                    let index = if p.eat(&TokenKind::Comma) {
                        Some(p.ident("the loop's index variable after `,`")?)
                    } else {
                        None
                    };
                    p.expect(TokenKind::RParen, "`)` after the loop variables")?;
                    (item, index)
                } else {
                    (p.ident("a loop variable after `for`")?, None)
                };
                p.expect_keyword("in", "`in` after the loop variable")?;
                let iterable = p.expr()?;
                p.expect(TokenKind::Colon, "`:` after the loop's iterable")?;
                Ok((item, index, iterable))
            })?;
            p.skip_newlines();
            let body = match body_kind {
                LoopBody::Expression if p.at_keyword("if") && p.if_follows() => p.if_expr(false)?,
                LoopBody::Expression => p.expr()?,
                LoopBody::Module | LoopBody::Resource => {
                    let resource_body = body_kind == LoopBody::Resource;
                    match p.kind() {
                        TokenKind::LBrace => p.object(resource_body)?,
                        TokenKind::Ident if p.at_keyword("if") => p.if_expr(resource_body)?,
                        _ => return p.fail("`{` or `if` for the loop body"),
                    }
                }
            };
            p.skip_newlines();
            p.expect(TokenKind::RBracket, "`]` to close the `for` expression")?;
            Ok(Expr {
                kind: ExprKind::For {
                    item,
                    index,
                    iterable: Box::new(iterable),
                    body: Box::new(body),
                },
                span: start..p.prev_end,
            })
        })
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
        let cond = self.with_newlines(true, |p| {
            let cond = p.expr()?;
            p.expect(TokenKind::RParen, "`)` after the condition")?;
            Ok(cond)
        })?;
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
        self.nested(|p| p.union_type())
    }

    fn at_union_separator(&self) -> bool {
        self.at(&TokenKind::Pipe)
            || (self.tokens[self.pos].kind == TokenKind::NewLine
                && self.tokens[self.pos + 1].kind == TokenKind::Pipe)
    }

    fn union_type(&mut self) -> PResult<Type> {
        let start = if self.at_union_separator() {
            self.skip_newlines();
            self.start()
        } else {
            self.start()
        };
        let leading_pipe = self.eat(&TokenKind::Pipe);
        let first = self.unary_type()?;
        if !leading_pipe && !self.at_union_separator() {
            return Ok(first);
        }
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
        let start = self.start();
        let op = match self.kind() {
            TokenKind::Minus => Some(UnaryOp::Minus),
            TokenKind::Bang => Some(UnaryOp::Not),
            _ => None,
        };
        let mut ty = match op {
            Some(op) => {
                self.bump();
                let operand = self.member_type()?;
                let kind = match (op, &operand.kind) {
                    (UnaryOp::Minus, TypeKind::Literal(TypeLiteral::Int(value))) => {
                        TypeKind::Literal(TypeLiteral::Int(-value))
                    }
                    _ => TypeKind::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                };
                Type {
                    kind,
                    span: start..self.prev_end,
                }
            }
            None => self.member_type()?,
        };
        loop {
            let kind = match self.kind() {
                TokenKind::Question => {
                    self.bump();
                    TypeKind::Nullable(Box::new(ty))
                }
                TokenKind::Bang => {
                    self.bump();
                    TypeKind::NonNullable(Box::new(ty))
                }
                _ => return Ok(ty),
            };
            ty = Type {
                kind,
                span: start..self.prev_end,
            };
        }
    }

    fn member_type(&mut self) -> PResult<Type> {
        let mut ty = self.primary_type()?;
        let start = ty.span.start;
        loop {
            let kind = match self.kind() {
                TokenKind::LBracket => {
                    self.bump();
                    if self.eat(&TokenKind::RBracket) {
                        TypeKind::Array(Box::new(ty))
                    } else if self.eat(&TokenKind::Star) {
                        self.expect(TokenKind::RBracket, "`]` after `[*`")?;
                        TypeKind::Items(Box::new(ty))
                    } else {
                        let index = self.with_newlines(true, |p| {
                            let index = p.expr()?;
                            p.expect(TokenKind::RBracket, "`]` after the index")?;
                            Ok(index)
                        })?;
                        TypeKind::Index {
                            base: Box::new(ty),
                            index: Box::new(index),
                        }
                    }
                }
                TokenKind::Dot => {
                    self.bump();
                    if self.eat(&TokenKind::Star) {
                        TypeKind::AdditionalProperties(Box::new(ty))
                    } else {
                        let name = self.ident("a property name after `.`")?;
                        if self.at(&TokenKind::Less) {
                            let args = self.type_args()?;
                            Self::parameterized(Some(ty), name, args)
                        } else if let TypeKind::ResourceDerived {
                            kind,
                            type_string,
                            type_string_span,
                            mut path,
                        } = ty.kind
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
                                base: Box::new(ty),
                                name,
                            }
                        }
                    }
                }
                _ => return Ok(ty),
            };
            ty = Type {
                kind,
                span: start..self.prev_end,
            };
        }
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
        let start = self.start();
        let kind = match self.kind() {
            TokenKind::Int => {
                let token = self.bump();
                match self.token_text(&token).parse::<i64>() {
                    Ok(value) => TypeKind::Literal(TypeLiteral::Int(value)),
                    Err(_) => {
                        self.error(
                            token.span,
                            "the integer is too large (the limit is 2^63 - 1)",
                        );
                        return Err(Abort);
                    }
                }
            }
            TokenKind::String { .. } => {
                let string = self.string("a type")?;
                let Some(value) = string.as_str() else {
                    self.error(
                        string.span,
                        "a string type cannot use interpolation (`${...}`)",
                    );
                    return Err(Abort);
                };
                TypeKind::Literal(TypeLiteral::String(value))
            }
            TokenKind::LBrace => return self.object_type(),
            TokenKind::LBracket => return self.tuple_type(),
            TokenKind::LParen => {
                self.bump();
                let inner = self.with_newlines(true, |p| {
                    let inner = p.type_expr()?;
                    p.expect(TokenKind::RParen, "`)` to close the parenthesis")?;
                    Ok(inner)
                })?;
                TypeKind::Paren(Box::new(inner))
            }
            TokenKind::Ident => {
                let name = self.ident("a type")?;
                match name.name.as_str() {
                    "true" | "false" => TypeKind::Literal(TypeLiteral::Bool(name.name == "true")),
                    "null" => TypeKind::Literal(TypeLiteral::Null),
                    _ if self.at(&TokenKind::Less) => {
                        let args = self.type_args()?;
                        Self::parameterized(None, name, args)
                    }
                    _ => TypeKind::Ident(name),
                }
            }
            _ => return self.fail("a type"),
        };
        Ok(Type {
            kind,
            span: start..self.prev_end,
        })
    }

    fn object_type(&mut self) -> PResult<Type> {
        let start = self.start();
        self.bump();
        let (properties, additional) = self.with_newlines(false, |p| {
            let mut properties = Vec::new();
            let mut additional = None;
            loop {
                p.skip_newlines();
                match p.kind() {
                    TokenKind::RBrace => {
                        p.bump();
                        return Ok((properties, additional));
                    }
                    TokenKind::Eof => return p.fail("`}` to close the object type"),
                    _ => {}
                }
                if p.is_declaration_line(p.pos, false) {
                    return p.fail("`}` to close the object type before the next declaration");
                }
                let item = p.object_type_property().and_then(|item| {
                    p.list_separator("the property", &TokenKind::RBrace)?;
                    Ok(item)
                });
                match item {
                    Ok(Ok(property)) => properties.push(property),
                    Ok(Err(rest)) => additional = Some(Box::new(rest)),
                    Err(Abort) => p.recover_item(&TokenKind::RBrace, false)?,
                }
            }
        })?;
        Ok(Type {
            kind: TypeKind::Object {
                properties,
                additional,
            },
            span: start..self.prev_end,
        })
    }

    /// A property of an object type, or (`Err`) its `*: T` additional-properties type.
    fn object_type_property(
        &mut self,
    ) -> PResult<Result<ObjectTypeProperty, AdditionalPropertiesType>> {
        let start = self.start();
        let decorators = self.decorators()?;
        if self.eat(&TokenKind::Star) {
            self.expect(TokenKind::Colon, "`:` after `*`")?;
            let ty = self.type_expr()?;
            return Ok(Err(AdditionalPropertiesType {
                decorators,
                ty,
                span: start..self.prev_end,
            }));
        }
        let key = self.key()?;
        let optional = self.eat(&TokenKind::Question);
        self.expect(TokenKind::Colon, "`:` after the property name")?;
        let ty = self.type_expr()?;
        Ok(Ok(ObjectTypeProperty {
            decorators,
            key,
            optional,
            ty,
            span: start..self.prev_end,
        }))
    }

    fn tuple_type(&mut self) -> PResult<Type> {
        let start = self.start();
        self.bump();
        let items = self.with_newlines(false, |p| {
            let mut items = Vec::new();
            loop {
                p.skip_newlines();
                match p.kind() {
                    TokenKind::RBracket => {
                        p.bump();
                        return Ok(items);
                    }
                    TokenKind::Eof => return p.fail("`]` to close the tuple type"),
                    _ => {}
                }
                if p.is_declaration_line(p.pos, false) {
                    return p.fail("`]` to close the tuple type before the next declaration");
                }
                let item_start = p.start();
                let item = p
                    .decorators()
                    .and_then(|decorators| Ok((decorators, p.type_expr()?)))
                    .and_then(|item| {
                        p.list_separator("the tuple item", &TokenKind::RBracket)?;
                        Ok(item)
                    });
                match item {
                    Ok((decorators, ty)) => items.push(TupleTypeItem {
                        decorators,
                        span: item_start..ty.span.end,
                        ty,
                    }),
                    Err(Abort) => p.recover_item(&TokenKind::RBracket, false)?,
                }
            }
        })?;
        Ok(Type {
            kind: TypeKind::Tuple(items),
            span: start..self.prev_end,
        })
    }
}
