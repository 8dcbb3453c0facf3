// Finding the iam-ls executable: the path a setting names, else `iam-ls` on PATH, else the binary
// bundled in the extension. Pure logic over an injected file system view, so it is unit-tested
// under plain Node without VS Code.

import * as path from "node:path";

/** What discovery may look at. */
export interface DiscoveryEnv {
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** The `PATH` variable (`Path` on Windows is passed here too). */
  pathVar: string | undefined;
  /** `PATHEXT` on Windows (`.COM;.EXE;...`); ignored elsewhere. */
  pathExt?: string;
  /** The user's home directory, for `~`. */
  home: string;
  /** Workspace folder paths; the first one resolves `${workspaceFolder}` and relative paths. */
  workspaceFolders: string[];
  /** The extension's install folder (where a bundled server lives under `server/`). */
  extensionPath: string;
  /** True when `p` is an executable regular file. */
  isExecutableFile(p: string): boolean;
  /** True when something exists at `p`. */
  exists(p: string): boolean;
}

/** Where the server was found. */
export type ServerSource = "setting" | "path" | "bundled";

/** A server found, or why none was. */
export type Discovery =
  | { ok: true; command: string; source: ServerSource }
  | { ok: false; message: string };

/** The executable's file name on `platform`. */
export function executableName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "iam-ls.exe" : "iam-ls";
}

/** Where a bundled server sits inside the extension. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(extensionPath, "server", executableName(platform));
}

function pathFor(platform: NodeJS.Platform): typeof path.posix {
  return platform === "win32" ? path.win32 : path.posix;
}

/**
 * Expands `~`, `${userHome}` and `${workspaceFolder}` in a configured path and makes a relative
 * path absolute against the first workspace folder.
 */
export function expandConfiguredPath(raw: string, env: DiscoveryEnv): string {
  const p = pathFor(env.platform);
  let out = raw.trim();
  const folder = env.workspaceFolders[0];
  out = out.replace(/\$\{userHome\}/g, env.home);
  if (folder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (out === "~") {
    out = env.home;
  } else if (out.startsWith("~/") || out.startsWith("~\\")) {
    out = p.join(env.home, out.slice(2));
  }
  if (!p.isAbsolute(out) && folder !== undefined) {
    out = p.join(folder, out);
  }
  return out;
}

/** Every directory of `PATH`, in order, without empty entries. */
export function pathDirs(env: DiscoveryEnv): string[] {
  const sep = env.platform === "win32" ? ";" : ":";
  return (env.pathVar ?? "")
    .split(sep)
    .map((d) => d.trim().replace(/^"(.*)"$/, "$1"))
    .filter((d) => d.length > 0);
}

/** `iam-ls` on PATH, honouring `PATHEXT` on Windows. */
export function findOnPath(env: DiscoveryEnv): string | undefined {
  const p = pathFor(env.platform);
  const names =
    env.platform === "win32"
      ? (env.pathExt ?? ".COM;.EXE;.BAT;.CMD")
          .split(";")
          .filter((e) => e.length > 0)
          .map((e) => `iam-ls${e.toLowerCase()}`)
      : ["iam-ls"];
  for (const dir of pathDirs(env)) {
    for (const name of names) {
      const candidate = p.join(dir, name);
      if (env.isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The text shown when no server can be found: what was tried and how to fix it. */
export function notFoundMessage(env: DiscoveryEnv): string {
  return (
    "IAM Language Server: the `iam-ls` executable was not found on PATH " +
    `(${pathDirs(env).length} directories searched) and this extension carries no bundled server. ` +
    "Install it with `cargo install --path server` from the iam-ls repository (or put a release " +
    "binary on PATH), or set `iamLs.server.path` to the executable, then run \"IAM: Restart server\"."
  );
}

/**
 * Finds the server: `iamLs.server.path` when set (an error when it names nothing runnable: a
 * setting the user wrote is never silently ignored), else `iam-ls` on PATH, else the bundled one.
 */
export function discoverServer(configuredPath: string | undefined, env: DiscoveryEnv): Discovery {
  if (configuredPath !== undefined && configuredPath.trim() !== "") {
    const resolved = expandConfiguredPath(configuredPath, env);
    if (env.isExecutableFile(resolved)) {
      return { ok: true, command: resolved, source: "setting" };
    }
    const why = env.exists(resolved) ? "is not an executable file" : "does not exist";
    return {
      ok: false,
      message:
        `IAM Language Server: \`iamLs.server.path\` is "${configuredPath}", and ${resolved} ${why}. ` +
        "Point the setting at the `iam-ls` executable, or clear it to use `iam-ls` from PATH.",
    };
  }
  const onPath = findOnPath(env);
  if (onPath !== undefined) {
    return { ok: true, command: onPath, source: "path" };
  }
  const bundled = bundledServerPath(env.extensionPath, env.platform);
  if (env.isExecutableFile(bundled)) {
    return { ok: true, command: bundled, source: "bundled" };
  }
  return { ok: false, message: notFoundMessage(env) };
}
