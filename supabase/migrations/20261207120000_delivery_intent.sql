-- What a delivery attempt noted before posting the video (when it started, and the platform's own id of an upload in
-- progress, e.g. Slack's file id). Written before the post and kept; delivered_message_ref says it finished. A resumed
-- deliver step reads it to avoid posting the same video twice after a crash.
alter table public.generated_videos add column if not exists delivery_intent jsonb;
