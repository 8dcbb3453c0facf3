// The VS Code side of iam-ls: finds and starts the server, keeps its settings in sync, restarts
// it when it crashes, and contributes the "IAM: ..." commands. The decisions (which binary,
// which settings, which documents, whether to restart) live in the pure modules next to this one.

import { accessSync, constants, statSync } from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { blobAt, blobInText } from "./decode";
import { type DiscoveryEnv, discoverServer } from "./discovery";
import { CrashPolicy } from "./restart";
import {
  documentSelector,
  logLevel,
  RESTART_SETTINGS,
  serverEnv,
  settingsPayload,
} from "./settings";

/**
 * The server's command that decodes an encoded authorization failure message (see
 * docs/lsp-extensions.md). vscode-languageclient registers it as a VS Code command of the same id
 * for the server's code actions, so the extension's own command has another id.
 */
export const SERVER_DECODE_COMMAND = "iamLs.decodeAuthorizationMessage";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let extensionPath = "";
const crashes = new CrashPolicy();
/** Serialises start/stop so overlapping restarts cannot leave two servers running. */
let lifecycle: Promise<void> = Promise.resolve();

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration("iamLs");
}

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === "file")
    .map((f) => f.uri.fsPath);
}

function discoveryEnv(): DiscoveryEnv {
  return {
    platform: process.platform,
    pathVar: process.env.PATH ?? process.env.Path,
    pathExt: process.env.PATHEXT,
    home: os.homedir(),
    workspaceFolders: workspaceFolderPaths(),
    extensionPath,
    isExecutableFile(p: string): boolean {
      try {
        if (!statSync(p).isFile()) {
          return false;
        }
        accessSync(p, process.platform === "win32" ? constants.F_OK : constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    exists(p: string): boolean {
      try {
        statSync(p);
        return true;
      } catch {
        return false;
      }
    },
  };
}

async function startServer(): Promise<void> {
  const config = settings();
  const get = (key: string): unknown => config.get(key);
  const found = discoverServer(config.get<string>("server.path"), discoveryEnv());
  if (!found.ok) {
    output.appendLine(found.message);
    void vscode.window
      .showErrorMessage(found.message, "Open Settings", "Show Output")
      .then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "iamLs.server.path");
        } else if (choice === "Show Output") {
          output.show(true);
        }
      });
    return;
  }
  output.appendLine(`Starting ${found.command} (found via ${found.source})`);

  const serverOptions: ServerOptions = {
    command: found.command,
    args: [],
    transport: TransportKind.stdio,
    options: { env: serverEnv(process.env, logLevel(get)) },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(config.get("kinds"), workspaceFolderPaths()),
    // Read at every initialize, so a restart (after a crash too) starts with the settings of
    // that moment, not those of the first start.
    initializationOptions: () => settingsPayload((key) => settings().get(key)),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: {
      error: (_error, _message, count) => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
      }),
      closed: () => {
        if (crashes.shouldRestart(Date.now())) {
          output.appendLine(
            `The server exited unexpectedly; restarting it (${crashes.recentCrashes} of ` +
              `${crashes.maxRestarts} restarts allowed in ${crashes.windowMs / 60000} minutes).`,
          );
          return { action: CloseAction.Restart, handled: true };
        }
        output.show(true);
        return {
          action: CloseAction.DoNotRestart,
          message:
            `The IAM language server crashed ${crashes.recentCrashes} times in ` +
            `${crashes.windowMs / 60000} minutes and was not restarted again. Its output is open; ` +
            'run "IAM: Restart server" once the cause is fixed.',
        };
      },
    },
  };
  client = new LanguageClient("iamLs", "IAM Language Server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    output.appendLine(`The server failed to start: ${String(err)}`);
    output.show(true);
  }
}

async function stopServer(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined && running.state !== State.Stopped) {
    try {
      await running.stop(2000);
    } catch (err) {
      output.appendLine(`Stopping the server: ${String(err)}`);
    }
  }
}

function restartServer(): Promise<void> {
  lifecycle = lifecycle.then(async () => {
    await stopServer();
    await startServer();
  });
  return lifecycle;
}

/**
 * Sends the current settings to the server. Queued behind any start or restart under way, so a
 * change made while the server starts still reaches it.
 */
function pushSettings(): void {
  lifecycle = lifecycle.then(async () => {
    if (client?.state !== State.Running) {
      return;
    }
    const get = (key: string): unknown => settings().get(key);
    try {
      await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: settingsPayload(get),
      });
    } catch (err) {
      output.appendLine(`Sending the settings to the server: ${String(err)}`);
    }
  });
}

/** "IAM: Decode authorization message": the selection (or the message under the cursor). */
async function decodeCommand(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    void vscode.window.showWarningMessage(
      "Select an encoded authorization failure message in an editor first.",
    );
    return;
  }
  const selection = editor.selection;
  const blob = selection.isEmpty
    ? blobAt(editor.document.lineAt(selection.active.line).text, selection.active.character)
    : blobInText(editor.document.getText(selection));
  if (blob === undefined) {
    void vscode.window.showWarningMessage(
      "No encoded authorization failure message in the selection: select the long run of " +
        "letters, digits, '-' and '_' after \"Encoded authorization failure message:\".",
    );
    return;
  }
  if (client?.state !== State.Running) {
    void vscode.window.showErrorMessage(
      'The IAM language server is not running; run "IAM: Restart server" and look at its output.',
    );
    return;
  }
  const commands = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!commands.includes(SERVER_DECODE_COMMAND)) {
    void vscode.window.showErrorMessage(
      "This iam-ls build cannot call AWS (it was built without the `aws` feature), so it cannot " +
        "decode messages. Install a default build of iam-ls.",
    );
    return;
  }
  // The server answers at once, then shows the decoded message (window/showDocument) and a
  // summary or an error (window/showMessage) when STS has answered.
  await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_DECODE_COMMAND,
    arguments: [{ blob }],
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel("IAM Language Server");
  traceOutput = vscode.window.createOutputChannel("IAM Language Server (trace)");
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand("iamLs.restartServer", () => {
      crashes.reset();
      return restartServer();
    }),
    vscode.commands.registerCommand("iamLs.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("iamLs.decodeSelection", decodeCommand),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void restartServer();
      } else if (e.affectsConfiguration("iamLs")) {
        pushSettings();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restartServer()),
  );
  lifecycle = lifecycle.then(startServer);
  await lifecycle;
}

export function deactivate(): Promise<void> {
  return stopServer();
}
