"""What to tell a person whose file system refused a write: the file, the cause, a remedy."""

from __future__ import annotations

import errno

from generator.constants import STATE_DIR
from generator.errors import WriteError
from generator.finding import Position

NOTHING_CHANGED = "nothing was changed"
HALF_DONE = (
    f"the unfinished change is recorded in {STATE_DIR}/: the next 'gitopsgen generate' "
    "completes or undoes it"
)

_REMEDIES = {
    errno.ENOSPC: "free some space on that file system",
    errno.EDQUOT: "free some space or raise your disk quota",
    errno.EROFS: "its file system is mounted read-only; remount it read-write, or work in a "
    "writable checkout",
    errno.EPERM: "it or its folder is protected (an immutable or append-only attribute: see "
    "'lsattr'; remove it with 'chattr -i'), or owned by someone else",
    errno.EACCES: "check the permissions of the file and of its folder",
}


def cannot(verb: str, shown: str, exc: OSError, outcome: str, context: str = "") -> WriteError:
    """`<context>cannot <verb> <shown>: <cause>; <remedy>, then run the command again
    (<outcome>)`."""
    cause = exc.strerror or str(exc)
    remedy = _REMEDIES.get(exc.errno or 0, "fix the cause")
    return WriteError(
        f"{context}cannot {verb} {shown}: {cause}; {remedy}, then run the command again "
        f"({outcome})",
        Position(shown),
    )
