"""`secrets-` rules: secret values live in the secret store, never in the repository.

Messages name the object and the key, never the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.podspec import containers
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.credentials import (
    ends_like_credential,
    looks_like_credential,
    name_words,
    opaque,
)
from generator.rules.secrets_values import CREDENTIAL_VALUE, annotation_entries

__all__ = ["RULES", "looks_like_credential", "name_words"]

PLAINTEXT_SECRET = Rule(
    id="secrets-plaintext-secret",
    severity=Severity.ERROR,
    summary="No Secret object carries values in the repository; use an ExternalSecret.",
    description=(
        "A `kind: Secret` with a non-empty `data` or `stringData` puts the secret in git "
        "(base64 is an encoding, not encryption). Keep the value in the secret store and "
        "let an ExternalSecret create the Secret in the cluster. Not reported: a Secret "
        "without values (a placeholder filled in-cluster) and one of type "
        "`kubernetes.io/service-account-token`, whose token the control plane fills in."
    ),
)

LITERAL_CREDENTIAL = Rule(
    id="secrets-literal-credential",
    severity=Severity.ERROR,
    summary="No credential-looking env var, ConfigMap key or annotation holds a literal value.",
    description=(
        "A container env var (any workload kind; containers, init and ephemeral containers) "
        "whose name looks like a credential must take its value from `valueFrom` "
        "(a `secretKeyRef` fed by an ExternalSecret), not a literal `value`; likewise a "
        "ConfigMap `data` or `binaryData` key that looks like a credential must not hold a "
        "non-empty value. A name looks like a credential when one of its words (split at "
        "`_`, `-`, `.` and camelCase boundaries, upper-cased) is PASSWORD, PASSWD, "
        "PASSPHRASE, SECRET, TOKEN, APIKEY, CREDENTIAL or CREDENTIALS, or ends with PASSWORD "
        "or PASSWD (`PGPASSWORD`), or two adjacent words are API KEY, PRIVATE KEY or ACCESS "
        "KEY, or it ends with PASS or KEY after another word (`DB_PASS`, `SIGNING_KEY`; not "
        "PUBLIC, SORT, PARTITION, PRIMARY, FOREIGN, HASH, RANGE, CACHE, ROUTING, SHARD, "
        "LOOKUP, IDEMPOTENCY or OBJECT KEY), also followed by CONTENT, CONTENTS, DATA, VALUE, "
        "B64, BASE64 or PEM (`TLS_KEY_CONTENT`); unless its last word is FILE, PATH, DIR, "
        "URL, URI, NAME, ID or ENDPOINT, which name where a credential is, not the "
        "credential (`DB_PASSWORD_FILE`, `AWS_ACCESS_KEY_ID`). An annotation (of any object "
        "or pod template) is reported when the part of its name after the last `/` ends like "
        "a credential (`example.com/api-token`) and its value reads like a generated secret "
        "(16 or more characters, no spaces, letters and digits, high entropy): annotations "
        "such as `auth-secret: basic-auth` name a Secret, which is fine. Values themselves "
        "are checked by `secrets-credential-value`."
    ),
)


def _has_value(value: Any) -> bool:
    return value is not None and value != ""


def _check_plaintext_secret(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        if manifest.kind != "Secret" or manifest.api_version != "v1":
            continue
        if manifest.obj.get("type") == "kubernetes.io/service-account-token":
            continue
        for field in ("data", "stringData"):
            values = manifest.obj.get(field)
            if not isinstance(values, Mapping) or not values:
                continue
            keys = ", ".join(f"'{k}'" for k in values)
            yield PLAINTEXT_SECRET.finding(
                f"{manifest.label(quoted=True)} carries {keys} in plain text under '{field}' "
                "(base64 is not encryption); keep the values in the secret store and "
                "use an ExternalSecret",
                manifest.position(field),
                manifest.resource,
                ctx.environment,
            )


def _env_findings(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for container in containers(manifests):
        env = container.obj.get("env")
        if not isinstance(env, list):
            continue
        for index, var in enumerate(env):
            if not isinstance(var, Mapping):
                continue
            name = var.get("name")
            if not isinstance(name, str) or not looks_like_credential(name):
                continue
            if not _has_value(var.get("value")):
                continue
            yield LITERAL_CREDENTIAL.finding(
                f"container '{container.name}' env var '{name}' has a literal value; "
                "take it from a Secret with valueFrom.secretKeyRef (fed by an ExternalSecret)",
                container.position("env", index, "value"),
                container.resource,
                ctx.environment,
            )


def _config_map_findings(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        if manifest.kind != "ConfigMap":
            continue
        for field in ("data", "binaryData"):
            values = manifest.obj.get(field)
            if not isinstance(values, Mapping):
                continue
            for key, value in values.items():
                if not isinstance(key, str) or not looks_like_credential(key):
                    continue
                if not _has_value(value):
                    continue
                yield LITERAL_CREDENTIAL.finding(
                    f"{manifest.label(quoted=True)} key '{key}' looks like a credential and holds "
                    "a literal value; keep it in the secret store and mount it from a Secret "
                    "created by an ExternalSecret",
                    manifest.position(field, key),
                    manifest.resource,
                    ctx.environment,
                )


def _annotation_findings(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        for path, key, value in annotation_entries(manifest):
            if not ends_like_credential(key) or not isinstance(value, str) or not opaque(value):
                continue
            yield LITERAL_CREDENTIAL.finding(
                f"annotation '{key}' of {manifest.label()} looks like a credential and holds a "
                "literal value; keep it in the secret store and give the consumer a Secret "
                "created by an ExternalSecret",
                manifest.position(*path, key),
                manifest.resource,
                ctx.environment,
            )


def _check_literal_credential(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    yield from _env_findings(manifests, ctx)
    yield from _config_map_findings(manifests, ctx)
    yield from _annotation_findings(manifests, ctx)


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(PLAINTEXT_SECRET, _check_plaintext_secret),
    ManifestRule(LITERAL_CREDENTIAL, _check_literal_credential),
    CREDENTIAL_VALUE,
)
