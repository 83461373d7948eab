"""`validate --shard K/N`: the N shards of a repository report, together, exactly what one
unsharded run reports, each finding once: an app's in its shard, what is global in shard 1."""

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.builds.batch import Builder
from generator.builds.cache import Cache
from generator.catalog.rules import CATALOG_RULES
from generator.cli.main import main
from generator.rules.promotion import PROMOTION_RULES
from generator.validate.repository import validate
from generator.validate.shard import Shard, owner, parse_shard, shard_of, shard_pairs
from tests.gitrepo import commit_all, init

HEAD = """apiVersion: gitopsgen/v1
kind: Catalog
repository: {url: https://git.example.com/shop.git}
clusters:
  main: {server: https://main.example.com, kubernetesVersion: "1.31"}
teams:
  shop: {groups: [shop-devs]}
environments:
  dev:
    cluster: main
    namespace: dev
    host: "{app}.dev.example.com"
    access: {shop: edit}
    limitRange:
      defaultRequest: {cpu: 10m, memory: 16Mi}
      default: {cpu: 50m, memory: 32Mi}
  prod: {cluster: main, namespace: prod, host: "{app}.example.com", imagePolicy: semver, minReplicas: 2, sync: manual}
defaults:
  resources:
    requests: {cpu: 10m, memory: 16Mi}
    limits: {cpu: 50m, memory: 32Mi}
apps:
"""
# Shards of 3: cart, worker | auth, billing, web | api, mailer, search (and the removed 'gone').
SERVED = ("web", "api", "search", "billing", "auth")
WORKERS = ("worker", "cart", "mailer")


def app(name, prod="1.0.0"):
    if name in SERVED:
        body = "    port: 8080\n    ingress: {path: /}\n"
        body += "    probes: {readiness: {path: /ready}, liveness: {path: /live}}\n"
    elif name == "cart":  # no liveness probe: a warning on its built base
        body = "    probes: {readiness: {command: [/bin/ok]}}\n"
    else:
        body = "    probes: {readiness: {command: [/bin/ok]}, liveness: {command: [/bin/ok]}}\n"
    return (
        f"  {name}:\n    team: shop\n    image: registry.example.com/{name}\n{body}"
        f"    environments:\n      dev: {{version: 1.0.0}}\n"
        f"      prod: {{version: {prod}, replicas: 2}}\n"
    )


def catalog(*, gone=False, search_prod="1.0.0"):
    names = sorted(SERVED + WORKERS + (("gone",) if gone else ()))
    return HEAD + "".join(app(n, search_prod if n == "search" else "1.0.0") for n in names)


def edit(path, old, new):
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def planted_repo_at(root):
    """A committed tree with an app 'gone', then a working tree with findings planted in
    several apps of every shard and in what is global."""
    init(root)
    (root / "catalog.yaml").write_text(catalog(gone=True))
    generate(Repository.at(root))
    commit_all(root, "eight apps and gone")
    # Not regenerated: 'gone' leaves stale files (and a root that lists them); search runs
    # 9.9.9 in prod that never ran in dev (promotion-order at the catalog, drift in its overlay).
    (root / "catalog.yaml").write_text(catalog(search_prod="9.9.9"))
    # web: its base loses the liveness probe (drift, and a warning on the built base).
    deployment = root / "base/web/deployment.yaml"
    text = deployment.read_text()
    start = text.index("        livenessProbe:\n")
    deployment.write_text(text[:start] + text[text.index("        securityContext:\n", start) :])
    # mailer: latest in dev.
    edit(root / "overlays/dev/mailer/kustomization.yaml", "newTag: 1.0.0", "newTag: latest")
    # api: auto-synced in prod, which the catalog syncs by hand.
    edit(
        root / "argocd/apps/prod/api.yaml",
        "  syncPolicy:\n",
        "  syncPolicy:\n    automated: {}\n",
    )
    # dev's guardrails: a LimitRange max below every container's limit (each app's finding,
    # read from the _namespace the shards build beside their apps).
    edit(
        root / "overlays/dev/_namespace/limitrange.yaml",
        "    default:\n",
        "    max:\n      cpu: 20m\n    default:\n",
    )
    (root / "overlays/NOTES.md").write_text("hand-written\n")
    return root


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return planted_repo_at(tmp_path_factory.mktemp("shard") / "repo")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for every run but the first unsharded one: the builds are shared; the
    findings of a shard are kept under keys that name it and what it read beside its apps."""
    return Cache(tmp_path_factory.mktemp("shard-cache"), 100)


@pytest.fixture(scope="module")
def full(planted):
    return validate(Repository.at(planted))


@pytest.fixture(scope="module")
def shards(planted, cache):
    return [
        validate(Repository.at(planted), shard=Shard(k, 3), builder=Builder(cache=cache))
        for k in (1, 2, 3)
    ]


def test_parse_shard():
    assert [parse_shard(t) for t in ("1/1", "2/4", "4/4", "10/12")] == [
        Shard(1, 1),
        Shard(2, 4),
        Shard(4, 4),
        Shard(10, 12),
    ]
    assert str(Shard(2, 4)) == "2/4"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2", "'2' is not K/N, shard K of N shards (e.g. 2/4 for the second of four)"),
        ("a/b", "'a/b' is not K/N, shard K of N shards (e.g. 2/4 for the second of four)"),
        ("1/2/3", "'1/2/3' is not K/N, shard K of N shards (e.g. 2/4 for the second of four)"),
        (" 1/4", "' 1/4' is not K/N, shard K of N shards (e.g. 2/4 for the second of four)"),
        ("-1/4", "'-1/4' is not K/N, shard K of N shards (e.g. 2/4 for the second of four)"),
        ("", "'' is not K/N, shard K of N shards (e.g. 2/4 for the second of four)"),
        ("0/4", "'0/4' has K = 0; K is from 1 to N = 4 (e.g. 2/4 for the second of four)"),
        ("5/4", "'5/4' has K = 5; K is from 1 to N = 4 (e.g. 2/4 for the second of four)"),
        ("0/0", "'0/0' has N = 0; there is at least one shard (e.g. 2/4 for the second of four)"),
    ],
)
def test_a_bad_shard_is_a_usage_error(tmp_path, value, message):
    args = ["validate", "--root", str(tmp_path), "--shard", value]
    result = CliRunner().invoke(main, args, prog_name="gitopsgen")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: gitopsgen validate [OPTIONS]\n"
        "Try 'gitopsgen validate --help' for help.\n\n"
        f"Error: Invalid value for '--shard': {message}\n"
    )
    with pytest.raises(ValueError) as raised:
        parse_shard(value)
    assert str(raised.value) == message


APPS = sorted(SERVED + WORKERS)


def test_the_assignment_is_a_stable_hash_of_the_app_name():
    # Frozen here: the same on every machine, in every run, in any catalog order.
    assert {name: shard_of(name, 3) for name in (*APPS, "gone")} == {
        "api": 3,
        "auth": 2,
        "billing": 2,
        "cart": 1,
        "gone": 3,
        "mailer": 3,
        "search": 3,
        "web": 2,
        "worker": 1,
    }
    assert [shard_of(name, 4) for name in APPS] == [2, 4, 2, 1, 1, 4, 3, 3]
    assert [shard_of(name, 1) for name in APPS] == [1] * 8


def test_every_environment_of_an_app_is_in_its_shard_and_adding_an_app_moves_none():
    pairs = [(env, None) for env in ("dev", "prod")]
    pairs += [(env, name) for name in APPS for env in ("dev", "prod")]
    more = [*pairs, ("dev", "new"), ("prod", "new")]
    namespaces = {("dev", None), ("prod", None)}
    for k, names in ((1, {"cart", "worker"}), (2, {"auth", "billing", "web"})):
        mine = {(env, a) for a in names for env in ("dev", "prod")}
        assert shard_pairs(pairs, Shard(k, 3)) == mine | namespaces
    # 'new' lands in shard 2: nothing else moves.
    assert shard_of("new", 3) == 2
    new = {("dev", "new"), ("prod", "new")}
    assert [shard_pairs(more, Shard(k, 3)) for k in (1, 2, 3)] == [
        shard_pairs(pairs, Shard(1, 3)),
        shard_pairs(pairs, Shard(2, 3)) | new,
        shard_pairs(pairs, Shard(3, 3)),
    ]
    # A shard without an app in an environment does not build its _namespace.
    assert shard_pairs([("dev", None), ("prod", None), ("dev", "web")], Shard(2, 3)) == {
        ("dev", None),
        ("dev", "web"),
    }


def test_the_owner_of_a_path():
    assert [
        owner(p)
        for p in (
            "base/web/deployment.yaml",
            "overlays/dev/web/kustomization.yaml",
            "argocd/apps/prod/web.yaml",
            "base/gone/deployment.yaml",
            "overlays/dev/_namespace/limitrange.yaml",
            "argocd/apps/dev/_namespace.yaml",
            "argocd/projects/dev.yaml",
            "argocd/root/main.yaml",
            "overlays/NOTES.md",
            "overlays/dev/NOTES.md",
            "base/NOTES.md",
            "catalog.yaml",
            ".github/CODEOWNERS",
            "components/tls/kustomization.yaml",
        )
    ] == ["web", "web", "web", "gone"] + [None] * 10


# (path, line, rule) of what each shard of 3 reports on the planted repository.
SHARD_1 = [
    ("argocd/root/main.yaml", 45, "tree-drift"),  # it still lists gone's Applications
    ("base/cart/deployment.yaml", 31, "workload-liveness-probe"),
    ("base/cart/deployment.yaml", 38, "quota-limit-range"),
    ("base/worker/deployment.yaml", 38, "quota-limit-range"),
    ("catalog.yaml", 72, "promotion-order"),  # search's, but the catalog is global
    ("overlays/NOTES.md", 1, "tree-stray-file"),
    ("overlays/dev/_namespace/limitrange.yaml", 13, "tree-drift"),
]
SHARD_2 = [
    ("base/auth/deployment.yaml", 42, "quota-limit-range"),
    ("base/billing/deployment.yaml", 42, "quota-limit-range"),
    ("base/web/deployment.yaml", 31, "workload-liveness-probe"),
    ("base/web/deployment.yaml", 42, "quota-limit-range"),
    ("base/web/deployment.yaml", 48, "tree-drift"),
]
SHARD_3 = [
    ("argocd/apps/dev/gone.yaml", 1, "tree-stale-file"),
    ("argocd/apps/prod/api.yaml", 27, "tree-drift"),
    ("argocd/apps/prod/api.yaml", 27, "argocd-auto-sync"),
    ("argocd/apps/prod/gone.yaml", 1, "tree-stale-file"),
    ("base/api/deployment.yaml", 42, "quota-limit-range"),
    ("base/gone/deployment.yaml", 1, "tree-stale-file"),
    ("base/gone/kustomization.yaml", 1, "tree-stale-file"),
    ("base/gone/serviceaccount.yaml", 1, "tree-stale-file"),
    ("base/mailer/deployment.yaml", 38, "quota-limit-range"),
    ("base/search/deployment.yaml", 42, "quota-limit-range"),
    ("overlays/dev/gone/kustomization.yaml", 1, "tree-stale-file"),
    ("overlays/dev/mailer/kustomization.yaml", 14, "tree-drift"),
    ("overlays/dev/mailer/kustomization.yaml", 14, "image-tag-latest"),
    ("overlays/prod/gone/deployment-patch.yaml", 1, "tree-stale-file"),
    ("overlays/prod/gone/kustomization.yaml", 1, "tree-stale-file"),
    ("overlays/prod/gone/pdb.yaml", 1, "tree-stale-file"),
    ("overlays/prod/search/kustomization.yaml", 15, "tree-drift"),
]


def places(validation):
    return [(f.path, f.line, f.rule) for f in validation.result.findings]


def test_each_shard_reports_its_part(shards):
    assert [places(v) for v in shards] == [SHARD_1, SHARD_2, SHARD_3]
    owners = [sorted({owner(f.path) or "" for f in v.result.findings}) for v in shards]
    assert owners == [
        ["", "cart", "worker"],
        ["auth", "billing", "web"],
        ["api", "gone", "mailer", "search"],
    ]


def test_the_shards_together_report_what_one_run_does(full, shards):
    union = [f for v in shards for f in v.result.findings]
    assert Counter(union) == Counter(full.result.findings)  # each finding in one shard only
    assert sorted(union, key=lambda f: f.sort_key()) == list(full.result.findings)
    assert sorted(places(full)) == sorted(SHARD_1 + SHARD_2 + SHARD_3)
    assert [v.result.exit_code for v in shards] == [1, 1, 1]


def test_the_shards_build_their_apps_and_the_namespaces_beside_them(full, shards):
    namespaces = ("overlays/dev/_namespace", "overlays/prod/_namespace")

    def folders(*names, stale=()):
        own = [f"overlays/{env}/{n}" for env in ("dev", "prod") for n in names]
        return tuple(
            sorted([*namespaces, *own])
            + [f"overlays/{e}/{n}" for n in stale for e in ("dev", "prod")]
        )

    assert [v.built for v in shards] == [
        folders("cart", "worker"),
        folders("auth", "billing", "web"),
        # gone's stale Applications are still checked, so their paths are built.
        folders("api", "mailer", "search", stale=("gone",)),
    ]
    apps = [[p for p in v.built if p not in namespaces] for v in shards]
    assert sorted(p for part in apps for p in part) == sorted(
        p for p in full.built if p not in namespaces
    )
    assert len({p for part in apps for p in part}) == sum(len(part) for part in apps)


def test_files_and_rules_per_shard(full, shards):
    assert [v.result.files for v in shards] == [32, 39, 35]
    assert sum(v.result.files for v in shards) == full.result.files == 106
    everywhere = {r.id for r in full.result.rules}
    missing = [everywhere - {r.id for r in v.result.rules} for v in shards]
    # Catalog and promotion rules run in shard 1; no shard sums a namespace's quota.
    elsewhere = {r.id for r in CATALOG_RULES + PROMOTION_RULES} | {"quota-exceeded"}
    assert missing == [{"quota-exceeded"}, elsewhere, elsewhere]


def test_one_shard_of_one_is_the_unsharded_run(planted, full, cache):
    one = validate(Repository.at(planted), shard=Shard(1, 1), builder=Builder(cache=cache))
    assert one.result == full.result
    assert one.built == full.built


def test_changed_and_shard_check_the_shard_part_of_the_change(planted, cache):
    changed = validate(Repository.at(planted), changed_since="HEAD", builder=Builder(cache=cache))
    parts = [
        validate(
            Repository.at(planted),
            changed_since="HEAD",
            shard=Shard(k, 3),
            builder=Builder(cache=cache),
        )
        for k in (1, 2, 3)
    ]
    assert [places(v) for v in parts] == [
        [
            ("catalog.yaml", 72, "promotion-order"),
            ("overlays/dev/_namespace/limitrange.yaml", 13, "tree-drift"),
        ],
        [
            ("base/web/deployment.yaml", 31, "workload-liveness-probe"),
            ("base/web/deployment.yaml", 42, "quota-limit-range"),
            ("base/web/deployment.yaml", 48, "tree-drift"),
        ],
        [
            ("argocd/apps/prod/api.yaml", 27, "tree-drift"),
            ("argocd/apps/prod/api.yaml", 27, "argocd-auto-sync"),
            ("base/mailer/deployment.yaml", 38, "quota-limit-range"),
            ("overlays/dev/mailer/kustomization.yaml", 14, "tree-drift"),
            ("overlays/dev/mailer/kustomization.yaml", 14, "image-tag-latest"),
            ("overlays/prod/search/kustomization.yaml", 15, "tree-drift"),
        ],
    ]
    union = [f for v in parts for f in v.result.findings]
    assert sorted(union, key=lambda f: f.sort_key()) == list(changed.result.findings)
    assert [v.built for v in parts] == [
        ("overlays/dev/_namespace", "overlays/prod/_namespace"),
        (
            "overlays/dev/_namespace",
            "overlays/dev/web",
            "overlays/prod/_namespace",
            "overlays/prod/web",
        ),
        (
            "overlays/dev/_namespace",
            "overlays/dev/mailer",
            "overlays/prod/_namespace",
            "overlays/prod/api",
            "overlays/prod/search",
        ),
    ]


def test_shard_on_the_command_line(planted, tmp_path):
    args = ["validate", "--root", str(planted), "--shard", "2/3", "--format", "text"]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 1
    assert result.stderr == ""
    limit = (
        "error: container '{0}' of Deployment {0}: limits.cpu 50m is above the maximum 20m of "
        "LimitRange limits; lower it to at most 20m; catalog entry: catalog.yaml:{1}:3 "
        "(quota-limit-range)"
    )
    assert result.stdout.splitlines() == [
        "base/auth/deployment.yaml:42:13: " + limit.format("auth", 32),
        "base/billing/deployment.yaml:42:13: " + limit.format("billing", 41),
        "base/web/deployment.yaml:31:9: warning: container 'web' of Deployment web has no "
        "livenessProbe; add one so a hung process is restarted; catalog entry: catalog.yaml:73:3 "
        "(workload-liveness-probe)",
        "base/web/deployment.yaml:42:13: " + limit.format("web", 73),
        "base/web/deployment.yaml:48:1: error: base/web/deployment.yaml differs from what "
        "catalog.yaml generates (line 48: found 'securityContext:', expected 'livenessProbe:'); "
        "change catalog.yaml, not the generated file, and run 'gitopsgen generate' (tree-drift)",
        "4 errors, 1 warning in 39 files",
    ]


def test_a_refused_catalog_is_reported_by_shard_1_only(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "catalog.yaml").write_text(
        catalog().replace("    team: shop\n", "    team: nobody\n", 1)
    )

    def shard(k):
        args = ["validate", "--root", str(root), "--shard", f"{k}/3", "--format", "json"]
        result = CliRunner().invoke(main, [*args, "--no-cache"])
        found = json.loads(result.stdout)
        return result.exit_code, [f["rule"] for f in found["findings"]], found["summary"]

    assert [shard(k) for k in (1, 2, 3)] == [
        (1, ["catalog-unknown-reference"], {"errors": 1, "warnings": 0, "files": 1}),
        (0, [], {"errors": 0, "warnings": 0, "files": 0}),
        (0, [], {"errors": 0, "warnings": 0, "files": 0}),
    ]
