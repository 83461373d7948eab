"""Checks of who gets access where: the namespaces environments take, and the groups that
are granted access to them.

Argo CD turns a project role's groups into lines of its policy CSV and RoleBindings name
them as subjects: a group that is a wildcard, a system group or holds a separator grants
more than the catalog says. (Repository and server URLs: `url_checks`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator import constants as c
from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.names import shown
from generator.finding import Finding
from generator.yamlio import Located

GLOB = frozenset("*?[]{}")
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
GROUP = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9._:@/=+-]*")
MAX_GROUP = 256
RESERVED_GROUP_PREFIXES = (
    ("system:", "a Kubernetes system group (system:authenticated is every signed-in user)"),
    ("role:", "an Argo CD role name (role:admin is Argo CD's administrator)"),
    ("proj:", "an Argo CD project role name"),
)


def _reserved(doc: Located, env: str, spec: dict[str, Any]) -> str | None:
    namespace = spec["namespace"]
    argocd = doc.data.get("argocd", {}).get("namespace", c.DEFAULT_ARGOCD_NAMESPACE)
    cluster = _section(doc, "clusters").get(spec["cluster"], {})
    ingress = cluster.get("ingress", {}).get("namespace", c.DEFAULT_INGRESS_NAMESPACE)
    monitoring = cluster.get("monitoringNamespace", c.DEFAULT_MONITORING_NAMESPACE)
    if namespace in SYSTEM_NAMESPACES:
        return "which Kubernetes keeps for itself"
    if namespace == argocd:
        return (
            "the Argo CD namespace (`argocd.namespace`), where the Applications and AppProjects "
            "live: the environment's teams would get access to them"
        )
    if namespace == ingress:
        return f"where cluster '{spec['cluster']}' runs its ingress controller"
    if namespace == monitoring:
        return f"where cluster '{spec['cluster']}' runs its monitoring"
    return None


def check_namespaces(doc: Located) -> Iterator[Finding]:
    for env, spec in _section(doc, "environments").items():
        reason = _reserved(doc, env, spec)
        if reason:
            yield rules.RESERVED_NAMESPACE.finding(
                f"environment '{env}' runs in namespace '{spec['namespace']}', {reason}; set "
                f"`environments.{env}.namespace` to a namespace of its own",
                doc.position(("environments", env, "namespace")),
                environment=env,
            )


def _what(ch: str) -> str:
    if ch in "\n\r":
        return "a line break, which would add a line to Argo CD's policy CSV"
    if ch == ",":
        return "',', which Argo CD's policy CSV reads as a field separator"
    if ch.isspace():
        return "whitespace"
    if ch in GLOB:
        return f"'{ch}', a wildcard"
    if ord(ch) < 32 or ord(ch) == 127:
        return "a control character"
    return f"'{ch}'"


OWN_GROUP = "name the team's own group in the identity provider"
GROUP_SPELLING = (
    "write the group as the identity provider names it, in letters, digits and . _ : @ / = + -"
)


def group_problem(group: str) -> tuple[str, str] | None:
    """(why `group` may not be granted access, what to do), or None."""
    if group == "*":
        return "is a wildcard that grants every user", OWN_GROUP
    for prefix, what in RESERVED_GROUP_PREFIXES:
        if group.lower().startswith(prefix):
            return f"is {what}", OWN_GROUP
    if len(group) > MAX_GROUP:
        return f"has {len(group)} characters; Argo CD and RBAC take at most {MAX_GROUP}", OWN_GROUP
    bad = next((ch for ch in group if not GROUP.fullmatch("a" + ch)), None)
    if bad is not None:
        return f"holds {_what(bad)}", GROUP_SPELLING
    if not GROUP.fullmatch(group):
        return f"starts with '{group[:1]}'", GROUP_SPELLING
    return None


def check_identities(doc: Located) -> Iterator[Finding]:
    for team, spec in _section(doc, "teams").items():
        for index, group in enumerate(spec["groups"]):
            found = group_problem(group)
            if found:
                problem, remedy = found
                yield rules.IDENTITY.finding(
                    f"group {shown(group)} of team '{team}' {problem}; {remedy}",
                    doc.position(("teams", team, "groups", index)),
                )
