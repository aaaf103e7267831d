/** Songs and voice notes sent to a conversation: intake, and what the bot says about them. */
export { acknowledgeSong } from "./acknowledge-song.ts";
export { type DropSongInput, dropSong } from "./drop-song.ts";
export {
  type IngestedSong,
  ingestPendingSong,
  SONG_MAX_BYTES,
  SONG_MAX_SECONDS,
  songKeyOf,
} from "./ingest-song.ts";
export { type MemoryMusic, musicLine, musicPart, songLabel } from "./song-words.ts";
