/**
 * Whether a platform file may be a photo, judged before its bytes are seen. Platforms do not always say: Discord's
 * attachment `content_type` is optional, Slack Connect files come as bare ids. The MIME type decides when given;
 * otherwise the file extension; a file with neither is taken and the downloader's byte sniffing decides (a file that
 * turns out not to be a photo is named as skipped, never dropped silently).
 */
const IMAGE_EXTENSION = /\.(jpe?g|jfif|png|gif|webp|heic|heif|avif|tiff?|bmp)$/i;
const ANY_EXTENSION = /\.[a-z0-9]{1,8}$/i;

export function mayBePhoto(file: { mimeType?: string | undefined; name?: string | undefined }): boolean {
  if (file.mimeType) return file.mimeType.toLowerCase().startsWith("image/");
  const name = file.name ?? "";
  if (IMAGE_EXTENSION.test(name)) return true;
  return !ANY_EXTENSION.test(name);
}
