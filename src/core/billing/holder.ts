/**
 * Who holds premium for a chat: the Slack workspace or the Discord server the chat is in (whoever pays there unlocks
 * it for everyone there), else the person (a Telegram user, a Discord DM, the playground). One holder per chat, so
 * the plan, the quota and a purchase always agree on whom they are about.
 */
import type { ChatTarget } from "../chat/chat-adapter.ts";
import type { Platform } from "../domain.ts";
import type { Store } from "../store/store.ts";

export type Holder =
  /** A Slack team or Discord guild: `id` is the workspaces row's id (not the platform's team/guild id). */
  | { kind: "workspace"; id: string }
  /** A person: `id` is the accounts row's id. */
  | { kind: "account"; id: string };

/** The holder as one text key ('workspace:<uuid>', 'account:<uuid>'): the quota counter's key. */
export function holderKey(holder: Holder): string {
  return `${holder.kind}:${holder.id}`;
}

/** The Store's subscription holder shape (exactly one of the two ids). */
export function subscriptionHolder(holder: Holder): { accountId?: string; workspaceId?: string } {
  return holder.kind === "workspace" ? { workspaceId: holder.id } : { accountId: holder.id };
}

/** True when a chat on this platform is held by its workspace rather than by the person. */
export function heldByWorkspace(target: ChatTarget): boolean {
  return (target.platform === "slack" || target.platform === "discord") && Boolean(target.workspaceId);
}

/**
 * The holder of a chat. `accountId` is the asking person's account (Store.upsertAccount for the target's platform and
 * workspace): it holds premium where no workspace does.
 */
export async function resolveHolder(
  store: Pick<Store, "upsertWorkspace">,
  input: { target: ChatTarget; accountId: string },
): Promise<Holder> {
  const { target } = input;
  if (heldByWorkspace(target) && target.workspaceId) {
    return holderForWorkspace(store, target.platform, target.workspaceId);
  }
  return { kind: "account", id: input.accountId };
}

/** The holder for a Slack team or Discord guild by the platform's id (e.g. from a Discord entitlement's guild_id). */
export async function holderForWorkspace(
  store: Pick<Store, "upsertWorkspace">,
  platform: Platform,
  externalId: string,
): Promise<Holder> {
  // Single-workspace installs have no workspaces row until now: an upsert without a token creates it, keeping any.
  const workspace = await store.upsertWorkspace({ platform, externalId });
  return { kind: "workspace", id: workspace.id };
}

/** The holder for a person, by platform user id (e.g. a Telegram user paying with Stars, a Discord DM user). */
export async function holderForUser(
  store: Pick<Store, "upsertAccount">,
  platform: Platform,
  userId: string,
  workspaceId: string | null = null,
): Promise<Holder> {
  const account = await store.upsertAccount({ platform, workspaceId, userId });
  return { kind: "account", id: account.id };
}
