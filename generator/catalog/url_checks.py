"""Checks of the repository and the cluster servers: exact URLs, never patterns.

Argo CD reads an AppProject's sourceRepos and destination servers as glob patterns, so
`repository.url: "*"` would let every project pull from any repository and `server: "*"`
deploy to any cluster the Argo CD instance knows.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

from generator import constants as c
from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.names import is_dns_name, shown
from generator.finding import Finding
from generator.yamlio import Located

GLOB = frozenset("*?[]{}")
# scp-like [user@]host:path (git@github.com:org/repo.git); ssh:// and https:// URLs parse
_SCP = re.compile(r"(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!/)([A-Za-z0-9._~/-]+)")


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return is_dns_name(host.lower())


def _host_ok(parts: SplitResult) -> bool:
    try:
        host, _ = parts.hostname, parts.port  # a port that is not a number raises ValueError
    except ValueError:
        return False
    return bool(host) and _is_host(str(host))


def _pattern_problem(value: str) -> str | None:
    if any(ch in GLOB for ch in value) or value.startswith("!"):
        return "holds a glob character, which Argo CD reads as a pattern matching others"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "holds whitespace or a control character"
    return None


def repository_problem(url: str) -> str | None:
    """Why `url` is not one exact Git repository URL Argo CD can pull, or None."""
    problem = _pattern_problem(url)
    if problem:
        return problem
    scp = _SCP.fullmatch(url)
    if scp:
        return None if _is_host(scp.group(1)) else "has no valid host"
    parts = urlsplit(url)
    if parts.scheme not in ("https", "ssh"):
        return "is not an https://, ssh:// or git@host:path URL"
    if parts.password is not None or (parts.scheme == "https" and parts.username is not None):
        return "holds credentials; put them in Argo CD's repository secret, not in git"
    if not _host_ok(parts):
        return "has no valid host"
    if parts.path.strip("/") == "":
        return "names no repository (no path after the host)"
    if parts.fragment or "#" in url:
        return "holds a fragment ('#')"
    return None


def server_problem(url: str) -> str | None:
    """Why `url` is not one exact Kubernetes API server URL, or None."""
    problem = _pattern_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "is not an https:// URL"
    if parts.username is not None or parts.password is not None:
        return "holds credentials; put them in Argo CD's cluster secret, not in git"
    if not _host_ok(parts):
        return "has no valid host"
    if parts.fragment or "#" in url:
        return "holds a fragment ('#')"
    return None


def chart_repository_problem(url: str) -> str | None:
    """Why `url` is not one exact Helm repository (https://) or OCI registry path (oci://)
    Argo CD and Helm can pull a chart from, or None."""
    problem = _pattern_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    if parts.scheme not in ("https", "oci"):
        return "is not an https:// (Helm repository) or oci:// (OCI registry) URL"
    if parts.username is not None or parts.password is not None:
        return "holds credentials; put them in Argo CD's repository secret, not in git"
    if not _host_ok(parts):
        return "has no valid host"
    if parts.query or "?" in url:
        return "holds a query ('?')"
    if parts.fragment or "#" in url:
        return "holds a fragment ('#')"
    if parts.scheme == "oci" and ("@" in parts.path or ":" in parts.path):
        return "holds a tag or digest; the chart version goes under `version`"
    return None


def _charts(doc: Located) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """Every chart's repoURL: (its node, what it belongs to, the URL)."""
    for app, spec in _section(doc, "apps").items():
        if isinstance(spec.get("chart"), dict):
            yield ("apps", app, "chart", "repoURL"), f"app '{app}'", spec["chart"]["repoURL"]
    for cluster, spec in _section(doc, "clusters").items():
        for addon, addon_spec in (spec.get("addons") or {}).items():
            at = ("clusters", cluster, "addons", addon, "chart", "repoURL")
            yield at, f"add-on '{addon}' of cluster '{cluster}'", addon_spec["chart"]["repoURL"]


def _redacted(url: str) -> str:
    """`url` as a message may show it: a password in it never is."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if password is None:
        return url
    return url.replace(f":{password}@", ":***@", 1)


def check_urls(doc: Located) -> Iterator[Finding]:
    url = doc.data["repository"]["url"]
    problem = repository_problem(url)
    if problem:
        yield rules.URL.finding(
            f"repository.url {shown(_redacted(url))} {problem}; write the one repository "
            "Argo CD pulls this tree from, e.g. https://github.com/example/gitops.git or "
            "git@github.com:example/gitops.git",
            doc.position(("repository", "url")),
        )
    for cluster, spec in _section(doc, "clusters").items():
        problem = server_problem(spec["server"])
        if problem:
            yield rules.URL.finding(
                f"server {shown(_redacted(spec['server']))} of cluster '{cluster}' {problem}; "
                "write the "
                "cluster's API server URL, e.g. https://prod.k8s.example.com (or "
                f"{c.IN_CLUSTER} for the cluster Argo CD runs in)",
                doc.position(("clusters", cluster, "server")),
            )
    for at, what, repo in _charts(doc):
        problem = chart_repository_problem(repo)
        if problem:
            yield rules.URL.finding(
                f"chart repoURL {shown(_redacted(repo))} of {what} {problem}; write the Helm "
                "repository, e.g. https://charts.jetstack.io, or the OCI registry and path, "
                "e.g. oci://ghcr.io/example/charts",
                doc.position(at),
            )
