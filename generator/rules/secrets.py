"""`secrets-` rules: secret values live in the secret store, never in the repository.

Messages name the object and the key, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.podspec import containers
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext

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
    summary="No credential-looking env var or ConfigMap key holds a literal value.",
    description=(
        "A container env var (any workload kind; containers, init and ephemeral containers) "
        "whose name looks like a credential must take its value from `valueFrom` "
        "(a `secretKeyRef` fed by an ExternalSecret), not a literal `value`; likewise a "
        "ConfigMap `data` or `binaryData` key that looks like a credential must not hold a "
        "non-empty value. A name looks like a credential when one of its words (split at "
        "`_`, `-`, `.` and camelCase boundaries, upper-cased) is PASSWORD, PASSWD, SECRET, "
        "TOKEN, APIKEY, CREDENTIAL or CREDENTIALS, or ends with PASSWORD or PASSWD "
        "(`PGPASSWORD`), or two adjacent words are API KEY, "
        "PRIVATE KEY or ACCESS KEY; unless its last word is FILE, PATH, DIR, URL, URI, "
        "NAME, ID or ENDPOINT, which name where a credential is, not the credential "
        "(`DB_PASSWORD_FILE`, `AWS_ACCESS_KEY_ID`). Credentials inside ConfigMap file "
        "content are not looked for."
    ),
)

CREDENTIAL_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"}
)
PASSWORD_ENDINGS = ("PASSWORD", "PASSWD")  # PGPASSWORD, ROOTPASSWD: common unsplit names
CREDENTIAL_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY")})
NOT_A_CREDENTIAL_SUFFIXES = frozenset(
    {"FILE", "PATH", "DIR", "URL", "URI", "NAME", "ID", "ENDPOINT"}
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def name_words(name: str) -> list[str]:
    """`dbPassword` -> [DB, PASSWORD]; `API_KEY.v2` -> [API, KEY, V2]."""
    return [w.upper() for w in _SEPARATORS.split(_CAMEL.sub("_", name)) if w]


def looks_like_credential(name: str) -> bool:
    words = name_words(name)
    if not words or words[-1] in NOT_A_CREDENTIAL_SUFFIXES:
        return False
    return any(w in CREDENTIAL_WORDS or w.endswith(PASSWORD_ENDINGS) for w in words) or any(
        pair in CREDENTIAL_PAIRS for pair in pairwise(words)
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


def _check_literal_credential(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    yield from _env_findings(manifests, ctx)
    yield from _config_map_findings(manifests, ctx)


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(PLAINTEXT_SECRET, _check_plaintext_secret),
    ManifestRule(LITERAL_CREDENTIAL, _check_literal_credential),
)
