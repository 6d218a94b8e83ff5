//! The integrations a user copies from the README, run for real: the pre-commit hook
//! (`.pre-commit-hooks.yaml`) and the GitHub Action (`action.yml`, `scripts/action-run.sh`).

use serde_norway::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// pre-commit builds the hook from this working tree with cargo (minutes on a cold cache; the
/// venv and the hook's target directory are kept under target/tmp for the next run) and runs it
/// on a throwaway repository: it must fail on a /28 agent subnet and pass on a correct stack. The
/// `foundry-lint-system` hook must do the same with the binary cargo built for this test on PATH.
/// Needs python3 and the package registries (or `CARGO_NET_OFFLINE=true` with the crates cached).
#[test]
fn the_pre_commit_hook_fails_on_a_broken_stack_and_passes_on_a_correct_one() {
    let tools = std::env::var_os("FOUNDRY_LINT_TOOLS").unwrap_or_else(|| {
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("integration-tools")
            .into()
    });
    let started = std::time::Instant::now();
    let out = Command::new("bash")
        .arg(root().join("tests/integration/pre-commit.sh"))
        .env("FOUNDRY_LINT_TOOLS", &tools)
        .env(
            "FOUNDRY_LINT_BIN_DIR",
            Path::new(env!("CARGO_BIN_EXE_foundry-lint"))
                .parent()
                .expect("bin dir"),
        )
        .output()
        .expect("run bash");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    eprintln!("pre-commit integration: {:?}", started.elapsed());
}

fn action() -> Value {
    let text = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    serde_norway::from_str(&text).expect("action.yml is YAML")
}

fn steps(action: &Value) -> Vec<&Value> {
    action["runs"]["steps"]
        .as_sequence()
        .expect("runs.steps")
        .iter()
        .collect()
}

/// Inputs reach shell code only through `env:`: an `${{ inputs.x }}` expanded inside a `run:`
/// script is pasted into it before bash reads it, so a crafted input would run as code.
#[test]
fn the_action_is_composite_and_its_inputs_reach_scripts_only_through_env() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_mapping().expect("inputs");
    let defaults: Vec<(&str, &str)> = inputs
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().expect("input name"),
                v["default"].as_str().expect("a string default"),
            )
        })
        .collect();
    assert_eq!(
        defaults,
        [
            ("path", "."),
            ("format", "github"),
            ("fail-on", "warning"),
            ("config", ""),
            ("sarif-file", "foundry-lint.sarif"),
            ("baseline", ""),
            ("var-file", ""),
            ("parameters", ""),
            ("select", ""),
            ("ignore", ""),
            ("args", ""),
            ("restore-modules", "true"),
            ("version", ""),
            ("install", "release"),
        ]
    );
    let mut used_in_env = Vec::new();
    for step in steps(&action) {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "an expression inside run: {run}");
            assert_eq!(step["shell"], "bash", "{run}");
        }
        let mut outside_env = step.clone();
        if let Some(env) = outside_env
            .as_mapping_mut()
            .and_then(|map| map.remove("env"))
        {
            for (_, value) in env.as_mapping().expect("env is a mapping") {
                used_in_env.push(value.as_str().expect("env value").to_string());
            }
        }
        let rest = serde_norway::to_string(&outside_env).expect("yaml");
        assert!(
            !rest.contains("inputs."),
            "an input outside env: in a step: {rest}"
        );
    }
    for (name, _) in &defaults {
        let expression = format!("${{{{ inputs.{name} }}}}");
        assert!(
            used_in_env.contains(&expression),
            "input `{name}` reaches no step"
        );
    }
    // The lint step is the tested script, given every input it reads.
    let lint: Vec<&Value> = steps(&action)
        .into_iter()
        .filter(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("scripts/action-run.sh"))
        })
        .collect();
    assert_eq!(lint.len(), 1);
    assert_eq!(lint[0]["id"], "lint");
    for (var, input) in [
        ("INPUT_PATH", "path"),
        ("INPUT_FORMAT", "format"),
        ("INPUT_FAIL_ON", "fail-on"),
        ("INPUT_CONFIG", "config"),
        ("INPUT_SARIF_FILE", "sarif-file"),
        ("INPUT_BASELINE", "baseline"),
        ("INPUT_VAR_FILE", "var-file"),
        ("INPUT_PARAMETERS", "parameters"),
        ("INPUT_SELECT", "select"),
        ("INPUT_IGNORE", "ignore"),
        ("INPUT_ARGS", "args"),
    ] {
        assert_eq!(
            lint[0]["env"][var].as_str(),
            Some(format!("${{{{ inputs.{input} }}}}").as_str())
        );
    }
    assert_eq!(
        action["outputs"]["sarif-file"]["value"],
        "${{ steps.lint.outputs.sarif-file }}"
    );
    // Both install steps are the tested script, given the inputs it reads.
    for (id, mode) in [("plan", "plan"), ("install", "install")] {
        let step = steps(&action)
            .into_iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no step {id}"));
        assert_eq!(
            step["run"].as_str(),
            Some(format!("bash \"$GITHUB_ACTION_PATH/scripts/action-install.sh\" {mode}").as_str())
        );
        for (var, input) in [("INPUT_INSTALL", "install"), ("INPUT_VERSION", "version")] {
            assert_eq!(
                step["env"][var].as_str(),
                Some(format!("${{{{ inputs.{input} }}}}").as_str())
            );
        }
    }
}

/// A simulated GitHub runner: the files the runner provides, and the linter built by cargo on
/// PATH.
struct Runner {
    dir: tempfile::TempDir,
}

struct Run {
    out: Output,
    summary: String,
    output: String,
    /// How many times the script started foundry-lint.
    runs: usize,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn sarif(&self) -> PathBuf {
        self.dir.path().join("reports/foundry-lint.sarif")
    }

    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        let summary = self.dir.path().join("summary.md");
        let output = self.dir.path().join("output.txt");
        std::fs::write(&summary, "").expect("write");
        std::fs::write(&output, "").expect("write");
        // A `foundry-lint` first on PATH that counts its runs and starts the real one.
        let bin = self.dir.path().join("bin");
        let runs = self.dir.path().join("runs.log");
        std::fs::create_dir_all(&bin).expect("bin dir");
        std::fs::write(&runs, "").expect("write");
        std::fs::write(
            bin.join("foundry-lint"),
            format!(
                "#!/usr/bin/env bash\necho run >> '{}'\nexec '{}' \"$@\"\n",
                runs.display(),
                env!("CARGO_BIN_EXE_foundry-lint")
            ),
        )
        .expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                bin.join("foundry-lint"),
                std::fs::Permissions::from_mode(0o755),
            )
            .expect("chmod");
        }
        let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .expect("PATH");
        let mut command = Command::new("bash");
        command
            .arg(root().join("scripts/action-run.sh"))
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("GITHUB_WORKSPACE", root())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output)
            .env("INPUT_SARIF_FILE", self.sarif());
        for (name, value) in inputs {
            command.env(name, value);
        }
        let out = command.output().expect("run bash");
        Run {
            out,
            summary: std::fs::read_to_string(&summary).expect("summary"),
            output: std::fs::read_to_string(&output).expect("output"),
            runs: std::fs::read_to_string(&runs)
                .expect("runs")
                .lines()
                .count(),
        }
    }
}

#[test]
fn the_action_script_annotates_summarises_writes_sarif_and_fails_on_findings() {
    let runner = Runner::new();
    let run = runner.run(&[
        ("INPUT_PATH", "fixtures/terraform/agent-subnet-sizing"),
        ("INPUT_FORMAT", "github"),
        ("INPUT_FAIL_ON", "warning"),
    ]);
    let stdout = String::from_utf8_lossy(&run.out.stdout);
    assert_eq!(run.out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "::error file=fixtures/terraform/agent-subnet-sizing/network.tf,line=26,col=27"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("title=FL201 agent-subnet-below-minimum"),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(runner.sarif()).expect("sarif file")).expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        run.output,
        format!("sarif-file={}\n", runner.sarif().display())
    );
    assert!(
        run.summary.lines().any(|l| l.starts_with('#')),
        "no Markdown heading in the summary: {}",
        run.summary
    );
    assert!(run.summary.contains("FL201"), "{}", run.summary);
    // The annotations, the summary and the SARIF file come from one run of the linter.
    assert_eq!(run.runs, 1, "{stdout}");
}

#[test]
fn the_action_script_exit_code_follows_fail_on() {
    let runner = Runner::new();
    let clean = runner.run(&[("INPUT_PATH", "fixtures/terraform/clean")]);
    assert_eq!(
        clean.out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.out.stdout)
    );
    assert!(runner.sarif().is_file());
    let never = runner.run(&[
        ("INPUT_PATH", "fixtures/terraform/agent-subnet-sizing"),
        ("INPUT_FAIL_ON", "never"),
    ]);
    assert_eq!(never.out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&never.out.stdout).contains("::error file="));
    // FL201 is an error: it fails at error too; the fixture's notes alone would not.
    let error = runner.run(&[
        ("INPUT_PATH", "fixtures/terraform/agent-subnet-sizing"),
        ("INPUT_FAIL_ON", "error"),
    ]);
    assert_eq!(error.out.status.code(), Some(1));
}

#[test]
fn the_action_script_rejects_bad_inputs_with_2_without_running_them_as_commands() {
    let runner = Runner::new();
    let invalid = runner.run(&[("INPUT_FAIL_ON", "sometimes")]);
    assert_eq!(invalid.out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&invalid.out.stdout).into_owned();
    assert!(
        stdout.starts_with("::error title=foundry-lint::fail-on is 'sometimes'"),
        "{stdout}"
    );
    // A value that tries to start a workflow command of its own stays on the error's line.
    let forged = runner.run(&[("INPUT_FAIL_ON", "x\n::add-mask::secret\n$(touch pwned)")]);
    assert_eq!(forged.out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&forged.out.stdout).into_owned();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("x%0A::add-mask::secret%0A$(touch pwned)"),
        "{stdout}"
    );
    assert!(!runner.dir.path().join("pwned").exists());
    let newline = runner.run(&[("INPUT_SARIF_FILE", "a.sarif\nother=1")]);
    assert_eq!(newline.out.status.code(), Some(2));
    assert_eq!(newline.output, "");
    let missing = runner.run(&[("INPUT_PATH", "no/such/dir")]);
    assert_eq!(missing.out.status.code(), Some(2));
    let format = runner.run(&[
        ("INPUT_PATH", "fixtures/terraform/clean"),
        ("INPUT_FORMAT", "yaml"),
    ]);
    assert_eq!(format.out.status.code(), Some(2));
}

/// Every input that maps to an option reaches foundry-lint, and the multi-line ones as one
/// argument per line: several paths, var files, parameter files, a baseline, select and ignore,
/// and free arguments that no shell ever reads.
#[test]
fn the_action_script_passes_every_input_to_foundry_lint_as_arguments() {
    let runner = Runner::new();
    let sizing = "fixtures/terraform/agent-subnet-sizing";
    let annotations = |run: &Run| -> Vec<String> {
        String::from_utf8_lossy(&run.out.stdout)
            .lines()
            .filter(|l| l.starts_with("::"))
            .filter_map(|l| l.split("title=").nth(1))
            .map(|t| t.split(' ').next().unwrap_or_default().to_string())
            .collect()
    };
    let all = runner.run(&[("INPUT_PATH", sizing), ("INPUT_FAIL_ON", "never")]);
    assert_eq!(
        annotations(&all),
        ["FL201", "FL202", "FL203", "FL203", "FL404"]
    );

    // Two paths, one per line (and a blank line and a CRLF): findings of both stacks.
    let clean = runner.run(&[("INPUT_PATH", "fixtures/terraform/clean")]);
    assert_eq!(clean.out.status.code(), Some(0));
    let both = runner.run(&[
        (
            "INPUT_PATH",
            &format!("fixtures/terraform/clean\r\n\n{sizing}\n"),
        ),
        ("INPUT_FAIL_ON", "never"),
    ]);
    assert_eq!(annotations(&both), annotations(&all));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(runner.sarif()).expect("sarif file")).expect("json");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(5)
    );

    let selected = runner.run(&[("INPUT_PATH", sizing), ("INPUT_SELECT", "FL2")]);
    assert_eq!(annotations(&selected), ["FL201", "FL202", "FL203", "FL203"]);
    let ignored = runner.run(&[("INPUT_PATH", sizing), ("INPUT_IGNORE", "FL201,FL404")]);
    assert_eq!(annotations(&ignored), ["FL202", "FL203", "FL203"]);
    assert_eq!(ignored.out.status.code(), Some(1), "FL202 is a warning");

    // A var file that makes every environment's subnet a /26: only the /26 notes remain, and
    // the probe subnet.
    let dir = runner.dir.path();
    std::fs::write(
        dir.join("wide.tfvars"),
        "spoke_cidr = \"172.20.0.0/22\"\nenvironments = { dev = 4 }\n",
    )
    .expect("write");
    let var_file = runner.run(&[
        ("INPUT_PATH", sizing),
        (
            "INPUT_VAR_FILE",
            &dir.join("wide.tfvars").display().to_string(),
        ),
        ("INPUT_FAIL_ON", "never"),
    ]);
    assert_eq!(annotations(&var_file), ["FL203", "FL203", "FL404"]);

    // A baseline of today's findings hides them all.
    let baseline = dir.join("baseline.json");
    let written = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .current_dir(root())
        .arg("--write-baseline")
        .arg(&baseline)
        .arg(sizing)
        .output()
        .expect("run foundry-lint");
    assert!(written.status.success(), "{written:?}");
    let baselined = runner.run(&[
        ("INPUT_PATH", sizing),
        ("INPUT_BASELINE", &baseline.display().to_string()),
    ]);
    assert_eq!(baselined.out.status.code(), Some(0));
    assert_eq!(annotations(&baselined), Vec::<String>::new());

    // Free arguments, one per line; shell syntax in them is only text.
    let args = runner.run(&[
        ("INPUT_PATH", sizing),
        ("INPUT_ARGS", "--ignore\nFL2\n--ignore-suppressions"),
    ]);
    assert_eq!(annotations(&args), ["FL404"]);
    let shell = runner.run(&[
        ("INPUT_PATH", sizing),
        ("INPUT_ARGS", "--select=$(touch pwned) `touch pwned`"),
    ]);
    assert_eq!(
        shell.out.status.code(),
        Some(2),
        "{shell:?}",
        shell = shell.out
    );
    assert!(!dir.join("pwned").exists() && !root().join("pwned").exists());

    // An ARM parameter file reaches --parameters (an unreadable one is a usage error).
    let parameters = runner.run(&[
        ("INPUT_PATH", sizing),
        ("INPUT_PARAMETERS", "no/such/parameters.json"),
    ]);
    assert_eq!(parameters.out.status.code(), Some(2));
}

/// The restore step runs the runner's own toolchain where a stack calls registry modules, and
/// only there: `terraform get` in a directory with a registry module call (not in one with only
/// local calls, nor inside `.terraform`), `bicep restore` on a file with a `br/public:` module.
/// The toolchain here is a stand-in that records how it was called.
#[test]
fn the_restore_step_restores_registry_modules_with_the_toolchain_on_the_runner() {
    let workspace = tempfile::tempdir().expect("temp dir");
    let w = workspace.path();
    let write = |path: &str, text: &str| {
        let path = w.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "infra/tf/main.tf",
        "module \"vnet\" {\n  source  = \"Azure/avm-res-network-virtualnetwork/azurerm\"\n  version = \"0.8.1\"\n}\n",
    );
    write(
        "infra/local/main.tf",
        "module \"net\" {\n  source = \"./modules/net\"\n}\n",
    );
    write(
        "infra/tf/.terraform/modules/vnet/main.tf",
        "module \"inner\" {\n  source = \"Azure/other/azurerm\"\n}\n",
    );
    write(
        "infra/bicep/main.bicep",
        "module vnet 'br/public:avm/res/network/virtual-network:0.9.0' = {\n  name: 'vnet'\n}\n",
    );
    write(
        "infra/bicep/local.bicep",
        "module net './net.bicep' = {\n  name: 'net'\n}\n",
    );
    let bin = w.join("bin");
    let log = w.join("calls.log");
    for tool in ["terraform", "bicep"] {
        let script = format!(
            "#!/usr/bin/env bash\necho \"{tool} $*\" >> '{}'\n",
            log.display()
        );
        write(&format!("bin/{tool}"), &script);
        let status = Command::new("chmod")
            .arg("+x")
            .arg(bin.join(tool))
            .status()
            .expect("chmod");
        assert!(status.success());
    }
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let run = |restore: &str, paths: &str| {
        let _ = std::fs::remove_file(&log);
        let out = Command::new("bash")
            .arg(root().join("scripts/restore-modules.sh"))
            .env("PATH", &path)
            .env("GITHUB_WORKSPACE", w)
            .env("INPUT_PATH", paths)
            .env("INPUT_RESTORE_MODULES", restore)
            .output()
            .expect("run bash");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        std::fs::read_to_string(&log).unwrap_or_default()
    };
    for paths in ["infra", "infra/bicep\ninfra/tf\ninfra/local"] {
        let calls = run("true", paths);
        let mut calls: Vec<&str> = calls.lines().collect();
        calls.sort();
        assert_eq!(
            calls,
            [
                "bicep restore infra/bicep/main.bicep",
                "terraform -chdir=infra/tf get -no-color",
            ]
        );
    }
    assert_eq!(run("false", "infra"), "");
}

/// A release server on 127.0.0.1 for the install script: the files of a directory by path, 404
/// for the rest; it counts the requests it answers.
struct ReleaseServer {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl ReleaseServer {
    fn start(dir: PathBuf) -> ReleaseServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = match std::fs::read(dir.join(path.trim_start_matches('/'))) {
                    Ok(body) => ("200 OK", body),
                    Err(_) => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        ReleaseServer { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

struct Install {
    code: Option<i32>,
    log: String,
    path: String,
    output: String,
}

/// Runs scripts/action-install.sh as the action does on an x86_64 Linux runner, with the tool
/// cache and the runner's files under `dir`.
fn action_install(
    dir: &Path,
    mode: &str,
    server: &ReleaseServer,
    inputs: &[(&str, &str)],
) -> Install {
    let github_path = dir.join("github_path");
    let github_output = dir.join("github_output");
    std::fs::write(&github_path, "").expect("write");
    std::fs::write(&github_output, "").expect("write");
    let mut command = Command::new("bash");
    command
        .arg(root().join("scripts/action-install.sh"))
        .arg(mode)
        .env_remove("INPUT_VERSION")
        .env_remove("INPUT_INSTALL")
        .env("GITHUB_ACTION_PATH", root())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TOOL_CACHE", dir.join("toolcache"))
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_OUTPUT", &github_output)
        .env("FOUNDRY_LINT_DOWNLOAD_URL", &server.url);
    for (name, value) in inputs {
        command.env(name, value);
    }
    let out = command.output().expect("run bash");
    Install {
        code: out.status.code(),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        path: std::fs::read_to_string(&github_path).expect("GITHUB_PATH"),
        output: std::fs::read_to_string(&github_output).expect("GITHUB_OUTPUT"),
    }
}

/// Packs the binary cargo built for these tests as the release workflow packs a target's, into
/// `release`/v<version>; returns the archive's path.
fn pack_release(release: &Path, target: &str) -> PathBuf {
    let version = env!("CARGO_PKG_VERSION");
    let packed = Command::new("bash")
        .arg(root().join("scripts/package-release.sh"))
        .args([version, target])
        .arg(env!("CARGO_BIN_EXE_foundry-lint"))
        .arg(release.join(format!("v{version}")))
        .output()
        .expect("run bash");
    assert!(packed.status.success(), "{packed:?}");
    PathBuf::from(String::from_utf8_lossy(&packed.stdout).trim())
}

/// A fake release of this build (the binary cargo built, packed by scripts/package-release.sh as
/// the release workflow packs it) is served over HTTP: the action's install script downloads the
/// archive for the runner, checks its SHA-256, puts it on PATH, takes it from the cache on the
/// next run, and refuses an archive whose checksum does not match.
#[cfg(unix)]
#[test]
fn the_action_downloads_the_release_for_the_runner_checks_its_sha256_and_caches_it() {
    let version = env!("CARGO_PKG_VERSION");
    let target = "x86_64-unknown-linux-musl";
    let work = tempfile::tempdir().expect("temp dir");
    let release = work.path().join("release");
    let archive = release.join(format!(
        "v{version}/foundry-lint-v{version}-{target}.tar.gz"
    ));
    assert_eq!(pack_release(&release, target), archive);
    // `cargo binstall` finds the same archive and the binary in it.
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .expect("Cargo.toml")
        .parse()
        .expect("TOML");
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let expand = |template: &str| {
        template
            .replace("{ repo }", "REPO")
            .replace("{ name }", "foundry-lint")
            .replace("{ bin }", "foundry-lint")
            .replace("{ version }", version)
            .replace("{ target }", target)
            .replace("{ archive-suffix }", ".tar.gz")
            .replace("{ binary-ext }", "")
    };
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        expand(binstall["pkg-url"].as_str().expect("pkg-url")),
        format!(
            "REPO/releases/download/v{version}/{}",
            archive.file_name().expect("name").to_string_lossy()
        )
    );
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .expect("run tar");
    let bin_dir = expand(binstall["bin-dir"].as_str().expect("bin-dir"));
    assert!(
        String::from_utf8_lossy(&listing.stdout)
            .lines()
            .any(|l| l == bin_dir),
        "{bin_dir} not in {listing:?}"
    );
    let server = ReleaseServer::start(release.clone());

    // The plan: the version of the action's own Cargo.toml, a directory and a key per version,
    // OS and architecture.
    let runner = work.path().join("runner");
    std::fs::create_dir_all(&runner).expect("mkdir");
    let dir = runner.join(format!("toolcache/foundry-lint/{version}/{target}"));
    let plan = action_install(&runner, "plan", &server, &[]);
    assert_eq!(plan.code, Some(0), "{}", plan.log);
    assert_eq!(
        plan.output,
        format!(
            "install=release\nversion={version}\ndir={}\nkey=foundry-lint-release-{version}-{target}\n",
            dir.display()
        )
    );
    assert_eq!(server.requests(), 0);

    let started = std::time::Instant::now();
    let first = action_install(&runner, "install", &server, &[]);
    let uncached = started.elapsed();
    assert_eq!(first.code, Some(0), "{}", first.log);
    assert_eq!(first.path, format!("{}\n", dir.display()));
    assert_eq!(server.requests(), 2, "the archive and its .sha256");
    let installed = Command::new(dir.join("foundry-lint"))
        .arg("--version")
        .output()
        .expect("run the installed foundry-lint");
    assert!(installed.status.success());
    assert!(String::from_utf8_lossy(&installed.stdout).contains(version));

    let started = std::time::Instant::now();
    let second = action_install(&runner, "install", &server, &[]);
    let cached = started.elapsed();
    assert_eq!(second.code, Some(0), "{}", second.log);
    assert!(second.log.contains("from the cache"), "{}", second.log);
    assert_eq!(second.path, format!("{}\n", dir.display()));
    assert_eq!(server.requests(), 2, "a cache hit downloads nothing");
    eprintln!("action install: {uncached:?} downloading, {cached:?} from the cache");

    // A release whose checksum file disagrees with the archive: nothing is installed.
    let tampered = work.path().join("tampered");
    std::fs::create_dir_all(&tampered).expect("mkdir");
    let sha = release.join(format!(
        "v{version}/foundry-lint-v{version}-{target}.tar.gz.sha256"
    ));
    let good = std::fs::read_to_string(&sha).expect("sha256 file");
    let flipped = if good.starts_with('0') { "1" } else { "0" };
    std::fs::write(&sha, format!("{flipped}{}", &good[1..])).expect("write");
    let refused = action_install(&tampered, "install", &server, &[]);
    assert_eq!(refused.code, Some(2), "{}", refused.log);
    assert!(
        refused.log.contains("::error title=foundry-lint::") && refused.log.contains("refusing"),
        "{}",
        refused.log
    );
    assert_eq!(refused.path, "");
    assert!(
        !tampered
            .join("toolcache/foundry-lint")
            .join(version)
            .join(target)
            .join("foundry-lint")
            .exists()
    );
    std::fs::write(&sha, good).expect("write");

    // A version with no release fails with the way out; a version that is not one, before any
    // download.
    let before = server.requests();
    let missing = action_install(
        &tampered,
        "install",
        &server,
        &[("INPUT_VERSION", "v99.0.0")],
    );
    assert_eq!(missing.code, Some(2), "{}", missing.log);
    assert!(
        missing
            .log
            .contains("is v99.0.0 released? For an unreleased ref use install: source"),
        "{}",
        missing.log
    );
    assert_eq!(server.requests(), before + 1);
    for (name, value) in [
        ("INPUT_VERSION", "1.0.0/../../x"),
        ("INPUT_VERSION", "1.0.0\n::add-mask::x"),
        ("INPUT_INSTALL", "binary"),
    ] {
        let bad = action_install(&tampered, "install", &server, &[(name, value)]);
        assert_eq!(bad.code, Some(2), "{value}: {}", bad.log);
        assert_eq!(bad.log.lines().count(), 1, "{}", bad.log);
        assert_eq!(bad.path, "");
    }
    assert_eq!(server.requests(), before + 1);

    // A Windows runner gets the .zip and foundry-lint.exe (the binary is this host's: only the
    // names and the unpacking differ).
    let windows = "x86_64-pc-windows-msvc";
    pack_release(&release, windows);
    let zip = action_install(&tampered, "install", &server, &[("RUNNER_OS", "Windows")]);
    assert_eq!(zip.code, Some(0), "{}", zip.log);
    assert!(
        zip.log
            .contains(&format!("foundry-lint-v{version}-{windows}.zip")),
        "{}",
        zip.log
    );
    let exe = tampered.join(format!(
        "toolcache/foundry-lint/{version}/{windows}/foundry-lint.exe"
    ));
    assert!(
        Command::new(exe)
            .arg("--version")
            .status()
            .expect("run")
            .success()
    );

    let source = action_install(&tampered, "plan", &server, &[("INPUT_INSTALL", "source")]);
    assert!(
        source.output.starts_with("install=source\n"),
        "{}",
        source.output
    );
}
