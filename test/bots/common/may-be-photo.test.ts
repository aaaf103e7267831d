import { expect, it } from "vitest";
import { mayBePhoto } from "../../../src/bots/common/may-be-photo.ts";

it("trusts a MIME type, else the extension, and leaves a file with neither to the byte sniffing", () => {
  expect(mayBePhoto({ mimeType: "image/heic", name: "a.pdf" })).toBe(true);
  expect(mayBePhoto({ mimeType: "application/pdf", name: "a.jpg" })).toBe(false);
  expect(mayBePhoto({ name: "IMG_2211.JPG" })).toBe(true);
  expect(mayBePhoto({ name: "scan.HEIC" })).toBe(true);
  expect(mayBePhoto({ name: "itinerary.pdf" })).toBe(false);
  expect(mayBePhoto({ name: "clip.mp4" })).toBe(false);
  expect(mayBePhoto({ name: "image" })).toBe(true);
  expect(mayBePhoto({})).toBe(true);
});
