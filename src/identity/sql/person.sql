-- What other areas may read about people and agencies (identity owns app_user and agency).
-- A person's password hash is not part of it: only identity's sign-in reads that.
CREATE OR REPLACE VIEW person AS
  SELECT id, email, display_name, agency_id, language, site_role, status, session_version, erasure_requested_at,
         last_signed_in_at, created_at, updated_at, digest_hour, digest_rhythm, hide_name_from_participants, email_verified_at
  FROM app_user;

CREATE OR REPLACE VIEW agency_name AS
  SELECT id, name, email_domains, created_at FROM agency;
