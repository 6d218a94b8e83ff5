//! The syntax tree of a Bicep (`.bicep`) or Bicep parameters (`.bicepparam`) file.
//!
//! Every node carries `span`: the byte offsets, in the file text, of the first and one past the
//! last character of the source it was read from (for a declaration: from its first decorator's
//! `@`, or its keyword, to the end of its value).
//!
//! Shape, for a walker:
//! - [`File`] is a list of [`Statement`]s, one per declaration, in source order. Each declaration
//!   struct holds its decorators, its name (an [`Ident`], with the name's own span), its type and
//!   its value.
//! - The `if` and `for` forms of resources and modules are kept in the value expression, not in
//!   dedicated statement fields: `resource r 'T@v' = if (c) {...}` has
//!   `value = Expr::If { cond, body: Object }`, and `= [for x in xs: {...}]` has
//!   `value = Expr::For { item, index, iterable, body }`, whose body is an `Object` or, for
//!   `[for x in xs: if (c) {...}]`, an `If`. [`ResourceDecl::body`] and [`ModuleDecl::body`] dig
//!   out the object literal whatever the form.
//! - Child resources declared inside a resource body are [`ObjectItem::Resource`] items of that
//!   body's object literal.
//! - Expressions are [`Expr`] (a [`ExprKind`] plus a span), types are [`Type`] (a [`TypeKind`]
//!   plus a span).
//! - A `.bicepparam` file uses the same nodes: `using` is [`Statement::Using`], and
//!   `param x = value` is a [`ParamDecl`] with no type and a value.

use std::ops::Range;

/// Byte offsets into the file text.
pub type Span = Range<usize>;

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub statements: Vec<Statement>,
    /// `#disable-next-line`, `#disable-diagnostics` and `#restore-diagnostics` lines.
    pub pragmas: Vec<Pragma>,
    pub span: Span,
}

/// A diagnostics pragma line such as `#disable-next-line no-unused-params`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pragma {
    pub kind: PragmaKind,
    /// The diagnostic codes listed after the keyword.
    pub codes: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PragmaKind {
    DisableNextLine,
    DisableDiagnostics,
    RestoreDiagnostics,
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One top-level declaration (or, for [`Statement::Resource`], also a nested one: see
/// [`ObjectItem::Resource`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `targetScope = 'subscription'`
    TargetScope(TargetScopeDecl),
    /// `metadata name = value`
    Metadata(MetadataDecl),
    /// `param name type = default` (Bicep) or `param name = value` (bicepparam).
    Param(ParamDecl),
    /// `var name = value`, `var name type = value`
    Var(VarDecl),
    /// `output name type = value`, `output name resource 'T@v' = value`
    Output(OutputDecl),
    /// `resource name 'T@v' [existing] = value`
    Resource(ResourceDecl),
    /// `module name 'path' = value`
    Module(ModuleDecl),
    /// `test name 'path' = {...}`
    Test(TestDecl),
    /// `type name = type`
    Type(TypeDecl),
    /// `func name(params) returnType => body`
    Func(FuncDecl),
    /// `import * as ns from 'x'`, `import { a, b as c } from 'x'`
    Import(ImportDecl),
    /// `extension name`, `extension 'br:...' with {...} as alias`, and the legacy forms
    /// `provider 'x@1.0.0'` and `import 'az@1.0.0'`.
    Extension(ExtensionDecl),
    /// `extensionConfig alias with {...}` (bicepparam)
    ExtensionConfig(ExtensionConfigDecl),
    /// `assert name = condition`
    Assert(AssertDecl),
    /// `using './main.bicep'`, `using none` (bicepparam)
    Using(UsingDecl),
    /// `extends './base.bicepparam'` (bicepparam)
    Extends(ExtendsDecl),
}

impl Statement {
    pub fn span(&self) -> &Span {
        match self {
            Statement::TargetScope(d) => &d.span,
            Statement::Metadata(d) => &d.span,
            Statement::Param(d) => &d.span,
            Statement::Var(d) => &d.span,
            Statement::Output(d) => &d.span,
            Statement::Resource(d) => &d.span,
            Statement::Module(d) => &d.span,
            Statement::Test(d) => &d.span,
            Statement::Type(d) => &d.span,
            Statement::Func(d) => &d.span,
            Statement::Import(d) => &d.span,
            Statement::Extension(d) => &d.span,
            Statement::ExtensionConfig(d) => &d.span,
            Statement::Assert(d) => &d.span,
            Statement::Using(d) => &d.span,
            Statement::Extends(d) => &d.span,
        }
    }

    pub fn decorators(&self) -> &[Decorator] {
        match self {
            Statement::TargetScope(d) => &d.decorators,
            Statement::Metadata(d) => &d.decorators,
            Statement::Param(d) => &d.decorators,
            Statement::Var(d) => &d.decorators,
            Statement::Output(d) => &d.decorators,
            Statement::Resource(d) => &d.decorators,
            Statement::Module(d) => &d.decorators,
            Statement::Test(d) => &d.decorators,
            Statement::Type(d) => &d.decorators,
            Statement::Func(d) => &d.decorators,
            Statement::Import(d) => &d.decorators,
            Statement::Extension(d) => &d.decorators,
            Statement::ExtensionConfig(d) => &d.decorators,
            Statement::Assert(d) => &d.decorators,
            Statement::Using(d) => &d.decorators,
            Statement::Extends(d) => &d.decorators,
        }
    }

    /// The declared symbol, for the declarations that have one.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Statement::Metadata(d) => Some(&d.name),
            Statement::Param(d) => Some(&d.name),
            Statement::Var(d) => Some(&d.name),
            Statement::Output(d) => Some(&d.name),
            Statement::Resource(d) => Some(&d.name),
            Statement::Module(d) => Some(&d.name),
            Statement::Test(d) => Some(&d.name),
            Statement::Type(d) => Some(&d.name),
            Statement::Func(d) => Some(&d.name),
            Statement::Extension(d) => d.alias.as_ref(),
            Statement::ExtensionConfig(d) => Some(&d.name),
            Statement::Assert(d) => Some(&d.name),
            Statement::TargetScope(_)
            | Statement::Import(_)
            | Statement::Using(_)
            | Statement::Extends(_) => None,
        }
    }
}

/// `@expr` before a declaration, an object property or an object type property. `expr` is an
/// identifier, a call, or a `.` chain of them (`@sys.description('x')`).
#[derive(Clone, Debug, PartialEq)]
pub struct Decorator {
    pub expr: Expr,
    pub span: Span,
}

impl Decorator {
    /// The decorator's name: `description` for `@description('x')` and for
    /// `@sys.description('x')`.
    pub fn name(&self) -> Option<&str> {
        match &self.expr.kind {
            ExprKind::Call { name, .. } => Some(&name.name),
            ExprKind::Ident(name) => Some(name),
            ExprKind::Member { name, .. } => Some(&name.name),
            _ => None,
        }
    }

    /// The namespace before the name: `sys` for `@sys.description('x')`.
    pub fn namespace(&self) -> Option<&str> {
        match &self.expr.kind {
            ExprKind::Call {
                callee: Some(base), ..
            }
            | ExprKind::Member { base, .. } => match &base.kind {
                ExprKind::Ident(name) => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The call's arguments (empty for a decorator written without parentheses).
    pub fn args(&self) -> &[Expr] {
        match &self.expr.kind {
            ExprKind::Call { args, .. } => args,
            _ => &[],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TargetScopeDecl {
    pub decorators: Vec<Decorator>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetadataDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// A parameter. In a `.bicep` file `ty` is always present and `value` is the default value; in
/// a `.bicepparam` file (`param name = value`) `ty` is `None` and `value` the assigned value.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub ty: Option<Type>,
    pub value: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VarDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    /// `var name type = value` (typed variables).
    pub ty: Option<Type>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutputDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    /// For `output name resource 'T@v' = ...` this is [`TypeKind::Resource`].
    pub ty: Type,
    pub value: Expr,
    pub span: Span,
}

/// `resource name 'Type@version' [existing] = value`, at top level or nested in a resource body.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    /// The `'Microsoft.X/y@2024-01-01'` string (for a nested resource it may be just the child
    /// type, such as `'subnets'`). Always an [`ExprKind::String`].
    pub type_string: Expr,
    pub existing: bool,
    /// An [`ExprKind::Object`], or an [`ExprKind::If`] or [`ExprKind::For`] around one.
    pub value: Expr,
    pub span: Span,
}

impl ResourceDecl {
    /// The resource body (the object literal), whatever the `if`/`for` form.
    pub fn body(&self) -> Option<&ObjectLit> {
        self.value.declaration_body()
    }
}

/// `module name 'path' = value`; the path is a relative path, `br:`/`br/alias:` registry
/// reference or `ts:` template spec.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    /// Always an [`ExprKind::String`].
    pub path: Expr,
    /// An [`ExprKind::Object`], or an [`ExprKind::If`] or [`ExprKind::For`] around one.
    pub value: Expr,
    pub span: Span,
}

impl ModuleDecl {
    /// The module body (the object literal), whatever the `if`/`for` form.
    pub fn body(&self) -> Option<&ObjectLit> {
        self.value.declaration_body()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub path: Expr,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub value: Type,
    pub span: Span,
}

/// `func name(a string, b int) returnType => body`
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub params: Vec<LambdaParam>,
    pub return_type: Type,
    pub body: Expr,
    pub span: Span,
}

/// A compile-time import.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportDecl {
    pub decorators: Vec<Decorator>,
    pub symbols: ImportSymbols,
    /// The `from` path or registry reference; always an [`ExprKind::String`].
    pub from: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportSymbols {
    /// `import * as alias from ...`
    Wildcard { alias: Ident },
    /// `import { a, b as c, 'd.e' as f } from ...`
    List(Vec<ImportedSymbol>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportedSymbol {
    /// The exported name (for a quoted name, its string value).
    pub name: Ident,
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionKeyword {
    Extension,
    /// Legacy `provider 'x@1.0.0'`.
    Provider,
    /// Legacy `import 'az@1.0.0'`.
    Import,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExtensionDecl {
    pub decorators: Vec<Decorator>,
    pub keyword: ExtensionKeyword,
    pub spec: ExtensionSpec,
    /// `with { ... }`
    pub config: Option<Expr>,
    /// `as alias`
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExtensionSpec {
    /// A built-in extension: `extension microsoftGraphV1`.
    Name(Ident),
    /// `extension 'br:mcr.microsoft.com/bicep/extensions/x:1.0'`; an [`ExprKind::String`].
    Reference(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExtensionConfigDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub config: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AssertDecl {
    pub decorators: Vec<Decorator>,
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UsingDecl {
    pub decorators: Vec<Decorator>,
    /// The template path; `None` for `using none`.
    pub path: Option<Expr>,
    /// `with { ... }`
    pub config: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExtendsDecl {
    pub decorators: Vec<Decorator>,
    pub path: Expr,
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A string, single-line (`'a${b}c'`) or multi-line (`'''...'''`, `$'''...${x}...'''`).
    /// Escapes are decoded. Empty literal pieces are left out: `''` has no parts.
    String {
        parts: Vec<StringPart>,
    },
    /// An integer literal; `-5` is read as `Int(-5)`.
    Int(i64),
    Bool(bool),
    Null,
    /// A reference to a symbol (parameter, variable, resource, loop variable, ...).
    Ident(String),
    Object(ObjectLit),
    Array(Vec<ArrayItem>),
    /// `base.name`; `safe` for `base.?name`.
    Member {
        base: Box<Expr>,
        name: Ident,
        safe: bool,
    },
    /// `base[index]`; `safe` for `base[?index]`, `from_end` for `base[^index]`.
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
        safe: bool,
        from_end: bool,
    },
    /// `name(args)` (`callee` is `None`), or `callee.name(args)`: a namespaced function
    /// (`sys.concat(...)`, `az.resourceGroup()`) or a method on a resource or value
    /// (`kv.getSecret('x')`, `sa.listKeys()`).
    Call {
        callee: Option<Box<Expr>>,
        name: Ident,
        args: Vec<Expr>,
    },
    /// `parent::child` (a nested resource of a resource).
    ResourceAccess {
        base: Box<Expr>,
        name: Ident,
    },
    /// Postfix non-null assertion `expr!`.
    NonNull(Box<Expr>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `cond ? then : otherwise`
    Ternary {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `x => body`, `(a, b) => body`, `() => body`, `(x string) => body`.
    Lambda {
        params: Vec<LambdaParam>,
        body: Box<Expr>,
    },
    /// `[for item in iterable: body]`, `[for (item, index) in iterable: body]`.
    For {
        item: Ident,
        index: Option<Ident>,
        iterable: Box<Expr>,
        body: Box<Expr>,
    },
    /// `if (cond) { ... }`: the condition of a resource or module body (also inside `for`).
    If {
        cond: Box<Expr>,
        body: Box<Expr>,
    },
    /// `(expr)`
    Paren(Box<Expr>),
}

impl Expr {
    /// The value of a string without interpolation.
    pub fn as_str(&self) -> Option<String> {
        match &self.kind {
            ExprKind::String { parts } => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        StringPart::Literal(text) => out.push_str(text),
                        StringPart::Interp(_) => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// The object literal of a resource or module value: the value itself, or the body inside
    /// its `if` and `for` forms.
    pub fn declaration_body(&self) -> Option<&ObjectLit> {
        match &self.kind {
            ExprKind::Object(object) => Some(object),
            ExprKind::If { body, .. } => body.declaration_body(),
            ExprKind::For { body, .. } => body.declaration_body(),
            _ => None,
        }
    }
}

/// One piece of a string: literal text, or the expression of a `${...}` hole.
#[derive(Clone, Debug, PartialEq)]
pub enum StringPart {
    Literal(String),
    Interp(Expr),
}

/// An object literal (also a resource or module body).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectLit {
    pub items: Vec<ObjectItem>,
}

impl ObjectLit {
    /// The properties, in order (skipping spreads and nested resources).
    pub fn properties(&self) -> impl Iterator<Item = &Property> {
        self.items.iter().filter_map(|item| match item {
            ObjectItem::Property(property) => Some(property),
            _ => None,
        })
    }

    /// The first property whose key is the literal `name` (keys are case-sensitive).
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties()
            .find(|property| property.key.as_str().as_deref() == Some(name))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ObjectItem {
    Property(Property),
    /// `...expr`; the span includes the `...`.
    Spread {
        expr: Expr,
        span: Span,
    },
    /// A child resource declared inside a resource body.
    Resource(Box<ResourceDecl>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub decorators: Vec<Decorator>,
    pub key: Key,
    pub value: Expr,
    pub span: Span,
}

/// An object property key.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// `name: value`
    Ident(Ident),
    /// `'name': value` or `'${expr}': value`; an [`ExprKind::String`].
    String(Expr),
}

impl Key {
    /// The key's text, unless it is an interpolated string.
    pub fn as_str(&self) -> Option<String> {
        match self {
            Key::Ident(ident) => Some(ident.name.clone()),
            Key::String(expr) => expr.as_str(),
        }
    }

    pub fn span(&self) -> &Span {
        match self {
            Key::Ident(ident) => &ident.span,
            Key::String(expr) => &expr.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArrayItem {
    Value(Expr),
    /// `...expr`; the span includes the `...`.
    Spread {
        expr: Expr,
        span: Span,
    },
}

/// A lambda or function parameter; `ty` is always present in a `func` declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaParam {
    pub name: Ident,
    pub ty: Option<Type>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Minus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Eq,
    NotEq,
    /// `=~` (case-insensitive equality)
    EqInsensitive,
    /// `!~`
    NotEqInsensitive,
    And,
    Or,
    /// `??`
    Coalesce,
}

impl BinaryOp {
    /// Binding strength: higher binds tighter. All binary operators are left-associative; the
    /// ternary `?:` binds looser than all of them.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 7,
            BinaryOp::Add | BinaryOp::Sub => 6,
            BinaryOp::Less | BinaryOp::LessEq | BinaryOp::Greater | BinaryOp::GreaterEq => 5,
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::EqInsensitive
            | BinaryOp::NotEqInsensitive => 4,
            BinaryOp::And => 3,
            BinaryOp::Or => 2,
            BinaryOp::Coalesce => 1,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEq => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::EqInsensitive => "=~",
            BinaryOp::NotEqInsensitive => "!~",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Coalesce => "??",
        }
    }
}

/// A type expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A type name: `string`, `int`, `bool`, `object`, `array`, `any`, or a declared or
    /// imported type.
    Ident(Ident),
    /// `base.name`: a namespaced type (`sys.string`, `types.myType` after `import * as types`)
    /// or a property of an object type (`myType.name`).
    Property { base: Box<Type>, name: Ident },
    /// `T[]`
    Array(Box<Type>),
    /// `'a' | 'b'`
    Union(Vec<Type>),
    /// `T?`
    Nullable(Box<Type>),
    /// `T!`
    NonNullable(Box<Type>),
    /// `{ a: string, b: int? }`; `*: T` gives `additional`.
    Object {
        properties: Vec<ObjectTypeProperty>,
        additional: Option<Box<AdditionalPropertiesType>>,
    },
    /// `[string, int]`
    Tuple(Vec<TupleTypeItem>),
    /// `'a'`, `1`, `-1`, `true`, `null`.
    Literal(TypeLiteral),
    /// `resourceInput<'Microsoft.X/y@2024-01-01'>.properties.subnets` and `resourceOutput<...>`
    /// (also with the `sys.` prefix), with the property path after it.
    ResourceDerived {
        kind: ResourceDerivedKind,
        /// The `'Type@version'` value.
        type_string: String,
        type_string_span: Span,
        path: Vec<Ident>,
    },
    /// Any other `name<args>` (or `base.name<args>`).
    Parameterized {
        base: Option<Box<Type>>,
        name: Ident,
        args: Vec<Type>,
    },
    /// `T[0]`
    Index { base: Box<Type>, index: Box<Expr> },
    /// `T[*]` (the element type of an array type)
    Items(Box<Type>),
    /// `T.*` (the additional-properties type of an object type)
    AdditionalProperties(Box<Type>),
    /// `resource 'Type@version'` in a parameter or output; outputs may leave out the string.
    /// Always an [`ExprKind::String`].
    Resource { type_string: Option<Box<Expr>> },
    /// `!T`, `-T` on a type (only meaningful on literals; `-1` is read as a literal).
    Unary { op: UnaryOp, operand: Box<Type> },
    /// `(T)`
    Paren(Box<Type>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceDerivedKind {
    Input,
    Output,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeLiteral {
    /// A string literal type (interpolation is not allowed in types; holes are dropped).
    String(String),
    Int(i64),
    Bool(bool),
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObjectTypeProperty {
    pub decorators: Vec<Decorator>,
    pub key: Key,
    /// Written `name?: T` (Bicep itself writes optional properties as `name: T?`).
    pub optional: bool,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdditionalPropertiesType {
    pub decorators: Vec<Decorator>,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TupleTypeItem {
    pub decorators: Vec<Decorator>,
    pub ty: Type,
    pub span: Span,
}
