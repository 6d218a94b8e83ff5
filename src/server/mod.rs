//! `foundry-lint server`: a language server over stdio. An opened, changed or saved file is linted
//! with the stack it belongs to (as a file given on the command line is), its open buffers read
//! instead of the files on disk, and every file of that stack gets its diagnostics. Hovers and
//! "suppress" code actions read the findings of the last run.

mod convert;
mod suppress;

use crate::engine::{self, Selection};
use crate::frontend::{self, Buffers, Options};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionProviderCapability, HoverProviderCapability, InitializeParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the buffers must stay unchanged before a lint: a burst of keystrokes is linted once.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Runs the server on standard input and output until the client says `exit`; returns the exit
/// code.
pub fn main() -> i32 {
    let (connection, writer) = stdio();
    let code = match serve(&connection) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("foundry-lint server: {message}");
            1
        }
    };
    // The writer ends once the server's side of the channel is gone, having written everything.
    drop(connection);
    let _ = writer.join();
    code
}

/// The stdio transport. lsp-server's own ends at the first message that is not JSON-RPC; here
/// such a message is logged and skipped, so that a misbehaving client cannot take the server
/// down. The reader thread is not joined: it may be blocked on input when the server exits.
fn stdio() -> (Connection, std::thread::JoinHandle<()>) {
    let (server, client) = Connection::memory();
    let incoming = client.sender;
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        loop {
            match Message::read(&mut stdin) {
                Ok(Some(message)) => {
                    if incoming.send(message).is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    eprintln!("foundry-lint server: skipped a message: {e}");
                }
                Err(_) => return,
            }
        }
    });
    let outgoing = client.receiver;
    let writer = std::thread::spawn(move || {
        let mut stdout = std::io::stdout().lock();
        for message in outgoing {
            if message.write(&mut stdout).is_err() {
                return;
            }
        }
    });
    (server, writer)
}

fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let capabilities = serde_json::to_value(capabilities).map_err(|e| e.to_string())?;
    let params = connection
        .initialize(capabilities)
        .map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    // Discovery stops looking for a Bicep file's callers at the repository root, or outside one
    // at the current directory: the workspace.
    #[allow(deprecated)] // the root URI is what single-folder clients (Neovim's `root_dir`) send
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri)
        .and_then(|u| u.to_file_path().ok());
    if let Some(root) = root {
        let _ = std::env::set_current_dir(root);
    }
    let mut server = Server::default();
    match params
        .initialization_options
        .map(serde_json::from_value::<InitializationOptions>)
        .transpose()
        .map_err(|e| e.to_string())
        .and_then(|o| o.unwrap_or_default().inputs())
    {
        Ok(inputs) => server.inputs = inputs,
        Err(message) => show_error(connection, format!("initializationOptions: {message}")),
    }
    let mut deadline: Option<Instant> = None;
    loop {
        let message = match deadline {
            Some(at) => match connection
                .receiver
                .recv_timeout(at.saturating_duration_since(Instant::now()))
            {
                Ok(message) => Some(message),
                Err(e) if e.is_timeout() => None,
                Err(_) => return Ok(()),
            },
            None => match connection.receiver.recv() {
                Ok(message) => Some(message),
                Err(_) => return Ok(()),
            },
        };
        match message {
            None => {
                deadline = None;
                server.lint_pending(connection);
            }
            Some(Message::Request(request)) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                // A question about the buffers is answered from them as they are now.
                if !server.pending.is_empty() {
                    deadline = None;
                    server.lint_pending(connection);
                }
                let response = server.answer(request);
                send(connection, response.into());
            }
            Some(Message::Notification(notification)) => {
                if notification.method == "exit" {
                    return Ok(());
                }
                if let Some(now) = server.notified(notification) {
                    deadline = Some(if now {
                        Instant::now()
                    } else {
                        Instant::now() + DEBOUNCE
                    });
                }
            }
            Some(Message::Response(_)) => {}
        }
    }
}

fn send(connection: &Connection, message: Message) {
    // The client has gone: the receiver loop ends on its own.
    let _ = connection.sender.send(message);
}

/// What the editor may pass in `initializationOptions`: the command line's `--baseline`,
/// `--var NAME=VALUE`, `--var-file` and `--parameters`, for every stack linted. Relative paths
/// are the workspace root's.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct InitializationOptions {
    baseline: Option<PathBuf>,
    vars: Vec<String>,
    var_files: Vec<PathBuf>,
    parameters: Vec<PathBuf>,
}

/// [`InitializationOptions`] checked, with absolute paths.
#[derive(Default)]
struct Inputs {
    baseline: Option<PathBuf>,
    vars: Vec<(String, String)>,
    var_files: Vec<PathBuf>,
    parameters: Vec<PathBuf>,
}

impl InitializationOptions {
    fn inputs(self) -> Result<Inputs, String> {
        let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
        Ok(Inputs {
            baseline: self
                .baseline
                .filter(|p| !p.as_os_str().is_empty())
                .map(absolute),
            vars: self
                .vars
                .iter()
                .map(|v| crate::cli::parse_var(v))
                .collect::<Result<_, _>>()?,
            var_files: self.var_files.into_iter().map(absolute).collect(),
            parameters: self.parameters.into_iter().map(absolute).collect(),
        })
    }
}

/// What the server knows between messages.
#[derive(Default)]
struct Server {
    inputs: Inputs,
    buffers: Buffers,
    /// Untitled buffers (never saved, no file): each linted as a stack of its own, under a path
    /// in a directory that does not exist.
    untitled: HashMap<Url, PathBuf>,
    /// Files changed since the last lint.
    pending: BTreeSet<PathBuf>,
    /// The files each linted file's stack published to: a file that leaves the stack is cleared.
    published: HashMap<PathBuf, HashSet<Url>>,
    /// The findings shown in each file (by identity: a URI is spelled more than one way), for
    /// hovers and code actions.
    shown: HashMap<PathBuf, Vec<convert::Shown>>,
    /// The URI the editor opened each file with, by identity.
    opened: HashMap<PathBuf, Url>,
}

/// The files the server lints: what the command line recognises as infrastructure code.
fn is_linted(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    [
        ".tf",
        ".tf.json",
        ".tfvars",
        ".bicep",
        ".bicepparam",
        ".json",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// Where an untitled buffer of `language` is linted: a path in a directory of its own that does
/// not exist, so that no file on disk (and no other untitled buffer) joins its stack.
fn untitled_path(uri: &Url, language: &str) -> Option<PathBuf> {
    let extension = match language {
        "terraform" | "hcl" => "tf",
        "terraform-vars" => "tfvars",
        "bicep" => "bicep",
        "bicep-params" => "bicepparam",
        "json" | "jsonc" => "json",
        _ => return None,
    };
    let name: String = uri
        .path()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = std::env::temp_dir()
        .join(format!("foundry-lint-untitled-{}", std::process::id()))
        .join(&name);
    Some(dir.join(format!("{name}.{extension}")))
}

impl Server {
    /// The path a document is linted under: its file, or where an untitled buffer stands.
    fn path(&self, uri: &Url) -> Option<PathBuf> {
        match uri.to_file_path() {
            Ok(path) => Some(path).filter(|p| is_linted(p)),
            Err(()) => self.untitled.get(uri).cloned(),
        }
    }

    /// Re-lints every stack linted so far (a configuration or baseline changed).
    fn relint_all(&mut self) -> Option<bool> {
        self.pending.extend(self.published.keys().cloned());
        Some(true)
    }

    /// Takes in a notification; returns whether a lint is due (`Some(true)`: at once).
    fn notified(&mut self, notification: Notification) -> Option<bool> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(notification.params).ok()?;
                let uri = &params.text_document.uri;
                if uri.to_file_path().is_err()
                    && let Some(path) = untitled_path(uri, &params.text_document.language_id)
                {
                    self.untitled.insert(uri.clone(), path);
                }
                let path = self.path(uri)?;
                self.opened.insert(
                    frontend::discover::identity(&path),
                    params.text_document.uri,
                );
                self.buffers.insert(&path, params.text_document.text);
                self.pending.insert(path);
                Some(true)
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params).ok()?;
                let path = self.path(&params.text_document.uri)?;
                // Full sync: the last change holds the whole text.
                let text = params.content_changes.into_iter().last()?.text;
                self.buffers.insert(&path, text);
                self.pending.insert(path);
                Some(false)
            }
            DidSaveTextDocument::METHOD => {
                let params: lsp_types::DidSaveTextDocumentParams =
                    serde_json::from_value(notification.params).ok()?;
                let uri = &params.text_document.uri;
                if uri.path().ends_with(crate::config::FILE_NAME) {
                    // Selection, severities and settings may have changed for every stack.
                    return self.relint_all();
                }
                self.pending.insert(self.path(uri)?);
                Some(true)
            }
            DidChangeWatchedFiles::METHOD => {
                let params: lsp_types::DidChangeWatchedFilesParams =
                    serde_json::from_value(notification.params).ok()?;
                let baseline = self
                    .inputs
                    .baseline
                    .as_deref()
                    .map(frontend::discover::identity);
                params
                    .changes
                    .iter()
                    .any(|change| {
                        let uri = &change.uri;
                        uri.path().ends_with(crate::config::FILE_NAME)
                            || baseline.is_some() && Some(identity(uri)) == baseline
                    })
                    .then(|| self.relint_all())?
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(notification.params).ok()?;
                let uri = &params.text_document.uri;
                let path = self.path(uri)?;
                // The file on disk is what its stack is linted with from now on (an untitled
                // buffer or a file never saved leaves its stack).
                self.buffers.remove(&path);
                self.untitled.remove(uri);
                self.pending.insert(path);
                Some(true)
            }
            _ => None,
        }
    }

    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value(request.params)
                .map(|p: lsp_types::HoverParams| {
                    let at = p.text_document_position_params;
                    serde_json::to_value(self.hover(&at.text_document.uri, at.position))
                })
                .map_err(|e| e.to_string()),
            CodeActionRequest::METHOD => serde_json::from_value(request.params)
                .map(|p: lsp_types::CodeActionParams| serde_json::to_value(self.code_actions(&p)))
                .map_err(|e| e.to_string()),
            other => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("foundry-lint does not answer `{other}`"),
                );
            }
        };
        match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) => Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                e.to_string(),
            ),
            Err(e) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, e),
        }
    }

    fn shown_in(&self, uri: &Url) -> Option<&Vec<convert::Shown>> {
        self.shown.get(&identity(uri))
    }

    fn hover(&self, uri: &Url, position: lsp_types::Position) -> Option<lsp_types::Hover> {
        let shown = self.shown_in(uri)?;
        let text: Vec<&str> = shown
            .iter()
            .filter(|s| convert::contains(&s.range, position))
            .map(|s| s.hover.as_str())
            .collect();
        if text.is_empty() {
            return None;
        }
        Some(lsp_types::Hover {
            contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
                kind: lsp_types::MarkupKind::Markdown,
                value: text.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }

    fn code_actions(&self, params: &lsp_types::CodeActionParams) -> lsp_types::CodeActionResponse {
        let uri = &params.text_document.uri;
        let Some(path) = self.path(uri) else {
            return Vec::new();
        };
        let Some(text) = self
            .buffers
            .text(&path)
            .or_else(|| std::fs::read_to_string(&path).ok())
        else {
            return Vec::new();
        };
        let diagnostics = |code: &str| {
            params
                .context
                .diagnostics
                .iter()
                .filter(|d| d.code == Some(lsp_types::NumberOrString::String(code.into())))
                .cloned()
                .collect()
        };
        // The findings' own fixes first, then a suppression per rule.
        let fixes = self
            .shown_in(uri)
            .into_iter()
            .flatten()
            .filter(|s| convert::overlaps(&s.range, &params.range))
            .filter_map(|shown| {
                let (title, safe, changes) = shown.fix.clone()?;
                Some(lsp_types::CodeActionOrCommand::CodeAction(
                    lsp_types::CodeAction {
                        title: format!("Fix {}: {title}", shown.code),
                        kind: Some(lsp_types::CodeActionKind::QUICKFIX),
                        diagnostics: Some(diagnostics(shown.code)),
                        edit: Some(lsp_types::WorkspaceEdit {
                            changes: Some(changes),
                            ..lsp_types::WorkspaceEdit::default()
                        }),
                        is_preferred: Some(safe),
                        ..lsp_types::CodeAction::default()
                    },
                ))
            });
        let mut seen = HashSet::new();
        let suppressions = self
            .shown_in(uri)
            .into_iter()
            .flatten()
            // A file that does not parse has no line to suppress on.
            .filter(|s| s.code != "FL001" && convert::overlaps(&s.range, &params.range))
            .filter(|s| seen.insert(s.code))
            .filter_map(|shown| {
                let code = shown.code;
                let edit =
                    suppress::edit(&path.to_string_lossy(), &text, shown.range.start.line, code)?;
                let mut changes = HashMap::new();
                changes.insert(uri.clone(), vec![edit]);
                Some(lsp_types::CodeActionOrCommand::CodeAction(
                    lsp_types::CodeAction {
                        title: format!("Suppress {code} on this line"),
                        kind: Some(lsp_types::CodeActionKind::QUICKFIX),
                        diagnostics: Some(diagnostics(code)),
                        edit: Some(lsp_types::WorkspaceEdit {
                            changes: Some(changes),
                            ..lsp_types::WorkspaceEdit::default()
                        }),
                        ..lsp_types::CodeAction::default()
                    },
                ))
            });
        fixes.chain(suppressions).collect()
    }

    /// Lints the stacks of the changed files and publishes what each file of them shows now.
    fn lint_pending(&mut self, connection: &Connection) {
        // Files of a stack linted in this round (two changed files of one directory: one lint).
        let mut linted_now: HashSet<PathBuf> = HashSet::new();
        let mut queue: VecDeque<PathBuf> = std::mem::take(&mut self.pending).into_iter().collect();
        while let Some(path) = queue.pop_front() {
            if linted_now.contains(&frontend::discover::identity(&path)) {
                continue;
            }
            if !self.buffers.contains(&path) && !path.exists() {
                // A buffer closed without being saved: the diagnostics of what is gone go, and
                // its stack is linted again through a file of it that is on disk.
                let id = frontend::discover::identity(&path);
                let uris = self.published.remove(&path).unwrap_or_default();
                let gone: HashSet<&Url> = uris
                    .iter()
                    .chain(self.opened.get(&id))
                    .filter(|uri| {
                        uri.to_file_path()
                            .map_or(true, |p| !p.exists() && !self.buffers.contains(&p))
                    })
                    .collect();
                for uri in gone {
                    self.shown.remove(&identity(uri));
                    publish(connection, uri.clone(), Vec::new());
                }
                self.opened.remove(&id);
                queue.extend(
                    uris.iter()
                        .filter_map(|u| u.to_file_path().ok())
                        .find(|p| p.exists()),
                );
                continue;
            }
            let started = Instant::now();
            // A bug met on a half-typed buffer must not end the session: the next change is
            // linted afresh.
            let linted =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.lint(&path)))
                    .unwrap_or_else(|_| Err("internal error (see the server's log)".into()));
            let (published, files) = match linted {
                Ok(result) => result,
                Err(message) => {
                    show_error(connection, message);
                    continue;
                }
            };
            let before = self
                .published
                .insert(path.clone(), published.keys().cloned().collect());
            for uri in before.into_iter().flatten() {
                if !published.contains_key(&uri) {
                    self.shown.remove(&identity(&uri));
                    publish(connection, uri, Vec::new());
                }
            }
            for (uri, (diagnostics, shown)) in published {
                linted_now.insert(identity(&uri));
                self.shown.insert(identity(&uri), shown);
                publish(connection, uri, diagnostics);
            }
            eprintln!(
                "foundry-lint server: linted {} ({files} files) in {} ms",
                path.display(),
                started.elapsed().as_millis()
            );
        }
    }

    /// The diagnostics of every file of `path`'s stack, and how many files it has.
    fn lint(&self, path: &Path) -> Result<(convert::Published, usize), String> {
        let config_path = crate::config::find(path);
        let config = match &config_path {
            Some(config) => crate::config::load(config)?,
            None => crate::config::Config::default(),
        };
        let selection = Selection {
            select: config.select.clone(),
            ignore: config.ignore.clone(),
            severities: config.severities(),
            ignore_suppressions: false,
        };
        let options = Options {
            exclude: config.exclude.clone(),
            external_networks: crate::config::external_networks(&config, config_path.as_deref())?,
            bicep_cache: config_path
                .as_deref()
                .and_then(Path::parent)
                .and_then(|dir| Some(dir.join(config.bicep.cache.as_ref()?))),
            template_links: config_path
                .as_deref()
                .and_then(Path::parent)
                .map(|dir| crate::config::template_links(&config, dir))
                .unwrap_or_default(),
            buffers: self.buffers.clone(),
            // As on the command line: ignore files apply to what the walk finds.
            no_ignore: false,
            vars: self.inputs.vars.clone(),
            var_files: self.inputs.var_files.clone(),
            parameters: self.inputs.parameters.clone(),
        };
        let settings = config.settings();
        let (workspace, mut outcome) = engine::run(&settings, &selection, false, |sink| {
            frontend::load(&[path.to_path_buf()], &options, sink)
        })
        .map_err(|e| e.0)?;
        crate::fix::attach(&mut outcome.findings, &workspace.sources);
        if let Some(baseline) = &self.inputs.baseline {
            crate::baseline::apply(baseline, &mut outcome.findings, &workspace.sources)?;
        }
        let files = workspace.sources.len();
        Ok((
            convert::diagnostics(&workspace.sources, &outcome.findings, &self.opened),
            files,
        ))
    }
}

/// The key of a file's findings: the identity of its path (the URI when it names no file).
fn identity(uri: &Url) -> PathBuf {
    uri.to_file_path()
        .map(|p| frontend::discover::identity(&p))
        .unwrap_or_else(|()| PathBuf::from(uri.as_str()))
}

fn show_error(connection: &Connection, message: String) {
    let notification = Notification::new(
        "window/showMessage".into(),
        lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: format!("foundry-lint: {message}"),
        },
    );
    send(connection, notification.into());
}

fn publish(connection: &Connection, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>) {
    let params = lsp_types::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    send(
        connection,
        Notification::new(PublishDiagnostics::METHOD.into(), params).into(),
    );
}
