//! Every rule document is a specification: each example under a "Bad" heading must make the
//! rule fire, each example under a "Good" heading must not. The catalogue and the documents
//! agree on codes, names and severities.

use foundry_lint::engine::{self, Selection};
use foundry_lint::frontend::{self, Options};
use foundry_lint::rules;

#[derive(Debug)]
struct Example {
    bad: bool,
    language: String,
    code: String,
    heading: String,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("### ") {
            heading = h.trim().to_string();
            continue;
        }
        if let Some(lang) = line.strip_prefix("```") {
            let mut code = String::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            let bad = heading.starts_with("Bad");
            if bad || heading.starts_with("Good") {
                out.push(Example {
                    bad,
                    language: lang.trim().to_string(),
                    code,
                    heading: heading.clone(),
                });
            }
        }
    }
    out
}

fn file_name(language: &str) -> Option<&'static str> {
    match language {
        "hcl" | "terraform" | "tf" => Some("main.tf"),
        "json" => Some("azuredeploy.json"),
        "bicep" => Some("main.bicep"),
        _ => None,
    }
}

fn fires(code: &str, example: &Example) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = file_name(&example.language).expect("known language");
    std::fs::write(dir.path().join(name), &example.code).expect("write example");
    let selection = Selection {
        select: Some(vec![code.to_string()]),
        ..Selection::default()
    };
    let settings = foundry_lint::settings::Settings::default();
    let (_, outcome) = engine::run(&settings, &selection, false, |sink| {
        frontend::load(&[dir.path().to_path_buf()], &Options::default(), sink)
    })
    .expect("load");
    outcome.findings.iter().any(|f| f.rule.code == code)
}

#[test]
fn every_rule_has_a_document_with_its_code_name_and_severity() {
    for rule in rules::ALL {
        let first = rule.doc.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("# {} {}", rule.code, rule.name),
            "{} document title",
            rule.code
        );
        assert!(
            rule.doc.contains(&format!(
                "| {} | {} | {} |",
                rule.code, rule.name, rule.severity
            )),
            "{} document states its code, name and default severity in the table",
            rule.code
        );
        for section in [
            "## What it checks",
            "## Why",
            "## How to fix",
            "## Examples",
            "## Sources",
        ] {
            assert!(
                rule.doc.contains(section),
                "{} document has a `{section}` section",
                rule.code
            );
        }
    }
}

#[test]
fn every_rule_document_has_a_bad_and_a_good_terraform_example() {
    for rule in rules::ALL {
        let ex = examples(rule.doc);
        let tf = |bad: bool| {
            ex.iter()
                .any(|e| e.bad == bad && file_name(&e.language) == Some("main.tf"))
        };
        assert!(tf(true), "{} has a bad Terraform example", rule.code);
        assert!(tf(false), "{} has a good Terraform example", rule.code);
    }
}

#[test]
fn bad_examples_fire_and_good_examples_do_not() {
    let mut failures = Vec::new();
    for rule in rules::ALL {
        for example in examples(rule.doc) {
            if file_name(&example.language).is_none() {
                continue;
            }
            if fires(rule.code, &example) != example.bad {
                failures.push(format!(
                    "{} example under `{}` should {}fire",
                    rule.code,
                    example.heading,
                    if example.bad { "" } else { "not " }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The findings of `code` on an example written to `dir`, with the workspace's sources.
fn lint_dir(
    code: &str,
    dir: &std::path::Path,
) -> (frontend::Workspace, Vec<foundry_lint::engine::Finding>) {
    let selection = Selection {
        select: Some(vec![code.to_string()]),
        ..Selection::default()
    };
    let settings = foundry_lint::settings::Settings::default();
    let (workspace, mut outcome) = engine::run(&settings, &selection, false, |sink| {
        frontend::load(&[dir.to_path_buf()], &Options::default(), sink)
    })
    .expect("load");
    foundry_lint::fix::attach(&mut outcome.findings, &workspace.sources);
    (workspace, outcome.findings)
}

/// A fixable rule's document says what `--fix` does, and every Bad example is either fixed
/// (applying its fixes, safe and unsafe, leaves the rule silent) or says why not.
#[test]
fn fixable_rules_document_their_fix_and_fix_their_bad_examples() {
    let mut failures = Vec::new();
    for code in foundry_lint::fix::FIXABLE {
        let rule = rules::find(code).expect("a rule");
        if !rule.doc.contains("--fix") {
            failures.push(format!("{code}: the document does not say what --fix does"));
        }
        for example in examples(rule.doc).into_iter().filter(|e| e.bad) {
            let Some(name) = file_name(&example.language) else {
                continue;
            };
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::write(dir.path().join(name), &example.code).expect("write example");
            let mut unfixable = false;
            for _ in 0..3 {
                let (workspace, findings) = lint_dir(code, dir.path());
                unfixable |= findings
                    .iter()
                    .any(|f| matches!(f.remedy, Some(foundry_lint::fix::Remedy::NotFixed(_))));
                assert!(
                    findings.iter().all(|f| f.remedy.is_some()),
                    "{code}: a finding without a remedy"
                );
                let fixes = foundry_lint::fix::applicable(&findings, true);
                let (texts, _) = foundry_lint::fix::apply(&fixes, &workspace.sources);
                for (file, text) in texts {
                    std::fs::write(&workspace.sources.get(file).path, text).expect("write");
                }
            }
            let (_, left) = lint_dir(code, dir.path());
            if !unfixable && !left.is_empty() {
                failures.push(format!(
                    "{code} example under `{}` still fires after fixing",
                    example.heading
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
