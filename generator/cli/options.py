"""Options several commands share."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.api import Repository
from generator.builds import keys
from generator.builds.cache import DEFAULT_LIMIT_MB, Cache, default_folder
from generator.limits import from_environ
from generator.report import FORMATS
from generator.validate.shard import Shard, parse_shard

CATALOG_OPTION = click.option(
    "--catalog",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The catalog file [default: ROOT/catalog.yaml].",
)
ROOT_OPTION = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The repository root the tree is written under [default: the current folder].",
)


FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format [default: github when GITHUB_ACTIONS=true, else text].",
)


def repository(root: Path | None, catalog: Path | None) -> Repository:
    """The repository a command works on, with the input limits the GITOPSGEN_MAX_*
    environment variables set (generator.limits)."""
    return Repository.at(root, catalog, from_environ(os.environ))


CACHE_DIR_OPTION = click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where builds and findings are cached [default: $XDG_CACHE_HOME/gitopsgen, or "
    "~/.cache/gitopsgen].",
)
NO_CACHE_OPTION = click.option(
    "--no-cache", is_flag=True, help="Build and check everything; read and write no cache."
)
CACHE_SIZE_OPTION = click.option(
    "--cache-size",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT_MB,
    show_default=True,
    metavar="MB",
    help="Keep the cache under this size: the least recently used entries go first.",
)
QUIET_OPTION = click.option(
    "--quiet", "-q", is_flag=True, help="No progress line on stderr (shown only on a terminal)."
)


def cache_of(cache_dir: Path | None, no_cache: bool, size_mb: int) -> Cache | None:
    if no_cache:
        return None
    cache = Cache(cache_dir or default_folder(os.environ), size_mb)
    keys.MEMOS[:] = [cache]  # the tool's digest is read from there too
    return cache


def _shard(_: click.Context, __: click.Parameter, value: str | None) -> Shard | None:
    try:
        return None if value is None else parse_shard(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


SHARD_OPTION = click.option(
    "--shard",
    default=None,
    metavar="K/N",
    callback=_shard,
    help="Check shard K of N (for a CI matrix): the folders of the apps whose name hashes "
    "there (sha256 mod N, every environment of an app together); shard 1 also checks what "
    "is global (the catalog, promotion, _namespace folders, Argo CD projects and roots, "
    "files of no app). The N shards together report what one run does, each finding "
    "once, but quota-exceeded on built overlays (no shard sums a whole namespace). With "
    "--changed, the shard's part of what the change touches.",
)
