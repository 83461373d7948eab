"""The cache of builds and findings (generator.builds.cache): a warm `validate` of an unchanged
repository runs no Kustomize and no rule and reports exactly what a cold one does; a change
rebuilds exactly the folders that read it; `--no-cache` reads and writes nothing; entries are
written atomically and the cache stays under its size."""

import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import kustomize
from generator.api import Repository, generate
from generator.builds import batch, keys, settled
from generator.builds.batch import Builder
from generator.builds.cache import Cache, default_folder
from generator.builds.inputs import inputs
from generator.builds.keys import build_key
from generator.cli.main import main
from generator.cli.progress import ProgressLine, progress_line
from generator.rules import MANIFEST_RULES
from generator.validate import argocd_files, repository, stages, tree_check
from generator.validate.repository import validate
from tests.helpers import case_repo


def counting(monkeypatch):
    """The folders each Kustomize process builds, and the rule checks that run."""
    calls = {"built": [], "checked": 0, "rendered": 0, "argocd": 0}
    real_build, real_together = kustomize.build, kustomize.build_together
    real_check, real_rendered = stages.check_environment, repository.rendered_findings
    real_argocd = stages.check_applications

    def build(folder):
        calls["built"].append(folder.name)
        return real_build(folder)

    def together(folders):
        calls["built"] += [f.name for f in folders]
        return real_together(folders)

    def check(*args):
        calls["checked"] += 1
        return real_check(*args)

    def rendered(*args):
        calls["rendered"] += 1
        return real_rendered(*args)

    def argocd(*args):
        calls["argocd"] += 1
        return real_argocd(*args)

    monkeypatch.setattr(kustomize, "build", build)
    monkeypatch.setattr(kustomize, "build_together", together)
    monkeypatch.setattr(stages, "check_environment", check)
    monkeypatch.setattr(repository, "rendered_findings", rendered)
    monkeypatch.setattr(stages, "check_applications", argocd)
    return calls


@pytest.fixture(params=["just written", "settled"])
def files(request, monkeypatch):
    """A test twice: with the files just written, as right after a generate (no stat is
    trusted), and with every file settled, so what was read is kept under the stats
    (generator.builds.settled) and a warm run reads only what changed."""
    if request.param == "settled":
        monkeypatch.setattr(settled, "SETTLED_NS", -3600 * 10**9)
    return request.param


def run(root, *args):
    result = CliRunner().invoke(main, ["validate", "--root", str(root), "--format", "json", *args])
    return result.exit_code, result.stdout, result.stderr


def example(tmp_path):
    root = case_repo(tmp_path, "example")  # a warning on a base file, from its catalog entry
    generate(Repository.at(root))
    return root


def test_a_warm_validate_builds_and_checks_nothing(tmp_path, monkeypatch, files):
    root = example(tmp_path)
    cache = tmp_path / "cache"
    cold = run(root, "--no-cache")
    calls = counting(monkeypatch)
    first = run(root, "--cache-dir", str(cache))
    assert len(calls["built"]) == 14
    assert (calls["checked"], calls["rendered"], calls["argocd"]) == (3, 1, 1)
    second = run(root, "--cache-dir", str(cache))
    assert len(calls["built"]) == 14
    assert (calls["checked"], calls["rendered"], calls["argocd"]) == (3, 1, 1)
    assert cold == first == second
    assert cold[0] == 0
    assert json.loads(cold[1])["summary"] == {"errors": 0, "warnings": 1, "files": 90}


def test_a_warm_validate_of_settled_files_reads_no_input_again(tmp_path, monkeypatch):
    monkeypatch.setattr(settled, "SETTLED_NS", -3600 * 10**9)
    root = example(tmp_path)
    cache = tmp_path / "cache"
    cold = run(root, "--cache-dir", str(cache))
    assert cold == run(root, "--no-cache")
    assert json.loads(cold[1])["summary"] == {"errors": 0, "warnings": 1, "files": 90}

    def not_again(*args):
        raise AssertionError(f"read again: {args}")

    # What each folder's build reads, the Argo CD objects, the tree on disk: none is read.
    monkeypatch.setattr(batch, "inputs", not_again)
    monkeypatch.setattr(argocd_files, "argocd_manifests", not_again)
    monkeypatch.setattr(tree_check, "plan", not_again)
    assert run(root, "--cache-dir", str(cache)) == cold


def test_a_change_rebuilds_the_folders_that_read_it(tmp_path, monkeypatch, files):
    root = example(tmp_path)
    cache = tmp_path / "cache"
    run(root, "--cache-dir", str(cache))
    deployment = root / "base" / "ledger" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace("cpu: 100m", "cpu: 150m", 1))
    calls = counting(monkeypatch)
    warm = run(root, "--cache-dir", str(cache))
    assert sorted(calls["built"]) == ["ledger", "ledger", "ledger"]
    assert calls["checked"] == 3  # each environment has a changed folder
    assert calls["rendered"] == 0  # the catalog did not change
    assert calls["argocd"] == 1  # what the Applications' paths build changed
    assert warm == run(root, "--no-cache")
    assert warm[0] == 1  # the hand edit is drift


def test_a_hand_written_application_checks_the_argo_cd_objects_again(tmp_path, monkeypatch, files):
    root = example(tmp_path)
    cache = tmp_path / "cache"
    run(root, "--cache-dir", str(cache))
    source = (root / "argocd" / "apps" / "dev" / "web.yaml").read_text().split("\n", 2)[2]
    (root / "argocd" / "apps" / "dev" / "extra.yaml").write_text(
        source.replace("path: overlays/dev/web", "path: overlays/dev/missing").replace(
            "name: dev-web", "name: extra"
        )
    )
    calls = counting(monkeypatch)
    warm = run(root, "--cache-dir", str(cache))
    assert (calls["built"], calls["checked"], calls["argocd"]) == ([], 0, 1)
    assert warm == run(root, "--no-cache")
    assert "argocd-path-builds" in warm[1]
    calls = counting(monkeypatch)
    assert run(root, "--cache-dir", str(cache)) == warm
    assert (calls["built"], calls["checked"], calls["argocd"]) == ([], 0, 0)


def test_no_cache_reads_and_writes_nothing(tmp_path, monkeypatch):
    root = example(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    run(root)
    assert (tmp_path / "xdg" / "gitopsgen" / "v1" / "build").is_dir()
    calls = counting(monkeypatch)
    run(root, "--no-cache")
    assert len(calls["built"]) == 14
    os.environ["XDG_CACHE_HOME"] = str(tmp_path / "other")
    run(root, "--no-cache")
    assert not (tmp_path / "other").exists()


def test_the_default_folder():
    assert default_folder({"XDG_CACHE_HOME": "/x/cache"}).as_posix() == "/x/cache/gitopsgen"
    home = default_folder({}).parent
    assert home.name == ".cache"
    assert default_folder({"XDG_CACHE_HOME": "relative"}).parent == home  # XDG: absolute only


def test_other_rules_check_again_on_cached_builds(tmp_path, monkeypatch):
    root = example(tmp_path)
    cache = Cache(tmp_path / "cache")
    validate(Repository.at(root), builder=Builder(cache=cache))
    fewer = tuple(r for r in MANIFEST_RULES if r.rule.id != "workload-liveness-probe")
    calls = counting(monkeypatch)
    warm = validate(Repository.at(root), rules=fewer, builder=Builder(cache=cache)).result
    assert calls["built"] == [] and calls["checked"] == 3
    cold = validate(Repository.at(root), rules=fewer).result
    assert warm.findings == cold.findings == ()
    assert warm.rules == cold.rules


def test_rules_from_elsewhere_are_never_cached(tmp_path, monkeypatch):
    root = example(tmp_path)
    cache = Cache(tmp_path / "cache")
    theirs = tuple(MANIFEST_RULES)
    theirs = (*theirs[:-1], type(theirs[-1])(theirs[-1].rule, lambda manifests, ctx: []))
    validate(Repository.at(root), rules=theirs, builder=Builder(cache=cache))
    calls = counting(monkeypatch)
    validate(Repository.at(root), rules=theirs, builder=Builder(cache=cache))
    assert calls["built"] == [] and calls["checked"] == 3


def test_a_failed_build_is_not_cached(tmp_path, monkeypatch, files):
    root = example(tmp_path)
    overlay = root / "overlays" / "dev" / "web" / "kustomization.yaml"
    overlay.write_text(overlay.read_text().replace("- path: ", "- path: missing-", 1))
    cache = tmp_path / "cache"
    cold = run(root, "--cache-dir", str(cache))
    calls = counting(monkeypatch)
    assert run(root, "--cache-dir", str(cache)) == cold
    assert calls["built"] == ["web"] and calls["checked"] == 1
    assert cold[0] == 1
    assert "argocd-path-builds" in cold[1]


def test_a_build_whose_files_changed_while_it_ran_is_not_cached(tmp_path, monkeypatch, files):
    root = example(tmp_path)
    web, ledger = root / "overlays" / "dev" / "web", root / "overlays" / "dev" / "ledger"
    patch = web / "ingress-patch.yaml"
    real_together = kustomize.build_together

    def edited_meanwhile(folders):
        done = real_together(folders)
        patch.write_text(patch.read_text() + "\n")  # other bytes, the same objects
        return done

    monkeypatch.setattr(kustomize, "build_together", edited_meanwhile)
    cache = Cache(tmp_path / "cache")
    Builder(cache=cache).build(root, [web, ledger])
    calls = counting(monkeypatch)
    Builder(cache=cache).build(root, [web, ledger])
    assert calls["built"] == ["web"]


def test_a_damaged_findings_entry_is_computed_again(tmp_path):
    root = example(tmp_path)
    cache = tmp_path / "cache"
    cold = run(root, "--cache-dir", str(cache))
    for entry in (cache / "v1" / "findings").rglob("*"):
        if entry.is_file():
            entry.write_text("{not json")
    assert run(root, "--cache-dir", str(cache)) == cold


def test_a_key_is_the_bytes_of_every_file_the_build_reads(tmp_path):
    root = example(tmp_path)
    folder = root / "overlays" / "prod" / "web"
    found = inputs(folder)
    assert [p.relative_to(root).as_posix() for p in found.files] == sorted(
        [f"base/web/{n.name}" for n in (root / "base" / "web").iterdir()]
        + [f"overlays/prod/web/{n.name}" for n in folder.iterdir()]
    )
    key = build_key(root, folder, found.files)
    moved = tmp_path / "elsewhere"
    root.rename(moved)  # another checkout of the same bytes: the same key
    assert (
        build_key(moved, moved / "overlays/prod/web", inputs(moved / "overlays/prod/web").files)
        == key
    )
    (moved / "base" / "web" / "notes.txt").write_text("not listed, still under the base")
    assert (
        build_key(moved, moved / "overlays/prod/web", inputs(moved / "overlays/prod/web").files)
        != key
    )


def test_the_cache_stays_under_its_size(tmp_path):
    cache = Cache(tmp_path, limit_mb=1)
    for n in range(5):
        cache.put("build", f"{n:02d}" * 32, "x" * 400_000)
        path = tmp_path / "v1" / "build" / f"{n:02d}" / (f"{n:02d}" * 32)
        os.utime(path, (1000 + n, 1000 + n))
    assert cache.get("build", "00" * 32) is not None  # a hit makes it the newest
    cache.prune()
    kept = sorted(p.name[:2] for p in (tmp_path / "v1" / "build").rglob("*") if p.is_file())
    assert kept == ["00", "04"]
    assert (tmp_path / "v1" / "size").read_text() == "800000"


def test_concurrent_writers_never_show_half_an_entry(tmp_path):
    cache = Cache(tmp_path)
    key = "ab" * 32
    versions = {"a" * 300_000, "b" * 300_000}
    seen = set()
    stop = threading.Event()

    def write(text):
        while not stop.is_set():
            cache.put("build", key, text)

    cache.put("build", key, "a" * 300_000)
    writers = [threading.Thread(target=write, args=(v,)) for v in versions]
    for w in writers:
        w.start()
    try:
        for _ in range(300):
            seen.add(cache.get("build", key))
    finally:
        stop.set()
        for w in writers:
            w.join()
    assert None not in seen and seen <= versions
    assert [p.name for p in (tmp_path / "v1" / "build" / "ab").iterdir()] == [key]


class Terminal:
    def __init__(self, tty=True):
        self.text = ""
        self.tty = tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass

    def isatty(self):
        return self.tty


def test_the_progress_line():
    now = [0.0]
    out = Terminal()
    line = ProgressLine(out, clock=lambda: now[0])
    line(10, 603)  # the first second shows nothing
    now[0] = 1.5
    line(50, 603)
    now[0] = 1.6
    line(60, 603)  # too soon after the last
    now[0] = 12.2
    line(603, 603)
    line.close()
    assert out.text == (
        "\rbuilt 50/603 folders, 2s\rbuilt 603/603 folders, 12s\r" + " " * 26 + "\r"
    )


def test_the_progress_line_only_on_a_terminal_and_not_quiet():
    with progress_line(Terminal(tty=False), quiet=False) as progress:
        assert progress is None
    with progress_line(Terminal(), quiet=True) as progress:
        assert progress is None
    with progress_line(Terminal(), quiet=False) as progress:
        assert isinstance(progress, ProgressLine)


def test_quiet_and_no_terminal_print_nothing_on_stderr(tmp_path):
    root = example(tmp_path)
    assert run(root, "--no-cache")[2] == ""
    assert run(root, "--no-cache", "--quiet")[2] == ""


def test_a_run_that_wrote_nothing_does_not_prune(tmp_path):
    full = Cache(tmp_path, limit_mb=1)
    for n in range(3):
        full.put("build", f"{n:02d}" * 32, "x" * 400_000)
    reader = Cache(tmp_path, limit_mb=0)  # a later run that only reads
    assert reader.get("build", "00" * 32) is not None
    reader.prune()
    assert sorted(p.name[:2] for p in (tmp_path / "v1").rglob("*") if p.is_file()) == [
        "00",
        "01",
        "02",
    ]
    reader.put("build", "03" * 32, "y")
    reader.prune()
    assert [p for p in (tmp_path / "v1" / "build").rglob("*") if p.is_file()] == []
    assert (tmp_path / "v1" / "size").read_text() == "0"


def test_the_cache_is_walked_only_when_its_known_size_crosses_the_limit(tmp_path):
    def entries():
        return sorted(p.name[:2] for p in (tmp_path / "v1" / "build").rglob("*") if p.is_file())

    first = Cache(tmp_path, limit_mb=1)
    first.put("build", "00" * 32, "x" * 400_000)
    first.prune()  # no size known yet: walked, and the size kept
    assert (tmp_path / "v1" / "size").read_text() == "400000"
    # An entry the known size does not count (another tool wrote it): no walk sees it
    # while the known size and what a run wrote stay under the limit.
    (tmp_path / "v1" / "build" / "01").mkdir()
    (tmp_path / "v1" / "build" / "01" / ("01" * 32)).write_text("x" * 600_000)
    second = Cache(tmp_path, limit_mb=1)
    second.put("build", "02" * 32, "x" * 400_000)
    second.prune()
    assert entries() == ["00", "01", "02"]
    assert (tmp_path / "v1" / "size").read_text() == "800000"
    third = Cache(tmp_path, limit_mb=1)
    third.put("build", "03" * 32, "x" * 400_000)
    for n, stamp in (("00", 1000), ("01", 1001), ("02", 1002)):
        os.utime(tmp_path / "v1" / "build" / n / (n * 32), (stamp, stamp))
    third.prune()  # 1,200,000 bytes known: walked, the oldest removed
    assert entries() == ["02", "03"]
    assert (tmp_path / "v1" / "size").read_text() == "800000"


@pytest.fixture
def own_tool(tmp_path, monkeypatch):
    """keys.tool over a package folder of the test's own (the real digest again after)."""
    package = tmp_path / "package"
    package.mkdir()
    (package / "a.py").write_text("one = 1\n")
    (package / "b.py").write_text("two = 2\n")
    monkeypatch.setattr(keys, "_PACKAGE", package)
    monkeypatch.setattr(keys, "MEMOS", [])
    keys.tool.cache_clear()
    yield package
    keys.tool.cache_clear()


def test_the_tool_digest_is_read_from_the_cache_until_a_file_changes(
    tmp_path, own_tool, monkeypatch
):
    plain = keys.tool()  # no cache: every file read
    keys.MEMOS.append(Cache(tmp_path / "cache"))
    keys.tool.cache_clear()
    assert keys.tool() == plain
    real_read = Path.read_bytes

    def no_read(path):
        if own_tool in path.parents:
            raise AssertionError(f"{path} read again")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", no_read)
    keys.tool.cache_clear()
    assert keys.tool() == plain
    monkeypatch.setattr(Path, "read_bytes", real_read)
    (own_tool / "a.py").write_text("one = 9\n")  # the same size, other bytes
    keys.tool.cache_clear()
    changed = keys.tool()
    keys.MEMOS.clear()
    keys.tool.cache_clear()
    assert changed == keys.tool() != plain
