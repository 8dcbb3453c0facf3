// End-to-end test of the VS Code extension in a real VS Code (code-server), driven through its UI
// by playwright-core in Debian's Chromium. Run with
//
//   node --test --test-concurrency=1 tests/editors/vscode/e2e.test.mjs
//
// after `scripts/install-test-deps vscode` (scripts/test does both, then runs it). It packages the
// extension (`npm run package`, with the server under test bundled), installs the .vsix into a
// fresh code-server profile, opens a copy of tests/editors/workspace and checks, as a person
// would see it: the denial trap in the Problems panel, the hover on an action, the decode quick
// fix offered on an encoded message in a log and the decoded message it opens (STS is a
// loopback stub in this process), the decode command on a selection, the commands in the
// Command Palette, and the restart after a crash.
//
// Every step waits for what the editor shows, never for a fixed time. Where VS Code itself
// races (Ctrl+. while its automatic code action request is under way), the step first waits
// for the sign that the race is over (the light bulb at the cursor).
//
// Environment: IAM_LS_BIN (the server; built with cargo when unset), IAM_LS_CACHE (where
// install-test-deps put code-server; default ~/.cache/iam-ls), IAM_LS_CHROMIUM (default
// /usr/bin/chromium), IAM_LS_KEEP=1 keeps the scratch folder. Nothing leaves 127.0.0.1: the
// marketplace, telemetry and update checks are switched off, and Chromium runs without its
// background networking.
//
// On a failure the message carries the editor's evidence: the path of a screenshot, the visible
// notifications and the notification center (toasts hide themselves), the test's steps with
// times, the requests the STS stub received, the server's output channel (debug level), the
// protocol trace and the extension host log.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..", "..");
const CACHE = process.env.IAM_LS_CACHE || path.join(os.homedir(), ".cache", "iam-ls");
const CODE_SERVER = path.join(CACHE, "bin", "code-server");
const CHROMIUM = process.env.IAM_LS_CHROMIUM || "/usr/bin/chromium";
const FIXTURES = path.join(REPO, "tests", "editors", "workspace");
const UI_TIMEOUT = 30_000;
/** `iamLs.aws.timeoutSeconds` of the test: the server's limit on one STS call. */
const AWS_TIMEOUT_S = 10;
/**
 * How long a decode may take to open its tab: the server's own bounds on each stage
 * (server/src/lsp/commands.rs: 5 s for the editor to create a progress token, the AWS timeout
 * plus 5 s of grace, 10 s for the editor to answer window/showDocument), plus UI_TIMEOUT for the
 * editor's own work. A decode that fails ends the wait at once (the server's error shows).
 */
const DECODE_TIMEOUT = (5 + AWS_TIMEOUT_S + 5 + 10) * 1000 + UI_TIMEOUT;

const started = Date.now();
const timings = [];
let work;
let extensionsDir;
let codeServer;
let codeServerLog = "";
let browser;
let page;
let failed = false;
/** What the test did, with wall-clock times (UTC, as in the editor's logs), for failure messages. */
const steps = [];

function step(what) {
  steps.push(`${new Date().toISOString().slice(11, 23)} ${what}`);
}

function mark(what, since) {
  const ms = Date.now() - since;
  timings.push(`${what}: ${(ms / 1000).toFixed(1)} s`);
  console.log(`# ${what}: ${(ms / 1000).toFixed(1)} s`);
}

/** The server under test: IAM_LS_BIN, else what `cargo build -p iam-ls` produces. */
function serverBinary() {
  if (process.env.IAM_LS_BIN) {
    return process.env.IAM_LS_BIN;
  }
  const out = execFileSync(
    "cargo",
    ["build", "-p", "iam-ls", "--bin", "iam-ls", "--message-format=json-render-diagnostics"],
    { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 },
  );
  for (const line of out.split("\n")) {
    try {
      const msg = JSON.parse(line);
      if (msg.reason === "compiler-artifact" && msg.target?.name === "iam-ls" && msg.executable) {
        return msg.executable;
      }
    } catch {
      // not a JSON line
    }
  }
  throw new Error("cargo build reported no iam-ls executable");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** PATH without any directory holding an `iam-ls`, so the bundled server is the one found. */
function pathWithoutServer() {
  return (process.env.PATH || "")
    .split(":")
    .filter((dir) => dir && !existsSync(path.join(dir, "iam-ls")))
    .join(":");
}

function filesUnder(dir) {
  const out = [];
  if (!existsSync(dir)) {
    return out;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...filesUnder(p));
    } else {
      out.push(p);
    }
  }
  return out;
}

/** Visible text with the editor's non-breaking spaces and line wraps made plain spaces. */
async function textOf(locator) {
  return (await locator.innerText()).replace(/\s+/g, " ");
}

function tail(text, lines) {
  return text.split("\n").slice(-lines).join("\n");
}

/** What the editor showed and logged, for failure messages. */
async function evidence(name) {
  const parts = [];
  if (page) {
    const shot = path.join(work, `failure-${name.replace(/\W+/g, "-")}.png`);
    try {
      await page.screenshot({ path: shot });
      parts.push(`screenshot: ${shot}`);
    } catch (e) {
      parts.push(`no screenshot: ${e}`);
    }
    try {
      const notes = await page.locator(".notifications-toasts .notification-list-item").allInnerTexts();
      parts.push(`notifications:\n${notes.join("\n") || "(none)"}`);
      // Toasts hide after 10 to 15 s; the notification center keeps them all.
      await page.keyboard.press("Escape");
      await page.keyboard.press("F1");
      await page.locator(".quick-input-widget input").fill(">Notifications: Show Notifications");
      await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "Show Notifications" }).waitFor({ timeout: 5000 });
      await page.keyboard.press("Enter");
      await page.locator(".notifications-center").waitFor({ timeout: 5000 });
      const all = await page.locator(".notifications-center .notification-list-item").allInnerTexts();
      parts.push(`notification center:\n${all.join("\n") || "(none)"}`);
    } catch (e) {
      parts.push(`no notification center: ${String(e).split("\n")[0]}`);
    }
  }
  parts.push(`steps:\n${steps.slice(-25).join("\n")}`);
  parts.push(
    `STS stub requests: ${stsRequests.length}` +
      stsRequests.map((r) => `\n${r.at} ${new URLSearchParams(r.body).get("Action")}`).join(""),
  );
  const logs = filesUnder(path.join(work, "data", "logs"));
  for (const f of logs.filter((f) => f.includes("IAM Language Server") || f.endsWith("exthost.log"))) {
    let text = readFileSync(f, "utf8");
    if (f.includes("(trace)")) {
      // The protocol trace (verbose): message names and times, code action triggers (1: Ctrl+.,
      // 2: automatic) and the commands run, without the bulky parameters.
      text = text
        .split("\n")
        .filter((l) => l.startsWith("[Trace") || /"triggerKind"|"command": "iamLs/.test(l))
        .join("\n");
    }
    parts.push(`--- ${path.relative(work, f)}\n${tail(text, 80)}`);
  }
  parts.push(`--- code-server\n${tail(codeServerLog, 20)}`);
  return parts.join("\n");
}

/** Runs one check; on failure, rethrows with the editor's evidence attached. */
async function check(name, body) {
  const t0 = Date.now();
  step(`--- ${name}`);
  try {
    await body();
    mark(name, t0);
  } catch (err) {
    failed = true;
    const ev = await evidence(name);
    throw new Error(`${name}: ${err.message}\n${ev}`, { cause: err });
  }
}

const ctrl = "Control";

/** Opens a workspace file through Quick Open, as a person would (Ctrl+P, type, Enter). */
async function openFile(relative) {
  const base = path.basename(relative);
  step(`open ${relative}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press(`${ctrl}+KeyP`);
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: UI_TIMEOUT });
  await input.fill(relative);
  // Enter opens the focused row: wait until the filtered list has put the file there.
  await page
    .locator(".quick-input-list .monaco-list-row.focused", { hasText: base })
    .waitFor({ timeout: UI_TIMEOUT });
  await page.keyboard.press("Enter");
  await page
    .locator(".tabs-container .tab.active", { hasText: base })
    .waitFor({ timeout: UI_TIMEOUT });
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: UI_TIMEOUT });
}

/** 1-based line and column of `needle` in a fixture file (plus `offset` characters). */
function position(relative, needle, offset = 0) {
  const lines = readFileSync(path.join(FIXTURES, relative), "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const col = lines[i].indexOf(needle);
    if (col >= 0) {
      return { line: i + 1, column: col + 1 + offset };
    }
  }
  throw new Error(`${needle} not in ${relative}`);
}

/** Moves the cursor with "Go to Line/Column" (Ctrl+G, `line:column`). */
async function goTo({ line, column }) {
  step(`go to ${line}:${column}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press(`${ctrl}+KeyG`);
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: UI_TIMEOUT });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: UI_TIMEOUT });
}

/**
 * Waits until the focused editor shows its light bulb on the cursor's line. VS Code asks the
 * providers for code actions on its own 250 ms after every cursor move, and shows the bulb when
 * they answer. Ctrl+. pressed while that automatic request is under way races it: when the two
 * answers reach the editor together (a loaded machine batches them), the automatic one replaces
 * the requested one and no menu opens. Once the bulb is there, the automatic request is done
 * (and the server has offered an action here).
 */
async function lightBulbAtCursor() {
  step("waiting for the light bulb at the cursor");
  await page.waitForFunction(
    () => {
      const editor = document.activeElement?.closest(".monaco-editor");
      const cursor = editor?.querySelector(".cursors-layer .cursor");
      if (!cursor) {
        return false;
      }
      const top = cursor.style.top;
      const inGutter = [...editor.querySelectorAll("[class*='codicon-gutter-lightbulb']")].some(
        (bulb) => bulb.style.top === top,
      );
      const widget = editor.querySelector(".lightBulbWidget");
      const inText = widget !== null && widget.style.visibility !== "hidden" && widget.style.display !== "none" && widget.style.top === top;
      return inGutter || inText;
    },
    null,
    { timeout: UI_TIMEOUT },
  );
}

/** Runs a command through the Command Palette (F1). */
async function runCommand(title) {
  step(`command ${title}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: UI_TIMEOUT });
  await input.fill(`>${title}`);
  await page
    .locator(".quick-input-list .monaco-list-row.focused", { hasText: title })
    .waitFor({ timeout: UI_TIMEOUT });
  await page.keyboard.press("Enter");
}

/**
 * Shows the server's output channel ("IAM: Show server output") and returns the text of its
 * lines containing `text`. The Output view is an editor that renders only the lines in view and
 * follows the end of the channel, so the view's own filter box picks the lines out, wherever
 * they are in the channel.
 */
async function serverOutputLine(text) {
  await runCommand("IAM: Show server output");
  const view = page.locator(".output-view").filter({ visible: true }).first();
  await view.waitFor({ timeout: UI_TIMEOUT });
  const filter = page.locator(".part.panel .viewpane-filter input").filter({ visible: true }).first();
  await filter.fill(text);
  const lines = view.locator(".view-lines", { hasText: text });
  try {
    await lines.waitFor({ timeout: UI_TIMEOUT });
    return await textOf(lines);
  } finally {
    await filter.fill("");
  }
}

/** What the loopback STS stub answers for DecodeAuthorizationMessage (made-up values). */
const DECODED = {
  allowed: false,
  explicitDeny: false,
  matchedStatements: { items: [] },
  failures: { items: [] },
  context: {
    principal: { id: "AROAE2EEXAMPLE:nightly", arn: "arn:aws:sts::123456789012:assumed-role/LaunchJob/nightly" },
    action: "ec2:RunInstances",
    resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
    conditions: { items: [{ key: "aws:RequestedRegion", values: { items: [{ value: "eu-west-1" }] } }] },
  },
};

/** Requests the STS stub received (form bodies). */
const stsRequests = [];
let stsStub;

/** A loopback stand-in for STS: answers DecodeAuthorizationMessage with DECODED. */
function startStsStub() {
  const xmlEscape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return new Promise((resolve) => {
    stsStub = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        stsRequests.push({ at: new Date().toISOString().slice(11, 23), body });
        const form = new URLSearchParams(body);
        if (form.get("Action") !== "DecodeAuthorizationMessage") {
          res.writeHead(400, { "Content-Type": "text/xml" });
          res.end("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>stub</Message></Error></ErrorResponse>");
          return;
        }
        res.writeHead(200, { "Content-Type": "text/xml" });
        res.end(
          '<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
            `<DecodeAuthorizationMessageResult><DecodedMessage>${xmlEscape(JSON.stringify(DECODED))}</DecodedMessage></DecodeAuthorizationMessageResult>` +
            "<ResponseMetadata><RequestId>e2e-stub</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>",
        );
      });
    });
    stsStub.listen(0, "127.0.0.1", () => resolve(stsStub.address().port));
  });
}

/** The encoded message of the log fixture. */
function fixtureBlob() {
  const text = readFileSync(path.join(FIXTURES, "logs", "app.log"), "utf8");
  return /Encoded authorization failure message: ([A-Za-z0-9_-]+)/.exec(text)[1];
}

/** Waits for the decoded message to open in an editor tab, as the server asks. */
async function expectDecodedDocument() {
  const tab = page.locator(".tabs-container .tab", { hasText: "decoded-authorization-message" }).first();
  // An error or a warning about the decode (the server's "iam-ls could not decode ...", the
  // extension's "The IAM language server is not running", ...) ends the wait with its text:
  // such toasts hide themselves after 15 s.
  const problem = page
    .locator(".notifications-toasts .notification-list-item:has(.codicon-error, .codicon-warning)", {
      hasText: /iam-ls|IAM language server|authorization/i,
    })
    .first();
  await tab.or(problem).first().waitFor({ timeout: DECODE_TIMEOUT });
  if (!(await tab.isVisible())) {
    throw new Error(
      `no decoded document; the editor shows: ${await textOf(problem)} ` +
        `(the STS stub had ${stsRequests.length} request(s))`,
    );
  }
  step("decoded tab shown");
  const editor = page.locator(".editor-instance .monaco-editor .view-lines").first();
  await page.waitForFunction(
    () => document.querySelector(".editor-instance .monaco-editor .view-lines")?.textContent?.includes("RunInstances"),
    null,
    { timeout: UI_TIMEOUT },
  );
  return textOf(editor);
}

before(async () => {
  assert.ok(
    existsSync(CODE_SERVER),
    `no code-server at ${CODE_SERVER}: run scripts/install-test-deps vscode`,
  );
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/install-test-deps vscode`);
  work = mkdtempSync(path.join(os.tmpdir(), "iam-ls-vscode-"));
  const data = path.join(work, "data");
  const extensions = path.join(work, "extensions");
  extensionsDir = extensions;
  const workspace = path.join(work, "workspace");
  const vsix = path.join(work, "iam-ls.vsix");

  let t0 = Date.now();
  const bin = serverBinary();
  mark("server binary", t0);

  t0 = Date.now();
  execFileSync(process.execPath, ["scripts/package.mjs", "--out", vsix], {
    cwd: path.join(REPO, "vscode-extension"),
    env: { ...process.env, IAM_LS_BUNDLE_SERVER: bin },
    stdio: ["ignore", "ignore", "inherit"],
  });
  mark(`npm run package (.vsix ${(statSync(vsix).size / 1e6).toFixed(1)} MB, server bundled)`, t0);

  t0 = Date.now();
  const csArgs = ["--user-data-dir", data, "--extensions-dir", extensions];
  // code-server reads (and would otherwise write) ~/.config/code-server/config.yaml.
  process.env.CODE_SERVER_CONFIG = path.join(work, "code-server.yaml");
  writeFileSync(process.env.CODE_SERVER_CONFIG, "auth: none\n");
  execFileSync(CODE_SERVER, [...csArgs, "--install-extension", vsix], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  mark("code-server --install-extension", t0);

  const stsPort = await startStsStub();
  mkdirSync(path.join(data, "User"), { recursive: true });
  writeFileSync(
    path.join(data, "User", "settings.json"),
    JSON.stringify(
      {
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        // "off", not the older `false`: VS Code would rewrite this file to migrate that value,
        // a few seconds after start (on a loaded machine, while the server already runs).
        "extensions.autoUpdate": "off",
        "extensions.ignoreRecommendations": true,
        "workbench.enableExperiments": false,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "chat.disableAIFeatures": true,
        "git.enabled": false,
        "npm.autoDetect": "off",
        "editor.hover.delay": 100,
        "files.associations": { "*.log": "log" },
        "iamLs.server.logLevel": "debug",
        "iamLs.aws.timeoutSeconds": AWS_TIMEOUT_S,
        "iamLs.trace.server": "verbose",
        "iamLs.aws.region": "eu-west-1",
      },
      null,
      2,
    ),
  );
  cpSync(FIXTURES, workspace, { recursive: true });
  // Empty AWS files: the server reads no profile of this machine (and the SDK does not warn,
  // on every call, that the files named by the environment are missing).
  writeFileSync(path.join(work, "aws-config"), "");
  writeFileSync(path.join(work, "aws-credentials"), "");
  const tmp = path.join(work, "tmp");
  mkdirSync(tmp);

  t0 = Date.now();
  const port = await freePort();
  codeServer = spawn(
    CODE_SERVER,
    [
      ...csArgs,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--disable-file-downloads",
      workspace,
    ],
    {
      // No marketplace: an empty gallery, so nothing is looked up or downloaded.
      env: {
        ...process.env,
        PATH: pathWithoutServer(),
        EXTENSIONS_GALLERY: "{}",
        // Temporary files in the scratch folder: the server writes decoded messages to a private
        // directory there, and the crash test kills it before it can remove that directory.
        TMPDIR: tmp,
        // Test credentials for the STS stub; no AWS files or instance metadata of this machine.
        AWS_ACCESS_KEY_ID: "AKIAE2ETESTEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "e2e-test-secret-not-real",
        AWS_CONFIG_FILE: path.join(work, "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(work, "aws-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        // The STS stub, from the environment: iamLs.aws.endpointUrl is a machine-scoped user
        // setting, which code-server (a remote window) would not read from User/settings.json.
        AWS_ENDPOINT_URL: `http://127.0.0.1:${stsPort}`,
        HTTP_PROXY: "",
        HTTPS_PROXY: "",
        http_proxy: "",
        https_proxy: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const listening = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      codeServerLog += chunk.toString();
      if (codeServerLog.includes("HTTP server listening")) {
        resolve();
      }
    };
    codeServer.stdout.on("data", onData);
    codeServer.stderr.on("data", onData);
    codeServer.on("exit", (code) => reject(new Error(`code-server exited (${code}):\n${codeServerLog}`)));
  });
  await listening;
  mark("code-server start", t0);

  t0 = Date.now();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor({ timeout: 60_000 });
  mark("workbench loaded", t0);
});

after(async () => {
  await browser?.close().catch(() => {});
  stsStub?.close();
  if (codeServer && codeServer.exitCode === null) {
    try {
      process.kill(-codeServer.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  console.log(`# total: ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join("; ")})`);
  if (work && !failed && process.env.IAM_LS_KEEP !== "1") {
    rmSync(work, { recursive: true, force: true });
  } else if (work) {
    console.log(`# kept ${work}`);
  }
});

test("a denial trap shows in the Problems panel", async () => {
  await check("trap in Problems", async () => {
    await openFile("scps/region-lock.json");
    await page.keyboard.press(`${ctrl}+Shift+KeyM`);
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "IAM901" }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    const text = await textOf(row);
    assert.match(text, /IAM901/);
    assert.match(text, /IAM|iam/, `the trap should name IAM among the blocked services: ${text}`);
  });
});

test("hover over an action shows its description", async () => {
  await check("hover on an action", async () => {
    await openFile("policies/reports.json");
    await goTo(position("policies/reports.json", "s3:GetObject", 4));
    await page.keyboard.press(`${ctrl}+KeyK`);
    await page.keyboard.press(`${ctrl}+KeyI`);
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "GetObject" }).first();
    await hover.waitFor({ state: "visible", timeout: UI_TIMEOUT });
    const text = await textOf(hover);
    console.log(`# hover: ${text.slice(0, 200)}`);
    assert.match(text, /GetObject/);
    assert.match(text, /retrieve|object/i, `no description in the hover: ${text}`);
  });
});

test("the decode code action is offered on a log's encoded message and decodes it", async () => {
  await check("decode action on a log blob", async () => {
    await openFile("logs/app.log");
    // The server's note on the encoded message (a hint: three dots under it) means its
    // diagnostics for the log are in; a later change of them would make VS Code ask for code
    // actions again on its own, which could race Ctrl+. (see lightBulbAtCursor).
    await page.locator(".editor-instance .monaco-editor .squiggly-hint").first().waitFor({ state: "attached", timeout: UI_TIMEOUT });
    step("hint on the encoded message");
    const start = position("logs/app.log", "Encoded authorization failure message: ");
    await goTo({ line: start.line, column: start.column + "Encoded authorization failure message: ".length + 20 });
    await lightBulbAtCursor();
    step("Ctrl+.");
    await page.keyboard.press(`${ctrl}+Period`);
    const menu = page.locator(".action-widget:not(.action-list-submenu-panel)").first();
    await menu.waitFor({ state: "visible", timeout: UI_TIMEOUT });
    const item = menu.locator(".monaco-list-row", { hasText: /decode/i }).first();
    await item.waitFor({ timeout: UI_TIMEOUT }).catch(async () => {
      throw new Error(`no decode action in the quick-fix menu: ${await textOf(menu)}`);
    });
    // Apply it: the server asks STS (the loopback stub) and opens the decoded message.
    // The menu opens with its first entry focused; move to the decode entry, then Enter.
    for (let i = 0; i < 10 && !(await item.evaluate((el) => el.classList.contains("focused"))); i++) {
      await page.keyboard.press("ArrowDown");
    }
    step("Enter on the decode action");
    await page.keyboard.press("Enter");
    const decoded = await expectDecodedDocument();
    assert.match(decoded, /arn:aws:sts::123456789012:assumed-role\/LaunchJob\/nightly/);
    assert.ok(
      stsRequests.some((r) => new URLSearchParams(r.body).get("EncodedMessage") === fixtureBlob()),
      `STS stub did not receive the fixture's message: ${stsRequests.length} request(s)`,
    );
  });
});

test("IAM: Decode authorization message decodes the selection", async () => {
  await check("decode command on a selection", async () => {
    await runCommand("View: Close All Editors");
    await page.locator(".tabs-container .tab").first().waitFor({ state: "detached", timeout: UI_TIMEOUT });
    await openFile("logs/app.log");
    const start = position("logs/app.log", "Encoded authorization failure message: ");
    await goTo(start);
    await page.keyboard.press("Shift+End");
    await runCommand("IAM: Decode authorization message");
    await expectDecodedDocument();
  });
});

test("the extension's commands are in the Command Palette and it used the bundled server", async () => {
  await check("commands and bundled server", async () => {
    for (const title of ["IAM: Decode authorization message", "IAM: Restart server"]) {
      await page.keyboard.press("Escape");
      await page.keyboard.press("F1");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: UI_TIMEOUT });
      await input.fill(`>${title}`);
      await page
        .locator(".quick-input-list .monaco-list-row", { hasText: title })
        .first()
        .waitFor({ timeout: UI_TIMEOUT });
    }
    await page.keyboard.press("Escape");
    const line = await serverOutputLine("Starting");
    assert.match(line, /found via bundled/);
  });
});

/** Process ids of the iam-ls servers started from this run's installed extension. */
function serverPids() {
  const bundled = path.join(extensionsDir, "iam-ls.iam-ls-0.1.0", "server", "iam-ls");
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().match(/^(\d+)\s+(.*)$/))
    .filter((m) => m && m[2].startsWith(bundled))
    .map((m) => Number(m[1]));
}

/**
 * The Problems panel's rows for one file, filtered by a glob: `[code, line, column]` of each
 * marker row, sorted; waits until a row with `code` shows.
 */
async function problemsOf(relative, code) {
  await page.keyboard.press("Escape");
  await page.keyboard.press(`${ctrl}+Shift+KeyM`);
  const filter = page.locator(".markers-panel-container .viewpane-filter input, .viewpane-filter input").first();
  await filter.waitFor({ state: "visible", timeout: UI_TIMEOUT });
  await filter.fill(`**/${relative}`);
  await page
    .locator(".markers-panel .monaco-list-row", { hasText: code })
    .first()
    .waitFor({ timeout: UI_TIMEOUT });
  // Let the filter settle on this file only.
  await page.waitForTimeout(300);
  const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
  await filter.fill("");
  const found = [];
  for (const row of rows.map((r) => r.replace(/\s+/g, " "))) {
    const at = row.match(/\[Ln (\d+), Col (\d+)\]/);
    const c = row.match(/\b(IAM\d{3})\b/);
    if (at && c) {
      found.push([c[1], Number(at[1]), Number(at[2])]);
    }
  }
  return found.sort();
}

/** `relative` shows its standalone policy's codes, the typo on `needle`, none on a reference. */
async function templateMatchesStandalone(relative, needle, standalone, references) {
  await openFile(relative);
  const got = await problemsOf(relative, "IAM102");
  await openFile(standalone);
  const alone = await problemsOf(standalone, "IAM102");
  console.log(`# ${relative}: ${JSON.stringify(got)}; standalone: ${JSON.stringify(alone)}`);
  const codes = (rows) => rows.map((r) => r[0]).join(" ");
  assert.equal(codes(got), codes(alone), `${relative}: ${JSON.stringify(got)}; standalone: ${JSON.stringify(alone)}`);
  const typo = position(relative, needle);
  assert.ok(
    got.some(([c, line, column]) => c === "IAM102" && line === typo.line && column === typo.column),
    `IAM102 should be at ${typo.line}:${typo.column}: ${JSON.stringify(got)}`,
  );
  const lines = readFileSync(path.join(FIXTURES, relative), "utf8").split("\n");
  for (const [c, line] of got) {
    for (const r of references) {
      assert.ok(!lines[line - 1].includes(r), `${c} on line ${line}, which holds a reference (${r})`);
    }
  }
}

test("CloudFormation YAML and JSON templates and a .tf file show their policies' findings", async () => {
  await check("template in Problems", async () => {
    await templateMatchesStandalone("templates/stack.yaml", "s3:GetObjet", "templates/standalone/stack-app.json", [
      "!Sub",
      "!GetAtt",
      "!Ref",
    ]);
  });
  await check("JSON template in Problems", async () => {
    await templateMatchesStandalone("templates/stack.json", '"s3:GetObjet"', "templates/standalone/stack-app.json", [
      "Fn::Sub",
      "Fn::GetAtt",
      '"Ref"',
    ]);
  });
  await check(".tf file in Problems", async () => {
    await templateMatchesStandalone("templates/main.tf", '"s3:GetObjet"', "templates/standalone/main-app.json", [
      "${aws_s3_bucket",
      "aws_s3_bucket.data.arn",
    ]);
  });
});

test("a crashed server is restarted and serves again", async () => {
  await check("restart after a crash", async () => {
    const before = serverPids();
    assert.equal(before.length, 1, `expected one running server, found ${before.length}`);
    process.kill(before[0], "SIGKILL");
    await serverOutputLine("restarting it");
    const deadline = Date.now() + UI_TIMEOUT;
    let after = [];
    while (Date.now() < deadline) {
      after = serverPids();
      if (after.length === 1 && after[0] !== before[0]) {
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(after.length === 1 && after[0] !== before[0], `no new server process: ${after}`);
    // The new server answers: hover on the action again.
    await openFile("policies/reports.json");
    await goTo(position("policies/reports.json", "s3:GetObject", 4));
    await page.keyboard.press(`${ctrl}+KeyK`);
    await page.keyboard.press(`${ctrl}+KeyI`);
    await page.locator(".monaco-hover:not(.hidden)", { hasText: "GetObject" }).first().waitFor({ state: "visible", timeout: UI_TIMEOUT });
  });
});
