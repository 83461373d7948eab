"""User errors, one hierarchy, mapped to exit codes in one place (`exit_code`)."""

from __future__ import annotations

from generator.finding import Finding, Position

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class GitopsgenError(Exception):
    """An error the user caused and can fix; never shown with a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        prefix = f"{self.position}: " if self.position else ""
        return f"{prefix}error: {self.message}"


class InputError(GitopsgenError):
    """Input that cannot be read at all: a missing file, bytes that are not UTF-8, broken YAML."""


class UsageError(GitopsgenError):
    """A command line that does not make sense."""


class FindingsError(GitopsgenError):
    """Input that was read but is invalid: reported as findings, exit 1."""

    exit_code = EXIT_FINDINGS

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.findings)


class RefusedError(GitopsgenError):
    """A request that is understood but refused (e.g. a promotion that skips an environment):
    exit 1, one line per reason, each at its catalog position where there is one."""

    exit_code = EXIT_FINDINGS

    def __init__(self, reasons: list[GitopsgenError]) -> None:
        super().__init__("; ".join(r.message for r in reasons))
        self.reasons = reasons

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self.reasons)


class WriteError(GitopsgenError):
    """A file the command must write cannot be written (a full disk, a read-only mount, an
    immutable file ...): exit 2, with the file, the cause and what the tree looks like now."""


class LockedError(GitopsgenError):
    """Another writing command holds the repository's lock: exit 2, saying who."""
