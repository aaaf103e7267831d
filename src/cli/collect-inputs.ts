/**
 * Turns the paths on the command line into the list of files to try, in arrival order. Files keep the order they
 * were given in; a folder contributes its own files (not its subfolders), sorted by name the way people count
 * ("IMG_2" before "IMG_10"). Hidden files (".DS_Store", "._IMG_1.jpg") are ignored.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

export interface InputFile {
  path: string;
  /** As the user would recognise it in a message: the path as typed, or folder/name. */
  display: string;
}

export type CollectResult = { files: InputFile[]; missing: string[] };

const byName = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

export async function collectInputs(paths: readonly string[], cwd: string): Promise<CollectResult> {
  const files: InputFile[] = [];
  const missing: string[] = [];
  for (const given of paths) {
    const resolved = path.resolve(cwd, given);
    const info = await stat(resolved).catch(() => null);
    if (!info) {
      missing.push(given);
    } else if (info.isDirectory()) {
      const entries = await readdir(resolved, { withFileTypes: true });
      const names = entries
        .filter((e) => !e.name.startsWith(".") && (e.isFile() || e.isSymbolicLink()))
        .map((e) => e.name)
        .sort(byName.compare);
      for (const name of names) {
        const full = path.join(resolved, name);
        if ((await stat(full).catch(() => null))?.isFile())
          files.push({ path: full, display: path.join(given, name) });
      }
    } else if (info.isFile()) {
      files.push({ path: resolved, display: given });
    } else {
      missing.push(given);
    }
  }
  return { files, missing };
}
