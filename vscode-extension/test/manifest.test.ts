import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const EXTENSION = path.resolve(__dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(EXTENSION, "package.json"), "utf8"));
const properties: Record<string, Record<string, unknown>> =
  manifest.contributes.configuration.properties;

/**
 * The settings that choose a program to run, the credentials that sign AWS requests, or where
 * those requests go: the user's decision, never a workspace's (`.vscode/settings.json`).
 */
const USER_ONLY = ["iamLs.server.path", "iamLs.aws.profile", "iamLs.aws.endpointUrl"];

describe("manifest: what a workspace cannot decide", () => {
  for (const key of USER_ONLY) {
    it(`${key} is a user setting (scope machine or application)`, () => {
      assert.ok(properties[key], `${key} is contributed`);
      assert.ok(
        properties[key].scope === "machine" || properties[key].scope === "application",
        `${key} has scope ${String(properties[key].scope)}`,
      );
    });
  }

  it("no other setting can choose a binary or an endpoint from the workspace", () => {
    // iamLs.aws.region stays workspace-settable: it only picks among AWS's own endpoints.
    for (const key of Object.keys(properties)) {
      if (USER_ONLY.includes(key)) {
        continue;
      }
      assert.ok(
        !/\.(path|command|endpointUrl|url|profile)$/i.test(key),
        `${key} looks like it chooses a binary or an endpoint; add it to USER_ONLY`,
      );
    }
  });

  it("declares limited support for untrusted workspaces, restricting those settings", () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.ok(untrusted, "capabilities.untrustedWorkspaces is declared");
    assert.equal(untrusted.supported, "limited");
    assert.equal(typeof untrusted.description, "string");
    assert.deepEqual([...untrusted.restrictedConfigurations].sort(), [...USER_ONLY].sort());
  });
});
