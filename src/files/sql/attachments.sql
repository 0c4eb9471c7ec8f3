-- The files other areas list beside what owns them (a post's attachments on its thread page), in
-- the owner's order: what a page shows of a file, never its bytes or who uploaded it. A page reads
-- them in the statement that reads their owners, instead of a round trip of its own.
CREATE OR REPLACE VIEW file_attachment AS
  SELECT id, owner_kind, owner_id, original_name, mime_type, size, thumbnail_sha256 IS NOT NULL AS has_thumbnail, position, created_at
    FROM stored_file
   WHERE owner_kind IS NOT NULL;
