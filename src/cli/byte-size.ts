/** Parses sizes people type: "10485760", "10MiB", "50MB", "1.5 GB", "800k". Decimal units are powers of 1000. */

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1000,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Whole bytes, or null when the text is not a positive size. */
export function parseByteSize(text: string): number | null {
  const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*([a-z]*)$/i);
  if (!m) return null;
  const unit = UNITS[(m[2] ?? "").toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

/** "12.3 MB" style, for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1000 ** 2) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1000 ** 3) return `${(bytes / 1000 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1000 ** 3).toFixed(2)} GB`;
}
