-- The resume audit log becomes the control audit log: every resume, pause and cancel request that
-- names a run of the workspace, whatever its outcome (ControlAudit in metrics-core). The table keeps
-- its name, key, index, grants and row-level security, so a process still on the previous version
-- keeps appending its resumes (they take the action's default).
--   action           what was asked; every row written before this migration was a resume
--   outcome          the wider closed set: also NOT_FOUND (an unknown step), INVALID (a malformed
--                    request), FORBIDDEN (a viewer's token), UNAUTHENTICATED (no or an invalid
--                    token), UNAVAILABLE (the store failed), ERROR (the orchestrator failed)
--   step_id          null for a pause or a cancel, and for a resume refused before its body was read
--   input_overrides  the overrides a resume gave, as given (json keeps their order)
ALTER TABLE runmetrics.resume_audit
    ADD COLUMN action text NOT NULL DEFAULT 'RESUME'
        CONSTRAINT resume_audit_action_check CHECK (action IN ('RESUME', 'PAUSE', 'CANCEL')),
    ADD COLUMN input_overrides json,
    ALTER COLUMN step_id DROP NOT NULL,
    DROP CONSTRAINT resume_audit_outcome_check,
    ADD CONSTRAINT resume_audit_outcome_check CHECK (outcome IN ('ACCEPTED', 'REFUSED', 'CONFLICT', 'NOT_FOUND',
        'INVALID', 'FORBIDDEN', 'UNAUTHENTICATED', 'UNAVAILABLE', 'ERROR'));

-- ALTER TABLE leaves row-level security as V001 set it; said again so this file shows the table's
-- whole tenancy: enabled, forced, and the same workspace policy as every other table.
ALTER TABLE runmetrics.resume_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.resume_audit FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE runmetrics.resume_audit IS
    'Control audit log: resume, pause and cancel requests naming a run of the workspace, append-only';
