"""The pure parts of `diff`: which folders a path touches, report order, object keys."""

from generator.gitops.diff import BuildFailure, FolderDiff, RenderedDiff
from generator.gitops.diff_objects import ObjectChange, ObjectKey, compare, split
from generator.gitops.diff_scope import changed_files, folders_in, report_order, touched
from generator.report import diff_markdown

EXISTING = {("dev", "web"), ("prod", "web"), ("dev", "_namespace"), ("dev", "worker")}


def test_touched_maps_overlays_bases_and_applications_to_existing_folders():
    assert touched(["overlays/dev/web/kustomization.yaml"], EXISTING) == {("dev", "web")}
    assert touched(["base/web/deployment.yaml"], EXISTING) == {("dev", "web"), ("prod", "web")}
    assert touched(["argocd/apps/dev/_namespace.yaml"], EXISTING) == {("dev", "_namespace")}
    assert (
        touched(["argocd/projects/dev.yaml", "catalog.yaml", "base/web", "overlays/dev"], EXISTING)
        == set()
    )
    assert touched(["overlays/qa/web/kustomization.yaml", "base/gone/x.yaml"], EXISTING) == set()


def test_folders_in_needs_a_kustomization_file():
    assert folders_in(
        [
            "overlays/dev/web/kustomization.yaml",
            "overlays/dev/old/kustomization.yml",
            "overlays/dev/raw/Kustomization",
            "overlays/dev/patches/patch.yaml",
            "overlays/dev/deep/er/kustomization.yaml",
            "base/web/kustomization.yaml",
        ]
    ) == {("dev", "web"), ("dev", "old"), ("dev", "raw")}


def test_changed_files_of_two_trees():
    old, new = {"a": b"1", "b": b"2", "c": b"3"}, {"a": b"1", "b": b"x", "d": b"4"}
    assert changed_files(old, new) == {"b", "c", "d"}


def test_report_order_is_promotion_order_then_apps_then_namespace():
    folders = [
        ("prod", "_namespace"),
        ("qa", "web"),
        ("dev", "_namespace"),
        ("dev", "web"),
        ("dev", "api"),
    ]
    assert report_order(folders, ["dev", "staging", "prod"]) == [
        ("dev", "api"),
        ("dev", "web"),
        ("dev", "_namespace"),
        ("prod", "_namespace"),
        ("qa", "web"),
    ]


BUILD = """apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config-hf678c7m2b
  namespace: dev
data: {B: "2", A: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: plain-name-here, namespace: dev}
---
apiVersion: v1
kind: Namespace
metadata: {name: dev}
"""


def test_split_keys_hashed_generators_by_their_name_and_dumps_sorted():
    assert split(BUILD) == {
        ObjectKey("ConfigMap", "dev", "web-config"): (
            "apiVersion: v1\ndata:\n  A: '1'\n  B: '2'\nkind: ConfigMap\n"
            "metadata:\n  name: web-config-hf678c7m2b\n  namespace: dev\n"
        ),
        ObjectKey("Secret", "dev", "plain-name-here"): (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain-name-here\n  namespace: dev\n"
        ),
        ObjectKey("Namespace", "", "dev"): (
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n"
        ),
    }


def test_two_hashed_objects_of_one_generator_name_stay_apart():
    two = "kind: ConfigMap\nmetadata: {name: a-hf678c7m2b}\n---\nkind: ConfigMap\nmetadata: {name: a-dfk4bdbtkk}\n"
    assert list(split(two)) == [
        ObjectKey("ConfigMap", "", "a"),
        ObjectKey("ConfigMap", "", "a-dfk4bdbtkk"),
    ]


def test_compare_lists_new_order_then_removed():
    a, b, c = (ObjectKey("Service", "dev", n) for n in "abc")
    old = {a: "x: 1\n", c: "z: 1\n"}
    new = {b: "y: 1\n", a: "x: 2\n"}
    assert compare(old, new, "main", "working tree") == (
        ObjectChange(b, "added", "--- main\n+++ working tree\n@@ -0,0 +1 @@\n+y: 1\n"),
        ObjectChange(a, "changed", "--- main\n+++ working tree\n@@ -1 +1 @@\n-x: 1\n+x: 2\n"),
        ObjectChange(c, "removed", "--- main\n+++ working tree\n@@ -1 +0,0 @@\n-z: 1\n"),
    )
    assert compare(old, old, "main", "working tree") == ()


def test_markdown_fences_outgrow_backticks_and_cells_escape_pipes():
    change = ObjectChange(
        ObjectKey("ConfigMap", "dev", "a|b"), "changed", "-x: '```'\n+x: '````'\n"
    )
    failure = BuildFailure("at main", "no kustomization")
    diff = RenderedDiff(
        "main",
        ("overlays/dev/web", "overlays/dev/a"),
        (FolderDiff("dev", "web", (), (failure,)), FolderDiff("dev", "a", (change,), ())),
    )
    assert diff_markdown.report(diff) == (
        "## Rendered manifests against `main`\n\n"
        "1 object differs from main (1 changed, 0 added, 0 removed) in 1 folder; "
        "2 folders compared; 1 build failed.\n\n"
        "| environment | app | object | change |\n| --- | --- | --- | --- |\n"
        "| dev | web | | build failed at main |\n"
        "| dev | a | ConfigMap a\\|b | changed |\n\n"
        "### dev/web: build failed at main\n\n```text\nno kustomization\n```\n\n"
        "### dev/a: ConfigMap a|b (changed)\n\n`````diff\n-x: '```'\n+x: '````'\n`````\n"
    )
