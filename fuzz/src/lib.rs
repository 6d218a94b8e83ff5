//! What the fuzz targets share: the input format of the file-based targets, and the whole
//! pipeline after loading (every rule, every report format).
//!
//! Input format of `terraform`, `arm` and `bicep`: the input is split at NUL bytes. The first
//! field is the text of the target's main file (`main.tf`, `azuredeploy.json`, `main.bicep`);
//! the fields after it alternate a relative path and that file's text, so one input can be a
//! module tree or a template with its parameter files. Paths of another language are dropped.
//! Text that is not UTF-8 is read lossily (the CLI reports such a file as FL001 instead).

use foundry_lint::engine::{self, Selection};
use foundry_lint::frontend::Workspace;
use foundry_lint::report::{Format, Report};
use foundry_lint::settings::Settings;

/// Paths longer than this are cut (a path is only a name here).
const MAX_NAME: usize = 200;

/// The files of an input: `(path, text)` pairs, the main file first.
pub fn files(data: &[u8], main: &str, keep: fn(&str) -> bool) -> Vec<(String, String)> {
    let mut fields = data.split(|&b| b == 0);
    let mut out = vec![(
        main.to_string(),
        String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned(),
    )];
    while let (Some(name), Some(text)) = (fields.next(), fields.next()) {
        let name: String = String::from_utf8_lossy(name)
            .chars()
            .take(MAX_NAME)
            .collect();
        let name = name.trim().trim_start_matches('/').to_string();
        if !name.is_empty() && keep(&name) {
            out.push((name, String::from_utf8_lossy(text).into_owned()));
        }
    }
    out
}

pub fn is_terraform(name: &str) -> bool {
    name.ends_with(".tf")
        || name.ends_with(".tf.json")
        || name.ends_with(".tfvars")
        || name.ends_with(".tfvars.json")
}

pub fn is_json(name: &str) -> bool {
    name.ends_with(".json") && !is_terraform(name)
}

pub fn is_bicep(name: &str) -> bool {
    name.ends_with(".bicep") || name.ends_with(".bicepparam")
}

/// Loads the files in memory, as the CLI loads a directory, and lints them.
pub fn lint_files(files: &[(String, String)]) {
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let workspace = foundry_lint::frontend::memory::load_texts(&pairs);
    let selection = Selection {
        select: Some(vec!["ALL".into()]),
        ..Selection::default()
    };
    lint_workspace(&workspace, &Settings::default(), &selection);
}

/// Every rule on the workspace, then the report formats. SARIF and JUnit are left out: their
/// time goes to serialising the rule catalogue (third-party code), and they place findings with
/// the same line and column arithmetic as the formats rendered here.
pub fn lint_workspace(workspace: &Workspace, settings: &Settings, selection: &Selection) {
    let findings = engine::run(workspace, settings, selection);
    let report = Report {
        findings: &findings,
        sources: &workspace.sources,
        models: &workspace.models,
        settings,
        color: false,
    };
    for format in [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Github,
        Format::Azure,
    ] {
        std::hint::black_box(report.render(format));
    }
}
