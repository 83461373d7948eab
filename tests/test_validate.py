"""`gitopsgen validate` on real repositories: the exact findings, at the right path:line."""

import json
import re

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from generator.errors import FindingsError
from tests.helpers import CATALOGS, ROOT, make_repo, snapshot

EXAMPLE = (CATALOGS / "example.yaml").read_text()
# The example with the probes it lacks: validates clean.
CLEAN = EXAMPLE.replace(
    "      readiness: {path: /ready, port: 5001, initialDelaySeconds: 5}\n",
    "      readiness: {path: /ready, port: 5001, initialDelaySeconds: 5}\n      liveness: {tcp: true}\n",
).replace(
    "      liveness: {command: [/app/healthcheck]}\n",
    "      readiness: {command: [/app/healthcheck]}\n      liveness: {command: [/app/healthcheck]}\n",
)
assert CLEAN.count("liveness") == EXAMPLE.count("liveness") + 1


def validate(root, *args):
    return CliRunner().invoke(main, ["validate", "--root", str(root), *args])


def generated(tmp_path, catalog=CLEAN):
    root = make_repo(tmp_path, catalog)
    generate(Repository.at(root))
    return root


def test_the_repository_validates_clean():
    result = validate(ROOT)
    assert result.exit_code == 0
    assert result.stdout == "no problems in 131 files\n"


def test_clean_catalog(tmp_path):
    result = validate(generated(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "no problems in 90 files\n"
    assert result.stderr == ""


def test_missing_liveness_probe_is_a_warning_at_base_and_catalog(tmp_path):
    # ledger serves a port with a readiness probe and has no liveness probe; worker serves no
    # port, so its liveness probe alone is enough.
    result = validate(generated(tmp_path, EXAMPLE))
    assert result.exit_code == 0
    assert result.stdout == (
        "base/ledger/deployment.yaml:31:9: warning: container 'ledger' of Deployment ledger has "
        "no livenessProbe; add one so a hung process is restarted; catalog entry: "
        "catalog.yaml:168:3 (workload-liveness-probe)\n"
        "0 errors, 1 warning in 90 files\n"
    )


def test_suppression_with_reason(tmp_path):
    catalog = EXAMPLE.replace(
        "  ledger:\n    team: payments\n",
        "  ledger:\n    team: payments\n    suppress:\n"
        "    - {rule: workload-liveness-probe, reason: it exits when it fails}\n",
    )
    assert catalog != EXAMPLE
    result = validate(generated(tmp_path, catalog))
    assert result.exit_code == 0
    assert result.stdout == "no problems in 90 files\n"


def test_quota_exceeded_is_refused_at_the_catalog_line(tmp_path):
    root = generated(tmp_path)
    before = snapshot(root)
    catalog = CLEAN.replace('      requests.cpu: "4"\n', '      requests.cpu: "500m"\n', 1)
    (root / "catalog.yaml").write_text(catalog)
    expected = (
        "catalog.yaml:56:7: error: in 'dev': requests.cpu 1 exceeds the quota 500m (Deployment "
        "payments-api 1+1 pods x 200m = 400m, Deployment ledger 1+1 pods x 100m = 200m, "
        "Deployment web 1+1 pods x 100m = 200m, Deployment worker 1+1 pods x 100m = 200m); lower "
        "replicas or requests, or raise the quota (quota-exceeded)"
    )
    result = validate(root)
    assert result.exit_code == 1
    assert result.stdout == expected + "\n1 error, 0 warnings in 1 file\n"
    with pytest.raises(FindingsError) as refused:
        generate(Repository.at(root))
    assert str(refused.value) == expected
    assert snapshot(root) == {**before, "catalog.yaml": catalog.encode()}


def test_prod_tag_where_digest_required_is_a_catalog_finding(tmp_path):
    root = generated(tmp_path)
    catalog = root / "catalog.yaml"
    catalog.write_text(
        re.sub(r"version: 1\.4\.1@sha256:[0-9a-f]+", "version: 1.4.1", catalog.read_text())
    )
    result = validate(root)
    assert result.exit_code == 1
    assert result.stdout == (
        "catalog.yaml:141:18: error: version '1.4.1' of app 'web' in 'prod': this environment's "
        "imagePolicy is digest: append @sha256:<digest> (image-policy-digest)\n"
        "1 error, 0 warnings in 1 file\n"
    )


def test_hand_edited_tag_in_prod_overlay(tmp_path):
    root = generated(tmp_path)
    kustomization = root / "overlays" / "prod" / "web" / "kustomization.yaml"
    kustomization.write_text(re.sub(r"  digest: sha256:[0-9a-f]+\n", "", kustomization.read_text()))
    result = validate(root)
    assert result.exit_code == 1
    assert result.stdout == (
        "overlays/prod/web/kustomization.yaml:16:3: error: container 'web' image "
        "'ghcr.io/example/web:1.4.1' is not pinned by a sha256 digest (imagePolicy digest); append "
        "@sha256:<64 lowercase hex> of the image to deploy; catalog entry: catalog.yaml:140:7 "
        "(image-policy-digest)\n"
        "overlays/prod/web/kustomization.yaml:17:1: error: overlays/prod/web/kustomization.yaml "
        "differs from what catalog.yaml generates (line 17: found 'patches:', expected 'digest: "
        "sha256:3c1ab2a1f0e4c1b0f3de1c7a7b0e7d5d1f38a6d2c9a0b7e4f6c2d8e1a9b3c5d7'); change "
        "catalog.yaml, not the generated file, and run 'gitopsgen generate' (tree-drift)\n"
        "2 errors, 0 warnings in 90 files\n"
    )


def test_project_that_forbids_the_destination(tmp_path):
    root = generated(tmp_path)
    project = root / "argocd" / "projects" / "prod.yaml"
    project.write_text(
        project.read_text().replace("namespace: prod\n", "namespace: production\n", 1)
    )
    result = validate(root)
    assert result.exit_code == 1
    lines = [
        f"argocd/apps/prod/{app}.yaml:23:3: error: Application 'prod-{app}' deploys to "
        f"https://prod.k8s.example.com namespace 'prod', which project 'prod' does not allow; fix "
        "the destination or the project's destinations (argocd-destination-denied)"
        for app in ("ledger", "payments-api", "web")
    ]
    lines.append(
        "argocd/projects/prod.yaml:19:1: error: argocd/projects/prod.yaml differs from what "
        "catalog.yaml generates (line 19: found 'namespace: production', expected 'namespace: "
        "prod'); change catalog.yaml, not the generated file, and run 'gitopsgen generate' "
        "(tree-drift)"
    )
    assert result.stdout == "\n".join([*lines, "4 errors, 0 warnings in 90 files"]) + "\n"


def test_auto_sync_in_a_manual_environment(tmp_path):
    root = generated(tmp_path)
    app = root / "argocd" / "apps" / "prod" / "web.yaml"
    app.write_text(
        app.read_text().replace(
            "  syncPolicy:\n", "  syncPolicy:\n    automated:\n      prune: true\n", 1
        )
    )
    result = validate(root, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout.count('"rule": ') == 2
    assert '"rule": "argocd-auto-sync"' in result.stdout


@pytest.mark.parametrize(
    ("path", "rule", "line"),
    [
        ("argocd/apps/dev/extra.yaml", "argocd-path-builds", 20),
        ("argocd/apps/dev/other-project.yaml", "argocd-project-missing", 16),
    ],
)
def test_hand_written_applications(tmp_path, path, rule, line):
    root = generated(tmp_path)
    source = (root / "argocd" / "apps" / "dev" / "web.yaml").read_text()
    body = source.split("\n", 2)[2]  # without the generated header: a hand-written file
    if rule == "argocd-path-builds":
        body = body.replace("path: overlays/dev/web", "path: overlays/dev/missing").replace(
            "name: dev-web", "name: extra"
        )
    else:
        body = body.replace("project: dev\n", "project: develop\n").replace(
            "name: dev-web", "name: other"
        )
    (root / path).write_text(body)
    result = validate(root, "--format", "json")
    assert result.exit_code == 1

    findings = [(f["rule"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == sorted(
        [(rule, path, line), ("tree-stray-argocd-object", path, 2)],
        key=lambda f: (f[1], f[2], f[0]),
    )


def test_each_folder_is_built_once(tmp_path, monkeypatch):
    from generator import kustomize
    from generator.validate import repository as validate_module

    root = generated(tmp_path)
    calls = []  # the folders of each Kustomize process
    real_build, real_together = kustomize.build, kustomize.build_together

    def counting_build(folder):
        calls.append([folder.relative_to(root).as_posix()])
        return real_build(folder)

    def counting_together(folders):
        calls.append([f.relative_to(root).as_posix() for f in folders])
        return real_together(folders)

    monkeypatch.setattr(kustomize, "build", counting_build)
    monkeypatch.setattr(kustomize, "build_together", counting_together)
    validation = validate_module.validate(Repository.at(root))
    expected = [
        f"overlays/{env}/{f}"
        for env in ("dev", "staging", "prod")
        for f in ("_namespace", "ledger", "payments-api", "web", "worker")
    ]
    expected.remove("overlays/prod/worker")
    # One process per environment builds all its folders together.
    assert sorted(calls) == sorted(
        [f for f in expected if f.split("/")[1] == env] for env in ("dev", "prod", "staging")
    )
    assert list(validation.built) == expected


def test_ingress_host_must_follow_the_host_template(tmp_path):
    root = generated(tmp_path)
    patch = root / "overlays" / "prod" / "web" / "ingress-patch.yaml"
    patch.write_text(
        patch.read_text().replace("- host: web.example.com", "- host: shop.example.com")
    )
    result = validate(root)
    assert result.exit_code == 1
    assert result.stdout == (
        "overlays/prod/web/ingress-patch.yaml:10:1: error: overlays/prod/web/ingress-patch.yaml "
        "differs from what catalog.yaml generates (line 10: found '- host: shop.example.com', "
        "expected '- host: web.example.com'); change catalog.yaml, not the generated file, and "
        "run 'gitopsgen generate' (tree-drift)\n"
        "overlays/prod/web/ingress-patch.yaml:10:5: error: Ingress web serves 'shop.example.com', "
        "but the host template gives 'web.example.com'; change the host template in the catalog, "
        "not the Ingress; catalog entry: catalog.yaml:140:7 (network-ingress-host)\n"
        "2 errors, 0 warnings in 90 files\n"
    )


def test_hand_written_application_deploying_a_kind_its_project_denies(tmp_path):
    root = generated(tmp_path)
    extra = root / "extra" / "admin"
    extra.mkdir(parents=True)
    (extra / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [role.yaml]\n"
    )
    (extra / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: extra}\n"
        "rules:\n- {apiGroups: [''], resources: [pods], verbs: [get]}\n"
    )
    source = (root / "argocd" / "apps" / "dev" / "web.yaml").read_text().split("\n", 2)[2]
    (root / "argocd" / "apps" / "dev" / "admin.yaml").write_text(
        source.replace("path: overlays/dev/web", "path: extra/admin").replace(
            "name: dev-web", "name: admin"
        )
    )
    result = validate(root, "--format", "json")
    assert result.exit_code == 1
    findings = [
        (f["rule"], f["path"], f["line"], f["message"])
        for f in json.loads(result.stdout)["findings"]
    ]
    assert findings == [
        (
            "tree-stray-argocd-object",
            "argocd/apps/dev/admin.yaml",
            2,
            "argocd/apps/dev/admin.yaml holds Application 'admin', which catalog.yaml does not "
            "generate; no root syncs it, and an Argo CD object outside the catalog escapes its "
            "review: remove the file, or describe the app in catalog.yaml",
        ),
        (
            "argocd-kind-denied",
            "argocd/apps/dev/admin.yaml",
            20,
            "Application 'admin' deploys a ClusterRole, which is cluster-scoped and not in the "
            "project's clusterResourceWhitelist of 'dev'; Argo CD will refuse to sync it",
        ),
    ]
