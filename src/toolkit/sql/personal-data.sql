-- What other areas may read of the toolkit's cases by person (a person's download of their data
-- reads this): the cases they submitted with the outcome, and the decisions an admin made.

CREATE OR REPLACE VIEW toolkit_entry_by_person AS
  SELECT id, submitted_by, reviewed_by, kind, title, description, status, review_note, reviewed_at, created_at FROM toolkit_entry;
