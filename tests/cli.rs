//! The command line as a contract: formats, exit codes, selection, catalogue and bad input.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run foundry-lint")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

const SIZING: &str = "fixtures/terraform/peering-and-subnets";

#[test]
fn json_report_has_the_documented_shape() {
    let out = run(&[SIZING, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "foundry-lint");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let finding = &doc["findings"][0];
    let keys: Vec<&str> = finding
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "rule",
            "name",
            "severity",
            "message",
            "help",
            "location",
            "resource",
            "related",
            "trace",
            "suggested_range",
            "fix"
        ]
    );
    // The free range the hub could move to, and where the prefix it replaces is written.
    let range = &finding["suggested_range"];
    assert_eq!(range["prefix"], "10.3.0.0/16");
    assert_eq!(range["within"], "10.0.0.0/8");
    // Writing it there is a fix, unsafe: the range is free only as far as the stack shows.
    assert_eq!(finding["fix"]["applicability"], "unsafe");
    assert_eq!(finding["fix"]["edits"][0]["content"], "\"10.3.0.0/16\"");
    assert_eq!(range["location"]["line"], 11);
    assert!(finding["help"].as_str().is_some_and(|h| h.ends_with(
        "`vnet-hub` could move from 10.0.0.0/16 to 10.3.0.0/16, which no VNet of the stack or peered with it uses (its subnets move with it)"
    )));
    // A finding that offers no range has no such key.
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f.get("suggested_range").is_none())
    );
    let location = finding["location"].as_object().expect("location");
    let keys: Vec<&str> = location.keys().map(String::as_str).collect();
    assert_eq!(keys, ["file", "line", "column", "end_line", "end_column"]);
    assert_eq!(
        finding["location"]["file"],
        "fixtures/terraform/peering-and-subnets/main.tf"
    );
    assert_eq!(finding["rule"], "FL401");
    assert_eq!(
        finding["resource"],
        "azurerm_virtual_network_peering.hub_to_spoke"
    );
    assert_eq!(
        finding["related"][0]["file"],
        "fixtures/terraform/peering-and-subnets/main.tf"
    );
    let summary = &doc["summary"];
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["errors"], 4);
    assert_eq!(summary["warnings"], 0);
    assert_eq!(summary["notes"], 0);
}

/// Each environment alone offers its own free range; linted together, the one finding they share
/// offers none, since they disagree.
#[test]
fn environments_that_disagree_on_a_free_range_offer_none() {
    let stack = "fixtures/terraform/suggested-ranges-environments";
    let suggested = |target: &str| -> Vec<Option<String>> {
        let out = run(&[target, "--format", "json", "--select", "FL201"]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["suggested_range"]["prefix"].as_str().map(String::from))
            .collect()
    };
    let alone = |file: &str| suggested(&format!("{stack}/{file}"));
    assert_eq!(alone("prod.tfvars"), [Some("192.168.0.32/27".to_string())]);
    assert_eq!(
        alone("staging.tfvars"),
        [Some("192.168.0.0/27".to_string())]
    );
    assert_eq!(suggested(stack), [None]);
}

#[test]
fn exit_codes_follow_the_failure_threshold() {
    assert_eq!(run(&[SIZING, "--format", "concise"]).status.code(), Some(1));
    assert_eq!(run(&[SIZING, "--fail-on", "never"]).status.code(), Some(0));
    assert_eq!(run(&["fixtures/terraform/clean"]).status.code(), Some(0));
    // Only a note remains: it fails at --fail-on note, not at the default threshold.
    let notes = ["fixtures/terraform/unknown-values", "--select", "FL002"];
    assert_eq!(run(&notes).status.code(), Some(0));
    assert_eq!(
        run(&[&notes[..], &["--fail-on", "note"]].concat())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    let missing = run(&["no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/dir"));
    assert_eq!(run(&["--format", "yaml"]).status.code(), Some(2));
    assert_eq!(run(&[SIZING, "--select", "FL999"]).status.code(), Some(2));
    let typo = run(&[SIZING, "--ignore", "agent-subnet-below-minimun,FL2O1,zzz"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&typo.stderr).contains(
            "agent-subnet-below-minimun (did you mean agent-subnet-below-minimum?), FL2O1 (did you mean FL201?), zzz;"
        ),
        "{}",
        String::from_utf8_lossy(&typo.stderr)
    );
    assert_eq!(
        run(&[SIZING, "--var-file", "missing.tfvars"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&[SIZING, "--var", "no-equals-sign"]).status.code(),
        Some(2)
    );
}

#[test]
fn select_and_ignore_take_codes_names_and_prefixes() {
    let lines = |args: &[&str]| {
        stdout(&run(&[&[SIZING, "--format", "concise"], args].concat()))
            .lines()
            .count()
    };
    assert_eq!(lines(&[]), 4);
    assert_eq!(lines(&["--select", "FL401"]), 1);
    assert_eq!(lines(&["--select", "subnet-overlap"]), 1);
    assert_eq!(lines(&["--select", "FL40"]), 4);
    assert_eq!(lines(&["--ignore", "FL402,FL403"]), 2);
    assert_eq!(
        lines(&["--select", "FL4", "--ignore", "peered-vnet-overlap"]),
        3
    );
}

#[test]
fn list_rules_and_explain_cover_every_code() {
    let list = stdout(&run(&["--list-rules"]));
    for rule in foundry_lint::rules::ALL {
        assert!(
            list.contains(rule.code) && list.contains(rule.name),
            "{} listed",
            rule.code
        );
        let by_code = run(&["--explain", rule.code]);
        assert_eq!(by_code.status.code(), Some(0));
        assert_eq!(stdout(&by_code), rule.doc);
        assert_eq!(stdout(&run(&["--explain", rule.name])), rule.doc);
    }
    assert_eq!(list.lines().count(), foundry_lint::rules::ALL.len());
    assert_eq!(run(&["--explain", "FL999"]).status.code(), Some(2));
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.txt");
    let out = run(&[
        SIZING,
        "--format",
        "concise",
        "--output",
        file.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&file)
            .expect("report")
            .lines()
            .count(),
        4
    );
}

#[test]
fn human_report_shows_the_snippet_rule_and_help() {
    let out = stdout(&run(&[SIZING]));
    assert!(out.contains("FL404 subnet-below-azure-minimum"));
    assert!(out.contains("address_prefixes     = [\"10.1.8.0/30\"]"));
    assert!(out.contains("help:"));
    assert!(out.contains(
        "Checked 1 Terraform root; read 1 file.\nFound 4 findings (4 errors, 0 warnings, 0 notes).\n"
    ));
}

#[test]
fn var_and_var_file_override_defaults_and_tfvars() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("main.tf"),
        include_str!("../fixtures/terraform/unknown-values/main.tf"),
    )
    .expect("write");
    let path = dir.path().to_str().expect("path");
    let concise = |extra: &[&str]| stdout(&run(&[&[path, "--format", "concise"], extra].concat()));
    assert_eq!(concise(&[]), "");
    let with_var = concise(&["--var", "agent_subnet_cidr=10.0.0.0/28"]);
    assert!(with_var.contains("FL201"), "{with_var}");
    let vars = dir.path().join("prod.tfvars");
    std::fs::write(
        &vars,
        "vnet_cidrs = [\"100.64.0.0/16\"]\nagent_subnet_cidr = \"100.64.1.0/24\"\n",
    )
    .expect("write");
    let with_file = concise(&["--var-file", vars.to_str().expect("path")]);
    assert!(with_file.contains("FL102"), "{with_file}");
    // --var wins over --var-file, as in Terraform.
    let both = concise(&[
        "--var-file",
        vars.to_str().expect("path"),
        "--var",
        "vnet_cidrs=[\"192.168.0.0/16\"]",
        "--var",
        "agent_subnet_cidr=192.168.0.0/24",
    ]);
    assert!(!both.contains("FL102"), "{both}");
}

#[test]
fn malformed_and_unreadable_files_are_reported_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.tf"),
        "resource \"x\" \"y\" {\n  name = \n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("b.tf"), [0xff, 0xfe, b'\n']).expect("write");
    let ok = dir.path().join("ok");
    std::fs::create_dir(&ok).expect("mkdir");
    std::fs::write(
        ok.join("main.tf"),
        include_str!("../fixtures/terraform/parse-error/subnet.tf"),
    )
    .expect("write");
    let out = stdout(&run(&[
        dir.path().to_str().expect("path"),
        "--format",
        "concise",
    ]));
    let a = Path::new(dir.path()).join("a.tf");
    assert!(
        out.contains(&format!("{}:2:10: FL001 error parse-error", a.display())),
        "{out}"
    );
    assert!(
        out.contains("b.tf:1:1: FL001 error parse-error: file is not valid UTF-8"),
        "{out}"
    );
    assert!(out.contains("FL404"), "{out}");
}

#[test]
fn a_value_computed_through_locals_and_tfvars_carries_its_trace() {
    let out = run(&[
        "fixtures/terraform/agent-subnet-sizing",
        "--format",
        "json",
        "--select",
        "FL404",
    ]);
    let trace = trace_of_first_finding(&out);
    let dir = "fixtures/terraform/agent-subnet-sizing";
    assert_eq!(
        trace,
        [
            (
                format!("{dir}/network.tf"),
                54,
                "local.probe_subnet".to_string()
            ),
            (
                format!("{dir}/network.tf"),
                11,
                "local.probe_subnet = cidrsubnet(var.spoke_cidr, 8, 255)".to_string()
            ),
            (
                format!("{dir}/terraform.tfvars"),
                1,
                "spoke_cidr = \"172.20.0.0/22\"".to_string()
            ),
        ]
    );
    let human = stdout(&run(&[
        "fixtures/terraform/agent-subnet-sizing",
        "--select",
        "FL404",
    ]));
    assert!(human.contains("computed from:"), "{human}");
}

/// The (file, line, text) steps of the first finding's trace in a JSON report.
fn trace_of_first_finding(out: &std::process::Output) -> Vec<(String, u64, String)> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    trace_steps(&doc["findings"][0])
}

#[test]
fn a_bicep_value_traces_through_module_params_to_the_bicepparam_entry() {
    let dir = "fixtures/bicep/private-network";
    let out = run(&[dir, "--format", "json", "--select", "FL201"]);
    assert_eq!(
        trace_of_first_finding(&out),
        [
            (
                format!("{dir}/modules/network.bicep"),
                15,
                "agentSubnetPrefix".to_string()
            ),
            (
                format!("{dir}/main.bicep"),
                22,
                "module.network.agentSubnetPrefix = agentSubnetPrefix".to_string()
            ),
            (
                format!("{dir}/main.bicepparam"),
                4,
                "agentSubnetPrefix = '192.168.0.0/28'".to_string()
            ),
        ]
    );
}

#[test]
fn a_bicep_value_traces_through_parameter_defaults_in_module_and_caller() {
    let dir = "fixtures/bicep/foundry-failures";
    let out = run(&[dir, "--format", "json", "--select", "FL203"]);
    assert_eq!(
        trace_of_first_finding(&out),
        [
            (
                format!("{dir}/modules/network.bicep"),
                26,
                "agentSubnetPrefix".to_string()
            ),
            (
                format!("{dir}/modules/network.bicep"),
                8,
                "param agentSubnetPrefix = cidrSubnet(addressPrefix, 26, 0)".to_string()
            ),
            (
                format!("{dir}/main.bicep"),
                32,
                "module.network.addressPrefix = vnetAddressPrefix".to_string()
            ),
            (
                format!("{dir}/main.bicep"),
                7,
                "param vnetAddressPrefix = '172.16.0.0/16'".to_string()
            ),
        ]
    );
}

#[test]
fn a_value_from_an_optional_default_in_an_installed_module_traces_to_the_default() {
    let dir = "fixtures/terraform/registry-optional-defaults";
    let out = run(&[dir, "--format", "json", "--select", "FL201"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = &doc["findings"][0];
    assert_eq!(
        finding["resource"],
        "module.network.module.subnet[\"agent\"].azurerm_subnet.this"
    );
    let steps: Vec<(String, String)> = finding["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap_or_default().to_string(),
                s["text"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    // Through the module call's argument to the caller's map, and to the default it omits.
    assert!(
        steps.contains(&(
            format!("{dir}/main.tf"),
            "module.network.subnets = { agent = { index = 1 } endpoints = { index = 2 prefix_length = \"24\" delegations = [] } }".to_string()
        )),
        "{steps:?}"
    );
    assert_eq!(
        steps.last(),
        Some(&(
            format!("{dir}/.terraform/modules/network/variables.tf"),
            "var.subnets type: prefix_length = optional(number, 28)".to_string()
        )),
        "{steps:?}"
    );
}

/// The trace of a finding's value as (file, line, text) steps.
fn trace_steps(finding: &serde_json::Value) -> Vec<(String, u64, String)> {
    finding["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap_or_default().to_string(),
                s["line"].as_u64().unwrap_or_default(),
                s["text"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_arm_linked_template_traces_its_value_to_the_outer_parameter_default() {
    let dir = "fixtures/arm/linked-template";
    let out = run(&[dir, "--format", "json", "--select", "FL202"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = &doc["findings"][0];
    assert_eq!(
        finding["location"]["file"],
        format!("{dir}/nested/network.json")
    );
    assert_eq!(
        trace_steps(finding),
        [
            (
                format!("{dir}/nested/network.json"),
                28,
                "\"[parameters('agentPrefix')]\"".to_string()
            ),
            (
                format!("{dir}/azuredeploy.json"),
                25,
                "Microsoft.Resources/deployments/network parameters.agentPrefix = \"[parameters('agentPrefix')]\"".to_string()
            ),
            (
                format!("{dir}/azuredeploy.json"),
                7,
                "parameters('agentPrefix') default = \"172.16.0.0/27\"".to_string()
            ),
        ]
    );
}

#[test]
fn a_finding_in_a_cached_bicep_module_lands_on_the_argument_that_carries_its_value() {
    let dir = "fixtures/bicep/registry-modules";
    let out = run(&[dir, "--format", "json", "--select", "FL402"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["resource"]
                .as_str()
                .is_some_and(|r| r.starts_with("module.endpoints."))
        })
        .expect("the finding in the cached module");
    assert_eq!(finding["location"]["file"], format!("{dir}/main.bicep"));
    assert_eq!(finding["location"]["line"], 31);
    let module = format!("{dir}/.bicep/br/contoso.azurecr.io/infra$network$subnet/V2$1/main.json");
    assert_eq!(
        trace_steps(finding),
        [
            (module.clone(), 15, "\"[parameters('prefix')]\"".to_string()),
            (
                format!("{dir}/main.bicep"),
                31,
                "module.endpoints.prefix = '10.21.0.0/24'".to_string()
            ),
        ]
    );
    // The module's own place stays as a related location.
    assert_eq!(finding["related"][0]["file"], module);
    assert_eq!(finding["related"][0]["line"], 15);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        match path.is_dir() {
            true => copy_dir(&path, &target),
            false => {
                std::fs::copy(&path, &target).expect("copy");
            }
        }
    }
}

/// `terraform init` copies a package once per root: the copies are parsed once, and each
/// root's findings still name its own copy, syntax errors included.
#[test]
fn identical_installed_modules_of_two_roots_each_report_in_their_own_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform/registry-optional-defaults");
    for stack in ["a", "b"] {
        copy_dir(&fixture, &dir.path().join(stack));
        std::fs::remove_file(dir.path().join(stack).join("args.notes")).expect("rm");
        let module = dir.path().join(stack).join(".terraform/modules/network");
        std::fs::write(module.join("broken.tf"), "locals {\n  x = \n").expect("write");
    }
    let out = run_in(
        dir.path(),
        &[".", "--format", "concise", "--select", "FL201,FL001"],
    );
    let text = stdout(&out);
    for stack in ["a", "b"] {
        assert!(
            text.contains(&format!("{stack}/main.tf:14:13: FL201 ")),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "{stack}/.terraform/modules/network/broken.tf:2:7: FL001 "
            )),
            "{text}"
        );
    }
    let out = run_in(dir.path(), &[".", "--format", "json", "--select", "FL201"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for finding in doc["findings"].as_array().expect("findings") {
        let file = finding["location"]["file"].as_str().unwrap_or_default();
        let stack = &file[..file.find('/').expect("a stack")];
        for related in finding["related"].as_array().expect("related") {
            let related = related["file"].as_str().unwrap_or_default();
            assert!(related.starts_with(&format!("{stack}/")), "{finding}");
        }
    }
}

/// A registry module two programs call is parsed once for the run; each program still gets
/// its findings on its own arguments.
#[test]
fn a_cached_module_two_programs_call_gives_each_its_findings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bicep/registry-modules");
    copy_dir(&fixture.join(".bicep"), &dir.path().join(".bicep"));
    for (program, prefix) in [("a", "10.21.0.0/24"), ("b", "10.22.0.0/24")] {
        let path = dir.path().join(program);
        std::fs::create_dir_all(&path).expect("mkdir");
        std::fs::write(
            path.join("bicepconfig.json"),
            r#"{"cacheRootDirectory": "../.bicep",
                "moduleAliases": {"br": {"contoso": {"registry": "contoso.azurecr.io", "modulePath": "infra"}}}}"#,
        )
        .expect("write");
        let main = format!(
            "module vnet 'br/public:avm/res/network/virtual-network:0.9.0' = {{\n  name: 'vnet'\n  params: {{\n    name: 'vnet-{program}'\n    location: 'swedencentral'\n    addressPrefixes: ['10.20.0.0/16']\n    delegation: 'Microsoft.App/environments'\n  }}\n}}\n\
             module endpoints 'br/contoso:network/subnet:V2' = {{\n  name: 'endpoints'\n  params: {{\n    vnetName: 'vnet-{program}'\n    name: 'snet-endpoints'\n    prefix: '{prefix}'\n  }}\n}}\n"
        );
        std::fs::write(path.join("main.bicep"), main).expect("write");
    }
    let out = run_in(
        dir.path(),
        &["a", "b", "--format", "concise", "--select", "FL402"],
    );
    let text = stdout(&out);
    for program in ["a", "b"] {
        assert!(
            text.contains(&format!("{program}/main.bicep:15:13: FL402 ")),
            "{text}"
        );
    }
}

#[test]
fn a_finding_inside_a_module_names_the_call_chain() {
    let out = run(&[
        "fixtures/terraform/module-tree",
        "--format",
        "json",
        "--select",
        "FL201",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = &doc["findings"][0];
    assert_eq!(
        finding["location"]["file"],
        "fixtures/terraform/module-tree/modules/network/main.tf"
    );
    assert_eq!(
        finding["resource"],
        "module.network[\"dev\"].azurerm_subnet.agent"
    );
    let related = &finding["related"][0];
    assert_eq!(related["file"], "fixtures/terraform/module-tree/main.tf");
    assert_eq!(related["line"], 14);
    assert_eq!(
        related["message"],
        "through `module.network[\"dev\"]`, called here"
    );
}

#[test]
fn malformed_arm_templates_and_expressions_are_reported_at_their_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
    let expression = format!(
        "{{\n  \"$schema\": \"{schema}\",\n  \"resources\": [\n    {{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"[concat('a', ]\"}}\n  ]\n}}\n"
    );
    std::fs::write(dir.path().join("expression.json"), expression).expect("write");
    std::fs::write(
        dir.path().join("syntax.json"),
        format!("{{\"$schema\": \"{schema}\",\n  \"resources\": [}}"),
    )
    .expect("write");
    // Not a template: broken JSON of another tool is none of our business.
    std::fs::write(dir.path().join("package.json"), "{ \"name\": ").expect("write");
    let out = stdout(&run(&[
        dir.path().to_str().expect("path"),
        "--format",
        "concise",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("expression.json:4:73: FL001 error parse-error: ARM expression error"),
        "{out}"
    );
    assert!(
        lines[1].contains("syntax.json:2:17: FL001 error parse-error: JSON syntax error"),
        "{out}"
    );
}

#[test]
fn ci_formats_annotate_each_finding() {
    let github = stdout(&run(&[SIZING, "--format", "github"]));
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with(
        "::error file=fixtures/terraform/peering-and-subnets/main.tf,line=21,col=1,endLine=21,endColumn="
    ));
    assert!(lines[0].contains(
        ",title=FL401 peered-vnet-overlap::peering `azurerm_virtual_network_peering.hub_to_spoke`"
    ));
    let azure = stdout(&run(&[SIZING, "--format", "azure"]));
    assert!(azure.lines().all(|l| l.starts_with("##vso[task.logissue type=error;sourcepath=fixtures/terraform/peering-and-subnets/main.tf;linenumber=")));
    assert!(azure.contains(";code=FL404]subnet `azurerm_subnet.tiny` is 10.1.8.0/30"));
}

#[test]
fn sarif_lists_the_rules_and_fingerprints_survive_line_shifts() {
    let sarif = |dir: &str| -> serde_json::Value {
        serde_json::from_slice(&run(&[dir, "--format", "sarif"]).stdout).expect("sarif json")
    };
    let doc = sarif(SIZING);
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "foundry-lint");
    assert_eq!(
        run0["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(foundry_lint::rules::ALL.len())
    );
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["ruleId"], "FL401");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        21
    );
    // The same stack shifted down by three lines keeps its fingerprints.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(SIZING)
            .join("main.tf"),
    )
    .expect("read");
    std::fs::write(dir.path().join("main.tf"), format!("\n\n\n{text}")).expect("write");
    let shifted = sarif(dir.path().to_str().expect("path"));
    let prints = |d: &serde_json::Value| -> Vec<String> {
        d["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"]["foundryLint/v2"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    assert!(
        prints(&doc).iter().all(|p| p.len() == 16),
        "{:?}",
        prints(&doc)
    );
    assert_eq!(prints(&doc), prints(&shifted));
    assert_eq!(
        shifted["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        24
    );
}

#[test]
fn a_configuration_file_with_an_unknown_key_is_a_usage_error_naming_the_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join(".foundry-lint.toml"),
        "select = [\"FL2\"]\nfailon = \"error\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("main.tf"), "locals {}\n").expect("write");
    let out = run(&[dir.path().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains(".foundry-lint.toml:2: unknown field `failon`"),
        "{err}"
    );
    assert!(err.contains("fail-on"), "{err}");
}

#[test]
fn a_module_two_levels_up_resolves_whatever_the_form_of_the_scanned_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let example = dir.path().join("examples/private");
    std::fs::create_dir_all(&example).expect("mkdir");
    std::fs::write(dir.path().join("main.tf"), "variable \"prefix\" {}\nresource \"azurerm_subnet\" \"m\" {\n  name = \"m\"\n  resource_group_name = \"rg\"\n  virtual_network_name = \"v\"\n  address_prefixes = [var.prefix]\n}\n").expect("write");
    std::fs::write(
        example.join("main.tf"),
        "module \"root\" {\n  source = \"../../\"\n  prefix = \"10.0.0.0/30\"\n}\n",
    )
    .expect("write");
    for path in [".", "../private", example.to_str().expect("path")] {
        let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
            .current_dir(&example)
            .args([path, "--format", "concise"])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            text.lines().filter(|l| l.contains("FL404")).count(),
            1,
            "{path}: {text}"
        );
    }
}

/// Runs the linter in `dir`, as pre-commit does from the repository root with relative names.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run foundry-lint")
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

const TF_MAIN: &str = r#"resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-agents"
  location            = "swedencentral"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "agent" {
  name                 = "snet-agent"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = [var.agent_cidr]

  delegation {
    name = "aca"
    service_delegation {
      name = "Microsoft.App/environments"
    }
  }
}

resource "azurerm_cognitive_account" "foundry" {
  name                = "ais-agents"
  location            = "swedencentral"
  resource_group_name = "rg"
  kind                = "AIServices"
  sku_name            = "S0"

  custom_subdomain_name = "ais-agents"

  network_injection {
    scenario  = "agent"
    subnet_id = azurerm_subnet.agent.id
  }
}
"#;

#[test]
fn a_given_terraform_file_stands_for_its_directory_and_its_variable_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("stack/main.tf", TF_MAIN),
            ("stack/variables.tf", "variable \"agent_cidr\" {}\n"),
            ("stack/terraform.tfvars", "agent_cidr = \"10.0.0.0/28\"\n"),
        ],
    );
    for given in [&["stack/main.tf"][..], &["stack/terraform.tfvars"]] {
        let out = stdout(&run_in(
            dir.path(),
            &[given, &["--format", "concise"]].concat(),
        ));
        assert_eq!(out.lines().count(), 1, "{given:?}: {out}");
        assert!(
            out.starts_with("stack/main.tf:12:27: FL201") && out.contains("is 10.0.0.0/28"),
            "{given:?}: {out}"
        );
    }
}

#[test]
fn a_file_given_in_several_spellings_or_inside_a_given_directory_is_linted_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("stack/main.tf", TF_MAIN),
            ("stack/variables.tf", "variable \"agent_cidr\" {}\n"),
            ("stack/terraform.tfvars", "agent_cidr = \"10.0.0.0/28\"\n"),
        ],
    );
    let absolute = dir.path().join("stack/main.tf");
    let out = stdout(&run_in(
        dir.path(),
        &[
            "stack/main.tf",
            "./stack/main.tf",
            absolute.to_str().expect("path"),
            "stack",
            "stack/variables.tf",
            "--format",
            "concise",
        ],
    ));
    assert_eq!(out.lines().count(), 1, "{out}");
    // The relative spelling is kept in the report.
    assert!(out.starts_with("stack/main.tf:12:27: FL201"), "{out}");
}

const BICEP_AGENT_MODULE: &str = r#"param agentSubnetPrefix string = '192.168.0.0/24'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-agents'
  location: 'swedencentral'
  properties: {
    addressSpace: { addressPrefixes: [ '192.168.0.0/16' ] }
    subnets: [
      {
        name: 'snet-agent'
        properties: {
          addressPrefix: agentSubnetPrefix
          delegations: [
            { name: 'aca', properties: { serviceName: 'Microsoft.App/environments' } }
          ]
        }
      }
    ]
  }
}

resource account 'Microsoft.CognitiveServices/accounts@2025-04-01-preview' = {
  name: 'ais-agents'
  location: 'swedencentral'
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: 'ais-agents'
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: '${vnet.id}/subnets/snet-agent'
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}
"#;

/// An entry two directories above the module, through an intermediate module, deployed with a
/// parameter file that makes the agent subnet a /28.
fn bicep_stack(root: &Path) {
    write(
        root,
        &[
            ("infra/modules/net/agent.bicep", BICEP_AGENT_MODULE),
            (
                "infra/modules/net/main.bicep",
                "param agentSubnetPrefix string\nmodule agent './agent.bicep' = {\n  name: 'agent'\n  params: { agentSubnetPrefix: agentSubnetPrefix }\n}\n",
            ),
            (
                "infra/main.bicep",
                "param agentSubnetPrefix string = '192.168.0.0/24'\n\nmodule net 'modules/net/main.bicep' = {\n  name: 'net'\n  params: { agentSubnetPrefix: agentSubnetPrefix }\n}\n",
            ),
            (
                "infra/prod.bicepparam",
                "using './main.bicep'\n\nparam agentSubnetPrefix = '192.168.0.0/28'\n",
            ),
            ("README.md", "# not infrastructure\n"),
            ("package.json", "{ \"name\": "),
        ],
    );
}

#[test]
fn a_given_bicep_module_is_evaluated_through_the_entry_and_parameter_file_that_use_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    bicep_stack(dir.path());
    let finding = "infra/modules/net/agent.bicep:12:26: FL201";
    for given in [
        "infra/modules/net/agent.bicep",
        "infra/modules/net/main.bicep",
        "infra/main.bicep",
        "infra/prod.bicepparam",
    ] {
        let out = stdout(&run_in(dir.path(), &[given, "--format", "concise"]));
        assert_eq!(out.lines().count(), 1, "{given}: {out}");
        assert!(
            out.starts_with(finding) && out.contains("is 192.168.0.0/28"),
            "{given}: {out}"
        );
    }
    // From elsewhere, with an absolute name: callers are looked for up to the repository root.
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    let absolute = dir.path().join("infra/modules/net/agent.bicep");
    let out = stdout(&run(&[
        absolute.to_str().expect("path"),
        "--format",
        "concise",
    ]));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("is 192.168.0.0/28"), "{out}");
}

#[test]
fn a_given_file_bicep_imports_from_is_evaluated_through_the_files_that_import_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("infra/agent.bicep", BICEP_AGENT_MODULE),
            (
                "infra/main.bicep",
                "import {\n  sizes\n} from 'shared/sizes.bicep'\nmodule agent './agent.bicep' = {\n  name: 'agent'\n  params: { agentSubnetPrefix: sizes.pilot }\n}\n",
            ),
            (
                "infra/shared/sizes.bicep",
                "@export()\nvar sizes = {\n  pilot: cidrSubnet(base, 28, 0)\n}\nvar base = '192.168.0.0/16'\n",
            ),
        ],
    );
    for given in ["infra/shared/sizes.bicep", "infra/main.bicep", "."] {
        let out = stdout(&run_in(dir.path(), &[given, "--format", "concise"]));
        assert_eq!(out.lines().count(), 1, "{given}: {out}");
        assert!(
            out.starts_with("infra/agent.bicep:12:26: FL201") && out.contains("is 192.168.0.0/28"),
            "{given}: {out}"
        );
    }
}

#[test]
fn a_given_bicep_file_nobody_uses_is_evaluated_with_its_own_parameter_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("agent.bicep", BICEP_AGENT_MODULE),
            (
                "agent.dev.bicepparam",
                "using 'agent.bicep'\nparam agentSubnetPrefix = '192.168.0.0/28'\n",
            ),
            // Another stack in the same directory, not using it, stays out of the run.
            ("other.bicep", BICEP_AGENT_MODULE),
            (
                "other.bicepparam",
                "using './other.bicep'\nparam agentSubnetPrefix = '192.168.0.0/29'\n",
            ),
        ],
    );
    let out = stdout(&run_in(dir.path(), &["agent.bicep", "--format", "concise"]));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("agent.bicep:12:26: FL201") && out.contains("is 192.168.0.0/28"),
        "{out}"
    );
}

#[test]
fn a_given_arm_parameter_file_brings_its_template_and_a_template_its_parameter_files() {
    let dir = "fixtures/arm/environments";
    let concise = |given: &str| stdout(&run(&[given, "--format", "concise"]));
    let whole = concise(dir);
    assert_eq!(concise(&format!("{dir}/main.json")), whole);
    let dev = concise(&format!("{dir}/main.parameters.dev.json"));
    assert!(dev.contains("main.json:59:32: FL201"), "{dev}");
    let prod = concise(&format!("{dir}/main.parameters.prod.json"));
    assert!(!prod.contains("FL201"), "{prod}");
    // A linked template comes with the template that links it.
    let linked = "fixtures/arm/linked-template";
    let whole = concise(linked);
    assert!(whole.contains("nested/network.json"), "{whole}");
    assert_eq!(concise(&format!("{linked}/azuredeploy.json")), whole);
}

/// The concise report of a run with `args`.
fn concise_with(args: &[&str]) -> String {
    stdout(&run(&[args, &["--format", "concise"]].concat()))
}

/// The rule codes of a concise report, in order.
fn codes(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split(": ").nth(1)?.split(' ').next().map(String::from))
        .collect()
}

#[test]
fn json_parameter_files_are_environments_of_the_bicep_template_they_are_named_after() {
    let dir = "fixtures/bicep/json-parameters";
    let whole = concise_with(&[dir]);
    // Given on the command line (pre-commit passes the changed file), a parameter file is the
    // environment its template is linted with.
    let prod = concise_with(&[&format!("{dir}/main.parameters.prod.json")]);
    assert_eq!(codes(&prod), ["FL201"], "{prod}");
    assert!(whole.contains(prod.trim_end()), "{whole}");
    let portal = concise_with(&[&format!("{dir}/azuredeploy.parameters.json")]);
    assert_eq!(codes(&portal), ["FL102", "FL102"], "{portal}");
    // A given template comes with every parameter file of its own, JSON and .bicepparam.
    let main = concise_with(&[&format!("{dir}/main.bicep")]);
    assert_eq!(codes(&main), ["FL201", "FL202"], "{main}");
    // --parameters makes a file an environment of every template, whatever its name.
    let tmp = tempfile::tempdir().expect("temp dir");
    let infra = tmp.path().join("infra");
    std::fs::create_dir(&infra).expect("mkdir");
    std::fs::copy(format!("{dir}/main.bicep"), infra.join("main.bicep")).expect("copy");
    let renamed = tmp.path().join("prod.json");
    std::fs::copy(format!("{dir}/main.parameters.prod.json"), &renamed).expect("copy");
    let infra = infra.to_str().expect("path");
    assert_eq!(concise_with(&[infra]), "");
    let given = concise_with(&[infra, "--parameters", renamed.to_str().expect("path")]);
    assert_eq!(codes(&given), ["FL201"], "{given}");
}

#[test]
fn a_given_tfvars_file_is_the_environment_its_root_is_linted_with() {
    let dir = "fixtures/terraform/tfvars-environments";
    let whole = concise_with(&[dir]);
    assert_eq!(codes(&whole), ["FL201", "FL202", "FL501"], "{whole}");
    // pre-commit passes the changed variable file: that environment, over terraform.tfvars.
    let prod = concise_with(&[&format!("{dir}/prod.tfvars")]);
    assert_eq!(codes(&prod), ["FL201", "FL501"], "{prod}");
    let dev = concise_with(&[&format!("{dir}/dev.tfvars.json")]);
    assert_eq!(codes(&dev), ["FL202", "FL501"], "{dev}");
    // A changed .tf file or always-loaded tfvars is linted in every environment.
    assert_eq!(concise_with(&[&format!("{dir}/main.tf")]), whole);
    assert_eq!(concise_with(&[&format!("{dir}/terraform.tfvars")]), whole);
    // --var-file gives the values: the other tfvars files are no environments then.
    let chosen = concise_with(&[dir, "--var-file", &format!("{dir}/dev.tfvars.json")]);
    assert_eq!(codes(&chosen), ["FL202", "FL501"], "{chosen}");
}

#[test]
fn each_tfvars_environment_is_checked_with_the_roots_it_refers_to() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            (
                "hub/main.tf",
                "resource \"azurerm_virtual_network\" \"hub\" {\n  name                = \"vnet-hub\"\n  location            = \"swedencentral\"\n  resource_group_name = \"rg-hub\"\n  address_space       = [\"10.0.0.0/16\"]\n}\n",
            ),
            (
                "spoke/main.tf",
                r#"variable "space" {
  type = string
}

data "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  resource_group_name = "rg-hub"
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "swedencentral"
  resource_group_name = "rg-spoke"
  address_space       = [var.space]
}

resource "azurerm_virtual_network_peering" "to_hub" {
  name                      = "to-hub"
  resource_group_name       = "rg-spoke"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = data.azurerm_virtual_network.hub.id
}
"#,
            ),
            ("spoke/dev.tfvars", "space = \"10.0.0.0/24\"\n"),
            ("spoke/prod.tfvars", "space = \"10.1.0.0/16\"\n"),
        ],
    );
    let out = stdout(&run_in(dir.path(), &[".", "--format", "json"]));
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{out}");
    assert_eq!(findings[0]["rule"], "FL401", "{out}");
    let environments: Vec<&str> = findings[0]["related"]
        .as_array()
        .expect("related")
        .iter()
        .filter(|r| r["message"] == "in this environment")
        .filter_map(|r| r["file"].as_str())
        .collect();
    assert_eq!(environments, ["spoke/dev.tfvars"], "{out}");
}

#[test]
fn a_vnet_the_configuration_describes_is_not_the_stacks_own_for_dns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spoke = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke";
    write(
        dir.path(),
        &[(
            "main.tf",
            &format!(
                r#"resource "azurerm_private_endpoint" "kv" {{
  name                = "pe-kv"
  location            = "swedencentral"
  resource_group_name = "rg-app"
  subnet_id           = "{spoke}/subnets/snet-pe"

  private_service_connection {{
    name                           = "kv"
    private_connection_resource_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-app"
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }}
}}
"#
            ),
        )],
    );
    let lint = || stdout(&run_in(dir.path(), &[".", "--format", "concise"]));
    assert_eq!(lint(), "");
    // Described in [[networks]] for its address space, the spoke is still the platform's.
    write(
        dir.path(),
        &[(
            ".foundry-lint.toml",
            &format!("[[networks]]\nid = \"{spoke}\"\naddress-space = [\"10.1.0.0/16\"]\n"),
        )],
    );
    assert_eq!(lint(), "");
    write(
        dir.path(),
        &[(".foundry-lint.toml", "[dns]\nexisting-vnets = \"check\"\n")],
    );
    assert_eq!(codes(&lint()), ["FL501"]);
}

#[test]
fn given_files_that_are_not_infrastructure_code_are_ignored_silently() {
    let dir = tempfile::tempdir().expect("temp dir");
    bicep_stack(dir.path());
    // Terraform beside them is not linted because of them.
    write(dir.path(), &[("main.tf", TF_MAIN)]);
    let out = run_in(
        dir.path(),
        &["README.md", "package.json", "--format", "concise"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(out.stderr.is_empty());
}

#[test]
fn list_functions_classifies_every_function_with_a_reason_for_the_unknown_ones() {
    let out = run(&["--list-functions"]);
    assert_eq!(out.status.code(), Some(0));
    let list = stdout(&out);
    for line in list.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 4, "{line}");
        match fields[2] {
            "evaluated" => assert!(fields[3].is_empty(), "{line}"),
            "unknown" => assert!(!fields[3].is_empty(), "{line}"),
            other => panic!("{line}: status {other}"),
        }
    }
    for expected in [
        "arm\ttryGet\tevaluated\t",
        "arm\tutcNow\tunknown\treads the clock",
        "bicep\tloadTextContent\tevaluated\t",
        "bicep\tloadDirectoryFileInfo\tunknown\tlists a directory",
        "terraform\tcidrsubnet\tevaluated\t",
        "terraform\ttimestamp\tunknown\t",
    ] {
        assert!(list.contains(expected), "{expected}");
    }
}

#[test]
fn template_links_resolve_whatever_the_form_of_the_scanned_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let network = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": { "prefix": { "type": "string" } },
  "resources": [{
    "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "vnet",
    "properties": {
      "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
      "subnets": [{ "name": "s", "properties": { "addressPrefix": "[parameters('prefix')]" } }]
    }
  }]
}"#;
    let main = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [{
    "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "net",
    "properties": {
      "mode": "Incremental",
      "templateLink": { "uri": "https://example.com/repo/main/modules/network.json?sv=token" },
      "parameters": { "prefix": { "value": "10.1.0.0/24" } }
    }
  }]
}"#;
    write(
        dir.path(),
        &[
            (
                ".foundry-lint.toml",
                "[template-links]\n\"https://example.com/repo/main/\" = \"infra\"\n",
            ),
            ("infra/modules/network.json", network),
            ("deploy/azuredeploy.json", main),
        ],
    );
    let absolute = dir.path().to_str().expect("path");
    for (cwd, path) in [(dir.path(), "."), (dir.path(), absolute)] {
        let text = String::from_utf8_lossy(&run_in(cwd, &[path, "--format", "concise"]).stdout)
            .into_owned();
        assert_eq!(
            text.lines().filter(|l| l.contains("FL402")).count(),
            1,
            "{path}: {text}"
        );
    }
}

#[test]
fn a_directory_with_nothing_to_lint_fails_and_files_that_are_not_iac_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        &[
            (
                "web/package.json",
                r#"{"name": "site", "version": "1.0.0"}"#,
            ),
            ("web/README.md", "# site\n"),
            ("infra/main.tf", TF_MAIN),
            ("infra/prod.tfvars", "agent_cidr = \"10.0.0.0/24\"\n"),
        ],
    );
    std::fs::create_dir(root.join("nothing")).expect("mkdir");
    for empty in ["nothing", "web"] {
        let out = run_in(root, &[empty]);
        assert_eq!(out.status.code(), Some(2), "{empty}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("{empty}: no Terraform, Bicep or ARM file")));
    }
    // A directory with IaC next to one without: the empty one is still named.
    let out = run_in(root, &["infra", "web", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("web: no Terraform"));
    // Everything excluded by the configuration.
    write(
        root,
        &[(".foundry-lint.toml", "exclude = [\"infra/**\"]\n")],
    );
    let out = run_in(root, &["infra"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("every one is excluded"));
    std::fs::remove_file(root.join(".foundry-lint.toml")).expect("rm");
    // pre-commit hands over the changed files, which may all be something else.
    let out = run_in(root, &["web/package.json", "web/README.md"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty() && out.stdout.is_empty());
}

#[test]
fn var_values_are_checked_against_the_roots_and_malformed_ones_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let main = format!("variable \"agent_cidr\" {{}}\n{TF_MAIN}");
    write(
        root,
        &[
            ("infra/main.tf", main.as_str()),
            ("broken.tfvars", "a = \n"),
        ],
    );
    let never = ["--fail-on", "never"];
    let out = run_in(
        root,
        &[&["infra", "--var", "agent_cidr=10.0.0.0/24"], &never[..]].concat(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_in(
        root,
        &[&["infra", "--var", "agnet_cidr=10.0.0.0/24"], &never[..]].concat(),
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: --var agnet_cidr"), "{stderr}");
    for (bad, named) in [
        (["--var", "=10.0.0.0/24"], "--var `=10.0.0.0/24`"),
        (["--var", "1st=x"], "`1st` is not a variable name"),
        (
            ["--var-file", "broken.tfvars"],
            "--var-file broken.tfvars: HCL syntax error",
        ),
    ] {
        let out = run_in(root, &[&["infra"], &bad[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(named), "{stderr}");
    }
}

#[test]
fn the_summary_says_what_was_checked_hidden_and_not_evaluated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let baseline = root.join("baseline.json");
    let suppressed = "fixtures/arm/suppressions";
    let out = run(&[suppressed, "--format", "json", "--fail-on", "never"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["suppressed"], 2);
    assert_eq!(doc["summary"]["checked"]["arm_templates"]["stacks"], 1);
    let path = baseline.to_str().expect("utf-8");
    assert_eq!(
        run(&[suppressed, "--write-baseline", path]).status.code(),
        Some(0)
    );
    let out = run(&[suppressed, "--baseline", path, "--fail-on", "never"]);
    let human = stdout(&out);
    assert!(
        human.contains("Checked 1 ARM template; read 1 file.\nNo findings; 2 hidden by suppressions, 2 hidden by the baseline.\n"),
        "{human}"
    );
    // A finding both environments of a template share, suppressed: one finding hidden.
    let template = std::fs::read_to_string("fixtures/arm/environments/main.json")
        .expect("fixture")
        .replacen(
            "\"type\": \"Microsoft.KeyVault/vaults\",",
            "\"type\": \"Microsoft.KeyVault/vaults\",\n      \"metadata\": {\"foundry-lint:ignore\": \"FL601 -- soft delete suffices for this test vault\"},",
            1,
        );
    let environments = root.join("environments");
    std::fs::create_dir(&environments).expect("mkdir");
    std::fs::write(environments.join("main.json"), template).expect("write");
    for env in ["dev", "prod"] {
        let name = format!("main.parameters.{env}.json");
        std::fs::copy(
            format!("fixtures/arm/environments/{name}"),
            environments.join(&name),
        )
        .expect("copy");
    }
    let out = run_in(
        root,
        &["environments", "--format", "json", "--fail-on", "never"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["summary"]["checked"]["arm_templates"]["environments"],
        2
    );
    assert_eq!(doc["summary"]["suppressed"], 1, "{doc}");
    assert_eq!(doc["summary"]["errors"], 2);
    // Instances that cannot be counted: the inputs they wait for, most frequent first.
    write(
        root,
        &[(
            "main.tf",
            "variable \"n\" {}\nvariable \"m\" {}\nresource \"azurerm_subnet\" \"a\" {\n  count = var.n\n  name = \"a\"\n}\nresource \"azurerm_subnet\" \"b\" {\n  count = var.n\n  name = \"b\"\n}\nresource \"azurerm_subnet\" \"c\" {\n  count = var.m\n  name = \"c\"\n}\n",
        )],
    );
    let out = run_in(root, &["main.tf", "--fail-on", "never"]);
    let human = stdout(&out);
    assert!(
        human.contains("3 declarations not evaluated (instances cannot be counted), most often for want of `var.n` (2),\n  `var.m` (1); see them with --select FL002."),
        "{human}"
    );
    let out = run_in(root, &["main.tf", "--format", "json", "--fail-on", "never"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["not_evaluated"], 3);
    assert_eq!(doc["summary"]["missing_inputs"][0]["input"], "`var.n`");
    assert_eq!(doc["summary"]["missing_inputs"][0]["declarations"], 2);
}

#[test]
fn colour_width_and_capacity_follow_the_options_and_environment() {
    let human = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_foundry-lint"));
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["fixtures/terraform/module-tree", "--fail-on", "never"])
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("COLUMNS");
        for (k, v) in env {
            command.env(k, v);
        }
        stdout(&command.output().expect("run foundry-lint"))
    };
    assert!(!human(&[], &[]).contains('\x1b'));
    assert!(human(&["--color", "always"], &[]).contains("\x1b[1;31merror\x1b[0m"));
    assert!(human(&[], &[("FORCE_COLOR", "1")]).contains('\x1b'));
    assert!(!human(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
    assert!(!human(&["--color", "never"], &[("FORCE_COLOR", "1")]).contains('\x1b'));
    let narrow = human(&[], &[("COLUMNS", "60")]);
    assert!(
        narrow
            .lines()
            .all(|l| l.chars().count() <= 60 || l.contains("fixtures/"))
    );
    assert!(narrow.contains("Agent subnet capacity"));
    let without = human(&["--no-capacity"], &[]);
    assert!(!without.contains("Agent subnet capacity") && !without.contains("to spare"));
}

#[test]
fn quiet_statistics_and_exclude() {
    let tree = "fixtures/terraform/module-tree";
    let quiet = stdout(&run(&[tree, "-q"]));
    assert!(quiet.contains("FL501 private-dns-zone-missing"));
    assert!(
        !quiet.contains("Found ") && !quiet.contains("capacity") && !quiet.contains("Checked ")
    );
    // ruff's spelling of --format.
    let concise = stdout(&run(&[tree, "--output-format", "concise"]));
    assert_eq!(concise, stdout(&run(&[tree, "--format", "concise"])));
    let statistics = run(&[tree, "--statistics"]);
    assert_eq!(statistics.status.code(), Some(1));
    assert_eq!(
        stdout(&statistics),
        "2  FL501  error    private-dns-zone-missing\n1  FL201  error    agent-subnet-below-minimum\n"
    );
    // Each --exclude drops a root of the monorepo, and its finding with it.
    let monorepo = "fixtures/terraform/monorepo";
    let out = run(&[monorepo, "--exclude", "**/prod/**", "--statistics"]);
    assert_eq!(stdout(&out), "1  FL401  error    peered-vnet-overlap\n");
    let out = run(&[
        monorepo,
        "--exclude",
        "**/spoke/**",
        "--exclude",
        "**/prod/**",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&[tree, "--exclude", "**/module-tree/**"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("every one is excluded"));
}

/// The trace steps of the first FL201 finding of `main` as `dir/main.tf`.
fn fl201_trace(dir: &Path, main: &str) -> Vec<String> {
    write(dir, &[("main.tf", main)]);
    let out = run_in(dir, &["main.tf", "--format", "json", "--select", "FL201"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["findings"][0]["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|s| s["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_trace_follows_only_the_branch_a_known_condition_takes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = TF_MAIN.replace("[var.agent_cidr]", "[local.agent_cidr]");
    let main = format!(
        "variable \"large\" {{\n  default = false\n}}\nvariable \"large_cidr\" {{\n  default = \"10.0.0.0/24\"\n}}\nvariable \"small_cidr\" {{\n  default = \"10.0.1.0/28\"\n}}\nlocals {{\n  agent_cidr = var.large ? var.large_cidr : var.small_cidr\n}}\n{main}"
    );
    let texts = fl201_trace(dir.path(), &main);
    assert_eq!(
        texts,
        [
            "local.agent_cidr",
            "local.agent_cidr = var.large ? var.large_cidr : var.small_cidr",
            "var.small_cidr default = \"10.0.1.0/28\"",
        ]
    );
}

#[test]
fn list_rules_shows_the_severities_and_selection_of_the_configuration() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[(
            ".foundry-lint.toml",
            "[rules]\nFL202 = \"error\"\nFL104 = \"off\"\n",
        )],
    );
    let list = stdout(&run_in(dir.path(), &["--list-rules"]));
    let line = |code: &str| {
        list.lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("FL202").contains(" error "), "{list}");
    assert!(line("FL104").ends_with("(off)"), "{list}");
    assert!(line("FL002").ends_with("(off by default)"), "{list}");
    assert!(!line("FL201").contains("(off"), "{list}");
    let settings = run_in(dir.path(), &["--show-settings", "--exclude", "**/old/**"]);
    assert_eq!(settings.status.code(), Some(0));
    let settings = stdout(&settings);
    assert!(settings.contains(".foundry-lint.toml\n"), "{settings}");
    assert!(
        settings.contains("severities: [\"FL104 = off\", \"FL202 = error\"]"),
        "{settings}"
    );
    assert!(settings.contains("exclude: [\"**/old/**\"]"), "{settings}");
    assert!(settings.contains("minimum_prefix: 27"), "{settings}");
    assert!(settings.contains("git excludes): honoured\n"), "{settings}");
    let everything = stdout(&run_in(dir.path(), &["--show-settings", "--no-ignore"]));
    assert!(
        everything.contains("not honoured (--no-ignore)"),
        "{everything}"
    );
}

#[test]
fn help_groups_the_options() {
    let help = stdout(&run(&["--help"]));
    let at = |text: &str| {
        help.find(text)
            .unwrap_or_else(|| panic!("{text} in {help}"))
    };
    for (heading, option) in [
        ("Input:", "--var-file"),
        ("Rules:", "--select"),
        ("Output:", "--color"),
        ("Integration:", "--baseline"),
    ] {
        let option_at = at(option);
        let heading_at = at(heading);
        // The option is listed under its heading: after it, with no other heading between.
        assert!(heading_at < option_at, "{option} under {heading}");
        let between = &help[heading_at + heading.len()..option_at];
        assert!(!between.contains(":\n"), "{option} under {heading}");
    }
}

#[test]
fn report_writes_more_formats_from_the_same_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sarif = dir.path().join("out.sarif");
    let markdown = dir.path().join("summary.md");
    let out = run(&[
        SIZING,
        "--format",
        "concise",
        "--report",
        &format!("sarif={}", sarif.display()),
        "--report",
        &format!("markdown={}", markdown.display()),
    ]);
    // The exit code and standard output are those of the run without --report.
    let alone = run(&[SIZING, "--format", "concise"]);
    assert_eq!(out.status.code(), alone.status.code());
    assert_eq!(stdout(&out), stdout(&alone));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif).expect("sarif written")).expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), stdout(&alone).lines().count());
    let markdown = std::fs::read_to_string(&markdown).expect("markdown written");
    assert_eq!(markdown, stdout(&run(&[SIZING, "--format", "markdown"])));
    // Malformed values and unwritable files are usage errors naming them.
    for (value, says) in [
        ("sarif", "`sarif` is not FORMAT=FILE"),
        ("xml=out.xml", "no format `xml`"),
        ("sarif=", "no file after `=`"),
    ] {
        let out = run(&[SIZING, "--report", value]);
        assert_eq!(out.status.code(), Some(2), "{value}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{value}"
        );
    }
    let unwritable = dir.path().join("missing/out.sarif");
    let out = run(&[
        SIZING,
        "--report",
        &format!("sarif={}", unwritable.display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--report: cannot write"));
}

#[test]
fn completions_and_the_man_page_come_from_the_parser() {
    let bash = run(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let bash = stdout(&bash);
    for option in ["--report", "--select", "--no-capacity", "--format"] {
        assert!(
            bash.contains(option),
            "{option} missing from the bash completions"
        );
    }
    let fish = stdout(&run(&["completions", "fish"]));
    assert!(fish.contains("complete -c foundry-lint"), "{fish}");
    for wrong in [&["completions"][..], &["completions", "tcsh"]] {
        let out = run(wrong);
        assert_eq!(out.status.code(), Some(2), "{wrong:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("bash, elvish, fish, powershell, zsh")
        );
    }
    let man = stdout(&run(&["man"]));
    assert!(man.contains(".TH foundry-lint 1"), "{man}");
    assert!(man.contains("\\-\\-report"), "{man}");
}

#[test]
fn a_baseline_entry_follows_the_resource_and_attribute_not_the_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let baseline = root.join("baseline.json");
    let baseline = baseline.to_str().expect("utf-8");
    let lint = |cidr: &str, extra: &[&str]| {
        let main = TF_MAIN.replace("[var.agent_cidr]", &format!("[\"{cidr}\"]"));
        write(root, &[("stack/main.tf", &main)]);
        let mut args = vec!["stack", "--format", "concise"];
        args.extend(extra);
        run_in(root, &args)
    };
    let recorded = lint("10.0.0.0/27", &["--write-baseline", baseline]);
    assert_eq!(recorded.status.code(), Some(0));
    let text = std::fs::read_to_string(root.join("baseline.json")).expect("baseline");
    assert!(text.contains("\"version\": 2"), "{text}");
    assert!(text.contains("\"attribute\""), "{text}");
    assert!(codes(&stdout(&lint("10.0.0.0/27", &[]))).contains(&"FL202".to_string()));
    // Renumbered into another /27 of the VNet: the same finding, still recorded.
    let renumbered = lint("10.0.5.0/27", &["--baseline", baseline]);
    assert_eq!(stdout(&renumbered), "", "renumbered");
    assert_eq!(renumbered.status.code(), Some(0));
    // Made worse: another rule fires, and that finding is new.
    let worse = lint("10.0.5.0/28", &["--baseline", baseline]);
    assert_eq!(codes(&stdout(&worse)), ["FL201"]);
    assert_eq!(worse.status.code(), Some(1));
}

/// A VNet with a /30 subnet (FL404), in a file of its own directory.
fn tiny_subnet(name: &str) -> String {
    format!(
        r#"resource "azurerm_virtual_network" "{name}" {{
  name                = "vnet-{name}"
  location            = "swedencentral"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}}

resource "azurerm_subnet" "{name}" {{
  name                 = "snet-{name}"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.{name}.name
  address_prefixes     = ["10.0.0.0/30"]
}}
"#
    )
}

#[test]
fn ignored_files_are_not_linted_unless_named_or_no_ignore() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let files: Vec<(String, String)> = [
        "infra/main.tf",
        "generated/main.tf",
        "infra/scratch/main.tf",
        "vendor/main.tf",
        "node_modules/pkg/main.tf",
        ".terraform/modules/net/main.tf",
    ]
    .iter()
    .map(|path| {
        (
            path.to_string(),
            tiny_subnet(&path.replace(['/', '.'], "_")),
        )
    })
    .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write(root, &files);
    write(
        root,
        &[
            (".gitignore", "generated/\nscratch/\n"),
            (".ignore", "vendor/\n"),
        ],
    );
    let linted = |args: &[&str]| -> Vec<String> {
        let mut args = args.to_vec();
        args.extend(["--format", "concise", "--fail-on", "never"]);
        let mut dirs: Vec<String> = stdout(&run_in(root, &args))
            .lines()
            .filter_map(|l| l.rsplit_once("/main.tf:").map(|(dir, _)| dir.to_string()))
            .collect();
        dirs.dedup();
        dirs
    };
    // Outside a git repository git reads no .gitignore, and neither does the walk; .ignore holds.
    assert_eq!(
        linted(&["."]),
        ["generated", "infra", "infra/scratch"],
        "no repository"
    );
    std::fs::create_dir(root.join(".git")).expect("mkdir .git");
    assert_eq!(linted(&["."]), ["infra"]);
    // Named on the command line, an ignored file or directory is linted.
    assert_eq!(
        linted(&["infra", "generated/main.tf", "vendor"]),
        ["generated", "infra", "vendor"]
    );
    // A directory given whose every file is ignored says so rather than failing without a word.
    std::fs::create_dir_all(root.join("site/generated")).expect("mkdir");
    std::fs::rename(root.join("generated"), root.join("site/generated/net")).expect("mv");
    let out = run_in(root, &["site"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("every one is ignored by .gitignore"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(root.join("site/generated/net"), root.join("generated")).expect("mv");
    // --no-ignore: everything but the directories never linted (.git, .terraform, node_modules).
    assert_eq!(
        linted(&[".", "--no-ignore"]),
        ["generated", "infra", "infra/scratch", "vendor"]
    );
}

#[test]
fn a_trace_through_merge_keeps_only_what_supplies_the_attribute_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = TF_MAIN.replace("[var.agent_cidr]", "[local.network.agent_cidr]");
    let main = format!(
        r#"resource "random_id" "suffix" {{
  byte_length = 4
}}
variable "small_cidr" {{
  default = "10.0.1.0/28"
}}
locals {{
  defaults = {{
    agent_cidr = "10.0.0.0/24"
    tags       = {{ owner = "platform" }}
  }}
  network = merge(local.defaults, {{
    name       = "vnet-${{random_id.suffix.hex}}"
    agent_cidr = var.small_cidr
    tags       = {{ env = "dev" }}
  }}, {{
    dns = true
  }})
}}
{main}"#
    );
    let texts = fl201_trace(dir.path(), &main);
    // Not the whole merge (the name and its random suffix, the tags, the defaults it overrides).
    assert_eq!(
        texts,
        [
            "local.network.agent_cidr",
            "local.network.agent_cidr = var.small_cidr",
            "var.small_cidr default = \"10.0.1.0/28\"",
        ]
    );
}

#[test]
fn an_attribute_inside_merge_of_object_constructors_is_reported_where_it_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = r#"variable "enable_storage" {
  default = false
}
resource "random_id" "suffix" {
  byte_length = 4
}
resource "azapi_resource" "account" {
  type      = "Microsoft.CognitiveServices/accounts@2025-06-01"
  name      = "ais-${random_id.suffix.hex}"
  location  = "swedencentral"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  body = {
    kind = "AIServices"
    sku  = { name = "S0" }
    properties = merge(
      {
        customSubDomainName = "ais-${random_id.suffix.hex}"
        disableLocalAuth    = true
        publicNetworkAccess = "Disabled"
      },
      var.enable_storage ? {
        userOwnedStorage = [{ resourceId = "x" }]
      } : {}
    )
  }
}
"#;
    write(dir.path(), &[("main.tf", main)]);
    let out = run_in(
        dir.path(),
        &["main.tf", "--format", "json", "--select", "FL303"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = &doc["findings"][0];
    assert_eq!(finding["rule"], "FL303", "{doc}");
    // The line of `publicNetworkAccess`, not the 11 lines of the call; and nothing to trace.
    assert_eq!(finding["location"]["line"], 19, "{doc}");
    assert_eq!(finding["location"]["end_line"], 19, "{doc}");
    assert!(
        finding
            .get("trace")
            .is_none_or(|t| t.as_array().is_none_or(Vec::is_empty)),
        "{doc}"
    );
}
