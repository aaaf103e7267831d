/**
 * What the platform contract test needs from each platform: its variables pointing at its local stand-in, and real
 * shaped deliveries carrying one photo, signed as the platform signs them or forged. Each platform folder under
 * test/bots has a `contract-kit.ts` exporting `startKit`; the contract test finds it by the platform's name.
 */
export interface PlatformKit {
  env: Record<string, string>;
  /** A delivery carrying one photo, signed (or authenticated) the way the platform does. */
  photoDelivery(): Request;
  /** The same delivery with a wrong signature or secret. */
  forgedDelivery(): Request;
  close(): Promise<void>;
}
