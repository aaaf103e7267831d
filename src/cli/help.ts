/** The text of `photomemory --help`. */
export const HELP = `photomemory: turn a folder of photos into a memory video

Usage:
  photomemory render <files or folders…> [options]
  photomemory demo [options]       make sample photos (once) and render them to .data/demo/memory.mp4
  photomemory migrate              apply the database migrations
  photomemory help                 show this text

Render options:
  --style classic|modern|cinematic|vintage   look of the video (default classic)
  --title T                                  title card text (default: from the photo dates)
  --aspect 16:9|9:16|1:1                     frame shape (default 16:9)
  --resolution 720|1080                      frame height for 16:9 (default 1080)
  --music FILE                               soundtrack, looped or trimmed, faded, at -16 LUFS
                                             (default: the style's own music)
  --silent                                   no music
  --max-bytes N                              keep the video under N bytes; accepts 10MiB, 50MB, 800k
  --out FILE                                 output video (default memory.mp4; poster next to it as .jpg)
  --json                                     print a JSON summary on stdout

Folders contribute their own photos (not subfolders), sorted by name; hidden files are ignored.
Files that are not usable photos are skipped and named with the reason.
Exit codes: 0 done, 1 nothing rendered, 2 usage error, 130 interrupted.
Environment: FFMPEG_PATH, FFPROBE_PATH (otherwise ffmpeg-static, then ffmpeg on PATH), FFMPEG_CPUFLAGS; DATA_DIR for demo.
`;
