"""How the writer changes the tree all or nothing: a journal, staged files beside their
targets, a rollback, recovery by the next run, and one lock per repository."""
