"""The SARIF reporter: the whole log, and the log validated against the vendored schema."""

import json
from pathlib import Path

from jsonschema import Draft7Validator

from generator import __version__
from generator.finding import Finding, Position, Severity
from generator.report import render
from generator.result import Result
from generator.rule import Rule

SCHEMA = json.loads((Path(__file__).parent / "data/sarif/sarif-2.1.0.json").read_text())

LATEST = Rule("image-test-latest", Severity.ERROR, "No latest tag.", "Pin images.")
REPLICAS = Rule("workload-test-replicas", Severity.WARNING, "Two replicas.", "Run two or more.")

RESULT = Result(
    (
        Finding(
            "image-test-latest",
            Severity.ERROR,
            "image 'web:latest'",
            Position("a b/web.yaml", 4, 9),
        ),
        Finding(
            "workload-test-replicas", Severity.WARNING, "1 replica", Position("/abs/x.yaml", 2, 3)
        ),
        Finding("schema-test-stray", Severity.ERROR, "not in force", Position("c.yaml", 1, 1)),
    ),
    files=3,
    rules=(REPLICAS, LATEST),
)


def rule(rule_id, short, full, level, family):
    return {
        "id": rule_id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full}\n\nRun `gitopsgen explain {rule_id}` "
            "for a failing and a passing example."
        },
        "defaultConfiguration": {"level": level},
        "properties": {"tags": [family]},
    }


def location(uri, line, column, base=True):
    artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"} if base else {"uri": uri}
    return [
        {
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": {"startLine": line, "startColumn": column},
            }
        }
    ]


EXPECTED = {
    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0",
    "runs": [
        {
            "tool": {
                "driver": {
                    "name": "gitopsgen",
                    "version": __version__,
                    "rules": [
                        rule(
                            "image-test-latest", "No latest tag.", "Pin images.", "error", "image"
                        ),
                        rule(
                            "workload-test-replicas",
                            "Two replicas.",
                            "Run two or more.",
                            "warning",
                            "workload",
                        ),
                    ],
                }
            },
            "results": [
                {
                    "ruleId": "workload-test-replicas",
                    "ruleIndex": 1,
                    "level": "warning",
                    "message": {"text": "1 replica"},
                    "locations": location("file:///abs/x.yaml", 2, 3, base=False),
                },
                {
                    "ruleId": "image-test-latest",
                    "ruleIndex": 0,
                    "level": "error",
                    "message": {"text": "image 'web:latest'"},
                    "locations": location("a%20b/web.yaml", 4, 9),
                },
                {
                    "ruleId": "schema-test-stray",
                    "level": "error",
                    "message": {"text": "not in force"},
                    "locations": location("c.yaml", 1, 1),
                },
            ],
        }
    ],
}


def test_sarif_whole_log():
    output = render(RESULT, "sarif")
    assert json.loads(output) == EXPECTED
    assert output == json.dumps(EXPECTED, indent=2) + "\n"


def test_sarif_validates_against_schema():
    validator = Draft7Validator(SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
    Draft7Validator.check_schema(SCHEMA)
    for result in (RESULT, Result((), 0)):
        errors = [e.message for e in validator.iter_errors(json.loads(render(result, "sarif")))]
        assert errors == []


def test_schema_rejects_a_broken_log():
    broken = json.loads(render(RESULT, "sarif"))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["tool"]["driver"]["name"]
    errors = sorted(e.message for e in Draft7Validator(SCHEMA).iter_errors(broken))
    assert errors == [
        "'fatal' is not one of ['none', 'note', 'warning', 'error']",
        "'name' is a required property",
    ]


def test_sarif_empty_run():
    assert json.loads(render(Result((), 2), "sarif"))["runs"] == [
        {
            "tool": {"driver": {"name": "gitopsgen", "version": __version__, "rules": []}},
            "results": [],
        }
    ]
