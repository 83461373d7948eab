"""Backups: Go durations, the Velero Schedules the catalog renders (against the vendored
CRD), the workload-volume-backup rule, and the golden `backups` catalog as a user meets it
in a real git repository: generate, validate, and one bad edit of catalog.yaml at a time."""

import pytest
import yaml

from generator import kustomize
from generator.catalog.duration import duration_problem, nanoseconds
from generator.catalog.load import catalog_from_text
from generator.k8s.schema import SchemaRegistry
from generator.manifest_yaml import load_manifests
from generator.render.backups import schedules
from generator.rule import RuleContext
from generator.rules.workload_backup import VOLUME_BACKUP
from tests.gitrepo import commit_all, init
from tests.helpers import GOLDEN, assert_refused, invoke

CATALOG = (GOLDEN / "backups" / "catalog.yaml").read_text()
ORDERS_BACKUP = '    backup: {schedule: "0 2 * * *", ttl: 720h}\n'  # line 63
PROD_BACKUPS = "    backups: {storageLocation: prod-s3, namespace: velero-system}\n"  # line 41
STAGING_BACKUPS = "    backups: {storageLocation: nonprod-minio, volumes: fsBackup}\n"  # line 34
WEB = "  web:\n    team: data\n    image: ghcr.io/example/web\n    port: 8080\n"  # lines 102-105
assert CATALOG.splitlines()[62] == ORDERS_BACKUP.rstrip("\n")
assert CATALOG.splitlines()[40] == PROD_BACKUPS.rstrip("\n")


def edit(*changes):
    text = CATALOG
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("720h", 720 * 3600),
        ("168h30m", 168 * 3600 + 30 * 60),
        ("1.5h", 5400),
        (".5m", 30),
        ("1h0m0s", 3600),
        ("90s", 90),
        ("1500ms", 1),
        ("0", 0),
    ],
)
def test_go_durations(text, seconds):
    assert duration_problem(text) is None
    assert nanoseconds(text) // 10**9 == seconds


def test_go_duration_units_below_a_second():
    assert [nanoseconds(t) for t in ("1ns", "1us", "1µs", "1μs", "1ms", "-2s")] == [
        1,
        1000,
        1000,
        1000,
        10**6,
        -2 * 10**9,
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("30d", "Go durations have no days: write '720h' for 30 days"),
        (
            "720",
            "'720' has a number without a unit; write a Go duration such as 720h or 168h30m "
            "(units h, m, s, ms, us, ns)",
        ),
        (
            "1w",
            "'w' in '1w' is not a unit of a Go duration such as 720h or 168h30m (units h, m, s, "
            "ms, us, ns)",
        ),
        ("h", "'h' is not a Go duration such as 720h or 168h30m (units h, m, s, ms, us, ns)"),
        ("-", "'-' is not a Go duration such as 720h or 168h30m (units h, m, s, ms, us, ns)"),
        (
            "1h 30m",
            "'1h 30m' has a space, which a Go duration never has; write '1h30m'",
        ),
        ("3000000h", "'3000000h' is longer than a Go duration can be (about 292 years)"),
    ],
)
def test_bad_go_durations(text, problem):
    assert duration_problem(text) == problem
    with pytest.raises(ValueError, match=r"Go duration|no days"):
        nanoseconds(text)


def _schedules(text):
    catalog = catalog_from_text(text, "catalog.yaml")
    return {e.name: schedules(e, catalog) for e in catalog.environments}


def test_schedules_per_volume_mode_validate_against_the_vendored_crd():
    text = edit(
        (
            STAGING_BACKUPS,
            "    backups: {storageLocation: nonprod-minio, volumes: snapshotMoveData}\n",
        )
    )
    found = _schedules(text)
    assert sorted(found) == ["dev", "prod", "staging"]
    assert found["dev"] == []
    assert [s["metadata"]["name"] for s in found["staging"]] == [
        "staging-orders-db",
        "staging-uploads",
    ]
    # uploads does not run in prod; search-cache and web have no backup.
    [prod] = found["prod"]
    assert prod == {
        "apiVersion": "velero.io/v1",
        "kind": "Schedule",
        "metadata": {
            "name": "prod-orders-db",
            "namespace": "velero-system",
            "labels": {
                "app.kubernetes.io/name": "orders-db",
                "app.kubernetes.io/managed-by": "gitopsgen",
                "gitopsgen.io/team": "data",
                "gitopsgen.io/environment": "prod",
            },
        },
        "spec": {
            "schedule": "0 2 * * *",
            "useOwnerReferencesInBackup": False,
            "template": {
                "includedNamespaces": ["prod"],
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "orders-db"}},
                "storageLocation": "prod-s3",
                "ttl": "720h",
                "snapshotVolumes": True,
                "defaultVolumesToFsBackup": False,
            },
        },
    }
    uploads = found["staging"][1]
    assert uploads["metadata"]["namespace"] == "velero"
    assert uploads["spec"]["schedule"] == "@every 6h"
    assert uploads["spec"]["template"] == {
        "includedNamespaces": ["staging"],
        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "uploads"}},
        "storageLocation": "nonprod-minio",
        "snapshotVolumes": True,
        "snapshotMoveData": True,
        "defaultVolumesToFsBackup": False,
    }
    registry = SchemaRegistry()
    for obj in [*found["staging"], prod]:
        assert registry.problems(obj, "1.31") == []


def test_file_system_backups():
    [orders, _] = _schedules(CATALOG)["staging"]
    template = orders["spec"]["template"]
    assert (template["snapshotVolumes"], template["defaultVolumesToFsBackup"]) == (False, True)
    assert "snapshotMoveData" not in template


CONTEXT = RuleContext(kubernetes_version="1.31", environment="prod", namespace="prod", backups=True)
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: prod}
spec:
  selector: {matchLabels: {app: db}}
  serviceName: db
  template:
    metadata: {labels: {app: db, tier: data}}
    spec:
      containers: [{name: db, image: "db:1"}]
  volumeClaimTemplates:
    - metadata: {name: data, labels: {claim: db}}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""
MOUNTED = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: files, namespace: prod, labels: {claim: files}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: files, namespace: prod}
spec:
  selector: {matchLabels: {app: files}}
  template:
    metadata: {labels: {app: files}}
    spec:
      containers: [{name: files, image: "files:1"}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: files}}]
"""


def schedule(template):
    spec = yaml.safe_dump({"schedule": "@daily", "template": template})
    lines = "".join(f"  {line}\n" for line in spec.splitlines())
    return f"apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {{name: s}}\nspec:\n{lines}"


def flagged(*documents, ctx=CONTEXT):
    manifests = load_manifests("---\n".join(documents), "set.yaml")
    return [(f.line, f.message.split(" is in no")[0]) for f in VOLUME_BACKUP.check(manifests, ctx)]


DB = (12, "volume claim template 'data' of StatefulSet db")
FILES = (17, "PersistentVolumeClaim 'files'")


@pytest.mark.parametrize(
    ("template", "unsaved"),
    [
        ({}, []),  # no namespace, no selector: everything
        ({"includedNamespaces": ["*"]}, []),
        (
            {"includedNamespaces": ["prod"], "labelSelector": {"matchLabels": {"app": "db"}}},
            [FILES],
        ),
        ({"includedNamespaces": ["dev"]}, [DB, FILES]),
        ({"excludedNamespaces": ["prod"]}, [DB, FILES]),
        # the claim's own labels, where volumes are snapshot (the default)...
        ({"labelSelector": {"matchLabels": {"claim": "files"}}}, [DB]),
        # ... a claim template's labels include the StatefulSet's selector
        ({"labelSelector": {"matchLabels": {"claim": "db", "app": "db"}}}, [FILES]),
        # ... but a file-system backup saves what the selected pods mount
        (
            {"labelSelector": {"matchLabels": {"claim": "files"}}, "snapshotVolumes": False},
            [DB, FILES],
        ),
        ({"labelSelector": {"matchLabels": {"app": "files"}}, "snapshotVolumes": False}, [DB]),
        (
            {
                "orLabelSelectors": [
                    {"matchLabels": {"app": "db"}},
                    {"matchLabels": {"app": "files"}},
                ]
            },
            [],
        ),
        (
            {
                "labelSelector": {
                    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["data"]}]
                }
            },
            [FILES],
        ),
    ],
)
def test_what_a_schedule_saves(template, unsaved):
    assert flagged(STATEFULSET, MOUNTED, schedule(template)) == sorted(unsaved)


def test_a_paused_schedule_saves_nothing():
    paused = schedule({}).replace("spec:\n", "spec:\n  paused: true\n")
    assert flagged(STATEFULSET, MOUNTED, paused) == [DB, FILES]


def test_in_force_only_where_the_environment_has_backups():
    assert VOLUME_BACKUP.applies(CONTEXT)
    assert not VOLUME_BACKUP.applies(RuleContext(kubernetes_version="1.31"))


def test_the_whole_message():
    manifests = load_manifests(MOUNTED, "set.yaml")
    [finding] = VOLUME_BACKUP.check(manifests, CONTEXT)
    assert (finding.rule, finding.severity.value, finding.path, finding.line) == (
        "workload-volume-backup",
        "warning",
        "set.yaml",
        3,
    )
    assert finding.message == (
        "PersistentVolumeClaim 'files' is in no Velero Schedule, though the environment backs up "
        "its volumes (`backups`); give the app a `backup` in the catalog, or suppress "
        "workload-volume-backup with the reason its data can be lost"
    )
    assert (finding.resource.kind, finding.resource.name, finding.environment) == (
        "PersistentVolumeClaim",
        "files",
        "prod",
    )


@pytest.fixture()
def repo(tmp_path):
    """A git repository with the backups catalog and its tree committed; validate passes."""
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(CATALOG)
    generated = invoke("generate", "--root", str(root))
    assert (generated.exit_code, generated.stdout) == (
        0,
        "wrote 67 files, removed 0, 0 unchanged (from catalog.yaml)\n",
    )
    commit_all(root, "catalog and tree")
    clean = invoke("validate", "--root", str(root))
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "no problems in 68 files\n", "")
    return root


def test_the_guardrails_build_the_schedules_into_velero(repo):
    built = kustomize.build(repo / "overlays" / "prod" / "_namespace")
    assert built.error == ""
    objects = [o for o in yaml.safe_load_all(built.output) if o]
    assert sorted(
        (o["kind"], o["metadata"]["name"], o["metadata"].get("namespace")) for o in objects
    ) == [
        ("Namespace", "prod", None),
        ("NetworkPolicy", "allow-dns", "prod"),
        ("NetworkPolicy", "default-deny", "prod"),
        ("RoleBinding", "team-data", "prod"),
        ("RoleBinding", "team-sre", "prod"),
        ("Schedule", "prod-orders-db", "velero-system"),
    ]
    [guardrails] = [
        d
        for d in yaml.safe_load_all((repo / "argocd" / "projects" / "prod.yaml").read_text())
        if d["metadata"]["name"] == "prod-guardrails"
    ]
    assert guardrails["spec"]["destinations"] == [
        {"server": "https://prod.k8s.example.com", "namespace": "prod"},
        {"server": "https://prod.k8s.example.com", "namespace": "velero-system"},
    ]
    assert guardrails["spec"]["namespaceResourceWhitelist"][-1] == {
        "group": "velero.io",
        "kind": "Schedule",
    }
    # The apps' project gains nothing.
    [apps] = [
        d
        for d in yaml.safe_load_all((repo / "argocd" / "projects" / "prod.yaml").read_text())
        if d["metadata"]["name"] == "prod"
    ]
    assert apps["spec"]["destinations"] == [
        {"server": "https://prod.k8s.example.com", "namespace": "prod"}
    ]


def test_a_project_without_the_schedule_kind_is_refused(repo):
    project = repo / "argocd" / "projects" / "prod.yaml"
    project.write_text(
        project.read_text().replace("  - group: velero.io\n    kind: Schedule\n", "")
    )
    validated = invoke("validate", "--root", str(repo))
    assert validated.exit_code == 1
    assert validated.stdout == (
        "argocd/apps/prod/_namespace.yaml:20:5: error: Application 'prod-guardrails' deploys a "
        "Schedule, which is not in the project's namespaceResourceWhitelist of 'prod-guardrails'; "
        "Argo CD will refuse to sync it (argocd-kind-denied)\n"
        "argocd/projects/prod.yaml:80:1: error: argocd/projects/prod.yaml differs from what "
        "catalog.yaml generates (line 80: found 'roles:', expected '- group: velero.io'); change "
        "catalog.yaml, not the generated file, and run 'gitopsgen generate' (tree-drift)\n"
        "2 errors, 0 warnings in 68 files\n"
    )


def test_a_volume_without_backup_is_a_warning(repo):
    text = edit(
        (ORDERS_BACKUP, ""),
        (
            '      - {rule: workload-volume-backup, reason: "a cache: rebuilt from the orders database"}\n',
            "      - {rule: workload-volume-backup, reason: cache, environments: [prod]}\n",
        ),
    )
    (repo / "catalog.yaml").write_text(text)
    generated = invoke("generate", "--root", str(repo))
    # orders-db's two Schedules go (staging and prod); uploads keeps the staging file.
    assert (generated.exit_code, generated.stdout, generated.stderr) == (
        0,
        "wrote 2 files, removed 1, 64 unchanged (from catalog.yaml)\n",
        "",
    )
    assert not (repo / "overlays" / "prod" / "_namespace" / "schedules.yaml").exists()
    validated = invoke("validate", "--root", str(repo))
    assert (validated.exit_code, validated.stderr) == (0, "")
    # The base's claim template is staging's (prod patches its own); search-cache's claim
    # is suppressed in prod only now.
    unsaved = (
        " is in no Velero Schedule, though the environment backs up its volumes (`backups`); "
        "give the app a `backup` in the catalog, or suppress workload-volume-backup with the "
        "reason its data can be lost; catalog entry: "
    )
    template = "volume claim template 'var-lib-postgresql-data' of StatefulSet orders-db"
    assert validated.stdout == (
        f"base/orders-db/statefulset.yaml:78:5: warning: {template}{unsaved}catalog.yaml:47:3 "
        "(workload-volume-backup)\n"
        "base/search-cache/pvc-search-cache-data.yaml:6:3: warning: PersistentVolumeClaim "
        f"'search-cache-data'{unsaved}catalog.yaml:85:3 (workload-volume-backup)\n"
        f"overlays/prod/orders-db/statefulset-patch.yaml:9:5: warning: {template}{unsaved}"
        "catalog.yaml:66:7 (workload-volume-backup)\n"
        "0 errors, 3 warnings in 67 files\n"
    )


# case: (bad catalog, the findings generate and validate print)
BAD = {
    "schedule-and-ttl": (
        edit((ORDERS_BACKUP, '    backup: {schedule: "0 25 * * *", ttl: 30d}\n')),
        "catalog.yaml:63:24: error: backup schedule '0 25 * * *' of app 'orders-db': '25' in the "
        "hour field is outside 0-23 (catalog-backup)\n"
        "catalog.yaml:63:43: error: backup ttl '30d' of app 'orders-db': Go durations have no "
        "days: write '720h' for 30 days (catalog-backup)",
    ),
    "time-zone": (
        edit((ORDERS_BACKUP, '    backup: {schedule: "CRON_TZ=Europe/Berlin 0 2 * * *"}\n')),
        "catalog.yaml:63:24: error: backup schedule 'CRON_TZ=Europe/Berlin 0 2 * * *' of app "
        "'orders-db': Velero runs schedules in UTC; write the time in UTC, without a time zone "
        "(catalog-backup)",
    ),
    "ttl-without-unit": (
        edit((ORDERS_BACKUP, '    backup: {schedule: "@daily", ttl: "720"}\n')),
        "catalog.yaml:63:39: error: backup ttl '720' of app 'orders-db': '720' has a number "
        "without a unit; write a Go duration such as 720h or 168h30m (units h, m, s, ms, us, ns) "
        "(catalog-backup)",
    ),
    "zero-ttl": (
        edit((ORDERS_BACKUP, '    backup: {schedule: "@daily", ttl: 0s}\n')),
        "catalog.yaml:63:39: error: backup ttl '0s' of app 'orders-db': a backup must be kept "
        "for some time; write a positive duration such as 720h, or remove `ttl` for Velero's "
        "default (720h) (catalog-backup)",
    ),
    "no-schedule": (
        edit((ORDERS_BACKUP, "    backup: {ttl: 720h}\n")),
        "catalog.yaml:63:5: error: `apps.orders-db.backup` misses the required key 'schedule'; "
        "add it (catalog-schema)",
    ),
    "backup-in-an-environment": (
        edit(
            (ORDERS_BACKUP, ""),
            (
                '      prod:\n        version: "17.4@',
                '      prod:\n        backup: {schedule: "@daily"}\n        version: "17.4@',
            ),
        ),
        "catalog.yaml:67:9: error: unknown key 'backup' in `apps.orders-db.environments.prod`; "
        "'backup' is a field of `apps.<app>`: move it there (catalog-unknown-key)",
    ),
    "backup-without-volumes": (
        edit((WEB, WEB + '    backup: {schedule: "@daily"}\n')),
        "catalog.yaml:106:5: error: app 'web' has a backup but no persistent volume where it "
        "runs, so a Schedule would save no data; mount one (`volumes.<mountPath>: {size: ...}`) "
        "or remove `backup` (catalog-backup)",
    ),
    "velero-in-an-environment-namespace": (
        edit((PROD_BACKUPS, "    backups: {storageLocation: prod-s3, namespace: prod}\n")),
        "catalog.yaml:41:52: error: environment 'prod' puts its Velero Schedules in namespace "
        "'prod', its own namespace, where its apps run; set `environments.prod.backups.namespace` "
        "to Velero's own namespace (default velero) (catalog-backup)",
    ),
    "storage-location-url": (
        edit((PROD_BACKUPS, "    backups: {storageLocation: s3://backups/prod}\n")),
        "catalog.yaml:41:32: error: `environments.prod.backups.storageLocation` is "
        "'s3://backups/prod', which is not allowed here (the name of a Velero "
        "BackupStorageLocation, such as prod-s3) (catalog-schema)",
    ),
    "unknown-volume-mode": (
        edit((PROD_BACKUPS, "    backups: {storageLocation: prod-s3, volumes: restic}\n")),
        "catalog.yaml:41:50: error: `environments.prod.backups.volumes` is 'restic'; use one of: "
        "snapshot, snapshotMoveData, fsBackup (catalog-schema)",
    ),
    "backups-not-a-mapping": (
        edit((PROD_BACKUPS, "    backups: prod-s3\n")),
        "catalog.yaml:41:14: error: `environments.prod.backups` must be a mapping, not "
        "'prod-s3' (catalog-schema)",
    ),
    "misspelled-storage-location": (
        edit((PROD_BACKUPS, "    backups: {storagelocation: prod-s3}\n")),
        "catalog.yaml:41:15: error: unknown key 'storagelocation' in "
        "`environments.prod.backups`; did you mean 'storageLocation'? (catalog-unknown-key)",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_backups(case, repo):
    text, message = BAD[case]
    count = message.count("\n") + 1
    summary = f"{count} error{'s' if count > 1 else ''}, 0 warnings in 1 file"
    assert_refused(repo, text, 1, message, summary)
