"""Reporters are pure functions of one Result: each test asserts a whole output."""

import xml.etree.ElementTree as ET

from generator.finding import Finding, Position, Resource, Severity
from generator.report import FORMATS, REPORTERS, default_format, render
from generator.report.github import escape_data, escape_property
from generator.result import Result, summary_line
from generator.rule import Rule

LATEST = Rule("image-test-latest", Severity.ERROR, "No latest tag.", "Pin images.")
REPLICAS = Rule("workload-test-replicas", Severity.WARNING, "Two replicas.", "Run two or more.")
QUIET = Rule("api-test-quiet", Severity.ERROR, "Never fires.", "A rule without findings.")

ERROR = Finding(
    "image-test-latest",
    Severity.ERROR,
    "image 'web:latest' is mutable; pin a version or a digest",
    Position("overlays/prod/web.yaml", 12, 16),
    Resource("Deployment", "web", "prod"),
    "prod",
)
WARNING = Finding(
    "workload-test-replicas",
    Severity.WARNING,
    "1 replica; run 2 or more",
    Position("base/web/deployment.yaml", 7, 13),
    Resource("ClusterRole", "view"),
)
RESULT = Result((ERROR, WARNING), files=3, rules=(REPLICAS, QUIET, LATEST))
CLEAN = Result((), files=1, rules=(QUIET,))


def test_result_sorts_dedupes_and_counts():
    assert Result((ERROR, WARNING, ERROR), 3, (LATEST, REPLICAS, QUIET, LATEST)) == RESULT
    assert RESULT.findings == (WARNING, ERROR)
    assert RESULT.rules == (QUIET, LATEST, REPLICAS)
    assert (RESULT.errors, RESULT.warnings, RESULT.exit_code) == (1, 1, 1)
    assert Result((WARNING,), 1).exit_code == 0
    assert CLEAN.exit_code == 0


def test_summary_line():
    assert summary_line(RESULT) == "1 error, 1 warning in 3 files"
    assert summary_line(Result((WARNING,), 1)) == "0 errors, 1 warning in 1 file"
    assert summary_line(Result((), 0)) == "no problems in 0 files"


def test_formats_and_default():
    assert FORMATS == ("text", "json", "sarif", "github", "junit")
    assert set(REPORTERS) == set(FORMATS)
    assert default_format({"GITHUB_ACTIONS": "true"}) == "github"
    assert default_format({"GITHUB_ACTIONS": "false"}) == "text"
    assert default_format({}) == "text"


def test_text():
    assert render(RESULT, "text") == (
        "base/web/deployment.yaml:7:13: warning: 1 replica; run 2 or more "
        "(workload-test-replicas)\n"
        "overlays/prod/web.yaml:12:16: error: image 'web:latest' is mutable; pin a version or a "
        "digest (image-test-latest)\n"
        "1 error, 1 warning in 3 files\n"
    )
    assert render(CLEAN, "text") == "no problems in 1 file\n"


def test_json():
    assert (
        render(RESULT, "json")
        == """\
{
  "version": 1,
  "findings": [
    {
      "rule": "workload-test-replicas",
      "severity": "warning",
      "message": "1 replica; run 2 or more",
      "path": "base/web/deployment.yaml",
      "line": 7,
      "column": 13,
      "resource": {
        "kind": "ClusterRole",
        "name": "view",
        "namespace": null
      }
    },
    {
      "rule": "image-test-latest",
      "severity": "error",
      "message": "image 'web:latest' is mutable; pin a version or a digest",
      "path": "overlays/prod/web.yaml",
      "line": 12,
      "column": 16,
      "resource": {
        "kind": "Deployment",
        "name": "web",
        "namespace": "prod"
      },
      "environment": "prod"
    }
  ],
  "summary": {
    "errors": 1,
    "warnings": 1,
    "files": 3
  }
}
"""
    )


def test_json_clean_and_bare_finding():
    bare = Finding("image-test-latest", Severity.ERROR, "naïve", Position("a.yaml"))
    assert (
        render(Result((bare,), 1), "json")
        == """\
{
  "version": 1,
  "findings": [
    {
      "rule": "image-test-latest",
      "severity": "error",
      "message": "naïve",
      "path": "a.yaml",
      "line": 1,
      "column": 1
    }
  ],
  "summary": {
    "errors": 1,
    "warnings": 0,
    "files": 1
  }
}
"""
    )
    assert render(CLEAN, "json") == (
        '{\n  "version": 1,\n  "findings": [],\n'
        '  "summary": {\n    "errors": 0,\n    "warnings": 0,\n    "files": 1\n  }\n}\n'
    )


def test_github():
    assert render(RESULT, "github") == (
        "::warning file=base/web/deployment.yaml,line=7,col=13,title=workload-test-replicas"
        "::1 replica; run 2 or more\n"
        "::error file=overlays/prod/web.yaml,line=12,col=16,title=image-test-latest"
        "::image 'web:latest' is mutable; pin a version or a digest\n"
        "1 error, 1 warning in 3 files\n"
    )
    assert render(CLEAN, "github") == "no problems in 1 file\n"


def test_github_escaping():
    assert escape_data("100%\r\nx: a,b") == "100%25%0D%0Ax: a,b"
    assert escape_property("100%\r\nx: a,b") == "100%25%0D%0Ax%3A a%2Cb"
    odd = Finding(
        "image-test-latest", Severity.ERROR, "50% done\nkey: a,b", Position("dir,x/a:b.yaml", 1, 2)
    )
    assert render(Result((odd,), 1), "github") == (
        "::error file=dir%2Cx/a%3Ab.yaml,line=1,col=2,title=image-test-latest"
        "::50%25 done%0Akey: a,b\n"
        "1 error, 0 warnings in 1 file\n"
    )


JUNIT = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="gitopsgen" tests="3" failures="2" errors="0">
  <testsuite name="api-test-quiet" tests="1" failures="0" errors="0" skipped="0">
    <testcase classname="api-test-quiet" name="api-test-quiet" />
  </testsuite>
  <testsuite name="image-test-latest" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="image-test-latest" name="overlays/prod/web.yaml:12:16">
      <failure message="image 'web:latest' is mutable; pin a version or a digest" type="error">\
overlays/prod/web.yaml:12:16: error: image 'web:latest' is mutable; pin a version or a digest \
(image-test-latest)</failure>
    </testcase>
  </testsuite>
  <testsuite name="workload-test-replicas" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="workload-test-replicas" name="base/web/deployment.yaml:7:13">
      <failure message="1 replica; run 2 or more" type="warning">\
base/web/deployment.yaml:7:13: warning: 1 replica; run 2 or more (workload-test-replicas)</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_junit():
    output = render(RESULT, "junit")
    assert output == JUNIT
    root = ET.fromstring(output.encode())
    failures = [
        (suite.get("name"), case.get("name"), failure.get("type"))
        for suite in root
        for case in suite
        for failure in case
    ]
    assert failures == [
        ("image-test-latest", "overlays/prod/web.yaml:12:16", "error"),
        ("workload-test-replicas", "base/web/deployment.yaml:7:13", "warning"),
    ]


def test_junit_escapes_markup_and_control_characters():
    odd = Finding(
        "image-test-latest", Severity.ERROR, 'a <b> & "c"\x07', Position("x&y.yaml", 2, 3)
    )
    output = render(Result((odd,), 1), "junit")
    assert (
        output
        == """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="gitopsgen" tests="1" failures="1" errors="0">
  <testsuite name="image-test-latest" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="image-test-latest" name="x&amp;y.yaml:2:3">
      <failure message="a &lt;b&gt; &amp; &quot;c&quot;\\x07" type="error">\
x&amp;y.yaml:2:3: error: a &lt;b&gt; &amp; "c"\\x07 (image-test-latest)</failure>
    </testcase>
  </testsuite>
</testsuites>
"""
    )
    failure = ET.fromstring(output.encode()).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'a <b> & "c"\\x07'
