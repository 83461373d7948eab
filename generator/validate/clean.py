"""Environments whose rendered objects passed every manifest rule before, remembered in the
cache (generator.builds.cache), so `generate` and `validate` do not check them again.

Only a clean result is remembered (every finding, if any, waived by the catalog's
`suppress`): a finding's position is a catalog line, which an edit
elsewhere in the catalog moves, but "no finding" holds wherever the lines are. The key is
everything the rules read: the tool (its code, data and libraries), the rule set, the
environment's context and every rendered object with the name of the app it renders.
Editing one app's version in dev leaves staging and prod known clean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.builds import keys
from generator.builds.cache import Cache
from generator.rule import ManifestRule, RuleContext

KIND = "clean"


class CleanMemo:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def key(
        self,
        objects: Sequence[tuple[str, Mapping[str, Any]]],
        ctx: RuleContext,
        rules: Sequence[ManifestRule],
        suppressions: str,
    ) -> str | None:
        """The key of the rendered `objects` (each with the name of the app or guardrails
        that render it) under these rules in this context, with the catalog's
        `suppressions` (a finding they waive does not count); None when the rule set is not
        gitopsgen's own (its code is outside the tool digest)."""
        rule_set = keys.rules_key(rules)
        if rule_set is None:
            return None
        digest = keys.Digest("clean").add(keys.tool()).add(rule_set).add(repr(ctx))
        digest.add(suppressions)
        for source, obj in objects:
            digest.add(source).add(repr(obj))
        return digest.hexdigest()

    def known(self, key: str) -> bool:
        return self.cache.get(KIND, key) is not None

    def remember(self, key: str) -> None:
        self.cache.put(KIND, key, "")
