/**
 * Encrypts bot tokens at rest with AES-256-GCM. The key (32 bytes, base64 or hex) comes from the composition root
 * (TOKEN_ENCRYPTION_KEY). The ciphertext is bound to its row through associated data, so a token copied into another
 * workspace's row does not decrypt. Format: `v1:<base64url(iv | tag | ciphertext)>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { PhotoMemoryError } from "../errors.ts";

export interface TokenCipher {
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function parseEncryptionKey(key: string): Buffer {
  const trimmed = key.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed, "base64");
  if (bytes.length !== 32) {
    throw new PhotoMemoryError(
      "config.invalid",
      "TOKEN_ENCRYPTION_KEY must be 32 bytes, written as 64 hex characters or base64 (openssl rand -base64 32).",
    );
  }
  return bytes;
}

export function createTokenCipher(key: string): TokenCipher {
  const secret = parseEncryptionKey(key);
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", secret, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
    },
    decrypt(ciphertext, context) {
      try {
        if (!ciphertext.startsWith("v1:")) throw new Error("unknown token format");
        const raw = Buffer.from(ciphertext.slice(3), "base64url");
        const decipher = createDecipheriv("aes-256-gcm", secret, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch (cause) {
        throw new PhotoMemoryError(
          "store.token_unreadable",
          "A stored bot token could not be decrypted; was TOKEN_ENCRYPTION_KEY changed? Reinstall the app.",
          { cause },
        );
      }
    },
  };
}
