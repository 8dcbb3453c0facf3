// `npm run package`: bundle the extension and package it, offline, with @vscode/vsce, as a
// platform .vsix that carries the iam-ls server.
//
//   npm run package                       -> iam-ls-<version>-<target>.vsix with the release server
//                                            ${CARGO_TARGET_DIR:-../target}/release/iam-ls
//   npm run package -- --server PATH      -> the same with that binary (also: IAM_LS_BUNDLE_SERVER=PATH)
//   npm run package -- --target T         -> check that the binary is for vsce target T
//                                            (default: read from the binary itself)
//   npm run package -- --no-server        -> a universal .vsix without a server (it then needs
//                                            `iamLs.server.path` or `iam-ls` on PATH)
//   npm run package -- --out FILE         -> choose the output file
//
// The target (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64, win32-arm64) is read
// from the binary's header, so the package always says what it carries: a build can produce
// the .vsix of every target it can build a server for (`cargo build --release --target ...`,
// then `--server` with that binary). The copy in the package is stripped of symbols and debug
// information (with `strip`, when available): the release profile already strips, a debug build
// shrinks by an order of magnitude.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(name);
  if (i < 0) {
    return undefined;
  }
  if (i + 1 >= args.length) {
    fail(`${name} needs a value`);
  }
  return args[i + 1];
}
const noServer = args.includes("--no-server");
const outArg = option("--out");
const targetArg = option("--target");

/** The vsce target of an executable, from its header; undefined when unknown. */
function targetOf(file) {
  const header = Buffer.alloc(64);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, 64, 0);
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) === 0x7f454c46) {
    // ELF: e_machine at offset 18 (little-endian on every target we build).
    const machine = header.readUInt16LE(18);
    return { 0x3e: "linux-x64", 0xb7: "linux-arm64", 0x28: "linux-armhf" }[machine];
  }
  if (header.readUInt32LE(0) === 0xfeedfacf) {
    // 64-bit Mach-O: cputype at offset 4.
    const cpu = header.readUInt32LE(4);
    return { 0x01000007: "darwin-x64", 0x0100000c: "darwin-arm64" }[cpu];
  }
  if (header.toString("latin1", 0, 2) === "MZ") {
    // PE: the COFF header's machine field follows the "PE\0\0" signature at e_lfanew.
    const pe = header.readUInt32LE(0x3c);
    const buf = Buffer.alloc(6);
    const fd2 = openSync(file, "r");
    try {
      readSync(fd2, buf, 0, 6, pe);
    } finally {
      closeSync(fd2);
    }
    return { 0x8664: "win32-x64", 0xaa64: "win32-arm64" }[buf.readUInt16LE(4)];
  }
  return undefined;
}

function hasCommand(name) {
  try {
    execFileSync(name, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let server;
let target;
if (!noServer) {
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "..", "target");
  server = option("--server") ?? process.env.IAM_LS_BUNDLE_SERVER ?? path.join(targetDir, "release", "iam-ls");
  server = path.resolve(server);
  if (!existsSync(server)) {
    fail(
      `no server binary at ${server}.\n` +
        "  Build it first (from the repository root): cargo build --release -p iam-ls\n" +
        "  or name one: npm run package -- --server path/to/iam-ls (or IAM_LS_BUNDLE_SERVER=path)\n" +
        "  or package without a server: npm run package -- --no-server",
    );
  }
  target = targetOf(server);
  if (!target) {
    fail(`${server} is not an executable this script recognises (ELF, Mach-O or PE for x64/arm64)`);
  }
  if (targetArg && targetArg !== target) {
    fail(`--target ${targetArg}, but ${server} is a ${target} binary`);
  }
}
const version = manifest.version;
const out = outArg
  ? path.resolve(outArg)
  : path.join(root, target ? `iam-ls-${version}-${target}.vsix` : `iam-ls-${version}.vsix`);

process.chdir(root);
execFileSync(process.execPath, ["esbuild.mjs"], { stdio: "inherit" });

// server/ holds only what this run bundles: never a stale binary from an earlier run.
rmSync("server", { recursive: true, force: true });
try {
  const vsceArgs = ["package", "--no-dependencies", "--out", out];
  if (server) {
    mkdirSync("server");
    const name = target.startsWith("win32") ? "iam-ls.exe" : "iam-ls";
    const copy = path.join("server", name);
    copyFileSync(server, copy);
    chmodSync(copy, 0o755);
    const before = statSync(copy).size;
    if (!target.startsWith("win32") && hasCommand("strip")) {
      try {
        execFileSync("strip", [copy], { stdio: "inherit" });
      } catch {
        console.warn(`npm run package: \`strip\` cannot handle a ${target} binary; it is bundled as built`);
      }
    } else {
      console.warn("npm run package: `strip` not found; the server is bundled as built");
    }
    const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(`bundling ${server} (${mb(before)}) as server/${name} (${mb(statSync(copy).size)}), target ${target}`);
    vsceArgs.push("--target", target);
  }
  const vsce = path.join(root, "node_modules", "@vscode", "vsce", "vsce");
  execFileSync(process.execPath, [vsce, ...vsceArgs], { stdio: "inherit" });
} finally {
  rmSync("server", { recursive: true, force: true });
}
console.log(`packaged ${out}`);
