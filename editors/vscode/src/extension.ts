// Starts `foundry-lint server` for Terraform, Bicep and ARM JSON files; the server does the rest
// (diagnostics, hovers, "Suppress FLxxx on this line" quick fixes).

import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

// File patterns rather than language ids alone: `.tfvars`, `.bicepparam` and `.tf.json` have
// no language without the HashiCorp and Bicep extensions.
const documentSelector = [
  { scheme: "file", language: "terraform" },
  { scheme: "file", language: "terraform-vars" },
  { scheme: "file", language: "bicep" },
  { scheme: "file", language: "bicep-params" },
  { scheme: "file", language: "json" },
  { scheme: "file", language: "jsonc" },
  { scheme: "file", pattern: "**/*.{tf,tfvars,bicep,bicepparam}" },
  { scheme: "untitled", language: "terraform" },
  { scheme: "untitled", language: "bicep" },
  { scheme: "untitled", language: "json" },
];

function resolve(setting: string, folder: string | undefined): string {
  if (setting === "" || path.isAbsolute(setting) || folder === undefined) {
    return setting;
  }
  return path.join(folder, setting);
}

function watchers(baseline: string): vscode.FileSystemWatcher[] {
  const out = [vscode.workspace.createFileSystemWatcher("**/.foundry-lint.toml")];
  if (baseline !== "") {
    const pattern = new vscode.RelativePattern(
      vscode.Uri.file(path.dirname(baseline)),
      path.basename(baseline),
    );
    out.push(vscode.workspace.createFileSystemWatcher(pattern));
  }
  return out;
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("foundry-lint");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const configured = config.get<string>("path", "foundry-lint");
  // A bare name is looked up on PATH; a relative path is the workspace's.
  const command = configured.includes("/") || configured.includes("\\")
    ? resolve(configured, folder)
    : configured;
  const serverOptions: ServerOptions = {
    command,
    args: ["server"],
    transport: TransportKind.stdio,
  };
  const baseline = resolve(config.get<string>("baseline", ""), folder);
  const files = (key: string) =>
    config.get<string[]>(key, []).map((f) => resolve(f, folder));
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    // What the command line takes as --baseline, --var, --var-file and --parameters.
    initializationOptions: {
      baseline: baseline || null,
      vars: config.get<string[]>("vars", []),
      varFiles: files("varFiles"),
      parameters: files("parameters"),
    },
    // A changed configuration or baseline re-lints the open stacks.
    synchronize: { fileEvents: watchers(baseline) },
  };
  client = new LanguageClient("foundry-lint", "foundry-lint", serverOptions, clientOptions);
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    // The server reads its settings once, at start: a change restarts it.
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("foundry-lint")) {
        await client?.stop();
        await start();
      }
    }),
    vscode.commands.registerCommand("foundry-lint.restart", async () => {
      await client?.stop();
      await start();
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
