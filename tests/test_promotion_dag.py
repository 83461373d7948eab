"""The promotion- rules on a promotion DAG, on real temporary git histories of catalog.yaml:
the five environments of tests/golden/promotion-dag (qa -> staging-eu -> prod-eu, qa ->
staging-us -> prod-us), and a prod with two sources. Whole finding lists."""

from click.testing import CliRunner

from generator.cli.main import main
from generator.finding import Finding, Position, Severity
from tests.gitrepo import init
from tests.test_promote_dag import CATALOG, WEB
from tests.test_promotion import check, commit

B, C, E = ("sha256:" + x * 64 for x in "bce")
VAT = {"qa": 94, "staging-eu": 95, "staging-us": 96, "prod-eu": 97, "prod-us": 98}
SINCE = "catalog history since {}"


def web(text, **versions):
    """`text` with web's version in each named environment replaced (prod_eu=...)."""
    lines = text.splitlines(keepends=True)
    start = lines.index("  web:\n")
    for key, version in versions.items():
        env = key.replace("_", "-")
        at = next(i for i in range(start, len(lines)) if lines[i].startswith(f"      {env}: "))
        rest = lines[at][lines[at].index('"', lines[at].index('"') + 1) + 1 :]
        lines[at] = f'      {env}: {{version: "{version}"{rest}'
    return "".join(lines)


def never_ran(version, app, env, sources, line, since, through=None):
    column = len(f"      {env}: {{version: ") + 1
    history = SINCE.format(since[:7]) if since else "working catalog only: no git history"
    return Finding(
        rule="promotion-order",
        severity=Severity.ERROR,
        message=(
            f"version '{version}' of app '{app}' in '{env}' never ran in {sources} ({history}); "
            f"promote it through {through or sources} first, or mark it `hotfix: {{reason: ...}}`"
        ),
        position=Position("catalog.yaml", line, column),
        environment=env,
    )


def history(tmp_path, text=CATALOG):
    """The golden catalog, then web 2.2.0 in staging-us: it ran in qa and staging-us only."""
    root = init(tmp_path / "repo")
    first = commit(root, text, "start")
    commit(root, web(text, staging_us=f"2.2.0@{C}"), "web 2.2.0 to staging-us")
    return root, first


def test_a_prod_eu_version_that_ran_only_in_staging_us_is_flagged(tmp_path):
    """2.2.0 ran in staging-us (the environment listed before prod-eu), never in staging-eu,
    prod-eu's source; prod-us takes it from staging-us and passes."""
    root, first = history(tmp_path)
    working = web(CATALOG, staging_us=f"2.2.0@{C}", prod_eu=f"2.2.0@{C}", prod_us=f"2.2.0@{C}")
    assert check(root, working) == [
        never_ran(f"2.2.0@{C}", "web", "prod-eu", "'staging-eu'", WEB["prod-eu"], first)
    ]


def test_validate_reports_it_at_its_line(tmp_path):
    root, first = history(tmp_path)
    working = web(CATALOG, staging_us=f"2.2.0@{C}", prod_eu=f"2.2.0@{C}")
    (root / "catalog.yaml").write_text(working)
    CliRunner().invoke(main, ["generate", "--root", str(root)])
    result = CliRunner().invoke(main, ["validate", "--root", str(root), "--no-cache"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"catalog.yaml:87:26: error: version '2.2.0@{C}' of app 'web' in 'prod-eu' never ran "
        f"in 'staging-eu' (catalog history since {first[:7]}); promote it through 'staging-eu' "
        "first, or mark it `hotfix: {reason: ...}` (promotion-order)\n"
        "1 error, 0 warnings in 68 files\n"
    )


def test_without_promotes_from_the_order_is_the_list(tmp_path):
    """The same history read as a straight line qa -> staging-eu -> staging-us -> prod-eu ->
    prod-us: prod-eu may take staging-us' version, and staging-us is the one that skipped."""
    linear = "".join(
        line for line in CATALOG.splitlines(keepends=True) if "promotesFrom" not in line
    )
    root, first = history(tmp_path, linear)
    working = web(linear, staging_us=f"2.2.0@{C}", prod_eu=f"2.2.0@{C}", prod_us=f"2.2.0@{C}")
    staging_us = WEB["staging-us"] - 4  # four promotesFrom lines fewer above
    assert check(root, working) == [
        never_ran(f"2.2.0@{C}", "web", "staging-us", "'staging-eu'", staging_us, first)
    ]


def test_each_prod_is_checked_against_its_own_staging_only(tmp_path):
    root, _ = history(tmp_path)
    # prod-eu takes staging-eu's 2.1.0, which never ran on the US branch: no finding
    assert check(root, web(CATALOG, prod_eu=f"2.1.0@{B}")) == []


TWO = CATALOG.replace(
    "    promotesFrom: [staging-us]\n", "    promotesFrom: [staging-eu, staging-us]\n"
)


def test_with_two_sources_a_version_runs_in_both_first(tmp_path):
    root, first = history(tmp_path, TWO)
    assert check(root, web(TWO, prod_us=f"2.2.0@{C}")) == [
        never_ran(f"2.2.0@{C}", "web", "prod-us", "'staging-eu'", WEB["prod-us"], first)
    ]
    assert check(root, web(TWO, prod_us=f"2.1.0@{B}")) == [
        never_ran(f"2.1.0@{B}", "web", "prod-us", "'staging-us'", WEB["prod-us"], first)
    ]
    assert check(root, web(TWO, prod_us=f"2.3.0@{E}")) == [
        never_ran(
            f"2.3.0@{E}",
            "web",
            "prod-us",
            "'staging-eu' or 'staging-us'",
            WEB["prod-us"],
            first,
            through="'staging-eu' and 'staging-us'",
        )
    ]
    # staging-eu runs 2.2.0 now, staging-us ran it at the second commit
    assert check(root, web(TWO, staging_eu=f"2.2.0@{C}", prod_us=f"2.2.0@{C}")) == []


def hotfix(text, env, version):
    lines = text.splitlines(keepends=True)
    lines[WEB[env] - 1] = (
        f'      {env}:\n        version: "{version}"\n        hotfix: {{reason: CVE-2024-3094}}\n'
    )
    return "".join(lines)


def test_a_hotfix_is_stale_only_where_the_version_ran_in_every_source(tmp_path):
    root, _ = history(tmp_path, TWO)
    # skipped staging-eu: the marker excuses it
    assert check(root, hotfix(TWO, "prod-us", f"2.2.0@{C}")) == []
    # ran in both: staging-eu runs it now, staging-us ran it at the second commit
    both = web(hotfix(TWO, "prod-us", f"2.2.0@{C}"), staging_eu=f"2.2.0@{C}")
    assert check(root, both) == [
        Finding(
            rule="promotion-hotfix",
            severity=Severity.WARNING,
            message=(
                f"version '2.2.0@{C}' of app 'web' in 'prod-us' ran in 'staging-eu' and "
                "'staging-us', so it is no hotfix; remove its `hotfix` marker"
            ),
            position=Position("catalog.yaml", WEB["prod-us"] + 2, 9),
            environment="prod-us",
        )
    ]


def test_an_app_disabled_in_its_source_is_checked_against_the_source_before(tmp_path):
    """vat is disabled in staging-us: enabled in prod-us, it is checked against qa."""
    root, first = history(tmp_path)
    lines = CATALOG.splitlines(keepends=True)
    for version, found in (
        (f"0.4.0@{E}", []),
        (
            f"0.4.1@{E}",
            [never_ran(f"0.4.1@{E}", "vat", "prod-us", "'qa'", VAT["prod-us"], first)],
        ),
    ):
        lines[VAT["prod-us"] - 1] = f'      prod-us: {{version: "{version}"}}\n'
        assert check(root, "".join(lines)) == found


def test_an_entry_point_is_never_checked(tmp_path):
    """staging-us with `promotesFrom: []` takes any version, and prod-us still checks it."""
    entry = CATALOG.replace(
        "    promotesFrom: [qa]              # not the environment before it: a second branch\n",
        "    promotesFrom: []\n",
    )
    root, first = history(tmp_path, entry)
    assert check(root, web(entry, staging_us=f"9.9.9@{E}")) == []
    assert check(root, web(entry, prod_us=f"9.9.9@{E}")) == [
        never_ran(f"9.9.9@{E}", "web", "prod-us", "'staging-us'", WEB["prod-us"], first)
    ]
