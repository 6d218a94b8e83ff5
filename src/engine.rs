//! The rule engine: the catalogue's types, rule selection, and running the rules over a model.

use crate::frontend::{DeliveryOrder, ModelSink, StackKind, Workspace};
use crate::model::Model;
use crate::settings::Settings;
use crate::source::FileId;
use crate::source::Span;
use crate::value::Unknown;
use std::fmt;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule of the catalogue: stable code, readable name, default severity, its document, and the
/// check that reads the model (FL001 and FL002 are produced by the engine itself).
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The rule's document (rules/<code>-<name>.md), printed by `--explain`.
    pub doc: &'static str,
    pub enabled_by_default: bool,
    pub check: Option<fn(&Model, &Settings, &mut Reporter)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// How to fix it; most rules give a fixed sentence, so it is not copied per finding.
    pub help: std::borrow::Cow<'static, str>,
    pub span: Span,
    pub resource: Option<String>,
    pub related: Vec<Related>,
    /// How the checked value was computed, when it came through variables, locals or modules.
    pub trace: Option<crate::model::Trace>,
    /// The declaration the finding is in and the module calls leading to it: a suppression
    /// comment on any of them covers the finding.
    pub scopes: Vec<Span>,
    /// A free address range to use instead (FL201-FL204, FL401, FL403); its sentence joins the
    /// help when the run's findings are collected.
    pub suggestion: Option<Suggestion>,
    /// What `--fix` does about it (rules with fixes only).
    pub remedy: Option<crate::fix::Remedy>,
}

/// What a finding offers to make its problem go away: a free address range, or the news that
/// none is free. Data for reports, the language server and fixes alike.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// The sentence for the help: `10.0.4.0/24 is free in ...`, `no free /24 in ...; widen the
    /// address space`.
    pub text: String,
    /// The free range; None when there is none.
    pub range: Option<SuggestedRange>,
}

/// A free prefix to write instead of the one at `span`.
#[derive(Clone, Debug, PartialEq)]
pub struct SuggestedRange {
    /// Where the prefix it replaces is written (a literal or a value computed elsewhere).
    pub span: Span,
    pub prefix: ipnet::IpNet,
    /// The address-space prefix (for a VNet's own space, the RFC 1918 block) it lies in.
    pub within: ipnet::IpNet,
}

impl Finding {
    /// How the checked value was computed (empty when it was written where it is used).
    pub fn trace_steps(&self) -> &[crate::model::TraceStep] {
        self.trace.as_deref().map_or(&[], Vec::as_slice)
    }

    pub fn help(&mut self, help: impl Into<std::borrow::Cow<'static, str>>) -> &mut Finding {
        self.help = help.into();
        self
    }

    /// The declaration the finding is about: its address, and the module calls leading to it
    /// as related locations.
    pub fn origin(&mut self, origin: &crate::model::Origin) -> &mut Finding {
        self.resource = Some(origin.address.clone());
        self.scopes.push(origin.span);
        self.scopes.extend(origin.via.iter().map(|(_, call)| *call));
        for (address, call) in &origin.via {
            self.related(*call, format!("through `{address}`, called here"));
        }
        self
    }

    pub fn suggest(&mut self, suggestion: Suggestion) -> &mut Finding {
        self.suggestion = Some(suggestion);
        self
    }

    pub fn related(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        let related = Related {
            span,
            message: message.into(),
        };
        if span != self.span && !self.related.contains(&related) {
            self.related.push(related);
        }
        self
    }
}

/// What a rule's check writes to.
pub struct Reporter {
    rule: &'static Rule,
    findings: Vec<Finding>,
    unresolved: Vec<Finding>,
}

impl Reporter {
    pub fn new(rule: &'static Rule) -> Reporter {
        Reporter {
            rule,
            findings: Vec::new(),
            unresolved: Vec::new(),
        }
    }

    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule,
            severity: self.rule.severity,
            message: message.into(),
            help: "".into(),
            span,
            resource: None,
            related: Vec::new(),
            trace: None,
            scopes: Vec::new(),
            suggestion: None,
            remedy: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// The rule needed a value that cannot be known statically (FL002, off by default).
    pub fn unresolved(&mut self, unknown: &Unknown, span: Span, needed: &str) {
        let message = format!(
            "{} cannot check {}: {}",
            self.rule.code,
            needed,
            unknown.reason()
        );
        self.note(
            span,
            message,
            "give the value in a tfvars file or with --var, or accept that it is checked at deploy time",
        );
    }

    /// The rule leaves something unchecked on purpose, by an assumption a setting can lift
    /// (FL002, off by default): `message` says what and why, `help` names the setting.
    pub fn assumed(&mut self, span: Span, message: &str, help: &'static str) {
        let message = format!("{} does not check {message}", self.rule.code);
        self.note(span, message, help);
    }

    fn note(&mut self, span: Span, message: String, help: &'static str) {
        self.unresolved.push(Finding {
            rule: &crate::rules::unresolved_value::RULE,
            severity: crate::rules::unresolved_value::RULE.severity,
            message,
            help: help.into(),
            span,
            resource: None,
            related: Vec::new(),
            trace: None,
            scopes: Vec::new(),
            suggestion: None,
            remedy: None,
        });
    }
}

/// Which rules run: `--select` replaces the default set, `--ignore` removes from it. Both take
/// codes (`FL201`), names (`agent-subnet-below-minimum`), code prefixes (`FL2`) or `ALL`.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Severity overrides by rule code (None: off).
    pub severities: std::collections::HashMap<&'static str, Option<Severity>>,
    /// Report what inline suppressions hide (an audit of what a team has silenced).
    pub ignore_suppressions: bool,
}

fn matches(selector: &str, rule: &Rule) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s.eq_ignore_ascii_case(rule.name)
        || (!s.is_empty()
            && rule
                .code
                .to_ascii_uppercase()
                .starts_with(&s.to_ascii_uppercase()))
}

impl Selection {
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        if self.severities.get(rule.code) == Some(&None) {
            return false;
        }
        let selected = match &self.select {
            Some(list) => list.iter().any(|s| matches(s, rule)),
            None => rule.enabled_by_default,
        };
        selected && !self.ignore.iter().any(|s| matches(s, rule))
    }

    /// Selectors that name no rule (a typo must not silently select nothing).
    pub fn unknown_selectors(&self) -> Vec<String> {
        self.select
            .iter()
            .flatten()
            .chain(self.ignore.iter())
            .filter(|s| !crate::rules::ALL.iter().any(|r| matches(s, r)))
            .cloned()
            .collect()
    }
}

/// The rule code or name closest to a selector that names none (a typo), when one is close.
pub fn suggest(selector: &str) -> Option<&'static str> {
    closest(
        selector,
        crate::rules::ALL
            .iter()
            .flat_map(|rule| [rule.code, rule.name]),
    )
}

/// The candidate closest to a value that is none of them (a typo), when one is close.
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = value.trim().to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                distance(&wanted, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|&(d, candidate)| d <= (candidate.len() / 4).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, candidate)| candidate)
}

/// " (did you mean X?)" for a value close to one of the candidates, else nothing.
pub fn did_you_mean<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(value, candidates)
        .map(|close| format!(" (did you mean {close}?)"))
        .unwrap_or_default()
}

/// Levenshtein distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The findings of every rule on one model, with the traces of their values, and the values
/// the rules could not check when `want_unresolved`. Every rule runs, so that a suppression of a
/// rule not selected this time is not called unused; the selection applies to what is reported.
fn check_model(model: &Model, settings: &Settings, want_unresolved: bool) -> Vec<Finding> {
    // Rules run in sequence: models are checked in parallel as the front ends deliver them, and
    // a thread waiting on rules here could take up another model's evaluation meanwhile,
    // holding two models' syntax trees at once.
    let per_rule: Vec<Vec<Finding>> = crate::rules::ALL
        .iter()
        .filter_map(|rule| {
            let check = rule.check?;
            let mut reporter = Reporter::new(rule);
            check(model, settings, &mut reporter);
            let mut out = reporter.findings;
            if want_unresolved {
                out.extend(reporter.unresolved);
            }
            Some(out)
        })
        .collect();
    let mut findings: Vec<Finding> = per_rule.into_iter().flatten().collect();
    for finding in &mut findings {
        // Traces are kept per declaration (`x.y`), findings name an instance (`x.y[2]`).
        let declaration = |r: &str| match r.strip_suffix(']').and_then(|r| r.rfind('[')) {
            Some(open) => r[..open].to_string(),
            None => r.to_string(),
        };
        // A part declared inline (`vnet/subnets/agent`) has the trace its resource recorded.
        let enclosing = |r: &str| {
            r.char_indices()
                .rev()
                .filter(|&(_, c)| c == '/')
                .find_map(|(at, _)| {
                    model
                        .traces
                        .get(&(r[..at].to_string(), finding.span))
                        .or_else(|| model.traces.get(&(declaration(&r[..at]), finding.span)))
                })
        };
        if let Some(resource) = &finding.resource
            && let Some(trace) = model
                .traces
                .get(&(resource.clone(), finding.span))
                .or_else(|| model.traces.get(&(declaration(resource), finding.span)))
                .or_else(|| enclosing(resource))
        {
            finding.trace = Some(trace.clone());
        }
    }
    findings
}

/// A declaration whose instances could not be counted: nothing in it was checked.
fn uncounted_note(u: &crate::model::Uncounted) -> Finding {
    let rule = &crate::rules::unresolved_value::RULE;
    let mut finding = Finding {
        rule,
        severity: rule.severity,
        message: format!(
            "`{}` was not checked: its instances cannot be counted ({})",
            u.origin.address,
            u.reason.reason()
        ),
        help: "give the count in a tfvars file, with --var or a parameter file, or accept that it is checked at deploy time".into(),
        span: u.origin.span,
        resource: None,
        related: Vec::new(),
        trace: None,
        scopes: Vec::new(),
        suggestion: None,
        remedy: None,
    };
    finding.origin(&u.origin);
    finding
}

/// Checks each model as a front end delivers it, so that a large tree is never held in memory
/// as a whole: only the findings (and, for reports that draw the network, the models) are kept.
pub struct Checker<'a> {
    settings: &'a Settings,
    want_unresolved: bool,
    keep_models: bool,
    deliveries: Mutex<Vec<Delivery>>,
}

/// A model's findings and the parameter file of its environment.
type Checked = (Vec<Finding>, Option<Span>);

struct Delivery {
    order: DeliveryOrder,
    entry: FileId,
    unevaluated: Vec<(Span, String)>,
    findings: Vec<Finding>,
    capacity: Vec<crate::model::CapacityEstimate>,
    environment: Option<Span>,
    model: Option<Model>,
    withdrawn: bool,
}

impl<'a> Checker<'a> {
    /// `keep_models`: keep every model for the report (the markdown network diagram) or a dump.
    pub fn new(settings: &'a Settings, selection: &Selection, keep_models: bool) -> Checker<'a> {
        Checker {
            settings,
            want_unresolved: selection.is_enabled(&crate::rules::unresolved_value::RULE),
            keep_models,
            deliveries: Mutex::new(Vec::new()),
        }
    }

    /// The findings of the models delivered (and not withdrawn), and the kept models.
    fn into_parts(self) -> (Vec<Checked>, Outcome) {
        let deliveries = self
            .deliveries
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut deliveries: Vec<Delivery> =
            deliveries.into_iter().filter(|d| !d.withdrawn).collect();
        // Models arrive in whatever order the threads finish them; reports must not.
        deliveries.sort_by_key(|d| d.order);
        let mut checked = Vec::new();
        let mut outcome = Outcome::default();
        for d in deliveries {
            checked.push((d.findings, d.environment));
            outcome.stacks.push(Stack {
                kind: d.order.kind(),
                entry: d.entry,
                environment: d.environment,
            });
            outcome.models.extend(d.model);
            outcome.capacity.extend(d.capacity);
            outcome.unevaluated.extend(d.unevaluated);
        }
        (checked, outcome)
    }
}

impl ModelSink for Checker<'_> {
    fn accept(&self, model: Model, order: DeliveryOrder, entry: FileId) -> usize {
        let mut findings = check_model(&model, self.settings, self.want_unresolved);
        if self.want_unresolved {
            findings.extend(model.uncounted.iter().map(uncounted_note));
        }
        let unevaluated = model
            .uncounted
            .iter()
            .map(|u| (u.origin.span, missing_input(&u.reason)))
            .collect();
        let delivery = Delivery {
            order,
            entry,
            unevaluated,
            findings,
            capacity: model.capacity_estimates(&self.settings.agent_subnet),
            environment: model.environment,
            model: self.keep_models.then_some(model),
            withdrawn: false,
        };
        let mut deliveries = self
            .deliveries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        deliveries.push(delivery);
        deliveries.len() - 1
    }

    fn withdraw(&self, delivery: usize) {
        let mut deliveries = self
            .deliveries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(d) = deliveries.get_mut(delivery) {
            d.withdrawn = true;
            d.findings = Vec::new();
            d.capacity = Vec::new();
            d.unevaluated = Vec::new();
            d.model = None;
        }
    }
}

/// What a run found: the findings, sorted by place and code with duplicates removed, the
/// agent subnets' capacity estimates, and the models the checker kept.
#[derive(Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Every stack checked (one per environment), in report order.
    pub stacks: Vec<Stack>,
    /// Declarations whose instances could not be counted (nothing in them was checked), once
    /// each, with the input that was missing.
    pub unevaluated: Vec<(Span, String)>,
    /// Findings of the selected rules that inline suppressions hid.
    pub suppressed: usize,
    pub capacity: Vec<crate::model::CapacityEstimate>,
    pub models: Vec<Model>,
}

/// A stack checked in one environment: its kind, a file of it, and the parameter file of the
/// environment.
#[derive(Clone, Copy, Debug)]
pub struct Stack {
    pub kind: StackKind,
    pub entry: FileId,
    pub environment: Option<Span>,
}

/// Loads with `load`, which delivers its models to a checker, and returns the workspace and
/// what was found.
pub fn run<E>(
    settings: &Settings,
    selection: &Selection,
    keep_models: bool,
    load: impl FnOnce(&dyn ModelSink) -> Result<Workspace, E>,
) -> Result<(Workspace, Outcome), E> {
    let checker = Checker::new(settings, selection, keep_models);
    let workspace = load(&checker)?;
    let (checked, mut outcome) = checker.into_parts();
    (outcome.findings, outcome.suppressed) = collect_findings(&workspace, checked, selection);
    outcome.unevaluated.sort();
    outcome.unevaluated.dedup_by_key(|(span, _)| *span);
    Ok((workspace, outcome))
}

/// What a declaration's count waited for: the input the reason names (`var.instances`,
/// `aiFoundry`), else the reason itself.
fn missing_input(reason: &Unknown) -> String {
    let reason = reason.reason();
    let mut quoted = reason.split('`');
    match (quoted.next(), quoted.next(), quoted.next()) {
        (Some(_), Some(name), Some(_)) if !name.is_empty() => format!("`{name}`"),
        _ => reason.to_string(),
    }
}

fn collect_findings(
    workspace: &Workspace,
    checked: Vec<Checked>,
    selection: &Selection,
) -> (Vec<Finding>, usize) {
    let mut findings: Vec<Finding> = Vec::new();
    let parse_error = &crate::rules::parse_error::RULE;
    for d in &workspace.diagnostics {
        findings.push(Finding {
            rule: parse_error,
            severity: parse_error.severity,
            message: d.message.clone(),
            help: "fix the syntax; the rest of the tree was still checked".into(),
            span: d.span,
            resource: None,
            related: Vec::new(),
            trace: None,
            scopes: Vec::new(),
            suggestion: None,
            remedy: None,
        });
    }
    let want_unresolved = selection.is_enabled(&crate::rules::unresolved_value::RULE);
    let several_environments = checked.iter().filter(|(_, e)| e.is_some()).count() > 1;
    for (mut found, environment) in checked {
        if let (true, Some(environment)) = (several_environments, environment) {
            for finding in &mut found {
                finding.related.push(Related {
                    span: environment,
                    message: "in this environment".into(),
                });
            }
        }
        findings.extend(found);
    }
    for finding in &mut findings {
        land_in_user_files(finding, &workspace.sources);
    }
    // The same finding from several environments of one template is reported once, naming
    // the environments it appears in.
    let key = |f: &Finding| {
        (
            f.span.file,
            f.span.start,
            f.span.end,
            f.rule.code,
            f.message.clone(),
        )
    };
    let reported =
        |f: &Finding| selection.is_enabled(f.rule) || (f.rule.code == "FL002" && want_unresolved);
    // Suppression only removes findings, and adds its own about the comments. Counted as
    // reported: the same finding from several environments once.
    let counted = |findings: &[Finding]| {
        findings
            .iter()
            .filter(|f| reported(f) && f.rule.code != crate::rules::invalid_suppression::RULE.code)
            .map(key)
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    let before = counted(&findings);
    let mut findings = if selection.ignore_suppressions {
        findings
    } else {
        crate::suppression::apply(findings, &workspace.sources, crate::suppression::today())
    };
    let suppressed = before - counted(&findings);
    findings.retain(reported);
    for finding in &mut findings {
        if let Some(Some(severity)) = selection.severities.get(finding.rule.code) {
            finding.severity = *severity;
        }
    }
    findings.sort_by_key(key);
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        match merged.last_mut() {
            Some(last) if key(last) == key(&finding) => {
                // Environments that disagree on the free range leave none to offer.
                if last.suggestion != finding.suggestion {
                    last.suggestion = None;
                }
                for related in finding.related {
                    if !last.related.contains(&related) {
                        last.related.push(related);
                    }
                }
            }
            _ => merged.push(finding),
        }
    }
    for finding in &mut merged {
        if let Some(suggestion) = &finding.suggestion {
            finding.help = if finding.help.is_empty() {
                suggestion.text.clone().into()
            } else {
                format!("{}; {}", finding.help, suggestion.text).into()
            };
        }
    }
    (merged, suppressed)
}

/// A finding inside a module the user restored but does not own (`.terraform/modules`, the
/// Bicep module cache) is reported where the user's own files lead into it: the outermost step
/// of the value's trace written in the user's files (the argument of the module call that
/// carries the value, or the tfvars line that feeds it), or, when the value is the module's own
/// default, the outermost module call in the user's files. The module's own location stays as a
/// related location.
fn land_in_user_files(finding: &mut Finding, sources: &crate::source::SourceMap) {
    let vendored = |span: Span| sources.get(span.file).vendored;
    if !vendored(finding.span) {
        return;
    }
    let from_trace = finding
        .trace_steps()
        .iter()
        .rev()
        .map(|step| step.span)
        .find(|&span| !vendored(span));
    let from_call = || {
        finding
            .scopes
            .iter()
            .copied()
            .find(|&span| span != finding.span && !vendored(span))
    };
    let Some(landing) = from_trace.or_else(from_call) else {
        return;
    };
    let inside = finding.span;
    let what = match &finding.resource {
        Some(resource) => format!("in the module's code: `{resource}`"),
        None => "in the module's code".to_string(),
    };
    finding.span = landing;
    finding.related.retain(|r| r.span != landing);
    finding.related.insert(
        0,
        Related {
            span: inside,
            message: what,
        },
    );
}
