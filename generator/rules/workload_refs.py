"""`workload-config-reference`: ConfigMaps and Secrets a pod needs that the set lacks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.display import named, show
from generator.k8s.podspec import PodSpec, pod_containers, pod_specs
from generator.k8s.workloads import mapping, namespace_of, resource_of
from generator.manifest import Manifest, NodePath, get
from generator.rule import ManifestRule, Rule, RuleContext

# The control plane publishes this ConfigMap in every namespace (service-account CA bundle).
EVERY_NAMESPACE_CONFIG_MAPS = frozenset({"kube-root-ca.crt"})

CONFIG_REFERENCE_RULE = Rule(
    id="workload-config-reference",
    severity=Severity.WARNING,
    summary="The ConfigMaps and Secrets a pod takes are in the set, or optional.",
    description=(
        "A pod whose env (`configMapKeyRef`, `secretKeyRef`), `envFrom` or volumes "
        "(`configMap`, `secret`, `projected` sources) name a ConfigMap or Secret that does not "
        "exist does not start (CreateContainerConfigError, or a volume that never mounts) "
        "unless the reference is `optional: true`. A Secret counts as present when a Secret, "
        "an ExternalSecret (its `spec.target.name`, else its name), a SealedSecret or a "
        "cert-manager Certificate (`spec.secretName`) of the namespace makes it; "
        "`kube-root-ca.crt` is in every namespace. A warning: the object may be created "
        "elsewhere (another Application, an operator)."
    ),
)


def _secret_made(manifest: Manifest) -> str | None:
    """The Secret an object makes in its namespace, if it makes one."""
    group = manifest.api_version.split("/")[0]
    if manifest.kind == "Secret" and manifest.api_version == "v1":
        return manifest.name
    if manifest.kind == "ExternalSecret" and group == "external-secrets.io":
        target = get(manifest.obj, "spec", "target", "name")
        return target if isinstance(target, str) and target else manifest.name
    if manifest.kind == "SealedSecret" and group == "bitnami.com":
        return manifest.name
    if manifest.kind == "Certificate" and group == "cert-manager.io":
        name = get(manifest.obj, "spec", "secretName")
        return name if isinstance(name, str) else None
    return None


def _present(manifests: Sequence[Manifest], ctx: RuleContext) -> set[tuple[str, str, str]]:
    """(kind, namespace, name) of every ConfigMap and Secret the set makes."""
    found: set[tuple[str, str, str]] = set()
    for manifest in manifests:
        namespace = namespace_of(manifest, ctx.namespace)
        if manifest.kind == "ConfigMap" and manifest.api_version == "v1":
            found.add(("ConfigMap", namespace, manifest.name))
        secret = _secret_made(manifest)
        if secret:
            found.add(("Secret", namespace, secret))
    return found


Reference = tuple[str, object, bool, NodePath, str]  # kind, name, optional, node, what refers


def _source(kind: str, source: Mapping[str, Any], name_key: str) -> tuple[str, object, bool]:
    return kind, source.get(name_key), source.get("optional") is True


def _container_references(pod: PodSpec) -> Iterator[Reference]:
    for container in pod_containers(pod):
        who = f"container '{container.name}'"
        env = container.obj.get("env")
        for i, var in enumerate(env if isinstance(env, list) else []):
            for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = get(var, "valueFrom", field)
                if isinstance(ref, Mapping):
                    what = f"{who} env var {show(mapping(var).get('name'))}"
                    at = (*container.path, "env", i, "valueFrom", field, "name")
                    yield (*_source(kind, ref, "name"), at, what)
        env_from = container.obj.get("envFrom")
        for i, source in enumerate(env_from if isinstance(env_from, list) else []):
            for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                ref = mapping(source).get(field)
                if isinstance(ref, Mapping):
                    at = (*container.path, "envFrom", i, field, "name")
                    yield (*_source(kind, ref, "name"), at, who)


def _volume_references(pod: PodSpec) -> Iterator[Reference]:
    volumes = pod.spec.get("volumes")
    for i, volume in enumerate(volumes if isinstance(volumes, list) else []):
        at: NodePath = (*pod.path, "volumes", i)
        what = named("volume", mapping(volume).get("name"), quoted=True)
        config_map, secret = mapping(volume).get("configMap"), mapping(volume).get("secret")
        if isinstance(config_map, Mapping):
            yield (*_source("ConfigMap", config_map, "name"), (*at, "configMap", "name"), what)
        if isinstance(secret, Mapping):
            yield (*_source("Secret", secret, "secretName"), (*at, "secret", "secretName"), what)
        sources = get(volume, "projected", "sources")
        for j, source in enumerate(sources if isinstance(sources, list) else []):
            for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                ref = mapping(source).get(field)
                if isinstance(ref, Mapping):
                    node = (*at, "projected", "sources", j, field, "name")
                    yield (*_source(kind, ref, "name"), node, what)


def check_config_reference(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    present = _present(manifests, ctx)
    for pod in pod_specs(manifests):
        if pod.manifest.kind == "PodTemplate":
            continue
        namespace = namespace_of(pod.manifest, ctx.namespace)
        references = [*_container_references(pod), *_volume_references(pod)]
        for kind, name, optional, at, what in references:
            if optional or not isinstance(name, str) or not name:
                continue
            if (kind, namespace, name) in present or (
                kind == "ConfigMap" and name in EVERY_NAMESPACE_CONFIG_MAPS
            ):
                continue
            make = "an ExternalSecret for it" if kind == "Secret" else "it"
            yield CONFIG_REFERENCE_RULE.finding(
                f"{what} of {pod.manifest.label()} takes {kind} '{name}', which is not in this "
                f"set; the pod does not start until it exists: add {make}, or mark the "
                "reference optional: true (a warning: it may be created elsewhere)",
                pod.manifest.position(*at),
                resource_of(pod.manifest, ctx.namespace),
                ctx.environment,
            )


CONFIG_REFERENCE = ManifestRule(CONFIG_REFERENCE_RULE, check_config_reference)
