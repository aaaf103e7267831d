-- Any process can follow the playground's chat log: LISTEN playground_messages. A message added or changed (by the web
-- process that took the user's line, or by a worker posting progress and the video) notifies its id and its
-- conversation's; listeners re-read the row, so the payload carries ids only.
create or replace function public.notify_playground_message() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform pg_notify('playground_messages', json_build_object(
    'id', new.id,
    'conversationId', new.channel_id
  )::text);
  return new;
end;
$$;
create trigger playground_messages_notify after insert or update on public.playground_messages
  for each row execute function public.notify_playground_message();
