-- The search vector of a material (search/sql/search-vector.sql): its title above its note, each
-- language in its own.

CREATE OR REPLACE FUNCTION material_vector(m material) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(search_vector_localized(m.title), 'A') || search_vector_localized(m.note)
$$;

CREATE OR REPLACE TRIGGER material_search BEFORE INSERT OR UPDATE OF title, note ON material FOR EACH ROW EXECUTE FUNCTION search_keep_vector('material_vector');
