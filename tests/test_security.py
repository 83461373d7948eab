"""What the generated tree grants, and what the catalog may ask it to: through the CLI, in a
git repository with a good catalog and its tree committed. Each bad edit of catalog.yaml is
refused by `gitopsgen generate` and `gitopsgen validate` with exit 1 and exactly the
findings below, at the catalog line, with what to do; no file but the edited catalog
differs afterwards, .git included. Then what the good tree grants: the roots sync exactly
the generated files (a hand-added Application is an error and synced by nothing), project
roles carry only their verbs, the guardrails manage only their own Namespace, CODEOWNERS
covers what every environment shares."""

import shutil

import pytest
import yaml

from tests.gitrepo import commit_all, git, init
from tests.helpers import invoke, snapshot

CATALOG = """\
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
    groups: [example:shop-devs]
    github: ["@example/shop"]
  ops:
    groups: [example:ops]
    github: ["@example/ops"]
environments:
  dev:
    cluster: main
    namespace: shop-dev
    secretStore: vault-nonprod
    access: {shop: admin, ops: admin}
  prod:
    cluster: main
    namespace: shop-prod
    secretStore: vault-prod
    access: {shop: view, ops: admin}
defaults:
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
apps:
  web:
    team: shop
    image: ghcr.io/example/web
    port: 8080
    probes:
      readiness: {path: /ready}
      liveness: {tcp: true}
    config:
      LOG_LEVEL: info
    secrets:
      DATABASE_URL: {key: shop/web/database-url}
    writablePaths: [/var/cache/web]
    environments:
      dev: {version: 1.2.0}
      prod: {version: 1.2.0}
  tool:
    team: ops
    image: ghcr.io/example/tool
    kind: CronJob
    schedule: "0 3 * * *"
    environments:
      dev: {version: 0.3.0}
      prod: {enabled: false}
"""
CONFIG = "      LOG_LEVEL: info\n"  # line 40: a config value inserted after it is line 41
WRITABLE = "    writablePaths: [/var/cache/web]\n"  # line 43
assert CATALOG.splitlines()[39] == CONFIG.rstrip("\n")
assert CATALOG.splitlines()[42] == WRITABLE.rstrip("\n")


def edit(*changes):
    """CATALOG with each (old, new) replaced; every `old` occurs exactly once."""
    text = CATALOG
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def config(line):
    return edit((CONFIG, CONFIG + f"      {line}\n"))


def one(message):
    return message, "1 error, 0 warnings in 1 file"


URL = (
    "write the one repository Argo CD pulls this tree from, e.g. "
    "https://github.com/example/gitops.git or git@github.com:example/gitops.git (catalog-url)"
)
SERVER = (
    "write the cluster's API server URL, e.g. https://prod.k8s.example.com (or "
    "https://kubernetes.default.svc for the cluster Argo CD runs in) (catalog-url)"
)
GLOB = "holds a glob character, which Argo CD reads as a pattern matching others"
OWN_NAMESPACE = "to a namespace of its own (catalog-reserved-namespace)"
OWN_GROUP = "name the team's own group in the identity provider (catalog-identity)"
SPELLING = (
    "write the group as the identity provider names it, in letters, digits and . _ : @ / = + - "
    "(catalog-identity)"
)
WRITABLE_REMEDY = (
    "make a folder of the app's own writable instead, e.g. /var/cache/web (catalog-system-path)"
)
NOT_ENV = (
    "is not an environment variable name; use letters, digits and '_', not starting with a "
    "digit (catalog-env-conflict)"
)


def quote(key, text, reads):
    return one(
        f"catalog.yaml:41:{len(key) + 9}: error: config '{key}' of app 'web' is {text}, which "
        f'YAML reads as {reads}; quote it: {key}: "{text}" (catalog-config-value)'
    )


# case: (bad catalog, (the findings as printed, validate's summary line))
CASES = {
    # 1. wildcard or non-URL repositories and servers
    "repository-wildcard": (
        edit(("  url: https://git.example.com/platform/gitops.git", '  url: "*"')),
        one(f"catalog.yaml:4:8: error: repository.url '*' {GLOB}; {URL}"),
    ),
    "repository-glob": (
        edit(("gitops.git", "*")),
        one(
            f"catalog.yaml:4:8: error: repository.url 'https://git.example.com/platform/*' {GLOB}; {URL}"
        ),
    ),
    "repository-negation": (
        edit(("  url: https", "  url: '!https"), ("gitops.git", "gitops.git'")),
        one(
            "catalog.yaml:4:8: error: repository.url '!https://git.example.com/platform/gitops.git' "
            f"{GLOB}; {URL}"
        ),
    ),
    "repository-http": (
        edit(("url: https://git", "url: http://git")),
        one(
            "catalog.yaml:4:8: error: repository.url 'http://git.example.com/platform/gitops.git' "
            f"is not an https://, ssh:// or git@host:path URL; {URL}"
        ),
    ),
    "repository-file": (
        edit(("url: https://git.example.com/platform/gitops.git", "url: file:///srv/gitops")),
        one(
            "catalog.yaml:4:8: error: repository.url 'file:///srv/gitops' is not an https://, "
            f"ssh:// or git@host:path URL; {URL}"
        ),
    ),
    "repository-with-a-token": (
        edit(("url: https://git", "url: https://bot:s3cr3t@git")),
        one(
            "catalog.yaml:4:8: error: repository.url 'https://bot:***@git.example.com/platform/"
            "gitops.git' holds credentials; put them in Argo CD's repository secret, not in git; "
            f"{URL}"
        ),
    ),
    "server-wildcard": (
        edit(("server: https://main.k8s.example.com", 'server: "*"')),
        one(f"catalog.yaml:7:13: error: server '*' of cluster 'main' {GLOB}; {SERVER}"),
    ),
    "server-glob": (
        edit(("server: https://main.k8s.example.com", "server: https://*.k8s.example.com")),
        one(
            f"catalog.yaml:7:13: error: server 'https://*.k8s.example.com' of cluster 'main' {GLOB}; "
            f"{SERVER}"
        ),
    ),
    "server-not-a-url": (
        edit(("server: https://main.k8s.example.com", "server: main")),
        one(
            f"catalog.yaml:7:13: error: server 'main' of cluster 'main' is not an https:// URL; {SERVER}"
        ),
    ),
    # 2. reserved and colliding namespaces
    **{
        f"namespace-{ns}": (
            edit(("namespace: shop-prod", f"namespace: {ns}")),
            one(
                f"catalog.yaml:24:16: error: environment 'prod' runs in namespace '{ns}', which "
                f"Kubernetes keeps for itself; set `environments.prod.namespace` {OWN_NAMESPACE}"
            ),
        )
        for ns in ("kube-system", "kube-public", "kube-node-lease", "default")
    },
    "namespace-argocd": (
        edit(("namespace: shop-prod", "namespace: argocd")),
        one(
            "catalog.yaml:24:16: error: environment 'prod' runs in namespace 'argocd', the Argo CD "
            "namespace (`argocd.namespace`), where the Applications and AppProjects live: the "
            "environment's teams would get access to them; set `environments.prod.namespace` "
            f"{OWN_NAMESPACE}"
        ),
    ),
    "argocd-namespace-is-an-environment-namespace": (
        edit(("clusters:\n", "argocd:\n  namespace: shop-dev\nclusters:\n")),
        one(
            "catalog.yaml:21:16: error: environment 'dev' runs in namespace 'shop-dev', the Argo CD "
            "namespace (`argocd.namespace`), where the Applications and AppProjects live: the "
            "environment's teams would get access to them; set `environments.dev.namespace` "
            f"{OWN_NAMESPACE}"
        ),
    ),
    "namespace-of-the-ingress-controller": (
        edit(("namespace: shop-dev", "namespace: ingress-nginx")),
        one(
            "catalog.yaml:19:16: error: environment 'dev' runs in namespace 'ingress-nginx', where "
            "cluster 'main' runs its ingress controller; set `environments.dev.namespace` "
            f"{OWN_NAMESPACE}"
        ),
    ),
    "namespace-of-monitoring": (
        edit(
            (
                '    kubernetesVersion: "1.31"\n',
                '    kubernetesVersion: "1.31"\n    monitoringNamespace: obs\n',
            ),
            ("namespace: shop-dev", "namespace: obs"),
        ),
        one(
            "catalog.yaml:20:16: error: environment 'dev' runs in namespace 'obs', where cluster "
            f"'main' runs its monitoring; set `environments.dev.namespace` {OWN_NAMESPACE}"
        ),
    ),
    # 3. groups that are more than one identity, or would inject a policy line; owners
    "group-system-authenticated": (
        edit(("groups: [example:shop-devs]", "groups: [system:authenticated]")),
        one(
            "catalog.yaml:11:14: error: group 'system:authenticated' of team 'shop' is a "
            "Kubernetes system group (system:authenticated is every signed-in user); "
            f"{OWN_GROUP}"
        ),
    ),
    "group-system-star": (
        edit(("groups: [example:shop-devs]", 'groups: ["system:*"]')),
        one(
            "catalog.yaml:11:14: error: group 'system:*' of team 'shop' is a Kubernetes system "
            f"group (system:authenticated is every signed-in user); {OWN_GROUP}"
        ),
    ),
    "group-star": (
        edit(("groups: [example:shop-devs]", 'groups: ["*"]')),
        one(
            "catalog.yaml:11:14: error: group '*' of team 'shop' is a wildcard that grants every "
            f"user; {OWN_GROUP}"
        ),
    ),
    "group-argocd-admin-role": (
        edit(("groups: [example:ops]", "groups: [role:admin]")),
        one(
            "catalog.yaml:14:14: error: group 'role:admin' of team 'ops' is an Argo CD role name "
            f"(role:admin is Argo CD's administrator); {OWN_GROUP}"
        ),
    ),
    "group-with-a-line-break": (
        edit(
            (
                "groups: [example:shop-devs]",
                'groups: ["example:shop-devs\\ng, example:shop-devs, role:admin"]',
            )
        ),
        one(
            "catalog.yaml:11:14: error: group 'example:shop-devs\\ng, example:shop-devs, role:admin' "
            "of team 'shop' holds a line break, which would add a line to Argo CD's policy CSV; "
            f"{SPELLING}"
        ),
    ),
    "group-with-a-comma": (
        edit(("groups: [example:shop-devs]", 'groups: ["example:shop-devs, role:admin"]')),
        one(
            "catalog.yaml:11:14: error: group 'example:shop-devs, role:admin' of team 'shop' holds "
            f"',', which Argo CD's policy CSV reads as a field separator; {SPELLING}"
        ),
    ),
    "group-with-a-space": (
        edit(("groups: [example:shop-devs]", 'groups: ["shop devs"]')),
        one(
            f"catalog.yaml:11:14: error: group 'shop devs' of team 'shop' holds whitespace; {SPELLING}"
        ),
    ),
    "github-owner-with-a-line-break": (
        edit(('github: ["@example/shop"]', 'github: ["@example/shop\\n* @evil"]')),
        one(
            "catalog.yaml:12:14: error: `teams.shop.github.0` is '@example/shop\\n* @evil', which is "
            "not allowed here (a GitHub user @user or team @org/team) (catalog-schema)"
        ),
    ),
    "github-owner-path": (
        edit(('github: ["@example/shop"]', 'github: ["@example/shop/web"]')),
        one(
            "catalog.yaml:12:14: error: `teams.shop.github.0` is '@example/shop/web', which is not "
            "allowed here (a GitHub user @user or team @org/team) (catalog-schema)"
        ),
    ),
    "github-owner-email": (
        edit(('github: ["@example/shop"]', 'github: ["shop@example.com"]')),
        one(
            "catalog.yaml:12:14: error: `teams.shop.github.0` is 'shop@example.com', which is not "
            "allowed here (a GitHub user @user or team @org/team) (catalog-schema)"
        ),
    ),
    # 4. writable system folders
    **{
        f"writable-{name}": (
            edit((WRITABLE, f"    writablePaths: [{path}]\n")),
            one(
                f"catalog.yaml:43:21: error: writable path '{path}' of app 'web' {why}; "
                f"{WRITABLE_REMEDY}"
            ),
        )
        for name, path, why in (
            ("root", "/", "is the root folder, all of what the read-only root filesystem protects"),
            (
                "proc",
                "/proc",
                "is the system folder /proc, which the read-only root filesystem protects",
            ),
            (
                "sys",
                "/sys",
                "is the system folder /sys, which the read-only root filesystem protects",
            ),
            (
                "dev",
                "/dev",
                "is the system folder /dev, which the read-only root filesystem protects",
            ),
            (
                "etc",
                "/etc",
                "is the system folder /etc, which the read-only root filesystem protects",
            ),
            (
                "bin",
                "/bin",
                "is the system folder /bin, which the read-only root filesystem protects",
            ),
            (
                "usr",
                "/usr",
                "is the system folder /usr, which the read-only root filesystem protects",
            ),
            (
                "etc-through-dotdot",
                "/var/../etc/",
                "is the system folder /etc, which the read-only root filesystem protects",
            ),
            (
                "in-proc",
                "/proc/sys/kernel",
                "is inside /proc, where the kernel shows the container its devices and state",
            ),
            (
                "in-usr-local-bin",
                "/usr/local/bin/web",
                "is inside the program folder /usr/local/bin, where the container's programs and libraries live",
            ),
        )
    },
    "emptydir-at-usr-lib": (
        edit((WRITABLE, WRITABLE + "    volumes:\n      /usr/lib: {emptyDir: {}}\n")),
        one(
            "catalog.yaml:45:7: error: writable mount '/usr/lib' of app 'web' is the program folder "
            f"/usr/lib, where the container's programs and libraries live; {WRITABLE_REMEDY}"
        ),
    ),
    "emptydir-in-dev": (
        edit((WRITABLE, WRITABLE + "    volumes:\n      /dev/mapper: {emptyDir: {}}\n")),
        one(
            "catalog.yaml:45:7: error: writable mount '/dev/mapper' of app 'web' is inside /dev, "
            f"where the kernel shows the container its devices and state; {WRITABLE_REMEDY}"
        ),
    ),
    # 5. secret store keys: one key, under the team's prefix
    "secret-key-star": (
        edit(("{key: shop/web/database-url}", '{key: "*"}')),
        one(
            "catalog.yaml:42:27: error: store key '*' of secret 'DATABASE_URL' of app 'web' holds "
            "'*'; name one key, not a pattern (catalog-secret-key)"
        ),
    ),
    "secret-key-dotdot": (
        edit(("{key: shop/web/database-url}", "{key: shop/../ops/root-token}")),
        one(
            "catalog.yaml:42:27: error: store key 'shop/../ops/root-token' of secret 'DATABASE_URL' "
            "of app 'web' holds '..'; name the key itself (catalog-secret-key)"
        ),
    ),
    "secret-key-of-another-team": (
        edit(("{key: shop/web/database-url}", "{key: ops/root-token}")),
        one(
            "catalog.yaml:42:27: error: store key 'ops/root-token' of secret 'DATABASE_URL' of app "
            "'web' (team 'shop') is outside 'shop/', the key prefix of 'dev' and 'prod'; name a key "
            "under 'shop/', or set the environment's `secretKeyPrefix` (default '{team}/') "
            "(catalog-secret-key)"
        ),
    ),
    "secret-key-outside-the-prefix-of-prod": (
        edit(
            (
                "    secretStore: vault-prod\n",
                '    secretStore: vault-prod\n    secretKeyPrefix: "prod/{team}/"\n',
            )
        ),
        one(
            "catalog.yaml:43:27: error: store key 'shop/web/database-url' of secret 'DATABASE_URL' "
            "of app 'web' (team 'shop') is outside 'prod/shop/', the key prefix of 'prod'; name a "
            "key under 'prod/shop/', or set the environment's `secretKeyPrefix` (default '{team}/') "
            "(catalog-secret-key)"
        ),
    ),
    "secret-key-prefix-without-a-slash": (
        edit(
            (
                "    secretStore: vault-prod\n",
                '    secretStore: vault-prod\n    secretKeyPrefix: "{team}"\n',
            )
        ),
        one(
            "catalog.yaml:26:22: error: secretKeyPrefix '{team}' of environment 'prod' does not end "
            "with '/': the prefix of team 'shop' would also take the keys of a team 'shopping'; "
            "write a prefix such as '{team}/' or 'prod/{team}/{app}/' (catalog-secret-key)"
        ),
    ),
    # 6. config values YAML does not read as written, and keys that are not env var names
    "config-012": (config("UMASK: 012"), quote("UMASK", "012", 'the number 12: the app gets "12"')),
    "config-0x1F": (
        config("MASK: 0x1F"),
        quote("MASK", "0x1F", 'the number 31: the app gets "31"'),
    ),
    "config-0o17": (
        config("MODE: 0o17"),
        quote("MODE", "0o17", 'the number 15: the app gets "15"'),
    ),
    "config-1_000": (
        config("BATCH: 1_000"),
        quote("BATCH", "1_000", 'the number 1000: the app gets "1000"'),
    ),
    "config-True": (
        config("DEBUG: True"),
        quote("DEBUG", "True", 'the boolean true: the app gets "true"'),
    ),
    "config-yes": (
        config("CACHE: yes"),
        quote("CACHE", "yes", "a string, and YAML 1.1 readers as the boolean true"),
    ),
    "config-on": (
        config("TLS: on"),
        quote("TLS", "on", "a string, and YAML 1.1 readers as the boolean true"),
    ),
    "config-tilde": (
        config("SUFFIX: ~"),
        one(
            "catalog.yaml:41:15: error: `apps.web.config.SUFFIX` must be a string or an integer or "
            'true or false, not nothing (null); YAML reads ~ as nothing: quote it, e.g. "~", or '
            'write "" (catalog-schema)'
        ),
    ),
    **{
        f"config-key-{name}": (
            config(f"{key}: x"),
            one(f"catalog.yaml:41:7: error: config key {shown} of app 'web' {NOT_ENV}"),
        )
        for name, key, shown in (
            ("with-equals", '"A=B"', "'A=B'"),
            ("dot", '"."', "'.'"),
            ("with-slash", '"a/b"', "'a/b'"),
            ("with-a-line-break", '"A\\nB"', "'A\\nB'"),
            ("ending-in-a-line-break", '"LOG_FORMAT\\n"', "'LOG_FORMAT\\n'"),
        )
    },
    "config-key-300-characters": (
        config("A" * 300 + ": x"),
        one(
            "catalog.yaml:41:7: error: config key 'AAAAAAAAAAAAAAAAAAAA...' of app 'web' has 300 "
            "characters; Kubernetes allows at most 253: shorten it (catalog-env-conflict)"
        ),
    ),
}


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """A git repository with the good catalog and its tree committed; validate passes."""
    root = init(tmp_path_factory.mktemp("security") / "repo")
    (root / "catalog.yaml").write_text(CATALOG)
    generated = invoke("generate", "--root", str(root))
    assert generated.exit_code == 0, generated.output
    commit_all(root, "catalog and tree")
    clean = invoke("validate", "--root", str(root))
    assert clean.exit_code == 0, clean.output
    assert clean.stdout == "no problems in 31 files\n"
    return root


@pytest.fixture()
def repo(committed, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(committed, root, symlinks=True)
    git(root, "status")  # the copy's files are new to git's index: let it look at them once
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_refused(case, repo):
    text, (message, summary) = CASES[case]
    before = snapshot(repo)
    (repo / "catalog.yaml").write_text(text)
    generated = invoke("generate", "--root", str(repo))
    assert generated.exit_code == 1
    assert (generated.stdout, generated.stderr) == ("", message + "\n")
    validated = invoke("validate", "--root", str(repo))
    assert validated.exit_code == 1
    assert (validated.stdout, validated.stderr) == (f"{message}\n{summary}\n", "")
    assert snapshot(repo) == {**before, "catalog.yaml": text.encode()}


ACCEPTED = {
    "repository-over-ssh": edit(
        (
            "url: https://git.example.com/platform/gitops.git",
            "url: ssh://git@git.example.com/platform/gitops.git",
        )
    ),
    "repository-scp-like": edit(
        (
            "url: https://git.example.com/platform/gitops.git",
            "url: git@git.example.com:platform/gitops.git",
        )
    ),
    "server-in-cluster-with-a-port-and-a-path": edit(
        (
            "server: https://main.k8s.example.com",
            "server: https://rancher.example.com:8443/k8s/clusters/c-1",
        )
    ),
    "server-in-cluster": edit(
        ("server: https://main.k8s.example.com", "server: https://kubernetes.default.svc")
    ),
    "groups-of-several-identity-providers": edit(
        (
            "groups: [example:shop-devs]",
            "groups: [example:shop-devs, shop@example.com, 5f3c2a1e-8d4b-4c6a, CN=shop]",
        )
    ),
    "quoted-config-values": config(
        'UMASK: "012"\n      DEBUG: "True"\n      CACHE: "yes"\n      WORKERS: 8\n      STRICT: false'
    ),
    "shared-memory-and-own-folders": edit(
        (
            WRITABLE,
            "    writablePaths: [/var/cache/web, /var/lib/web, /etc/web/conf.d]\n    volumes:\n      /dev/shm: {emptyDir: {medium: Memory}}\n      /etc/ssl/certs: {configMap: ca-bundle}\n",
        )
    ),
    "secret-key-prefix-per-app": edit(
        (
            "    secretStore: vault-prod\n",
            '    secretStore: vault-prod\n    secretKeyPrefix: "{team}/{app}/"\n',
        )
    ),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted(case, repo):
    (repo / "catalog.yaml").write_text(ACCEPTED[case])
    generated = invoke("generate", "--root", str(repo))
    assert generated.exit_code == 0, generated.output
    assert generated.stderr == ""


def test_a_plain_date_in_config_is_kept_as_written(repo):
    """The reader keeps a plain date a string (YAML 1.2 core schema), so the value is exactly
    what the user wrote and needs no quotes."""
    (repo / "catalog.yaml").write_text(config("SINCE: 2024-01-02"))
    generated = invoke("generate", "--root", str(repo))
    assert (generated.exit_code, generated.stderr) == (0, "")
    kustomization = yaml.safe_load((repo / "base" / "web" / "kustomization.yaml").read_text())
    [generator] = kustomization["configMapGenerator"]
    assert generator["literals"] == ["LOG_LEVEL=info", "SINCE=2024-01-02"]


HAND_ADDED = """\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: anything
  namespace: argocd
spec:
  sourceRepos: ["*"]
  destinations: [{server: "*", namespace: "*"}]
  clusterResourceWhitelist: [{group: "*", kind: "*"}]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: elsewhere
  namespace: argocd
spec:
  project: anything
  source: {repoURL: "https://git.example.com/other/repo.git", path: deploy, targetRevision: HEAD}
  destination: {server: "https://kubernetes.default.svc", namespace: kube-system}
"""
ROOT_SOURCE = {
    "repoURL": "https://git.example.com/platform/gitops.git",
    "targetRevision": "HEAD",
    "path": "argocd",
    "directory": {
        "recurse": True,
        "include": "{projects/dev.yaml,projects/prod.yaml,apps/dev/_namespace.yaml,"
        "apps/dev/tool.yaml,apps/dev/web.yaml,apps/prod/_namespace.yaml,apps/prod/web.yaml}",
    },
}


def documents(path):
    return list(yaml.safe_load_all(path.read_text()))


def test_a_hand_added_application_is_an_error_and_no_root_syncs_it(repo):
    zz = repo / "argocd" / "apps" / "prod" / "zz.yaml"
    zz.write_text(HAND_ADDED)
    before = snapshot(repo)
    validated = invoke("validate", "--root", str(repo))
    assert validated.exit_code == 1
    assert validated.stderr == ""
    assert validated.stdout == (
        "argocd/apps/prod/zz.yaml:2:1: error: argocd/apps/prod/zz.yaml holds AppProject "
        "'anything' and Application 'elsewhere', which catalog.yaml does not generate; no root "
        "syncs it, and an Argo CD object outside the catalog escapes its review: remove the "
        "file, or describe the app in catalog.yaml (tree-stray-argocd-object)\n"
        "argocd/apps/prod/zz.yaml:18:63: error: Application 'elsewhere' syncs path 'deploy', "
        "which does not exist in the repository; run 'gitopsgen generate' or fix the path "
        "(argocd-path-builds)\n"
        "2 errors, 0 warnings in 31 files\n"
    )
    # the same with --changed: a pre-commit hook sees it whatever the commit touches
    changed = invoke("validate", "--root", str(repo), "--changed")
    assert changed.exit_code == 1
    assert changed.stdout.splitlines()[0] == validated.stdout.splitlines()[0]
    # what the root syncs: exactly the generated files, in the whole source
    [project, root] = documents(repo / "argocd" / "root" / "main.yaml")
    assert root["spec"]["source"] == ROOT_SOURCE
    assert project["spec"]["namespaceResourceWhitelist"] == [
        {"group": "argoproj.io", "kind": "AppProject"},
        {"group": "argoproj.io", "kind": "Application"},
    ]
    # generate leaves the hand-written file alone, and writes nothing
    assert invoke("generate", "--root", str(repo), "--check").exit_code == 0
    assert snapshot(repo) == before


def roles(path):
    return {
        project["metadata"]["name"]: [
            (r["name"], r["groups"], r["policies"]) for r in project["spec"]["roles"]
        ]
        for project in documents(path)
    }


def test_project_roles_carry_only_the_verbs_of_each_access_level(repo):
    def policies(project, team, *actions):
        return [f"p, proj:{project}:{team}, applications, {a}, {project}/*, allow" for a in actions]

    admin = ("get", "sync", "action/*")
    assert roles(repo / "argocd" / "projects" / "dev.yaml") == {
        "dev": [
            ("ops", ["example:ops"], policies("dev", "ops", *admin)),
            ("shop", ["example:shop-devs"], policies("dev", "shop", *admin)),
        ],
        "dev-guardrails": [
            ("ops", ["example:ops"], policies("dev-guardrails", "ops", *admin)),
            ("shop", ["example:shop-devs"], policies("dev-guardrails", "shop", *admin)),
        ],
    }
    assert roles(repo / "argocd" / "projects" / "prod.yaml") == {
        "prod": [
            ("ops", ["example:ops"], policies("prod", "ops", *admin)),
            ("shop", ["example:shop-devs"], policies("prod", "shop", "get")),
        ],
        "prod-guardrails": [
            ("ops", ["example:ops"], policies("prod-guardrails", "ops", *admin)),
            ("shop", ["example:shop-devs"], policies("prod-guardrails", "shop", "get")),
        ],
    }


def test_edit_access_syncs_and_nothing_more(repo):
    (repo / "catalog.yaml").write_text(
        edit(("access: {shop: view, ops: admin}", "access: {shop: edit, ops: admin}"))
    )
    assert invoke("generate", "--root", str(repo)).exit_code == 0
    assert roles(repo / "argocd" / "projects" / "prod.yaml")["prod"][1] == (
        "shop",
        ["example:shop-devs"],
        [
            "p, proj:prod:shop, applications, get, prod/*, allow",
            "p, proj:prod:shop, applications, sync, prod/*, allow",
        ],
    )


def test_the_guardrails_may_manage_only_their_own_namespace(repo):
    for env, namespace in (("dev", "shop-dev"), ("prod", "shop-prod")):
        [apps, guardrails] = documents(repo / "argocd" / "projects" / f"{env}.yaml")
        assert guardrails["spec"]["clusterResourceWhitelist"] == [
            {"group": "", "kind": "Namespace", "name": namespace}
        ]
        assert guardrails["spec"]["destinations"] == [
            {"server": "https://main.k8s.example.com", "namespace": namespace}
        ]
        assert apps["spec"]["clusterResourceWhitelist"] == []


def test_codeowners_covers_what_every_environment_shares(repo):
    assert (repo / ".github" / "CODEOWNERS").read_text() == (
        "# Generated by gitopsgen from catalog.yaml. Do not edit by hand:\n"
        "# change catalog.yaml and run 'gitopsgen generate'.\n"
        "# Changes to an environment need a review by the teams with admin access to it; what\n"
        "# every environment shares (base/, argocd/root/, the catalog, this file) needs the\n"
        "# admins of the last environment in promotion order.\n"
        "\n"
        "# shared (prod admins)\n"
        "/base/ @example/ops\n"
        "/overlays/ @example/ops\n"
        "/argocd/ @example/ops\n"
        "\n"
        "# dev\n"
        "/overlays/dev/ @example/ops @example/shop\n"
        "/argocd/apps/dev/ @example/ops @example/shop\n"
        "/argocd/projects/dev.yaml @example/ops @example/shop\n"
        "\n"
        "# prod\n"
        "/overlays/prod/ @example/ops\n"
        "/argocd/apps/prod/ @example/ops\n"
        "/argocd/projects/prod.yaml @example/ops\n"
        "\n"
        "# base/ of apps not in prod: the admins of the last environment of each\n"
        "/base/tool/ @example/ops @example/shop\n"
        "\n"
        "# the catalog and this file (prod admins)\n"
        "/catalog.yaml @example/ops\n"
        "/.github/CODEOWNERS @example/ops\n"
    )


def test_a_guardrails_project_refuses_another_namespace(repo):
    from generator.rules.argocd import ArgoContext, Built, check_argocd
    from generator.validate.argocd import argocd_manifests

    manifests = argocd_manifests(repo)
    applications = tuple(
        m for m in manifests if m.name == "dev-guardrails" and m.kind == "Application"
    )
    projects = {m.name: m for m in manifests if m.kind == "AppProject"}
    other = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}
    own = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop-dev"}}
    for objects, wanted in (
        ((own,), []),
        (
            (own, other),
            [
                "argocd/apps/dev/_namespace.yaml:20:5: error: Application 'dev-guardrails' deploys "
                "a Namespace, which is named 'kube-system', not a name in the project's "
                "clusterResourceWhitelist of 'dev-guardrails'; Argo CD will refuse to sync it "
                "(argocd-kind-denied)"
            ],
        ),
    ):
        built = {"overlays/dev/_namespace": Built(True, objects)}
        ctx = ArgoContext(applications, projects, built, lambda server, namespace: None)
        assert [str(f) for f in check_argocd(ctx)] == wanted
