-- What Supabase provides and plain Postgres / PGlite lack, so that the same migrations run everywhere, through the
-- Supabase CLI (`supabase db push`) as through the service's own migrator: the roles anon, authenticated and
-- service_role, and auth.uid() reading the `sub` of `request.jwt.claims`. On Supabase this changes nothing. Roles are
-- cluster-wide (not per database), so a concurrent creation elsewhere is tolerated.
do $shim$
declare
  r record;
begin
  -- On Supabase (or after an earlier run) everything is there: change nothing.
  if (select count(*) from pg_catalog.pg_roles where rolname in ('anon', 'authenticated', 'service_role')) = 3
     and to_regprocedure('auth.uid()') is not null then
    return;
  end if;

  for r in select * from (values ('anon', false), ('authenticated', false), ('service_role', true)) as t(name, bypass)
  loop
    if not exists (select 1 from pg_catalog.pg_roles where rolname = r.name) then
      begin
        execute format('create role %I nologin noinherit%s', r.name, case when r.bypass then ' bypassrls' else '' end);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;

  if not exists (select 1 from pg_catalog.pg_namespace where nspname = 'auth') then
    create schema auth;
  end if;

  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid
    language sql stable set search_path = ''
    as $uid$ select nullif(pg_catalog.current_setting('request.jwt.claims', true)::jsonb ->> 'sub', '')::uuid $uid$;
  end if;

  grant usage on schema auth to anon, authenticated, service_role;
  grant execute on function auth.uid() to anon, authenticated, service_role;
  grant usage on schema public to anon, authenticated, service_role;
end
$shim$;
