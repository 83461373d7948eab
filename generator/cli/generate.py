"""`gitopsgen generate`: write the tree the catalog describes (or check it)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.api import generate
from generator.builds import dumps, prechecks
from generator.cli.errors import handles_errors
from generator.cli.options import (
    CACHE_DIR_OPTION,
    CACHE_SIZE_OPTION,
    CATALOG_OPTION,
    NO_CACHE_OPTION,
    ROOT_OPTION,
    cache_of,
    repository,
)
from generator.constants import STATE_DIR
from generator.errors import EXIT_CLEAN, EXIT_FINDINGS
from generator.writer import unified_diff


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@click.command("generate")
@CATALOG_OPTION
@ROOT_OPTION
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the tree differs.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print the unified diff.")
@CACHE_DIR_OPTION
@NO_CACHE_OPTION
@CACHE_SIZE_OPTION
@handles_errors
def generate_command(
    catalog: Path | None,
    root: Path | None,
    check: bool,
    show_diff: bool,
    cache_dir: Path | None,
    no_cache: bool,
    cache_size: int,
) -> int:
    """Generate base/, overlays/ and argocd/ from the catalog.

    Writes only files whose bytes change, removes generated files the catalog no longer
    produces, and never touches a file it did not generate. An invalid catalog writes
    nothing (exit 1); so does a write the file system refuses (exit 2). All files change
    together or none does, one writer at a time (the lock is .gitopsgen/lock); a run that
    was killed is completed or undone by the next one. Environments whose rendered objects
    passed every manifest rule before are not checked again (the cache validate uses).
    """
    repo = repository(root, catalog)
    cache = cache_of(cache_dir, no_cache, cache_size)
    with dumps.kept(cache, repo.root), prechecks.kept(cache):
        result = generate(repo, write=not (check or show_diff), cache=cache)
    if cache is not None:
        cache.prune()
    todo = result.plan
    source = repo.catalog_shown
    if show_diff:
        click.echo(unified_diff(todo, result.tree), nl=False)
    if result.interrupted:
        click.echo(
            f"an interrupted gitopsgen run left its journal in {STATE_DIR}/; "
            "'gitopsgen generate' completes or undoes it"
        )
    if check or show_diff:
        if not todo.drift:
            click.echo(f"the tree is up to date with {source} ({_count(len(result.tree), 'file')})")
            return EXIT_CLEAN
        if check:
            for path in sorted(todo.writes):
                state = "differs" if path in todo.current else "is missing"
                click.echo(f"{path}: {state}")
            for path in todo.deletes:
                click.echo(f"{path}: is no longer generated")
        changed = len(todo.writes) + len(todo.deletes)
        click.echo(f"{_count(changed, 'file')} out of date with {source}; run 'gitopsgen generate'")
        return EXIT_FINDINGS if check else EXIT_CLEAN
    click.echo(
        f"wrote {_count(len(todo.writes), 'file')}, removed {len(todo.deletes)}, "
        f"{todo.unchanged} unchanged (from {source})"
    )
    return EXIT_CLEAN
