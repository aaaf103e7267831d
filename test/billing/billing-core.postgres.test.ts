import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { createTestDatabase, describePostgres } from "../helpers/postgres.ts";
import { billingCoreContract } from "./billing-core.contract.ts";

describePostgres("Postgres", () => {
  billingCoreContract("Postgres", async () => {
    const database = await createTestDatabase();
    const db = createPostgresDb(database.url);
    return {
      db,
      async close() {
        await db.close();
        await database.drop();
      },
    };
  });
});
