"""Hypothesis strategies: schema-valid, semantically valid catalogs (plain data, YAML text).

`catalogs()` draws a catalog as plain dicts and lists, in the shape of
schemas/catalog.schema.json, that the loader accepts: every catalog check passes and the
manifest rules the loader runs on what the catalog renders (generator/validate/preflight.py) report
no error. So it draws DNS-label names, distinct namespaces per cluster, no Argo CD name
collisions, unique hosts and paths per cluster, acyclic dependsOn (each app depends only on
apps before it in a random order), no dependency disabled where a dependent runs, versions
(of the app and of every sidecar and init container with its own image) that meet each
environment's imagePolicy, minReplicas met, secretStore wherever an app with secrets runs,
store keys under the environments' secretKeyPrefix, namespaces the platform does not keep
(system, Argo CD, ingress and monitoring ones), groups that name one identity each, writable
mounts outside the system folders;
and, for the rendered objects: cpu and memory limits on every container (or a LimitRange
default or max for them), requests from a lower range than limits and LimitRange bounds
around both, quotas far above any use, a readiness probe on every container that serves a
port in a long-running workload, security contexts within the strictest Pod Security level
the values apply in, no credential-looking ConfigMap key.

Workloads: every kind (Deployment, StatefulSet, DaemonSet, CronJob with a schedule, Job with
or without a hook) with only the fields that fit it; command and args; env valueFrom bodies;
the `port` shorthand or named `ports` (protocol, appProtocol, servicePort); service type,
headless or none; volumes (persistent where one claim fits, emptyDir, configMap, secret);
sidecars and init containers with or without their own image; annotations, pod labels,
scheduling, terminationGracePeriodSeconds, egress rules, ingress paths. Not `components`
(they need folders on disk).

`to_yaml` dumps it as YAML 1.2 (the loader's YAML), so strings that look like numbers,
booleans or nulls are quoted, YAML 1.1's booleans (yes, on ...) too.
"""

import io
import string

from hypothesis import assume
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.representer import SafeRepresenter

from generator.catalog import names
from generator.catalog.access_checks import SYSTEM_NAMESPACES
from generator.catalog.build import PROBE_TIMING, merge, merge_probes, volume_name
from generator.catalog.value_checks import YAML11_BOOLS, system_path_problem
from generator.rules.secrets import looks_like_credential

KUBERNETES_VERSIONS = ("1.29", "1.31", "1.33")
PROBE_KINDS = ("readiness", "liveness", "startup")
LEVELS = ("privileged", "baseline", "restricted")  # from the least strict
KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job")
SCALED = ("Deployment", "StatefulSet")
BATCH = ("CronJob", "Job")
RESOURCES = ("cpu", "memory")

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
# env valueFrom names live apart from config and secrets names: the loader refuses a clash
# and so do secrets names (config and secrets clash is refused too)
ENV_PREFIXES = ("POD_", "NODE_", "REF_", "SEC_")
env_var = st.from_regex(r"\A[A-Z_][A-Z0-9_]{0,7}\Z").filter(
    lambda n: not n.startswith(ENV_PREFIXES)
)
# a ConfigMap key that looks like a credential is a secrets-literal-credential error
config_key = env_var.filter(lambda n: not looks_like_credential(n))
secret_var = st.from_regex(r"\ASEC_[A-Z0-9_]{0,6}\Z")
ref_var = st.from_regex(r"\A(POD|NODE|REF)_[A-Z0-9_]{1,6}\Z")
path_part = st.from_regex(r"\A[a-z0-9_][a-z0-9_.-]{0,6}\Z")
abs_path = (
    st.lists(path_part, min_size=1, max_size=3)
    .map(lambda parts: "/" + "/".join(parts))
    .filter(lambda p: ".." not in p)
)
# writable mounts (writablePaths, emptyDir and persistent volumes) stay out of the system
# folders (catalog-system-path)
writable_path = abs_path.filter(lambda p: system_path_problem(p) is None)
# identity-provider groups: one identity each (catalog-identity)
group_name = st.one_of(
    st.sampled_from(["true", "1", "012", "null", "yes", "@at", "a=b", "x+y", "grp.1"]),
    st.from_regex(r"\A[a-z0-9_@][a-z0-9._:@/=+-]{0,10}\Z"),
).filter(lambda g: not g.startswith(("system:", "role:", "proj:")))
# a store key below a prefix: segments without '*', '..', whitespace or empty ones
key_rest = (
    st.lists(st.from_regex(r"\A[a-z0-9_][a-z0-9_.-]{0,6}\Z"), min_size=1, max_size=3)
    .map("/".join)
    .filter(lambda k: ".." not in k)
)
SECRET_PREFIXES = ("{team}/", "{team}/{app}/")
# namespaces the platform keeps: never an environment's (catalog-reserved-namespace)
RESERVED = (*SYSTEM_NAMESPACES, "argocd", "ingress-nginx", "monitoring")
port = st.integers(1, 65535)
small = st.integers(1, 5)
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
# label values (and DNS labels) that a YAML reader may take for something else
label_value = st.one_of(label, st.sampled_from(["true", "1", "012", "null", "yes", "on", "1e3"]))
qualified_key = st.tuples(
    st.sampled_from(["", "example.com/", "team.example.org/", "x.io/"]), label
).map("".join)

# Quantities in ranges that never cross: LimitRange min < requests < limits < LimitRange max,
# whichever layer (defaults, app, environment, LimitRange default) sets each.
CPU_MILLIS = {
    "tiny": (1, 5, 10),
    "request": (10, 25, 50, 100, 200, 250, 500),
    "limit": (500, 750, 1000, 1500, 2000),
    "huge": (4000, 8000, 16000),
}
MEMORY_MI = {
    "tiny": (1, 4, 8),
    "request": (16, 32, 64, 128, 256),
    "limit": (256, 384, 512, 1024, 2048),
    "huge": (4096, 8192, 16384),
}


def cpu_spellings(millis):
    found = [f"{millis}m", f"{millis}e-3"]
    if millis % 1000 == 0:
        found += [str(millis // 1000), millis // 1000]
    elif millis % 100 == 0:
        found += [f"{millis / 1000:g}", millis / 1000]
    return found


def memory_spellings(mebi):
    found = [f"{mebi}Mi", f"{mebi * 1024}Ki", str(mebi * 2**20), mebi * 2**20]
    if mebi % 1024 == 0:
        found.append(f"{mebi // 1024}Gi")
    return found


def amount(resource, band):
    if resource == "cpu":
        return st.sampled_from(CPU_MILLIS[band]).flatmap(
            lambda m: st.sampled_from(cpu_spellings(m))
        )
    return st.sampled_from(MEMORY_MI[band]).flatmap(lambda m: st.sampled_from(memory_spellings(m)))


memory = st.sampled_from((16, 64, 256, 1024)).flatmap(
    lambda m: st.sampled_from(memory_spellings(m))
)
# quota values far above what any drawn catalog runs (pods x containers x limits)
QUOTA_VALUES = {
    "requests.cpu": st.sampled_from(["2000", 2000, "2000000m"]),
    "limits.cpu": st.sampled_from(["4000", 4000, "4000000m"]),
    "cpu": st.sampled_from(["2000", 3000]),
    "requests.memory": st.sampled_from(["4Ti", "4096Gi", 2**42]),
    "limits.memory": st.sampled_from(["8Ti", "8192Gi"]),
    "memory": st.sampled_from(["4Ti", "5000Gi"]),
    "pods": st.sampled_from(["1000", 5000]),
    "services": st.sampled_from(["100", 200]),
    "count/configmaps": st.sampled_from(["100", 500]),
}


def some_keys(keys, min_size=0):
    return st.lists(st.sampled_from(list(keys)), unique=True, min_size=min_size).map(
        lambda chosen: [k for k in keys if k in chosen]
    )


@st.composite
def resources(draw):
    spec = {}
    for part in draw(some_keys(("requests", "limits"))):
        band = "request" if part == "requests" else "limit"
        spec[part] = {k: draw(amount(k, band)) for k in draw(some_keys(RESOURCES))}
    return spec


@st.composite
def limit_range(draw):
    bands = {"min": "tiny", "defaultRequest": "request", "default": "limit", "max": "huge"}
    return {
        part: {k: draw(amount(k, bands[part])) for k in draw(some_keys(RESOURCES, 1))}
        for part in draw(some_keys(("default", "defaultRequest", "max", "min"), 1))
    }


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
def probe(draw, has_port, port_names=(), modes=("path", "grpc", "tcp", "command")):
    """A probe; its port, when it names one, is a number or one of `port_names`."""
    mode = draw(st.sampled_from(modes))
    spec = {
        "path": lambda: draw(abs_path),
        "grpc": lambda: True,
        "tcp": lambda: True,
        "command": lambda: draw(st.lists(text_value, min_size=1, max_size=3)),
    }
    result = {mode: spec[mode]()}
    if (mode != "command" and not has_port) or draw(st.booleans()):
        choices = [port, st.sampled_from(port_names)] if port_names else [port]
        result["port"] = draw(st.one_of(*choices))
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
    namespace = draw(
        label.filter(lambda n: n not in used_namespaces[cluster] and n not in RESERVED)
    )
    used_namespaces[cluster].add(namespace)
    spec = {"cluster": cluster, "namespace": namespace}
    if draw(st.booleans()):
        spec["host"] = draw(st.sampled_from(ENV_HOSTS))
    for key, choices in (
        ("sync", ("auto", "manual")),
        ("podSecurity", LEVELS),
        ("imagePolicy", ("tag", "semver", "digest")),
        ("secretStoreKind", ("SecretStore", "ClusterSecretStore")),
    ):
        if draw(st.booleans()):
            spec[key] = draw(st.sampled_from(choices))
    if draw(st.booleans()):
        spec["minReplicas"] = draw(st.integers(1, 3))
    if draw(st.booleans()):
        spec["secretStore"] = draw(label)
    if draw(st.booleans()):
        spec["secretKeyPrefix"] = draw(st.sampled_from(SECRET_PREFIXES))
    spec["access"] = {
        t: draw(st.sampled_from(("view", "edit", "admin"))) for t in draw(some_keys(teams))
    }
    if draw(st.booleans()):
        spec["quota"] = {k: draw(QUOTA_VALUES[k]) for k in draw(some_keys(list(QUOTA_VALUES), 1))}
    if draw(st.booleans()):
        spec["limitRange"] = draw(limit_range())
    return spec


def level_of(env_spec):
    return env_spec.get("podSecurity", "restricted")


def strictest(levels):
    return max(levels, key=LEVELS.index, default="restricted")


BASELINE_CAPABILITIES = ("AUDIT_WRITE", "CHOWN", "KILL", "NET_BIND_SERVICE", "SETUID", "SETGID")
PRIVILEGED_CAPABILITIES = ("NET_ADMIN", "SYS_TIME", "SYS_PTRACE")


@st.composite
def security_context(draw, level, pod=True, env_layer=False):
    """A securityContext Pod Security `level` allows; user 0 only with runAsNonRoot false
    (in the same layer), and an environment's layer never sets runAsNonRoot true over an
    app's user 0 (it sets it true only where the app's level is restricted too)."""
    spec = {}
    keys = ["runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem"]
    keys += ["capabilities", "seccompProfile"] + (["fsGroup"] if pod else [])
    chosen = draw(some_keys(keys))
    relaxed = level != "restricted"
    for key in chosen:
        if key == "runAsUser":
            spec[key] = draw(
                st.sampled_from([0, 1, 999, 10001, 65532, 2147483647])
                if relaxed
                else st.sampled_from([1, 999, 10001, 2147483647])
            )
        elif key in ("runAsGroup", "fsGroup"):
            spec[key] = draw(st.sampled_from([0, 1, 999, 2147483647]))
        elif key == "runAsNonRoot":
            if relaxed:
                spec[key] = False
            elif not env_layer or draw(st.booleans()):
                spec[key] = True
        elif key == "readOnlyRootFilesystem":
            spec[key] = draw(st.booleans())
        elif key == "capabilities":
            allowed = ("NET_BIND_SERVICE",)
            if level == "baseline":
                allowed = BASELINE_CAPABILITIES
            elif level == "privileged":
                allowed = BASELINE_CAPABILITIES + PRIVILEGED_CAPABILITIES
            spec[key] = {"add": draw(st.lists(st.sampled_from(allowed), unique=True, max_size=3))}
        else:
            types = ["RuntimeDefault", "Localhost"] + (
                ["Unconfined"] if level == "privileged" else []
            )
            profile = {"type": draw(st.sampled_from(types))}
            if profile["type"] == "Localhost":
                profile["localhostProfile"] = draw(st.sampled_from(["profiles/app.json", "x.json"]))
            spec[key] = profile
    if spec.get("runAsUser") == 0:
        spec["runAsNonRoot"] = False
    return spec


def config():
    return st.dictionaries(
        config_key, st.one_of(text_value, st.integers(-(10**6), 10**6), st.booleans()), max_size=4
    )


@st.composite
def secret_ref(draw, team, app):
    """A key under the secretKeyPrefix of every environment (catalogs() draws "{team}/" or
    "{team}/{app}/"), so the app's team and its own folder."""
    ref = {"key": f"{team}/{app}/{draw(key_rest)}"}
    if draw(st.booleans()):
        ref["property"] = draw(nonempty_text)
    return ref


@st.composite
def value_from(draw, container):
    """A Kubernetes valueFrom body; `container` is a container name of the pod."""
    kind = draw(
        st.sampled_from(("fieldRef", "resourceFieldRef", "secretKeyRef", "configMapKeyRef"))
    )
    if kind == "fieldRef":
        body = {
            "fieldPath": draw(
                st.sampled_from(
                    ["metadata.name", "metadata.namespace", "spec.nodeName", "status.podIP"]
                )
            )
        }
        if draw(st.booleans()):
            body["apiVersion"] = "v1"
    elif kind == "resourceFieldRef":
        resource = draw(st.sampled_from(["limits.cpu", "requests.cpu", "limits.memory"]))
        body = {"resource": resource}
        if draw(st.booleans()):
            body["containerName"] = container
        if draw(st.booleans()):
            body["divisor"] = draw(
                st.sampled_from(["1m", "1"] if "cpu" in resource else ["1Mi", "1Ki", 1])
            )
    else:
        body = {
            "name": draw(st.from_regex(r"\A[a-z][a-z0-9.-]{0,10}[a-z0-9]\Z")),
            "key": draw(nonempty_text),
        }
        if draw(st.booleans()):
            body["optional"] = draw(st.booleans())
    return {kind: body}


def env_refs(container):
    return st.dictionaries(ref_var, value_from(container), max_size=3)


def string_map(keys, values, max_size=3):
    return st.dictionaries(keys, values, max_size=max_size)


@st.composite
def scheduling(draw):
    spec = {}
    for key in draw(some_keys(("nodeSelector", "tolerations", "priorityClassName"), 1)):
        if key == "nodeSelector":
            spec[key] = draw(
                string_map(
                    st.sampled_from(
                        ["kubernetes.io/arch", "kubernetes.io/os", "pool", "x.io/tier"]
                    ),
                    label_value,
                )
            )
        elif key == "tolerations":
            spec[key] = draw(st.lists(toleration(), max_size=2))
        else:
            spec[key] = draw(
                st.sampled_from(["business-critical", "low", "system-cluster-critical"])
            )
    return spec


@st.composite
def toleration(draw):
    spec = {"key": draw(qualified_key)}
    spec["operator"] = draw(st.sampled_from(["Exists", "Equal"]))
    if spec["operator"] == "Equal":
        spec["value"] = draw(label_value)
    if draw(st.booleans()):
        spec["effect"] = draw(st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"]))
        if spec["effect"] == "NoExecute" and draw(st.booleans()):
            spec["tolerationSeconds"] = draw(st.integers(0, 3600))
    return spec


@st.composite
def egress_rule(draw):
    if draw(st.booleans()):
        cidr, inside = draw(
            st.sampled_from(
                [
                    ("0.0.0.0/0", ["10.0.0.0/8", "169.254.169.254/32"]),
                    ("10.0.0.0/8", ["10.1.0.0/16"]),
                    ("192.168.1.0/24", ["192.168.1.128/25"]),
                    ("2001:db8::/32", ["2001:db8:1::/48"]),
                ]
            )
        )
        rule = {"cidr": cidr}
        if draw(st.booleans()):
            rule["except"] = inside
    else:
        rule = {"namespace": draw(label)}
        if draw(st.booleans()):
            rule["podSelector"] = draw(string_map(qualified_key, label_value, 2))
    if draw(st.booleans()):
        rule["ports"] = draw(
            st.lists(
                st.one_of(
                    port,
                    st.builds(dict, port=port),
                    st.builds(dict, port=port, protocol=st.sampled_from(["TCP", "UDP", "SCTP"])),
                ),
                min_size=1,
                max_size=2,
            )
        )
    return rule


def annotations(fields=("pod", "service", "ingress", "serviceAccount")):
    return st.fixed_dictionaries(
        {},
        optional={
            f: string_map(
                st.tuples(st.sampled_from(["example.com/", "x.io/"]), label).map("".join),
                text_value,
            )
            for f in fields
        },
    )


# Port names of a pod: each once. `*-metrics` names serve no traffic (no readiness needed).
PORT_NAMES = ("http", "grpc", "admin", "web", "api", "tcp-redis", "udp-dns", "h2c", "https")
METRICS_NAMES = ("sc-metrics", "x-metrics")
APP_PROTOCOLS = ("http", "grpc", "kubernetes.io/h2c", "postgresql", "example.com/custom")


@st.composite
def port_spec(draw, name, numbers):
    spec = {"port": numbers.pop()}
    if draw(st.booleans()):
        spec["servicePort"] = numbers.pop()
    if name == "udp-dns":
        spec["protocol"] = "UDP"
    elif draw(st.integers(0, 3)) == 0:
        spec["protocol"] = "TCP"
    if draw(st.booleans()):
        spec["appProtocol"] = draw(st.sampled_from(APP_PROTOCOLS))
    return spec


@st.composite
def volume(draw, kind, persistent):
    choices = ["emptyDir", "configMap", "secret"] + (["persistent"] if persistent else [])
    what = draw(st.sampled_from(choices))
    if what == "emptyDir":
        empty = {}
        if draw(st.booleans()):
            empty["medium"] = draw(st.sampled_from(["", "Memory"]))
        if draw(st.booleans()):
            empty["sizeLimit"] = draw(memory)
        return {"emptyDir": empty}
    if what in ("configMap", "secret"):
        return {what: draw(st.from_regex(r"\A[a-z][a-z0-9.-]{0,10}[a-z0-9]\Z"))}
    spec = {}
    if draw(st.booleans()):
        spec["size"] = draw(st.sampled_from(["1Gi", "10Gi", "500Mi", 2**30]))
    if draw(st.booleans()):
        spec["storageClass"] = draw(st.sampled_from(["fast-ssd", "standard"]))
    if draw(st.booleans()):
        spec["accessModes"] = draw(
            st.lists(
                st.sampled_from(["ReadWriteOnce", "ReadWriteOncePod"]), min_size=1, unique=True
            )
        )
    return spec


@st.composite
def volumes(draw, paths, kind, persistent):
    """Volumes at some of `paths` (taken from it: paths are unique in the pod)."""
    result = {}
    for _ in range(draw(st.integers(0, 2))):
        if not paths:
            break
        result[paths.pop()] = draw(volume(kind, persistent))
    return result


def mount_paths():
    """Mount paths whose volume names differ from each other and from the generated ones."""
    return st.lists(
        writable_path.filter(
            lambda p: volume_name(p) != "tmp" and not volume_name(p).startswith("writable")
        ),
        unique_by=volume_name,
        max_size=6,
    )


@st.composite
def container(draw, name, level, pool, init):
    """A sidecar (or, `init`, an init container): own image or the app's; a sidecar may serve
    ports (then with a readiness probe) or only `*-metrics` ports."""
    spec = {}
    if draw(st.booleans()):
        spec["image"] = draw(
            st.sampled_from(
                [f"ghcr.io/example/{name}", f"docker.io/library/{name}", "registry.local:5000/t/x"]
            )
        )
    if draw(st.booleans()):
        spec["command"] = draw(st.lists(text_value, min_size=1, max_size=3))
    if draw(st.booleans()):
        spec["args"] = draw(st.lists(text_value, max_size=3))
    if draw(st.booleans()):
        spec["env"] = draw(env_refs(name))
    names = []
    if not init and draw(st.booleans()):
        serving = pool["names"] and draw(st.booleans())
        source = pool["names"] if serving else pool["metrics"]
        names = [source.pop() for _ in range(min(len(source), draw(st.integers(1, 2))))]
        if names:
            spec["ports"] = {n: draw(port_spec(n, pool["numbers"])) for n in names}
    if not init:
        probes = {}
        for kind in draw(some_keys(PROBE_KINDS)):
            probes[kind] = draw(probe(bool(names), names))
        if names and not all(n.endswith("-metrics") for n in names) and "readiness" not in probes:
            probes["readiness"] = draw(probe(True, names))
        if probes:
            spec["probes"] = probes
    if draw(st.booleans()):
        spec["resources"] = draw(resources())
    if draw(st.booleans()):
        spec["securityContext"] = draw(security_context(level, pod=False))
    if draw(st.booleans()):
        spec["volumes"] = draw(volumes(pool["paths"], None, False))
    return spec


SCHEDULES = (
    "30 3 * * *",
    "*/15 * * * *",
    "0 9 * * MON-FRI",
    "0 0 1 JAN,JUL *",
    "5,35 */2 1-15 * 0",
    "@daily",
    "@hourly",
    "@every 1h30m",
)
TIME_ZONES = ("Etc/UTC", "Europe/Berlin", "America/New_York")


@st.composite
def job_fields(draw, kind, hook):
    keys = ["backoffLimit", "activeDeadlineSeconds", "completions", "parallelism", "suspend"]
    if kind == "CronJob":
        keys += [
            "concurrencyPolicy",
            "successfulJobsHistoryLimit",
            "failedJobsHistoryLimit",
            "startingDeadlineSeconds",
            "timeZone",
            "ttlSecondsAfterFinished",
        ]
    elif hook:
        keys.append("ttlSecondsAfterFinished")
    spec = {}
    for key in draw(some_keys(keys)):
        if key == "suspend":
            spec[key] = draw(st.booleans())
        elif key == "concurrencyPolicy":
            spec[key] = draw(st.sampled_from(["Allow", "Forbid", "Replace"]))
        elif key == "timeZone":
            spec[key] = draw(st.sampled_from(TIME_ZONES))
        elif key in ("completions", "parallelism"):
            spec[key] = draw(st.integers(1, 5))
        else:
            spec[key] = draw(st.integers(0, 86400))
    return spec


@st.composite
def app_spec(draw, name, team, default, env_specs):
    kind = draw(st.sampled_from(("Deployment", *KINDS)))
    batch = kind in BATCH
    level = strictest(level_of(e) for e in env_specs.values())
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
    if kind != "Deployment" or draw(st.integers(0, 3)) == 0:
        spec["kind"] = kind
    pool = {
        "numbers": draw(st.lists(port, min_size=16, max_size=16, unique=True)),
        "names": list(draw(st.permutations(PORT_NAMES))),
        "metrics": list(METRICS_NAMES),
        "paths": draw(mount_paths()),
    }
    own = []
    if not batch:
        form = draw(st.sampled_from(("none", "port", "ports")))
        if form == "port":
            spec["port"] = pool["numbers"].pop()
            if draw(st.booleans()):
                spec["servicePort"] = pool["numbers"].pop()
            own = ["http"]
            pool["names"].remove("http")
        elif form == "ports":
            own = [pool["names"].pop() for _ in range(draw(st.integers(1, 3)))]
            spec["ports"] = {n: draw(port_spec(n, pool["numbers"])) for n in own}
    if own and draw(st.booleans()):
        spec["service"] = draw(
            st.sampled_from(
                [
                    {},
                    {"type": "ClusterIP"},
                    {"type": "NodePort"},
                    {"type": "LoadBalancer"},
                    {"headless": True},
                    False,
                ]
            )
        )
    served = own and spec.get("service", {}) is not False
    if served and draw(st.booleans()):
        ingress = {}
        shape = draw(st.sampled_from(("none", "path", "paths")))
        if shape == "path":
            ingress["path"] = draw(abs_path)
        elif shape == "paths":
            ingress["paths"] = draw(st.lists(abs_path, min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):
            ingress["host"] = draw(st.sampled_from(APP_HOSTS))
        tcp = [n for n in own if n != "udp-dns"]
        if "ports" in spec and tcp and draw(st.booleans()):
            ingress["port"] = draw(st.sampled_from(tcp))
        spec["ingress"] = ingress
    probes = {}
    for kind_ in draw(some_keys(PROBE_KINDS)):
        probes[kind_] = draw(probe(bool(own), own))
    defaults_probes = default.get("probes", {})
    if own and not batch and "readiness" not in merge_probes(defaults_probes, probes):
        # a container serving a port needs a readiness probe (workload-probes)
        probes["readiness"] = draw(probe(True, own))
    if probes:
        spec["probes"] = probes
    if not own:
        # a default probe without its own port needs the app's port
        assume(
            all(
                "port" in p or "command" in p for k, p in defaults_probes.items() if k not in probes
            )
        )
    if draw(st.booleans()):
        spec["config"] = draw(config())
    if draw(st.booleans()):
        spec["secrets"] = draw(
            st.dictionaries(secret_var, secret_ref(team, name), min_size=1, max_size=3)
        )
    if draw(st.booleans()):
        spec["env"] = draw(env_refs(name))
    if draw(st.booleans()):
        spec["command"] = draw(st.lists(text_value, min_size=1, max_size=3))
    if draw(st.booleans()):
        spec["args"] = draw(st.lists(text_value, max_size=4))
    if draw(st.booleans()):
        spec["securityContext"] = draw(security_context(level))
    # sidecars and init containers, each with ports and volume paths unique in the pod
    taken = {name}
    for field, init in (("sidecars", False), ("initContainers", True)):
        containers = {}
        for _ in range(draw(st.integers(0, 2)) if draw(st.booleans()) else 0):
            other = draw(label.filter(lambda n: n not in taken))
            taken.add(other)
            containers[other] = draw(container(other, level, pool, init))
        if containers:
            spec[field] = containers
    sidecar_ports = [
        (n, p["port"])
        for s in spec.get("sidecars", {}).values()
        for n, p in s.get("ports", {}).items()
    ]
    if not batch and (served or not own) and draw(st.booleans()):
        choices = [st.just(pool["numbers"].pop())]
        if "port" in spec:
            choices.append(st.just(spec["port"]))  # metrics on the traffic port
        if "ports" in spec:
            choices.append(st.sampled_from([p["port"] for p in spec["ports"].values()]))
            choices.append(st.sampled_from(own))
        if sidecar_ports:
            choices.append(st.sampled_from([n for n, _ in sidecar_ports]))
        metrics = {"port": draw(st.one_of(*choices))}
        if draw(st.booleans()):
            metrics["path"] = draw(abs_path)
        spec["metrics"] = metrics
    single = (
        kind == "Deployment"
        and all(e.get("minReplicas", 1) <= 1 for e in env_specs.values())
        and draw(st.booleans())
    )
    persistent = kind in ("StatefulSet", *BATCH) or single
    if draw(st.booleans()):
        spec["volumes"] = draw(volumes(pool["paths"], kind, persistent))
    if not any(
        not {"emptyDir", "configMap", "secret"} & set(v) for v in spec.get("volumes", {}).values()
    ):
        single = False
    if draw(st.booleans()):
        spec["writablePaths"] = draw(
            st.lists(st.one_of(writable_path, st.just("/tmp")), unique=True, max_size=3)
        )
    if kind in SCALED:
        if single:
            # one claim attaches to one node: at most one replica
            spec["replicas"] = 1
        elif draw(st.booleans()):
            spec["replicas"] = draw(st.integers(0, 4))
        if not single and draw(st.booleans()):
            spec["autoscaling"] = draw(autoscaling())
    if draw(st.booleans()):
        spec["resources"] = draw(resources())
    fields = ["pod", "serviceAccount"] + (["service"] if served else [])
    fields += ["ingress"] if "ingress" in spec else []
    if draw(st.booleans()):
        spec["annotations"] = draw(annotations(fields))
    if draw(st.booleans()):
        spec["labels"] = {"pod": draw(string_map(qualified_key, label_value))}
    if draw(st.booleans()):
        spec["scheduling"] = draw(scheduling())
    if draw(st.booleans()):
        spec["terminationGracePeriodSeconds"] = draw(st.integers(0, 120))
    if draw(st.booleans()):
        spec["egress"] = draw(st.lists(egress_rule(), max_size=2))
    if kind == "CronJob" and draw(st.integers(0, 3)) > 0:
        spec["schedule"] = draw(st.sampled_from(SCHEDULES))
    if kind == "Job" and draw(st.booleans()):
        spec["hook"] = draw(st.sampled_from(["PreSync", "Sync", "PostSync"]))
    if batch and draw(st.booleans()):
        spec["job"] = draw(job_fields(kind, "hook" in spec))
    return spec, single


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
        spec["writablePaths"] = draw(st.lists(writable_path, unique=True, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        spec["securityContext"] = draw(security_context("restricted", env_layer=True))
    if draw(st.integers(0, 3)) == 0:
        spec["annotations"] = draw(annotations(("pod", "serviceAccount")))
    if draw(st.integers(0, 3)) == 0:
        spec["terminationGracePeriodSeconds"] = draw(st.integers(0, 60))
    return spec


def _scaling(values, app, default):
    """The autoscaling of an app in an environment: defaults < app < environment, merged."""
    layers = [d.get("autoscaling") for d in (default, app, values)]
    return {k: v for layer in layers if layer for k, v in layer.items()} or None


def _covered(env_spec):
    """The resources whose limit the environment's LimitRange fills in (default, or max)."""
    limits = env_spec.get("limitRange", {})
    return {r for part in ("default", "max") for r in limits.get(part, {})}


def _complete_limits(draw, own, layers, covered):
    """The cpu and memory limits `own` (the environment's layer) must add so that the merged
    `layers` set both (or the LimitRange does): requests follow from limits."""
    merged = {}
    for layer in layers:
        merged = merge(merged, layer or {})
    missing = [r for r in RESOURCES if r not in merged.get("limits", {}) and r not in covered]
    if missing:
        limits = own.setdefault("resources", {}).setdefault("limits", {})
        for r in missing:
            limits[r] = draw(amount(r, "limit"))


@st.composite
def catalogs(draw):
    """A catalog (plain data) that loads with zero error findings (see the module doc)."""
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
        spec, single = draw(app_spec(name, draw(st.sampled_from(teams)), default, environments))
        earlier = list(order[:index])
        if earlier and draw(st.booleans()):
            spec["dependsOn"] = draw(st.lists(st.sampled_from(earlier), unique=True, min_size=1))
        per_env = {}
        for env in envs:
            runs = draw(st.integers(0, 4)) > 0 and all(
                enabled[(d, env)] for d in spec.get("dependsOn", [])
            )
            enabled[(name, env)] = runs
            per_env[env] = draw(
                deployment(env, environments[env], spec, default, runs, single, name)
            )
        spec["environments"] = per_env
        apps[name] = spec

    for name, spec in apps.items():
        for env in envs:
            if not enabled[(name, env)]:
                continue
            values = spec["environments"][env]
            covered = _covered(environments[env])
            layers = [default.get("resources"), spec.get("resources"), values.get("resources")]
            _complete_limits(draw, values, layers, covered)
            for field in ("sidecars", "initContainers"):
                for other, container_spec in spec.get(field, {}).items():
                    own = values.get(field, {}).get(other, {})
                    layers = [container_spec.get("resources"), own.get("resources")]
                    _complete_limits(draw, own, layers, covered)
                    if own:
                        values.setdefault(field, {})[other] = own

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
            ingress = spec["ingress"]
            for path in ingress.get("paths") or [ingress.get("path", "/")]:
                key = (environments[env]["cluster"], host, path)
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
    taken = {n for namespaces in used.values() for n in namespaces}
    if draw(st.booleans()):
        catalog["argocd"] = {"namespace": draw(label.filter(lambda n: n not in taken))}
    catalog["clusters"] = {c: draw(cluster(c, used[c])) for c in clusters}
    # Groups are not shared between teams. EXCLUDED (bug): a group in two teams with different
    # access in one environment is refused by `generate` (rbac-access: the rule's context maps
    # each group to one role, validate_built.context), with a message that says the catalog
    # grants the other role.
    groups = set()
    catalog["teams"] = {t: draw(team(groups)) for t in teams}
    catalog["environments"] = environments
    if default:
        catalog["defaults"] = default
    catalog["apps"] = apps
    return catalog


@st.composite
def deployment(draw, env, env_spec, app, default, runs, single=False, name="app"):
    policy = env_spec.get("imagePolicy", "tag")
    if not runs:
        values = {"enabled": False}
        if draw(st.booleans()):
            values["version"] = draw(version(policy))
        return values
    kind = app.get("kind", "Deployment")
    level = level_of(env_spec)
    values = {}
    if draw(st.integers(0, 4)) == 0:
        values["enabled"] = True
    values["version"] = draw(version(policy))
    if kind in SCALED and draw(st.booleans()):
        values["replicas"] = draw(st.integers(0, 1 if single else 4))
    if draw(st.booleans()):
        overrides = draw(config())
        if app.get("config") and draw(st.booleans()):
            overrides[draw(st.sampled_from(sorted(app["config"])))] = draw(text_value)
        values["config"] = overrides
    if draw(st.booleans()):
        values["resources"] = draw(resources())
    if kind == "CronJob" and ("schedule" not in app or draw(st.booleans())):
        values["schedule"] = draw(st.sampled_from(SCHEDULES))
    if kind in BATCH and draw(st.integers(0, 3)) == 0:
        values["job"] = draw(job_fields(kind, "hook" in app))
    if draw(st.integers(0, 3)) == 0:
        values["command"] = draw(st.lists(text_value, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        values["args"] = draw(st.lists(text_value, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        # new names only: valueFrom bodies merge key by key, two sources in one is invalid
        refs = draw(env_refs(name))
        values["env"] = {k: v for k, v in refs.items() if k not in app.get("env", {})}
    if draw(st.integers(0, 2)) == 0:
        values["securityContext"] = draw(security_context(level, env_layer=True))
    if draw(st.integers(0, 3)) == 0:
        fields = ("pod", "serviceAccount") + (("ingress",) if "ingress" in app else ())
        values["annotations"] = draw(annotations(fields))
    if draw(st.integers(0, 3)) == 0:
        values["labels"] = {"pod": draw(string_map(qualified_key, label_value))}
    if draw(st.integers(0, 3)) == 0:
        values["scheduling"] = draw(scheduling())
    if draw(st.integers(0, 3)) == 0:
        values["terminationGracePeriodSeconds"] = draw(st.integers(0, 300))
    if draw(st.integers(0, 3)) == 0:
        values["egress"] = draw(st.lists(egress_rule(), max_size=2))
    for field in ("sidecars", "initContainers"):
        own = {
            other: {"version": draw(version(policy))}
            for other, spec in app.get(field, {}).items()
            if "image" in spec
        }
        if own:
            values[field] = own
    if kind not in SCALED:
        return values
    minimum = env_spec.get("minReplicas", 1)
    if single:
        if values.get("replicas", app.get("replicas", 1)) < minimum:
            values["replicas"] = minimum
        return values
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
def cluster(draw, name, namespaces=()):
    """A cluster whose ingress and monitoring namespaces are none of its environments'."""
    free = label.filter(lambda n: n not in namespaces)
    spec = {
        "server": f"https://{name}.k8s.example.com",
        "kubernetesVersion": draw(st.sampled_from(KUBERNETES_VERSIONS)),
    }
    if draw(st.booleans()):
        spec["ingress"] = {"className": draw(st.sampled_from(["nginx", "traefik"]))}
        if draw(st.booleans()):
            spec["ingress"]["namespace"] = draw(free)
    if draw(st.booleans()):
        spec["monitoringNamespace"] = draw(free)
    return spec


@st.composite
def team(draw, taken):
    free = group_name.filter(lambda g: g not in taken)
    spec = {"groups": draw(st.lists(free, min_size=1, max_size=3, unique=True))}
    taken.update(spec["groups"])
    if draw(st.booleans()):
        spec["github"] = draw(
            st.lists(
                st.from_regex(r"\A@[a-z][a-z0-9-]{0,5}(/[a-z]{1,5})?\Z"), unique=True, max_size=2
            )
        )
    return spec


class _Representer(SafeRepresenter):
    """YAML 1.2 writes yes/no/on/off plain; a YAML 1.1 reader takes them for booleans, and the
    catalog refuses them plain in config (catalog-config-value): this one quotes them."""

    def represent_str(self, data):
        style = "'" if data in YAML11_BOOLS else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Representer.add_representer(str, _Representer.represent_str)


def to_yaml(data) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def catalog_texts():
    return catalogs().map(to_yaml)


# YAML-ish text for the readers' fuzzers: syntax, anchors, aliases, merge keys, tags,
# indentation, line breaks and the scalars a reader may take for something else, in any order.
YAML_PIECES = (
    *TRICKY,
    "a",
    "kind",
    "<<",
    ": ",
    ":",
    "- ",
    "? ",
    ", ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!python/object:os.system ",
    "!x ",
    "! ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "# c",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2000:\n",
    "\n",
    "\n  ",
    "\n    ",
    "\r\n",
    "\t",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "9" * 5000,
)


def yaml_texts():
    return st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)


def yaml_bytes():
    pieces = st.one_of(
        yaml_texts().map(lambda t: t.encode("utf-8")),
        st.binary(max_size=8),
        st.sampled_from([b"\xff\xfe", b"\xef\xbb\xbf", b"\xe9", b"\xc3"]),
    )
    return st.lists(pieces, max_size=4).map(b"".join)
