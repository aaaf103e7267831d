import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { createTestDatabase, describePostgres } from "../helpers/postgres.ts";
import { storeContract } from "./store.contract.ts";

describePostgres("Postgres", () => {
  storeContract("Postgres", async () => {
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
