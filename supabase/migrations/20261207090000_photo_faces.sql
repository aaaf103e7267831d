-- Faces found at intake, as fractions of the photo's width and height: [{"x","y","w","h","score"}, ...].
-- Null when not known (photos from before this column, or the detector could not run); [] when there is none.
-- Framing (Ken Burns, portraits) keeps every face in frame.
alter table public.photos add column if not exists faces jsonb;
