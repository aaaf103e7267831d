/**
 * sharp, loaded on first use: libvips and its threads are ~18 MB of resident memory that an idle service does not
 * need. Every module that draws or reads pixels awaits it here.
 */
import type sharp from "sharp";

let loading: Promise<typeof sharp> | undefined;

export function loadSharp(): Promise<typeof sharp> {
  loading ??= import("sharp").then(({ default: loaded }) => {
    // libvips' operation cache keeps the last 100 operations alive, with the input buffers they read from: every
    // photo is normalised once, so it could only ever hold memory (measured: ~30 MB of a CLI render's Node process
    // after 20 photos, with the dead buffers collected).
    loaded.cache(false);
    return loaded;
  });
  return loading;
}
