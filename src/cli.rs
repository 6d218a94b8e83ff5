//! The command line: `foundry-lint [OPTIONS] [PATH]...`. Exit codes: 0 clean, 1 findings at or
//! above the failure threshold, 2 usage or I/O error.

use crate::engine::{self, Selection, Severity};
use crate::frontend::{self, Options};
use crate::report::{Format, Report};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The version with the commit of a release build (build.rs), else the crate's version.
const VERSION: &str = match option_env!("FOUNDRY_LINT_VERSION") {
    Some(version) => version,
    None => env!("CARGO_PKG_VERSION"),
};

#[derive(Parser, Debug)]
#[command(
    name = "foundry-lint",
    version = VERSION,
    about = "Lints Terraform, ARM and Bicep for the network and encryption mistakes that break a Microsoft Foundry Agent Service deployment on your own virtual network."
)]
pub struct Args {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    #[arg(help_heading = "Input")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, alias = "output-format", value_enum, default_value_t = Format::Human)]
    #[arg(help_heading = "Output")]
    pub format: Format,

    /// Colour the human report: auto (when standard output is a terminal; NO_COLOR and
    /// FORCE_COLOR are honoured), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    #[arg(help_heading = "Output")]
    pub color: ColorChoice,

    /// Leave the agent subnets' capacity estimates out of the human report.
    #[arg(long)]
    #[arg(help_heading = "Output")]
    pub no_capacity: bool,

    /// Print only the findings: no capacity estimates, no summary, no warnings.
    #[arg(short, long)]
    #[arg(help_heading = "Output")]
    pub quiet: bool,

    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    #[arg(help_heading = "Output")]
    pub statistics: bool,

    /// Do not lint paths matching GLOB (repeatable; added to `exclude` of the configuration).
    #[arg(long, value_name = "GLOB")]
    #[arg(help_heading = "Input")]
    pub exclude: Vec<String>,

    /// Lint files that `.gitignore` (inside a git repository), `.ignore` or git's excludes
    /// ignore, too (a file named on the command line is linted either way).
    #[arg(long)]
    #[arg(help_heading = "Input")]
    pub no_ignore: bool,

    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    #[arg(help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Also write a report in FORMAT to FILE, from the same run (repeatable), e.g.
    /// `--report sarif=out.sarif --report markdown=summary.md`.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    #[arg(help_heading = "Output")]
    pub reports: Vec<(Format, PathBuf)>,

    /// Exit with 1 when a finding at or above this severity remains [default: warning].
    #[arg(long, value_enum)]
    #[arg(help_heading = "Integration")]
    pub fail_on: Option<FailOn>,

    /// The configuration file (default: the nearest .foundry-lint.toml in or above the first
    /// path).
    #[arg(long, value_name = "FILE")]
    #[arg(help_heading = "Input")]
    pub config: Option<PathBuf>,

    /// Rules to run instead of the defaults: codes, names or code prefixes, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    #[arg(help_heading = "Rules")]
    pub select: Vec<String>,

    /// Rules not to run: codes, names or code prefixes, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    #[arg(help_heading = "Rules")]
    pub ignore: Vec<String>,

    /// Record the current findings in FILE (a baseline) and exit 0.
    #[arg(long, value_name = "FILE")]
    #[arg(help_heading = "Integration")]
    pub write_baseline: Option<PathBuf>,

    /// Hide the findings recorded in FILE by --write-baseline; new findings still show.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    #[arg(help_heading = "Integration")]
    pub baseline: Option<PathBuf>,

    /// Report findings that inline suppressions hide (an audit; suppressions are not checked).
    #[arg(long)]
    #[arg(help_heading = "Rules")]
    pub ignore_suppressions: bool,

    /// Set a Terraform variable, as `terraform plan -var` does.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    #[arg(help_heading = "Input")]
    pub vars: Vec<String>,

    /// Read Terraform variable values from a file, as `terraform plan -var-file` does.
    #[arg(long = "var-file", value_name = "FILE")]
    #[arg(help_heading = "Input")]
    pub var_files: Vec<PathBuf>,

    /// An ARM parameter file: an environment for every template linted (repeatable).
    #[arg(long = "parameters", value_name = "FILE")]
    #[arg(help_heading = "Input")]
    pub parameters: Vec<PathBuf>,

    /// The Bicep cache to read registry modules from (what `bicep restore` filled), instead of
    /// `~/.bicep` or `cacheRootDirectory` of the nearest bicepconfig.json.
    #[arg(long = "bicep-cache", value_name = "DIR")]
    #[arg(help_heading = "Input")]
    pub bicep_cache: Option<PathBuf>,

    /// Print the effective settings and the configuration file they came from, and exit.
    #[arg(long)]
    #[arg(help_heading = "Rules")]
    pub show_settings: bool,

    /// Apply the safe fixes to the files, lint again and report what remains.
    #[arg(long, conflicts_with_all = ["diff", "write_baseline"])]
    #[arg(help_heading = "Fixes")]
    pub fix: bool,

    /// Print the fixes as unified diffs instead of writing them (exit 1 when there are any).
    #[arg(long)]
    #[arg(help_heading = "Fixes")]
    pub diff: bool,

    /// With --fix or --diff, apply the unsafe fixes too.
    #[arg(long)]
    #[arg(help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Print the rule catalogue and exit.
    #[arg(long)]
    #[arg(help_heading = "Rules")]
    pub list_rules: bool,

    /// Print every ARM, Bicep and Terraform function of the official references with what
    /// foundry-lint does with it (language, function, status, reason) and exit.
    #[arg(long)]
    #[arg(help_heading = "Rules")]
    pub list_functions: bool,

    /// Print the evaluated network model instead of findings (for debugging a front end).
    #[arg(long, hide = true)]
    pub dump_model: bool,

    /// Print a rule's document (by code or name) and exit.
    #[arg(long, value_name = "RULE")]
    #[arg(help_heading = "Rules")]
    pub explain: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    // `foundry-lint server` speaks the Language Server Protocol (a directory named `server` is
    // linted as `./server`).
    let mut argv = std::env::args_os().skip(1);
    match argv.next().as_ref().and_then(|a| a.to_str()) {
        Some("server") => return crate::server::main(),
        // Like `server`, and for the same reason, the first argument only.
        Some("completions") => return completions(argv.next()),
        Some("man") => return man(),
        _ => {}
    }
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("foundry-lint: error: {message}");
            2
        }
    }
}

/// `foundry-lint completions SHELL`: the shell's completion script, from the same definition
/// as the parser, on standard output.
fn completions(shell: Option<std::ffi::OsString>) -> i32 {
    use clap::{CommandFactory, ValueEnum};
    let names = || {
        clap_complete::Shell::value_variants()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(shell) = shell else {
        eprintln!(
            "foundry-lint: error: completions needs a shell: {}",
            names()
        );
        return 2;
    };
    let Some(shell) = shell
        .to_str()
        .and_then(|s| clap_complete::Shell::from_str(s, true).ok())
    else {
        eprintln!(
            "foundry-lint: error: completions: no shell `{}` (expected one of {})",
            shell.to_string_lossy(),
            names()
        );
        return 2;
    };
    // Into memory first: the generator panics on a closed pipe (`| head`).
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "foundry-lint", &mut out);
    let _ = std::io::stdout().write_all(&out);
    0
}

/// `foundry-lint man`: the manual page (roff), from the same definition as the parser, on
/// standard output (`foundry-lint man > foundry-lint.1`).
fn man() -> i32 {
    use clap::CommandFactory;
    let mut out = Vec::new();
    match clap_mangen::Man::new(Args::command()).render(&mut out) {
        Ok(()) => {
            let _ = std::io::stdout().write_all(&out);
            0
        }
        Err(e) => {
            eprintln!("foundry-lint: error: man page: {e}");
            2
        }
    }
}

pub fn run(args: &Args) -> Result<i32, String> {
    let started = std::time::Instant::now();
    if args.list_functions {
        let mut out = String::new();
        for (language, name, status) in crate::frontend::arm::listing() {
            let (status, reason) = match status {
                Some(crate::frontend::arm::Status::Evaluated { .. }) => ("evaluated", ""),
                Some(crate::frontend::arm::Status::Unknowable(reason)) => ("unknown", reason),
                None => ("unclassified", ""),
            };
            out.push_str(&format!(
                "{}\t{name}\t{status}\t{reason}\n",
                language.name()
            ));
        }
        for &(name, status) in crate::frontend::terraform::function_table::FUNCTIONS {
            out.push_str(&format!(
                "terraform\t{name}\t{}\t{}\n",
                status.label(),
                status.reason(name)
            ));
        }
        write_output(args, &out)?;
        return Ok(0);
    }
    if let Some(wanted) = &args.explain {
        let rule = crate::rules::find(wanted)
            .ok_or_else(|| format!("no rule `{wanted}`; see --list-rules"))?;
        write_output(args, rule.doc)?;
        return Ok(0);
    }
    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => args.paths.first().and_then(|p| crate::config::find(p)),
    };
    let config = match &config_path {
        Some(path) => crate::config::load(path)?,
        None => crate::config::Config::default(),
    };
    let selection = Selection {
        select: if args.select.is_empty() {
            config.select.clone()
        } else {
            Some(args.select.clone())
        },
        ignore: args.ignore.iter().chain(&config.ignore).cloned().collect(),
        severities: config.severities(),
        ignore_suppressions: args.ignore_suppressions,
    };
    let fail_on = match (args.fail_on, config.fail_on.as_deref()) {
        (Some(f), _) => f,
        (None, Some("error")) => FailOn::Error,
        (None, Some("note")) => FailOn::Note,
        (None, Some("never")) => FailOn::Never,
        (None, Some("warning") | None) => FailOn::Warning,
        (None, Some(other)) => {
            return Err(format!(
                "fail-on = \"{other}\" in the configuration: expected error, warning, note or never{}",
                engine::did_you_mean(other, ["error", "warning", "note", "never"])
            ));
        }
    };
    let unknown = selection.unknown_selectors();
    if !unknown.is_empty() {
        let named: Vec<String> = unknown
            .iter()
            .map(|u| match engine::suggest(u) {
                Some(close) => format!("{u} (did you mean {close}?)"),
                None => u.clone(),
            })
            .collect();
        return Err(format!(
            "unknown rule selector(s): {}; see --list-rules",
            named.join(", ")
        ));
    }
    if args.list_rules {
        // As this run would apply them: the configuration's severities and selection.
        let mut out = String::new();
        for rule in crate::rules::ALL {
            let severity = match selection.severities.get(rule.code) {
                Some(Some(severity)) => *severity,
                _ => rule.severity,
            };
            let state = match (selection.is_enabled(rule), rule.enabled_by_default) {
                (true, _) => "",
                (false, false) if selection.select.is_none() => " (off by default)",
                (false, _) => " (off)",
            };
            out.push_str(&format!(
                "{:<6} {:<36} {:<8} {}{state}\n",
                rule.code,
                rule.name,
                severity.as_str(),
                rule.summary
            ));
        }
        write_output(args, &out)?;
        return Ok(0);
    }
    let vars = args
        .vars
        .iter()
        .map(|v| parse_var(v))
        .collect::<Result<Vec<_>, _>>()?;
    let external_networks = crate::config::external_networks(&config, config_path.as_deref())?;
    let options = Options {
        exclude: config
            .exclude
            .iter()
            .chain(&args.exclude)
            .cloned()
            .collect(),
        parameters: args.parameters.clone(),
        var_files: args.var_files.clone(),
        vars,
        external_networks,
        bicep_cache: args.bicep_cache.clone().or_else(|| {
            let dir = config_path.as_ref()?.parent()?;
            Some(dir.join(config.bicep.cache.as_ref()?))
        }),
        template_links: config_path
            .as_deref()
            .and_then(Path::parent)
            .map(|dir| crate::config::template_links(&config, dir))
            .unwrap_or_default(),
        buffers: Default::default(),
        no_ignore: args.no_ignore,
    };
    let settings = config.settings();
    if args.show_settings {
        let from = config_path
            .as_ref()
            .map_or("none (defaults)".to_string(), |p| p.display().to_string());
        let mut severities: Vec<String> = selection
            .severities
            .iter()
            .map(|(code, severity)| {
                format!("{code} = {}", severity.map_or("off", Severity::as_str))
            })
            .collect();
        severities.sort();
        let out = format!(
            "configuration file: {from}\nselect: {}\nignore: {:?}\nseverities: {severities:?}\nfail-on: {fail_on:?}\nexclude: {:?}\nignore files (.gitignore, .ignore, git excludes): {}\nvariables: {:?}\nvariable files: {:?}\nparameter files: {:?}\nbicep cache: {:?}\n{settings:#?}\n",
            selection
                .select
                .as_ref()
                .map_or("the defaults".to_string(), |s| format!("{s:?}")),
            selection.ignore,
            options.exclude,
            match options.no_ignore {
                true => "not honoured (--no-ignore)",
                false => "honoured",
            },
            options.vars,
            options.var_files,
            options.parameters,
            options.bicep_cache,
        );
        write_output(args, &out)?;
        return Ok(0);
    }
    // Models are kept only for what shows them: the markdown diagram and the model dump.
    let keep_models = args.dump_model
        || args.format == Format::Markdown
        || args.reports.iter().any(|(f, _)| *f == Format::Markdown);
    // Fixes are computed only for what applies or shows them (the concise, CI and markdown
    // formats do not), as they read the files again.
    let shows_fixes = |f: &Format| matches!(f, Format::Human | Format::Json | Format::Sarif);
    let with_fixes = args.fix
        || args.diff
        || shows_fixes(&args.format)
        || args.reports.iter().any(|(f, _)| shows_fixes(f));
    let lint = || {
        let (workspace, mut outcome) = engine::run(&settings, &selection, keep_models, |sink| {
            frontend::load(&args.paths, &options, sink)
        })
        .map_err(|e| e.0)?;
        if with_fixes {
            crate::fix::attach(&mut outcome.findings, &workspace.sources);
        }
        Ok::<_, String>((workspace, outcome))
    };
    let (mut workspace, mut outcome) = lint()?;
    // What the baseline hides is not fixed either.
    let shown = |findings: &[engine::Finding], sources: &crate::source::SourceMap| {
        let mut shown = findings.to_vec();
        if let Some(path) = &args.baseline {
            crate::baseline::apply(path, &mut shown, sources)?;
        }
        Ok::<_, String>(shown)
    };
    if args.diff {
        let findings = shown(&outcome.findings, &workspace.sources)?;
        let fixes = crate::fix::applicable(&findings, args.unsafe_fixes);
        let (texts, _) = crate::fix::apply(&fixes, &workspace.sources);
        let diff: String = texts
            .iter()
            .map(|(file, text)| {
                let source = workspace.sources.get(*file);
                crate::fix::unified_diff(&source.display_path, &source.text, text)
            })
            .collect();
        write_output(args, &diff)?;
        return Ok(i32::from(!diff.is_empty()));
    }
    let mut fixed = None;
    if args.fix {
        let original = finding_keys(&workspace, &outcome.findings);
        // A fix whose edits overlap another's waits for the next round, as in ruff.
        for _ in 0..MAX_FIX_ROUNDS {
            let findings = shown(&outcome.findings, &workspace.sources)?;
            let fixes = crate::fix::applicable(&findings, args.unsafe_fixes);
            let (texts, _) = crate::fix::apply(&fixes, &workspace.sources);
            if texts.is_empty() {
                break;
            }
            let written = write_fixes(&workspace.sources, &texts)?;
            let (again_workspace, again) = lint()?;
            if let Some(broken) = newly_unparsable(&workspace, &again_workspace, &written) {
                restore(&written)?;
                return Err(format!(
                    "--fix would leave {broken} unparsable; nothing was changed (please report this)"
                ));
            }
            (workspace, outcome) = (again_workspace, again);
        }
        // Compared with the first run, not round by round: a subnet grown from /28 to /26 in
        // two rounds passed through a /27 that nobody will deploy.
        let now = finding_keys(&workspace, &outcome.findings);
        for new in now.difference(&original).filter(|_| !args.quiet) {
            eprintln!("foundry-lint: warning: after fixing, a new finding: {new}");
        }
        fixed = Some(original.difference(&now).count());
    }
    for name in workspace.undeclared_vars.iter().filter(|_| !args.quiet) {
        eprintln!(
            "foundry-lint: warning: --var {name}: no Terraform root declares a variable named `{name}`"
        );
    }
    if let Some(empty) = empty_directory(&args.paths, &workspace, &outcome.stacks) {
        let excluded = if !args.no_ignore && frontend::holds_ignored_inputs(empty) {
            " (every one is ignored by .gitignore, .ignore or git's excludes: --no-ignore lints them)"
        } else if !options.exclude.is_empty() {
            " (or every one is excluded)"
        } else {
            ""
        };
        return Err(format!(
            "{}: no Terraform, Bicep or ARM file to lint{excluded}",
            empty.display()
        ));
    }
    let engine::Outcome {
        mut findings,
        capacity,
        models,
        stacks,
        unevaluated,
        suppressed,
    } = outcome;
    if args.dump_model {
        write_output(args, &format!("{models:#?}\n"))?;
        return Ok(0);
    }
    if let Some(path) = &args.write_baseline {
        crate::baseline::write(path, &findings, &workspace.sources)?;
        eprintln!(
            "foundry-lint: recorded {} finding(s) in {}",
            findings.len(),
            path.display()
        );
        return Ok(0);
    }
    let mut baselined = 0;
    if let Some(path) = &args.baseline {
        baselined = crate::baseline::apply(path, &mut findings, &workspace.sources)?;
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // https://no-color.org and https://force-color.org
        ColorChoice::Auto => !set("NO_COLOR") && (set("FORCE_COLOR") || to_terminal),
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c > 0)
        .or_else(|| {
            to_terminal
                .then(terminal_size::terminal_size)
                .flatten()
                .map(|(w, _)| w.0 as usize)
        })
        .unwrap_or(100);
    let run = crate::report::RunFacts {
        stacks,
        // Only a person at a terminal reads the time; files and goldens stay reproducible.
        elapsed: to_terminal.then(|| started.elapsed()),
        suppressed,
        baselined,
        fixed,
        unevaluated,
    };
    let report = Report {
        findings: &findings,
        sources: &workspace.sources,
        models: &models,
        capacity: &capacity,
        settings: &settings,
        presentation: crate::report::Presentation {
            color,
            width,
            capacity: !args.no_capacity && !args.quiet,
            summary: !args.quiet,
        },
        run: &run,
    };
    let text = match args.statistics {
        true => statistics(&findings),
        false => report.render(args.format),
    };
    write_output(args, &text)?;
    // Files are not terminals: no colour, the default width.
    let to_file = Report {
        presentation: crate::report::Presentation {
            color: false,
            width: crate::report::Presentation::default().width,
            ..report.presentation
        },
        ..report
    };
    for (format, path) in &args.reports {
        write_file(path, &to_file.render(*format)).map_err(|e| format!("--report: {e}"))?;
    }
    let failed = fail_on
        .threshold()
        .is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    // Freeing every syntax tree and model one by one takes a tenth of a large run; the process
    // ends here and the system takes the memory back at once.
    std::mem::forget(workspace);
    std::mem::forget(findings);
    std::mem::forget(models);
    Ok(if failed { 1 } else { 0 })
}

/// Rounds of fixing at most: each round applies the fixes that do not overlap and lints again.
const MAX_FIX_ROUNDS: usize = 10;

/// Writes the fixed texts; returns each file's path and its text before.
fn write_fixes(
    sources: &crate::source::SourceMap,
    texts: &std::collections::BTreeMap<crate::source::FileId, String>,
) -> Result<Vec<(PathBuf, String)>, String> {
    let mut written = Vec::new();
    for (file, text) in texts {
        let source = sources.get(*file);
        if let Err(e) = std::fs::write(&source.path, text) {
            restore(&written)?;
            return Err(format!("cannot write {}: {e}", source.display_path));
        }
        written.push((source.path.clone(), source.text.clone()));
    }
    Ok(written)
}

fn restore(written: &[(PathBuf, String)]) -> Result<(), String> {
    for (path, text) in written {
        std::fs::write(path, text)
            .map_err(|e| format!("cannot restore {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The findings of a run as `path: CODE message`, to tell which a fix removed and which it
/// brought.
fn finding_keys(
    workspace: &frontend::Workspace,
    findings: &[engine::Finding],
) -> std::collections::BTreeSet<String> {
    findings
        .iter()
        .map(|f| {
            let path = &workspace.sources.get(f.span.file).display_path;
            format!("{path}: {} {}", f.rule.code, f.message)
        })
        .collect()
}

/// A written file that has more syntax errors after the fix than before.
fn newly_unparsable(
    before: &frontend::Workspace,
    after: &frontend::Workspace,
    written: &[(PathBuf, String)],
) -> Option<String> {
    let errors = |workspace: &frontend::Workspace, path: &Path| {
        workspace
            .diagnostics
            .iter()
            .filter(|d| workspace.sources.get(d.span.file).path == path)
            .count()
    };
    written
        .iter()
        .find(|(path, _)| errors(after, path) > errors(before, path))
        .map(|(path, _)| path.display().to_string())
}

/// One line per rule with findings, the most frequent first: count, code, name, severity.
fn statistics(findings: &[engine::Finding]) -> String {
    let mut counts: Vec<(usize, &engine::Rule, Severity)> = Vec::new();
    for finding in findings {
        match counts.iter_mut().find(|(_, rule, severity)| {
            rule.code == finding.rule.code && *severity == finding.severity
        }) {
            Some((n, ..)) => *n += 1,
            None => counts.push((1, finding.rule, finding.severity)),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    let width = counts.first().map_or(1, |c| c.0.to_string().len());
    counts
        .iter()
        .map(|(n, rule, severity)| {
            format!(
                "{n:>width$}  {}  {:<8} {}\n",
                rule.code,
                severity.as_str(),
                rule.name
            )
        })
        .collect()
}

/// `FORMAT=FILE` of `--report`: a malformed value is a usage error naming it (exit 2).
fn parse_report(value: &str) -> Result<(Format, PathBuf), String> {
    use clap::ValueEnum;
    let (format, file) = value
        .split_once('=')
        .ok_or_else(|| format!("`{value}` is not FORMAT=FILE"))?;
    let format = Format::from_str(format.trim(), true).map_err(|_| {
        let formats: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        format!(
            "`{value}`: no format `{format}` (expected one of {})",
            formats.join(", ")
        )
    })?;
    if file.is_empty() {
        return Err(format!("`{value}`: no file after `=`"));
    }
    Ok((format, PathBuf::from(file)))
}

/// Terraform's rule for names: a letter or `_`, then letters, digits, `_` or `-`.
/// `--var NAME=VALUE` (also the language server's `vars`).
pub fn parse_var(v: &str) -> Result<(String, String), String> {
    let (name, value) = v
        .split_once('=')
        .ok_or_else(|| format!("--var `{v}` is not NAME=VALUE"))?;
    let name = name.trim();
    if !is_identifier(name) {
        return Err(format!(
            "--var `{v}`: `{name}` is not a variable name (letters, digits, `_` and `-`, not starting with a digit)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// The first directory given on the command line in which the front ends found nothing to lint:
/// no stack of it was checked and none of its files failed to read or parse. A CI job with a
/// wrong path must fail, not pass forever. (Files given one by one, as pre-commit does, may all
/// be something else: that is no error.)
fn empty_directory<'a>(
    paths: &'a [PathBuf],
    workspace: &frontend::Workspace,
    stacks: &[engine::Stack],
) -> Option<&'a Path> {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let linted: Vec<PathBuf> = stacks
        .iter()
        .map(|s| s.entry)
        .chain(workspace.diagnostics.iter().map(|d| d.span.file))
        .map(|file| canonical(&workspace.sources.get(file).path))
        .collect();
    paths.iter().map(PathBuf::as_path).find(|dir| {
        dir.is_dir() && {
            let dir = canonical(dir);
            !linted.iter().any(|file| file.starts_with(&dir))
        }
    })
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_output(args: &Args, text: &str) -> Result<(), String> {
    match &args.output {
        Some(path) => write_file(path, text),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`foundry-lint | head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes());
            Ok(())
        }
    }
}
