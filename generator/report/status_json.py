"""`gitopsgen status --format json`: the status as a stable document (README, "status").

```
{"version": 1,
 "catalog": "catalog.yaml",
 "environments": [{"name": "prod", "cluster": "prod", "promotesFrom": ["staging"]}, ...],
 "apps": {"web": {"team": "storefront", "chart": null,
                  "environments": {"prod": {"enabled": true, "version": "1.4.1@sha256:...",
                                            "hotfix": null,
                                            "sources": [{"environment": "staging",
                                                         "version": "1.4.2",
                                                         "comparison": "behind"}]}}}},
 "addons": {"prod": {"cert-manager": {"chart": {"repoURL": "...", "name": "cert-manager"},
                                      "version": "v1.16.3", "namespace": "cert-manager",
                                      "hotfix": null,
                                      "sources": [{"cluster": "nonprod", "version": "v1.17.1",
                                                   "comparison": "behind"}]}}},
 "summary": {"apps": 1, "environments": 3, "behind": 1, "hotfixes": 0, "disabled": 0}}
```

Environments in promotion order, apps and add-ons by name, clusters in the order of their
first environment; versions whole, as the catalog writes them (null where it writes none);
`hotfix` is the reason or null; `comparison` is same | behind | ahead | differs | disabled.
An add-on's `sources` are its cluster's source clusters where it is installed (clusters are
ordered by the environments on them: promotion-addon-order).
"""

from __future__ import annotations

import json
from typing import Any

from generator.catalog.model import Addon, Chart
from generator.gitops.status import Cell, Comparison, Status

VERSION = 1


def _chart(chart: Chart | None) -> dict[str, str] | None:
    return None if chart is None else {"repoURL": chart.repo_url, "name": chart.name}


def _cell(cell: Cell) -> dict[str, Any]:
    return {
        "enabled": cell.enabled,
        "version": cell.version,
        "hotfix": cell.hotfix,
        "sources": [
            {"environment": s.environment, "version": s.version, "comparison": s.comparison.value}
            for s in cell.sources
        ],
    }


def _addon(status: Status, addon: Addon) -> dict[str, Any]:
    return {
        "chart": _chart(addon.chart),
        "version": addon.version,
        "namespace": addon.namespace,
        "hotfix": addon.hotfix,
        "sources": [
            {"cluster": s.cluster, "version": s.version, "comparison": s.comparison.value}
            for s in status.addon_sources.get((addon.name, addon.cluster), ())
        ],
    }


def document(status: Status) -> dict[str, Any]:
    cells = status.cells
    return {
        "version": VERSION,
        "catalog": status.catalog,
        "environments": [
            {"name": e.name, "cluster": e.cluster, "promotesFrom": list(e.promotes_from)}
            for e in status.environments
        ],
        "apps": {
            row.app: {
                "team": row.team,
                "chart": _chart(row.chart),
                "environments": {c.environment: _cell(c) for c in row.cells},
            }
            for row in status.rows
        },
        "addons": {
            cluster: {a.name: _addon(status, a) for a in status.addons if a.cluster == cluster}
            for cluster in status.clusters
            if any(a.cluster == cluster for a in status.addons)
        },
        "summary": {
            "apps": len(status.rows),
            "environments": len(status.environments),
            "behind": sum(1 for c in cells if c.compared(Comparison.BEHIND)),
            "hotfixes": sum(1 for c in cells if c.hotfix is not None),
            "disabled": sum(1 for c in cells if not c.enabled),
        },
    }


def report(status: Status) -> str:
    return json.dumps(document(status), indent=2, ensure_ascii=False) + "\n"
