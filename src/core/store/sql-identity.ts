/** Store part: accounts, workspace installations (encrypted bot tokens) and conversations. */
import { PhotoMemoryError } from "../errors.ts";
import type { Db } from "./db.ts";
import { type Row, toAccount, toConversation, toWorkspace } from "./row-mappers.ts";
import { guarded, isUuid } from "./sql-helpers.ts";
import type { Store } from "./store.ts";
import type { TokenCipher } from "./token-cipher.ts";

type IdentityStore = Pick<
  Store,
  | "upsertAccount"
  | "getAccount"
  | "upsertWorkspace"
  | "getWorkspace"
  | "getWorkspaceToken"
  | "markWorkspaceUninstalled"
  | "upsertConversation"
  | "getConversation"
  | "setConversationLanguage"
>;

const first = (rows: Row[], what: string): Row => {
  const row = rows[0];
  if (!row) throw new PhotoMemoryError("store.not_found", `${what} was not found.`);
  return row;
};

export function createIdentityStore(db: Db, cipher: TokenCipher | undefined): IdentityStore {
  const needCipher = (): TokenCipher => {
    if (cipher) return cipher;
    throw new PhotoMemoryError("config.invalid", "Set TOKEN_ENCRYPTION_KEY to store or read bot tokens.");
  };
  const tokenContext = (platform: string, externalId: string) => `workspace:${platform}:${externalId}`;

  return {
    upsertAccount: (input) =>
      guarded("Saving the account", async () => {
        const rows = await db.query<Row>(
          `insert into public.accounts (platform, workspace_id, user_id, display_name, locale)
           values ($1, $2, $3, $4, $5)
           on conflict (platform, workspace_id, user_id) do update set
             display_name = coalesce(excluded.display_name, accounts.display_name),
             locale = coalesce(excluded.locale, accounts.locale)
           returning *`,
          [
            input.platform,
            input.workspaceId ?? null,
            input.userId,
            input.displayName ?? null,
            input.locale ?? null,
          ],
        );
        return toAccount(first(rows, "The account"));
      }),

    async getAccount(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>("select * from public.accounts where id = $1", [id]);
      return row ? toAccount(row) : null;
    },

    upsertWorkspace: (input) =>
      guarded("Saving the workspace", async () => {
        const encrypted =
          input.botToken === undefined
            ? null
            : needCipher().encrypt(input.botToken, tokenContext(input.platform, input.externalId));
        const rows = await db.query<Row>(
          `insert into public.workspaces (platform, external_id, name, bot_user_id, bot_token_encrypted,
             installed_by_account_id)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (platform, external_id) do update set
             name = coalesce(excluded.name, workspaces.name),
             bot_user_id = coalesce(excluded.bot_user_id, workspaces.bot_user_id),
             bot_token_encrypted = coalesce(excluded.bot_token_encrypted, workspaces.bot_token_encrypted),
             installed_by_account_id = coalesce(excluded.installed_by_account_id, workspaces.installed_by_account_id),
             uninstalled_at = case when excluded.bot_token_encrypted is not null then null
                              else workspaces.uninstalled_at end
           returning *`,
          [
            input.platform,
            input.externalId,
            input.name ?? null,
            input.botUserId ?? null,
            encrypted,
            input.installedByAccountId ?? null,
          ],
        );
        return toWorkspace(first(rows, "The workspace"));
      }),

    async getWorkspace(platform, externalId) {
      const [row] = await db.query<Row>(
        "select * from public.workspaces where platform = $1 and external_id = $2",
        [platform, externalId],
      );
      return row ? toWorkspace(row) : null;
    },

    async getWorkspaceToken(platform, externalId) {
      const [row] = await db.query<{ bot_token_encrypted: string | null }>(
        `select bot_token_encrypted from public.workspaces
         where platform = $1 and external_id = $2 and uninstalled_at is null`,
        [platform, externalId],
      );
      if (!row?.bot_token_encrypted) return null;
      return needCipher().decrypt(row.bot_token_encrypted, tokenContext(platform, externalId));
    },

    async markWorkspaceUninstalled(platform, externalId) {
      await db.query(
        `update public.workspaces set bot_token_encrypted = null, uninstalled_at = coalesce(uninstalled_at, now())
         where platform = $1 and external_id = $2`,
        [platform, externalId],
      );
    },

    upsertConversation: (input) =>
      guarded("Saving the conversation", async () => {
        const rows = await db.query<Row>(
          `insert into public.conversations (platform, workspace_id, channel_id, thread_id, locale)
           values ($1, $2, $3, $4, $5)
           on conflict (platform, workspace_id, channel_id, thread_id) do update set
             locale = coalesce(excluded.locale, conversations.locale)
           returning *`,
          [
            input.platform,
            input.workspaceId ?? null,
            input.channelId,
            input.threadId ?? null,
            input.locale ?? null,
          ],
        );
        return toConversation(first(rows, "The conversation"));
      }),

    async getConversation(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>("select * from public.conversations where id = $1", [id]);
      return row ? toConversation(row) : null;
    },

    setConversationLanguage: (conversationId, language) =>
      guarded("Saving the conversation's language", async () => {
        const rows = isUuid(conversationId)
          ? await db.query<Row>("update public.conversations set language = $2 where id = $1 returning *", [
              conversationId,
              language,
            ])
          : [];
        return toConversation(first(rows, "The conversation"));
      }),
  };
}
