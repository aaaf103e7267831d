/**
 * Where the Slack bot token for a workspace comes from: SLACK_BOT_TOKEN in single-workspace mode, else the
 * installation the OAuth flow stored (the Store keeps the token encrypted). Tokens stay inside src/bots/slack.
 */
import { PhotoMemoryError } from "../../core/errors.ts";

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
