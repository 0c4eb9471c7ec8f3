-- A request for a manager's approval lapses 14 days after it was asked, or when the round's
-- enrolment closes if sooner: the deadline is set whenever an enrolment starts waiting, and a
-- new wait gets a new reminder (ApprovalDeadlinesService lapses and reminds).
CREATE OR REPLACE FUNCTION enrolment_approval_expiry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'pending_approval' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'pending_approval') THEN
    NEW.approval_expires_at := least(now() + interval '14 days', (SELECT enrolment_closes_at FROM cohort_listing WHERE id = NEW.cohort_id));
    NEW.approval_reminded_at := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER enrolment_approval_expiry BEFORE INSERT OR UPDATE OF status ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_approval_expiry();
