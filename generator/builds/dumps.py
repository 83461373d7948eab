"""The YAML texts of the documents earlier runs dumped (generator.yamlout's memo), kept in
the cache: a run that renders what an earlier one rendered does not dump it again. Dumping
is most of a render's time (PyYAML's representer is Python), and a repository's documents
change a few at a time.

One entry per repository and tool (its code, data and libraries): a JSON object from the
digest of a document's repr to its text. It is written again only when the run dumped a
document it did not find there. It keeps the documents this run used, then the others
while it holds fewer than KEEP: the documents of an edited app's old version go once the
entry is full. An entry that cannot be read, or has another shape, is empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator import yamlout
from generator.builds import keys
from generator.builds.cache import Cache

KIND = "dumps"
KEEP = 100_000  # documents kept; a 1,000-app repository renders about 21,000


def _key(root: Path) -> str:
    return keys.Digest(KIND).add(keys.tool()).add(str(root.resolve())).hexdigest()


def load(cache: Cache, root: Path) -> dict[str, str]:
    """The texts kept for `root`; none when the entry cannot be read or has another shape."""
    text = cache.get(KIND, _key(root))
    if text is None:
        return {}
    try:
        entries = json.loads(text)
    except ValueError:
        return {}
    if isinstance(entries, dict) and all(isinstance(t, str) for t in entries.values()):
        return entries
    return {}


def save(cache: Cache, root: Path) -> None:
    used, others, new = yamlout.remembered()
    if not new:
        return
    for key, text in others.items():
        if len(used) >= KEEP:
            break
        used[key] = text
    cache.put(KIND, _key(root), json.dumps(used, ensure_ascii=False, separators=(",", ":")))


@contextmanager
def kept(cache: Cache | None, root: Path) -> Iterator[None]:
    """Within: the documents the cache holds for `root` are not dumped again (read at the
    first dump: a run that renders nothing does not read them); after (also after a
    refusal), what was dumped is kept."""
    if cache is None:
        yield
        return
    yamlout.new_run(lambda: load(cache, root))
    try:
        yield
    finally:
        save(cache, root)
        yamlout.new_run()
