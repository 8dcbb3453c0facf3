import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blobAt, blobInText, MIN_BLOB_LENGTH } from "../src/decode";

const BLOB = "f1q2w3E4r5-T6y7_U8i9O0pAsDfGhJkLzXcVbNm" + "Qx".repeat(40);

describe("finding the encoded message", () => {
  it("takes the run after the lead-in, ignoring quotes and a trailing period", () => {
    const text = `An error occurred (UnauthorizedOperation): You are not authorized. Encoded authorization failure message: ${BLOB}.`;
    assert.equal(blobInText(text), BLOB);
    assert.equal(blobInText(`"${BLOB}"`), BLOB);
    assert.equal(blobInText(`  ${BLOB}\n`), BLOB);
  });

  it("takes the longest run when there is no lead-in", () => {
    assert.equal(blobInText(`request-id abc123 ${BLOB} trailing`), BLOB);
  });

  it("rejects text without a long enough run", () => {
    assert.equal(blobInText("Access Denied"), undefined);
    assert.equal(blobInText("x".repeat(MIN_BLOB_LENGTH - 1)), undefined);
  });

  it("finds the run around the cursor", () => {
    const line = `ERROR Encoded authorization failure message: ${BLOB} (request 42)`;
    const inside = line.indexOf(BLOB) + 10;
    assert.equal(blobAt(line, inside), BLOB);
    assert.equal(blobAt(line, line.indexOf(BLOB)), BLOB);
    assert.equal(blobAt(line, line.indexOf(BLOB) + BLOB.length), BLOB);
    assert.equal(blobAt(line, 2), undefined);
    assert.equal(blobAt(line, 10_000), undefined);
  });
});
