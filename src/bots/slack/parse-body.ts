/**
 * Slack request bodies, after the signature was checked on the raw bytes: events are JSON, slash commands are
 * form-encoded, interactivity is form-encoded with a JSON `payload` field. No SDK, so the edge Worker parses the same.
 */
export function parseSlackBody(text: string, contentType: string): Record<string, unknown> | null {
  try {
    if (contentType.includes("application/json")) return JSON.parse(text) as Record<string, unknown>;
    const form = Object.fromEntries(new URLSearchParams(text));
    if (typeof form.payload === "string") return JSON.parse(form.payload) as Record<string, unknown>;
    return form;
  } catch {
    return null;
  }
}
