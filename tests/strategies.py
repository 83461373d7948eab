"""Hypothesis strategies: schema-valid, semantically valid catalogs (plain data, YAML text).

`catalogs()` draws a catalog as plain dicts and lists, in the shape of
schemas/catalog.schema.json and satisfying every check of the loader: DNS-label names,
distinct namespaces per cluster, no Argo CD name collisions, unique hosts per cluster,
acyclic dependsOn (each app depends only on apps before it in a random order), no
dependency disabled where a dependent runs, versions that meet each environment's
imagePolicy, minReplicas met, secretStore wherever an app with secrets runs.
`to_yaml` dumps it as YAML 1.2 (the loader's YAML), so strings that look like numbers,
booleans or nulls are quoted.
"""

import io
import string

from hypothesis import assume
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.catalog import names
from generator.catalog.build import PROBE_TIMING

KUBERNETES_VERSIONS = ("1.29", "1.31", "1.33")
PROBE_KINDS = ("readiness", "liveness", "startup")
QUOTA_KEYS = (
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
    "pods",
    "services",
    "count/configmaps",
)

# Strings a YAML reader may take for something else, in YAML 1.1 or 1.2, or that need quoting.
TRICKY = (
    "true",
    "False",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "null",
    "~",
    "",
    "1",
    "012",
    "0o17",
    "0x1F",
    "1e3",
    "1.0",
    ".5",
    ".inf",
    "-.inf",
    ".nan",
    "1_000",
    "1:30",
    "2024-01-02",
    "-",
    "a: b",
    "#hash",
    "x #y",
    "@at",
    "*star",
    "&anchor",
    "!tag",
    "%pct",
    "'single'",
    '"double"',
    "[1]",
    "{a: 1}",
    " lead",
    "trail ",
    "a=b",
    "grüße",
)

label = st.from_regex(r"\A[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3})?\Z")
words = st.text(string.ascii_letters + string.digits + " -_./:", min_size=1, max_size=12)
text_value = st.one_of(st.sampled_from(TRICKY), words)
nonempty_text = text_value.filter(bool)
env_var = st.from_regex(r"\A[A-Z_][A-Z0-9_]{0,7}\Z")
abs_path = (
    st.lists(st.from_regex(r"\A[a-z0-9_][a-z0-9_.-]{0,6}\Z"), min_size=1, max_size=3)
    .map(lambda parts: "/" + "/".join(parts))
    .filter(lambda p: ".." not in p)
)
port = st.integers(1, 65535)
small = st.integers(1, 5)
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)

quantity = st.one_of(
    st.tuples(
        st.one_of(st.integers(0, 4096).map(str), st.from_regex(r"\A[0-9]{1,3}\.[0-9]{1,2}\Z")),
        st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi", "e3"]),
    ).map("".join),
    st.integers(1, 64),
    st.sampled_from([0.5, 1.5, 2.0]),
)


def some_keys(keys, min_size=0):
    return st.lists(st.sampled_from(list(keys)), unique=True, min_size=min_size).map(
        lambda chosen: [k for k in keys if k in chosen]
    )


@st.composite
def resources(draw):
    spec = {}
    for part in draw(some_keys(("requests", "limits"))):
        spec[part] = {k: draw(quantity) for k in draw(some_keys(("cpu", "memory")))}
    return spec


@st.composite
def autoscaling(draw, minimum=1, explicit_min=False):
    low = draw(st.integers(minimum, minimum + 3))
    spec = {"maxReplicas": draw(st.integers(low, low + 5))}
    if low > 1 or explicit_min or draw(st.booleans()):
        spec["minReplicas"] = low
    if draw(st.booleans()):
        spec["targetCPUUtilization"] = draw(st.integers(1, 100))
    return spec


@st.composite
def probe(draw, has_port):
    mode = draw(st.sampled_from(("path", "grpc", "tcp", "command")))
    spec = {
        "path": lambda: draw(abs_path),
        "grpc": lambda: True,
        "tcp": lambda: True,
        "command": lambda: draw(st.lists(text_value, min_size=1, max_size=3)),
    }
    result = {mode: spec[mode]()}
    if (mode != "command" and not has_port) or draw(st.booleans()):
        result["port"] = draw(port)
    for key in draw(some_keys(PROBE_TIMING)):
        result[key] = draw(st.integers(0 if key == "initialDelaySeconds" else 1, 30))
    return result


@st.composite
def version(draw, policy):
    semver = draw(
        st.tuples(
            st.sampled_from(["", "v"]),
            st.integers(0, 20),
            st.integers(0, 20),
            st.integers(0, 20),
            st.sampled_from(["", "-rc.1", "-alpha", "-beta.2", "-0.3.7"]),
        ).map(lambda t: f"{t[0]}{t[1]}.{t[2]}.{t[3]}{t[4]}")
    )
    tag = draw(st.one_of(st.just(semver), st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}\Z")))
    assume(tag != "latest")
    digest = "@sha256:" + draw(hex64)
    if policy == "tag":
        return draw(st.sampled_from([tag, tag + digest, digest, "latest" + digest]))
    if policy == "semver":
        return draw(st.sampled_from([semver, semver + digest]))
    return draw(st.sampled_from([tag + digest, digest]))


def _argo_names_unique(clusters, envs, apps):
    projects = [names.app_project_name(e) for e in envs]
    projects += [names.guardrails_project_name(e) for e in envs]
    projects += [names.root_name(c) for c in clusters]
    applications = [names.guardrails_application_name(e) for e in envs]
    applications += [names.root_name(c) for c in clusters]
    applications += [names.application_name(e, a) for e in envs for a in apps]
    return len(set(projects)) == len(projects) and len(set(applications)) == len(applications)


ENV_HOSTS = ("{app}.{env}.example.com", "{app}-{env}.apps.example.org", "{env}.{app}.example.net")
APP_HOSTS = ("{app}-{env}.internal.example.com", "{env}.{app}.svc.example.com", "api.{env}.x.io")


@st.composite
def environment(draw, clusters, teams, used_namespaces):
    cluster = draw(st.sampled_from(clusters))
    namespace = draw(label.filter(lambda n: n not in used_namespaces[cluster]))
    used_namespaces[cluster].add(namespace)
    spec = {"cluster": cluster, "namespace": namespace}
    if draw(st.booleans()):
        spec["host"] = draw(st.sampled_from(ENV_HOSTS))
    for key, choices in (
        ("sync", ("auto", "manual")),
        ("podSecurity", ("privileged", "baseline", "restricted")),
        ("imagePolicy", ("tag", "semver", "digest")),
        ("secretStoreKind", ("SecretStore", "ClusterSecretStore")),
    ):
        if draw(st.booleans()):
            spec[key] = draw(st.sampled_from(choices))
    if draw(st.booleans()):
        spec["minReplicas"] = draw(st.integers(1, 3))
    if draw(st.booleans()):
        spec["secretStore"] = draw(label)
    spec["access"] = {
        t: draw(st.sampled_from(("view", "edit", "admin"))) for t in draw(some_keys(teams))
    }
    if draw(st.booleans()):
        spec["quota"] = {k: draw(quantity) for k in draw(some_keys(QUOTA_KEYS, 1))}
    if draw(st.booleans()):
        spec["limitRange"] = {
            part: {k: draw(quantity) for k in draw(some_keys(("cpu", "memory"), 1))}
            for part in draw(some_keys(("default", "defaultRequest", "max", "min"), 1))
        }
    return spec


@st.composite
def app_spec(draw, name, team, default_probes):
    spec = {"team": team}
    spec["image"] = draw(
        st.sampled_from(
            [
                f"ghcr.io/example/{name}",
                f"registry.local:5000/team/{name}",
                name,
                f"docker.io/{name}",
            ]
        )
    )
    if draw(st.booleans()):
        spec["port"] = draw(port)
        if draw(st.booleans()):
            spec["servicePort"] = draw(port)
        if draw(st.booleans()):
            ingress = {}
            if draw(st.booleans()):
                ingress["path"] = draw(abs_path)
            if draw(st.booleans()):
                ingress["host"] = draw(st.sampled_from(APP_HOSTS))
            spec["ingress"] = ingress
    has_port = "port" in spec
    probes = {}
    for kind in draw(some_keys(PROBE_KINDS)):
        probes[kind] = draw(probe(has_port))
    if probes:
        spec["probes"] = probes
    if not has_port:
        # a default probe without its own port needs the app's port
        assume(
            all("port" in p or "command" in p for k, p in default_probes.items() if k not in probes)
        )
    if draw(st.booleans()):
        spec["config"] = draw(config())
    if draw(st.booleans()):
        spec["secrets"] = draw(st.dictionaries(env_var, secret_ref(), min_size=1, max_size=3))
    if draw(st.booleans()):
        metrics = {"port": draw(st.one_of(port, st.just(spec.get("port", 9090))))}
        if draw(st.booleans()):
            metrics["path"] = draw(abs_path)
        spec["metrics"] = metrics
        # a Service port used for traffic and metrics at once is a catalog-port-conflict
        served = spec.get("servicePort", spec.get("port"))
        assume(metrics["port"] == spec.get("port") or metrics["port"] != served)
    if draw(st.booleans()):
        spec["writablePaths"] = draw(
            st.lists(st.one_of(abs_path, st.just("/tmp")), unique=True, max_size=3)
        )
    if draw(st.booleans()):
        spec["replicas"] = draw(st.integers(0, 4))
    if draw(st.booleans()):
        spec["resources"] = draw(resources())
    if draw(st.booleans()):
        spec["autoscaling"] = draw(autoscaling())
    return spec


@st.composite
def secret_ref(draw):
    ref = {"key": draw(nonempty_text)}
    if draw(st.booleans()):
        ref["property"] = draw(nonempty_text)
    return ref


def config():
    return st.dictionaries(
        env_var, st.one_of(text_value, st.integers(-(10**6), 10**6), st.booleans()), max_size=4
    )


@st.composite
def defaults(draw):
    spec = {}
    if draw(st.booleans()):
        spec["replicas"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        spec["resources"] = draw(resources())
    if draw(st.booleans()):
        spec["config"] = draw(config())
    if draw(st.booleans()):
        probes = {k: draw(probe(False)) for k in draw(some_keys(PROBE_KINDS, 1))}
        spec["probes"] = probes
    if draw(st.booleans()):
        spec["writablePaths"] = draw(st.lists(abs_path, unique=True, max_size=2))
    return spec


def _scaling(values, app, default):
    """The autoscaling of an app in an environment: defaults < app < environment, merged."""
    layers = [d.get("autoscaling") for d in (default, app, values)]
    return {k: v for layer in layers if layer for k, v in layer.items()} or None


@st.composite
def catalogs(draw):
    """A catalog (plain data) that loads with zero findings."""
    clusters = draw(st.lists(label, min_size=1, max_size=3, unique=True))
    envs = draw(st.lists(label, min_size=1, max_size=5, unique=True))
    teams = draw(st.lists(label, min_size=1, max_size=3, unique=True))
    app_names = draw(st.lists(label, min_size=1, max_size=6, unique=True))
    assume(_argo_names_unique(clusters, envs, app_names))

    used = {c: set() for c in clusters}
    environments = {e: draw(environment(clusters, teams, used)) for e in envs}
    default = draw(defaults())

    order = draw(st.permutations(app_names))
    apps = {}
    enabled = {}
    for index, name in enumerate(order):
        spec = draw(app_spec(name, draw(st.sampled_from(teams)), default.get("probes", {})))
        earlier = list(order[:index])
        if earlier and draw(st.booleans()):
            spec["dependsOn"] = draw(st.lists(st.sampled_from(earlier), unique=True, min_size=1))
        per_env = {}
        for env in envs:
            runs = draw(st.integers(0, 4)) > 0 and all(
                enabled[(d, env)] for d in spec.get("dependsOn", [])
            )
            enabled[(name, env)] = runs
            per_env[env] = draw(deployment(env, environments[env], spec, default, runs))
        spec["environments"] = per_env
        apps[name] = spec

    for name, spec in apps.items():
        if spec.get("secrets"):
            for env in envs:
                if enabled[(name, env)] and "secretStore" not in environments[env]:
                    environments[env]["secretStore"] = draw(label)

    seen = set()
    for name, spec in apps.items():
        if "ingress" not in spec:
            continue
        for env in envs:
            if not enabled[(name, env)]:
                continue
            template = spec["ingress"].get("host") or environments[env].get("host")
            if template is None:
                environments[env]["host"] = template = draw(st.sampled_from(ENV_HOSTS))
            host = names.resolve_host(template, name, env)
            key = (environments[env]["cluster"], host, spec["ingress"].get("path", "/"))
            assume(key not in seen)
            seen.add(key)

    catalog = {
        "apiVersion": "gitopsgen/v1",
        "kind": "Catalog",
        "repository": {
            "url": draw(
                st.sampled_from(["https://git.example.com/gitops.git", "git@github.com:x/y.git"])
            )
        },
    }
    if draw(st.booleans()):
        catalog["repository"]["revision"] = draw(st.sampled_from(["main", "v1.0", "HEAD"]))
    if draw(st.booleans()):
        catalog["argocd"] = {"namespace": draw(label)}
    catalog["clusters"] = {c: draw(cluster(c)) for c in clusters}
    catalog["teams"] = {t: draw(team()) for t in teams}
    catalog["environments"] = environments
    if default:
        catalog["defaults"] = default
    catalog["apps"] = apps
    return catalog


@st.composite
def deployment(draw, env, env_spec, app, default, runs):
    if not runs:
        values = {"enabled": False}
        if draw(st.booleans()):
            values["version"] = draw(version(env_spec.get("imagePolicy", "tag")))
        return values
    values = {}
    if draw(st.integers(0, 4)) == 0:
        values["enabled"] = True
    values["version"] = draw(version(env_spec.get("imagePolicy", "tag")))
    if draw(st.booleans()):
        values["replicas"] = draw(st.integers(0, 4))
    if draw(st.booleans()):
        overrides = draw(config())
        if app.get("config") and draw(st.booleans()):
            overrides[draw(st.sampled_from(sorted(app["config"])))] = draw(text_value)
        values["config"] = overrides
    if draw(st.booleans()):
        values["resources"] = draw(resources())
    minimum = env_spec.get("minReplicas", 1)
    if draw(st.integers(0, 3)) == 0:
        inherited = app.get("autoscaling", {}).get("minReplicas", 1)
        if "autoscaling" in app and inherited >= minimum and draw(st.booleans()):
            # only maxReplicas: minReplicas merges in from the app
            values["autoscaling"] = {"maxReplicas": draw(st.integers(inherited, inherited + 4))}
        else:
            values["autoscaling"] = draw(autoscaling(minimum, explicit_min=True))
    scaling = _scaling(values, app, default)
    if scaling:
        if scaling.get("minReplicas", 1) < minimum:
            values["autoscaling"] = draw(autoscaling(minimum, explicit_min=True))
    else:
        replicas = values.get("replicas", app.get("replicas", default.get("replicas", 1)))
        if replicas < minimum:
            values["replicas"] = draw(st.integers(minimum, minimum + 2))
    return values


@st.composite
def cluster(draw, name):
    spec = {
        "server": f"https://{name}.k8s.example.com",
        "kubernetesVersion": draw(st.sampled_from(KUBERNETES_VERSIONS)),
    }
    if draw(st.booleans()):
        spec["ingress"] = {"className": draw(st.sampled_from(["nginx", "traefik"]))}
        if draw(st.booleans()):
            spec["ingress"]["namespace"] = draw(label)
    if draw(st.booleans()):
        spec["monitoringNamespace"] = draw(label)
    return spec


@st.composite
def team(draw):
    spec = {"groups": draw(st.lists(nonempty_text, min_size=1, max_size=3, unique=True))}
    if draw(st.booleans()):
        spec["github"] = draw(
            st.lists(
                st.from_regex(r"\A@[a-z][a-z0-9-]{0,5}(/[a-z]{1,5})?\Z"), unique=True, max_size=2
            )
        )
    return spec


def to_yaml(data) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def catalog_texts():
    return catalogs().map(to_yaml)
