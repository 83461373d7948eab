"""`secrets-` rules."""

from __future__ import annotations

from generator.rule import ManifestRule

RULES: tuple[ManifestRule, ...] = ()
