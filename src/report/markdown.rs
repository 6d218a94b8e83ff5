//! The markdown report, for a GitHub job summary or pull-request comment: the summary, a table of
//! findings by rule, the findings by file, and a Mermaid diagram of the virtual networks with the
//! agent subnets and what the findings point at marked.

use super::Report;
use crate::engine::{Finding, Severity};
use crate::model::{Attr, Model, Origin, Resolved, ids};
use crate::source::Span;
use ipnet::IpNet;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::from("## foundry-lint\n\n");
    let _ = writeln!(out, "{}\n", escape_text(&report.summary_line()));
    if !report.findings.is_empty() {
        rule_table(report, &mut out);
        findings_by_file(report, &mut out);
    }
    capacity_table(report, &mut out);
    if let Some(network) = Network::collect(report.models, report.findings) {
        out.push_str("### Network\n\n");
        let (diagram, edges) = network.mermaid();
        // Past Mermaid's default limits GitHub shows an error box instead of the diagram.
        if diagram.len() > MERMAID_MAX_TEXT || edges > MERMAID_MAX_EDGES {
            out.push_str("The network is too large for a Mermaid diagram.\n");
        } else {
            let _ = write!(out, "```mermaid\n{diagram}```\n");
        }
    }
    out
}

/// Each agent subnet's addresses against the estimated demand of its projects (FL204's
/// arithmetic, shown whether or not it fires).
fn capacity_table(report: &Report, out: &mut String) {
    let rows = report.capacity_rows();
    if rows.is_empty() {
        return;
    }
    let a = &report.settings.agent_subnet;
    let _ = writeln!(
        out,
        "### Agent subnet capacity\n\nDemand = projects x {} replicas / {} pods per address; headroom against {}% of the usable addresses.\n",
        a.replicas_per_project, a.pods_per_ip, a.maximum_utilization_percent
    );
    out.push_str("| Agent subnet | Prefix | Usable IPs | Projects | Estimated demand | Headroom |\n|---|---|---:|---:|---:|---:|\n");
    for r in rows {
        let headroom = if r.demand <= r.limit {
            (r.limit - r.demand).to_string()
        } else {
            format!("**-{}**", r.demand - r.limit)
        };
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {} | {} | {} | {headroom} |",
            escape_text(&r.subnet),
            escape_text(&r.place),
            r.prefix,
            r.usable,
            escape_text(&r.projects),
            r.demand,
        );
    }
    out.push('\n');
}

/// Mermaid's defaults for `maxTextSize` and `maxEdges`.
const MERMAID_MAX_TEXT: usize = 50_000;
const MERMAID_MAX_EDGES: usize = 500;

fn rule_table(report: &Report, out: &mut String) {
    let mut rows: BTreeMap<(Reverse<Severity>, &str), (&str, usize)> = BTreeMap::new();
    for f in report.findings {
        rows.entry((Reverse(f.severity), f.rule.code))
            .or_insert((f.rule.name, 0))
            .1 += 1;
    }
    out.push_str("| Rule | Severity | Findings |\n|---|---|---:|\n");
    for ((Reverse(severity), code), (name, count)) in rows {
        let _ = writeln!(
            out,
            "| [{code}]({}{code}-{name}.md) {} | {severity} | {count} |",
            super::sarif::HELP_URI_BASE,
            escape_text(name)
        );
    }
    out.push('\n');
}

fn findings_by_file(report: &Report, out: &mut String) {
    // Files in the order their first finding comes, which is the engine's (sorted) order.
    let mut files: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in report.findings {
        let path = report.file(f.span);
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, list)) => list.push(f),
            None => files.push((path, vec![f])),
        }
    }
    for (path, findings) in files {
        let _ = writeln!(out, "### {}\n", code_span(path, false));
        out.push_str("| Location | Rule | Severity | Message |\n|---|---|---|---|\n");
        for f in findings {
            let at = report.start(f.span);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code_span(&format!("{path}:{}:{}", at.line, at.column), true),
                f.rule.code,
                f.severity,
                escape_message(&f.message)
            );
        }
        out.push('\n');
    }
}

/// Plain text made literal in markdown: punctuation that starts emphasis, links, code or table
/// cells is backslash-escaped, and HTML-sensitive characters become entities (GitHub would
/// otherwise read `<name>` as a tag and drop it).
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // A line break would end the table row.
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `s` as an inline code span whatever it holds: the fence is longer than any run of backticks
/// inside. In a table cell `|` still splits the row unless escaped, even inside code (GitHub
/// removes the backslash before reading the span).
fn code_span(s: &str, in_table: bool) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick (or is padded already) needs a space that
    // markdown strips again.
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    let body = if in_table { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A finding's message in a table cell. Messages write addresses and values as `code`; that
/// stays code when the backticks pair up, and everything else is literal text.
fn escape_message(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape_text(message);
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        match (i % 2 == 1, part.is_empty()) {
            (true, true) => out.push_str("\\`\\`"),
            (true, false) => out.push_str(&code_span(part, true)),
            (false, _) => out.push_str(&escape_text(part)),
        }
    }
    out
}

/// A Mermaid node id: only `[A-Za-z0-9_]`, behind a prefix that keeps it from reading as a
/// keyword (`end`) or as an edge head (`--o`, `--x` before an id starting with o or x).
fn mermaid_id(prefix: &str, name: &str) -> String {
    let mut id = format!("{prefix}_");
    id.extend(
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    id
}

/// Text inside a `"`-quoted Mermaid label. Mermaid reads `#name;` as an entity, so `#` goes as
/// its code; `<`, `>` and `&` would otherwise be HTML in the rendered label.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            // A label starting with a backtick is a markdown string to Mermaid.
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A label of several lines.
fn mermaid_label(lines: &[&str]) -> String {
    let lines: Vec<String> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| mermaid_text(l))
        .collect();
    format!("\"{}\"", lines.join("<br/>"))
}

/// Mermaid ids handed out once each, so that two names that sanitize alike stay two nodes.
#[derive(Default)]
struct Ids(HashSet<String>);

impl Ids {
    fn take(&mut self, prefix: &str, name: &str) -> String {
        let base = mermaid_id(prefix, name);
        let mut id = base.clone();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }
}

/// A declared VNet, subnet or peering, once however many environments declare it.
struct Entity<'a> {
    origin: &'a Origin,
    id: String,
    /// The spans a finding about it points into besides the declaration: its ranges.
    spans: Vec<Span>,
    /// The rendered ranges, one entry per distinct value across environments.
    ranges: Vec<String>,
    offending: bool,
}

impl<'a> Entity<'a> {
    fn new(origin: &'a Origin, id: String) -> Entity<'a> {
        Entity {
            origin,
            id,
            spans: Vec::new(),
            ranges: Vec::new(),
            offending: false,
        }
    }

    /// Adds one environment's ranges; environments that agree add nothing.
    fn add_ranges(&mut self, ranges: &[Attr<IpNet>]) {
        for r in ranges {
            if !self.spans.contains(&r.span) {
                self.spans.push(r.span);
            }
        }
        let text = ranges
            .iter()
            .map(|r| {
                r.get()
                    .map_or_else(|| "unknown".to_string(), IpNet::to_string)
            })
            .collect::<Vec<_>>()
            .join(", ");
        if !text.is_empty() && !self.ranges.contains(&text) {
            self.ranges.push(text);
        }
    }

    fn range_line(&self) -> String {
        self.ranges.join(" or ")
    }

    fn is_about(&self, finding: &Finding, same_declaration: &HashSet<(Span, &str)>) -> bool {
        let named = finding.resource.as_deref();
        // Named, and about this declaration: stacks checked apart may both have an
        // `azurerm_subnet.agent`.
        if named == Some(self.origin.address.as_str())
            && (finding.scopes.is_empty() || finding.scopes.contains(&self.origin.span))
        {
            return true;
        }
        let within = |s: &Span| {
            s.file == finding.span.file
                && s.start <= finding.span.start
                && finding.span.end <= s.end
        };
        // `for_each` and `count` instances share their declaration's spans: when the finding
        // names one instance, the others are not what it is about.
        (within(&self.origin.span) || self.spans.iter().any(within))
            && !named.is_some_and(|n| same_declaration.contains(&(self.origin.span, n)))
    }
}

/// Where a subnet is drawn or a peering ends.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Vnet(usize),
    External(usize),
    Nowhere,
}

struct Subnet<'a> {
    entity: Entity<'a>,
    name: String,
    vnet: Place,
    agent: bool,
}

struct Peering<'a> {
    entity: Entity<'a>,
    local: Place,
    remote: Place,
}

/// A VNet a peering or subnet names that the model does not declare, or names uncertainly.
struct External {
    id: String,
    label: String,
    note: &'static str,
}

struct Network<'a> {
    ids: Ids,
    vnets: Vec<(Entity<'a>, String)>,
    subnets: Vec<Subnet<'a>>,
    peerings: Vec<Peering<'a>>,
    externals: Vec<External>,
    external_keys: HashMap<String, usize>,
}

/// An id's last segment: the resource's name, or what stands for it.
fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

fn dedup_key(origin: &Origin) -> (Span, String) {
    (origin.span, origin.address.clone())
}

impl<'a> Network<'a> {
    /// The networks of every model, each declaration once (environments repeat them), or None
    /// when nothing declares a VNet.
    fn collect(models: &'a [Model], findings: &[Finding]) -> Option<Network<'a>> {
        if models.iter().all(|m| m.virtual_networks.is_empty()) {
            return None;
        }
        let mut net = Network {
            ids: Ids::default(),
            vnets: Vec::new(),
            subnets: Vec::new(),
            peerings: Vec::new(),
            externals: Vec::new(),
            external_keys: HashMap::new(),
        };
        let mut vnet_keys: HashMap<(Span, String), usize> = HashMap::new();
        let mut subnet_keys: HashMap<(Span, String), usize> = HashMap::new();
        let mut peering_keys: HashMap<(Span, String), usize> = HashMap::new();
        for model in models {
            let mut vnet_at = Vec::with_capacity(model.virtual_networks.len());
            for vnet in &model.virtual_networks {
                let i = *vnet_keys.entry(dedup_key(&vnet.origin)).or_insert_with(|| {
                    let id = net.ids.take("vnet", &vnet.origin.address);
                    let name = ids::parse(&vnet.id)
                        .and_then(|id| id.name().map(str::to_string))
                        .filter(|n| !ids::is_marker(n))
                        .unwrap_or_else(|| vnet.origin.address.clone());
                    net.vnets.push((Entity::new(&vnet.origin, id), name));
                    net.vnets.len() - 1
                });
                net.vnets[i].0.add_ranges(&vnet.address_space);
                vnet_at.push(i);
            }
            let mut subnet_at = Vec::with_capacity(model.subnets.len());
            for (s, subnet) in model.subnets.iter().enumerate() {
                let i = match subnet_keys.get(&dedup_key(&subnet.origin)) {
                    Some(&i) => i,
                    None => {
                        let vnet = net.place(model.vnet_of_subnet(s), &subnet.vnet, &vnet_at);
                        let id = net.ids.take("subnet", &subnet.origin.address);
                        let name = ids::parse(&subnet.id)
                            .and_then(|id| id.name().map(str::to_string))
                            .filter(|n| !ids::is_marker(n))
                            .unwrap_or_else(|| subnet.origin.address.clone());
                        net.subnets.push(Subnet {
                            entity: Entity::new(&subnet.origin, id),
                            name,
                            vnet,
                            agent: false,
                        });
                        subnet_keys.insert(dedup_key(&subnet.origin), net.subnets.len() - 1);
                        net.subnets.len() - 1
                    }
                };
                net.subnets[i].entity.add_ranges(&subnet.address_prefixes);
                subnet_at.push(i);
            }
            for (s, _, _) in model.agent_subnets() {
                if let Some(&i) = subnet_at.get(s) {
                    net.subnets[i].agent = true;
                }
            }
            for peering in &model.peerings {
                let key = dedup_key(&peering.origin);
                if peering_keys.contains_key(&key) {
                    continue;
                }
                let local = net.place(
                    model.index.virtual_network(&peering.local_vnet),
                    &peering.local_vnet,
                    &vnet_at,
                );
                let remote = net.place(
                    model.index.virtual_network(&peering.remote_vnet),
                    &peering.remote_vnet,
                    &vnet_at,
                );
                // An edge has no Mermaid id.
                let mut entity = Entity::new(&peering.origin, String::new());
                for side in [&peering.local_vnet, &peering.remote_vnet] {
                    entity.spans.push(side.span);
                }
                entity.add_ranges(&peering.remote_address_space);
                net.peerings.push(Peering {
                    entity,
                    local,
                    remote,
                });
                peering_keys.insert(key, net.peerings.len() - 1);
            }
        }
        net.mark_offending(findings);
        Some(net)
    }

    /// Where a reference to a VNet leads: a declared VNet, or a node of its own for a VNet
    /// outside the model (one per id) or one not known statically.
    fn place(&mut self, resolved: Resolved, reference: &Attr<String>, vnet_at: &[usize]) -> Place {
        let (key, label, note) = match (resolved, reference.get()) {
            (Resolved::Entity(v), _) => {
                return vnet_at.get(v).map_or(Place::Nowhere, |&i| Place::Vnet(i));
            }
            (Resolved::External(id), _) => {
                let key = ids::parse(&id).map_or_else(|| id.to_ascii_lowercase(), |i| i.key());
                (key, last_segment(&id).to_string(), "not declared")
            }
            (Resolved::Unknown(_), Some(id)) => (
                format!("?{}", id.to_ascii_lowercase()),
                last_segment(id).to_string(),
                "not known statically",
            ),
            (Resolved::Unknown(_), None) => (
                format!("?{:?}", reference.span),
                "unknown VNet".to_string(),
                "not known statically",
            ),
        };
        if let Some(&i) = self.external_keys.get(&key) {
            return Place::External(i);
        }
        let id = self.ids.take("ext", &label);
        self.externals.push(External { id, label, note });
        self.external_keys.insert(key, self.externals.len() - 1);
        Place::External(self.externals.len() - 1)
    }

    fn mark_offending(&mut self, findings: &[Finding]) {
        fn mark<'e, 'a: 'e>(
            entities: impl Iterator<Item = &'e mut Entity<'a>>,
            findings: &[Finding],
        ) {
            let entities: Vec<&mut Entity> = entities.collect();
            let keys: HashSet<(Span, &str)> = entities
                .iter()
                .map(|e| (e.origin.span, e.origin.address.as_str()))
                .collect();
            // Each finding is compared with the entities it names and those of its file, not
            // with every entity (a large tree has thousands of both).
            let mut by_address: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut by_file: HashMap<crate::source::FileId, Vec<usize>> = HashMap::new();
            for (i, e) in entities.iter().enumerate() {
                by_address
                    .entry(e.origin.address.as_str())
                    .or_default()
                    .push(i);
                for span in std::iter::once(&e.origin.span).chain(&e.spans) {
                    let list = by_file.entry(span.file).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            let mut offending = vec![false; entities.len()];
            for f in findings {
                let named = f.resource.as_deref().and_then(|r| by_address.get(r));
                let in_file = by_file.get(&f.span.file);
                for &i in named.into_iter().chain(in_file).flatten() {
                    if !offending[i] && entities[i].is_about(f, &keys) {
                        offending[i] = true;
                    }
                }
            }
            for (e, offending) in entities.into_iter().zip(offending) {
                e.offending = offending;
            }
        }
        mark(self.vnets.iter_mut().map(|(e, _)| e), findings);
        mark(self.subnets.iter_mut().map(|s| &mut s.entity), findings);
        mark(self.peerings.iter_mut().map(|p| &mut p.entity), findings);
    }

    fn node(&self, place: Place) -> Option<&str> {
        match place {
            Place::Vnet(i) => Some(&self.vnets[i].0.id),
            Place::External(i) => Some(&self.externals[i].id),
            Place::Nowhere => None,
        }
    }

    /// The diagram's text and its number of edges.
    fn mermaid(&self) -> (String, usize) {
        let mut text = String::from("flowchart LR\n");
        let out = &mut text;
        let subnet_line = |out: &mut String, subnet: &Subnet, indent: &str| {
            let range = subnet.entity.range_line();
            let agent = if subnet.agent { "agent subnet" } else { "" };
            let _ = writeln!(
                out,
                "{indent}{}[{}]",
                subnet.entity.id,
                mermaid_label(&[&subnet.name, &range, agent])
            );
        };
        // A VNet without subnets is a plain node: Mermaid would turn an empty subgraph that an
        // edge touches into a node anyway, dropping the classes given to the subgraph.
        let vnet = |out: &mut String, id: &str, label: String, place: Place| {
            let inside: Vec<&Subnet> = self.subnets.iter().filter(|s| s.vnet == place).collect();
            if inside.is_empty() {
                let _ = writeln!(out, "  {id}[{label}]");
            } else {
                let _ = writeln!(out, "  subgraph {id}[{label}]");
                for subnet in inside {
                    subnet_line(out, subnet, "    ");
                }
                out.push_str("  end\n");
            }
        };
        for (i, (entity, name)) in self.vnets.iter().enumerate() {
            let label = mermaid_label(&[name, &entity.range_line()]);
            vnet(out, &entity.id, label, Place::Vnet(i));
        }
        for (i, external) in self.externals.iter().enumerate() {
            let label = mermaid_label(&[&external.label, external.note]);
            vnet(out, &external.id, label, Place::External(i));
        }
        for subnet in self.subnets.iter().filter(|s| s.vnet == Place::Nowhere) {
            subnet_line(out, subnet, "  ");
        }
        // linkStyle counts edges in the order they are written.
        let mut red_edges = Vec::new();
        let mut edges = 0;
        for peering in &self.peerings {
            let (Some(local), Some(remote)) = (self.node(peering.local), self.node(peering.remote))
            else {
                continue;
            };
            let _ = writeln!(
                out,
                "  {local} -->|{}| {remote}",
                mermaid_label(&[&peering.entity.origin.address])
            );
            if peering.entity.offending {
                red_edges.push(edges.to_string());
            }
            edges += 1;
        }
        // Offending comes last among the definitions and the assignments: of two classes on one
        // node, the later one's style wins.
        out.push_str("  classDef agent fill:#ddf4ff,stroke:#0969da,stroke-width:2px\n");
        out.push_str("  classDef external fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 4\n");
        out.push_str("  classDef offending fill:#ffebe9,stroke:#cf222e,stroke-width:2px\n");
        let agents: Vec<&str> = self
            .subnets
            .iter()
            .filter(|s| s.agent)
            .map(|s| s.entity.id.as_str())
            .collect();
        let externals: Vec<&str> = self.externals.iter().map(|e| e.id.as_str()).collect();
        let offending: Vec<&str> = self
            .vnets
            .iter()
            .map(|(e, _)| e)
            .chain(self.subnets.iter().map(|s| &s.entity))
            .filter(|e| e.offending)
            .map(|e| e.id.as_str())
            .collect();
        for (class, nodes) in [
            ("agent", agents),
            ("external", externals),
            ("offending", offending),
        ] {
            if !nodes.is_empty() {
                let _ = writeln!(out, "  class {} {class}", nodes.join(","));
            }
        }
        if !red_edges.is_empty() {
            let _ = writeln!(
                out,
                "  linkStyle {} stroke:#cf222e,stroke-width:3px",
                red_edges.join(",")
            );
        }
        (text, edges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_never_break() {
        assert_eq!(
            escape_text("a|b <script> `x` *y* [z](u) a&b"),
            "a\\|b &lt;script&gt; \\`x\\` \\*y\\* \\[z\\](u) a&amp;b"
        );
        assert_eq!(escape_text("two\nlines"), "two lines");
        // Paired backticks stay code; a pipe inside is escaped for the table, `<` is literal.
        assert_eq!(
            escape_message("subnet `a|b` is <small>"),
            "subnet `a\\|b` is &lt;small&gt;"
        );
        // An unpaired backtick makes the whole message text.
        assert_eq!(escape_message("it`s"), "it\\`s");
        assert_eq!(escape_message("empty `` here"), "empty \\`\\` here");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code_span("main.tf:1:2", true), "`main.tf:1:2`");
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`a``", false), "``` `a`` ```");
        assert_eq!(code_span("x|y", true), "`x\\|y`");
        assert_eq!(code_span("x|y", false), "`x|y`");
    }

    #[test]
    fn mermaid_ids_and_labels_are_safe() {
        assert_eq!(
            mermaid_id("vnet", "module.net[\"a b\"].azurerm_virtual_network.x"),
            "vnet_module_net__a_b___azurerm_virtual_network_x"
        );
        assert_eq!(mermaid_id("ext", "end"), "ext_end");
        assert_eq!(mermaid_id("ext", "⟨x⟩"), "ext__x_");
        let mut ids = Ids::default();
        assert_eq!(ids.take("vnet", "a.b"), "vnet_a_b");
        assert_eq!(ids.take("vnet", "a_b"), "vnet_a_b_2");
        assert_eq!(ids.take("vnet", "a-b"), "vnet_a_b_3");
        assert_eq!(
            mermaid_label(&["say \"hi\" #1", "<b>&</b>", ""]),
            "\"say #quot;hi#quot; #35;1<br/>#lt;b#gt;#amp;#lt;/b#gt;\""
        );
    }

    #[test]
    fn last_segment_names_the_resource() {
        assert_eq!(
            last_segment(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/"
            ),
            "hub"
        );
        assert_eq!(last_segment("hub"), "hub");
    }
}
