"""Vendor the CRD JSON Schemas the validator uses into schemas/crds/ (see schemas/README.md).

    python scripts/vendor_crds.py --upstream DIR [--out schemas/crds]

DIR holds the pinned upstream files (as in tests/data/upstream): Argo CD's CRDs are
converted to strict JSON Schema 2020-12 (generator.k8s.schema_crd), the others are copied
byte for byte. `_index.json` maps apiVersion -> kind -> file. Output bytes are
deterministic; stale *.json files in the output folder are removed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.k8s.schema_crd import crd_json_schemas, schema_file_name

INDEX = "_index.json"

# Argo CD v3.5.1, manifests/crds/ (commit 109ca7ca71139e514114499d294a492e7910a965).
ARGOCD_CRDS = (
    "argocd-crds-v3.5.1/application-crd.yaml",
    "argocd-crds-v3.5.1/appproject-crd.yaml",
    "argocd-crds-v3.5.1/applicationset-crd.yaml",
)

# datreeio/CRDs-catalog @ 7b1e26ef9deea49293714d204c1a2270aab1178f: (file, apiVersion, kind).
VERBATIM = (
    (
        "crd-schemas/external-secrets.io_externalsecret_v1.json",
        "external-secrets.io/v1",
        "ExternalSecret",
    ),
    (
        "crd-schemas/external-secrets.io_clusterexternalsecret_v1.json",
        "external-secrets.io/v1",
        "ClusterExternalSecret",
    ),
    (
        "crd-schemas/monitoring.coreos.com_servicemonitor_v1.json",
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
    ),
    ("crd-schemas/velero.io_schedule_v1.json", "velero.io/v1", "Schedule"),
    ("crd-schemas/cert-manager.io_certificate_v1.json", "cert-manager.io/v1", "Certificate"),
    ("crd-schemas/cert-manager.io_issuer_v1.json", "cert-manager.io/v1", "Issuer"),
    ("crd-schemas/cert-manager.io_clusterissuer_v1.json", "cert-manager.io/v1", "ClusterIssuer"),
)


def dump(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def vendored_files(upstream: Path) -> dict[str, bytes]:
    """{file name: bytes} of everything schemas/crds/ holds."""
    files: dict[str, bytes] = {}
    index: dict[str, dict[str, str]] = {}
    for source in ARGOCD_CRDS:
        crd = yaml.load((upstream / source).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for name, schema in crd_json_schemas(crd).items():
            files[name] = dump(schema)
            api_version = schema["properties"]["apiVersion"]["const"]
            index.setdefault(api_version, {})[schema["properties"]["kind"]["const"]] = name
    for source, api_version, kind in VERBATIM:
        name = schema_file_name(api_version, kind)
        if Path(source).name != name:
            raise SystemExit(f"{source}: expected the upstream file to be named {name}")
        files[name] = (upstream / source).read_bytes()
        index.setdefault(api_version, {})[kind] = name
    files[INDEX] = dump(index)
    return files


def write(files: dict[str, bytes], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(set(p.name for p in out.glob("*.json")) - set(files)):
        (out / stale).unlink()
    for name, data in sorted(files.items()):
        target = out / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--upstream", type=Path, required=True, help="folder of pinned upstream files"
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "schemas" / "crds"
    )
    args = parser.parse_args(argv)
    write(vendored_files(args.upstream), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
