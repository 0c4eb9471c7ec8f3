-- What other areas may read of the register's own rows about a person (a person's download of
-- their data reads these): imported historical completions matched to them, and the agencies
-- they are the register's contact person for.

CREATE OR REPLACE VIEW historical_completion_by_person AS
  SELECT id, user_id, email, person_name, agency_id, programme_id, year, imported_by_id, imported_at, anonymised_at
  FROM historical_completion;

CREATE OR REPLACE VIEW agency_contact_by_person AS
  SELECT user_id, agency_id, granted_by_id, granted_at FROM agency_contact;
