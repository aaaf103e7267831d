/** The one Store implementation: plain SQL over the Db query interface, the same on Postgres and PGlite. */
import type { Db } from "./db.ts";
import { createBillingStore } from "./sql-billing.ts";
import { createDeliveryStore } from "./sql-deliveries.ts";
import { createIdentityStore } from "./sql-identity.ts";
import { createMemoryStore } from "./sql-memories.ts";
import { createPhotoStore } from "./sql-photos.ts";
import { createReactionStore } from "./sql-reactions.ts";
import { createSongStore } from "./sql-songs.ts";
import type { Store } from "./store.ts";
import { createTokenCipher } from "./token-cipher.ts";

export interface SqlStoreOptions {
  /** 32-byte key (base64 or hex) that encrypts bot tokens at rest; needed only to store or read tokens. */
  tokenEncryptionKey?: string | undefined;
}

export function createSqlStore(db: Db, options: SqlStoreOptions = {}): Store {
  const cipher = options.tokenEncryptionKey ? createTokenCipher(options.tokenEncryptionKey) : undefined;
  return {
    ...createIdentityStore(db, cipher),
    ...createPhotoStore(db),
    ...createReactionStore(db),
    ...createSongStore(db),
    ...createMemoryStore(db),
    ...createDeliveryStore(db),
    ...createBillingStore(db),
  };
}
