/**
 * Whether a file is audio a memory can play, from its first bytes (never its name or the platform's mime type), and
 * which kind: the containers chats send (Ogg/Opus voice notes, MP3, M4A/AAC, WebM clips, WAV, FLAC). Anything else is
 * described with the photo sniffer's words ("a photo", "an HTML page") for the sentence the user reads.
 */
import { ascii, ftypBrands, sniffPhoto, startsWith } from "../photos/sniff.ts";

export type AudioFormat = "ogg" | "mp3" | "m4a" | "webm" | "wav" | "flac" | "aac";

export type AudioSniff =
  | { kind: "audio"; format: AudioFormat; mimeType: string }
  | { kind: "other"; looksLike: string };

const MIME: Record<AudioFormat, string> = {
  ogg: "audio/ogg",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  webm: "audio/webm",
  wav: "audio/wav",
  flac: "audio/flac",
  aac: "audio/aac",
};

/** ISO-BMFF brands of audio files (iTunes, Voice Memos, Slack's and Discord's clips); plain MP4 brands too. */
const M4A_BRANDS = new Set([
  "M4A ",
  "M4B ",
  "M4P ",
  "mp42",
  "mp41",
  "isom",
  "iso2",
  "iso5",
  "iso6",
  "dash",
  "3gp4",
  "3gp5",
  "qt  ",
]);

const audio = (format: AudioFormat): AudioSniff => ({ kind: "audio", format, mimeType: MIME[format] });

export function sniffAudio(bytes: Uint8Array): AudioSniff {
  if (ascii(bytes, 0, 4) === "OggS") return audio("ogg");
  if (ascii(bytes, 0, 4) === "fLaC") return audio("flac");
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WAVE") return audio("wav");
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return audio("webm");
  if (ascii(bytes, 0, 3) === "ID3") return audio("mp3");
  const brands = ftypBrands(bytes);
  // An MP4 brand may hold a video too: ffprobe then finds (or misses) the sound, which is all a memory needs.
  if (brands?.some((b) => M4A_BRANDS.has(b))) return audio("m4a");
  // An MPEG audio frame header: 11 sync bits; layer bits 01 (layer III) → MP3, 00 (ADTS) → AAC.
  if (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0) {
    const layer = ((bytes[1] ?? 0) >> 1) & 0x03;
    if (layer === 0) return audio("aac");
    if (layer === 1) return audio("mp3");
  }
  const other = sniffPhoto(bytes);
  return { kind: "other", looksLike: other.kind === "photo" ? "a photo" : other.looksLike };
}
