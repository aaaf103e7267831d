import { describePostgres, openTestPostgres } from "../helpers/postgres.ts";
import { billingCoreContract } from "./billing-core.contract.ts";

describePostgres("Postgres", () => {
  billingCoreContract("Postgres", openTestPostgres);
});
