/**
 * Finds the font files a plan needs by family name, never by a fixed path: fontconfig's `fc-list` where it exists
 * (Linux, Homebrew), else the usual font folders searched by Noto's file names (macOS without fontconfig). Besides the
 * styles' own faces, a text in Arabic, Devanagari, CJK… or with emoji needs the Noto family that draws it (Pango picks
 * it per character), so a missing one is an error that says what to install instead of tofu in the video.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PhotoMemoryError } from "../errors.ts";
import type { FontFace, RenderPlan } from "./types.ts";

/** Family name + face → font file, for what is installed. */
export interface FontCatalog {
  file(face: FontFace): string | null;
}

/** Scripts the styles' Latin faces do not cover, the Noto family that draws each, and where it comes from. */
const SCRIPT_FAMILIES: { script: RegExp; family: string; debian: string; cask: string }[] = [
  {
    script: /\p{Script=Arabic}/u,
    family: "Noto Sans Arabic",
    debian: "fonts-noto-core",
    cask: "font-noto-sans-arabic",
  },
  {
    script: /\p{Script=Hebrew}/u,
    family: "Noto Sans Hebrew",
    debian: "fonts-noto-core",
    cask: "font-noto-sans-hebrew",
  },
  {
    script: /\p{Script=Devanagari}/u,
    family: "Noto Sans Devanagari",
    debian: "fonts-noto-core",
    cask: "font-noto-sans-devanagari",
  },
  {
    script: /\p{Script=Bengali}/u,
    family: "Noto Sans Bengali",
    debian: "fonts-noto-core",
    cask: "font-noto-sans-bengali",
  },
  {
    script: /\p{Script=Tamil}/u,
    family: "Noto Sans Tamil",
    debian: "fonts-noto-core",
    cask: "font-noto-sans-tamil",
  },
  {
    script: /\p{Script=Thai}/u,
    family: "Noto Sans Thai",
    debian: "fonts-noto-core",
    cask: "font-noto-sans-thai",
  },
  {
    script: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u,
    family: "Noto Sans CJK JP",
    debian: "fonts-noto-cjk",
    cask: "font-noto-sans-cjk",
  },
  {
    script: /\p{Extended_Pictographic}/u,
    family: "Noto Color Emoji",
    debian: "fonts-noto-color-emoji",
    cask: "font-noto-color-emoji",
  },
];

/** The face sharp is given: the family, and the file (so a font outside fontconfig's folders is still found). */
export interface ResolvedFace {
  face: FontFace;
  file: string;
}

/**
 * The files of every face the plan's texts use, and of the script fallbacks their characters need. Throws
 * render.font_missing naming the family and the package to install.
 */
export function resolvePlanFonts(plan: RenderPlan, catalog: FontCatalog): Map<string, ResolvedFace> {
  const found = new Map<string, ResolvedFace>();
  const need = (face: FontFace, debian: string, cask: string) => {
    const key = faceKey(face);
    if (found.has(key)) return;
    const file = catalog.file(face);
    if (!file) throw fontMissing(face.family, debian, cask);
    found.set(key, { face, file });
  };
  for (const slide of plan.slides) {
    for (const block of slide.texts) {
      for (const run of block.runs) {
        need(run.font, "fonts-noto-core", caskOf(run.font.family));
        for (const fallback of SCRIPT_FAMILIES) {
          if (fallback.script.test(run.text))
            need({ family: fallback.family }, fallback.debian, fallback.cask);
        }
      }
    }
  }
  return found;
}

export function faceKey(face: FontFace): string {
  return `${face.family}|${face.bold ? "b" : ""}${face.italic ? "i" : ""}`;
}

function caskOf(family: string): string {
  return `font-${family.toLowerCase().replace(/\s+/g, "-")}`;
}

function fontMissing(family: string, debian: string, cask: string): PhotoMemoryError {
  return new PhotoMemoryError(
    "render.font_missing",
    `The font ${family} is not installed on this server: install ${debian} (Debian/Ubuntu: apt-get install ${debian}) or, on macOS, brew install --cask ${cask}.`,
  );
}

let cached: Promise<FontCatalog> | null = null;

/** The installed fonts, listed once per process. */
export function loadFontCatalog(): Promise<FontCatalog> {
  cached ??= listFonts().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}

interface InstalledFace {
  family: string;
  style: string;
  file: string;
}

async function listFonts(): Promise<FontCatalog> {
  const faces = (await fromFontconfig()) ?? (await fromFolders());
  return catalogOf(faces);
}

/** Picks the installed file whose family matches and whose style is closest to the face asked for. */
export function catalogOf(faces: InstalledFace[]): FontCatalog {
  return {
    file(face) {
      const family = squash(face.family);
      // A collection file named by its family's stem (NotoSansCJK-Regular.ttc) holds "Noto Sans CJK JP" and its kin.
      const candidates = faces.filter(
        (f) =>
          squash(f.family) === family ||
          (family.startsWith(squash(f.family)) && /cjk$/.test(squash(f.family))),
      );
      let best: { file: string; score: number } | null = null;
      for (const c of candidates) {
        const style = c.style.toLowerCase();
        const bold = /bold|black|heavy/.test(style);
        const italic = /italic|oblique/.test(style);
        const plain = /^(regular|book|normal|roman)$/.test(style) ? 1 : 0;
        const score =
          (bold === Boolean(face.bold) ? 4 : 0) + (italic === Boolean(face.italic) ? 4 : 0) + plain;
        if (!best || score > best.score) best = { file: c.file, score };
      }
      return best && best.score >= 8 ? best.file : null;
    },
  };
}

const squash = (family: string) => family.toLowerCase().replace(/\s+/g, "");

const run = promisify(execFile);

async function fromFontconfig(): Promise<InstalledFace[] | null> {
  try {
    const { stdout } = await run("fc-list", ["--format", "%{family}\t%{style}\t%{file}\n"], {
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout.split("\n").flatMap((line) => {
      const [families, styles, file] = line.split("\t");
      if (!families || !file) return [];
      // fc-list lists every localised name ("Noto Sans CJK JP,Noto Sans CJK JP Regular"); the first style is English.
      const style = (styles ?? "Regular").split(",")[0] ?? "Regular";
      return families.split(",").map((family) => ({ family: family.trim(), style, file }));
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Without fontconfig: Noto's files are named `<Family without spaces>-<Style>.ttf|otf|ttc` (names compare squashed). */
async function fromFolders(): Promise<InstalledFace[]> {
  const folders = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    join(homedir(), ".local/share/fonts"),
    join(homedir(), ".fonts"),
    "/Library/Fonts",
    "/System/Library/Fonts",
    join(homedir(), "Library/Fonts"),
  ];
  const faces: InstalledFace[] = [];
  for (const folder of folders) {
    const entries = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries) {
      const match = /([^/]+?)(?:-([A-Za-z]+))?\.(ttf|otf|ttc)$/.exec(entry);
      if (!match?.[1]) continue;
      faces.push({
        family: match[1],
        style: (match[2] ?? "Regular").replace(/(?<=[a-z])(?=[A-Z])/g, " "),
        file: join(folder, entry),
      });
    }
  }
  return faces;
}
