"""Bad workload fields as a user meets them: a git repository with its catalog and generated
tree committed, one bad edit of catalog.yaml, then `gitopsgen generate` and `gitopsgen
validate`. Each exits with the documented code (1: the catalog parses but is invalid; 2: it
does not parse) and prints exactly the findings below, at the catalog line that decides them,
with what to do; no file but the edited catalog differs afterwards, .git included."""

import os
import subprocess
import sys

import pytest
import yaml

from generator import kustomize
from tests.gitrepo import commit_all, init
from tests.helpers import ROOT, assert_refused, invoke, snapshot

WEB_DIGEST = "sha256:9f2c7e1d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2c4e6f8a0b2d4c6e8f0a2b4d6c8e"
REPORT_DIGEST = "sha256:5b4e3d2c1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d"
# dev is baseline, prod restricted and digest-pinned; both run the same versions, so the
# committed history satisfies the promotion rules and the catalog validates clean.
CATALOG = f"""\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://git.example.com/platform/gitops.git
clusters:
  main:
    server: https://main.k8s.example.com
    kubernetesVersion: "1.31"
teams:
  shop:
    groups: [shop-devs]
environments:
  dev:
    cluster: main
    namespace: shop-dev
    podSecurity: baseline
    imagePolicy: tag
    access: {{shop: edit}}
  prod:
    cluster: main
    namespace: shop-prod
    podSecurity: restricted
    imagePolicy: digest
    access: {{shop: view}}
defaults:
  resources:
    requests: {{cpu: 100m, memory: 128Mi}}
    limits: {{cpu: 500m, memory: 256Mi}}
apps:
  web:
    team: shop
    image: ghcr.io/example/web
    ports:
      http: {{port: 8080}}
    probes:
      readiness: {{path: /ready}}
      liveness: {{tcp: true}}
    config: {{LOG_LEVEL: info}}
    environments:
      dev:
        version: 1.2.0@{WEB_DIGEST}
      prod:
        version: 1.2.0@{WEB_DIGEST}
  report:
    team: shop
    kind: CronJob
    image: ghcr.io/example/report
    schedule: "30 3 * * *"
    environments:
      dev:
        version: 1.0.0@{REPORT_DIGEST}
      prod:
        version: 1.0.0@{REPORT_DIGEST}
"""
# Anchors the edits insert after; each is on one line of CATALOG.
WEB = "    config: {LOG_LEVEL: info}\n"  # line 38, so an inserted line is 39
WEB_DEV = f"      dev:\n        version: 1.2.0@{WEB_DIGEST}\n"  # lines 40-41
WEB_PROD = f"      prod:\n        version: 1.2.0@{WEB_DIGEST}\n"  # lines 42-43
SCHEDULE = '    schedule: "30 3 * * *"\n'  # line 48
REPORT_DEV = f"      dev:\n        version: 1.0.0@{REPORT_DIGEST}\n"  # lines 50-51
REPORT_PROD = f"      prod:\n        version: 1.0.0@{REPORT_DIGEST}\n"  # lines 52-53
assert CATALOG.splitlines()[37] == WEB.rstrip("\n")
assert CATALOG.splitlines()[47] == SCHEDULE.rstrip("\n")


def edit(*changes):
    """CATALOG with each (old, new) replaced; every `old` occurs exactly once."""
    text = CATALOG
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def after(anchor, *lines):
    return anchor, anchor + "".join(line + "\n" for line in lines)


EXPORTER = (
    "    sidecars:",
    "      exporter:",
    "        args: [--exporter]",
    "        ports: {http: {port: 9102}}",
    "        probes:",
    "          readiness: {path: /ready, port: http}",
    "          liveness: {tcp: true, port: http}",
    "        resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {cpu: 50m, memory: 64Mi}}",
)
SETUP = ("    initContainers:", "      setup:", "        ports: {http: {port: 9102}}")
PROXY = ("    sidecars:", "      proxy:", "        image: ghcr.io/example/envoy")

# case: (bad catalog, exit code, the findings as printed, validate's summary line)
CASES = {
    # 1. root under restricted: prod refuses it, baseline dev allows it
    "run-as-root-under-restricted": (
        edit(after(WEB, "    securityContext: {runAsUser: 0}")),
        1,
        "catalog.yaml:39:23: error: in 'prod': pod sets securityContext.runAsUser: 0 (root); "
        "use a non-zero user id (pod-security-run-as-user)\n"
        "catalog.yaml:39:23: error: in 'dev' and 'prod': container 'web' of Deployment web runs "
        "as user 0 under runAsNonRoot: true, which the kubelet refuses to start; set a non-zero "
        "runAsUser, or runAsNonRoot: false where the Pod Security level allows root "
        "(workload-non-root-user)",
        "2 errors, 0 warnings in 1 file",
    ),
    # 1b. root in baseline dev without saying runAsNonRoot: false: a pod that never starts
    "run-as-root-without-run-as-non-root-false": (
        edit(after(WEB_DEV, "        securityContext: {runAsUser: 0}")),
        1,
        "catalog.yaml:42:27: error: in 'dev': container 'web' of Deployment web runs as user 0 "
        "under runAsNonRoot: true, which the kubelet refuses to start; set a non-zero "
        "runAsUser, or runAsNonRoot: false where the Pod Security level allows root "
        "(workload-non-root-user)",
        "1 error, 0 warnings in 1 file",
    ),
    # 2. SYS_ADMIN: outside baseline's default set (dev and prod) and restricted's one (prod)
    "sys-admin-under-restricted": (
        edit(after(WEB, "    securityContext: {capabilities: {add: [SYS_ADMIN]}}")),
        1,
        "catalog.yaml:39:44: error: in 'dev' and 'prod': container 'web' adds capability "
        "'SYS_ADMIN'; remove it (only the default set may be added, spelled like 'CHOWN') "
        "(pod-security-capabilities-baseline)\n"
        "catalog.yaml:39:44: error: in 'prod': container 'web' adds capability 'SYS_ADMIN'; "
        "remove it (only NET_BIND_SERVICE may be added) (pod-security-capabilities-restricted)",
        "2 errors, 0 warnings in 1 file",
    ),
    "sys-admin-in-the-restricted-environment": (
        edit(after(WEB_PROD, "        securityContext: {capabilities: {add: [SYS_ADMIN]}}")),
        1,
        "catalog.yaml:44:48: error: in 'prod': container 'web' adds capability 'SYS_ADMIN'; "
        "remove it (only the default set may be added, spelled like 'CHOWN') "
        "(pod-security-capabilities-baseline)\n"
        "catalog.yaml:44:48: error: in 'prod': container 'web' adds capability 'SYS_ADMIN'; "
        "remove it (only NET_BIND_SERVICE may be added) (pod-security-capabilities-restricted)",
        "2 errors, 0 warnings in 1 file",
    ),
    # 3. a CronJob without a schedule: nowhere (at the app), or not in one environment
    "cronjob-without-schedule": (
        edit((SCHEDULE, "")),
        1,
        "catalog.yaml:44:3: error: CronJob 'report' has no schedule; set `schedule` "
        '(e.g. "30 3 * * *") (catalog-schedule)',
        "1 error, 0 warnings in 1 file",
    ),
    "cronjob-without-schedule-in-prod": (
        edit((SCHEDULE, ""), after(REPORT_DEV, '        schedule: "30 3 * * *"')),
        1,
        "catalog.yaml:52:7: error: CronJob 'report' has no schedule in 'prod'; set `schedule` "
        '(e.g. "30 3 * * *") (catalog-schedule)',
        "1 error, 0 warnings in 1 file",
    ),
    # 4. schedules cron refuses
    "schedule-minute-61": (
        edit((SCHEDULE, '    schedule: "61 * * * *"\n')),
        1,
        "catalog.yaml:48:5: error: schedule '61 * * * *' of CronJob 'report': '61' in the "
        "minute field is outside 0-59 (catalog-schedule)",
        "1 error, 0 warnings in 1 file",
    ),
    "schedule-not-cron": (
        edit((SCHEDULE, '    schedule: "every day at noon"\n')),
        1,
        "catalog.yaml:48:5: error: schedule 'every day at noon' of CronJob 'report': it has 4 "
        "field(s); write five: minute hour day-of-month month day-of-week, e.g. '30 3 * * *' "
        "(catalog-schedule)",
        "1 error, 0 warnings in 1 file",
    ),
    "schedule-day-of-week-8-in-prod": (
        edit(after(REPORT_PROD, '        schedule: "0 3 * * 8"')),
        1,
        "catalog.yaml:54:9: error: schedule '0 3 * * 8' of CronJob 'report' in 'prod': '8' in "
        "the day of week field is outside 0-6 (catalog-schedule)",
        "1 error, 0 warnings in 1 file",
    ),
    # 5. a port name Kubernetes refuses
    "port-name-over-15-characters": (
        edit(after("      http: {port: 8080}\n", "      observability-http: {port: 9090}")),
        1,
        "catalog.yaml:35:7: error: port name 'observability-http' has 18 characters; Kubernetes "
        "allows at most 15: shorten it (e.g. 'http', 'grpc', 'tcp-redis') (catalog-port-name)",
        "1 error, 0 warnings in 1 file",
    ),
    # 6. one port name twice in the pod: the app's and a sidecar's, an init container's, or
    # twice in one map (which YAML itself refuses)
    "port-name-of-the-app-and-a-sidecar": (
        edit(after(WEB, *EXPORTER)),
        1,
        "catalog.yaml:42:17: error: port name 'http' is used twice in the pod of app 'web' "
        "(also by the app's own container); rename one (catalog-port-name)",
        "1 error, 0 warnings in 1 file",
    ),
    "port-name-of-the-app-and-an-init-container": (
        edit(after(WEB, *SETUP)),
        1,
        "catalog.yaml:41:17: error: port name 'http' is used twice in the pod of app 'web' "
        "(also by the app's own container); rename one (catalog-port-name)",
        "1 error, 0 warnings in 1 file",
    ),
    "port-name-twice-in-one-map": (
        edit(after("      http: {port: 8080}\n", "      http: {port: 9102}")),
        2,
        "catalog.yaml:35:7: error: duplicate key 'http' (first at line 34); keep one of them",
        None,
    ),
    # 7. env and config both define a variable: at the app, or config in one environment
    "env-and-config-define-one-variable": (
        edit(after(WEB, "    env:", "      LOG_LEVEL: {fieldRef: {fieldPath: metadata.name}}")),
        1,
        "catalog.yaml:40:7: error: app 'web' defines 'LOG_LEVEL' in the `env` of the app's own "
        "container and in `config`; keep one (env holds references, config settings, secrets "
        "store keys) (catalog-env-conflict)",
        "1 error, 0 warnings in 1 file",
    ),
    "env-and-the-config-of-prod-define-one-variable": (
        edit(
            after(WEB, "    env:", "      POD_NAME: {fieldRef: {fieldPath: metadata.name}}"),
            after(WEB_PROD, "        config: {POD_NAME: web}"),
        ),
        1,
        "catalog.yaml:40:7: error: app 'web' defines 'POD_NAME' in the `env` of the app's own "
        "container and in `config` in 'prod'; keep one (env holds references, config settings, "
        "secrets store keys) (catalog-env-conflict)",
        "1 error, 0 warnings in 1 file",
    ),
    # 8. a sidecar with its own image in the digest environment: no version, or only a tag
    "sidecar-without-version-under-digest": (
        edit(after(WEB, *PROXY), after(WEB_DEV, "        sidecars: {proxy: {version: 1.31.0}}")),
        1,
        "catalog.yaml:46:7: error: sidecar 'proxy' of app 'web' has its own image and no version "
        "in 'prod'; set `environments.prod.sidecars.proxy.version` (catalog-version-required)",
        "1 error, 0 warnings in 1 file",
    ),
    "sidecar-with-a-tag-under-digest": (
        edit(
            after(WEB, *PROXY),
            after(WEB_DEV, "        sidecars: {proxy: {version: 1.31.0}}"),
            after(WEB_PROD, "        sidecars: {proxy: {version: 1.31.0}}"),
        ),
        1,
        "catalog.yaml:48:28: error: version '1.31.0' of sidecar 'proxy' of app 'web' in 'prod': "
        "this environment's imagePolicy is digest: append @sha256:<digest> (image-policy-digest)",
        "1 error, 0 warnings in 1 file",
    ),
    # 9. components that are not hand-owned folders of this repository
    "component-that-does-not-exist": (
        edit(after(WEB, "    components: [components/web-extra]")),
        1,
        "catalog.yaml:39:18: error: component 'components/web-extra' does not exist; create the "
        "folder with a kustomization.yaml (catalog-component)",
        "1 error, 0 warnings in 1 file",
    ),
    "component-in-overlays": (
        edit(after(WEB, "    components: [overlays/prod/web]")),
        1,
        "catalog.yaml:39:18: error: component 'overlays/prod/web' is inside the generated folder "
        "overlays/, which generate rewrites; keep components in a folder of your own, e.g. "
        "components/ (catalog-component)",
        "1 error, 0 warnings in 1 file",
    ),
    "component-in-base": (
        edit(after(WEB, "    components: [base/web]")),
        1,
        "catalog.yaml:39:18: error: component 'base/web' is inside the generated folder base/, "
        "which generate rewrites; keep components in a folder of your own, e.g. components/ "
        "(catalog-component)",
        "1 error, 0 warnings in 1 file",
    ),
    "component-outside-the-repository": (
        edit(after(WEB, "    components: [../x]")),
        1,
        "catalog.yaml:39:18: error: component '../x' has a '..'; name the folder inside the "
        "repository directly (catalog-component)",
        "1 error, 0 warnings in 1 file",
    ),
    # 10. an Argo CD hook is a Job's
    "hook-on-a-deployment": (
        edit(after(WEB, "    hook: PreSync")),
        1,
        "catalog.yaml:39:5: error: app 'web' is a Deployment; `hook` runs a Job as an Argo CD "
        "resource hook: set `kind: Job` or remove `hook` (catalog-kind)",
        "1 error, 0 warnings in 1 file",
    ),
}


@pytest.fixture()
def repo(tmp_path):
    """A git repository with the good catalog and its tree committed; validate passes."""
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(CATALOG)
    generated = invoke("generate", "--root", str(root))
    assert generated.exit_code == 0, generated.output
    assert generated.stdout == "wrote 28 files, removed 0, 0 unchanged (from catalog.yaml)\n"
    commit_all(root, "catalog and tree")
    clean = invoke("validate", "--root", str(root))
    assert clean.exit_code == 0, clean.output
    assert clean.stdout == "no problems in 29 files\n"
    return root


def expected(code, message, summary):
    """(stdout, stderr) of generate, then of validate."""
    if code == 2:
        return ("", message + "\n"), ("", message + "\n")
    return ("", message + "\n"), (f"{message}\n{summary}\n", "")


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, repo):
    text, code, message, summary = CASES[case]
    assert_refused(repo, text, code, message, summary)


@pytest.mark.parametrize("case", ["run-as-root-under-restricted", "cronjob-without-schedule"])
def test_bad_input_from_a_shell(case, repo):
    """The same, as the process a user starts prints it."""
    text, code, message, summary = CASES[case]
    before = snapshot(repo)
    (repo / "catalog.yaml").write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PYTHONPATH"] = str(ROOT)
    wanted = expected(code, message, summary)
    for command, want in zip(("generate", "validate"), wanted, strict=True):
        done = subprocess.run(
            [sys.executable, "-m", "generator", command],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == code
        assert (done.stdout, done.stderr) == want
    assert snapshot(repo) == {**before, "catalog.yaml": text.encode()}


def test_root_where_allowed_keeps_its_sidecars_non_root(repo):
    """Root said so on purpose in baseline dev: the app container runs as 0, and a sidecar
    that names no user of its own gets the default non-root user, so the kubelet starts both;
    generate and validate accept it."""
    exporter = [line.replace("http", "metrics") for line in EXPORTER if "readiness" not in line]
    text = edit(
        after(WEB, *exporter),
        after(WEB_DEV, "        securityContext: {runAsUser: 0, runAsNonRoot: false}"),
    )
    (repo / "catalog.yaml").write_text(text)
    assert invoke("generate", "--root", str(repo)).exit_code == 0
    validated = invoke("validate", "--root", str(repo))
    assert (validated.exit_code, validated.stdout) == (0, "no problems in 30 files\n")
    built = kustomize.build(repo / "overlays" / "dev" / "web")
    assert built.error == ""
    [deployment] = [o for o in yaml.safe_load_all(built.output) if o["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    contexts = {c["name"]: c["securityContext"] for c in pod["containers"]}
    assert pod["securityContext"] == {
        "runAsNonRoot": False,
        "runAsUser": 0,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    drop = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    assert contexts == {
        "web": {**drop, "readOnlyRootFilesystem": True, "runAsNonRoot": False},
        "exporter": {
            **drop,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 65532,
            "runAsGroup": 65532,
        },
    }
