//! `foundry-lint server` driven over stdio with scripted JSON-RPC, as an editor drives it.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long any one answer may take: a hung server fails the test instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages received while waiting for another: the server publishes the files of a stack
    /// in no particular order.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        Client::start_with(root, json!(null))
    }

    /// A server started with these `initializationOptions`.
    fn start_with(root: &Path, options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("JSON body");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            pending: Vec::new(),
            next_id: 1,
        };
        let uri = uri(root);
        let id = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {},
                   "initializationOptions": options}),
        );
        let result = client.response(id);
        assert_eq!(result["capabilities"]["hoverProvider"], json!(true));
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        self.send_raw(&message.to_string());
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The first message that satisfies `wanted`; others are kept for later waits.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.pending.iter().position(&wanted) {
            return self.pending.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .expect("the server answered in time");
            if wanted(&message) {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn response(&mut self, id: i64) -> Value {
        let message = self.wait(|m| m["id"] == json!(id));
        assert!(message.get("error").is_none(), "{message}");
        message["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && same_uri(&m["params"]["uri"], uri)
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, path: &Path, language: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        self.open_text(&uri(path), language, &text);
    }

    fn open_text(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    fn change(&mut self, path: &Path, version: i64, text: &str) {
        self.change_uri(&uri(path), version, text);
    }

    fn change_uri(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn shutdown(mut self) {
        let id = self.request("shutdown", json!(null));
        self.response(id);
        self.notify("exit", json!(null));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "server exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The URI as VS Code and Python spell it: `+` percent-encoded (the server spells it `+`). A
/// file that does not exist yet is named in its directory's canonical form.
fn uri(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::fs::canonicalize(path.parent().unwrap())
            .unwrap()
            .join(path.file_name().unwrap())
    });
    format!("file://{}", path.display()).replace('+', "%2B")
}

/// A directory whose name needs percent-encoding in a URI.
fn workspace() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("fl+lsp").tempdir().unwrap()
}

fn same_uri(a: &Value, b: &str) -> bool {
    a.as_str()
        .is_some_and(|a| a.replace("%2B", "+") == b.replace("%2B", "+"))
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A copy of a fixture stack in a directory whose name needs percent-encoding in a URI.
fn copy_of(case: &str) -> tempfile::TempDir {
    let dir = workspace();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(case);
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// The edit of the "Suppress" quick fix offered on `diagnostic`.
fn quick_fix(client: &mut Client, uri: &str, diagnostic: &Value) -> Value {
    let id = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
               "context": {"diagnostics": [diagnostic]}}),
    );
    let actions = client.response(id);
    let title = format!(
        "Suppress {} on this line",
        diagnostic["code"].as_str().unwrap()
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title.as_str())
        .unwrap_or_else(|| panic!("no quick fix `{title}` in {actions}"));
    action["edit"]["changes"][uri][0].clone()
}

fn has(diagnostics: &[Value], code: &str) -> bool {
    codes(diagnostics).iter().any(|c| c == code)
}

#[test]
fn terraform_diagnostics_follow_the_buffers() {
    // The agent subnets are sized by terraform.tfvars: dev gets a /28 (FL201).
    let dir = copy_of("fixtures/terraform/agent-subnet-sizing");
    let root = dir.path();
    let network = root.join("network.tf");
    let tfvars = root.join("terraform.tfvars");
    let mut client = Client::start(root);

    // Opening the variable file lints its directory: the finding is in another file.
    client.open(&tfvars, "terraform-vars");
    let network_uri = uri(&network);
    let diagnostics = client.diagnostics(&network_uri);
    let d = diagnostics
        .iter()
        .find(|d| d["code"] == "FL201")
        .expect("FL201")
        .clone();
    // `each.value` on line 26 (zero-based 25).
    assert_eq!(
        d["range"],
        json!({"start": {"line": 25, "character": 26}, "end": {"line": 25, "character": 36}})
    );
    assert_eq!(d["severity"], json!(1));
    assert_eq!(d["source"], json!("foundry-lint"));
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules/FL201-agent-subnet-below-minimum.md")
    );
    assert!(d["message"].as_str().unwrap().contains("172.20.0.0/28"));
    // The value's trace leads to the tfvars line.
    let related = d["relatedInformation"]
        .as_array()
        .expect("the value's trace");
    assert!(
        related
            .iter()
            .any(|r| same_uri(&r["location"]["uri"], &uri(&tfvars))),
        "{related:?}"
    );
    // Notes are shown as information.
    let note = diagnostics.iter().find(|d| d["code"] == "FL203").unwrap();
    assert_eq!(note["severity"], json!(3));

    // Hover on the finding: the rule, the help and the trace.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": network_uri}, "position": {"line": 25, "character": 30}}),
    );
    let hover = client.response(id);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**FL201**"), "{text}");
    assert!(text.contains("at least /27"), "{text}");
    assert!(
        text.contains("computed from") && text.contains("terraform.tfvars"),
        "{text}"
    );
    // Nothing to say where there is no finding.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": network_uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(client.response(id), json!(null));

    // The quick fix inserts the HCL comment above the line.
    let edit = quick_fix(&mut client, &network_uri, &d);
    assert_eq!(
        edit["newText"],
        json!("  # foundry-lint:ignore FL201 -- reason\n")
    );
    assert_eq!(edit["range"]["start"], json!({"line": 25, "character": 0}));

    // Editing the unsaved tfvars buffer to give dev a /27 clears the finding in network.tf; the
    // file on disk still says /28.
    let sizes = std::fs::read_to_string(&tfvars).unwrap();
    let bigger = sizes.replace("dev  = 6", "dev  = 5");
    assert_ne!(bigger, sizes);
    client.change(&tfvars, 2, &bigger);
    assert!(!has(&client.diagnostics(&network_uri), "FL201"));
    // And back.
    client.change(&tfvars, 3, &sizes);
    assert!(has(&client.diagnostics(&network_uri), "FL201"));

    // A suppression typed in a buffer applies.
    client.open(&network, "terraform");
    assert!(has(&client.diagnostics(&network_uri), "FL201"));
    let text = std::fs::read_to_string(&network).unwrap();
    let suppressed = text.replace(
        "  address_prefixes     = [each.value]",
        "  # foundry-lint:ignore FL201 -- pilot\n  address_prefixes     = [each.value]",
    );
    client.change(&network, 2, &suppressed);
    assert!(!has(&client.diagnostics(&network_uri), "FL201"));

    // A syntax error is a diagnostic, and the server stays up.
    client.change(&network, 3, "resource \"x\" {\n");
    assert!(has(&client.diagnostics(&network_uri), "FL001"));
    client.send_raw("{not json");
    client.change(&network, 4, &text);
    assert!(has(&client.diagnostics(&network_uri), "FL201"));

    // A saved configuration applies to the stacks linted so far.
    let config = root.join(".foundry-lint.toml");
    std::fs::write(&config, "ignore = [\"FL201\"]\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    let diagnostics = client.diagnostics(&network_uri);
    assert!(!has(&diagnostics, "FL201") && has(&diagnostics, "FL202"));

    client.shutdown();
}

/// Applies a single insertion (ASCII text, so UTF-16 columns are byte columns).
fn apply(text: &str, edit: &Value) -> String {
    let at = &edit["range"]["start"];
    let line = at["line"].as_u64().unwrap() as usize;
    let offset: usize = text
        .split_inclusive('\n')
        .take(line)
        .map(str::len)
        .sum::<usize>()
        + at["character"].as_u64().unwrap() as usize;
    format!(
        "{}{}{}",
        &text[..offset],
        edit["newText"].as_str().unwrap(),
        &text[offset..]
    )
}

/// `line:column: CODE` of each diagnostic (one-based, as the concise report writes them).
fn places(diagnostics: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            format!(
                "{}:{}: {}",
                start["line"].as_u64().unwrap() + 1,
                start["character"].as_u64().unwrap() + 1,
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

/// Each stack's golden findings (the command line's, `expected.txt`) are the diagnostics the
/// server publishes for it, file by file; the quick fix of its FL201, applied to the buffer,
/// suppresses that finding and no other.
#[test]
fn fixtures_agree_with_the_command_line() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = [
        ("fixtures/terraform/agent-subnet-sizing", "network.tf"),
        ("fixtures/bicep/nested-access", "main.bicep"),
        ("fixtures/arm/invalid-configuration", "azuredeploy.json"),
    ];
    for (case, opened) in cases {
        let dir = repo.join(case);
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let mut by_file: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for line in expected.lines() {
            let rest = line.strip_prefix(&format!("{case}/")).unwrap();
            let (file, rest) = rest.split_once(':').unwrap();
            let code = rest.split(' ').nth(1).unwrap();
            let place = rest.split_once(": ").unwrap().0;
            by_file
                .entry(file.to_string())
                .or_default()
                .push(format!("{place}: {code}"));
        }
        assert!(by_file.contains_key(opened), "{case}: FL201 in {opened}");
        let mut client = Client::start(&dir);
        let path = dir.join(opened);
        client.open(&path, "");
        let mut published = std::collections::BTreeMap::new();
        for file in by_file.keys() {
            published.insert(file.clone(), client.diagnostics(&uri(&dir.join(file))));
        }
        for (file, mut places_expected) in by_file {
            places_expected.sort();
            assert_eq!(places(&published[&file]), places_expected, "{case}/{file}");
        }

        let diagnostics = &published[opened];
        let fl201 = diagnostics.iter().find(|d| d["code"] == "FL201").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = apply(&text, &quick_fix(&mut client, &uri(&path), fl201));
        client.change(&path, 2, &edited);
        let left = codes(&client.diagnostics(&uri(&path)));
        let mut before = codes(diagnostics);
        before.retain(|c| c != "FL201");
        assert_eq!(left, before, "{case}: {edited}");
        client.shutdown();
    }
}

/// The golden findings of one file of a fixture as `LINE:COLUMN: CODE` (see [`places`]), less
/// the rules in `without`.
fn golden_places(case: &str, file: &str, without: &[&str]) -> Vec<String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = std::fs::read_to_string(repo.join(case).join("expected.txt")).unwrap();
    let mut out: Vec<String> = expected
        .lines()
        .filter_map(|line| line.strip_prefix(&format!("{case}/{file}:")))
        .map(|rest| {
            let (place, rest) = rest.split_once(": ").unwrap();
            format!("{place}: {}", rest.split(' ').next().unwrap())
        })
        .filter(|p| !without.iter().any(|code| p.ends_with(&format!(": {code}"))))
        .collect();
    out.sort();
    out
}

/// The stack whose agent subnets terraform.tfvars sizes (dev /28: FL201).
const SIZING: &str = "fixtures/terraform/agent-subnet-sizing";

/// A subnet below Azure's /29 minimum, written against the fixture's spoke network.
const NEW_SUBNET: &str = r#"resource "azurerm_subnet" "probe2" {
  name                 = "snet-probe2"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = [cidrsubnet(var.spoke_cidr, 8, 254)]
}
"#;

#[test]
fn a_new_file_not_saved_yet_is_part_of_its_directory() {
    let (case, dir) = (SIZING, copy_of(SIZING));
    let root = dir.path();
    let network_uri = uri(&root.join("network.tf"));
    let new = root.join("probe2.tf");
    let new_uri = uri(&new);
    let mut client = Client::start(root);

    // Opened before it was ever saved: it is evaluated with the directory's variables and
    // resources, and its finding is published to it.
    client.open_text(&new_uri, "terraform", NEW_SUBNET);
    let diagnostics = client.diagnostics(&new_uri);
    assert_eq!(places(&diagnostics), ["5:27: FL404"]);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("172.20.3.248/30"),
        "{diagnostics:?}"
    );
    // The directory's own files are linted with it.
    assert_eq!(
        places(&client.diagnostics(&network_uri)),
        golden_places(case, "network.tf", &[])
    );

    // Closed without saving: its diagnostics go, and the directory is what is on disk.
    client.close(&new_uri);
    assert!(client.diagnostics(&new_uri).is_empty());
    assert_eq!(
        places(&client.diagnostics(&network_uri)),
        golden_places(case, "network.tf", &[])
    );
    client.shutdown();
}

#[test]
fn an_untitled_buffer_is_a_stack_of_its_own() {
    let dir = copy_of(SIZING);
    let mut client = Client::start(dir.path());
    let untitled = "untitled:Untitled-1";
    // Standing alone: the spoke of the fixture is not its network.
    let text = NEW_SUBNET
        .replace("azurerm_resource_group.net.name", "\"rg\"")
        .replace("cidrsubnet(var.spoke_cidr, 8, 254)", "\"10.0.0.0/30\"");
    client.open_text(untitled, "terraform", &text);
    let diagnostics = client.diagnostics(untitled);
    assert_eq!(places(&diagnostics), ["5:27: FL404"]);
    // Its quick fix is the HCL comment.
    let edit = quick_fix(&mut client, untitled, &diagnostics[0]);
    assert_eq!(
        edit["newText"],
        json!("  # foundry-lint:ignore FL404 -- reason\n")
    );
    client.change_uri(untitled, 2, &text.replace("/30", "/28"));
    assert!(client.diagnostics(untitled).is_empty());
    client.change_uri(untitled, 3, &text);
    assert_eq!(places(&client.diagnostics(untitled)), ["5:27: FL404"]);
    // Closed, it shows nothing.
    client.close(untitled);
    assert!(client.diagnostics(untitled).is_empty());
    client.shutdown();
}

/// The findings a baseline records (written by the command line) are not published; the
/// others are.
#[test]
fn the_baseline_hides_what_it_records() {
    let (case, dir) = (SIZING, copy_of(SIZING));
    let root = dir.path();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .args([
            ".",
            "--select",
            "FL201",
            "--write-baseline",
            "baseline.json",
        ])
        .current_dir(root)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut client = Client::start_with(root, json!({"baseline": "baseline.json"}));
    let network = root.join("network.tf");
    client.open(&network, "terraform");
    assert_eq!(
        places(&client.diagnostics(&uri(&network))),
        golden_places(case, "network.tf", &["FL201"])
    );
    // The baseline emptied, as the editor's file watcher reports it: FL201 is back.
    let baseline = root.join("baseline.json");
    std::fs::write(&baseline, r#"{"version": 1, "findings": []}"#).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&baseline), "type": 2}]}),
    );
    assert_eq!(
        places(&client.diagnostics(&uri(&network))),
        golden_places(case, "network.tf", &[])
    );
    client.shutdown();
}

/// `vars` and `varFiles` are the command line's `--var` and `--var-file`: here they give dev a
/// /27, which ends FL201.
#[test]
fn variables_given_at_initialization_apply() {
    let dir = copy_of(SIZING);
    let root = dir.path();
    let network = root.join("network.tf");
    let sizes = tempfile::tempdir().unwrap();
    let var_file = sizes.path().join("sizes.tfvars");
    std::fs::write(
        &var_file,
        "environments = {\n  dev  = 5\n  test = 5\n  uat  = 4\n}\n",
    )
    .unwrap();
    for options in [
        json!({"vars": ["environments={dev=5,test=5,uat=4}"]}),
        json!({"varFiles": [var_file]}),
    ] {
        let mut client = Client::start_with(root, options.clone());
        client.open(&network, "terraform");
        let diagnostics = client.diagnostics(&uri(&network));
        assert!(!has(&diagnostics, "FL201"), "{options}: {diagnostics:?}");
        // The subnet dev had is now the /27 FL202 speaks of.
        assert!(
            diagnostics.iter().any(|d| d["code"] == "FL202"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("[\"dev\"]` is 172.20.0.0/27")),
            "{options}: {diagnostics:?}"
        );
        client.shutdown();
    }
    // A malformed variable is said, and the rest of the server works.
    let mut client = Client::start_with(root, json!({"vars": ["not a variable"]}));
    let message = client.wait(|m| m["method"] == "window/showMessage");
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("not NAME=VALUE"),
        "{message}"
    );
    client.open(&network, "terraform");
    assert!(has(&client.diagnostics(&uri(&network)), "FL201"));
    client.shutdown();
}

/// `parameters` is the command line's `--parameters`: a parameter file kept elsewhere is an
/// environment of the template.
#[test]
fn parameter_files_given_at_initialization_apply() {
    let dir = workspace();
    let template = dir.path().join("azuredeploy.json");
    std::fs::write(
        &template,
        r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "agentPrefix": { "type": "string", "defaultValue": "10.70.0.0/24" }
  },
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2024-05-01",
      "name": "vnet-spoke",
      "location": "swedencentral",
      "properties": {
        "addressSpace": { "addressPrefixes": ["10.70.0.0/16"] },
        "subnets": [
          {
            "name": "snet-agent",
            "properties": {
              "addressPrefix": "[parameters('agentPrefix')]",
              "delegations": [
                { "name": "aca", "properties": { "serviceName": "Microsoft.App/environments" } }
              ]
            }
          }
        ]
      }
    },
    {
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "2025-06-01",
      "name": "ais-spoke",
      "location": "swedencentral",
      "kind": "AIServices",
      "sku": { "name": "S0" },
      "identity": { "type": "SystemAssigned" },
      "properties": {
        "customSubDomainName": "ais-spoke",
        "networkInjections": [
          {
            "scenario": "agent",
            "subnetArmId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-spoke', 'snet-agent')]"
          }
        ]
      }
    }
  ]
}
"#,
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let parameters = elsewhere.path().join("dev.parameters.json");
    let schema =
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";
    let values =
        json!({"$schema": schema, "parameters": {"agentPrefix": {"value": "10.70.0.0/28"}}});
    std::fs::write(&parameters, values.to_string()).unwrap();
    let template_uri = uri(&template);
    // Without it, the default /24 is fine.
    let mut client = Client::start(dir.path());
    client.open(&template, "json");
    assert_eq!(
        places(&client.diagnostics(&template_uri)),
        Vec::<String>::new()
    );
    client.shutdown();
    let mut client = Client::start_with(dir.path(), json!({"parameters": [parameters]}));
    client.open(&template, "json");
    let diagnostics = client.diagnostics(&template_uri);
    assert_eq!(places(&diagnostics), ["19:32: FL201"], "{diagnostics:?}");
    client.shutdown();
}

/// A finding with a fix offers it as the preferred quick fix; applying its edit to the buffer
/// clears the finding.
#[test]
fn a_fixable_finding_offers_its_fix() {
    let dir = copy_of("tests/fixes/bicep/literals/before");
    let path = dir.path().join("main.bicep");
    let file_uri = uri(&path);
    let mut client = Client::start(dir.path());
    client.open(&path, "bicep");
    let diagnostics = client.diagnostics(&file_uri);
    let purge = diagnostics
        .iter()
        .find(|d| d["code"] == "FL601")
        .expect("FL601")
        .clone();
    let id = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file_uri}, "range": purge["range"],
               "context": {"diagnostics": [purge]}}),
    );
    let actions = client.response(id);
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            // The literal is the variable's, away from the finding: the title says where.
            a["title"].as_str().is_some_and(|t| {
                t.starts_with("Fix FL601: turn purge protection on at ")
                    && t.ends_with("main.bicep:9")
            })
        })
        .unwrap_or_else(|| panic!("no fix in {actions}"));
    assert_eq!(fix["isPreferred"], json!(true));
    let changes = fix["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1);
    let edits = changes.values().next().unwrap().as_array().unwrap();
    // The variable's literal, `var purgeProtection = false` (line 9, zero-based 8).
    assert_eq!(
        edits[0]["range"],
        json!({"start": {"line": 8, "character": 22}, "end": {"line": 8, "character": 27}})
    );
    assert_eq!(edits[0]["newText"], json!("true"));
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed = text.replacen(
        "var purgeProtection = false",
        "var purgeProtection = true",
        1,
    );
    client.change(&path, 2, &fixed);
    assert!(!has(&client.diagnostics(&file_uri), "FL601"));
    client.shutdown();
}
