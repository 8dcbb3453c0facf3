// `npm run package`: bundle the extension and package it as a .vsix with @vscode/vsce, offline.
//
//   npm run package                                   -> iam-ls-<version>.vsix, no server inside
//   IAM_LS_BUNDLE_SERVER=../target/release/iam-ls npm run package
//                                                     -> the same with that binary as server/iam-ls
//   npm run package -- --out /tmp/x.vsix              -> choose the output file
//
// A bundled server is used only when neither `iamLs.server.path` nor PATH provides one.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const manifest = JSON.parse(readFileSync("package.json", "utf8"));

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, `iam-ls-${manifest.version}.vsix`);

execFileSync(process.execPath, ["esbuild.mjs"], { stdio: "inherit" });

// server/ holds only what this run bundles: never a stale binary from an earlier run.
rmSync("server", { recursive: true, force: true });
const bundle = process.env.IAM_LS_BUNDLE_SERVER;
if (bundle) {
  if (!existsSync(bundle)) {
    console.error(`IAM_LS_BUNDLE_SERVER=${bundle}: no such file`);
    process.exit(1);
  }
  mkdirSync("server");
  const name = bundle.endsWith(".exe") ? "iam-ls.exe" : "iam-ls";
  copyFileSync(bundle, path.join("server", name));
  chmodSync(path.join("server", name), 0o755);
  console.log(`bundling ${bundle} as server/${name}`);
}

const vsce = path.join(root, "node_modules", "@vscode", "vsce", "vsce");
try {
  execFileSync(process.execPath, [vsce, "package", "--no-dependencies", "--out", out], {
    stdio: "inherit",
  });
} finally {
  rmSync("server", { recursive: true, force: true });
}
console.log(`packaged ${out}`);
