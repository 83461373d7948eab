"""All-or-nothing writes: every file of a run is replaced, created or removed, or none is.

`commit` records the whole change in the journal, stages each new file beside its target
(synced) and links each file it replaces or removes to an `.old` name, all before it touches
a target; then it renames the staged files into place and removes what goes. A failure
before the end puts every old file back (exit 2, nothing changed). A run killed at any
moment leaves each file old or new, and the next writing run (`recover`) completes a
committed journal and undoes any other. generator.writing.journal describes the states.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import WriteError
from generator.writing import journal
from generator.writing.breakpoints import reached
from generator.writing.journal import COMMITTED, PREPARED, ROLLING_BACK, Entry, Journal
from generator.writing.oserrors import HALF_DONE, NOTHING_CHANGED
from generator.writing.staging import RUN_ID_BYTES
from generator.writing.transaction_steps import (
    Failed,
    apply,
    doing,
    finish,
    new_folders,
    shown,
    stage,
    undo,
)

DONE_BUT_UNTIDY = "every file is written; the next writing run removes what is left of this one"


@dataclass(frozen=True)
class Change:
    writes: Mapping[Path, bytes]  # absolute target -> its new bytes
    deletes: Sequence[Path] = ()
    leftovers: Sequence[Path] = ()  # staged files of killed runs: removed first


def commit(root: Path, change: Change, command: str) -> None:
    """Carry out `change` under `root` whole, or raise WriteError with nothing changed (or,
    when even undoing failed, saying the next run finishes the job). Hold the lock."""
    data = {shown(root, t): b for t, b in change.writes.items()}
    plan = Journal(
        secrets.token_hex(RUN_ID_BYTES),
        os.getpid(),
        command,
        tuple(Entry(p, os.path.lexists(root / p)) for p in sorted(data)),
        tuple(sorted(shown(root, t) for t in change.deletes)),
        new_folders(root, change.writes),
    )
    try:
        for path in change.leftovers:
            with doing("remove", root, path):
                path.unlink(missing_ok=True)
        if not (plan.writes or plan.deletes):
            return
        with doing("write", root, journal.path_of(root, PREPARED)):
            journal.write(root, plan)
    except Failed as failed:
        raise failed.report(NOTHING_CHANGED) from None
    reached("prepared")
    try:
        stage(root, plan, data)
        reached("staged")
        with doing("write", root, journal.path_of(root, COMMITTED)):
            journal.advance(root, PREPARED, COMMITTED)
        reached("committed")
        apply(root, plan)
    except Failed as failed:
        raise _abandon(root, plan, failed, NOTHING_CHANGED) from None
    reached("applied")
    try:
        finish(root, plan)
    except Failed as failed:
        raise failed.report(DONE_BUT_UNTIDY) from None


def recover(root: Path) -> bool:
    """Complete (committed) or undo (any other state) the change of a run that was killed or
    failed to undo itself; False when there is none. Hold the lock."""
    found = journal.read(root)
    if found is None:
        return False
    state, plan = found
    context = f"an interrupted run (pid {plan.pid}, {plan.command}) cannot be finished: "
    if state == COMMITTED:
        try:
            apply(root, plan)
            finish(root, plan)
        except Failed as failed:
            raise _abandon(root, plan, failed, "its change was undone", context) from None
        return True
    try:
        undo(root, plan, state)
    except Failed as failed:
        raise failed.report(HALF_DONE, context) from None
    return True


def _abandon(
    root: Path, plan: Journal, failed: Failed, undone: str, context: str = ""
) -> WriteError:
    """Undo after `failed`; the error to raise says whether that worked."""
    try:
        state = next((s for s in journal.STATES if journal.path_of(root, s).exists()), None)
        if state == COMMITTED:
            with doing("write", root, journal.path_of(root, ROLLING_BACK)):
                journal.advance(root, COMMITTED, ROLLING_BACK)
            state = ROLLING_BACK
        if state is not None:
            undo(root, plan, state)
    except Failed:
        return failed.report(HALF_DONE, context)
    return failed.report(undone, context)
