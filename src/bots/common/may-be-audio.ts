/**
 * Whether a platform file may be a song or voice note, judged before its bytes are seen (the intake job checks the
 * bytes): an audio MIME type, else an audio file extension. Platforms label some clips oddly (Slack's audio clips can
 * come as video/mp4), so a platform may say so itself.
 */
const AUDIO_EXTENSION = /\.(mp3|m4a|aac|ogg|oga|opus|wav|flac|webm|weba)$/i;

export function mayBeAudio(file: { mimeType?: string | undefined; name?: string | undefined }): boolean {
  if (file.mimeType) return file.mimeType.toLowerCase().startsWith("audio/");
  return AUDIO_EXTENSION.test(file.name ?? "");
}
