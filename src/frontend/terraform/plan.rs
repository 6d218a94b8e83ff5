//! Terraform plan JSON (`terraform show -json plan.tfplan`): the same model from values
//! Terraform already evaluated. Values known only after apply are absent from a plan; where the
//! configuration says they come from another resource (`subnet_id = azurerm_subnet.agent.id`),
//! that resource's id is filled in, as the HCL front end would compute it.
//!
//! Findings point at the resource's block in the `.tf` files beside the plan when there are
//! any (found by address), otherwise at the plan itself.

use super::eval::header_span;
use super::{lower, schema};
use crate::json::{Json, Spanned};
use crate::model::{Model, Origin, ids};
use crate::node::Node;
use crate::source::Span;
use hcl_edit::Span as _;
use hcl_edit::structure::Body;
use std::collections::HashMap;

/// Whether a JSON document is a Terraform plan (or `terraform show -json` state).
pub fn is_plan(json: &Spanned) -> bool {
    json.get("format_version").is_some()
        && (json.get("planned_values").is_some() || json.get("resource_changes").is_some())
}

struct Planned<'j> {
    /// `module.net[0].azurerm_subnet.agent[1]`.
    address: String,
    /// `module.net[0].`: the module instance, for resolving module-relative references.
    module: String,
    ty: String,
    values: &'j Spanned,
    /// The resource object in the plan.
    span: Span,
}

/// Where the blocks of the `.tf` files beside a plan are: header span, and the spans of their
/// top-level attribute values, by `type.name`.
pub type BlockSpans = HashMap<String, (Span, HashMap<String, Span>)>;

pub fn block_spans(trees: &[(crate::source::FileId, Body)]) -> BlockSpans {
    let mut out = BlockSpans::new();
    for (file, body) in trees {
        for block in body.blocks().filter(|b| b.ident.as_str() == "resource") {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            if let [ty, name] = labels.as_slice() {
                let attrs = block
                    .body
                    .attributes()
                    .map(|a| {
                        (
                            a.key.as_str().to_string(),
                            Span::new(*file, a.value.span().unwrap_or(0..0)),
                        )
                    })
                    .collect();
                out.insert(format!("{ty}.{name}"), (header_span(block, *file), attrs));
            }
        }
    }
    out
}

/// Removes instance keys: `module.net[0].azurerm_subnet.agent["a"]` -> `module.net.azurerm_subnet.agent`.
fn without_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn collect_planned<'j>(module: &'j Spanned, out: &mut Vec<Planned<'j>>) {
    let prefix = module
        .get("address")
        .and_then(Spanned::as_str)
        .map(|a| format!("{a}."))
        .unwrap_or_default();
    for resource in module
        .get("resources")
        .map(Spanned::as_array)
        .unwrap_or_default()
    {
        let field = |k: &str| resource.get(k).and_then(Spanned::as_str);
        if field("mode") != Some("managed") {
            continue;
        }
        let (Some(address), Some(ty), Some(values)) =
            (field("address"), field("type"), resource.get("values"))
        else {
            continue;
        };
        out.push(Planned {
            address: address.to_string(),
            module: prefix.clone(),
            ty: ty.to_string(),
            values,
            span: resource
                .get("address")
                .map(|a| a.span)
                .unwrap_or(resource.span),
        });
    }
    for child in module
        .get("child_modules")
        .map(Spanned::as_array)
        .unwrap_or_default()
    {
        collect_planned(child, out);
    }
}

/// The configuration's expressions by `module.x.type.name` (no instance keys).
fn collect_expressions<'j>(
    module: &'j Spanned,
    prefix: &str,
    out: &mut HashMap<String, &'j Spanned>,
) {
    for resource in module
        .get("resources")
        .map(Spanned::as_array)
        .unwrap_or_default()
    {
        if let (Some(address), Some(expressions)) = (
            resource.get("address").and_then(Spanned::as_str),
            resource.get("expressions"),
        ) {
            out.insert(format!("{prefix}{address}"), expressions);
        }
    }
    for (name, call) in module
        .get("module_calls")
        .map(Spanned::members)
        .unwrap_or_default()
    {
        if let Some(child) = call.get("module") {
            collect_expressions(child, &format!("{prefix}module.{name}."), out);
        }
    }
}

/// Lowers every managed resource of a plan. `beside` holds the blocks of the `.tf` files next
/// to the plan, for pointing at the code instead of the plan.
pub fn lower_plan(plan: &Spanned, marker_prefix: &str, beside: &BlockSpans, model: &mut Model) {
    let mut planned = Vec::new();
    if let Some(root) = plan
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    {
        collect_planned(root, &mut planned);
    }
    let mut expressions = HashMap::new();
    if let Some(root) = plan.get("configuration").and_then(|c| c.get("root_module")) {
        collect_expressions(root, "", &mut expressions);
    }
    let marker = |what: &str| ids::marker(&format!("{marker_prefix}:{what}"));
    let mut nodes: HashMap<String, Node> = HashMap::new();
    for p in &planned {
        let mut node = p
            .values
            .to_node(&mut |s, span| Node::leaf(crate::value::Value::String(s.to_string()), span));
        schema::add_computed_attributes(&p.ty, &p.address, &mut node, &marker);
        nodes.insert(p.address.clone(), node);
    }
    // Fill what is known only after apply from the resources the configuration references.
    let filled: Vec<(String, Node)> = planned
        .iter()
        .map(|p| {
            let mut node = nodes[&p.address].clone();
            if let Some(expr) = expressions.get(&without_indexes(&p.address)) {
                fill_references(&mut node, expr, &p.module, &nodes, p.span);
            }
            (p.address.clone(), node)
        })
        .collect();
    let filled: HashMap<String, Node> = filled.into_iter().collect();
    for p in &planned {
        let mut node = filled[&p.address].clone();
        let local = p.address.strip_prefix(&p.module).unwrap_or(&p.address);
        let block = if p.module.is_empty() {
            beside.get(&without_indexes(local))
        } else {
            None
        };
        let header = match block {
            Some((header, attributes)) => {
                respan(&mut node, *header, attributes);
                *header
            }
            None => p.span,
        };
        lower::lower(&p.ty, Origin::new(p.address.clone(), header), &node, model);
    }
}

/// Sets an attribute the plan leaves out from the configuration's reference to another resource
/// (`{"references": ["azurerm_subnet.agent.id", "azurerm_subnet.agent"]}`).
fn fill_references(
    node: &mut Node,
    expressions: &Spanned,
    module: &str,
    nodes: &HashMap<String, Node>,
    span: Span,
) {
    let Node::Object { entries, .. } = node else {
        return;
    };
    for (key, expr) in expressions.members() {
        let present = entries.iter().position(|(k, _)| k == key);
        match &expr.value {
            // A nested block: the same, element by element.
            Json::Array(blocks) => {
                if let Some(i) = present
                    && let Node::List { items, .. } = &mut entries[i].1
                {
                    for (item, block) in items.iter_mut().zip(blocks) {
                        fill_references(item, block, module, nodes, span);
                    }
                }
            }
            Json::Object(_) => {
                if present.is_some_and(|i| !entries[i].1.is_null()) {
                    continue;
                }
                let Some(value) = referenced_value(expr, module, nodes) else {
                    continue;
                };
                if let Some(i) = present {
                    entries.remove(i);
                }
                entries.push((key.clone(), Node::leaf(value, span)));
            }
            _ => {}
        }
    }
}

/// The value of a `type.name.attr` reference, when it names one resource instance.
fn referenced_value(
    expr: &Spanned,
    module: &str,
    nodes: &HashMap<String, Node>,
) -> Option<crate::value::Value> {
    for reference in expr
        .get("references")
        .map(Spanned::as_array)
        .unwrap_or_default()
    {
        let reference = reference.as_str()?;
        let parts: Vec<&str> = reference.splitn(3, '.').collect();
        let [ty, name, attr] = parts.as_slice() else {
            continue;
        };
        if matches!(*ty, "var" | "local" | "module" | "data" | "each" | "count") {
            continue;
        }
        let (name, index) = match name.split_once('[') {
            Some((n, i)) => (n, Some(format!("[{i}"))),
            None => (*name, None),
        };
        let base = format!("{module}{ty}.{name}");
        let instance = match index {
            Some(index) => nodes.get(&format!("{base}{index}")),
            None => nodes.get(&base),
        }?;
        let attr = attr.split(['.', '[']).next()?;
        return instance.get(attr).map(|n| n.value());
    }
    None
}

/// Points a node at the code: attributes written in the block at their values, the rest at
/// the block's header.
fn respan(node: &mut Node, header: Span, attributes: &HashMap<String, Span>) {
    fn set_all(node: &mut Node, span: Span) {
        match node {
            Node::Object { entries, span: s } => {
                *s = span;
                entries.iter_mut().for_each(|(_, n)| set_all(n, span));
            }
            Node::List { items, span: s } => {
                *s = span;
                items.iter_mut().for_each(|n| set_all(n, span));
            }
            Node::Leaf { span: s, .. } => *s = span,
        }
    }
    if let Node::Object { entries, span } = node {
        *span = header;
        for (key, value) in entries {
            set_all(value, attributes.get(key).copied().unwrap_or(header));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_keys_are_removed_from_addresses() {
        assert_eq!(
            without_indexes("module.net[0].azurerm_subnet.agent[\"a[1]\"]"),
            "module.net.azurerm_subnet.agent"
        );
        assert_eq!(
            without_indexes("azurerm_subnet.agent"),
            "azurerm_subnet.agent"
        );
    }
}
