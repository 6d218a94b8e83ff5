//! Hostile and broken input: the linter answers with a finding or silence, never a crash or a
//! hang, and the rest of the tree is still checked.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn lint(dir: &Path, extra: &[&str]) -> Output {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .arg(dir)
        .args(["--format", "concise", "--select", "ALL"])
        .args(extra)
        .output()
        .expect("run foundry-lint");
    // A hang detector, not a speed test (bench/ measures speed): generous enough for a debug
    // build on a loaded machine.
    assert!(
        start.elapsed() < Duration::from_secs(300),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A witness that the rest of the tree is checked: a /30 subnet (FL404) in its own directory.
fn with_witness(dir: &Path) {
    let ok = dir.join("witness");
    std::fs::create_dir_all(&ok).expect("mkdir");
    std::fs::write(
        ok.join("main.tf"),
        "resource \"azurerm_subnet\" \"w\" {\n  name = \"w\"\n  resource_group_name = \"rg\"\n  virtual_network_name = \"v\"\n  address_prefixes = [\"10.0.0.0/30\"]\n}\n",
    )
    .expect("write");
}

fn case(files: &[(&str, Vec<u8>)]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    with_witness(dir.path());
    let out = stdout(&lint(dir.path(), &[]));
    assert!(
        out.contains("FL404"),
        "the rest of the tree was not checked:\n{out}"
    );
    out
}

#[test]
fn deep_nesting_in_every_language_is_a_parse_error_not_a_stack_overflow() {
    let depth = 20_000;
    let hcl = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let json = format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"x\": {}1{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let arm_expression = format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"resources\": [{{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"[{}'a'{}]\"}}]}}",
        "concat(".repeat(depth),
        ")".repeat(depth)
    );
    let bicep = format!("var x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let out = case(&[
        ("hcl/main.tf", hcl.into_bytes()),
        ("json/azuredeploy.json", json.into_bytes()),
        ("expr/azuredeploy.json", arm_expression.into_bytes()),
        ("bicep/main.bicep", bicep.into_bytes()),
    ]);
    for dir in [
        "hcl/main.tf",
        "json/azuredeploy.json",
        "expr/azuredeploy.json",
        "bicep/main.bicep",
    ] {
        assert!(
            out.lines().any(|l| l.contains(dir) && l.contains("FL001")),
            "{dir}: {out}"
        );
    }
}

#[test]
fn binary_non_utf8_and_unterminated_input_is_reported() {
    let out = case(&[
        ("bin/main.tf", (0..=255u8).cycle().take(4096).collect()),
        ("latin1/main.tf", b"resource \"x\" \"y\" { name = \"caf\xe9\" }\n".to_vec()),
        ("string/main.tf", b"locals {\n  x = \"unterminated\n}\n".to_vec()),
        ("heredoc/main.tf", b"locals {\n  x = <<EOT\nno end\n".to_vec()),
        ("bicep/main.bicep", b"param x string = 'unterminated\nresource y 'Microsoft.Network/virtualNetworks@2024-05-01' = {\n".to_vec()),
    ]);
    for file in [
        "bin/main.tf",
        "latin1/main.tf",
        "string/main.tf",
        "heredoc/main.tf",
        "bicep/main.bicep",
    ] {
        assert!(
            out.lines().any(|l| l.contains(file) && l.contains("FL001")),
            "{file}: {out}"
        );
    }
}

#[test]
fn cycles_and_self_calls_terminate() {
    case(&[
        ("locals/main.tf", b"locals {\n  a = local.b\n  b = local.a\n}\nresource \"azurerm_subnet\" \"s\" {\n  name = local.a\n  resource_group_name = \"rg\"\n  virtual_network_name = \"v\"\n  address_prefixes = [local.b]\n}\n".to_vec()),
        ("selfcall/main.tf", b"module \"again\" {\n  source = \"./\"\n}\nvariable \"x\" {\n  default = 1\n}\n".to_vec()),
        ("pair/a/main.tf", b"module \"b\" {\n  source = \"../b\"\n}\n".to_vec()),
        ("pair/b/main.tf", b"module \"a\" {\n  source = \"../a\"\n}\n".to_vec()),
        ("bicep/main.bicep", b"module again 'main.bicep' = {\n  name: 'again'\n}\nvar a = b\nvar b = a\n".to_vec()),
        ("bicep-pair/a.bicep", b"module b 'b.bicep' = {\n  name: 'b'\n}\noutput x string = b.outputs.y\n".to_vec()),
        ("bicep-pair/b.bicep", b"module a 'a.bicep' = {\n  name: 'a'\n}\noutput y string = a.outputs.x\n".to_vec()),
        (
            "arm/azuredeploy.json",
            br#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "variables": {"a": "[variables('b')]", "b": "[variables('a')]"},
                "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "self",
                               "properties": {"mode": "Incremental", "templateLink": {"relativePath": "azuredeploy.json"}}}]}"#
                .to_vec(),
        ),
    ]);
}

#[test]
fn huge_counts_are_bounded() {
    let out = case(&[
        ("count/main.tf", b"resource \"azurerm_subnet\" \"s\" {\n  count = 1000000000\n  name = \"s\"\n  resource_group_name = \"rg\"\n  virtual_network_name = \"v\"\n  address_prefixes = [\"10.0.0.0/30\"]\n}\nlocals {\n  r = range(100000000)\n  c = cidrsubnet(\"10.0.0.0/8\", 1000000, 99999999999)\n  h = cidrhost(\"::/0\", -1)\n}\n".to_vec()),
        (
            "copy/azuredeploy.json",
            br#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "resources": [{"copy": {"name": "c", "count": 100000000}, "type": "Microsoft.Network/privateDnsZones", "apiVersion": "2020-06-01",
                               "name": "[format('z{0}', copyIndex())]", "location": "global"},
                              {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "[string(range(0, 100000000))]",
                               "properties": {"addressSpace": {"addressPrefixes": ["[cidrSubnet('10.0.0.0/8', 99, 1)]"]}}}]}"#
                .to_vec(),
        ),
    ]);
    // The witness's /30 is the only /30 reported: count = 1000000000 was not expanded.
    assert_eq!(
        out.lines().filter(|l| l.contains("FL404")).count(),
        1,
        "{out}"
    );
    // ...and a note says so.
    assert!(
        out.lines()
            .any(|l| l.contains("count/main.tf") && l.contains("FL002") && l.contains("at most")),
        "{out}"
    );
}

#[test]
fn a_large_file_is_linted_in_reasonable_time() {
    let mut text = String::with_capacity(52 * 1024 * 1024);
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&format!(
            "resource \"azurerm_private_dns_zone\" \"z{i}\" {{\n  name = \"zone{i}.example\"\n  resource_group_name = \"rg\"\n}}\n"
        ));
        i += 1;
    }
    case(&[("large/main.tf", text.into_bytes())]);
}

#[test]
fn json_of_other_tools_is_skipped_silently() {
    let out = case(&[
        (
            "web/package.json",
            b"{ \"name\": \"x\", \"version\": ".to_vec(),
        ),
        (
            "web/tsconfig.json",
            b"{ // comments\n \"compilerOptions\": {} }".to_vec(),
        ),
        ("web/data.json", b"[1, 2, 3]".to_vec()),
    ]);
    assert!(!out.contains("web/"), "{out}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_unreadable_files_do_not_stop_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).expect("symlink");
    std::fs::write(dir.path().join("secret.tf"), "locals {}\n").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.path().join("secret.tf"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    with_witness(dir.path());
    let out = stdout(&lint(dir.path(), &[]));
    assert!(out.contains("FL404"), "{out}");
    // Root can read anything; elsewhere the unreadable file is an FL001.
    let readable = std::fs::read(dir.path().join("secret.tf")).is_ok();
    assert!(readable || out.contains("secret.tf:1:1: FL001"), "{out}");
}

/// The fuzz targets' bodies (fuzz/src/lib.rs), so that a saved crash input runs through exactly
/// what the fuzzer ran.
#[path = "../fuzz/src/lib.rs"]
mod fuzz_targets;

/// Every input a fuzz target once crashed, hung or ran out of memory on
/// (tests/fuzz-regressions/<target>/<name>) goes through the target's body again, and, when it
/// is a file tree or a configuration, through the CLI: an answer, never a crash or a hang.
#[test]
fn fuzz_regressions_are_answered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let Ok(targets) = std::fs::read_dir(&root) else {
        return;
    };
    for target in targets {
        let target = target.expect("entry").path();
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        for input in std::fs::read_dir(&target).expect("target dir") {
            let input = input.expect("entry").path();
            let data = std::fs::read(&input).expect("read input");
            let start = Instant::now();
            fuzz_targets::run(&name, &data);
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{}: took {:?}",
                input.display(),
                start.elapsed()
            );
            let dir = tempfile::tempdir().expect("temp dir");
            if let Some(files) = fuzz_targets::tree(&name, &data) {
                for (path, text) in files {
                    let path = dir.path().join(path);
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    std::fs::write(path, text).expect("write");
                }
                lint(dir.path(), &[]);
            } else if name == "config" {
                std::fs::write(dir.path().join(".foundry-lint.toml"), &data).expect("write");
                std::fs::write(dir.path().join("main.tf"), fuzz_targets::STACK).expect("write");
                let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
                    .arg(dir.path())
                    .output()
                    .expect("run foundry-lint");
                // A configuration the linter rejects is a usage error (exit 2), with a message.
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    matches!(out.status.code(), Some(0..=2)) && !stderr.contains("panicked"),
                    "{}: exit {:?}, stderr: {stderr}",
                    input.display(),
                    out.status.code()
                );
            }
        }
    }
}
