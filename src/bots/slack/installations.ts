/**
 * Where the Slack bot token for a workspace comes from: SLACK_BOT_TOKEN in single-workspace mode, else the
 * installation the OAuth flow stored (the Store keeps the token encrypted). Tokens stay inside src/bots/slack.
 */
import { PhotoMemoryError } from "../../core/errors.ts";
import type { PlatformStore } from "../common/platform.ts";

export interface SlackInstallation {
  teamId: string;
  teamName?: string;
  botToken: string;
  botUserId?: string;
  botId?: string;
  installedBy?: string;
}

/** Port onto the Store's workspaces (encrypted bot tokens). */
export interface SlackInstallationStore {
  saveSlackInstallation(installation: SlackInstallation): Promise<void>;
  findSlackInstallation(teamId: string): Promise<SlackInstallation | null>;
  /** app_uninstalled / tokens_revoked: the stored token is no longer used. */
  markSlackUninstalled?(teamId: string): Promise<void>;
}

export type SlackTokenSource = (teamId: string | undefined) => Promise<SlackInstallation>;

export function createSlackTokenSource(options: {
  botToken?: string;
  installations?: SlackInstallationStore;
}): SlackTokenSource {
  return async (teamId) => {
    if (teamId && options.installations) {
      const found = await options.installations.findSlackInstallation(teamId);
      if (found) return found;
    }
    if (options.botToken) return { teamId: teamId ?? "", botToken: options.botToken };
    throw new PhotoMemoryError(
      "platform.unauthorized",
      "PhotoMemory is not installed in this Slack workspace; ask an admin to install it again.",
    );
  };
}

/** Slack installations kept as workspaces in the Store (the bot token encrypted at rest). */
export function slackInstallationsFrom(store: PlatformStore): SlackInstallationStore {
  return {
    async saveSlackInstallation(installation) {
      await store.upsertWorkspace({
        platform: "slack",
        externalId: installation.teamId,
        name: installation.teamName ?? null,
        botUserId: installation.botUserId ?? null,
        botToken: installation.botToken,
      });
    },
    async markSlackUninstalled(teamId) {
      await store.markWorkspaceUninstalled("slack", teamId);
    },
    async findSlackInstallation(teamId) {
      const workspace = await store.getWorkspace("slack", teamId);
      if (!workspace || workspace.uninstalledAt) return null;
      const botToken = await store.getWorkspaceToken("slack", teamId);
      if (!botToken) return null;
      return { teamId, botToken, ...(workspace.botUserId ? { botUserId: workspace.botUserId } : {}) };
    },
  };
}
