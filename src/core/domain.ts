/** Domain words shared by every layer: styles, photos, scripts, memories. No I/O here. */

export const STYLE_NAMES = ["classic", "modern", "cinematic", "vintage"] as const;
export type StyleName = (typeof STYLE_NAMES)[number];
export const PREMIUM_STYLES: readonly StyleName[] = ["cinematic", "vintage"];

export const ASPECTS = ["16:9", "9:16", "1:1"] as const;
export type Aspect = (typeof ASPECTS)[number];
export const RESOLUTIONS = [720, 1080] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/**
 * Where conversations happen: the chat platforms (each one folder under src/bots, listed in src/bots/platforms.ts)
 * and the local playground. The one list of names; core and the job events are typed on it.
 */
export const PLATFORM_NAMES = ["slack", "discord", "telegram", "playground"] as const;
export type Platform = (typeof PLATFORM_NAMES)[number];

/** A face found in a photo, as fractions (0..1) of its width and height; `score` is the detector's confidence. */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** A photo after normalisation, as the render engine and script writers see it. */
export interface PreparedPhoto {
  /** Stable id: a Store photo id, or for the CLI the file path's index. */
  id: string;
  /** Path to the normalised JPEG on local disk (renderer input). */
  path: string;
  width: number;
  height: number;
  /** EXIF DateTimeOriginal, when the photo had one. */
  takenAt: Date | null;
  /** Order of arrival (upload order), the tie-breaker after takenAt. */
  arrivalIndex: number;
  /** Where the subject is, as fractions of width/height (the faces' centre, else sharp's attention strategy). */
  focus?: { x: number; y: number };
  /** Faces found at intake; framing keeps them whole. Absent or empty: none found (or not known). */
  faces?: FaceBox[] | null;
  /** Human-readable name for messages ("IMG_0042.jpg"). */
  name?: string;
}

/** What a ScriptWriter produces: the words of a memory and the order of its photos. */
export interface Script {
  title: string;
  subtitle?: string;
  /** Photo ids in the order they are shown. */
  order: string[];
  /** Caption per photo id; absent or empty means no caption. */
  captions: Record<string, string>;
  closing?: string;
  locale: string;
  /** Which writer produced it ("offline", "openai:gpt-4o-mini"). */
  writer: string;
}

export interface ScriptRequest {
  photos: PreparedPhoto[];
  style: StyleName;
  locale: string;
  /** A title the user typed; when given it wins. */
  title?: string;
  /** Reads a small JPEG preview of a photo (for vision models); offline writers ignore it. */
  preview?: (photoId: string) => Promise<Uint8Array>;
}

/** Port: turns photos into a script. Implemented offline (dates) and with OpenAI. */
export interface ScriptWriter {
  readonly name: string;
  write(request: ScriptRequest, signal?: AbortSignal): Promise<Script>;
}
