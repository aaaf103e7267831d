import { describePostgres, openTestPostgres } from "../helpers/postgres.ts";
import { storeContract } from "./store.contract.ts";

describePostgres("Postgres", () => {
  storeContract("Postgres", openTestPostgres);
});
