import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CrashPolicy } from "../src/restart";

describe("crash restarts", () => {
  it("restarts up to the limit within the window, then gives up", () => {
    const p = new CrashPolicy(3, 60_000);
    assert.equal(p.shouldRestart(0), true);
    assert.equal(p.shouldRestart(1_000), true);
    assert.equal(p.shouldRestart(2_000), true);
    assert.equal(p.shouldRestart(3_000), false);
    assert.equal(p.recentCrashes, 4);
  });

  it("forgets crashes older than the window", () => {
    const p = new CrashPolicy(2, 10_000);
    assert.equal(p.shouldRestart(0), true);
    assert.equal(p.shouldRestart(5_000), true);
    assert.equal(p.shouldRestart(20_000), true);
    assert.equal(p.recentCrashes, 1);
  });

  it("starts afresh after reset", () => {
    const p = new CrashPolicy(1, 10_000);
    assert.equal(p.shouldRestart(0), true);
    assert.equal(p.shouldRestart(1), false);
    p.reset();
    assert.equal(p.shouldRestart(2), true);
  });
});
