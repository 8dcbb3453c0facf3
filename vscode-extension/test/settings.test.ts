import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  anchoredPatterns,
  documentSelector,
  logLevel,
  RESTART_SETTINGS,
  serverEnv,
  serverSettings,
  settingsPayload,
} from "../src/settings";

const EXTENSION = path.resolve(__dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(EXTENSION, "package.json"), "utf8"));
const properties: Record<string, Record<string, unknown>> =
  manifest.contributes.configuration.properties;

/** A getter over `iamLs.*` values keyed without the prefix, defaults from package.json. */
function getter(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => {
    if (key in values) {
      return values[key];
    }
    return properties[`iamLs.${key}`]?.default;
  };
}

/** The settings the extension handles itself and never sends to the server. */
const CLIENT_ONLY = ["iamLs.server.path", "iamLs.server.logLevel", "iamLs.trace.server"];

describe("settings mapping", () => {
  it("sends nothing for the defaults, so iam-ls.toml stays in charge", () => {
    assert.deepEqual(serverSettings(getter({})), {});
    assert.deepEqual(settingsPayload(getter({})), { iamLs: {} });
  });

  it("maps the AWS settings to the server's names and drops blanks", () => {
    assert.deepEqual(
      serverSettings(
        getter({ "aws.profile": " dev ", "aws.region": "", "aws.endpointUrl": " ", "aws.timeoutSeconds": 15 }),
      ),
      { aws: { profile: "dev", timeout_seconds: 15 } },
    );
    assert.deepEqual(
      serverSettings(getter({ "aws.region": "eu-central-1", "aws.endpointUrl": "https://vpce.example" })),
      { aws: { region: "eu-central-1", endpoint_url: "https://vpce.example" } },
    );
  });

  it("passes rules, kinds, ignore and groups through as written", () => {
    const rules = { IAM010: "off", "region-lock-blocks-global-services": "error" };
    const kinds = { "scps/**/*.json": "scp" };
    const ignore = [{ rule: "IAM010", sid: "Legacy" }];
    const groups = [{ name: "dev", identity: ["roles/dev/*.json"], boundary: "b/dev.json" }];
    assert.deepEqual(serverSettings(getter({ rules, kinds, ignore, groups })), {
      rules,
      kinds,
      ignore,
      groups,
    });
  });

  it("covers exactly the keys the server's configuration accepts", () => {
    // The server lists its accepted keys in server/src/config/mod.rs; every one of them must be
    // reachable from a contributed setting, and the extension must send no other key.
    const source = readFileSync(path.join(EXTENSION, "..", "server", "src", "config", "mod.rs"), "utf8");
    const keys = (name: string): string[] => {
      const m = new RegExp(`const ${name}: &str = "([^"]*)"`).exec(source);
      assert.ok(m, `${name} not found in server/src/config/mod.rs`);
      return m[1].split(",").map((k) => k.trim()).sort();
    };
    const everything = serverSettings(
      getter({
        kinds: { "a/*.json": "scp" },
        rules: { IAM010: "off" },
        ignore: [{ rule: "IAM010", sid: "S" }],
        groups: [{ name: "g" }],
        "aws.profile": "p",
        "aws.region": "r",
        "aws.timeoutSeconds": 5,
        "aws.endpointUrl": "https://sts.example",
        "vpcEndpoint.requiredResources": ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"],
      }),
    );
    assert.deepEqual(Object.keys(everything).sort(), keys("TOP_KEYS"));
    assert.deepEqual(Object.keys(everything.aws ?? {}).sort(), keys("AWS_KEYS"));
    assert.deepEqual(Object.keys(everything.vpc_endpoint ?? {}).sort(), keys("VPC_ENDPOINT_KEYS"));
  });

  it("contributes a described setting for each value it reads", () => {
    const read: string[] = [];
    serverSettings((key) => {
      read.push(`iamLs.${key}`);
      return undefined;
    });
    logLevel((key) => {
      read.push(`iamLs.${key}`);
      return undefined;
    });
    for (const key of [...read, ...CLIENT_ONLY]) {
      assert.ok(properties[key], `package.json contributes no setting ${key}`);
    }
    for (const [key, schema] of Object.entries(properties)) {
      assert.ok(read.includes(key) || CLIENT_ONLY.includes(key), `setting ${key} is never read`);
      const text = (schema.markdownDescription ?? schema.description) as string | undefined;
      assert.ok(text && text.length > 30, `setting ${key} has no real description`);
    }
    for (const key of RESTART_SETTINGS) {
      assert.ok(properties[key], `restart setting ${key} is not contributed`);
    }
  });

  it("offers every rule level and policy kind the server accepts", () => {
    const source = readFileSync(path.join(EXTENSION, "..", "server", "src", "config", "mod.rs"), "utf8");
    const levels = /pub const NAMES: &'static str = "([^"]*)"/.exec(source);
    assert.ok(levels, "RuleLevel::NAMES not found");
    const ruleEnum = (properties["iamLs.rules"].additionalProperties as { enum: string[] }).enum;
    assert.deepEqual([...ruleEnum].sort(), levels[1].split(",").map((l) => l.trim()).sort());
    const kindEnum = (properties["iamLs.kinds"].additionalProperties as { enum: string[] }).enum;
    const ext = readFileSync(path.join(EXTENSION, "..", "docs", "lsp-extensions.md"), "utf8");
    for (const kind of kindEnum) {
      assert.ok(ext.includes(`\`${kind}\``), `kind ${kind} is not a documented policy kind`);
    }
    assert.equal(kindEnum.length, 9);
  });

  it("sets RUST_LOG from the log level setting", () => {
    assert.equal(logLevel(getter({})), "warn");
    assert.equal(logLevel(getter({ "server.logLevel": "debug" })), "debug");
    assert.equal(logLevel(getter({ "server.logLevel": "loud" })), "warn");
    const env = serverEnv({ PATH: "/bin", RUST_LOG: "trace", GONE: undefined }, "info");
    assert.deepEqual(env, { PATH: "/bin", RUST_LOG: "info" });
  });
});

describe("document selector", () => {
  it("offers JSON, logs and plain text, including output channels", () => {
    const sel = documentSelector({}, ["/w"]);
    const has = (f: object) => sel.some((s) => JSON.stringify(s) === JSON.stringify(f));
    assert.ok(has({ scheme: "file", language: "json" }));
    assert.ok(has({ scheme: "untitled", language: "jsonc" }));
    // Templates: CloudFormation/SAM YAML and Terraform.
    assert.ok(has({ scheme: "file", language: "yaml" }));
    assert.ok(has({ scheme: "file", language: "terraform" }));
    assert.ok(has({ scheme: "file", language: "log" }));
    assert.ok(has({ scheme: "output", language: "log" }));
    assert.ok(has({ scheme: "file", language: "plaintext" }));
    assert.ok(!sel.some((s) => "pattern" in s));
  });

  it("adds the policy-kind globs anchored at each workspace folder", () => {
    const sel = documentSelector({ "scps/*.yaml": "scp", "**/trust.txt": "role-trust" }, ["/w1", "/w2/"]);
    const patterns = sel.flatMap((s) => ("pattern" in s ? [s.pattern] : []));
    assert.deepEqual(patterns, ["/w1/scps/*.yaml", "/w2/scps/*.yaml", "**/trust.txt"]);
  });

  it("anchors globs without folders, and with Windows separators", () => {
    assert.deepEqual(anchoredPatterns("./scps/*.json", []), ["**/scps/*.json"]);
    assert.deepEqual(anchoredPatterns("scps\\*.json", ["C:\\repo"]), ["C:/repo/scps/*.json"]);
    assert.deepEqual(anchoredPatterns("  ", ["/w"]), []);
  });
});
