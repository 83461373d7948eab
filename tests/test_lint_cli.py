"""`gitopsgen lint` through click, with test-only rules passed as the CLI state, and the
error wrapper every command shares."""

import json

import click
import pytest
from click.testing import CliRunner

from generator.cli.errors import handles_errors, run_command
from generator.cli.main import main
from generator.cli.state import CliState
from generator.errors import FindingsError, InputError
from generator.finding import Position, Severity
from generator.report import render
from generator.rule import ManifestRule, Rule, RuleContext
from generator.validate.lint import lint

BROKEN = Rule("schema-test-broken", Severity.ERROR, "No kind Broken.", "Test rule.")
OLD = Rule("api-test-old", Severity.WARNING, "No v1beta1.", "Test rule.")
CONTEXT = Rule("api-test-context", Severity.WARNING, "Echo the context.", "Test rule.")
CRASH = Rule("api-test-crash", Severity.ERROR, "Crashes.", "Test rule.")


def broken_kinds(manifests, ctx):
    for m in manifests:
        if m.kind == "Broken":
            yield BROKEN.finding(f"kind 'Broken' in {m.name!r}", m.position("kind"))


def old_apis(manifests, ctx):
    for m in manifests:
        if m.api_version.endswith("v1beta1"):
            yield OLD.finding(f"apiVersion {m.api_version!r} is old", m.position("apiVersion"))


def echo_context(manifests, ctx):
    yield CONTEXT.finding(f"{ctx.kubernetes_version} {ctx.pod_security_level}", Position("-"))


def crash(manifests, ctx):
    raise RuntimeError("boom")


RULES = (ManifestRule(BROKEN, broken_kinds), ManifestRule(OLD, old_apis))
NO_GITHUB = {"GITHUB_ACTIONS": None}


def invoke(args, rules=RULES, env=NO_GITHUB):
    state = CliState(manifest_rules=rules, rules=tuple(r.rule for r in rules))
    return CliRunner().invoke(main, args, obj=state, env=env, prog_name="gitopsgen")


@pytest.fixture
def files(tmp_path):
    (tmp_path / "bad.yaml").write_text("apiVersion: v1\nkind: Broken\nmetadata: {name: b}\n")
    (tmp_path / "old.yaml").write_text("apiVersion: x/v1beta1\nkind: Thing\n")
    return tmp_path


def test_text_is_the_default_and_errors_exit_1(files):
    result = invoke(["lint", str(files)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{files}/bad.yaml:2:1: error: kind 'Broken' in 'b' (schema-test-broken)\n"
        f"{files}/old.yaml:1:1: warning: apiVersion 'x/v1beta1' is old (api-test-old)\n"
        "1 error, 1 warning in 2 files\n"
    )
    assert result.stderr == ""


def test_warnings_alone_exit_0_json(files):
    result = invoke(["lint", "--format", "json", str(files / "old.yaml")])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "version": 1,
        "findings": [
            {
                "rule": "api-test-old",
                "severity": "warning",
                "message": "apiVersion 'x/v1beta1' is old",
                "path": f"{files}/old.yaml",
                "line": 1,
                "column": 1,
            }
        ],
        "summary": {"errors": 0, "warnings": 1, "files": 1},
    }
    assert result.stderr == ""


def test_github_is_the_default_inside_github_actions(files):
    result = invoke(["lint", str(files / "bad.yaml")], env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={files}/bad.yaml,line=2,col=1,title=schema-test-broken"
        "::kind 'Broken' in 'b'\n"
        "1 error, 0 warnings in 1 file\n"
    )
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", ["sarif", "junit", "text", "github", "json"])
def test_every_format_prints_its_reporter(files, fmt):
    result = invoke(["lint", "--format", fmt, str(files)], env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    ctx = RuleContext(kubernetes_version="1.31", pod_security_level="restricted")
    assert result.stdout == render(lint([files], ctx, RULES), fmt)
    assert result.stderr == ""


def test_level_and_kubernetes_version_reach_the_rules(files):
    rules = (ManifestRule(CONTEXT, echo_context),)
    result = invoke(["lint", str(files / "old.yaml")], rules=rules)
    assert result.exit_code == 0
    assert result.stdout == (
        "-:1:1: warning: 1.31 restricted (api-test-context)\n0 errors, 1 warning in 1 file\n"
    )
    args = ["lint", "--level", "baseline", "--kubernetes-version", "1.29", str(files / "old.yaml")]
    result = invoke(args, rules=rules)
    assert result.exit_code == 0
    assert result.stdout == (
        "-:1:1: warning: 1.29 baseline (api-test-context)\n0 errors, 1 warning in 1 file\n"
    )


def test_unreadable_input_exits_2_with_every_position(files):
    (files / "broken.yaml").write_text("a: [\n")
    result = invoke(["lint", str(files), str(files / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{files}/broken.yaml:2:1: error: YAML does not parse: did not find expected node "
        "content; fix the syntax at this position\n"
        f"{files}/nope.yaml:1:1: error: {files}/nope.yaml does not exist; check the path\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--kubernetes-version", "1"],
            "Error: Invalid value for '--kubernetes-version' / '--kube-version': '1' is not a MAJOR.MINOR version "
            "such as 1.31\n",
        ),
        (
            ["--level", "privileged"],
            "Error: Invalid value for '--level': 'privileged' is not one of 'baseline', "
            "'restricted'.\n",
        ),
        (
            ["--format", "xml"],
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif', "
            "'github', 'junit'.\n",
        ),
    ],
)
def test_bad_options_are_usage_errors(files, args, message):
    result = invoke(["lint", *args, str(files)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: gitopsgen lint [OPTIONS] PATHS...\n"
        "Try 'gitopsgen lint --help' for help.\n\n" + message
    )


def test_paths_are_required():
    result = invoke(["lint"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: gitopsgen lint [OPTIONS] PATHS...\n"
        "Try 'gitopsgen lint --help' for help.\n\n"
        "Error: Missing argument 'PATHS...'.\n"
    )


def test_a_bug_is_exit_3_with_one_line(files):
    result = invoke(["lint", str(files)], rules=(ManifestRule(CRASH, crash),))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        "gitopsgen: internal error: RuntimeError: boom; rerun with --debug for the traceback\n"
    )


def test_debug_shows_the_traceback(files):
    result = invoke(["--debug", "lint", str(files)], rules=(ManifestRule(CRASH, crash),))
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert (lines[0], lines[-1]) == ("Traceback (most recent call last):", "RuntimeError: boom")


def test_run_command_maps_errors_to_exit_codes(capsys):
    assert run_command(lambda: 0) == 0

    def input_error():
        raise InputError("cannot read", Position("a.yaml", 3, 4))

    def findings_error():
        raise FindingsError([BROKEN.finding("bad", Position("c.yaml", 1, 2))])

    def plain_error():
        raise InputError("no position")

    assert run_command(input_error) == 2
    assert run_command(findings_error) == 1
    assert run_command(plain_error) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "a.yaml:3:4: error: cannot read\n"
        "c.yaml:1:2: error: bad (schema-test-broken)\n"
        "error: no position\n"
    )


def test_handles_errors_serves_any_command():
    @click.command()
    @click.argument("code", type=int)
    @handles_errors
    def command(code):
        if code < 0:
            raise InputError("negative", Position("x", 1, 2))
        return code

    runner = CliRunner()
    result = runner.invoke(command, ["4"])
    assert (result.exit_code, result.stdout, result.stderr) == (4, "", "")
    result = runner.invoke(command, ["--", "-1"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "x:1:2: error: negative\n")


def test_malformed_documents_are_findings_and_kustomizations_are_skipped(tmp_path):
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n"
    )
    (folder / "cm.yaml").write_text(
        "- apiVersion: v1\n  kind: ConfigMap\n"  # a document that is a list
        "---\njust a string\n"  # a scalar
        "---\napiVersion: v1\nmetadata: {name: x}\n"  # no kind
    )
    result = CliRunner().invoke(main, ["lint", "--format", "json", str(folder)])
    assert result.exit_code == 1
    findings = [
        (f["rule"], f["path"].removeprefix(str(tmp_path) + "/"), f["line"])
        for f in json.loads(result.stdout)["findings"]
    ]
    assert findings == [
        ("schema-missing-type", "manifests/cm.yaml", 1),
        ("schema-missing-type", "manifests/cm.yaml", 4),
        ("schema-missing-type", "manifests/cm.yaml", 6),
    ]
