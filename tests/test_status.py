"""`gitopsgen status`: the app x environment matrix in text, Markdown and JSON, asserted
whole on fixed catalogs (tests/data/catalogs/status*.yaml), and how versions compare."""

import json
import re

import pytest
from click.testing import CliRunner

from generator.catalog.build import build_catalog
from generator.catalog.load import catalog_from_text
from generator.cli.main import main
from generator.gitops.status import Comparison, compare, status
from generator.report import status_json, status_markdown, status_text
from generator.yamlio import load_located
from tests.helpers import CATALOGS, ROOT, make_repo

WEB = "3c1ab2a1f0e4c1b0f3de1c7a7b0e7d5d1f38a6d2c9a0b7e4f6c2d8e1a9b3c5d7"
CART_EU = "9f2c7e1d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2c4e6f8a0b2d4c6e8f0a2b4d6c8e"
CART_US = "1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f"
LEDGER = "0f3b2d6a9c8e7f1a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a"
HOTFIX = "INC-42: rounding error in totals, fixed in place"


def run(tmp_path, *args, catalog=CATALOGS / "status.yaml"):
    root = make_repo(tmp_path, catalog)
    return CliRunner().invoke(main, ["status", "--root", str(root), *args])


def platform_catalog():
    # Through the catalog's own loader: its schema and checks accept the chart app and the
    # add-ons it has.
    text = (CATALOGS / "status-platform.yaml").read_text()
    return catalog_from_text(text, "catalog.yaml", preflight=False)


TEXT = """\
catalog.yaml: 4 apps in 5 environments; 3 behind their sources, 1 hotfix, 2 disabled
promotion: qa -> staging-eu -> staging-us -> prod-eu -> prod-us

APP       qa          staging-eu    staging-us  prod-eu                    prod-us
cart-api  2.3.0       2.3.0         2.3.0       2.3.1@sha256:9f2c7e1 >!    2.3.0@sha256:1d3f5a7 <
ledger    2024-06-02  2024-06-01 ~  2024-06-01  2024-06-01@sha256:0f3b2d6  2024-06-01@sha256:0f3b2d6
search    0.9.0       0.9.0         0.9.0       disabled                   disabled
web       1.5.0-rc.1  1.4.2 <       1.4.2       1.4.1@sha256:3c1ab2a <     1.4.1@sha256:3c1ab2a

< behind a source  > ahead of a source  ~ differs from a source (not both SemVer)  ! hotfix

apart from their sources:
  cart-api  prod-eu     2.3.1@sha256:9f2c7e1 is ahead of staging-us (2.3.0)
  cart-api  prod-us     2.3.0@sha256:1d3f5a7 is behind prod-eu (2.3.1@sha256:9f2c7e1)
  ledger    staging-eu  2024-06-01 differs from qa (2024-06-02)
  web       staging-eu  1.4.2 is behind qa (1.5.0-rc.1)
  web       prod-eu     1.4.1@sha256:3c1ab2a is behind staging-us (1.4.2)

hotfixes:
  cart-api  prod-eu  2.3.1@sha256:9f2c7e1: INC-42: rounding error in totals, fixed in place
"""


def test_text(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 0
    assert result.stdout == TEXT
    assert result.stderr == ""


def test_text_by_name(tmp_path):
    result = run(tmp_path, "--format", "text")
    assert result.exit_code == 0
    assert result.stdout == TEXT


def test_text_in_colour():
    text = (CATALOGS / "status.yaml").read_text()
    found = status(build_catalog(load_located(text, "catalog.yaml")))
    yellow, cyan, red, dim, reset = "\x1b[33m", "\x1b[36m", "\x1b[31m", "\x1b[2m", "\x1b[0m"
    assert status_text.report(found, color=True) == (
        "catalog.yaml: 4 apps in 5 environments; 3 behind their sources, 1 hotfix, 2 disabled\n"
        "promotion: qa -> staging-eu -> staging-us -> prod-eu -> prod-us\n"
        "\n"
        "APP       qa          staging-eu    staging-us  prod-eu                    prod-us\n"
        f"cart-api  2.3.0       2.3.0         2.3.0       2.3.1@sha256:9f2c7e1 {cyan}>{reset}"
        f"{red}!{reset}    2.3.0@sha256:1d3f5a7 {yellow}<{reset}\n"
        f"ledger    2024-06-02  2024-06-01 {cyan}~{reset}  2024-06-01  "
        "2024-06-01@sha256:0f3b2d6  2024-06-01@sha256:0f3b2d6\n"
        f"search    0.9.0       0.9.0         0.9.0       {dim}disabled{reset}                   "
        f"{dim}disabled{reset}\n"
        f"web       1.5.0-rc.1  1.4.2 {yellow}<{reset}       1.4.2       "
        f"1.4.1@sha256:3c1ab2a {yellow}<{reset}     1.4.1@sha256:3c1ab2a\n"
        "\n"
        f"{yellow}<{reset} behind a source  {cyan}>{reset} ahead of a source  {cyan}~{reset} "
        f"differs from a source (not both SemVer)  {red}!{reset} hotfix\n"
        + TEXT[TEXT.index("\napart from") :]
    )


MARKDOWN = """\
## What runs where

`catalog.yaml`: 4 apps in 5 environments; 3 behind their sources, 1 hotfix, 2 disabled.

Promotion: `qa` → `staging-eu` → `staging-us` → `prod-eu` → `prod-us`.

| app | `qa` | `staging-eu` | `staging-us` | `prod-eu` | `prod-us` |
| --- | --- | --- | --- | --- | --- |
| `cart-api` | `2.3.0` | `2.3.0` | `2.3.0` | `2.3.1@sha256:9f2c7e1` ⬆️ 🚑 | `2.3.0@sha256:1d3f5a7` ⬇️ |
| `ledger` | `2024-06-02` | `2024-06-01` ≠ | `2024-06-01` | `2024-06-01@sha256:0f3b2d6` | `2024-06-01@sha256:0f3b2d6` |
| `search` | `0.9.0` | `0.9.0` | `0.9.0` | _disabled_ | _disabled_ |
| `web` | `1.5.0-rc.1` | `1.4.2` ⬇️ | `1.4.2` | `1.4.1@sha256:3c1ab2a` ⬇️ | `1.4.1@sha256:3c1ab2a` |

⬇️ behind a source · ⬆️ ahead of a source · ≠ differs from a source (not both SemVer) · 🚑 hotfix · digests shortened to 7 hex digits

### Apart from their sources

| app | environment | version |  | source | source's version |
| --- | --- | --- | --- | --- | --- |
| `cart-api` | `prod-eu` | `2.3.1@sha256:9f2c7e1` | ahead of | `staging-us` | `2.3.0` |
| `cart-api` | `prod-us` | `2.3.0@sha256:1d3f5a7` | behind | `prod-eu` | `2.3.1@sha256:9f2c7e1` |
| `ledger` | `staging-eu` | `2024-06-01` | differs from | `qa` | `2024-06-02` |
| `web` | `staging-eu` | `1.4.2` | behind | `qa` | `1.5.0-rc.1` |
| `web` | `prod-eu` | `1.4.1@sha256:3c1ab2a` | behind | `staging-us` | `1.4.2` |

### Hotfixes

| app | environment | version | reason |
| --- | --- | --- | --- |
| `cart-api` | `prod-eu` | `2.3.1@sha256:9f2c7e1` | INC-42: rounding error in totals, fixed in place |
"""


def test_markdown(tmp_path):
    result = run(tmp_path, "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == MARKDOWN
    assert result.stderr == ""


def pair(version, *sources, hotfix=None):
    return {
        "enabled": True,
        "version": version,
        "hotfix": hotfix,
        "sources": [{"environment": e, "version": v, "comparison": c} for e, v, c in sources],
    }


DISABLED = {"enabled": False, "version": None, "hotfix": None, "sources": []}


def test_json(tmp_path):
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    same = "same"
    expected = {
        "version": 1,
        "catalog": "catalog.yaml",
        "environments": [
            {"name": "qa", "cluster": "nonprod", "promotesFrom": []},
            {"name": "staging-eu", "cluster": "nonprod", "promotesFrom": ["qa"]},
            {"name": "staging-us", "cluster": "nonprod", "promotesFrom": ["staging-eu"]},
            {"name": "prod-eu", "cluster": "prod-eu", "promotesFrom": ["staging-us"]},
            {"name": "prod-us", "cluster": "prod-us", "promotesFrom": ["prod-eu"]},
        ],
        "apps": {
            "cart-api": {
                "team": "payments",
                "chart": None,
                "environments": {
                    "qa": pair("2.3.0"),
                    "staging-eu": pair("2.3.0", ("qa", "2.3.0", same)),
                    "staging-us": pair("2.3.0", ("staging-eu", "2.3.0", same)),
                    "prod-eu": pair(
                        f"2.3.1@sha256:{CART_EU}",
                        ("staging-us", "2.3.0", "ahead"),
                        hotfix=HOTFIX,
                    ),
                    "prod-us": pair(
                        f"2.3.0@sha256:{CART_US}",
                        ("prod-eu", f"2.3.1@sha256:{CART_EU}", "behind"),
                    ),
                },
            },
            "ledger": {
                "team": "payments",
                "chart": None,
                "environments": {
                    "qa": pair("2024-06-02"),
                    "staging-eu": pair("2024-06-01", ("qa", "2024-06-02", "differs")),
                    "staging-us": pair("2024-06-01", ("staging-eu", "2024-06-01", same)),
                    "prod-eu": pair(
                        f"2024-06-01@sha256:{LEDGER}", ("staging-us", "2024-06-01", same)
                    ),
                    "prod-us": pair(
                        f"2024-06-01@sha256:{LEDGER}",
                        ("prod-eu", f"2024-06-01@sha256:{LEDGER}", same),
                    ),
                },
            },
            "search": {
                "team": "storefront",
                "chart": None,
                "environments": {
                    "qa": pair("0.9.0"),
                    "staging-eu": pair("0.9.0", ("qa", "0.9.0", same)),
                    "staging-us": pair("0.9.0", ("staging-eu", "0.9.0", same)),
                    "prod-eu": DISABLED,
                    "prod-us": DISABLED,
                },
            },
            "web": {
                "team": "storefront",
                "chart": None,
                "environments": {
                    "qa": pair("1.5.0-rc.1"),
                    "staging-eu": pair("1.4.2", ("qa", "1.5.0-rc.1", "behind")),
                    "staging-us": pair("1.4.2", ("staging-eu", "1.4.2", same)),
                    "prod-eu": pair(f"1.4.1@sha256:{WEB}", ("staging-us", "1.4.2", "behind")),
                    "prod-us": pair(
                        f"1.4.1@sha256:{WEB}", ("prod-eu", f"1.4.1@sha256:{WEB}", same)
                    ),
                },
            },
        },
        "addons": {},
        "summary": {"apps": 4, "environments": 5, "behind": 3, "hotfixes": 1, "disabled": 2},
    }
    # The whole bytes: keys in the documented order, two-space indents, a final newline.
    assert result.stdout == json.dumps(expected, indent=2) + "\n"


def test_catalog_order_does_not_matter(tmp_path):
    # The apps in the reverse order in catalog.yaml: the same bytes.
    text = (CATALOGS / "status.yaml").read_text()
    head, apps = text.split("apps:\n")
    blocks = re.split(r"(?m)^(?=  \S)", apps)[1:]
    shuffled = head + "apps:\n" + "".join(reversed(blocks))
    assert shuffled != text
    assert sorted(shuffled.splitlines()) == sorted(text.splitlines())
    result = run(tmp_path, catalog=shuffled)
    assert result.exit_code == 0
    assert result.stdout == TEXT


PLATFORM_TEXT = """\
catalog.yaml: 5 apps in 5 environments; 6 behind their sources, 1 hotfix, 2 disabled
promotion: qa -> staging-eu; qa -> staging-us; staging-eu -> prod-eu; staging-eu, staging-us -> prod-us

APP              qa          staging-eu    staging-us    prod-eu                    prod-us
cart-api         2.3.0       2.3.0         2.3.0         2.3.1@sha256:9f2c7e1 >!    2.3.0@sha256:1d3f5a7
grafana (chart)  8.10.1      8.10.1        8.9.0 <       8.10.1                     8.9.0 <
ledger           2024-06-02  2024-06-01 ~  2024-06-01 ~  2024-06-01@sha256:0f3b2d6  2024-06-01@sha256:0f3b2d6
search           0.9.0       0.9.0         0.9.0         disabled                   disabled
web              1.5.0-rc.1  1.4.2 <       1.4.3 <       1.4.1@sha256:3c1ab2a <     1.4.1@sha256:3c1ab2a <

< behind a source  > ahead of a source  ~ differs from a source (not both SemVer)  ! hotfix

apart from their sources:
  cart-api  prod-eu     2.3.1@sha256:9f2c7e1 is ahead of staging-eu (2.3.0)
  grafana   staging-us  8.9.0 is behind qa (8.10.1)
  grafana   prod-us     8.9.0 is behind staging-eu (8.10.1)
  ledger    staging-eu  2024-06-01 differs from qa (2024-06-02)
  ledger    staging-us  2024-06-01 differs from qa (2024-06-02)
  web       staging-eu  1.4.2 is behind qa (1.5.0-rc.1)
  web       staging-us  1.4.3 is behind qa (1.5.0-rc.1)
  web       prod-eu     1.4.1@sha256:3c1ab2a is behind staging-eu (1.4.2)
  web       prod-us     1.4.1@sha256:3c1ab2a is behind staging-eu (1.4.2)
  web       prod-us     1.4.1@sha256:3c1ab2a is behind staging-us (1.4.3)

hotfixes:
  cart-api  prod-eu  2.3.1@sha256:9f2c7e1: INC-42: rounding error in totals, fixed in place

cluster add-ons:
  ADD-ON            nonprod  prod-eu    prod-us
  cert-manager      v1.17.1  v1.16.3 <  -
  external-secrets  -        0.16.1     -
"""


DAG_TEXT = """\
catalog.yaml: 4 apps in 5 environments; 4 behind their sources, 1 hotfix, 2 disabled
promotion: qa -> staging-eu; qa -> staging-us; staging-eu -> prod-eu; staging-eu, staging-us -> prod-us

APP       qa          staging-eu    staging-us    prod-eu                    prod-us
cart-api  2.3.0       2.3.0         2.3.0         2.3.1@sha256:9f2c7e1 >!    2.3.0@sha256:1d3f5a7
ledger    2024-06-02  2024-06-01 ~  2024-06-01 ~  2024-06-01@sha256:0f3b2d6  2024-06-01@sha256:0f3b2d6
search    0.9.0       0.9.0         0.9.0         disabled                   disabled
web       1.5.0-rc.1  1.4.2 <       1.4.3 <       1.4.1@sha256:3c1ab2a <     1.4.1@sha256:3c1ab2a <

< behind a source  > ahead of a source  ~ differs from a source (not both SemVer)  ! hotfix

apart from their sources:
  cart-api  prod-eu     2.3.1@sha256:9f2c7e1 is ahead of staging-eu (2.3.0)
  ledger    staging-eu  2024-06-01 differs from qa (2024-06-02)
  ledger    staging-us  2024-06-01 differs from qa (2024-06-02)
  web       staging-eu  1.4.2 is behind qa (1.5.0-rc.1)
  web       staging-us  1.4.3 is behind qa (1.5.0-rc.1)
  web       prod-eu     1.4.1@sha256:3c1ab2a is behind staging-eu (1.4.2)
  web       prod-us     1.4.1@sha256:3c1ab2a is behind staging-eu (1.4.2)
  web       prod-us     1.4.1@sha256:3c1ab2a is behind staging-us (1.4.3)

hotfixes:
  cart-api  prod-eu  2.3.1@sha256:9f2c7e1: INC-42: rounding error in totals, fixed in place
"""


def test_text_of_a_promotion_dag(tmp_path):
    # prod-us promotes from both staging environments: web there is behind each of them;
    # cart-api there runs what both run, while prod-eu's hotfix is ahead of staging-eu.
    result = run(tmp_path, catalog=CATALOGS / "status-dag.yaml")
    assert result.exit_code == 0
    assert result.stdout == DAG_TEXT
    assert result.stderr == ""


def test_text_of_a_promotion_dag_with_a_chart_app_and_add_ons():
    # grafana in prod-us is behind staging-eu and the same as staging-us.
    assert status_text.report(status(platform_catalog())) == PLATFORM_TEXT


PLATFORM_MARKDOWN = """\
## What runs where

`catalog.yaml`: 5 apps in 5 environments; 6 behind their sources, 1 hotfix, 2 disabled.

Promotion: `qa` → `staging-eu`; `qa` → `staging-us`; `staging-eu` → `prod-eu`; `staging-eu`, `staging-us` → `prod-us`.

| app | `qa` | `staging-eu` | `staging-us` | `prod-eu` | `prod-us` |
| --- | --- | --- | --- | --- | --- |
| `cart-api` | `2.3.0` | `2.3.0` | `2.3.0` | `2.3.1@sha256:9f2c7e1` ⬆️ 🚑 | `2.3.0@sha256:1d3f5a7` |
| `grafana` (chart) | `8.10.1` | `8.10.1` | `8.9.0` ⬇️ | `8.10.1` | `8.9.0` ⬇️ |
| `ledger` | `2024-06-02` | `2024-06-01` ≠ | `2024-06-01` ≠ | `2024-06-01@sha256:0f3b2d6` | `2024-06-01@sha256:0f3b2d6` |
| `search` | `0.9.0` | `0.9.0` | `0.9.0` | _disabled_ | _disabled_ |
| `web` | `1.5.0-rc.1` | `1.4.2` ⬇️ | `1.4.3` ⬇️ | `1.4.1@sha256:3c1ab2a` ⬇️ | `1.4.1@sha256:3c1ab2a` ⬇️ |

⬇️ behind a source · ⬆️ ahead of a source · ≠ differs from a source (not both SemVer) · 🚑 hotfix · digests shortened to 7 hex digits

### Apart from their sources

| app | environment | version |  | source | source's version |
| --- | --- | --- | --- | --- | --- |
| `cart-api` | `prod-eu` | `2.3.1@sha256:9f2c7e1` | ahead of | `staging-eu` | `2.3.0` |
| `grafana` | `staging-us` | `8.9.0` | behind | `qa` | `8.10.1` |
| `grafana` | `prod-us` | `8.9.0` | behind | `staging-eu` | `8.10.1` |
| `ledger` | `staging-eu` | `2024-06-01` | differs from | `qa` | `2024-06-02` |
| `ledger` | `staging-us` | `2024-06-01` | differs from | `qa` | `2024-06-02` |
| `web` | `staging-eu` | `1.4.2` | behind | `qa` | `1.5.0-rc.1` |
| `web` | `staging-us` | `1.4.3` | behind | `qa` | `1.5.0-rc.1` |
| `web` | `prod-eu` | `1.4.1@sha256:3c1ab2a` | behind | `staging-eu` | `1.4.2` |
| `web` | `prod-us` | `1.4.1@sha256:3c1ab2a` | behind | `staging-eu` | `1.4.2` |
| `web` | `prod-us` | `1.4.1@sha256:3c1ab2a` | behind | `staging-us` | `1.4.3` |

### Hotfixes

| app | environment | version | reason |
| --- | --- | --- | --- |
| `cart-api` | `prod-eu` | `2.3.1@sha256:9f2c7e1` | INC-42: rounding error in totals, fixed in place |

### Cluster add-ons

| add-on | `nonprod` | `prod-eu` | `prod-us` |
| --- | --- | --- | --- |
| `cert-manager` | `v1.17.1` | `v1.16.3` ⬇️ | — |
| `external-secrets` | — | `0.16.1` | — |
"""


def test_markdown_of_a_promotion_dag_with_a_chart_app_and_add_ons():
    assert status_markdown.report(status(platform_catalog())) == PLATFORM_MARKDOWN


def test_json_of_a_promotion_dag_with_a_chart_app_and_add_ons():
    document = json.loads(status_json.report(status(platform_catalog())))
    grafana = {"repoURL": "https://grafana.github.io/helm-charts", "name": "grafana"}
    cert_manager = {"repoURL": "https://charts.jetstack.io", "name": "cert-manager"}
    external_secrets = {
        "repoURL": "https://charts.external-secrets.io",
        "name": "external-secrets",
    }
    assert document["environments"] == [
        {"name": "qa", "cluster": "nonprod", "promotesFrom": []},
        {"name": "staging-eu", "cluster": "nonprod", "promotesFrom": ["qa"]},
        {"name": "staging-us", "cluster": "nonprod", "promotesFrom": ["qa"]},
        {"name": "prod-eu", "cluster": "prod-eu", "promotesFrom": ["staging-eu"]},
        {"name": "prod-us", "cluster": "prod-us", "promotesFrom": ["staging-eu", "staging-us"]},
    ]
    assert document["apps"]["grafana"] == {
        "team": "sre",
        "chart": grafana,
        "environments": {
            "qa": pair("8.10.1"),
            "staging-eu": pair("8.10.1", ("qa", "8.10.1", "same")),
            "staging-us": pair("8.9.0", ("qa", "8.10.1", "behind")),
            "prod-eu": pair("8.10.1", ("staging-eu", "8.10.1", "same")),
            "prod-us": pair(
                "8.9.0", ("staging-eu", "8.10.1", "behind"), ("staging-us", "8.9.0", "same")
            ),
        },
    }
    assert document["apps"]["web"]["environments"]["prod-us"] == pair(
        f"1.4.1@sha256:{WEB}", ("staging-eu", "1.4.2", "behind"), ("staging-us", "1.4.3", "behind")
    )
    assert document["addons"] == {
        "nonprod": {
            "cert-manager": {
                "chart": cert_manager,
                "version": "v1.17.1",
                "namespace": "cert-manager",
                "hotfix": None,
                "sources": [],
            }
        },
        "prod-eu": {
            "cert-manager": {
                "chart": cert_manager,
                "version": "v1.16.3",
                "namespace": "cert-manager",
                "hotfix": None,
                "sources": [{"cluster": "nonprod", "version": "v1.17.1", "comparison": "behind"}],
            },
            "external-secrets": {
                "chart": external_secrets,
                "version": "0.16.1",
                "namespace": "external-secrets",
                "hotfix": None,
                "sources": [],
            },
        },
    }
    assert document["summary"] == {
        "apps": 5,
        "environments": 5,
        "behind": 6,
        "hotfixes": 1,
        "disabled": 2,
    }
    assert list(document) == [
        "version", "catalog", "environments", "apps", "addons", "summary"
    ]  # fmt: skip


def test_a_source_where_the_app_is_disabled_is_not_compared():
    text = (CATALOGS / "status-platform.yaml").read_text()
    disabled = text.replace(
        "      staging-us: {version: 1.4.3}\n", "      staging-us: {enabled: false}\n"
    )
    assert disabled != text
    document = json.loads(status_json.report(status(build_catalog(load_located(disabled, "c")))))
    assert document["apps"]["web"]["environments"]["staging-us"] == DISABLED
    assert document["apps"]["web"]["environments"]["prod-us"] == pair(
        f"1.4.1@sha256:{WEB}", ("staging-eu", "1.4.2", "behind"), ("staging-us", None, "disabled")
    )


@pytest.mark.parametrize(
    ("version", "source", "expected"),
    [
        ("1.4.2", "1.4.2", Comparison.SAME),
        ("1.4.2@sha256:" + "a" * 64, "1.4.2", Comparison.SAME),  # a digest pins the same tag
        ("v1.4.2", "1.4.2", Comparison.SAME),
        ("1.4.2@sha256:" + "a" * 64, "1.4.2@sha256:" + "b" * 64, Comparison.DIFFERS),
        ("1.4.1", "1.4.2", Comparison.BEHIND),
        ("1.4.10", "1.4.9", Comparison.AHEAD),
        ("1.5.0-rc.1", "1.5.0", Comparison.BEHIND),  # a pre-release is older than its release
        ("1.5.0-rc.2", "1.5.0-rc.10", Comparison.BEHIND),
        ("1.4.2+build.1", "1.4.2+build.2", Comparison.SAME),  # build metadata has no order
        ("2024-06-01", "2024-06-02", Comparison.DIFFERS),  # not SemVer: no order
        ("17.4", "17.4@sha256:" + "c" * 64, Comparison.SAME),
        ("17.4", "17.5", Comparison.DIFFERS),
        ("1.4.2", "main", Comparison.DIFFERS),
    ],
)
def test_compare(version, source, expected):
    assert compare(version, source) is expected


def test_an_invalid_catalog_is_refused_with_its_findings(tmp_path):
    text = (CATALOGS / "status.yaml").read_text().replace("      qa: {version: 0.9.0}\n", "")
    result = run(tmp_path, catalog=text)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "catalog.yaml:113:5: error: app 'search' does not list environment(s) qa; add each "
        "under `environments` with its version, or `enabled: false` "
        "(catalog-missing-environment)\n"
    )


def test_a_missing_catalog_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["status", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "catalog.yaml:1:1: error: catalog.yaml does not exist; create it, or pass --catalog PATH\n"
    )


def test_an_unknown_format_is_a_usage_error(tmp_path):
    result = run(tmp_path, "--format", "html")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'html' is not one of 'text', 'markdown', 'json'."
    )


def code_blocks(text, after):
    """The fenced blocks of a Markdown text after the heading `after`, as they read."""
    section = text.split(f"\n{after}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"(?ms)^```[a-z]*\n(.*?)^```\n", section)


def test_the_readme_shows_what_status_prints_for_the_repository():
    result = CliRunner().invoke(main, ["status", "--root", str(ROOT)])
    assert result.exit_code == 0
    readme = (ROOT / "README.md").read_text()
    assert code_blocks(readme, "## What runs where")[0] == result.stdout


def test_the_status_docs_show_what_status_prints(tmp_path):
    docs = (ROOT / "docs" / "status.md").read_text()
    result = run(tmp_path, catalog=CATALOGS / "status-dag.yaml")
    assert code_blocks(docs, "## `gitopsgen status`")[0] == result.stdout == DAG_TEXT


def test_markdown_escapes_what_the_catalog_writes():
    text = (CATALOGS / "status.yaml").read_text()
    odd = text.replace(
        'reason: "INC-42: rounding error in totals, fixed in place"',
        'reason: "<b>INC-42</b> | totals & tax\\n  wrong"',
    )
    assert odd != text
    report = status_markdown.report(status(build_catalog(load_located(odd, "catalog.yaml"))))
    assert report.splitlines()[-1] == (
        "| `cart-api` | `prod-eu` | `2.3.1@sha256:9f2c7e1` | &lt;b&gt;INC-42&lt;/b&gt; \\| "
        "totals &amp; tax wrong |"
    )


def test_addons_ahead_of_their_source_cluster_with_a_hotfix():
    """The golden add-ons catalog (nonprod -> prod) with prod's cert-manager ahead of
    nonprod's, marked as a hotfix; add-ons on one cluster alone have no source."""
    text = (ROOT / "tests" / "golden" / "addons" / "catalog.yaml").read_text()
    text = text.replace(
        "        version: v1.16.3\n",
        "        version: v1.18.0\n        hotfix: {reason: CVE-2025-1234}\n",
    )
    report = status_text.report(status(build_catalog(load_located(text, "catalog.yaml"))))
    assert (
        report
        == """\
catalog.yaml: 1 app in 2 environments; 0 behind their sources, 0 hotfixes, 0 disabled
promotion: dev -> prod

APP  dev    prod
web  1.4.0  1.4.0

> ahead of a source  ! hotfix

cluster add-ons:
  ADD-ON                 nonprod  prod
  cert-manager           v1.17.1  v1.18.0 >!
  external-secrets       -        0.16.1
  ingress-nginx          4.12.1   -
  kube-prometheus-stack  -        70.4.2
"""
    )
