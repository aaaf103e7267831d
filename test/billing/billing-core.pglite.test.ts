import { createPgliteDb } from "../../src/core/store/pglite-db.ts";
import { billingCoreContract } from "./billing-core.contract.ts";

billingCoreContract("PGlite", async () => {
  const db = await createPgliteDb();
  return { db, close: () => db.close() };
});
