-- Curation metrics, measured once at intake on a small greyscale copy (src/core/photos/quality.ts), so choosing the
-- photos of a memory reads rows and never decodes an image: a 64-bit difference hash for near-duplicates (16 hex
-- digits), sharpness (variance of the Laplacian; higher is sharper), mean brightness (0..1) and the share of pixels
-- clipped to black or white (0..1). Null for photos stored before this migration: curation then keeps them.
alter table public.photos add column if not exists dhash text check (dhash ~ '^[0-9a-f]{16}$');
alter table public.photos add column if not exists sharpness real check (sharpness >= 0);
alter table public.photos add column if not exists brightness real check (brightness between 0 and 1);
alter table public.photos add column if not exists clipped real check (clipped between 0 and 1);
