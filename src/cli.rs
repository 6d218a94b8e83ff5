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
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when a finding at or above this severity remains [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// The configuration file (default: the nearest .foundry-lint.toml in or above the first
    /// path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Rules to run instead of the defaults: codes, names or code prefixes, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Rules not to run: codes, names or code prefixes, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Record the current findings in FILE (a baseline) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Hide the findings recorded in FILE by --write-baseline; new findings still show.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Report findings that inline suppressions hide (an audit; suppressions are not checked).
    #[arg(long)]
    pub ignore_suppressions: bool,

    /// Set a Terraform variable, as `terraform plan -var` does.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// Read Terraform variable values from a file, as `terraform plan -var-file` does.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// An ARM parameter file: an environment for every template linted (repeatable).
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameters: Vec<PathBuf>,

    /// The Bicep cache to read registry modules from (what `bicep restore` filled), instead of
    /// `~/.bicep` or `cacheRootDirectory` of the nearest bicepconfig.json.
    #[arg(long = "bicep-cache", value_name = "DIR")]
    pub bicep_cache: Option<PathBuf>,

    /// Print the rule catalogue and exit.
    #[arg(long)]
    pub list_rules: bool,

    /// Print every ARM and Bicep function of the official references with what foundry-lint
    /// does with it (language, function, status, reason) and exit.
    #[arg(long)]
    pub list_functions: bool,

    /// Print the evaluated network model instead of findings (for debugging a front end).
    #[arg(long, hide = true)]
    pub dump_model: bool,

    /// Print a rule's document (by code or name) and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
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

pub fn run(args: &Args) -> Result<i32, String> {
    if args.list_rules {
        let mut out = String::new();
        for rule in crate::rules::ALL {
            let default = if rule.enabled_by_default {
                ""
            } else {
                " (off by default)"
            };
            out.push_str(&format!(
                "{:<6} {:<36} {:<8} {}{default}\n",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.summary
            ));
        }
        write_output(args, &out)?;
        return Ok(0);
    }
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
                "fail-on = \"{other}\" in the configuration: expected error, warning, note or never"
            ));
        }
    };
    let unknown = selection.unknown_selectors();
    if !unknown.is_empty() {
        return Err(format!(
            "unknown rule selector(s): {}; see --list-rules",
            unknown.join(", ")
        ));
    }
    let mut vars = Vec::new();
    for v in &args.vars {
        let (name, value) = v
            .split_once('=')
            .ok_or_else(|| format!("--var `{v}` is not NAME=VALUE"))?;
        vars.push((name.trim().to_string(), value.to_string()));
    }
    let external_networks = match (&config_path, config.networks.is_empty()) {
        (Some(path), false) => Some(frontend::ExternalNetworks {
            // Findings show it like every other file: relative to where the linter runs.
            path: std::env::current_dir()
                .ok()
                .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or_else(|| path.clone()),
            text: std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
            networks: config
                .networks
                .iter()
                .map(|n| frontend::ExternalNetwork {
                    id: (n.id.get_ref().clone(), n.id.span()),
                    address_space: n
                        .address_space
                        .iter()
                        .map(|p| (p.get_ref().clone(), p.span()))
                        .collect(),
                    location: n.location.as_ref().map(|l| (l.get_ref().clone(), l.span())),
                })
                .collect(),
        }),
        _ => None,
    };
    let options = Options {
        exclude: config.exclude.clone(),
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
    };
    let settings = config.settings();
    // Models are kept only for what shows them: the markdown diagram and the model dump.
    let keep_models = args.dump_model || args.format == Format::Markdown;
    let (workspace, outcome) = engine::run(&settings, &selection, keep_models, |sink| {
        frontend::load(&args.paths, &options, sink)
    })
    .map_err(|e| e.0)?;
    let engine::Outcome {
        mut findings,
        capacity,
        models,
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
    if let Some(path) = &args.baseline {
        crate::baseline::apply(path, &mut findings, &workspace.sources)?;
    }
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let report = Report {
        findings: &findings,
        sources: &workspace.sources,
        models: &models,
        capacity: &capacity,
        settings: &settings,
        color,
    };
    write_output(args, &report.render(args.format))?;
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

fn write_output(args: &Args, text: &str) -> Result<(), String> {
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`foundry-lint | head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes());
            Ok(())
        }
    }
}
