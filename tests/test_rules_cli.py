"""`gitopsgen rules` and `gitopsgen explain` with test-only rules, and docs/rules.md current."""

from pathlib import Path

from click.testing import CliRunner

from generator.cli.main import main
from generator.cli.state import CliState
from generator.finding import Severity
from generator.rule import Rule, RuleContext
from generator.ruledocs import explain_text, rules_markdown
from generator.rules import MANIFEST_RULES, all_rules
from generator.rules.examples import Examples, examples_for

DOCS = Path(__file__).parent.parent / "docs" / "rules.md"

RUN_AS = Rule(
    "pod-security-test-non-root",
    Severity.ERROR,
    "Containers run as non-root | test.",
    "Set `runAsNonRoot: true`.\n",
)
LATEST = Rule("image-test-latest", Severity.WARNING, "No latest tag.", "Pin a version.")
RULES = (LATEST, RUN_AS)


def invoke(args, rules=RULES):
    state = CliState(manifest_rules=(), rules=rules)
    return CliRunner().invoke(main, args, obj=state, prog_name="gitopsgen")


HEADER = """\
# Rules

Generated from the rule registry by `gitopsgen rules --format markdown > docs/rules.md`; \
do not edit by hand.
`gitopsgen explain RULE_ID` shows one rule with its examples.

"""


def test_rules_markdown():
    result = invoke(["rules"])
    assert result.exit_code == 0
    assert (
        result.stdout
        == HEADER
        + """\
| rule | family | severity | summary |
|---|---|---|---|
| [`pod-security-test-non-root`](#pod-security-test-non-root) | pod-security | error | \
Containers run as non-root \\| test. |
| [`image-test-latest`](#image-test-latest) | image | warning | No latest tag. |

## pod-security

### `pod-security-test-non-root`

**error**: Containers run as non-root | test.

Set `runAsNonRoot: true`.

## image

### `image-test-latest`

**warning**: No latest tag.

Pin a version.
"""
    )
    assert result.stderr == ""


def test_rules_markdown_with_examples_and_without_rules():
    examples = Examples(
        "image-test-latest",
        "image: web:latest  # expect: image-test-latest\n",
        "image: web:1.2.3",
        RuleContext(kubernetes_version="1.31", image_policy="tag"),
    )
    lookup = {"image-test-latest": examples}.get
    assert (
        rules_markdown([LATEST], lookup)
        == HEADER
        + """\
| rule | family | severity | summary |
|---|---|---|---|
| [`image-test-latest`](#image-test-latest) | image | warning | No latest tag. |

## image

### `image-test-latest`

**warning**: No latest tag.

Pin a version.

Example context: kubernetes_version=1.31, image_policy=tag

Failing example:

```yaml
image: web:latest  # expect: image-test-latest
```

Passing example:

```yaml
image: web:1.2.3
```
"""
    )
    assert rules_markdown([]) == HEADER + "No rules are registered.\n"


def test_rules_json():
    result = invoke(["rules", "--format", "json"])
    assert result.exit_code == 0
    assert (
        result.stdout
        == """\
{
  "version": 1,
  "rules": [
    {
      "id": "pod-security-test-non-root",
      "family": "pod-security",
      "severity": "error",
      "summary": "Containers run as non-root | test.",
      "description": "Set `runAsNonRoot: true`.\\n"
    },
    {
      "id": "image-test-latest",
      "family": "image",
      "severity": "warning",
      "summary": "No latest tag.",
      "description": "Pin a version."
    }
  ]
}
"""
    )
    assert result.stderr == ""


def test_explain():
    result = invoke(["explain", "pod-security-test-non-root"])
    assert result.exit_code == 0
    assert result.stdout == (
        "pod-security-test-non-root\n"
        "family: pod-security\n"
        "severity: error\n"
        "summary: Containers run as non-root | test.\n"
        "\n"
        "Set `runAsNonRoot: true`.\n"
        "\n"
        "No examples.\n"
    )
    assert result.stderr == ""


def test_explain_text_with_examples():
    examples = Examples(
        "image-test-latest",
        "kind: Pod\nimage: web:latest  # expect: image-test-latest\n",
        "kind: Pod\nimage: web:1.2.3\n",
        RuleContext(kubernetes_version="1.30"),
    )
    assert explain_text(LATEST, examples) == (
        "image-test-latest\n"
        "family: image\n"
        "severity: warning\n"
        "summary: No latest tag.\n"
        "\n"
        "Pin a version.\n"
        "\n"
        "Example context: kubernetes_version=1.30\n"
        "\n"
        "Failing example (fail.yaml):\n"
        "kind: Pod\n"
        "image: web:latest  # expect: image-test-latest\n"
        "\n"
        "Passing example (pass.yaml):\n"
        "kind: Pod\n"
        "image: web:1.2.3\n"
    )


def test_explain_unknown_rule_suggests_the_closest():
    result = invoke(["explain", "pod-security-test-nonroot"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: unknown rule 'pod-security-test-nonroot'; "
        "did you mean 'pod-security-test-non-root'?\n"
    )
    result = invoke(["explain", "zzz"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: unknown rule 'zzz'; `gitopsgen rules` lists them\n"


def test_every_registered_rule_can_be_explained():
    runner = CliRunner()
    for entry in MANIFEST_RULES:
        result = runner.invoke(main, ["explain", entry.rule.id])
        assert result.exit_code == 0, entry.rule.id
        assert result.stdout == explain_text(entry.rule, examples_for(entry.rule.id))
    assert CliState().rules == all_rules()
    assert CliState().manifest_rules == MANIFEST_RULES


def test_docs_rules_md_is_current():
    result = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert result.exit_code == 0
    assert DOCS.read_text(encoding="utf-8") == result.stdout, (
        "docs/rules.md is stale; regenerate it with "
        "`gitopsgen rules --format markdown > docs/rules.md`"
    )
