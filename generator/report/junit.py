"""JUnit XML for CI test views: one `<testsuite>` per rule, one `<testcase>` per finding.

A rule without findings gets one passing test case named after it, so a clean run shows
every rule that was in force as passed. Warnings are failures of type `warning` (the exit
code, not this file, decides whether CI fails). Characters XML 1.0 cannot carry (control
characters a YAML value may hold) are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from generator.finding import Finding
from generator.result import Result

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")


def _testcase(suite: ET.Element, rule_id: str, finding: Finding | None) -> None:
    name = rule_id if finding is None else str(finding.position)
    case = ET.SubElement(suite, "testcase", {"classname": rule_id, "name": xml_text(name)})
    if finding is not None:
        failure = ET.SubElement(
            case,
            "failure",
            {"message": xml_text(finding.message), "type": finding.severity.value},
        )
        failure.text = xml_text(str(finding))


def report(result: Result) -> str:
    by_rule: dict[str, list[Finding]] = {rule.id: [] for rule in result.rules}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    root = ET.Element("testsuites", {"name": "gitopsgen"})
    _counts(root, sum(max(1, len(f)) for f in by_rule.values()), len(result.findings))
    for rule_id in sorted(by_rule):
        findings = by_rule[rule_id]
        suite = ET.SubElement(root, "testsuite", {"name": rule_id})
        _counts(suite, max(1, len(findings)), len(findings))
        suite.set("skipped", "0")
        cases: list[Finding | None] = [*findings] if findings else [None]
        for case in cases:
            _testcase(suite, rule_id, case)
    ET.indent(root)
    return DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
