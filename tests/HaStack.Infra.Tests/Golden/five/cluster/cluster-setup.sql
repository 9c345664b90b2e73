-- Written by HaStack: roles, databases and PgBouncer's lookup function, run with psql on the primary.
-- Idempotent: every run brings the cluster to this state, passwords included.
\set ON_ERROR_STOP on
-- every literal below is written with only its quotes doubled, which is safe only while backslashes are plain
-- characters: set so for this session whatever the server's postgres.parameters say
SET standard_conforming_strings = on;
SELECT 'CREATE ROLE pgbouncer_auth LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgbouncer_auth') \gexec
ALTER ROLE pgbouncer_auth LOGIN PASSWORD '@@secret:pgbouncer-auth:sql@@';
-- a user removed from the stack file keeps its role and what it owns (nothing is dropped), but may no longer log
-- in, and its sessions end (PgBouncer's pooled ones too, which would otherwise serve it until they idle out)
SELECT format('ALTER ROLE %I NOLOGIN', r.rolname) FROM pg_roles r
  JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
  WHERE d.description = 'a user of a HaStack stack file; NOLOGIN once removed from it' AND r.rolcanlogin
    AND r.rolname NOT IN ('pgbouncer_auth') \gexec
SELECT count(pg_terminate_backend(a.pid)) AS ended_sessions FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
  JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
  WHERE d.description = 'a user of a HaStack stack file; NOLOGIN once removed from it' AND NOT r.rolcanlogin;
\connect postgres
SET standard_conforming_strings = on;
CREATE SCHEMA IF NOT EXISTS pgbouncer AUTHORIZATION postgres;
CREATE OR REPLACE FUNCTION pgbouncer.user_lookup(in i_username text, out uname text, out phash text)
RETURNS record LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT usename, passwd FROM pg_shadow WHERE usename = i_username $$;
REVOKE ALL ON FUNCTION pgbouncer.user_lookup(text) FROM public;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer_auth;
GRANT EXECUTE ON FUNCTION pgbouncer.user_lookup(text) TO pgbouncer_auth;
\connect template1
SET standard_conforming_strings = on;
CREATE SCHEMA IF NOT EXISTS pgbouncer AUTHORIZATION postgres;
CREATE OR REPLACE FUNCTION pgbouncer.user_lookup(in i_username text, out uname text, out phash text)
RETURNS record LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT usename, passwd FROM pg_shadow WHERE usename = i_username $$;
REVOKE ALL ON FUNCTION pgbouncer.user_lookup(text) FROM public;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer_auth;
GRANT EXECUTE ON FUNCTION pgbouncer.user_lookup(text) TO pgbouncer_auth;
