export { readExifDate } from "./exif-date.ts";
export { closeFaceDetector, detectFaces, type FaceBox } from "./faces.ts";
export { CENTRE, type Focus, findFocus } from "./focus.ts";
export {
  type NormalisedPhoto,
  type NormalisePhotoOptions,
  normalisePhoto,
  PHOTO_DEFAULTS,
} from "./normalise-photo.ts";
export { type PhotoFormat, type SniffResult, sniffPhoto } from "./sniff.ts";
