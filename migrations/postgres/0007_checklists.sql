-- The filled checklist (检查表单) of a result, PostgreSQL. Kept in step with ../sqlite/0007_checklists.sql.

-- `checklist`: the checklist part of the result's log entry (`result.recorded` /
-- `result.corrected`), as RFC 8785 canonical JSON: each matter's checklist named by its
-- content hash, each item's answer (NULL: not checked) and measure, and the SHA-256 of the
-- findings' opening; NULL for a result that fills no checklist.
-- `findings`: the findings' opening, canonical JSON {"findings":[…],"salt":"<64 hex>"},
-- whose SHA-256 the entry carries: the finding texts are working notes, never in the log
-- and never published; NULL when no item was answered as a problem.
-- The results table's append-only triggers cover both columns.
ALTER TABLE results ADD COLUMN checklist TEXT NULL;
ALTER TABLE results ADD COLUMN findings TEXT NULL;
