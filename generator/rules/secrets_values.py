"""`secrets-credential-value`: a value that is a secret, whatever its name.

Messages say where the value is and what kind of secret it is, never the value.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping, Sequence

from generator.finding import Finding, Severity
from generator.k8s.podspec import POD_SPEC_PATHS, containers
from generator.manifest import Manifest, NodePath, get
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.credentials import (
    ends_like_credential,
    looks_like_credential,
    opaque,
    secret_kind,
)

CREDENTIAL_VALUE_RULE = Rule(
    id="secrets-credential-value",
    severity=Severity.ERROR,
    summary="No env var, argument, ConfigMap value or annotation holds a private key or token.",
    description=(
        "Looks at the values themselves: container env `value`s, `command` and `args` items "
        "(any workload kind and container list), ConfigMap `data` values and decoded "
        "`binaryData`, and the annotations of every object and pod template. Reported: a PEM "
        "private key block (`-----BEGIN ... PRIVATE KEY-----` with a key body, not a "
        "placeholder), a token with a known prefix whose random part has enough entropy "
        "(AWS access key ids `AKIA`/`ASIA`, GitHub `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, "
        "`github_pat_`, GitLab `glpat-`, Slack `xoxb-`, `xoxp-` ..., Stripe `sk_live_`, "
        "`rk_live_`, Google `AIza`, npm `npm_`, PyPI `pypi-`, SendGrid `SG.`), and a URL "
        "with a password (`postgres://user:pass@db`; `${VAR}`, `{{...}}` and `<...>` "
        "placeholders are not passwords). Where the name already looks like a credential, "
        "`secrets-literal-credential` reports the value instead. Keep such values in the "
        "secret store and take them from a Secret fed by an ExternalSecret."
    ),
)


def annotation_entries(manifest: Manifest) -> Iterator[tuple[NodePath, str, object]]:
    """(node path of the annotations, key, value) of the object and of its pod template."""
    spec_path = POD_SPEC_PATHS.get(manifest.kind)
    places: list[NodePath] = [("metadata", "annotations")]
    if spec_path is not None:
        places.append((*spec_path[:-1], "metadata", "annotations"))
    for path in places:
        found = get(manifest.obj, *path)
        if isinstance(found, Mapping):
            for key, value in found.items():
                if isinstance(key, str):
                    yield path, key, value


def _decoded(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=False).decode("latin-1")
    except (binascii.Error, ValueError):
        return None


def _container_findings(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for container in containers(manifests):
        env = container.obj.get("env")
        for index, var in enumerate(env if isinstance(env, list) else []):
            name = var.get("name") if isinstance(var, Mapping) else None
            value = var.get("value") if isinstance(var, Mapping) else None
            if not isinstance(value, str) or (
                isinstance(name, str) and looks_like_credential(name)
            ):
                continue
            kind = secret_kind(value)
            if kind is not None:
                yield CREDENTIAL_VALUE_RULE.finding(
                    f"container '{container.name}' env var '{name}' holds {kind}; take it from a "
                    "Secret with valueFrom.secretKeyRef (fed by an ExternalSecret)",
                    container.position("env", index, "value"),
                    container.resource,
                    ctx.environment,
                )
        for field in ("command", "args"):
            items = container.obj.get(field)
            for index, item in enumerate(items if isinstance(items, list) else []):
                kind = secret_kind(item) if isinstance(item, str) else None
                if kind is not None:
                    yield CREDENTIAL_VALUE_RULE.finding(
                        f"container '{container.name}' {field}[{index}] holds {kind}; pass it in "
                        "an env var from a Secret (valueFrom.secretKeyRef, fed by an "
                        "ExternalSecret) and write $(VAR) in its place",
                        container.position(field, index),
                        container.resource,
                        ctx.environment,
                    )


def _config_map_findings(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        if manifest.kind != "ConfigMap":
            continue
        for field in ("data", "binaryData"):
            values = manifest.obj.get(field)
            for key, value in values.items() if isinstance(values, Mapping) else ():
                if isinstance(key, str) and looks_like_credential(key):
                    continue
                text = value if field == "data" else _decoded(value)
                kind = secret_kind(text) if isinstance(text, str) else None
                if kind is not None:
                    yield CREDENTIAL_VALUE_RULE.finding(
                        f"{manifest.label(quoted=True)} key '{key}' holds {kind}; keep it in the "
                        "secret store and mount it from a Secret created by an ExternalSecret",
                        manifest.position(field, key),
                        manifest.resource,
                        ctx.environment,
                    )


def _annotation_findings(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        for path, key, value in annotation_entries(manifest):
            if not isinstance(value, str) or (ends_like_credential(key) and opaque(value)):
                continue
            kind = secret_kind(value)
            if kind is not None:
                yield CREDENTIAL_VALUE_RULE.finding(
                    f"annotation '{key}' of {manifest.label()} holds {kind}, readable by anyone "
                    "who can read the object; keep it in the secret store and give the consumer "
                    "a Secret created by an ExternalSecret",
                    manifest.position(*path, key),
                    manifest.resource,
                    ctx.environment,
                )


def check_credential_value(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    yield from _container_findings(manifests, ctx)
    yield from _config_map_findings(manifests, ctx)
    yield from _annotation_findings(manifests, ctx)


CREDENTIAL_VALUE = ManifestRule(CREDENTIAL_VALUE_RULE, check_credential_value)
