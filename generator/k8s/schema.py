"""Kubernetes and CRD JSON Schemas, compiled once and shared: the `schema-` rules' source.

Built-in kinds come from kubernetes-validate's bundled schemas for the requested Kubernetes
minor version (the newest bundled one not newer than it); custom resources from the CRD
schemas vendored in `schemas/crds/` (`_index.json`: apiVersion -> kind -> file), whatever
the Kubernetes version. One validator per (version, apiVersion, kind, strict) is compiled
and cached; each version's `_definitions.json` is read once and shared by its kinds. A kind
checked often also gets a compiled pre-check (generator.k8s.schema_fast) that passes valid
objects without walking the schema; jsonschema still says what is wrong with the others.

    registry = default_registry()
    messages = [p.message for p in registry.problems(obj, "1.31")]
    # ["spec.replicas: '3' is not of type 'integer'"]
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from functools import cache, cached_property, partial
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

from generator.k8s import schema_bundled as bundled
from generator.k8s import schema_fast
from generator.k8s.schema_crd import relaxed
from generator.k8s.schema_problem import SchemaProblem, problems_of
from generator.paths import schemas_dir

if TYPE_CHECKING:  # jsonschema is imported where a validator is made: an object fails its
    # pre-check, or a kind has none yet
    from jsonschema.protocols import Validator
    from referencing import Registry

__all__ = [
    "SchemaProblem",
    "SchemaRegistry",
    "UnknownKind",
    "default_registry",
    "supported_versions",
]

CRD_INDEX = "_index.json"

# (minor or None for a vendored CRD, apiVersion, kind, strict)
_Key = tuple[bundled.Minor | None, str, str, bool]

# Objects of one kind checked before it gets a pre-check: compiling one costs about as much
# as checking this many Deployments with jsonschema.
FAST_AFTER = 64


class _Compiled:
    """A kind's schema, and the `_definitions.json` its `$ref`s point at (none for a CRD).
    The definitions are read, and the validator made, on first use: a run whose objects
    all pass their kept pre-checks (generator.builds.prechecks) reads neither."""

    def __init__(
        self,
        schema: Mapping[str, Any],
        definitions: Callable[[], tuple[Registry[Any], Mapping[str, Any]]] | None = None,
    ) -> None:
        self.schema = schema
        self._definitions = definitions

    @cached_property
    def _read(self) -> tuple[Registry[Any] | None, Mapping[str, Any] | None]:
        return (None, None) if self._definitions is None else self._definitions()

    def definitions(self) -> Mapping[str, Any] | None:
        return self._read[1]

    @cached_property
    def validator(self) -> Validator:
        from jsonschema import Draft202012Validator

        registry = self._read[0]
        if registry is None:
            return Draft202012Validator(self.schema)
        return Draft202012Validator(self.schema, registry=registry)


class UnknownKind(LookupError):
    """No schema for an apiVersion/kind in a Kubernetes version, nor among the vendored CRDs."""

    def __init__(self, api_version: str, kind: str, kubernetes_version: str) -> None:
        super().__init__(
            f"no schema for apiVersion {api_version!r} kind {kind!r} "
            f"in Kubernetes {kubernetes_version} or the vendored CRDs"
        )
        self.api_version = api_version
        self.kind = kind
        self.kubernetes_version = kubernetes_version


def load_json(resource: Traversable) -> Any:
    """Read one schema file (the only place schema files are read)."""
    with resource.open("rb") as handle:
        return json.load(handle)


def supported_versions() -> list[str]:
    """The Kubernetes versions with bundled schemas, oldest first: "1.25" .. "1.37"."""
    return [bundled.format_minor(m) for m in bundled.bundled_minors()]


def _matches_gvk(schema: Mapping[str, Any], api_version: str, kind: str) -> bool:
    group, _, version = api_version.rpartition("/")
    return any(
        gvk.get("group") == group and gvk.get("version") == version and gvk.get("kind") == kind
        for gvk in schema.get("x-kubernetes-group-version-kind", ())
    )


class SchemaRegistry:
    """Compiled validators, one per (Kubernetes minor, apiVersion, kind, strict); thread-safe."""

    def __init__(self, crds: Traversable | None = None) -> None:
        self._crds = crds if crds is not None else schemas_dir() / "crds"
        self._lock = threading.RLock()
        self._validators: dict[_Key, _Compiled | None] = {}
        self._definitions: dict[tuple[bundled.Minor, bool], Registry[Any]] = {}
        self._definition_contents: dict[tuple[bundled.Minor, bool], Mapping[str, Any]] = {}
        self._uses: dict[_Key, int] = {}
        self._checks: dict[_Key, schema_fast.Check | None] = {}
        self._crd_index: Mapping[str, Mapping[str, str]] | None = None

    def validator(
        self, api_version: str, kind: str, kubernetes_version: str, strict: bool = True
    ) -> Validator:
        """The compiled validator for a kind; raises UnknownKind, or InputError for a
        Kubernetes version outside `supported_versions()`."""
        return self._found(api_version, kind, kubernetes_version, strict)[1].validator

    def knows(
        self, api_version: str, kind: str, kubernetes_version: str, strict: bool = True
    ) -> None:
        """Raises UnknownKind when no schema knows the kind (and InputError as `validator`);
        the schema is not compiled."""
        self._found(api_version, kind, kubernetes_version, strict)

    def _found(
        self, api_version: str, kind: str, kubernetes_version: str, strict: bool
    ) -> tuple[_Key, _Compiled]:
        minor = bundled.pick_minor(kubernetes_version)
        for key in ((minor, api_version, kind, strict), (None, api_version, kind, strict)):
            found = self._cached(key)
            if found is not None:
                return key, found
        raise UnknownKind(api_version, kind, kubernetes_version)

    def precheck(
        self, api_version: str, kind: str, kubernetes_version: str, strict: bool = True
    ) -> schema_fast.Check | None:
        """The kind's compiled pre-check, compiled now if it is not yet (None when it cannot
        be compiled); `problems` uses it once a kind is checked often."""
        return self._check(*self._found(api_version, kind, kubernetes_version, strict), now=True)

    def problems(
        self, obj: Mapping[str, Any], kubernetes_version: str, strict: bool = True
    ) -> list[SchemaProblem]:
        """Every schema problem of `obj`, sorted by path; [] when it is valid.

        Raises UnknownKind when no schema knows its apiVersion/kind (also when either is
        missing or not a string), InputError for an unsupported Kubernetes version.
        """
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            bundled.pick_minor(kubernetes_version)
            raise UnknownKind(str(api_version or ""), str(kind or ""), kubernetes_version)
        key, compiled = self._found(api_version, kind, kubernetes_version, strict)
        check = self._check(key, compiled)
        if check is not None and check(obj):
            return []
        found = [p for error in compiled.validator.iter_errors(obj) for p in problems_of(error)]
        return sorted(set(found), key=SchemaProblem.sort_key)

    def _cached(self, key: _Key) -> _Compiled | None:
        with self._lock:
            if key not in self._validators:
                self._validators[key] = self._compile(*key)
            return self._validators[key]

    def _check(self, key: _Key, compiled: _Compiled, now: bool = False) -> schema_fast.Check | None:
        """The kind's pre-check once it has been used FAST_AFTER times (or `now`), else None.
        With a store (generator.builds.prechecks), from its first use when the store keeps it
        compiled or an earlier run checked the kind too: a kind a repository holds a few
        objects of is compiled once, in its second run, and from then on no run needs
        jsonschema (a tenth of a second to import) for objects that pass."""
        with self._lock:
            if key in self._checks:
                return self._checks[key]
            uses = self._uses[key] = self._uses.get(key, 0) + 1
            early = uses < FAST_AFTER and not now
            if early and uses > 1:
                return None
            name = _store_name(key, compiled)
            if early and not (schema_fast.is_kept(name) or schema_fast.seen_before(name)):
                return None
            check = schema_fast.compile_check(compiled.schema, compiled.definitions, name)
            self._checks[key] = check
            return check

    def _compile(
        self, minor: bundled.Minor | None, api_version: str, kind: str, strict: bool
    ) -> _Compiled | None:
        if minor is None:
            name = self._index().get(api_version, {}).get(kind)
            if name is None:
                return None
            schema = load_json(self._crds / name)
            schema = schema if strict else relaxed(schema)
            return _Compiled(schema)
        file_name = bundled.schema_file_name(api_version, kind)
        resource = bundled.version_dir(minor, strict) / file_name if file_name else None
        if resource is None or not resource.is_file():
            return None
        schema = load_json(resource)
        # Guards against name collisions: `apps.example.com/v1` also maps to `-apps-v1`.
        if not _matches_gvk(schema, api_version, kind):
            return None
        return _Compiled(schema, partial(self._definitions_for, minor, strict))

    def _definitions_for(
        self, minor: bundled.Minor, strict: bool
    ) -> tuple[Registry[Any], Mapping[str, Any]]:
        with self._lock:
            if (minor, strict) not in self._definitions:
                from referencing import Registry, Resource

                contents = load_json(bundled.version_dir(minor, strict) / "_definitions.json")
                resource = Resource.from_contents(contents)  # its $id: .../_definitions.json
                self._definitions[(minor, strict)] = resource @ Registry()
                self._definition_contents[(minor, strict)] = contents
            return self._definitions[(minor, strict)], self._definition_contents[(minor, strict)]

    def _index(self) -> Mapping[str, Mapping[str, str]]:
        if self._crd_index is None:
            self._crd_index = load_json(self._crds / CRD_INDEX)
        return self._crd_index


def _store_name(key: _Key, compiled: _Compiled) -> str:
    """What a kind's compiled pre-check is kept under. The bundled definitions are part of
    the tool, which every kept pre-check's key holds (generator.builds.prechecks); the
    schema itself may be a user's CRD."""
    digest = hashlib.sha256(json.dumps(compiled.schema, sort_keys=True).encode())
    return f"k8s {key!r} {digest.hexdigest()}"


@cache
def default_registry() -> SchemaRegistry:
    """The process-wide registry over the bundled and vendored schemas."""
    return SchemaRegistry()
