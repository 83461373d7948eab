"""gitopsgen: one app catalog becomes a validated Kustomize + Argo CD GitOps tree."""

from __future__ import annotations

__version__ = "0.1.0"
