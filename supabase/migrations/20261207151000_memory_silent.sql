-- `/memory … silent`: the memory is made without music (otherwise the style's own soundtrack plays).
alter table public.memory_projects add column if not exists silent boolean not null default false;
