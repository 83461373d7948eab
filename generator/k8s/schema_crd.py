"""CRD OpenAPI v3 schemas as JSON Schema 2020-12, strict like kubectl's field validation.

`scripts/vendor_crds.py` uses `crd_json_schemas` to derive `schemas/crds/*.json` from
pinned CustomResourceDefinitions; `relaxed` gives the non-strict variant at load time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Keywords whose values are schemas, lists of schemas, or maps of schemas (structural CRDs
# use no others: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/).
_SCHEMA_KEYS = ("items", "additionalProperties", "not")
_SCHEMA_LIST_KEYS = ("anyOf", "allOf", "oneOf")
_SCHEMA_MAP_KEYS = ("properties",)


def schema_file_name(api_version: str, kind: str) -> str:
    """`argoproj.io/v1alpha1`, `Application` -> `argoproj.io_application_v1alpha1.json`."""
    group, _, version = api_version.rpartition("/")
    return f"{group}_{kind.lower()}_{version}.json"


def _convert(node: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_KEYS and isinstance(value, Mapping):
            out[key] = _convert(value)
        elif key in _SCHEMA_LIST_KEYS:
            out[key] = [_convert(item) for item in value]
        elif key in _SCHEMA_MAP_KEYS:
            out[key] = {name: _convert(child) for name, child in value.items()}
        elif key not in ("nullable", "x-kubernetes-int-or-string"):
            out[key] = value
    if node.get("x-kubernetes-int-or-string") is True:
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        elif "anyOf" in out:
            out["anyOf"] = [*out["anyOf"], {"type": "null"}]
    if "properties" in out and not node.get("x-kubernetes-preserve-unknown-fields"):
        out.setdefault("additionalProperties", False)
    return out


def crd_json_schema(open_api_v3: Mapping[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """One served version's `openAPIV3Schema` as a strict JSON Schema for `api_version`/`kind`.

    Objects with `properties` are closed unless `x-kubernetes-preserve-unknown-fields`;
    int-or-string becomes `anyOf [integer, string]`; `nullable` also allows null. The root
    requires `apiVersion` and `kind` with their exact values and keeps `metadata` open.
    """
    schema = _convert(open_api_v3)
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = {**properties.get("apiVersion", {}), "const": api_version}
    properties["kind"] = {**properties.get("kind", {}), "const": kind}
    properties["metadata"] = {"type": "object"}
    schema["type"] = "object"
    schema["required"] = sorted({"apiVersion", "kind", *schema.get("required", ())})
    if not open_api_v3.get("x-kubernetes-preserve-unknown-fields"):
        schema["additionalProperties"] = False
    schema["$schema"] = JSON_SCHEMA_DIALECT
    return schema


def crd_json_schemas(crd: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{file name: JSON Schema} for every served version of a CustomResourceDefinition."""
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    schemas = {}
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        api_version = f"{group}/{version['name']}"
        schema = version["schema"]["openAPIV3Schema"]
        schemas[schema_file_name(api_version, kind)] = crd_json_schema(schema, api_version, kind)
    return schemas


def relaxed(schema: Any) -> Any:
    """`schema` without `additionalProperties: false`: unknown fields allowed (non-strict)."""
    if isinstance(schema, Mapping):
        return {
            key: relaxed(value)
            for key, value in schema.items()
            if not (key == "additionalProperties" and value is False)
        }
    if isinstance(schema, list):
        return [relaxed(item) for item in schema]
    return schema
