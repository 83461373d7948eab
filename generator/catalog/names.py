"""Names and templates: DNS-1123 labels, host templates, generated object names."""

from __future__ import annotations

import re

from generator.constants import ADDONS_PREFIX, GUARDRAILS_SUFFIX, ROOT_PREFIX

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(
    r"^(?=.{1,253}\Z)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("app", "env")


def is_dns_label(name: str) -> bool:
    return bool(DNS_LABEL.fullmatch(name))


def shown(value: str) -> str:
    """`value` quoted for a message, each control character (a line break ...) escaped, so a
    finding stays on one line and shows what was written."""
    escaped = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in value
    )
    return f"'{escaped}'"


def template_problem(template: str) -> str | None:
    """Why a host template is wrong, or None."""
    unknown = [p for p in _PLACEHOLDER.findall(template) if p not in PLACEHOLDERS]
    if unknown:
        return f"unknown placeholder '{{{unknown[0]}}}'; only {{app}} and {{env}} are known"
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        return "an unbalanced '{' or '}'; write placeholders as {app} and {env}"
    return None


def resolve_host(template: str, app: str, env: str) -> str:
    return template.replace("{app}", app).replace("{env}", env)


def is_dns_name(host: str) -> bool:
    return bool(DNS_SUBDOMAIN.fullmatch(host))


def application_name(env: str, app: str) -> str:
    return f"{env}-{app}"


def guardrails_application_name(env: str) -> str:
    return f"{env}-{GUARDRAILS_SUFFIX}"


def app_project_name(env: str) -> str:
    return env


def guardrails_project_name(env: str) -> str:
    return f"{env}-{GUARDRAILS_SUFFIX}"


def root_name(cluster: str) -> str:
    return f"{ROOT_PREFIX}-{cluster}"


def addons_project_name(cluster: str) -> str:
    return f"{ADDONS_PREFIX}-{cluster}"


def addon_application_name(cluster: str, addon: str) -> str:
    return f"{ADDONS_PREFIX}-{cluster}-{addon}"
