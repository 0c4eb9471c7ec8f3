-- What other areas may read of the materials a person added (a person's download of their data
-- reads this): what, where and when, and the versions they put up.

CREATE OR REPLACE VIEW material_by_person AS
  SELECT id, created_by, kind, title, programme_id, cohort_id, session_id, created_at FROM material;

CREATE OR REPLACE VIEW material_version_by_person AS
  SELECT id, material_id, version, added_by, url, created_at FROM material_version;
