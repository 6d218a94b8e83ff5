//! The files fixes edit, seen as the objects they hold (an HCL block body, a Bicep or JSON
//! object), each with its members' byte ranges, so that a literal can be replaced and a
//! member added or removed in the file's own layout.

use super::Edit;
use crate::frontend::bicep::ast;
use crate::source::{FileId, SourceMap, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Hcl,
    Bicep,
    Json,
}

/// An attribute, nested block or object property.
#[derive(Clone, Debug)]
pub struct Member {
    pub key: String,
    /// The whole member: key through value (an HCL block from its type to its `}`).
    pub span: Range<usize>,
    pub value: Range<usize>,
}

/// An HCL block body or an object literal.
#[derive(Clone, Debug)]
pub struct Object {
    /// HCL: the block (type to `}`); Bicep and JSON: the braces.
    pub span: Range<usize>,
    /// Where a declaration's origin points: an HCL block's type, a Bicep resource's symbolic
    /// name; else the `{`.
    pub anchor: usize,
    /// HCL: the block's type and labels (`resource`, `azurerm_key_vault`, `kv`).
    pub labels: Vec<String>,
    pub open: usize,
    pub close: usize,
    pub members: Vec<Member>,
}

/// A Bicep `param`/`var` or an ARM parameter/variable of the file, with its value (a
/// parameter's default).
#[derive(Clone, Debug)]
pub struct Definition {
    pub parameter: bool,
    pub name: String,
    pub value: Option<Range<usize>>,
}

/// A value a fix writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Str(String),
    /// An expression copied as written (the account's `name` for its subdomain).
    Expr(String),
    Object(Vec<(&'static str, Value)>),
    List(Vec<Value>),
}

pub struct Doc<'a> {
    pub file: FileId,
    pub lang: Lang,
    pub text: &'a str,
    pub objects: Vec<Object>,
    pub definitions: Vec<Definition>,
    /// JSON: the ranges of nested deployments' templates (their parameters are their own).
    pub nested_templates: Vec<Range<usize>>,
    /// One level of indentation as the file writes it (a tab, or its narrowest space indent).
    unit: String,
}

/// Parsed files, each once.
pub struct Documents<'a> {
    pub sources: &'a SourceMap,
    parsed: RefCell<HashMap<FileId, Result<Rc<Doc<'a>>, String>>>,
    /// The Terraform files of each directory, built on first use.
    terraform_files: std::cell::OnceCell<HashMap<&'a std::path::Path, Vec<FileId>>>,
}

impl<'a> Documents<'a> {
    pub fn new(sources: &'a SourceMap) -> Documents<'a> {
        Documents {
            sources,
            parsed: RefCell::new(HashMap::new()),
            terraform_files: std::cell::OnceCell::new(),
        }
    }

    /// The `.tf` and `.tf.json` files beside `file` (its module's files).
    pub fn terraform_files_beside(&self, file: FileId) -> &[FileId] {
        let index = self.terraform_files.get_or_init(|| {
            let mut index: HashMap<&std::path::Path, Vec<FileId>> = HashMap::new();
            for i in 0..self.sources.len() {
                let id = FileId(i as u32);
                let source = self.sources.get(id);
                let name = source.path.to_string_lossy();
                if (name.ends_with(".tf") || name.ends_with(".tf.json"))
                    && let Some(dir) = source.path.parent()
                {
                    index.entry(dir).or_default().push(id);
                }
            }
            index
        });
        self.sources
            .get(file)
            .path
            .parent()
            .and_then(|dir| index.get(dir))
            .map_or(&[], Vec::as_slice)
    }

    /// The file as a document, or why it is not edited.
    pub fn get(&self, file: FileId) -> Result<Rc<Doc<'a>>, String> {
        self.parsed
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| parse(self.sources, file).map(Rc::new))
            .clone()
    }
}

fn parse(sources: &SourceMap, file: FileId) -> Result<Doc<'_>, String> {
    let source = sources.get(file);
    let path = &source.display_path;
    if source.vendored {
        return Err(format!(
            "`{path}` is a restored copy of someone else's module; fix it upstream or pass the value from your own files"
        ));
    }
    if source.translation.is_some() {
        return Err(format!(
            "`{path}` is Terraform JSON syntax, which --fix does not edit"
        ));
    }
    let text = source.text.as_str();
    let name = source.path.to_string_lossy().to_ascii_lowercase();
    let mut doc = Doc {
        file,
        lang: Lang::Hcl,
        text,
        objects: Vec::new(),
        definitions: Vec::new(),
        nested_templates: Vec::new(),
        unit: indent_unit(text),
    };
    if name.ends_with(".tf") || name.ends_with(".tfvars") {
        let body =
            hcl_edit::parser::parse_body(text).map_err(|_| format!("`{path}` does not parse"))?;
        hcl_objects(&body, text, &mut doc.objects);
    } else if name.ends_with(".bicep") || name.ends_with(".bicepparam") {
        doc.lang = Lang::Bicep;
        let (parsed, errors) = crate::frontend::bicep::parse(text);
        if !errors.is_empty() {
            return Err(format!("`{path}` does not parse"));
        }
        bicep_file(&parsed, text, &mut doc);
    } else if name.ends_with(".json") {
        doc.lang = Lang::Json;
        let root = crate::json::parse(text, file)
            .ok()
            .flatten()
            .ok_or_else(|| format!("`{path}` does not parse"))?;
        if root.get("planned_values").is_some() || root.get("resource_changes").is_some() {
            return Err(format!(
                "`{path}` is a Terraform plan; fix the configuration it was made from"
            ));
        }
        json_file(&root, text, &mut doc);
    } else {
        return Err(format!("--fix does not edit `{path}`"));
    }
    Ok(doc)
}

/// Whether `text` is a literal in `lang`.
pub fn is_literal(lang: Lang, text: &str) -> bool {
    let text = text.trim();
    if matches!(text, "true" | "false") || text.parse::<i64>().is_ok() {
        return true;
    }
    let quote = match lang {
        Lang::Bicep => '\'',
        _ => '"',
    };
    let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) else {
        return false;
    };
    let interpolated = match lang {
        Lang::Hcl => inner.contains("${") || inner.contains("%{"),
        Lang::Bicep => inner.contains("${"),
        Lang::Json => inner.starts_with('[') && !inner.starts_with("[["),
    };
    !interpolated && !inner.contains(quote) && !inner.contains('\\')
}

fn indent_unit(text: &str) -> String {
    if text.lines().any(|l| l.starts_with('\t')) {
        return "\t".to_string();
    }
    let narrowest = text
        .lines()
        .map(|l| (l, l.trim_start()))
        .filter(|(_, t)| !t.is_empty() && !t.starts_with(['#', '/', '*']))
        .map(|(l, t)| l.len() - t.len())
        .filter(|&n| n > 0)
        .min()
        .unwrap_or(2);
    " ".repeat(narrowest.min(8))
}

fn hcl_objects(body: &hcl_edit::structure::Body, text: &str, out: &mut Vec<Object>) {
    use hcl_edit::Span as _;
    use hcl_edit::structure::Structure;
    for block in body.blocks() {
        let Some(span) = block.span() else { continue };
        let header_end = block
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| block.ident.span())
            .map_or(span.start, |r| r.end);
        let Some(open) = text[header_end..span.end].find('{').map(|i| i + header_end) else {
            continue;
        };
        let close = span.end - 1;
        if text.as_bytes().get(close) != Some(&b'}') {
            continue;
        }
        let members = block
            .body
            .iter()
            .filter_map(|structure| match structure {
                Structure::Attribute(a) => Some(Member {
                    key: a.key.as_str().to_string(),
                    span: a.span()?,
                    value: a.value.span()?,
                }),
                Structure::Block(b) => Some(Member {
                    key: b.ident.as_str().to_string(),
                    span: b.span()?,
                    value: b.span()?,
                }),
            })
            .collect();
        let mut labels = vec![block.ident.as_str().to_string()];
        labels.extend(block.labels.iter().map(|l| l.as_str().to_string()));
        out.push(Object {
            anchor: span.start,
            span,
            labels,
            open,
            close,
            members,
        });
        hcl_objects(&block.body, text, out);
    }
}

fn bicep_file(file: &ast::File, text: &str, doc: &mut Doc) {
    for statement in &file.statements {
        match statement {
            ast::Statement::Param(p) => {
                doc.definitions.push(Definition {
                    parameter: true,
                    name: p.name.name.clone(),
                    value: p.value.as_ref().map(|v| v.span.clone()),
                });
                if let Some(value) = &p.value {
                    bicep_expr(value, None, text, &mut doc.objects);
                }
            }
            ast::Statement::Var(v) => {
                doc.definitions.push(Definition {
                    parameter: false,
                    name: v.name.name.clone(),
                    value: Some(v.value.span.clone()),
                });
                bicep_expr(&v.value, None, text, &mut doc.objects);
            }
            ast::Statement::Resource(r) => bicep_resource(r, text, &mut doc.objects),
            ast::Statement::Module(m) => bicep_expr(&m.value, None, text, &mut doc.objects),
            _ => {}
        }
    }
}

fn bicep_resource(r: &ast::ResourceDecl, text: &str, out: &mut Vec<Object>) {
    bicep_expr(&r.value, Some(r.name.span.start), text, out);
}

/// The objects of an expression; `anchor`: the symbolic name of the resource whose body it is.
fn bicep_expr(expr: &ast::Expr, anchor: Option<usize>, text: &str, out: &mut Vec<Object>) {
    use ast::ExprKind as K;
    match &expr.kind {
        K::Object(object) => {
            let members = object
                .properties()
                .filter_map(|p| {
                    Some(Member {
                        key: p.key.as_str()?,
                        span: p.span.clone(),
                        value: p.value.span.clone(),
                    })
                })
                .collect();
            let span = expr.span.clone();
            if text.as_bytes().get(span.start) == Some(&b'{')
                && text.as_bytes().get(span.end.saturating_sub(1)) == Some(&b'}')
            {
                out.push(Object {
                    anchor: anchor.unwrap_or(span.start),
                    open: span.start,
                    close: span.end - 1,
                    span,
                    labels: Vec::new(),
                    members,
                });
            }
            for item in &object.items {
                match item {
                    ast::ObjectItem::Property(p) => bicep_expr(&p.value, None, text, out),
                    ast::ObjectItem::Resource(r) => bicep_resource(r, text, out),
                    ast::ObjectItem::Spread { .. } => {}
                }
            }
        }
        K::Array(items) => {
            for item in items {
                if let ast::ArrayItem::Value(v) = item {
                    bicep_expr(v, None, text, out);
                }
            }
        }
        K::If { body, .. } => bicep_expr(body, anchor, text, out),
        K::For { body, .. } => bicep_expr(body, anchor, text, out),
        K::Paren(inner) => bicep_expr(inner, anchor, text, out),
        _ => {}
    }
}

fn json_file(root: &crate::json::Spanned, text: &str, doc: &mut Doc) {
    for (name, parameter) in root
        .get_ignore_case("parameters")
        .map_or(&[][..], |p| p.members())
    {
        doc.definitions.push(Definition {
            parameter: true,
            name: name.clone(),
            value: parameter
                .get_ignore_case("defaultValue")
                .map(|d| range(d.span)),
        });
    }
    for (name, value) in root
        .get_ignore_case("variables")
        .map_or(&[][..], |v| v.members())
    {
        doc.definitions.push(Definition {
            parameter: false,
            name: name.clone(),
            value: Some(range(value.span)),
        });
    }
    json_objects(root, text, doc, true);
}

fn json_objects(node: &crate::json::Spanned, text: &str, doc: &mut Doc, root: bool) {
    use crate::json::Json;
    match &node.value {
        Json::Object(members) => {
            let span = range(node.span);
            if !root && node.get("$schema").is_some() && node.get("resources").is_some() {
                doc.nested_templates.push(span.clone());
            }
            let members = members
                .iter()
                .map(|(key, value)| {
                    let value = range(value.span);
                    Member {
                        key: key.clone(),
                        span: json_key_start(text, value.start)..value.end,
                        value,
                    }
                })
                .collect();
            doc.objects.push(Object {
                anchor: span.start,
                open: span.start,
                close: span.end - 1,
                span,
                labels: Vec::new(),
                members,
            });
            for (_, value) in node.members() {
                json_objects(value, text, doc, false);
            }
        }
        Json::Array(items) => {
            for item in items {
                json_objects(item, text, doc, false);
            }
        }
        _ => {}
    }
}

fn range(span: Span) -> Range<usize> {
    span.start as usize..span.end as usize
}

/// The start of the quoted key before a member's value (`"key": value`).
fn json_key_start(text: &str, value_start: usize) -> usize {
    let before = text[..value_start].trim_end();
    let Some(before) = before.strip_suffix(':') else {
        return value_start;
    };
    let before = before.trim_end();
    match before.strip_suffix('"').and_then(|b| b.rfind('"')) {
        Some(quote) => quote,
        None => value_start,
    }
}

impl Doc<'_> {
    pub fn slice(&self, range: &Range<usize>) -> &str {
        &self.text[range.clone()]
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    /// The object a declaration's origin points at: an HCL block or Bicep resource by its
    /// anchor, else the innermost object around it.
    pub fn declaration(&self, origin: Span) -> Option<&Object> {
        let at = origin.start as usize;
        self.objects
            .iter()
            .find(|o| o.anchor == at && (self.lang != Lang::Json))
            .or_else(|| {
                self.objects
                    .iter()
                    .filter(|o| o.span.start <= at && at < o.span.end)
                    .min_by_key(|o| o.span.len())
            })
    }

    /// The declaration, when `origin` is the object itself (an ARM inline subnet) or one of its
    /// values (an ARM resource's `name`): never an object `origin` is only a key of (a symbolic template's
    /// `resources` map), whose members are other resources.
    pub fn resource(&self, origin: Span) -> Option<&Object> {
        let object = self.declaration(origin)?;
        let at = origin.start as usize;
        let valued = self.lang != Lang::Json
            || object.span.start == at
            || object
                .members
                .iter()
                .any(|m| m.value.start <= at && at < m.value.end);
        valued.then_some(object)
    }

    pub fn member<'o>(&self, object: &'o Object, key: &str) -> Option<&'o Member> {
        object
            .members
            .iter()
            .find(|m| m.key.eq_ignore_ascii_case(key))
    }

    /// The object a member holds (an HCL nested block, an object value).
    pub fn child(&self, object: &Object, key: &str) -> Option<&Object> {
        let member = self.member(object, key)?;
        self.objects.iter().find(|o| o.span == member.value)
    }

    /// The definition a whole expression refers to: a Bicep identifier, ARM
    /// `[parameters('x')]` or `[variables('x')]`.
    pub fn referenced(&self, range: &Range<usize>) -> Option<&Definition> {
        let text = self.slice(range).trim();
        let (parameter, name) = match self.lang {
            Lang::Bicep => (None, text),
            Lang::Json => {
                let inner = text.strip_prefix("\"[")?.strip_suffix("]\"")?.trim();
                let (function, rest) = inner.split_once('(')?;
                let name = rest.strip_suffix(')')?.trim();
                let name = name.strip_prefix('\'')?.strip_suffix('\'')?;
                match function.trim().to_ascii_lowercase().as_str() {
                    "parameters" => (Some(true), name),
                    "variables" => (Some(false), name),
                    _ => return None,
                }
            }
            Lang::Hcl => return None,
        };
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        self.definitions.iter().find(|d| {
            parameter.is_none_or(|p| p == d.parameter)
                && match self.lang {
                    Lang::Json => d.name.eq_ignore_ascii_case(name),
                    _ => d.name == name,
                }
        })
    }

    /// Whether the text at `range` is a literal (a bool, a whole number, a string without
    /// interpolation or, in ARM, without an expression).
    pub fn is_literal(&self, range: &Range<usize>) -> bool {
        is_literal(self.lang, self.slice(range))
    }

    /// `value` as this language writes it; a multi-line value's later lines start with `indent`.
    pub fn render(&self, value: &Value, indent: &str) -> String {
        let inner = format!("{indent}{}", self.unit);
        match value {
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Expr(e) => e.clone(),
            Value::Str(s) => match self.lang {
                Lang::Bicep => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
                _ => serde_json::Value::String(s.clone()).to_string(),
            },
            Value::List(items) => match self.lang {
                Lang::Hcl => {
                    let items: Vec<String> = items.iter().map(|i| self.render(i, indent)).collect();
                    format!("[{}]", items.join(", "))
                }
                _ => {
                    let separator = if self.lang == Lang::Json { "," } else { "" };
                    let items: Vec<String> = items
                        .iter()
                        .map(|i| format!("{inner}{}", self.render(i, &inner)))
                        .collect();
                    format!("[\n{}\n{indent}]", items.join(&format!("{separator}\n")))
                }
            },
            Value::Object(members) => {
                let lines: Vec<String> = members
                    .iter()
                    .map(|(key, value)| {
                        format!("{inner}{}", self.render_member(key, value, &inner, members))
                    })
                    .collect();
                let separator = if self.lang == Lang::Json { ",\n" } else { "\n" };
                format!("{{\n{}\n{indent}}}", lines.join(separator))
            }
        }
    }

    /// `key = value` (HCL; an object is a nested block), `key: value` (Bicep), `"key": value`.
    /// `siblings`: the members written with it, whose keys HCL aligns.
    fn render_member(
        &self,
        key: &str,
        value: &Value,
        indent: &str,
        siblings: &[(&'static str, Value)],
    ) -> String {
        match (self.lang, value) {
            (Lang::Hcl, Value::Object(_)) => format!("{key} {}", self.render(value, indent)),
            (Lang::Hcl, _) => {
                let width = siblings
                    .iter()
                    .filter(|(_, v)| !matches!(v, Value::Object(_)))
                    .map(|(k, _)| k.len())
                    .max()
                    .unwrap_or(key.len());
                format!("{key:<width$} = {}", self.render(value, indent))
            }
            (Lang::Bicep, _) => format!("{key}: {}", self.render(value, indent)),
            (Lang::Json, _) => format!("\"{key}\": {}", self.render(value, indent)),
        }
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The offset after the newline ending the line of `offset`.
    fn line_end(&self, offset: usize) -> usize {
        self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i + 1)
    }

    fn indent_of(&self, offset: usize) -> &str {
        let start = self.line_start(offset);
        let line = &self.text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// Adds `key` with `value` to `object`, after its last attribute (HCL scalar) or member,
    /// in the object's indentation.
    pub fn insert(
        &self,
        object: &Object,
        key: &'static str,
        value: &Value,
    ) -> Result<Edit, String> {
        let block = self.lang == Lang::Hcl && matches!(value, Value::Object(_));
        let after = object
            .members
            .iter()
            .rev()
            .find(|m| block || self.lang != Lang::Hcl || m.span != m.value)
            .or(object.members.last());
        let Some(last) = after else {
            return self.insert_into_empty(object, key, value);
        };
        let indent = self.indent_of(last.span.start).to_string();
        if self.line_start(last.span.start) <= object.open {
            // One line (`{ family: 'A', name: 'premium' }`): a scalar joins it.
            return match (self.lang, value) {
                (Lang::Bicep | Lang::Json, Value::Bool(_) | Value::Int(_) | Value::Str(_)) => {
                    Ok(Edit {
                        span: self.span(last.span.end..last.span.end),
                        content: format!(", {}", self.render_member(key, value, "", &[])),
                    })
                }
                _ => Err(format!(
                    "the object is written on one line; add `{key}` by hand"
                )),
            };
        }
        let mut member = self.render_member(key, value, &indent, &[]);
        if self.lang == Lang::Hcl
            && !block
            && let Some(equals) = self.slice(&last.span).find('=')
        {
            // Align `=` with the attribute above when the key fits, as `terraform fmt` does.
            let column = self
                .slice(&(self.line_start(last.span.start)..last.span.start))
                .len()
                + equals;
            let width = column.saturating_sub(indent.len()).max(key.len() + 1);
            member = format!("{key:<width$}= {}", self.render(value, &indent));
        }
        if self.lang == Lang::Json {
            return Ok(Edit {
                span: self.span(last.span.end..last.span.end),
                content: format!(",\n{indent}{member}"),
            });
        }
        let at = self.line_end(last.span.end);
        if at > object.close {
            return Err(format!(
                "the block closes on the line of its last attribute; add `{key}` by hand"
            ));
        }
        let blank = if block { "\n" } else { "" };
        Ok(Edit {
            span: self.span(at..at),
            content: format!("{blank}{indent}{member}\n"),
        })
    }

    fn insert_into_empty(
        &self,
        object: &Object,
        key: &'static str,
        value: &Value,
    ) -> Result<Edit, String> {
        let outer = self.indent_of(object.close).to_string();
        let indent = format!("{outer}{}", self.unit);
        let member = self.render_member(key, value, &indent, &[]);
        let between = &self.text[object.open + 1..object.close];
        if between.trim().is_empty() {
            Ok(Edit {
                span: self.span(object.open + 1..object.close),
                content: format!("\n{indent}{member}\n{outer}"),
            })
        } else {
            Err(format!(
                "the object holds only comments or spreads; add `{key}` by hand"
            ))
        }
    }

    /// Removes a member with its line(s), or its comma in JSON.
    pub fn remove(&self, member: &Member) -> Result<Edit, String> {
        let start = self.line_start(member.span.start);
        let alone_before = self.text[start..member.span.start].trim().is_empty();
        let rest = &self.text[member.span.end..];
        let (comma, rest_of_line) = match rest.trim_start_matches([' ', '\t']).strip_prefix(',') {
            Some(after) if self.lang == Lang::Json => (true, after),
            _ => (false, rest),
        };
        let alone_after = rest_of_line
            .split('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty());
        if !alone_before || !alone_after {
            return Err(format!(
                "`{}` shares its line; remove it by hand",
                member.key
            ));
        }
        if self.lang == Lang::Json && !comma {
            // The last member: its comma is the one before it.
            let before = self.text[..member.span.start].trim_end();
            if before.ends_with(',') {
                let from = before.len() - 1;
                return Ok(Edit {
                    span: self.span(from..member.span.end),
                    content: String::new(),
                });
            }
        }
        Ok(Edit {
            span: self.span(start..self.line_end(member.span.end)),
            content: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn edited(name: &str, text: &str, edit: impl Fn(&Doc) -> Result<Edit, String>) -> String {
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new(name.into(), name.into(), text.into()));
        let docs = Documents::new(&sources);
        let doc = docs.get(file).expect("parses");
        let edit = edit(&doc).expect("an edit");
        let mut out = text.to_string();
        out.replace_range(
            edit.span.start as usize..edit.span.end as usize,
            &edit.content,
        );
        out
    }

    #[test]
    fn an_hcl_attribute_is_added_after_the_last_one_aligned_with_it() {
        let text = "resource \"a\" \"b\" {\n  name     = \"x\" # kept\n  sku_name = \"y\"\n\n  nested {\n    k = 1\n  }\n}\n";
        let out = edited("main.tf", text, |doc| {
            let block = doc.declaration(doc.span(0..8)).expect("block");
            doc.insert(block, "tier", &Value::Bool(true))
        });
        assert_eq!(
            out,
            "resource \"a\" \"b\" {\n  name     = \"x\" # kept\n  sku_name = \"y\"\n  tier     = true\n\n  nested {\n    k = 1\n  }\n}\n"
        );
    }

    #[test]
    fn an_hcl_block_is_added_at_the_end_of_the_block_after_a_blank_line() {
        let text = "resource \"a\" \"b\" {\n    name = \"x\"\n}\n";
        let out = edited("main.tf", text, |doc| {
            let block = doc.declaration(doc.span(0..8)).expect("block");
            let identity = Value::Object(vec![("type", Value::Str("SystemAssigned".into()))]);
            doc.insert(block, "identity", &identity)
        });
        assert_eq!(
            out,
            "resource \"a\" \"b\" {\n    name = \"x\"\n\n    identity {\n        type = \"SystemAssigned\"\n    }\n}\n"
        );
    }

    #[test]
    fn a_json_member_is_added_after_the_last_with_a_comma_and_the_last_removed_with_its_comma() {
        let text = "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2\n  }\n}\n";
        let added = edited("t.json", text, |doc| {
            let root = doc.declaration(doc.span(0..1)).expect("root");
            doc.insert(root, "d", &Value::Str("x".into()))
        });
        assert_eq!(
            added,
            "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2\n  },\n  \"d\": \"x\"\n}\n"
        );
        let removed = edited("t.json", text, |doc| {
            let root = doc.declaration(doc.span(0..1)).expect("root");
            doc.remove(doc.member(root, "b").expect("b"))
        });
        assert_eq!(removed, "{\n  \"a\": 1\n}\n");
    }

    #[test]
    fn a_bicep_property_joins_a_one_line_object_and_a_list_is_written_on_lines() {
        let text = "resource kv 'Microsoft.KeyVault/vaults@2024-11-01' = {\n  name: 'kv'\n  sku: { family: 'A' }\n}\n";
        let one_line = edited("main.bicep", text, |doc| {
            let body = doc.declaration(doc.span(9..11)).expect("body");
            let sku = doc.child(body, "sku").expect("sku");
            doc.insert(sku, "name", &Value::Str("premium".into()))
        });
        assert!(
            one_line.contains("sku: { family: 'A', name: 'premium' }"),
            "{one_line}"
        );
        let list = edited("main.bicep", text, |doc| {
            let body = doc.declaration(doc.span(9..11)).expect("body");
            doc.insert(body, "tags", &Value::List(vec![Value::Str("a".into())]))
        });
        assert!(
            list.contains("  sku: { family: 'A' }\n  tags: [\n    'a'\n  ]\n}"),
            "{list}"
        );
    }

    #[test]
    fn literals_are_told_from_expressions_per_language() {
        let mut sources = SourceMap::default();
        let text = "{\"a\": \"[parameters('x')]\", \"b\": \"[[x]\", \"c\": \"v\", \"d\": false}";
        let file = sources.add(SourceFile::new(
            "t.json".into(),
            "t.json".into(),
            text.into(),
        ));
        let docs = Documents::new(&sources);
        let doc = docs.get(file).expect("parses");
        let root = doc.declaration(doc.span(0..1)).expect("root");
        let literal = |key: &str| doc.is_literal(&doc.member(root, key).expect("member").value);
        assert!(!literal("a"));
        assert!(literal("b") && literal("c") && literal("d"));
        let referenced = doc.referenced(&doc.member(root, "a").expect("a").value);
        assert!(referenced.is_none(), "no parameter x is declared");
    }
}
