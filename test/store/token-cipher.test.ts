import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { createTokenCipher } from "../../src/core/store/token-cipher.ts";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return isPhotoMemoryError(e) ? e.code : e;
  }
};

describe("bot token encryption", () => {
  it("accepts a 32-byte key as hex or base64 and refuses anything else at start-up", () => {
    const key = randomBytes(32);
    const hex = createTokenCipher(key.toString("hex"));
    const b64 = createTokenCipher(key.toString("base64"));
    expect(b64.decrypt(hex.encrypt("xoxb-1", "ctx"), "ctx")).toBe("xoxb-1");
    for (const bad of ["", "short", randomBytes(16).toString("base64"), randomBytes(31).toString("hex")]) {
      expect(
        codeOf(() => createTokenCipher(bad)),
        bad,
      ).toBe("config.invalid");
    }
  });

  it("never writes the token in clear, and a tampered or misplaced ciphertext does not decrypt", () => {
    const cipher = createTokenCipher(randomBytes(32).toString("base64"));
    const a = cipher.encrypt("xoxb-secret-token", "workspace:slack:T1");
    const b = cipher.encrypt("xoxb-secret-token", "workspace:slack:T1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("xoxb");
    expect(cipher.decrypt(a, "workspace:slack:T1")).toBe("xoxb-secret-token");
    expect(codeOf(() => cipher.decrypt(a, "workspace:slack:T2"))).toBe("store.token_unreadable");
    const tampered = `${a.slice(0, -2)}${a.endsWith("A") ? "B" : "A"}${a.slice(-1)}`;
    expect(codeOf(() => cipher.decrypt(tampered, "workspace:slack:T1"))).toBe("store.token_unreadable");
  });
});
