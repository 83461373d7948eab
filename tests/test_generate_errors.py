"""Bad catalogs: the documented exit code, a path:line:col message with a remedy, no traceback,
and the tree on disk byte-identical afterwards."""

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from tests.helpers import CATALOGS, make_repo, snapshot

EXAMPLE = (CATALOGS / "example.yaml").read_text()


def edit(old, new, count=1):
    assert EXAMPLE.count(old) >= count, old
    return EXAMPLE.replace(old, new, count)


CASES = {
    "does-not-parse": (
        "apiVersion: gitopsgen/v1\nkind: [Catalog\n",
        2,
        "catalog.yaml:3:1: error: YAML does not parse: did not find expected ',' or ']'; fix "
        "the syntax at this position",
    ),
    "duplicate-key": (
        edit(
            "  sre:\n    groups: [example:sre]\n",
            "  sre:\n    groups: [example:sre]\n  sre:\n    groups: [x]\n",
        ),
        2,
        "catalog.yaml:39:3: error: duplicate key 'sre' (first at line 37); keep one of them",
    ),
    "wrong-type": (
        edit("        replicas: 3\n", "        replicas: three\n"),
        1,
        "catalog.yaml:139:19: error: `apps.web.environments.staging.replicas` must be an integer, "
        "not 'three' (catalog-schema)",
    ),
    "unknown-key-typo": (
        edit("    team: storefront\n", "    teem: storefront\n"),
        1,
        "catalog.yaml:117:5: error: unknown key 'teem' in `apps.web`; did you mean 'team'? "
        "(catalog-unknown-key)",
    ),
    "unknown-cluster": (
        edit("    cluster: prod\n", "    cluster: prd\n"),
        1,
        "catalog.yaml:86:14: error: unknown cluster 'prd'; define it under `clusters` or use one "
        "of: nonprod, prod (catalog-unknown-reference)",
    ),
    "unknown-team": (
        edit("    team: storefront\n", "    team: store\n"),
        1,
        "catalog.yaml:117:11: error: unknown team 'store'; define it under `teams` or use one of: "
        "payments, sre, storefront (catalog-unknown-reference)",
    ),
    "unknown-environment": (
        edit(
            "      dev: {version: 0.9.0, replicas: 1}\n",
            "      dve: {version: 0.9.0, replicas: 1}\n",
        ),
        1,
        "catalog.yaml:178:5: error: app 'ledger' does not list environment(s) dev; add each under "
        "`environments` with its version, or `enabled: false` (catalog-missing-environment)\n"
        "catalog.yaml:179:7: error: unknown environment 'dve'; define it under `environments` or "
        "use one of: dev, prod, staging (catalog-unknown-reference)",
    ),
    "path-traversal-name": (
        edit("  worker:  ", "  ../etc:  "),
        1,
        "catalog.yaml:183:3: error: app name '../etc' is not a DNS-1123 label; use lower-case "
        "letters, digits and '-' (e.g. 'web-app'), at most 63 characters (catalog-invalid-name)",
    ),
    "underscore-capital-name": (
        edit("  worker:  ", "  Web_App:  "),
        1,
        "catalog.yaml:183:3: error: app name 'Web_App' is not a DNS-1123 label; use lower-case "
        "letters, digits and '-' (e.g. 'web-app'), at most 63 characters (catalog-invalid-name)",
    ),
    "dependency-cycle": (
        edit(
            "    image: ghcr.io/example/ledger\n",
            "    image: ghcr.io/example/ledger\n    dependsOn: [payments-api]\n",
        ),
        1,
        "catalog.yaml:171:5: error: dependsOn forms a cycle: ledger -> payments-api -> ledger; "
        "remove one of these dependencies (catalog-dependency-cycle)",
    ),
    "unquoted-float-version": (
        edit("dev: {version: 0.9.0, replicas: 1}", "dev: {version: 0.10, replicas: 1}"),
        1,
        "catalog.yaml:179:22: error: `apps.ledger.environments.dev.version` must be a string, not "
        'the number 0.1; YAML reads 0.10 as a number: quote it, e.g. "0.10" (catalog-schema)',
    ),
    "literal-secret": (
        edit("STRIPE_API_KEY: {key: payments/stripe-api-key}", "STRIPE_API_KEY: sk_live_abc123"),
        1,
        "catalog.yaml:162:7: error: secret 'STRIPE_API_KEY' of app 'payments-api' is written as a "
        "literal value; put the value in the secret store and write {key: <path in the store>} "
        "here (secrets-literal-value)",
    ),
    "latest-tag": (
        edit("version: 1.4.2", "version: latest"),
        1,
        "catalog.yaml:138:18: error: version 'latest' of app 'web' in 'staging': 'latest' is "
        "mutable; pin a version or a digest (image-tag-latest)",
    ),
    "tag-where-digest-required": (
        edit(
            "version: 2.1.4@sha256:9f2c7e1d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2c4e6f8a0b2d4c6e8f0a2b4d6c8e",
            "version: 2.1.4",
        ),
        1,
        "catalog.yaml:166:23: error: version '2.1.4' of app 'payments-api' in 'prod': this "
        "environment's imagePolicy is digest: append @sha256:<digest> (image-policy-digest)",
    ),
    "empty-file": (
        "",
        1,
        "catalog.yaml:1:1: error: the catalog is empty; write at least apiVersion: gitopsgen/v1, "
        "kind: Catalog, repository, clusters, teams, environments and apps (catalog-schema)",
    ),
    "not-utf8": (
        EXAMPLE.encode().replace(b"storefront-devs", b"storefront-d\xe9vs", 1),
        2,
        "catalog.yaml:34:34: error: catalog.yaml is not UTF-8 (byte 0xe9); save the file as UTF-8",
    ),
}


@pytest.fixture()
def generated_repo(tmp_path):
    """A repository generated from the good example, plus a hand-written file."""
    root = make_repo(tmp_path, EXAMPLE)
    result = CliRunner().invoke(main, ["generate", "--root", str(root)])
    assert result.exit_code == 0, result.output
    (root / "overlays" / "notes.md").write_text("hand-written\n")
    return root


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_catalog(case, generated_repo):
    text, code, message = CASES[case]
    catalog = generated_repo / "catalog.yaml"
    catalog.write_bytes(text if isinstance(text, bytes) else text.encode())
    before = snapshot(generated_repo)
    result = CliRunner().invoke(main, ["generate", "--root", str(generated_repo)])
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == message + "\n"
    assert snapshot(generated_repo) == before


def test_missing_catalog(tmp_path):
    result = CliRunner().invoke(main, ["generate", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "catalog.yaml:1:1: error: catalog.yaml does not exist; create it, or pass --catalog PATH\n"
    )
    assert snapshot(tmp_path) == {}


def test_catalog_is_a_directory(tmp_path):
    (tmp_path / "catalog.yaml").mkdir()
    result = CliRunner().invoke(main, ["generate", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == "catalog.yaml:1:1: error: catalog.yaml is a directory; pass a file\n"
