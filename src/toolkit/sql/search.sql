-- The search vector of a toolkit entry (search/sql/search-vector.sql): its title above its
-- description, each language in its own.

CREATE OR REPLACE FUNCTION toolkit_entry_vector(e toolkit_entry) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(search_vector_localized(e.title), 'A') || search_vector_localized(e.description)
$$;

CREATE OR REPLACE TRIGGER toolkit_entry_search BEFORE INSERT OR UPDATE OF title, description ON toolkit_entry FOR EACH ROW EXECUTE FUNCTION search_keep_vector('toolkit_entry_vector');
