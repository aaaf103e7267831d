import { createPgliteDb } from "../../src/core/store/pglite-db.ts";
import { storeContract } from "./store.contract.ts";

storeContract("PGlite", async () => {
  const db = await createPgliteDb();
  return { db, close: () => db.close() };
});
