//! The fix of each fixable rule, from the finding and the files.

use super::document::{self, Doc, Documents, Lang, Object, Value};
use super::{Applicability, Edit, Fix};
use crate::domain::{AGENT_SUBNET_DELEGATION, CMK_MINIMUM_KEY_SIZE};
use crate::engine::Finding;
use crate::source::Span;
use std::ops::Range;

/// What the agent subnet's delegation allows the service to do (what Azure sets for it).
const DELEGATION_ACTION: &str = "Microsoft.Network/virtualNetworks/subnets/join/action";

pub fn fix(finding: &Finding, docs: &Documents) -> Result<Fix, String> {
    let (mut title, edits) = match finding.rule.code {
        "FL601" => purge_protection(finding, docs)?,
        "FL602" => (
            "turn soft delete on".to_string(),
            set(finding, docs, finding.span, &Value::Bool(true))?,
        ),
        "FL606" => key_type(finding, docs)?,
        "FL304" => custom_subdomain(finding, docs)?,
        "FL605" => identity(finding, docs)?,
        "FL301" => delegation(finding, docs)?,
        other => return Err(format!("{other} has no fix")),
    };
    say_where(&mut title, &edits, finding, docs);
    // A new identity holds no key permission yet (FL604 then reports it), and whether to grant
    // one by role or by access policy is the user's choice: adding it alone is not safe.
    let applicability = match finding.rule.code {
        "FL605" => Applicability::Unsafe,
        _ => Applicability::Safe,
    };
    Ok(Fix {
        title,
        applicability,
        edits,
    })
}

/// A value replaced away from the finding (a variable's default, a tfvars line) says where.
fn say_where(title: &mut String, edits: &[Edit], finding: &Finding, docs: &Documents) {
    if let Some(first) = edits.first()
        && first.span.start < first.span.end
        && (first.span.file != finding.span.file
            || first.span.start < finding.span.start
            || first.span.end > finding.span.end)
    {
        let file = docs.sources.get(first.span.file);
        let line = file.line_col(first.span.start).line;
        title.push_str(&format!(" at {}:{line}", file.display_path));
    }
}

/// Writes the free range a sizing or overlap finding suggests in place of the prefix it is
/// about, where that prefix's literal is written.
pub fn use_free_range(
    finding: &Finding,
    docs: &Documents,
    range: &crate::engine::SuggestedRange,
) -> Result<Fix, String> {
    let prefix = range.prefix.to_string();
    let mut title = format!("use the free range {prefix}");
    let edits = set(finding, docs, range.span, &Value::Str(prefix))?;
    say_where(&mut title, &edits, finding, docs);
    Ok(Fix {
        title,
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// The declaration the finding is about (the header its origin points at).
fn declaration(finding: &Finding) -> Span {
    finding.scopes.first().copied().unwrap_or(finding.span)
}

fn range(span: Span) -> Range<usize> {
    span.start as usize..span.end as usize
}

/// The object of the declaration, and the object its settings live in: the HCL block itself,
/// or `properties` of an ARM or Bicep resource.
fn declaration_object<'d>(
    doc: &'d Doc,
    finding: &Finding,
) -> Result<(&'d Object, Option<&'d Object>), String> {
    let object = doc
        .resource(declaration(finding))
        .ok_or("the declaration was not found in its file")?;
    if doc.lang == Lang::Hcl {
        if object
            .labels
            .get(1)
            .is_some_and(|l| l.starts_with("azapi_"))
        {
            return Err(
                "the setting belongs in the azapi body; --fix edits azurerm attributes".to_string(),
            );
        }
        return Ok((object, Some(object)));
    }
    Ok((object, doc.child(object, "properties")))
}

/// Replaces the value at `span` with `value`, where its literal is written.
fn set(
    finding: &Finding,
    docs: &Documents,
    span: Span,
    value: &Value,
) -> Result<Vec<Edit>, String> {
    let literal = literal(finding, docs, span)?;
    let doc = docs.get(literal.file)?;
    Ok(vec![Edit {
        span: literal,
        content: doc.render(value, ""),
    }])
}

/// Where the literal that gives the value at `span` is written: the value itself, or the one
/// definition it comes from through variables, locals or parameters that feed nothing else.
fn literal(finding: &Finding, docs: &Documents, span: Span) -> Result<Span, String> {
    let doc = docs.get(span.file)?;
    match doc.lang {
        // A Terraform value with a trace came through variables, locals or a module: its
        // literal must feed nothing else, also when it is written right here (the argument
        // of a restored module's call, where a finding inside that module is reported).
        Lang::Hcl if !finding.trace_steps().is_empty() => through_trace(finding, docs, span),
        _ if doc.is_literal(&range(span)) => Ok(span),
        Lang::Hcl => Err(computed(doc.slice(&range(span)))),
        Lang::Bicep | Lang::Json => through_definition(docs, span),
    }
}

/// Terraform: follows the value's trace from the expression (`var.x` -> its default, tfvars
/// entry or module argument; `local.y` -> its expression) to its literal, each reference read
/// in one place only. The references may be inside a restored module; the literal may not.
fn through_trace(finding: &Finding, docs: &Documents, span: Span) -> Result<Span, String> {
    let raw = |span: Span| {
        docs.sources
            .get(span.file)
            .parse_text()
            .get(range(span))
            .unwrap_or_default()
            .to_string()
    };
    let text_of = |span: Span| raw(span).trim().to_string();
    let steps: Vec<Span> = finding
        .trace_steps()
        .iter()
        .map(|step| assigned_value(&raw(step.span), step.span))
        .collect();
    if !steps.contains(&span) && !finding.trace_steps().iter().any(|s| s.span == span) {
        return Err(computed(&text_of(span)));
    }
    for &current in &steps {
        let text = text_of(current);
        if document::is_literal(Lang::Hcl, &text) {
            docs.get(current.file)?;
            return Ok(current);
        }
        let Some(reference) = hcl_reference(&text) else {
            return Err(computed(&text));
        };
        let uses = hcl_uses(docs, current, &reference);
        if uses != 1 {
            return Err(format!(
                "`{reference}` is read in {uses} places; changing its value would change them too"
            ));
        }
    }
    Err(computed(&text_of(span)))
}

/// The value of a step that is a whole assignment (a tfvars entry, `key_type = "EC"`).
fn assigned_value(text: &str, span: Span) -> Span {
    match text.split_once('=') {
        Some((name, value))
            if !name.trim().is_empty()
                && name
                    .trim()
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
        {
            let start =
                span.start as usize + name.len() + 1 + (value.len() - value.trim_start().len());
            Span::new(span.file, start..start + value.trim().len())
        }
        _ => span,
    }
}

/// Why a computed value is not fixed, naming it on one short line.
fn computed(text: &str) -> String {
    let mut shown = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if shown.chars().count() > 60 {
        shown = shown.chars().take(60).collect::<String>() + "…";
    }
    format!("`{shown}` is computed; only a literal written in one place is fixed")
}

/// `var.x` or `local.x` as a whole expression.
fn hcl_reference(text: &str) -> Option<String> {
    let (root, name) = text.split_once('.')?;
    let identifier = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    (matches!(root, "var" | "local") && identifier).then(|| text.to_string())
}

/// How many times `reference` is read in the `.tf` and `.tf.json` files of the module of `at`.
fn hcl_uses(docs: &Documents, at: Span, reference: &str) -> usize {
    let pattern =
        regex::Regex::new(&format!(r"\b{}\b", regex::escape(reference))).expect("escaped");
    docs.terraform_files_beside(at.file)
        .iter()
        .map(|&id| {
            let text = &docs.sources.get(id).text;
            pattern
                .find_iter(text)
                .filter(|m| !text[m.end()..].starts_with(['-', '_']))
                .count()
        })
        .sum()
}

/// Bicep and ARM: a value that is a parameter or variable of the same file, whose definition
/// is a literal read only here and (a parameter) set by no parameter file.
fn through_definition(docs: &Documents, span: Span) -> Result<Span, String> {
    let doc = docs.get(span.file)?;
    let at = range(span);
    let text = doc.slice(&at).trim().to_string();
    if doc
        .nested_templates
        .iter()
        .any(|t| t.start <= at.start && at.end <= t.end)
    {
        return Err(
            "the value is inside a nested deployment's template; fix it by hand".to_string(),
        );
    }
    let Some(definition) = doc.referenced(&at) else {
        return Err(computed(&text));
    };
    let name = definition.name.clone();
    let what = if definition.parameter {
        "parameter"
    } else {
        "variable"
    };
    let Some(value) = definition.value.clone().filter(|v| doc.is_literal(v)) else {
        return Err(format!("{what} `{name}` has no literal value in this file"));
    };
    let uses = definition_uses(&doc, &name);
    if uses != 1 {
        return Err(format!(
            "{what} `{name}` is read in {uses} places; changing its value would change them too"
        ));
    }
    if definition.parameter
        && let Some(file) = parameter_file_setting(docs, &name)
    {
        return Err(format!("parameter `{name}` is set by `{file}`"));
    }
    Ok(Span::new(span.file, value))
}

fn definition_uses(doc: &Doc, name: &str) -> usize {
    match doc.lang {
        Lang::Json => {
            let pattern = format!(
                r"(?i)\b(parameters|variables)\(\s*'{}'\s*\)",
                regex::escape(name)
            );
            let pattern = regex::Regex::new(&pattern).expect("escaped");
            pattern.find_iter(doc.text).count()
        }
        _ => {
            // Identifiers named `name`, less member accesses (`x.name`), object keys
            // (`name: ...`) and the declaration itself.
            let pattern =
                regex::Regex::new(&format!(r"\b{}\b", regex::escape(name))).expect("escaped");
            let uses = pattern
                .find_iter(doc.text)
                .filter(|m| !doc.text[..m.start()].ends_with('.'))
                .filter(|m| {
                    !doc.text[m.end()..]
                        .trim_start_matches([' ', '\t'])
                        .starts_with(':')
                })
                .count();
            uses.saturating_sub(1)
        }
    }
}

/// A parameter file among the scanned files that sets parameter `name`.
fn parameter_file_setting(docs: &Documents, name: &str) -> Option<String> {
    let sources = docs.sources;
    let bicepparam =
        regex::Regex::new(&format!(r"\bparam\s+{}\b", regex::escape(name))).expect("escaped");
    let json = format!("\"{}\"", name.to_ascii_lowercase());
    (0..sources.len())
        .map(|i| sources.get(crate::source::FileId(i as u32)))
        .find(|f| {
            let path = f.path.to_string_lossy();
            (path.ends_with(".bicepparam") && bicepparam.is_match(&f.text))
                || (path.ends_with(".json")
                    && f.text.contains("deploymentParameters")
                    && f.text.to_ascii_lowercase().contains(&json))
        })
        .map(|f| f.display_path.clone())
}

fn purge_protection(finding: &Finding, docs: &Documents) -> Result<(String, Vec<Edit>), String> {
    let title = "turn purge protection on".to_string();
    if finding.span != declaration(finding) {
        return Ok((title, set(finding, docs, finding.span, &Value::Bool(true))?));
    }
    let doc = docs.get(declaration(finding).file)?;
    let (_, settings) = declaration_object(&doc, finding)?;
    let settings = settings.ok_or("the vault has no `properties` to add the setting to")?;
    let key = match doc.lang {
        Lang::Hcl => "purge_protection_enabled",
        _ => "enablePurgeProtection",
    };
    Ok((title, vec![doc.insert(settings, key, &Value::Bool(true))?]))
}

fn key_type(finding: &Finding, docs: &Documents) -> Result<(String, Vec<Edit>), String> {
    let literal = literal(finding, docs, finding.span)?;
    let doc = docs.get(finding.span.file)?;
    let (_, settings) = declaration_object(&doc, finding)?;
    let settings = settings.ok_or("the key has no `properties`")?;
    let size_key = match doc.lang {
        Lang::Hcl => "key_size",
        _ => "keySize",
    };
    let size = doc.member(settings, size_key);
    let wanted_size = Value::Int(CMK_MINIMUM_KEY_SIZE as i64);
    if size.is_some_and(|s| s.value == range(finding.span)) {
        let title = format!("make the key {CMK_MINIMUM_KEY_SIZE} bits");
        return Ok((title, set(finding, docs, finding.span, &wanted_size)?));
    }
    let hsm = docs
        .get(literal.file)?
        .slice(&range(literal))
        .to_ascii_uppercase()
        .contains("HSM");
    let kind = if hsm { "RSA-HSM" } else { "RSA" };
    let mut edits = set(finding, docs, finding.span, &Value::Str(kind.to_string()))?;
    let doc = docs.get(finding.span.file)?;
    match size {
        Some(size) if doc.is_literal(&size.value) => {
            let bits: i64 = doc.slice(&size.value).trim().parse().unwrap_or(0);
            if bits < CMK_MINIMUM_KEY_SIZE as i64 {
                edits.push(Edit {
                    span: doc.span(size.value.clone()),
                    content: doc.render(&wanted_size, ""),
                });
            }
        }
        Some(_) => {
            return Err(format!(
                "the key size is computed; set it to at least {CMK_MINIMUM_KEY_SIZE} by hand"
            ));
        }
        // azurerm requires the size of an RSA key; ARM and Bicep default to 2048.
        None if doc.lang == Lang::Hcl => {
            edits.push(doc.insert(settings, size_key, &wanted_size)?)
        }
        None => {}
    }
    let curve = match doc.lang {
        Lang::Hcl => "curve",
        _ => "curveName",
    };
    if let Some(curve) = doc.member(settings, curve) {
        edits.push(doc.remove(curve)?);
    }
    Ok((
        format!("make the key {kind} of {CMK_MINIMUM_KEY_SIZE} bits"),
        edits,
    ))
}

fn custom_subdomain(finding: &Finding, docs: &Documents) -> Result<(String, Vec<Edit>), String> {
    let doc = docs.get(declaration(finding).file)?;
    let (object, settings) = declaration_object(&doc, finding)?;
    let settings = settings.ok_or("the account has no `properties` to add the subdomain to")?;
    let name = doc
        .member(object, "name")
        .ok_or("the account's name is not written in its declaration")?;
    let name = Value::Expr(doc.slice(&name.value).trim().to_string());
    let key = match doc.lang {
        Lang::Hcl => "custom_subdomain_name",
        _ => "customSubDomainName",
    };
    let title = "set the custom subdomain to the account's name".to_string();
    match doc.member(settings, key) {
        Some(existing) if doc.is_literal(&existing.value) => Ok((
            title,
            vec![Edit {
                span: doc.span(existing.value.clone()),
                content: doc.render(&name, ""),
            }],
        )),
        Some(_) => Err("the custom subdomain is computed; set it by hand".to_string()),
        None => Ok((title, vec![doc.insert(settings, key, &name)?])),
    }
}

fn identity(finding: &Finding, docs: &Documents) -> Result<(String, Vec<Edit>), String> {
    let doc = docs.get(declaration(finding).file)?;
    let object = doc
        .resource(declaration(finding))
        .ok_or("the account was not found in its file")?;
    if doc.member(object, "identity").is_some() {
        return Err(
            "the account has an identity; which one the key should use is your choice".to_string(),
        );
    }
    let value = Value::Object(vec![("type", Value::Str("SystemAssigned".to_string()))]);
    Ok((
        "add a system-assigned identity".to_string(),
        vec![doc.insert(object, "identity", &value)?],
    ))
}

fn delegation(finding: &Finding, docs: &Documents) -> Result<(String, Vec<Edit>), String> {
    if finding.message.contains("is also delegated to") {
        return Err("the subnet is delegated to another service too; which of them moves to another subnet is your choice".to_string());
    }
    let title = format!("delegate the subnet to {AGENT_SUBNET_DELEGATION}");
    let service = Value::Str(AGENT_SUBNET_DELEGATION.to_string());
    let actions = Value::List(vec![Value::Str(DELEGATION_ACTION.to_string())]);
    if finding.span != declaration(finding) {
        // Delegated elsewhere: that delegation becomes the agent service's. HCL points at the
        // `delegation` block: its `service_delegation` names the service.
        let doc = docs.get(finding.span.file)?;
        let mut service_span = finding.span;
        let mut listed_actions = None;
        // It points at the delegation (an HCL `delegation` block, an ARM or Bicep object):
        // the service is its `service_delegation.name` or `properties.serviceName`.
        let (inner, name) = match doc.lang {
            Lang::Hcl => ("service_delegation", "name"),
            _ => ("properties", "serviceName"),
        };
        if let Some(delegation) = doc.declaration(finding.span)
            && let Some(inner) = doc.child(delegation, inner)
        {
            let name = doc
                .member(inner, name)
                .ok_or("the delegation names no service")?;
            service_span = doc.span(name.value.clone());
            listed_actions = doc
                .member(inner, "actions")
                .filter(|_| doc.lang == Lang::Hcl)
                .map(|a| doc.span(a.value.clone()));
        }
        let mut edits = set(finding, docs, service_span, &service)?;
        if let Some(listed) = listed_actions {
            edits.push(Edit {
                span: listed,
                content: doc.render(&actions, ""),
            });
        }
        return Ok((title, edits));
    }
    let doc = docs.get(declaration(finding).file)?;
    let (_, settings) = declaration_object(&doc, finding)?;
    let settings = settings.ok_or("the subnet has no `properties` to add the delegation to")?;
    let name = Value::Str(AGENT_SUBNET_DELEGATION.replace('/', "."));
    if doc.lang == Lang::Hcl {
        let block = Value::Object(vec![
            ("name", name),
            (
                "service_delegation",
                Value::Object(vec![("name", service), ("actions", actions)]),
            ),
        ]);
        return Ok((title, vec![doc.insert(settings, "delegation", &block)?]));
    }
    let list = Value::List(vec![Value::Object(vec![
        ("name", name),
        ("properties", Value::Object(vec![("serviceName", service)])),
    ])]);
    match doc.member(settings, "delegations") {
        Some(empty) if doc.slice(&empty.value).trim_start_matches('[').trim() == "]" => {
            let indent: String = {
                let start = doc.text[..empty.span.start]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                doc.text[start..empty.span.start]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .collect()
            };
            Ok((
                title,
                vec![Edit {
                    span: doc.span(empty.value.clone()),
                    content: doc.render(&list, &indent),
                }],
            ))
        }
        Some(_) => Err("the delegations are computed; add the agent service's by hand".to_string()),
        None => Ok((title, vec![doc.insert(settings, "delegations", &list)?])),
    }
}
