/**
 * What a platform bot needs from the rest of PhotoMemory, as narrow ports. The composition root builds them from the
 * Store, the Jobs port and the memory use cases; tests hand in fakes. Bots never reach past these.
 */
import type { Logger } from "pino";
import type { ChatTarget, FileRef, MessageRef } from "../../core/chat/chat-adapter.ts";
import type { MemoryCommand } from "../../core/memories/parse-command.ts";
import type { ReactionChange } from "../../core/store/index.ts";

export type { ReactionChange };

/** Durable dedupe of platform deliveries (Slack event_id, Discord interaction id, Telegram update_id). */
export interface InboundDeliveries {
  /** True the first time `(source, deliveryId)` is seen, false for a duplicate. */
  recordInboundDelivery(source: string, deliveryId: string): Promise<boolean>;
  markDeliveryDone(source: string, deliveryId: string): Promise<void>;
  /** True once processed; false while the first claim is still being processed (a retry must not be acked yet). */
  isDeliveryDone(source: string, deliveryId: string): Promise<boolean>;
  /** The platform's retry of this delivery will be claimed (and processed) again. */
  markDeliveryFailed(source: string, deliveryId: string, error?: string): Promise<void>;
}

export interface DroppedPhotos {
  target: ChatTarget;
  files: FileRef[];
  /** Platform user id of whoever dropped them. */
  userId?: string;
  /** The platform delivery these came from, for the job event id (`slack:Ev123`, `tg:4711`). */
  deliveryKey: string;
  /** The message carrying the photos: it gets the acknowledgement reaction once a photo of it was accepted. */
  messageId?: string;
  /** The burst they belong to (a Telegram album's media_group_id), answered by one line. */
  albumKey?: string;
  /** The bot answers this burst itself (a Telegram album, a command's attachments): no acknowledgement line. */
  quiet?: boolean;
}

/** A song or voice note sent to a chat: the next memory's music. */
export interface DroppedSong {
  target: ChatTarget;
  file: FileRef;
  /** "voice": a voice note (spoken over the style's music); "song": music to play as it is. */
  kind: "song" | "voice";
  /** What the platform says about it (Telegram's audio `title` and `performer`). */
  title?: string;
  performer?: string;
  userId?: string;
  deliveryKey: string;
  messageId?: string;
}

/** How one album of a conversation stands. */
export interface AlbumProgress {
  /** Photos of it stored and usable. */
  stored: number;
  /** Photos of it still downloading. */
  arriving: number;
  /** A memory already took its photos (its line would come too late). */
  inMemory: boolean;
}

export interface MemoryCommandInput {
  target: ChatTarget;
  command: MemoryCommand;
  userId: string;
  userName?: string;
  locale?: string;
  /** A message already standing for this request (a deferred Discord reply), to edit instead of posting. */
  statusMessage?: MessageRef;
  deliveryKey: string;
}

/** A Telegram Stars payment as it arrived (`message.successful_payment`): a subscription's first payment or a renewal. */
export interface StarsPayment {
  /** `telegram_payment_charge_id`: one per payment (a renewal has its own), so it dedupes redeliveries. */
  chargeId: string;
  /** The invoice payload: the upgrade token the invoice was made for (renewals carry the same one). */
  token: string;
  /** The paying Telegram user. */
  userId: string;
  /** Stars paid. */
  amount: number;
  /** Premium lasts until then (`subscription_expiration_date`; 30 days after the payment when it is missing). */
  paidUntil: Date;
  /** A renewal, not the subscription's first payment. */
  renewal: boolean;
  /** When Telegram sent it (the message date). */
  at: Date;
}

/** A Telegram Stars refund (`message.refunded_payment`): the payment it names no longer pays for premium. */
export interface StarsRefund {
  chargeId: string;
  token: string;
  userId: string;
  amount: number;
  at: Date;
}

/**
 * A Discord entitlement to the premium SKU as Discord reported it: from a Webhook Events delivery
 * (ENTITLEMENT_CREATE/UPDATE/DELETE) or seen on an interaction (`interaction.entitlements`).
 */
export interface DiscordEntitlement {
  /** Where Discord reported it; `interaction` means it was on an interaction payload at `at`. */
  source: "create" | "update" | "delete" | "interaction";
  entitlementId: string;
  skuId: string;
  /** The guild it is for (a server subscription); absent for a user subscription. */
  guildId?: string;
  /** The user it is for, or who bought it for the guild. */
  userId?: string;
  /** Null or absent: no end (a running subscription, a test entitlement). */
  endsAt?: Date | null;
  /** Deleted (refunded, removed) or ended: no premium from it. */
  active: boolean;
  /** The event's own time (webhook `timestamp`), or when the interaction arrived. */
  at: Date;
  /** Stable id of this report, for the dedupe of a repeated delivery. */
  eventId: string;
  /** The chat it was seen in (an interaction's channel); webhook events have none. */
  target?: ChatTarget;
}

/** Payments that reach a bot (Telegram Stars, Discord entitlements), handed to billing. */
export interface BotBilling {
  /** Whether a Stars invoice payload is a live upgrade token. Must be quick: Telegram waits 10 s for the answer. */
  isUpgradeToken(token: string): Promise<boolean>;
  starsPaid(payment: StarsPayment): Promise<void>;
  starsRefunded(refund: StarsRefund): Promise<void>;
  discordEntitlement(entitlement: DiscordEntitlement): Promise<void>;
}

export interface BotDeps {
  logger: Logger;
  /** Billing for the payments that reach a bot; absent when no payment is configured. */
  billing?: BotBilling;
  deliveries: InboundDeliveries;
  /**
   * Records the dropped photos as pending photos of their conversation (durably, before the webhook is answered) and
   * hands their download to the intake job. Returns how many files were new to the conversation.
   */
  dropPhotos(input: DroppedPhotos): Promise<{ fresh: number }>;
  /**
   * Records a change of people's reactions on a chat message, a curation signal. Kept only for messages that brought
   * photos; the bot's own reactions never reach it (each platform's handler leaves them out).
   */
  recordReaction(change: ReactionChange): Promise<void>;
  /**
   * Records a song or voice note as the conversation's pending song (durably, before the webhook is answered) and
   * hands its download and check to the intake job, which answers in the chat.
   */
  dropSong(input: DroppedSong): Promise<{ fresh: boolean }>;
  /** How an album stands, for its one line. */
  albumProgress(target: ChatTarget, albumKey: string): Promise<AlbumProgress>;
  /** Runs a `/memory` command: posts replies and the status message through the adapter, sends jobs. */
  runMemoryCommand(input: MemoryCommandInput): Promise<void>;
}
