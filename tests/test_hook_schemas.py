"""The pre-commit hooks and config and every GitHub workflow validate against SchemaStore's
schemas and real pre-commit's own checks; the hooks trigger on exactly the catalog and the
generated tree; every gitopsgen command line in them parses with the real CLI."""

import itertools
import json
import math
import re
import shlex
import string

import pytest
from jsonschema import Draft7Validator
from pre_commit.clientlib import load_config, load_manifest
from referencing import Registry, Resource
from ruamel.yaml import YAML

from generator.api import Repository, generate
from generator.cli.main import main
from tests.helpers import ROOT
from tests.test_validate import CLEAN

SCHEMAS = ROOT / "tests" / "data" / "schemastore"
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
CONFIG_FILE = ROOT / ".pre-commit-config.yaml"
WORKFLOWS = sorted(
    [*(ROOT / ".github" / "workflows").glob("*.yml"), *(ROOT / "docs" / "examples").glob("*.yml")]
)
HOOK_IDS = ["gitopsgen-generate-check", "gitopsgen-validate"]


def schema(name):
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def validator(name):
    # pre-commit-config.json refers to pre-commit-hooks.json by its $id: resolve it offline.
    hooks = schema("pre-commit-hooks")
    registry = Registry().with_resource(hooks["$id"], Resource.from_contents(hooks))
    return Draft7Validator(schema(name), registry=registry)


def load(path):
    # YAML 1.2, as GitHub reads workflows: `on` is a key, not the boolean true.
    return YAML(typ="safe", pure=True).load(path.read_text())


def errors(name, document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(document)]


def test_the_files_exist():
    assert [p.relative_to(ROOT).as_posix() for p in WORKFLOWS] == [
        ".github/workflows/ci.yml",
        "docs/examples/gitopsgen-consumer.yml",
    ]


def test_hooks_manifest_matches_the_schema():
    hooks = load(HOOKS_FILE)
    assert errors("pre-commit-hooks", hooks) == []
    assert [hook["id"] for hook in hooks] == HOOK_IDS
    assert [hook["language"] for hook in hooks] == ["python", "python"]
    assert [hook["pass_filenames"] for hook in hooks] == [False, False]


def test_own_config_matches_the_schema():
    config = load(CONFIG_FILE)
    assert errors("pre-commit-config", config) == []
    assert [hook["id"] for repo in config["repos"] for hook in repo["hooks"]] == [
        "ruff",
        "ruff-format",
        "mypy",
        *HOOK_IDS,
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_schema(path):
    assert errors("github-workflow", load(path)) == []


def test_the_schemas_reject_what_is_broken():
    # The validators are not vacuous: each rejects a document missing a required part.
    assert errors("pre-commit-hooks", [{"id": "x", "name": "x", "language": "python"}]) == [
        "[0]: 'entry' is a required property"
    ]
    assert errors("pre-commit-config", {"repo": "local"}) == ["[]: 'repos' is a required property"]
    job_without_runner = {"on": "push", "jobs": {"j": {"steps": [{"run": "true"}]}}}
    assert errors("github-workflow", job_without_runner) == [
        "['jobs', 'j']: {'steps': [{'run': 'true'}]} is not valid under any of the given schemas"
    ]


def test_real_pre_commit_accepts_both_files():
    assert [hook["id"] for hook in load_manifest(str(HOOKS_FILE))] == HOOK_IDS
    assert load_config(str(CONFIG_FILE))["repos"][0]["repo"] == "local"


def test_hooks_trigger_on_the_catalog_and_every_generated_file(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "catalog.yaml").write_text(CLEAN)
    tree = sorted(generate(Repository.at(root)).tree)
    assert tree
    untouched = ["README.md", "catalog.yaml.bak", "docs/base/x.yaml", ".github/workflows/ci.yml"]
    own = {hook["id"]: hook for repo in load(CONFIG_FILE)["repos"] for hook in repo["hooks"]}
    for hook in [*load(HOOKS_FILE), own["gitopsgen-validate"]]:
        files = re.compile(hook["files"])
        paths = ["catalog.yaml", ".github/CODEOWNERS", *tree, *untouched]
        assert [p for p in paths if files.search(p)] == [
            "catalog.yaml",
            ".github/CODEOWNERS",
            *tree,
        ]
    # Here the renderer is code in this repository: changing it must come with its tree.
    assert re.search(own["gitopsgen-generate-check"]["files"], "generator/render/base.py")


def test_own_config_runs_the_hooks_others_get():
    offered = {hook["id"]: hook["entry"] for hook in load(HOOKS_FILE)}
    own = {hook["id"]: hook for repo in load(CONFIG_FILE)["repos"] for hook in repo["hooks"]}
    assert {id_: own[id_]["entry"] for id_ in HOOK_IDS} == {
        id_: f".venv/bin/{entry}" for id_, entry in offered.items()
    }
    assert [own[id_]["pass_filenames"] for id_ in HOOK_IDS] == [False, False]


def job_environments(job):
    """The job's `env` for each combination of its matrix, with `${{ matrix.X }}` and
    `${{ strategy.job-total }}` as GitHub evaluates them (other expressions stay)."""
    matrix = job.get("strategy", {}).get("matrix", {})
    names = sorted(n for n, values in matrix.items() if isinstance(values, list))
    for values in itertools.product(*(matrix[n] for n in names)):
        known = {f"matrix.{n}": str(v) for n, v in zip(names, values, strict=True)}
        known["strategy.job-total"] = str(math.prod(len(matrix[n]) for n in names))
        yield {key: evaluated(str(value), known) for key, value in job.get("env", {}).items()}


def evaluated(text, known):
    return re.sub(r"\$\{\{\s*([^}]*?)\s*\}\}", lambda m: known.get(m.group(1), m.group(0)), text)


def command_lines():
    """Every gitopsgen invocation in the hooks, the config and the workflows (with the
    variables of the job's `env` expanded, once per matrix combination)."""
    entries = [hook["entry"] for hook in load(HOOKS_FILE)]
    entries += [h["entry"] for r in load(CONFIG_FILE)["repos"] for h in r["hooks"]]
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            runs = [step["run"] for step in job["steps"] if "run" in step]
            for env in job_environments(job):
                entries += [string.Template(run).safe_substitute(env) for run in runs]
    found = []
    for entry in entries:
        for line in entry.splitlines():
            words = shlex.split(line.split(">", 1)[0], comments=True)
            if words and words[0].rpartition("/")[2] == "gitopsgen":
                found.append(words[1:])
    return found


def test_every_gitopsgen_command_line_parses():
    lines = command_lines()
    assert {words[0] for words in lines} == {"generate", "validate", "diff", "status"}
    shards = [words[words.index("--shard") + 1] for words in lines if "--shard" in words]
    assert sorted(set(shards)) == ["1/4", "2/4", "3/4", "4/4"]
    for words in lines:
        with main.make_context("gitopsgen", list(words)) as ctx:
            command = main.get_command(ctx, words[0])
            # `diff` lands from the branch that writes it; until then only its name is checked.
            if command is None and words[0] == "diff":
                continue
            assert command is not None, words
            command.make_context(words[0], words[1:], parent=ctx)
