/**
 * Stripe's API on 127.0.0.1 for tests, and events shaped like Stripe's for API 2026-11-18.endive (the version
 * stripe@23 pins): subscriptions with `items.data[].current_period_end`, invoices with
 * `parent.subscription_details.subscription`, Payment Link checkout sessions with `client_reference_id`.
 * Serves GET /v1/subscriptions/:id and POST /v1/billing_portal/sessions; events are signed with the SDK's own
 * generateTestHeaderString.
 */
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { type LocalServer, sendJson, startLocalServer } from "./local-server.ts";

export const STRIPE_API_VERSION = "2026-11-18.endive";

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export interface StripeStandIn extends LocalServer {
  /** Subscriptions the API returns, by id (tests change them as Stripe would). */
  subscriptions: Map<string, Stripe.Subscription>;
  portalSessions: { customer: string; return_url?: string; url: string }[];
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const subscriptions = new Map<string, Stripe.Subscription>();
  const portalSessions: StripeStandIn["portalSessions"] = [];
  const server = await startLocalServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TEST_SECRET_KEY}`) {
      sendJson(res, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } }, 401);
      return;
    }
    const path = new URL(req.path, "http://x").pathname;
    const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (req.method === "GET" && sub?.[1]) {
      const found = subscriptions.get(decodeURIComponent(sub[1]));
      if (!found) {
        sendJson(
          res,
          {
            error: {
              type: "invalid_request_error",
              code: "resource_missing",
              message: `No such subscription: '${sub[1]}'`,
            },
          },
          404,
        );
        return;
      }
      sendJson(res, found);
      return;
    }
    if (req.method === "POST" && path === "/v1/billing_portal/sessions") {
      const form = new URLSearchParams(req.body.toString("utf8"));
      const customer = form.get("customer") ?? "";
      const session = {
        id: id("bps"),
        object: "billing_portal.session",
        configuration: "bpc_1",
        created: unix(new Date()),
        customer,
        flow: null,
        livemode: false,
        locale: null,
        on_behalf_of: null,
        return_url: form.get("return_url"),
        url: `https://billing.stripe.com/p/session/test_${randomBytes(16).toString("hex")}`,
      };
      portalSessions.push({
        customer,
        ...(session.return_url ? { return_url: session.return_url } : {}),
        url: session.url,
      });
      sendJson(res, session);
      return;
    }
    sendJson(
      res,
      {
        error: {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${req.method}: ${path})`,
        },
      },
      404,
    );
  });
  return Object.assign(server, { subscriptions, portalSessions });
}

/** Test-only keys, made here: never real ones. */
export const TEST_SECRET_KEY = `sk_test_${randomBytes(12).toString("hex")}`;
export const TEST_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url").replace(/[-_]/g, "x")}`;

export function subscriptionObject(input: {
  id?: string;
  customer: string;
  status: Stripe.Subscription.Status;
  periodEnd: Date;
  periodStart?: Date;
  cancelAtPeriodEnd?: boolean;
}): Stripe.Subscription {
  const start = input.periodStart ?? new Date(input.periodEnd.getTime() - 30 * 86_400_000);
  const subId = input.id ?? id("sub");
  return {
    id: subId,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: unix(start),
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_thresholds: null,
    cancel_at: input.cancelAtPeriodEnd ? unix(input.periodEnd) : null,
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    canceled_at: input.cancelAtPeriodEnd || input.status === "canceled" ? unix(start) : null,
    cancellation_details: {
      comment: null,
      feedback: null,
      reason: input.status === "canceled" ? "cancellation_requested" : null,
    },
    collection_method: "charge_automatically",
    created: unix(start),
    currency: "eur",
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: "pm_1",
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: input.status === "canceled" ? unix(input.periodEnd) : null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      object: "list",
      data: [
        {
          id: id("si"),
          object: "subscription_item",
          billing_thresholds: null,
          created: unix(start),
          current_period_end: unix(input.periodEnd),
          current_period_start: unix(start),
          discounts: [],
          metadata: {},
          plan: null,
          price: {
            id: "price_premium",
            object: "price",
            active: true,
            currency: "eur",
            unit_amount: 500,
            type: "recurring",
            recurring: { interval: "month", interval_count: 1, meter: null, usage_type: "licensed" },
          },
          quantity: 1,
          subscription: subId,
          tax_rates: [],
        },
      ],
      has_more: false,
      url: `/v1/subscription_items?subscription=${subId}`,
    },
    latest_invoice: id("in"),
    livemode: false,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: unix(start),
    status: input.status,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: null,
  } as unknown as Stripe.Subscription;
}

/** A Payment Link checkout in subscription mode, as `checkout.session.completed` carries it. */
export function checkoutSessionObject(input: {
  clientReferenceId: string | null;
  customer: string;
  subscription: string;
  email?: string;
}): Record<string, unknown> {
  return {
    id: `cs_test_${randomBytes(24).toString("hex")}`,
    object: "checkout.session",
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: false,
    amount_subtotal: 500,
    amount_total: 500,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: "auto",
    cancel_url: null,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: { business_name: null, individual_name: null, shipping_details: null },
    consent: null,
    consent_collection: null,
    created: unix(new Date()),
    currency: "eur",
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: input.customer,
    customer_account: null,
    customer_creation: "always",
    customer_details: {
      address: { city: null, country: "PT", line1: null, line2: null, postal_code: null, state: null },
      business_name: null,
      email: input.email ?? "ada@example.com",
      individual_name: null,
      name: "Ada Lovelace",
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    },
    customer_email: null,
    discounts: [],
    expires_at: unix(new Date(Date.now() + 86_400_000)),
    invoice: id("in"),
    invoice_creation: null,
    livemode: false,
    locale: "auto",
    metadata: {},
    mode: "subscription",
    origin_context: null,
    payment_intent: null,
    payment_link: "plink_premium",
    payment_method_collection: "always",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: "paid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: {
      allow_redisplay_filters: ["always"],
      payment_method_remove: "disabled",
      payment_method_save: null,
    },
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "complete",
    submit_type: "auto",
    subscription: input.subscription,
    success_url: "https://photomemory.example/thanks",
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: null,
    wallet_options: null,
  };
}

/** An invoice of a subscription (API ≥ 2025-03-31: the subscription is under `parent.subscription_details`). */
export function invoiceObject(input: {
  subscription: string;
  customer: string;
  paid: boolean;
}): Record<string, unknown> {
  return {
    id: id("in"),
    object: "invoice",
    account_country: "PT",
    amount_due: 500,
    amount_paid: input.paid ? 500 : 0,
    amount_remaining: input.paid ? 0 : 500,
    attempt_count: 1,
    attempted: true,
    billing_reason: "subscription_cycle",
    collection_method: "charge_automatically",
    created: unix(new Date()),
    currency: "eur",
    customer: input.customer,
    customer_email: "ada@example.com",
    lines: { object: "list", data: [], has_more: false, url: "/v1/invoices/in_x/lines" },
    livemode: false,
    metadata: {},
    parent: {
      quote_details: null,
      subscription_details: { metadata: {}, subscription: input.subscription },
      type: "subscription_details",
    },
    status: input.paid ? "paid" : "open",
    total: 500,
  };
}

/** An event envelope as Stripe sends it to a webhook endpoint. */
export function eventOf(
  type: string,
  object: unknown,
  options: { id?: string; created?: Date } = {},
): string {
  return JSON.stringify(
    {
      id: options.id ?? id("evt"),
      object: "event",
      api_version: STRIPE_API_VERSION,
      created: unix(options.created ?? new Date()),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    },
    null,
    2,
  );
}

/** The Stripe-Signature header for exactly this payload (optionally at another time, or with another secret). */
export function signatureFor(payload: string, options: { secret?: string; at?: Date } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? TEST_WEBHOOK_SECRET,
    ...(options.at ? { timestamp: unix(options.at) } : {}),
  });
}
