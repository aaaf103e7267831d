/**
 * Button values from core are either what the button asks for (`/memory modern Our trip`, `retry:<videoId>`) or a
 * link to open (the upgrade card's payment link). Platforms render links as link buttons, which send nothing back.
 */
export function isLinkValue(value: string): boolean {
  return /^https:\/\/\S+$/.test(value);
}

/** Cuts a value to a platform's byte limit without splitting a character (Telegram callback_data: 64 bytes). */
export function fitBytes(value: string, maxBytes: number): string {
  let out = value;
  while (Buffer.byteLength(out, "utf8") > maxBytes) out = Array.from(out).slice(0, -1).join("");
  return out;
}
