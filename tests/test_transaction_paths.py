"""The paths a transaction records (generator.writing.transaction_steps): each target
relative to the repository as relpath gives it, and the folders it has to create."""

import os
from pathlib import Path

import pytest

from generator.writing.transaction_steps import new_folders, shown

ROOT = Path("/repo/root")


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "overlays/dev/web/kustomization.yaml",
        ROOT / "catalog.yaml",
        ROOT / ".gitopsgen" / "journal",
        ROOT / "base" / ".kustomization.yaml.gitopsgen-0123456789ab.new",
        ROOT,
        ROOT.parent / "other" / "file",
        Path("/repo/rootless/file"),
        Path("/elsewhere/x"),
        Path("relative/x"),
    ],
)
def test_a_path_is_shown_as_relpath_shows_it(path):
    assert shown(ROOT, path) == Path(os.path.relpath(path, ROOT)).as_posix()


def test_from_the_file_system_root():
    assert shown(Path("/"), Path("/a/b")) == "a/b"


def test_new_folders_are_each_missing_folder_once_parents_first(tmp_path):
    (tmp_path / "base" / "web").mkdir(parents=True)
    targets = {
        tmp_path / "base" / "web" / "kustomization.yaml": b"",
        tmp_path / "base" / "api" / "kustomization.yaml": b"",
        tmp_path / "overlays" / "dev" / "web" / "kustomization.yaml": b"",
        tmp_path / "overlays" / "dev" / "api" / "kustomization.yaml": b"",
        tmp_path / "overlays" / "prod" / "kustomization.yaml": b"",
        tmp_path / "catalog.yaml": b"",
    }
    assert new_folders(tmp_path, targets) == (
        "overlays",
        "base/api",
        "overlays/dev",
        "overlays/prod",
        "overlays/dev/api",
        "overlays/dev/web",
    )
