"""The manifest rules on what the catalog renders, before anything is written.

A catalog that `generate` accepts must give a tree that `validate` passes. So the loader
runs the same manifest rules `validate` runs on the built overlays, with each environment's
context, over the objects each (app, environment) renders to, as its kustomization makes
them (namespace, environment label, images at their versions, replicas, the generated
ConfigMap, autoscaler and disruption budget) beside the environment's guardrails. Each
finding moves to the catalog line that decides the node: the value written for the
environment, else the app's, else the defaults'.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from generator import constants as c
from generator.catalog.model import SCALED_KINDS, App, Catalog, Environment
from generator.finding import Finding, Position, Severity
from generator.k8s.podspec import POD_SPEC_PATHS
from generator.manifest import Manifest, NodePath
from generator.render.backups import schedules
from generator.render.base import objects
from generator.render.namespace import (
    limit_range,
    namespace,
    network_policies,
    resource_quota,
    role_bindings,
)
from generator.render.overlay import effective_replicas, hpa, image_entries, pdb, site
from generator.render.workload import config_map_name
from generator.rule import ManifestRule
from generator.rules import MANIFEST_RULES
from generator.validate.built import context
from generator.validate.clean import CleanMemo
from generator.validate.lint import run_rules
from generator.yamlio import Located

PREFIX = "#preflight"
# Container fields -> the catalog field that writes them.
_CONTAINER_FIELDS: Mapping[str, tuple[str, ...]] = {
    "readinessProbe": ("probes", "readiness"),
    "livenessProbe": ("probes", "liveness"),
    "startupProbe": ("probes", "startup"),
    "volumeMounts": ("volumes",),
    "envFrom": ("config",),
}
_POD_FIELDS: Mapping[str, tuple[str, ...]] = {
    "nodeSelector": ("scheduling", "nodeSelector"),
    "tolerations": ("scheduling", "tolerations"),
    "affinity": ("scheduling", "affinity"),
    "topologySpreadConstraints": ("scheduling", "topologySpreadConstraints"),
    "priorityClassName": ("scheduling", "priorityClassName"),
}


def _image(image: str, entries: Sequence[Mapping[str, str]]) -> str:
    for entry in entries:
        if entry["name"] == image:
            ref = image + (f":{entry['newTag']}" if "newTag" in entry else "")
            return ref + (f"@{entry['digest']}" if "digest" in entry else "")
    return image


def _labelled(obj: dict[str, Any], env: Environment) -> None:
    labels = obj["metadata"].setdefault("labels", {})
    labels[c.LABEL_ENVIRONMENT] = env.name
    pod = POD_SPEC_PATHS.get(obj["kind"])
    if pod is None:
        return
    template: Any = obj
    for key in pod[:-1]:
        template = template[key]
    template["metadata"]["labels"][c.LABEL_ENVIRONMENT] = env.name


def _pod(obj: Mapping[str, Any]) -> Any:
    node: Any = obj
    for key in POD_SPEC_PATHS.get(obj["kind"], ()):
        node = node[key]
    return node


def app_objects(app: App, env: Environment, catalog: Catalog) -> list[dict[str, Any]]:
    """What overlays/<env>/<app> builds to, as its kustomization makes it."""
    deployment = app.deployment(env.name)
    values = deployment.values
    found = list(objects(app, values, site(app, env, catalog)).values())
    scaled = app.kind in SCALED_KINDS
    if scaled and values.autoscaling:
        found.append(hpa(app, deployment))
    if scaled and env.min_replicas is not None and effective_replicas(deployment) > 1:
        found.append(pdb(app))
    if values.config:
        found.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": config_map_name(app)},
                "data": dict(values.config),
            }
        )
    entries = image_entries(app, deployment)
    for obj in found:
        obj["metadata"]["namespace"] = env.namespace
        _labelled(obj, env)
        if obj["kind"] == app.kind:
            pod = _pod(obj)
            for field in ("initContainers", "containers"):
                for container in pod.get(field, []):
                    container["image"] = _image(container["image"], entries)
            if scaled and values.autoscaling is None:
                obj["spec"] = {"replicas": values.replicas, **obj["spec"]}
    return found


def guardrails(env: Environment, catalog: Catalog) -> list[dict[str, Any]]:
    version = catalog.cluster(env.cluster).kubernetes_version
    found = [namespace(env, version)]
    if env.quota:
        found.append(resource_quota(env))
    if env.limit_range:
        found.append(limit_range(env))
    found += network_policies(env, catalog)
    found += role_bindings(env, catalog)
    for obj in found:
        if obj["kind"] != "Namespace":
            obj["metadata"]["namespace"] = env.namespace
    return found + schedules(env, catalog)


def _paths(node: Any, at: NodePath) -> Iterator[NodePath]:
    yield at
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*at, index))


# Each rendered object's nodes are numbered from its own first line: object n's from
# n * _LINES_EACH + 1, more lines than any object has nodes, so a line names one node.
_LINES_EACH = 10**9


class _Numbered(Mapping[NodePath, tuple[int, int]]):
    """An object's nodes by path, each on a line of its own from `start`, numbered at the
    first look: a rule looks at positions only for a finding, and most objects have none."""

    def __init__(self, obj: dict[str, Any], start: int) -> None:
        self._obj, self._start = obj, start
        self._found: dict[NodePath, tuple[int, int]] | None = None

    def _all(self) -> dict[NodePath, tuple[int, int]]:
        if self._found is None:
            paths = enumerate(_paths(self._obj, ()))
            self._found = {path: (self._start + i, 1) for i, path in paths}
        return self._found

    def __getitem__(self, path: NodePath) -> tuple[int, int]:
        return self._all()[path]

    def __iter__(self) -> Iterator[NodePath]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _numbered(obj: dict[str, Any], source: str, n: int) -> Manifest:
    return Manifest(source, obj, _Numbered(obj, n * _LINES_EACH + 1))


def _field(app: App, obj: Mapping[str, Any], node: NodePath) -> tuple[NodePath, NodePath]:
    """(owner, field) of a node: the owner is () for the app itself, or
    ('sidecars' | 'initContainers', name); the field is the catalog field below it."""
    if obj["kind"] == "HorizontalPodAutoscaler":
        return (), ("autoscaling",)
    if obj["kind"] != app.kind:
        return (), ()
    if node[:2] == ("spec", "replicas"):
        return (), ("replicas",)
    pod = POD_SPEC_PATHS[app.kind]
    if node[: len(pod)] != pod:
        return (), ()
    rest = node[len(pod) :]
    if len(rest) >= 2 and rest[0] in ("containers", "initContainers"):
        container = _pod(obj)[rest[0]][rest[1]]
        name = container["name"]
        owner: NodePath = ()
        if rest[0] == "initContainers":
            owner = ("initContainers", name)
        elif name != app.name:
            owner = ("sidecars", name)
        sub = rest[2:]
        if not sub:
            return owner, ()
        if sub[0] == "image":
            return owner, ("version",)
        return owner, (*_CONTAINER_FIELDS.get(str(sub[0]), (sub[0],)), *sub[1:])
    if rest and rest[0] in _POD_FIELDS:
        return (), (*_POD_FIELDS[str(rest[0])], *rest[1:])
    return (), rest[:1] if rest and rest[0] in ("volumes",) else rest


def catalog_position(
    doc: Located, app: App, env: str, owner: NodePath, field: NodePath
) -> Position | None:
    """The most specific catalog node that writes `field` of `owner` in `env`; None when no
    catalog node does (a missing field, or one the generator decides)."""
    at_env = ("apps", app.name, "environments", env)
    if field == ("version",):
        return doc.position((*at_env, *owner, "version"), key=True)
    for end in range(len(field), 0, -1):
        part = field[:end]
        for base in (at_env, ("apps", app.name), ("defaults",)):
            candidate = (*base, *owner, *part)
            if candidate in doc.keys or candidate in doc.values:
                return doc.position(candidate, key=candidate in doc.keys)
    return None


_GUARDRAIL_FIELDS = {"ResourceQuota": "quota", "LimitRange": "limitRange"}


def _guardrail_position(
    doc: Located, env: Environment, hit: tuple[Manifest, NodePath] | None
) -> Position:
    """A guardrail's node: the environment's quota or limitRange entry, else the environment."""
    at: NodePath = ("environments", env.name)
    field = _GUARDRAIL_FIELDS.get(hit[0].kind) if hit else None
    if hit and field:
        node = hit[1]
        if field == "quota" and len(node) > 2 and (*at, field, node[2]) in doc.keys:
            return doc.position((*at, field, node[2]), key=True)
        if (*at, field) in doc.keys:
            return doc.position((*at, field), key=True)
    return doc.position(at, key=True)


def _suppressed(app: App, rule: str, env: str) -> bool:
    return any(
        s.rule == rule and (not s.environments or env in s.environments) for s in app.suppressions
    )


@dataclass(frozen=True)
class Placed:
    """A finding of one environment at its catalog position; `app` and `owner` name the
    container's entry when no catalog node writes the node (`position` is None then)."""

    finding: Finding
    position: Position | None
    app: str | None
    owner: NodePath


def env_findings(
    doc: Located,
    catalog: Catalog,
    env: Environment,
    rules: Sequence[ManifestRule],
    clean: CleanMemo | None = None,
) -> list[Placed]:
    """The findings on one environment's rendered objects; none without running a rule when
    `clean` knows these objects passed before."""
    objects: list[tuple[str, dict[str, Any]]] = []  # (source, object)
    owners: dict[str, App | None] = {}
    for app in catalog.apps:
        # A chart app's objects are the chart's: Argo CD renders them, not the catalog.
        if not app.deployment(env.name).enabled or app.chart is not None:
            continue
        source = f"{PREFIX}/{env.name}/{app.name}"
        owners[source] = app
        objects += [(source, obj) for obj in app_objects(app, env, catalog)]
    source = f"{PREFIX}/{env.name}/{c.NAMESPACE_DIR}"
    owners[source] = None
    objects += [(source, obj) for obj in guardrails(env, catalog)]
    ctx = context(catalog, env)
    waived = repr([(a.name, a.suppressions) for a in catalog.apps if a.suppressions])
    key = clean.key(objects, ctx, rules, waived) if clean is not None else None
    if clean is not None and key is not None and clean.known(key):
        return []
    manifests = [_numbered(obj, source, n) for n, (source, obj) in enumerate(objects)]
    findings, _ = run_rules(manifests, ctx, rules)
    index = (  # the node on each numbered line: only when there is a finding to place
        {(m.path, line): (m, node) for m in manifests for node, (line, _) in m.positions.items()}
        if findings
        else {}
    )
    placed = []
    for finding in findings:
        of = owners.get(finding.path)
        if of is not None and _suppressed(of, finding.rule, env.name):
            continue
        found = replace(finding, environment=env.name)
        hit = index.get((finding.path, finding.line))
        if of is None:
            placed.append(Placed(found, _guardrail_position(doc, env, hit), None, ()))
        elif hit is None:
            placed.append(Placed(found, None, of.name, ()))
        else:
            owner, field = _field(of, hit[0].obj, hit[1])
            placed.append(
                Placed(found, catalog_position(doc, of, env.name, owner, field), of.name, owner)
            )
    if clean is not None and key is not None and not placed:  # every finding suppressed
        clean.remember(key)
    return placed


def _joined(names: Sequence[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _unwritten(doc: Located, catalog: Catalog, found: list[Placed]) -> list[Placed]:
    """Findings on nodes no catalog line writes: at the app's (or its container's) entry when
    they hold in every environment the app runs in, else at each environment's entry."""
    first = found[0]
    assert first.app is not None
    app = catalog.app(first.app)
    running = [d.environment for d in app.deployments if d.enabled]
    envs = [p.finding.environment for p in found]
    if envs == running:
        at = ("apps", app.name, *first.owner)
        where = doc.position(at if at in doc.keys else ("apps", app.name), key=True)
        return [Placed(p.finding, where, p.app, p.owner) for p in found]
    placed = []
    for p in found:
        at = ("apps", app.name, "environments", str(p.finding.environment))
        placed.append(Placed(p.finding, doc.position(at, key=True), p.app, p.owner))
    return placed


def preflight_findings(
    doc: Located,
    catalog: Catalog,
    rules: Sequence[ManifestRule] = MANIFEST_RULES,
    clean: CleanMemo | None = None,
) -> list[Finding]:
    """Every manifest rule's finding on every environment's rendered objects, at the catalog
    line that decides it; the same finding in several environments once, naming them."""
    unwritten: dict[tuple[str, Severity, str, str | None, NodePath], list[Placed]] = {}
    placed: list[Placed] = []
    for env in catalog.environments:
        for p in env_findings(doc, catalog, env, rules, clean):
            if p.position is None:
                key = (p.finding.rule, p.finding.severity, p.finding.message, p.app, p.owner)
                unwritten.setdefault(key, []).append(p)
            else:
                placed.append(p)
    for found in unwritten.values():
        placed += _unwritten(doc, catalog, found)
    groups: dict[tuple[str, Severity, Position, str], list[Finding]] = {}
    for p in placed:
        where = p.position or doc.position(("apps", str(p.app)), key=True)
        at = (p.finding.rule, p.finding.severity, where, p.finding.message)
        groups.setdefault(at, []).append(replace(p.finding, position=where))
    result = []
    for group in groups.values():
        envs = [f.environment for f in group if f.environment]
        first = group[0]
        result.append(
            replace(
                first,
                message=f"in {_joined(envs)}: {first.message}",
                environment=first.environment if len(envs) == 1 else None,
                resource=first.resource if len(envs) == 1 else None,
            )
        )
    return result
