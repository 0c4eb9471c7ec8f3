-- What other areas may read of the files a person uploaded (a person's download of their data
-- reads this): names, types, sizes and dates, never the bytes.

CREATE OR REPLACE VIEW stored_file_by_person AS
  SELECT id, uploaded_by, original_name, mime_type, size, owner_kind, created_at FROM stored_file;
