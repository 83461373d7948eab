"""`gitopsgen graph`: the promotion DAG and the dependsOn graph as Mermaid, asserted whole on
fixed catalogs, and every output parsed by Mermaid's own parser (tests/mermaid: the npm
packages `mermaid` and `jsdom`, installed by `npm ci` there; .ci/run does it)."""

import dataclasses
import fcntl
import json
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from generator.catalog.load import catalog_from_text
from generator.cli.main import main
from generator.report import mermaid
from generator.report.mermaid import fenced, flowchart, label, node_id, too_large
from tests.helpers import CATALOGS, ROOT, make_repo

MERMAID = ROOT / "tests" / "mermaid"


def run(tmp_path, *args):
    root = make_repo(tmp_path, CATALOGS / "status.yaml")
    return CliRunner().invoke(main, ["graph", "--root", str(root), *args])


def platform_catalog():
    # Through the catalog's own loader: its schema and checks accept the chart app and the
    # add-ons it has.
    text = (CATALOGS / "status-platform.yaml").read_text()
    return catalog_from_text(text, "catalog.yaml", preflight=False)


PROMOTION = """\
flowchart LR
  %% promotion: an arrow goes from an environment to those that promote from it
  subgraph cluster_nonprod["cluster nonprod"]
    env_qa["qa"]
    env_staging_eu["staging-eu"]
    env_staging_us["staging-us"]
  end
  subgraph cluster_prod_eu["cluster prod-eu"]
    env_prod_eu["prod-eu"]
  end
  subgraph cluster_prod_us["cluster prod-us"]
    env_prod_us["prod-us"]
  end
  env_qa --> env_staging_eu
  env_staging_eu --> env_staging_us
  env_staging_us --> env_prod_eu
  env_prod_eu --> env_prod_us
"""

DEPENDENCIES = """\
flowchart LR
  %% dependencies: an arrow goes from an app to an app it depends on
  subgraph team_payments["team payments"]
    app_cart_api["cart-api"]
    app_ledger["ledger"]
  end
  subgraph team_storefront["team storefront"]
    app_search["search"]
    app_web["web"]
  end
  app_cart_api --> app_ledger
  app_search --> app_ledger
  app_web --> app_cart_api
"""

ALL = """\
flowchart LR
  subgraph promotion["promotion"]
    direction LR
    %% promotion: an arrow goes from an environment to those that promote from it
    subgraph cluster_nonprod["cluster nonprod"]
      env_qa["qa"]
      env_staging_eu["staging-eu"]
      env_staging_us["staging-us"]
    end
    subgraph cluster_prod_eu["cluster prod-eu"]
      env_prod_eu["prod-eu"]
    end
    subgraph cluster_prod_us["cluster prod-us"]
      env_prod_us["prod-us"]
    end
    env_qa --> env_staging_eu
    env_staging_eu --> env_staging_us
    env_staging_us --> env_prod_eu
    env_prod_eu --> env_prod_us
  end
  subgraph dependencies["dependencies"]
    direction LR
    %% dependencies: an arrow goes from an app to an app it depends on
    subgraph team_payments["team payments"]
      app_cart_api["cart-api"]
      app_ledger["ledger"]
    end
    subgraph team_storefront["team storefront"]
      app_search["search"]
      app_web["web"]
    end
    app_cart_api --> app_ledger
    app_search --> app_ledger
    app_web --> app_cart_api
  end
"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--what", "promotion"], PROMOTION),
        (["--what", "dependencies"], DEPENDENCIES),
        (["--what", "all"], ALL),
        ([], ALL),
        (["--format", "markdown", "--what", "promotion"], f"```mermaid\n{PROMOTION}```\n"),
    ],
    ids=["promotion", "dependencies", "all", "default", "markdown"],
)
def test_graph(tmp_path, args, expected):
    result = run(tmp_path, *args)
    assert result.exit_code == 0
    assert result.stdout == expected
    assert result.stderr == ""


DAG_PROMOTION = """\
flowchart LR
  %% promotion: an arrow goes from an environment to those that promote from it
  subgraph cluster_nonprod["cluster nonprod"]
    env_qa["qa"]
    env_staging_eu["staging-eu"]
    env_staging_us["staging-us"]
  end
  subgraph cluster_prod_eu["cluster prod-eu"]
    env_prod_eu["prod-eu"]
  end
  subgraph cluster_prod_us["cluster prod-us"]
    env_prod_us["prod-us"]
  end
  env_qa --> env_staging_eu
  env_qa --> env_staging_us
  env_staging_eu --> env_prod_eu
  env_staging_eu --> env_prod_us
  env_staging_us --> env_prod_us
"""

DAG_DEPENDENCIES = """\
flowchart LR
  %% dependencies: an arrow goes from an app to an app it depends on
  subgraph team_payments["team payments"]
    app_cart_api["cart-api"]
    app_ledger["ledger"]
  end
  subgraph team_sre["team sre"]
    app_grafana["grafana (chart)"]
  end
  subgraph team_storefront["team storefront"]
    app_search["search"]
    app_web["web"]
  end
  app_cart_api --> app_ledger
  app_search --> app_ledger
  app_web --> app_cart_api
"""


def test_graph_of_a_promotion_dag(tmp_path):
    root = make_repo(tmp_path, CATALOGS / "status-dag.yaml")
    result = CliRunner().invoke(main, ["graph", "--root", str(root), "--what", "promotion"])
    assert result.exit_code == 0
    assert result.stdout == DAG_PROMOTION
    assert result.stderr == ""


def test_graph_of_a_chart_app():
    catalog = platform_catalog()
    assert flowchart(catalog, "promotion") == DAG_PROMOTION
    assert flowchart(catalog, "dependencies") == DAG_DEPENDENCIES


def test_an_unknown_what_is_a_usage_error(tmp_path):
    result = run(tmp_path, "--what", "apps")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--what': 'apps' is not one of 'promotion', 'dependencies', "
        "'all'."
    )


def test_an_invalid_catalog_is_refused(tmp_path):
    root = make_repo(
        tmp_path,
        (CATALOGS / "status.yaml").read_text().replace("team: payments", "team: billing", 1),
    )
    result = CliRunner().invoke(main, ["graph", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "catalog.yaml:70:11: error: unknown team 'billing'; define it under `teams` or use one "
        "of: payments, storefront (catalog-unknown-reference)\n"
    )


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("env", "staging-eu", "env_staging_eu"),
        ("app", "end", "app_end"),  # `end` alone would close a subgraph
        ("team", "a-b-c", "team_a_b_c"),
        ("app", "a.b", "app_a_2e_b"),  # not a DNS-1123 label: still a safe, distinct id
        ("app", "a b", "app_a_20_b"),
    ],
)
def test_node_ids(kind, name, expected):
    assert node_id(kind, name) == expected


def test_labels_are_quoted_with_entity_codes():
    assert label('say "hi" #1') == '"say #quot;hi#quot; #35;1"'


def odd_catalog():
    """The fixed catalog with names no schema allows: every id and label must stay valid."""
    catalog = platform_catalog()
    rename = {"qa": 'q"a #1', "search": "end", "web": "a b"}
    environments = tuple(
        dataclasses.replace(
            e,
            name=rename.get(e.name, e.name),
            promotes_from=tuple(rename.get(s, s) for s in e.promotes_from),
        )
        for e in catalog.environments
    )
    apps = tuple(dataclasses.replace(a, name=rename.get(a.name, a.name)) for a in catalog.apps)
    return dataclasses.replace(catalog, environments=environments, apps=apps)


def install_mermaid():
    """The pinned parser (tests/mermaid/package-lock.json), installed on first use, as the
    README's test command on a fresh machine needs; one installer at a time."""
    with (MERMAID / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (MERMAID / "node_modules" / "mermaid").is_dir():
            subprocess.run(
                ["npm", "ci", "--prefix", str(MERMAID), "--no-audit", "--no-fund", "--silent"],
                check=True,
                timeout=600,
            )


def mermaid_parse(texts):
    """Mermaid's verdict on each text: {"diagramType": ...} or {"error": ...}."""
    if shutil.which("node") is None:
        # .ci/run installs node: in CI this is a failure, never a skip.
        assert os.environ.get("CI") != "true", "node is missing in CI"
        pytest.skip("node is not installed (Mermaid's parser runs on it; .ci/run installs it)")
    install_mermaid()
    done = subprocess.run(
        ["node", str(MERMAID / "parse.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_every_graph_parses_with_mermaid(tmp_path):
    catalog = platform_catalog()
    texts = [PROMOTION, DEPENDENCIES, ALL]
    texts += [flowchart(catalog, what) for what in ("promotion", "dependencies", "all")]
    texts += [flowchart(odd_catalog(), "all")]
    # The Markdown form holds the same text in a ```mermaid block.
    assert fenced(ALL).splitlines()[1:-1] == ALL.splitlines()
    broken = [
        ALL.rsplit("  end\n", 1)[0],  # a subgraph left open
        PROMOTION.replace('env_qa["qa"]', 'env_qa["qa]'),  # a label left open
        PROMOTION.replace("env_qa -->", "end -->"),  # a keyword as a node
    ]
    verdicts = mermaid_parse([*texts, *broken, chain(500), chain(501)])
    assert verdicts[: len(texts)] == [{"diagramType": "flowchart-v2"}] * len(texts)
    # The parser is not vacuous: each broken text is refused.
    assert [sorted(v) for v in verdicts[len(texts) : -2]] == [["error"]] * len(broken)
    # Its edge limit is the one too_large warns about.
    assert verdicts[-2] == {"diagramType": "flowchart-v2"}
    assert verdicts[-1] == {  # Mermaid stops at the 501st and says it found 500
        "error": "Edge limit exceeded. 500 edges found, but the limit is 500.\n\n"
        "Initialize mermaid with maxEdges set to a higher number to allow more edges.\n"
        "You cannot set this config via configuration inside the diagram as it is a secure "
        "config.\nYou have to call mermaid.initialize."
    }
    assert too_large(chain(500)) is None
    assert too_large(chain(501)) == "501 arrows (Mermaid draws at most 500 by default)"


def chain(edges):
    return "flowchart LR\n" + "".join(f"  n{i} --> n{i + 1}\n" for i in range(edges))


def test_too_large_counts_characters_too():
    text = "flowchart LR\n" + "".join(f'  n{i}["{"x" * 40}"]\n' for i in range(1000))
    assert len(text) == 50_903
    assert too_large(text) == "50903 characters (Mermaid draws at most 50000 by default)"
    assert too_large(text + chain(501)) == (
        "501 arrows (Mermaid draws at most 500 by default) and 58714 characters (Mermaid "
        "draws at most 50000 by default)"
    )


def test_a_graph_beyond_mermaid_s_limits_is_printed_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(mermaid, "MAX_EDGES", 3)
    result = run(tmp_path, "--what", "promotion")
    assert result.exit_code == 0
    assert result.stdout == PROMOTION
    assert result.stderr == (
        "warning: the graph has 4 arrows (Mermaid draws at most 3 by default): a page that "
        "keeps Mermaid's defaults shows an error instead; draw one graph at a time (--what), "
        "or raise maxEdges and maxTextSize where you render it\n"
    )


def test_odd_names_get_safe_ids_and_quoted_labels():
    text = flowchart(odd_catalog(), "promotion")
    assert text.splitlines()[2:4] == [
        '  subgraph cluster_nonprod["cluster nonprod"]',
        '    env_q_22_a_20__23_1["q#quot;a #35;1"]',
    ]
    assert text.splitlines()[-5] == "  env_q_22_a_20__23_1 --> env_staging_eu"


def test_the_docs_show_what_graph_prints():
    docs = (ROOT / "docs" / "status.md").read_text()
    section = docs.split("\n## `gitopsgen graph`\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"(?ms)^```([a-z]*)\n(.*?)^```\n", section)
    assert blocks == [("", DAG_PROMOTION), ("mermaid", DAG_PROMOTION)]
