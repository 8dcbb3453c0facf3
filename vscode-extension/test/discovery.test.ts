import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bundledServerPath,
  type DiscoveryEnv,
  discoverServer,
  expandConfiguredPath,
  findOnPath,
} from "../src/discovery";

/** A fake file system: `files` are executable files, `plain` exist but are not executable. */
function env(opts: {
  files?: string[];
  plain?: string[];
  pathVar?: string;
  platform?: NodeJS.Platform;
  pathExt?: string;
  folders?: string[];
}): DiscoveryEnv {
  const files = new Set(opts.files ?? []);
  const plain = new Set(opts.plain ?? []);
  return {
    platform: opts.platform ?? "linux",
    pathVar: opts.pathVar,
    pathExt: opts.pathExt,
    home: opts.platform === "win32" ? "C:\\Users\\ada" : "/home/ada",
    workspaceFolders: opts.folders ?? ["/work/repo"],
    extensionPath: opts.platform === "win32" ? "C:\\ext\\iam-ls" : "/ext/iam-ls",
    isExecutableFile: (p) => files.has(p),
    exists: (p) => files.has(p) || plain.has(p),
  };
}

describe("server discovery", () => {
  it("uses the configured path before PATH and the bundled server", () => {
    const e = env({
      files: ["/opt/iam-ls", "/usr/bin/iam-ls", "/ext/iam-ls/server/iam-ls"],
      pathVar: "/usr/bin",
    });
    assert.deepEqual(discoverServer("/opt/iam-ls", e), {
      ok: true,
      command: "/opt/iam-ls",
      source: "setting",
    });
  });

  it("expands ~, ${userHome}, ${workspaceFolder} and relative paths in the setting", () => {
    const e = env({});
    assert.equal(expandConfiguredPath("~/bin/iam-ls", e), "/home/ada/bin/iam-ls");
    assert.equal(expandConfiguredPath("${userHome}/x", e), "/home/ada/x");
    assert.equal(
      expandConfiguredPath("${workspaceFolder}/target/debug/iam-ls", e),
      "/work/repo/target/debug/iam-ls",
    );
    assert.equal(expandConfiguredPath("target/release/iam-ls", e), "/work/repo/target/release/iam-ls");
    assert.equal(expandConfiguredPath("  /abs/iam-ls ", e), "/abs/iam-ls");
  });

  it("reports a configured path that does not exist, without falling back to PATH", () => {
    const e = env({ files: ["/usr/bin/iam-ls"], pathVar: "/usr/bin" });
    const d = discoverServer("/nope/iam-ls", e);
    assert.equal(d.ok, false);
    assert.ok(!d.ok && d.message.includes("/nope/iam-ls does not exist"), JSON.stringify(d));
    assert.ok(!d.ok && d.message.includes("iamLs.server.path"));
  });

  it("reports a configured path that is not executable", () => {
    const e = env({ plain: ["/opt/iam-ls"] });
    const d = discoverServer("/opt/iam-ls", e);
    assert.ok(!d.ok && d.message.includes("is not an executable file"), JSON.stringify(d));
  });

  it("treats a blank setting as unset and searches PATH in order", () => {
    const e = env({
      files: ["/b/iam-ls", "/c/iam-ls"],
      plain: ["/a/iam-ls"],
      pathVar: "/a::/b:/c",
    });
    assert.deepEqual(discoverServer("  ", e), { ok: true, command: "/b/iam-ls", source: "path" });
    assert.deepEqual(discoverServer(undefined, e), { ok: true, command: "/b/iam-ls", source: "path" });
  });

  it("falls back to the bundled server when PATH has none", () => {
    const e = env({ files: ["/ext/iam-ls/server/iam-ls"], pathVar: "/usr/bin:/bin" });
    assert.deepEqual(discoverServer("", e), {
      ok: true,
      command: "/ext/iam-ls/server/iam-ls",
      source: "bundled",
    });
  });

  it("explains the fix when nothing is found", () => {
    const d = discoverServer(undefined, env({ pathVar: "/usr/bin:/bin" }));
    assert.equal(d.ok, false);
    if (!d.ok) {
      assert.match(d.message, /not found on PATH \(2 directories searched\)/);
      assert.match(d.message, /cargo install --path server/);
      assert.match(d.message, /iamLs\.server\.path/);
      assert.match(d.message, /IAM: Restart server/);
    }
  });

  it("uses PATHEXT and .exe names on Windows", () => {
    const e = env({
      platform: "win32",
      files: ["C:\\tools\\iam-ls.exe"],
      pathVar: "C:\\Windows;\"C:\\tools\"",
      pathExt: ".COM;.EXE",
      folders: ["C:\\repo"],
    });
    assert.equal(findOnPath(e), "C:\\tools\\iam-ls.exe");
    assert.equal(bundledServerPath("C:\\ext\\iam-ls", "win32"), "C:\\ext\\iam-ls\\server\\iam-ls.exe");
    assert.equal(expandConfiguredPath("bin\\iam-ls.exe", e), "C:\\repo\\bin\\iam-ls.exe");
  });
});
