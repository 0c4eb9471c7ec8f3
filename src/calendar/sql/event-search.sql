-- The search vector of a network event (search/sql/search-vector.sql): its title above its
-- description and place, each language in its own.

CREATE OR REPLACE FUNCTION network_event_vector(e network_event) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(search_vector_localized(e.title), 'A') || search_vector_localized(e.description) || search_vector('fi', e.place)
$$;

CREATE OR REPLACE TRIGGER network_event_search BEFORE INSERT OR UPDATE OF title, description, place ON network_event FOR EACH ROW EXECUTE FUNCTION search_keep_vector('network_event_vector');
