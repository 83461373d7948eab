"""Helpers shared by the generator tests: repositories in tmp_path, whole-tree snapshots."""

import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CATALOGS = ROOT / "tests" / "data" / "catalogs"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative POSIX path -> bytes), and every folder as path/."""
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = Path(folder).relative_to(root).as_posix()
        if rel != ".":
            found[rel + "/"] = b""
        for name in sorted(files):
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


# What the writing commands keep at the root between runs: the lock (empty when no run holds
# it) in a folder git ignores.
STATE = {
    ".gitopsgen/": b"",
    ".gitopsgen/.gitignore": b"# gitopsgen's lock and journal: never committed\n*\n",
    ".gitopsgen/lock": b"",
}


def without_state(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {p: b for p, b in tree.items() if not p.startswith(".gitopsgen/")}


def files_only(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {p: b for p, b in tree.items() if not p.endswith("/")}


def make_repo(tmp_path: Path, catalog: str | bytes | Path, name: str = "repo") -> Path:
    root = tmp_path / name
    root.mkdir()
    target = root / "catalog.yaml"
    if isinstance(catalog, Path):
        shutil.copyfile(catalog, target)
    elif isinstance(catalog, bytes):
        target.write_bytes(catalog)
    else:
        target.write_text(catalog, encoding="utf-8")
    return root


CASE_FILES = ("catalog.yaml", "tree")


def hand_owned(case: str) -> list[Path]:
    """What a case's folder holds besides its catalog and its tree (e.g. components/)."""
    return sorted(p for p in (GOLDEN / case).iterdir() if p.name not in CASE_FILES)


def case_repo(tmp_path: Path, case: str) -> Path:
    """A repository with the case's catalog and its hand-owned files, not yet generated."""
    root = make_repo(tmp_path, GOLDEN / case / "catalog.yaml")
    for path in hand_owned(case):
        if path.is_dir():
            shutil.copytree(path, root / path.name)
        else:
            shutil.copyfile(path, root / path.name)
    return root


def hand_owned_files(case: str) -> set[str]:
    found = set()
    for path in hand_owned(case):
        if path.is_dir():
            found |= {f"{path.name}/{p}" for p in files_only(snapshot(path))}
        else:
            found.add(path.name)
    return found


def chart_unavailable(line: int, chart: str, version: str, repo: str, where: str) -> tuple:
    """validate's `chart-unavailable` warning in a test session (offline, the session's Helm
    cache), as (rule, severity, path, line, message)."""
    content = Path(os.environ["HELM_CACHE_HOME"]) / "content"
    return (
        "chart-unavailable",
        "warning",
        "catalog.yaml",
        line,
        f"chart {chart} {version} ({repo}) cannot be obtained: not in charts/ "
        f"({chart}-{version}.tgz or {chart}/ with that version) nor in the Helm cache "
        f"({content}); not pulled: offline (GITOPSGEN_OFFLINE); its objects are not checked "
        f"({where}); add charts/{chart}-{version}.tgz (helm pull), or run where the chart "
        "repository can be reached",
    )


def invoke(*args: str) -> Any:
    """The CLI through click's runner, outside GitHub Actions (no annotations on stdout)."""
    from click.testing import CliRunner

    from generator.cli.main import main

    return CliRunner().invoke(main, list(args), env={"GITHUB_ACTIONS": None})


def assert_refused(root: Path, text: str, code: int, message: str, summary: str) -> None:
    """Write `text` as the catalog, then run generate and validate: each exits `code` and
    prints exactly `message` (generate on stderr; validate on stdout with its `summary`, or
    on stderr alone for a catalog that does not parse, code 2), and nothing but the catalog
    differs afterwards, .git included."""
    before = snapshot(root)
    (root / "catalog.yaml").write_text(text)
    generated = invoke("generate", "--root", str(root))
    assert (generated.exit_code, generated.stdout, generated.stderr) == (code, "", message + "\n")
    validated = invoke("validate", "--root", str(root))
    shown = ("", message + "\n") if code == 2 else (f"{message}\n{summary}\n", "")
    assert (validated.exit_code, validated.stdout, validated.stderr) == (code, *shown)
    assert snapshot(root) == {**before, "catalog.yaml": text.encode()}


def generated_with_cache(root: Path, cache_dir: Path, case: str) -> dict[str, bytes]:
    """`generate --cache-dir` on a case's repository; the tree written (without the catalog,
    the case's hand-owned files and the lock folder)."""
    done = invoke("generate", "--root", str(root), "--cache-dir", str(cache_dir))
    assert done.exit_code == 0, done.output
    got = files_only(snapshot(root))
    for path in ["catalog.yaml", *hand_owned_files(case), *files_only(STATE)]:
        del got[path]
    return got
