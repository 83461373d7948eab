"""`gitopsgen diff` on real git repositories: the example catalog generated and committed,
then changed in the working tree; both sides built with the real Kustomize."""

import re
import tempfile

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.api import diff as api_diff
from generator.cli.main import main
from tests.gitrepo import commit_all, git, init
from tests.helpers import CATALOGS, make_repo

STAGING_WEB = """      staging:
        version: 1.4.2
        replicas: 3
"""


def repo(tmp_path, name="repo"):
    root = make_repo(tmp_path, CATALOGS / "example.yaml", name)
    generate(Repository.at(root))
    init(root)
    commit_all(root, "Initial tree")
    return root


def edit_catalog(root, old, new):
    path = root / "catalog.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    generate(Repository.at(root))


def diff(root, *args):
    return CliRunner().invoke(main, ["diff", "--root", str(root), *args])


@pytest.fixture(autouse=True)
def own_tmp(tmp_path, monkeypatch):
    """Temporary folders of the run go to a folder of the test's own, checked empty after."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    yield
    assert list(scratch.iterdir()) == []


VERSION_DIFF = """=== staging/web: Deployment web (changed)
--- HEAD
+++ working tree
@@ -28,7 +28,7 @@
             name: web-config-hf678c7m2b
         - secretRef:
             name: web-secrets
-        image: ghcr.io/example/web:1.4.2
+        image: ghcr.io/example/web:1.4.3
         livenessProbe:
           httpGet:
             path: /livez
"""


def test_a_version_change_in_staging_shows_that_deployments_image_line(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, "version: 1.4.2", "version: 1.4.3")
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == VERSION_DIFF + (
        "1 object differs from HEAD (1 changed, 0 added, 0 removed) in 1 folder; "
        "1 folder compared\n"
    )
    assert result.stderr == ""


def test_a_config_change_shows_the_configmap_and_the_deployments_reference(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, STAGING_WEB, STAGING_WEB + "        config: {LOG_LEVEL: warn}\n")
    result = diff(root, "--base", "main")
    assert result.exit_code == 0
    assert (
        result.stdout
        == """=== staging/web: ConfigMap web-config (changed)
--- main
+++ working tree
@@ -1,9 +1,9 @@
 apiVersion: v1
 data:
-  LOG_LEVEL: info
+  LOG_LEVEL: warn
 kind: ConfigMap
 metadata:
   labels:
     gitopsgen.io/environment: staging
-  name: web-config-hf678c7m2b
+  name: web-config-dfk4bdbtkk
   namespace: staging
=== staging/web: Deployment web (changed)
--- main
+++ working tree
@@ -25,7 +25,7 @@
       containers:
       - envFrom:
         - configMapRef:
-            name: web-config-hf678c7m2b
+            name: web-config-dfk4bdbtkk
         - secretRef:
             name: web-secrets
         image: ghcr.io/example/web:1.4.2
2 objects differ from main (2 changed, 0 added, 0 removed) in 1 folder; 1 folder compared
"""
    )
    assert result.stderr == ""


REMOVED_WORKER = """=== dev/worker: ServiceAccount worker (removed)
--- HEAD
+++ working tree
@@ -1,11 +0,0 @@
-apiVersion: v1
-automountServiceAccountToken: false
-kind: ServiceAccount
-metadata:
-  labels:
-    app.kubernetes.io/managed-by: gitopsgen
-    app.kubernetes.io/name: worker
-    gitopsgen.io/environment: dev
-    gitopsgen.io/team: storefront
-  name: worker
-  namespace: dev
=== dev/worker: ConfigMap worker-config (removed)
--- HEAD
+++ working tree
@@ -1,9 +0,0 @@
-apiVersion: v1
-data:
-  QUEUE: orders
-kind: ConfigMap
-metadata:
-  labels:
-    gitopsgen.io/environment: dev
-  name: worker-config-ftbm2fgt7t
-  namespace: dev
=== dev/worker: Deployment worker (removed)
--- HEAD
+++ working tree
@@ -1,61 +0,0 @@
-apiVersion: apps/v1
-kind: Deployment
-metadata:
-  labels:
-    app.kubernetes.io/managed-by: gitopsgen
-    app.kubernetes.io/name: worker
-    gitopsgen.io/environment: dev
-    gitopsgen.io/team: storefront
-  name: worker
-  namespace: dev
-spec:
-  replicas: 1
-  selector:
-    matchLabels:
-      app.kubernetes.io/name: worker
-  template:
-    metadata:
-      labels:
-        app.kubernetes.io/managed-by: gitopsgen
-        app.kubernetes.io/name: worker
-        gitopsgen.io/environment: dev
-        gitopsgen.io/team: storefront
-    spec:
-      automountServiceAccountToken: false
-      containers:
-      - envFrom:
-        - configMapRef:
-            name: worker-config-ftbm2fgt7t
-        image: ghcr.io/example/worker:1.2.0
-        livenessProbe:
-          exec:
-            command:
-            - /app/healthcheck
-        name: worker
-        resources:
-          limits:
-            cpu: 500m
-            memory: 256Mi
-          requests:
-            cpu: 100m
-            memory: 128Mi
-        securityContext:
-          allowPrivilegeEscalation: false
-          capabilities:
-            drop:
-            - ALL
-          readOnlyRootFilesystem: true
-          runAsNonRoot: true
-        volumeMounts:
-        - mountPath: /tmp
-          name: tmp
-      securityContext:
-        runAsGroup: 65532
-        runAsNonRoot: true
-        runAsUser: 65532
-        seccompProfile:
-          type: RuntimeDefault
-      serviceAccountName: worker
-      volumes:
-      - emptyDir: {}
-        name: tmp
"""


def test_an_app_removed_in_dev_shows_its_objects_removed(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, "dev: {version: 1.2.0, replicas: 1}", "dev: {enabled: false}")
    assert git(root, "status", "--porcelain") == (
        " D argocd/apps/dev/worker.yaml\n M argocd/root/nonprod.yaml\n M catalog.yaml\n"
        " D overlays/dev/worker/kustomization.yaml\n"
    )
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == REMOVED_WORKER + (
        "3 objects differ from HEAD (0 changed, 0 added, 3 removed) in 1 folder; "
        "1 folder compared\n"
    )


def as_added(removed):
    """The same objects shown as added: headers say so, hunks start at 0, lines are +."""
    text = removed.replace("(removed)", "(added)")
    text = re.sub(r"^@@ -1,(\d+) \+0,0 @@$", r"@@ -0,0 +1,\1 @@", text, flags=re.M)
    return re.sub(r"^-(?!-- )", "+", text, flags=re.M)


def test_an_app_added_back_shows_its_objects_added_in_promotion_order(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, "dev: {version: 1.2.0, replicas: 1}", "dev: {enabled: false}")
    commit_all(root, "worker leaves dev")
    edit_catalog(root, "dev: {enabled: false}", "dev: {version: 1.2.0, replicas: 1}")
    edit_catalog(root, STAGING_WEB, STAGING_WEB.replace("1.4.2", "1.4.3"))
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == as_added(REMOVED_WORKER) + VERSION_DIFF + (
        "4 objects differ from HEAD (1 changed, 3 added, 0 removed) in 2 folders; "
        "2 folders compared\n"
    )


NO_CHANGES = "no changes to the rendered manifests against HEAD ({folders} compared)\n"


def test_no_change_is_one_line(tmp_path):
    root = repo(tmp_path)
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == NO_CHANGES.format(folders="0 folders")
    assert result.stderr == ""


def test_a_catalog_change_that_renders_the_same_builds_nothing(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, "# The apps.", "# The apps, all of them.")
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == NO_CHANGES.format(folders="0 folders")


@pytest.mark.parametrize(
    ("rev", "why"),
    [
        ("nope", "does not exist in {root}; pass a branch, tag or commit id that does"),
        ("HEAD~1", "does not exist in {root}; pass a branch, tag or commit id that does"),
        (
            "HEAD^{tree}",
            "is not a commit in {root} (it names a tree); pass a branch, tag or commit id",
        ),
    ],
)
def test_a_bad_revision_is_exit_2(tmp_path, rev, why):
    root = repo(tmp_path)
    result = diff(root, "--base", rev)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: git revision '{rev}' {why.format(root=root)}\n"


def test_outside_a_git_repository_is_exit_2(tmp_path):
    root = make_repo(tmp_path, CATALOGS / "example.yaml")
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {root} is not inside a git repository; run 'git init' there (or work in a clone)\n"
    )


def state(root):
    """Everything of the user's repository a diff must leave alone."""
    return {
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
        "head": git(root, "rev-parse", "HEAD"),
        "symbolic": git(root, "symbolic-ref", "HEAD"),
        "branches": git(root, "for-each-ref", "--format=%(refname) %(objectname)"),
        "worktrees": git(root, "worktree", "list", "--porcelain"),
        "stash": git(root, "stash", "list"),
        "index": (root / ".git" / "index").read_bytes(),
    }


def work_files(root):
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_the_users_checkout_is_left_as_it_was(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, "dev: {version: 1.2.0, replicas: 1}", "dev: {enabled: false}")
    edit_catalog(root, "version: 1.4.2", "version: 1.4.3")
    git(root, "add", "overlays/staging")
    (root / "notes.txt").write_text("untracked\n")
    before = state(root)
    files = work_files(root)
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert state(root) == before
    assert work_files(root) == files


def test_a_base_side_that_does_not_build_is_reported_inline(tmp_path):
    root = repo(tmp_path)
    kustomization = root / "overlays/staging/web/kustomization.yaml"
    good = kustomization.read_text()
    kustomization.write_text(
        good.replace("- ../../../base/web\n", "- ../../../base/web\n- missing.yaml\n")
    )
    commit_all(root, "Broken overlay")
    kustomization.write_text(good)
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    missing = "HEAD:overlays/staging/web/missing.yaml"
    assert result.stdout == (
        "=== staging/web: the build at HEAD failed: accumulating resources: accumulation err="
        f"'accumulating resources from 'missing.yaml': evalsymlink failure on '{missing}' : lstat "
        f"{missing}: no such file or directory': must build at directory: not a valid directory: "
        f"evalsymlink failure on '{missing}' : lstat {missing}: no such file or directory\n"
        "0 objects differ from HEAD (0 changed, 0 added, 0 removed) in 0 folders; 1 folder compared; "
        "1 build failed\n"
    )


MARKDOWN = """## Rendered manifests against `HEAD`

3 objects differ from HEAD (2 changed, 0 added, 1 removed) in 2 folders; 2 folders compared.

| environment | app | object | change |
| --- | --- | --- | --- |
| staging | web | Deployment web | changed |
| prod | _namespace | ResourceQuota quota | changed |
| prod | _namespace | LimitRange limits | removed |

### staging/web: Deployment web (changed)

```diff
--- HEAD
+++ working tree
@@ -28,7 +28,7 @@
             name: web-config-hf678c7m2b
         - secretRef:
             name: web-secrets
-        image: ghcr.io/example/web:1.4.2
+        image: ghcr.io/example/web:1.4.3
         livenessProbe:
           httpGet:
             path: /livez
```

### prod/_namespace: ResourceQuota quota (changed)

```diff
--- HEAD
+++ working tree
@@ -10,6 +10,6 @@
   hard:
     limits.cpu: '80'
     limits.memory: 160Gi
-    pods: '200'
+    pods: '201'
     requests.cpu: '40'
     requests.memory: 80Gi
```

### prod/_namespace: LimitRange limits (removed)

```diff
--- HEAD
+++ working tree
@@ -1,17 +0,0 @@
-apiVersion: v1
-kind: LimitRange
-metadata:
-  labels:
-    app.kubernetes.io/managed-by: gitopsgen
-    gitopsgen.io/environment: prod
-  name: limits
-  namespace: prod
-spec:
-  limits:
-  - default:
-      cpu: '1'
-      memory: 512Mi
-    defaultRequest:
-      cpu: 100m
-      memory: 128Mi
-    type: Container
```
"""


def markdown_change(root):
    edit_catalog(root, "version: 1.4.2", "version: 1.4.3")
    edit_catalog(root, 'pods: "200"', 'pods: "201"')
    (root / "overlays/prod/_namespace/limitrange.yaml").unlink()
    kustomization = root / "overlays/prod/_namespace/kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("- limitrange.yaml\n", ""))


def test_markdown_for_a_pull_request_comment(tmp_path):
    root = repo(tmp_path)
    markdown_change(root)
    result = diff(root, "--base", "HEAD", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == MARKDOWN
    assert result.stderr == ""


def test_output_appends_to_a_job_summary(tmp_path):
    root = repo(tmp_path)
    edit_catalog(root, "version: 1.4.2", "version: 1.4.3")
    summary = tmp_path / "summary.md"
    summary.write_text("# CI\n")
    result = diff(root, "--base", "HEAD", "--format", "markdown", "--output", str(summary))
    assert result.exit_code == 0
    assert result.stdout == f"wrote the rendered diff against HEAD to {summary}\n"
    assert summary.read_text() == "# CI\n\n" + (
        "## Rendered manifests against `HEAD`\n\n"
        "1 object differs from HEAD (1 changed, 0 added, 0 removed) in 1 folder; 1 folder compared.\n\n"
        "| environment | app | object | change |\n| --- | --- | --- | --- |\n"
        "| staging | web | Deployment web | changed |\n\n"
        "### staging/web: Deployment web (changed)\n\n"
        f"```diff\n{VERSION_DIFF.split(chr(10), 1)[1]}```\n"
    )
    fresh = tmp_path / "fresh.txt"
    result = diff(root, "--base", "HEAD", "--output", str(fresh))
    assert result.exit_code == 0
    assert fresh.read_text() == VERSION_DIFF + (
        "1 object differs from HEAD (1 changed, 0 added, 0 removed) in 1 folder; 1 folder compared\n"
    )


def compared(root, base="HEAD", catalog=None):
    return api_diff(Repository.at(root, catalog), base).compared


def test_a_hand_edit_of_a_base_affects_every_environments_overlay_of_that_app(tmp_path):
    root = repo(tmp_path)
    service = root / "base/ledger/service.yaml"
    service.write_text(service.read_text().replace("port: 5000", "port: 5002"))
    assert compared(root) == (
        "overlays/dev/ledger",
        "overlays/staging/ledger",
        "overlays/prod/ledger",
    )


def test_an_application_change_affects_its_folder(tmp_path):
    root = repo(tmp_path)
    for path in ("argocd/apps/prod/_namespace.yaml", "argocd/apps/staging/worker.yaml"):
        (root / path).write_text((root / path).read_text() + "# touched\n")
    assert compared(root) == ("overlays/staging/worker", "overlays/prod/_namespace")


def test_a_catalog_change_not_yet_generated_compares_what_it_would_change(tmp_path):
    root = repo(tmp_path)
    path = root / "catalog.yaml"
    path.write_text(path.read_text().replace('pods: "40"', 'pods: "41"'))
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == NO_CHANGES.format(folders="1 folder")
    assert compared(root) == ("overlays/dev/_namespace",)


def test_an_invalid_catalog_at_the_base_compares_every_folder_of_the_working_side(tmp_path):
    root = repo(tmp_path)
    path = root / "catalog.yaml"
    good = path.read_text()
    path.write_text(good.replace("apps:\n  web:", "apps:\n  web:\n    colour: blue"))
    commit_all(root, "Invalid catalog")
    path.write_text(good)
    assert compared(root) == tuple(
        f"overlays/{env}/{name}"
        for env, names in (
            ("dev", ("ledger", "payments-api", "web", "worker")),
            ("staging", ("ledger", "payments-api", "web", "worker")),
            ("prod", ("ledger", "payments-api", "web")),
        )
        for name in (*names, "_namespace")
    )


def test_a_tree_in_a_subfolder_of_the_repository(tmp_path):
    top = init(tmp_path / "top")
    root = make_repo(top, CATALOGS / "example.yaml", "gitops")
    generate(Repository.at(root))
    outside = top / "overlays/dev/web/kustomization.yaml"  # not under --root: not a folder
    outside.parent.mkdir(parents=True)
    outside.write_text("resources: []\n")
    commit_all(top, "Initial tree")
    edit_catalog(root, "version: 1.4.2", "version: 1.4.3")
    outside.write_text("resources: [missing.yaml]\n")
    result = diff(root, "--base", "HEAD")
    assert result.exit_code == 0
    assert result.stdout == VERSION_DIFF + (
        "1 object differs from HEAD (1 changed, 0 added, 0 removed) in 1 folder; "
        "1 folder compared\n"
    )
