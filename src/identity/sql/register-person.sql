-- What the register of trained developers reads of a person: their name, whether the account is
-- active, and whether they chose to be shown by name to others there (the profile's setting).
CREATE OR REPLACE VIEW register_person AS
  SELECT id, display_name, status, listed_in_register FROM app_user;
