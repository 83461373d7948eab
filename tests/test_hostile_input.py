"""Hostile input: every case goes through the real command line in a subprocess (memory capped,
time-limited) and ends in exit 2 with one whole `path:line:col: error: what; what to do`
line, never a traceback, an internal error or a hang; `generate` leaves the tree as it was.
The same for the catalog (`generate`, `validate`) and manifests (`lint`, and the files
`validate` reads). A Hypothesis fuzzer then feeds YAML-ish text and bytes to both readers.
"""

import contextlib
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.catalog.load import catalog_from_text
from generator.cli.main import main
from generator.errors import GitopsgenError, InputError
from generator.manifest_yaml import load_manifests
from generator.textfile import decode
from generator.yamlio import load_located
from tests.helpers import CATALOGS, ROOT, make_repo, snapshot
from tests.strategies import yaml_bytes, yaml_texts

EXAMPLE = (CATALOGS / "example.yaml").read_text()
GIB = 1 << 30
TIMEOUT = 10  # seconds for one command, start-up included; a case takes one to three
CPU_SECONDS = 10


def edit(old, new):
    assert EXAMPLE.count(old) >= 1, old
    return EXAMPLE.replace(old, new, 1)


def in_config(lines):
    """The example with `lines` added under apps.web.config (6 spaces in)."""
    return edit("      LOG_LEVEL: info\n", "      LOG_LEVEL: info\n" + lines)


def list_bomb(levels, fan, indent):
    rows = [f"- &l0 [{', '.join(['lol'] * fan)}]"]
    rows += [f"- &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels)]
    return "".join(f"{indent}{row}\n" for row in rows)


def map_bomb(levels, fan, indent):
    keys = [f"k{j}" for j in range(fan)]
    rows = [f"- &m0 {{{', '.join(f'{k}: lol' for k in keys)}}}"]
    rows += [f"- &m{i} {{{', '.join(f'{k}: *m{i - 1}' for k in keys)}}}" for i in range(1, levels)]
    return "".join(f"{indent}{row}\n" for row in rows)


def nested(depth):
    return "[" * depth + "]" * depth


CONFIGMAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: dev\n"
    "data:\n  LOG_LEVEL: info\n"
)
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: dev\nspec:\n"
    "  containers:\n    - name: web\n      image: nginx:latest\n"
)


@dataclass(frozen=True)
class Special:
    """A catalog or manifest that is not a regular file with text."""

    kind: str  # fifo | loop | zero | sparse
    size: int = 0


@dataclass(frozen=True)
class Case:
    content: str | bytes | Special
    message: str  # the whole stderr, without the final newline; {shown} is the path shown
    code: int = 2
    env: dict[str, str] = field(default_factory=dict)


ALIAS_LIMIT = (
    "aliases expand to more than 100000 nodes in this file (an alias bomb?); write the values "
    "out instead of aliasing them, or raise GITOPSGEN_MAX_ALIAS_NODES"
)
CORE_ONLY = (
    "is outside the YAML core schema; remove it (gitopsgen reads plain strings, numbers, "
    "booleans, null, mappings and lists)"
)

CATALOG_CASES = {
    "alias-bomb-in-config": Case(
        in_config("      BOMB:\n" + list_bomb(10, 10, "        ")),
        f"catalog.yaml:132:51: error: {ALIAS_LIMIT}",
    ),
    "map-bomb-9-levels": Case(
        in_config("      BOMB:\n" + map_bomb(9, 10, "        ")),
        f"catalog.yaml:132:83: error: {ALIAS_LIMIT}",
    ),
    "list-bomb-in-defaults": Case(
        edit("defaults:\n", "defaults:\n  x-lol:\n" + list_bomb(9, 12, "    ")),
        f"catalog.yaml:115:27: error: {ALIAS_LIMIT}",
    ),
    "260000-keys": Case(
        EXAMPLE + "x-keys:\n" + "".join(f"  k{i}: v\n" for i in range(260_000)),
        "catalog.yaml:249963:3: error: more than 250000 keys and list items in one document; "
        "split it into several documents or files, or raise GITOPSGEN_MAX_KEYS",
    ),
    "dev-zero": Case(
        Special("zero"),
        "{shown}:1:1: error: {shown} is a character device, not a regular file; pass a file",
    ),
    "fifo": Case(
        Special("fifo"),
        "{shown}:1:1: error: {shown} is a FIFO (named pipe), not a regular file; pass a file",
    ),
    "symlink-loop": Case(
        Special("loop"),
        "{shown}:1:1: error: {shown} is a loop of symbolic links; point it at a file",
    ),
    "over-the-size-limit": Case(
        Special("sparse", 4 * 1024 * 1024 + 1),
        "{shown}:1:1: error: {shown} is 4194305 bytes, over the limit of 4 MiB for one file; "
        "split it, or raise GITOPSGEN_MAX_FILE_BYTES",
    ),
    "size-limit-raised": Case(
        Special("sparse", 4 * 1024 * 1024 + 1),
        "{shown}:1:1048577: error: line 1 is 4194305 characters long, over the limit of "
        "1048576; break it into several lines, or raise GITOPSGEN_MAX_LINE_LENGTH",
        env={"GITOPSGEN_MAX_FILE_BYTES": "8388608"},
    ),
    "bad-limit-value": Case(
        EXAMPLE,
        "error: GITOPSGEN_MAX_DEPTH must be from 1 to 1000, not 'deep'",
        env={"GITOPSGEN_MAX_DEPTH": "deep"},
    ),
    "line-too-long": Case(
        in_config("      LONG: " + "x" * (1024 * 1024) + "\n"),
        "catalog.yaml:127:1048577: error: line 127 is 1048588 characters long, over the limit "
        "of 1048576; break it into several lines, or raise GITOPSGEN_MAX_LINE_LENGTH",
    ),
    "nul-character": Case(
        in_config("      NUL: a\0b\n"),
        "catalog.yaml:127:13: error: YAML does not parse: character #x0000 is not allowed in "
        "YAML; remove it",
    ),
    "key-true": Case(
        in_config("      true: x\n"),
        "catalog.yaml:127:7: error: key true is read as the boolean true; keys must be "
        "strings; quote it: 'true'",
    ),
    "key-012": Case(
        in_config("      012: x\n"),
        "catalog.yaml:127:7: error: key 012 is read as the integer 12; keys must be strings; "
        "quote it: '012'",
    ),
    "key-0x1F": Case(
        in_config("      0x1F: x\n"),
        "catalog.yaml:127:7: error: key 0x1F is read as the integer 31; keys must be strings; "
        "quote it: '0x1F'",
    ),
    "key-1e3": Case(
        in_config("      1e3: x\n"),
        "catalog.yaml:127:7: error: key 1e3 is read as the number 1000.0; keys must be "
        "strings; quote it: '1e3'",
    ),
    "key-null": Case(
        in_config("      ~: x\n"),
        "catalog.yaml:127:7: error: key ~ is read as null; keys must be strings; quote it: '~'",
    ),
    "app-named-2048": Case(
        edit("  worker:  ", "  2048:  "),
        "catalog.yaml:183:3: error: key 2048 is read as the integer 2048; keys must be "
        "strings; quote it: '2048'",
    ),
    "complex-key": Case(
        in_config("      ? [a, b]\n      : x\n"),
        "catalog.yaml:127:9: error: a list cannot be a mapping key; keys must be strings; "
        "write a plain key",
    ),
    "nested-1000-deep": Case(
        in_config(f"      DEEP: {nested(1000)}\n"),
        "catalog.yaml:127:1009: error: nesting deeper than 100 levels; flatten the data, or "
        "raise GITOPSGEN_MAX_DEPTH",
    ),
    "integer-beyond-64-bits": Case(
        in_config("      BIG: 0x" + "f" * 5000 + "\n"),
        "catalog.yaml:127:12: error: '0xffffffffffffffffffffffffffffffffffffff...' is an "
        "integer beyond 64 bits, which no Kubernetes field holds; quote it to keep it a string",
    ),
    "merge-of-a-string": Case(
        edit(
            "    probes:\n      readiness: {path: /ready, port: 5001, initialDelaySeconds: 5}\n",
            "    probes:\n      <<: *oops\n",
        ).replace("    team: storefront\n", "    team: &oops storefront\n", 1),
        "catalog.yaml:177:11: error: '<<' merges mappings, and this is a string; merge an "
        "alias of a mapping (<<: *name) or a list of them",
    ),
    "python-tag": Case(
        in_config("      RUN: !!python/object/apply:os.system [echo hi]\n"),
        f"catalog.yaml:127:12: error: tag !!python/object/apply:os.system {CORE_ONLY}",
    ),
    "local-tag": Case(
        in_config("      TOKEN: !vault secret/token\n"),
        f"catalog.yaml:127:14: error: tag !vault {CORE_ONLY}",
    ),
    "binary-tag": Case(
        in_config("      BLOB: !!binary aGk=\n"),
        f"catalog.yaml:127:13: error: tag !!binary {CORE_ONLY}",
    ),
    "duplicate-top-level": Case(
        EXAMPLE + "argocd:\n  namespace: other\n",
        "catalog.yaml:194:1: error: duplicate key 'argocd' (first at line 18); keep one of them",
    ),
    "duplicate-deep-flow": Case(
        edit("dev: {version: 0.9.0, replicas: 1}", "dev: {version: 0.9.0, version: 1.0.0}"),
        "catalog.yaml:179:29: error: duplicate key 'version' (first at line 179); keep one of them",
    ),
    "recursive-alias": Case(
        in_config("      LOOP: &loop [*loop]\n"),
        "catalog.yaml:127:20: error: alias *loop is inside its own anchor &loop (a recursive "
        "alias); write the value out",
    ),
    "undefined-alias": Case(
        in_config("      GHOST: *ghost\n"),
        "catalog.yaml:127:14: error: alias *ghost has no anchor &ghost before it in this "
        "document; define the anchor first, or write the value out",
    ),
    "second-document": Case(
        EXAMPLE + "---\napiVersion: gitopsgen/v1\n",
        "catalog.yaml:194:1: error: a second YAML document starts here, and this file holds "
        "one; remove the '---' and what follows it",
    ),
}

MANIFEST_CASES = {
    "alias-bomb": Case(
        CONFIGMAP + "  BOMB: x\nx-bomb:\n" + list_bomb(10, 10, "  "),
        f"file.yaml:14:45: error: {ALIAS_LIMIT}",
    ),
    "map-bomb-9-levels": Case(
        CONFIGMAP + "x-bomb:\n" + map_bomb(9, 10, "  "),
        f"file.yaml:13:77: error: {ALIAS_LIMIT}",
    ),
    "alias-limit-raised": Case(
        CONFIGMAP + "x-bomb:\n" + list_bomb(6, 10, "  "),
        f"file.yaml:11:50: error: {ALIAS_LIMIT.replace('100000', '1000')}",
        env={"GITOPSGEN_MAX_ALIAS_NODES": "1000"},
    ),
    "recursive-alias": Case(
        CONFIGMAP + "x: &r [*r]\n",
        "file.yaml:8:8: error: alias *r is inside its own anchor &r (a recursive alias); write "
        "the value out",
    ),
    "merge-of-a-string": Case(
        CONFIGMAP + "x: &s hello\ny:\n  <<: *s\n",
        "file.yaml:10:7: error: '<<' merges mappings, and this is a string; merge an alias of "
        "a mapping (<<: *name) or a list of them",
    ),
    "merge-of-a-list-in-its-list": Case(
        CONFIGMAP + "x: &m {a: 1}\ny:\n  <<: [*m, [b]]\n",
        "file.yaml:10:12: error: '<<' merges mappings, and this is a list inside its list; "
        "list aliases of mappings: <<: [*a, *b]",
    ),
    "key-true": Case(
        CONFIGMAP + "  true: x\n",
        "file.yaml:8:3: error: key true is read as the boolean true; keys must be strings; "
        "quote it: 'true'",
    ),
    "key-on-is-a-yaml-1.1-boolean": Case(
        CONFIGMAP + "  on: x\n",
        "file.yaml:8:3: error: key on is read as the boolean true; keys must be strings; "
        "quote it: 'on'",
    ),
    "key-012-is-octal": Case(
        CONFIGMAP + "  012: x\n",
        "file.yaml:8:3: error: key 012 is read as the integer 10; keys must be strings; quote "
        "it: '012'",
    ),
    "key-0x1F": Case(
        CONFIGMAP + "  0x1F: x\n",
        "file.yaml:8:3: error: key 0x1F is read as the integer 31; keys must be strings; "
        "quote it: '0x1F'",
    ),
    "key-1.5": Case(
        CONFIGMAP + "  1.5: x\n",
        "file.yaml:8:3: error: key 1.5 is read as the number 1.5; keys must be strings; quote "
        "it: '1.5'",
    ),
    "integer-beyond-64-bits": Case(
        CONFIGMAP + "x-big: 0x" + "f" * 5000 + "\n",
        "file.yaml:8:8: error: '0xffffffffffffffffffffffffffffffffffffff...' is an integer "
        "beyond 64 bits, which no Kubernetes field holds; quote it to keep it a string",
    ),
    "integer-of-64-bits": Case(
        CONFIGMAP + "x-big: 18446744073709551616\n",
        "file.yaml:8:8: error: '18446744073709551616' is an integer beyond 64 bits, which no "
        "Kubernetes field holds; quote it to keep it a string",
    ),
    "key-null": Case(
        CONFIGMAP + "  ~: x\n",
        "file.yaml:8:3: error: key ~ is read as null; keys must be strings; quote it: '~'",
    ),
    "key-alias-of-a-number": Case(
        CONFIGMAP + "  n: &n 5\n  *n : x\n",
        "file.yaml:9:3: error: key *n is an alias of the integer 5; keys must be strings; "
        "write the key out",
    ),
    "complex-key": Case(
        CONFIGMAP + "  ? {a: b}\n  : x\n",
        "file.yaml:8:5: error: a mapping cannot be a mapping key; keys must be strings; write "
        "a plain key",
    ),
    "nested-150-deep": Case(
        CONFIGMAP + f"  DEEP: {nested(150)}\n",
        "file.yaml:8:107: error: nesting deeper than 100 levels; flatten the data, or raise "
        "GITOPSGEN_MAX_DEPTH",
    ),
    "nested-1000-deep": Case(
        CONFIGMAP + f"  DEEP: {nested(1000)}\n",
        "file.yaml:8:1007: error: nesting deeper than 100 levels; flatten the data, or raise "
        "GITOPSGEN_MAX_DEPTH",
    ),
    "python-tag": Case(
        CONFIGMAP + "  RUN: !!python/object/apply:os.system [echo hi]\n",
        f"file.yaml:8:8: error: tag !!python/object/apply:os.system {CORE_ONLY}",
    ),
    "local-tag": Case(
        CONFIGMAP + "  TOKEN: !vault x\n", f"file.yaml:8:10: error: tag !vault {CORE_ONLY}"
    ),
    "set-tag": Case(
        CONFIGMAP + "x: !!set {a, b}\n", f"file.yaml:8:4: error: tag !!set {CORE_ONLY}"
    ),
    "str-tag-on-a-list": Case(
        CONFIGMAP + "x: !!str [a]\n",
        "file.yaml:8:4: error: tag !!str cannot be on a list; remove it",
    ),
    "int-tag-on-text": Case(
        CONFIGMAP + "  N: !!int many\n",
        "file.yaml:8:6: error: 'many' is not a valid !!int; remove the tag or fix the value",
    ),
    "duplicate-top-level": Case(
        CONFIGMAP + "kind: Secret\n",
        "file.yaml:8:1: error: duplicate key 'kind' (first at line 2); keep one of them",
    ),
    "duplicate-deep": Case(
        POD + "      ports:\n        - {containerPort: 80, containerPort: 81}\n",
        "file.yaml:11:31: error: duplicate key 'containerPort' (first at line 11); keep one of "
        "them",
    ),
    "duplicate-in-a-list-item": Case(
        "apiVersion: v1\nkind: List\nitems:\n  - kind: ConfigMap\n    metadata: {name: a}\n"
        "    kind: Secret\n",
        "file.yaml:6:5: error: duplicate key 'kind' (first at line 4); keep one of them",
    ),
    "dev-zero": Case(
        Special("zero"),
        "/dev/zero:1:1: error: /dev/zero is a character device, not a regular file; pass a file",
    ),
    "fifo": Case(
        Special("fifo"),
        "file.yaml:1:1: error: file.yaml is a FIFO (named pipe), not a regular file; pass a file",
    ),
    "symlink-loop": Case(
        Special("loop"),
        "file.yaml:1:1: error: file.yaml is a loop of symbolic links; point it at a file",
    ),
    "over-the-size-limit": Case(
        Special("sparse", 16 * 1024 * 1024 + 1),
        "file.yaml:1:1: error: file.yaml is 16777217 bytes, over the limit of 16 MiB for one "
        "file; split it, or raise GITOPSGEN_MAX_FILE_BYTES",
    ),
    "50001-documents": Case(
        "---\n" * 50_001,
        "file.yaml:50001:1: error: more than 50000 YAML documents in one file; split the file, "
        "or raise GITOPSGEN_MAX_DOCUMENTS",
    ),
    "100001-keys": Case(
        CONFIGMAP + "".join(f"  k{i}: v\n" for i in range(100_000)),
        "file.yaml:100001:3: error: more than 100000 keys and list items in one document; "
        "split it into several documents or files, or raise GITOPSGEN_MAX_KEYS",
    ),
    "line-too-long": Case(
        CONFIGMAP + "  LONG: " + "x" * (1024 * 1024) + "\n",
        "file.yaml:8:1048577: error: line 8 is 1048584 characters long, over the limit of "
        "1048576; break it into several lines, or raise GITOPSGEN_MAX_LINE_LENGTH",
    ),
    "nul-character": Case(
        CONFIGMAP + "  NUL: a\0b\n",
        "file.yaml:8:9: error: YAML does not parse: character #x0000 is not allowed in YAML; "
        "remove it",
    ),
    "bom-and-crlf-keep-positions": Case(
        ("\ufeff" + POD).replace("\n", "\r\n").encode(),
        "",
        code=1,
    ),
}


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run(args, cwd, env=None):
    """The real command line in a subprocess with at most 1 GiB of memory and TIMEOUT."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GITOPSGEN_")}
    environ.update(PYTHONPATH=str(ROOT), GITHUB_ACTIONS="false", **(env or {}))
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=limited,
    )
    return done, time.monotonic() - start


def place(target, content):
    """Put `content` at `target`; returns the path to pass on the command line."""
    if target.exists() or target.is_symlink():
        target.unlink()
    if isinstance(content, Special):
        if content.kind == "fifo":
            os.mkfifo(target)
        elif content.kind == "loop":
            os.symlink(target.name + ".other", target)
            os.symlink(target.name, target.parent / (target.name + ".other"))
        elif content.kind == "sparse":
            with open(target, "wb") as file:
                file.truncate(content.size)
        elif content.kind == "zero":
            return Path("/dev/zero")
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return target


def generated_tree(root):
    """The generated folders' files (not the catalog, which may be a FIFO)."""
    return {
        f"{top}/{p}": b
        for top in ("base", "overlays", "argocd")
        for p, b in snapshot(root / top).items()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A repository generated from the example catalog, plus a hand-written file."""
    root = make_repo(tmp_path_factory.mktemp("template"), EXAMPLE)
    result = CliRunner().invoke(main, ["generate", "--root", str(root)])
    assert result.exit_code == 0, result.output
    (root / "overlays" / "notes.md").write_text("hand-written\n")
    return root


@pytest.mark.parametrize("command", ["generate", "validate"])
@pytest.mark.parametrize("case", sorted(CATALOG_CASES))
def test_hostile_catalog(case, command, generated, tmp_path):
    spec = CATALOG_CASES[case]
    root = tmp_path / "repo"
    shutil.copytree(generated, root, symlinks=True)
    catalog = place(root / "catalog.yaml", spec.content)
    args = [command, "--root", str(root)]
    if catalog != root / "catalog.yaml":
        args += ["--catalog", str(catalog)]
    shown = os.path.relpath(catalog, root)
    before = generated_tree(root)
    done, elapsed = run(args, tmp_path, spec.env)
    assert (done.returncode, done.stderr) == (spec.code, spec.message.format(shown=shown) + "\n")
    assert done.stdout == ""
    assert elapsed < TIMEOUT
    assert generated_tree(root) == before


@pytest.mark.parametrize("case", sorted(MANIFEST_CASES))
def test_hostile_manifest(case, tmp_path):
    spec = MANIFEST_CASES[case]
    path = place(tmp_path / "file.yaml", spec.content)
    shown = "file.yaml" if path.parent == tmp_path else str(path)
    done, elapsed = run(["lint", shown], tmp_path, spec.env)
    assert (done.returncode, done.stderr) == (
        spec.code,
        spec.message + "\n" if spec.message else "",
    )
    assert elapsed < TIMEOUT
    if spec.code == 2:
        assert done.stdout == ""


def test_bom_and_crlf_keep_positions(tmp_path):
    (tmp_path / "plain.yaml").write_text(POD)
    (tmp_path / "windows.yaml").write_bytes(("\ufeff" + POD).replace("\n", "\r\n").encode())
    plain, _ = run(["lint", "plain.yaml"], tmp_path)
    windows, _ = run(["lint", "windows.yaml"], tmp_path)
    assert plain.returncode == windows.returncode == 1
    assert windows.stdout == plain.stdout.replace("plain.yaml", "windows.yaml")
    assert (
        "plain.yaml:9:7: error: container 'web' image 'nginx:latest' is mutable; pin a version "
        "or a digest (image-tag-latest)"
    ) in plain.stdout.splitlines()


def test_bom_and_crlf_catalog_generates_the_same_tree(generated, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(generated, root, symlinks=True)
    before = snapshot(root)
    windows = ("\ufeff" + EXAMPLE).replace("\n", "\r\n").encode()
    (root / "catalog.yaml").write_bytes(windows)
    done, _ = run(["generate", "--root", str(root)], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert snapshot(root) == {**before, "catalog.yaml": windows}
    broken = windows.replace(b"replicas: 3\r\n", b"replicas: three\r\n", 1)
    (root / "catalog.yaml").write_bytes(broken)
    done, _ = run(["generate", "--root", str(root)], tmp_path)
    assert (done.returncode, done.stderr) == (
        1,
        "catalog.yaml:139:19: error: `apps.web.environments.staging.replicas` must be an "
        "integer, not 'three' (catalog-schema)\n",
    )


def test_merge_keys_read_as_if_written_out(generated, tmp_path):
    """`<<: *name` is supported in the catalog as in manifests: the tree is the one the
    written-out catalog generates, and keys written next to `<<` win."""
    ledger = "    probes:\n      readiness: {path: /ready, port: 5001, initialDelaySeconds: 5}\n"
    merged = edit("    probes:\n", "    probes: &probes\n").replace(
        ledger, ledger.replace("probes:\n", "probes:\n      <<: *probes\n"), 1
    )
    written_out = EXAMPLE.replace(ledger, ledger + "      liveness: {path: /livez}\n", 1)
    trees = []
    for text in (merged, written_out):
        root = make_repo(tmp_path, text, name=f"repo{len(trees)}")
        result = CliRunner().invoke(main, ["generate", "--root", str(root)])
        assert result.exit_code == 0, result.output
        trees.append({p: b for p, b in snapshot(root).items() if p != "catalog.yaml"})
    assert trees[0] == trees[1]


def test_merge_keys_in_manifests(tmp_path):
    (tmp_path / "merged.yaml").write_text(
        "x-base: &base {name: web, namespace: dev, labels: {app: web}}\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: [*base, {name: other, team: a}]\n"
        "  namespace: prod\n"
    )
    [manifest] = load_manifests((tmp_path / "merged.yaml").read_text(), "merged.yaml")
    assert manifest.obj["metadata"] == {
        "namespace": "prod",
        "name": "web",
        "labels": {"app": "web"},
        "team": "a",
    }
    assert manifest.position("metadata", "name") == manifest.position("x-base", "name")
    assert (
        manifest.position("metadata", "namespace").line,
        manifest.position("metadata", "team").line,
    ) == (6, 5)


def test_validate_refuses_a_hostile_argo_cd_file(generated, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(generated, root, symlinks=True)
    (root / "argocd" / "apps" / "dev" / "extra.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n  012: y\n"
    )
    done, elapsed = run(["validate", "--root", str(root)], tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        "argocd/apps/dev/extra.yaml:5:3: error: key 012 is read as the integer 10; keys must "
        "be strings; quote it: '012'\n",
    )
    assert elapsed < TIMEOUT


def test_lint_of_a_folder_refuses_a_fifo_in_it(tmp_path):
    (tmp_path / "ok.yaml").write_text(CONFIGMAP)
    os.mkfifo(tmp_path / "pipe.yaml")
    done, _ = run(["lint", "."], tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        "pipe.yaml:1:1: error: pipe.yaml is a FIFO (named pipe), not a regular file; pass a file\n",
    )


# The fuzzer: any text or bytes is a value or one of our errors, never another exception.

PLAIN = (str, int, float, bool, type(None))


def plain(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return isinstance(value, PLAIN)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(yaml_texts())
def test_fuzz_catalog_reader(text):
    try:
        doc = load_located(text, "catalog.yaml")
    except InputError as exc:
        assert str(exc).startswith("catalog.yaml:")
        return
    assert plain(doc.data)
    lines = max(1, len(text.splitlines()) + 1)
    assert all(1 <= line <= lines for line, _ in doc.values.values())


@FUZZ
@given(yaml_texts())
def test_fuzz_catalog_loader(text):
    with contextlib.suppress(GitopsgenError):  # a Catalog, or one of our errors
        catalog_from_text(text, "catalog.yaml")


@FUZZ
@given(yaml_texts())
def test_fuzz_manifest_reader(text):
    try:
        manifests = load_manifests(text, "file.yaml")
    except InputError as exc:
        assert str(exc).startswith("file.yaml:")
        return
    assert all(plain(dict(m.obj)) for m in manifests)


@FUZZ
@given(yaml_bytes(), st.booleans())
def test_fuzz_bytes(data, catalog):
    try:
        text = decode(data, "in.yaml")
        if catalog:
            load_located(text, "in.yaml")
        else:
            load_manifests(text, "in.yaml")
    except InputError as exc:
        assert str(exc).startswith("in.yaml:")
