-- What other areas may read of API tokens and the audit log (identity owns api_token and audit_log).
-- A token's hash is readable only for the tokens that sign a request in now, so access can resolve
-- a bearer token in one statement with its person.

-- The tokens that sign requests in now: not revoked, not expired.
CREATE OR REPLACE VIEW live_api_token AS
  SELECT id, user_id, token_hash, last_used_at FROM api_token WHERE revoked_at IS NULL AND expires_at > now();

-- Every token a person was issued, without its hash: names and dates.
CREATE OR REPLACE VIEW api_token_listing AS
  SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_token;

-- Who did what to whom (target_id is a user's id when target_type is 'user').
CREATE OR REPLACE VIEW audit_entry AS
  SELECT id, actor_user_id, action, target_type, target_id, details, created_at FROM audit_log;
