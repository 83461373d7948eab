"""The pod-security rules against the Pod Security Admission v1.37 fixtures (tests/data/psa):
every pass file allowed and every fail file denied at its level, through the rule of the
check it targets, as a bare Pod, as a Deployment's template and as a CronJob's template."""

import json
from pathlib import Path

import pytest
import yaml

from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules.pod_security import RULES
from generator.rules.pod_security.check import kebab

PSA = Path(__file__).parent / "data" / "psa"
INDEX = json.loads((PSA / "index.json").read_text(encoding="utf-8"))
ENTRIES = INDEX["files"]
KUBERNETES_VERSION = "1.37"

OVERRIDE = (
    "PSA overrides the baseline check with the restricted one at this level; both rules "
    "stay in force here and both forbid this field, so both report it (same verdict)"
)
# Fail files that trip more checks than the one they target: file -> (extra checks, reason).
ALSO_TRIPS: dict[str, tuple[tuple[str, ...], str]] = {
    "psa/baseline/fail/windowshostprocess0.yaml": (("hostNamespaces",), "sets hostNetwork: true"),
    "psa/baseline/fail/windowshostprocess1.yaml": (("hostNamespaces",), "sets hostNetwork: true"),
    "psa/restricted/fail/windowshostprocess0.yaml": (("hostNamespaces",), "sets hostNetwork: true"),
    "psa/restricted/fail/windowshostprocess1.yaml": (("hostNamespaces",), "sets hostNetwork: true"),
    "psa/restricted/fail/privileged0.yaml": (
        ("allowPrivilegeEscalation",),
        "drops allowPrivilegeEscalation: false",
    ),
    "psa/restricted/fail/privileged1.yaml": (
        ("allowPrivilegeEscalation",),
        "drops allowPrivilegeEscalation: false",
    ),
    "psa/restricted/fail/allowprivilegeescalation3.yaml": (
        ("capabilities_restricted",),
        "'nil security context' also drops capabilities.drop: [ALL]",
    ),
    **{
        f"psa/restricted/fail/capabilities_baseline{i}.yaml": (
            ("capabilities_restricted",),
            OVERRIDE,
        )
        for i in range(4)
    },
    **{
        f"psa/restricted/fail/hostpathvolumes{i}.yaml": (("restrictedVolumes",), OVERRIDE)
        for i in range(2)
    },
    "psa/restricted/fail/restrictedvolumes19.yaml": (("hostPathVolumes",), OVERRIDE),
    **{
        f"psa/restricted/fail/seccompprofile_baseline{i}.yaml": (
            ("seccompProfile_restricted",),
            OVERRIDE,
        )
        for i in range(3)
    },
    **{
        f"psa/restricted/fail/seccompprofile_restricted{i}.yaml": (
            ("seccompProfile_baseline",),
            OVERRIDE,
        )
        for i in (1, 4)
    },
    **{
        f"psa/restricted/fail/procmount{i}.yaml": (("procMount_restricted",), OVERRIDE)
        for i in range(2)
    },
}
# Fixtures whose verdict differs from PSA's: none.
EXCEPTIONS: dict[str, str] = {}


def as_deployment(pod):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": pod["metadata"]["name"]},
        "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": template(pod)},
    }


def as_cronjob(pod):
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": pod["metadata"]["name"]},
        "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template(pod)}}},
    }


def template(pod):
    metadata = {"labels": {"app": "a"}}
    if "annotations" in pod["metadata"]:
        metadata["annotations"] = pod["metadata"]["annotations"]
    return {"metadata": metadata, "spec": pod["spec"]}


WRAPPERS = {"Pod": None, "Deployment": as_deployment, "CronJob": as_cronjob}


def findings_for(entry, wrapper):
    path = PSA / entry["file"].removeprefix("psa/")
    text = path.read_text(encoding="utf-8")
    if WRAPPERS[wrapper] is not None:
        text = yaml.safe_dump(WRAPPERS[wrapper](yaml.safe_load(text)), sort_keys=False)
    manifests = load_manifests(text, entry["file"])
    ctx = RuleContext(kubernetes_version=KUBERNETES_VERSION, pod_security_level=entry["level"])
    found = [f for rule in RULES if rule.applies(ctx) for f in rule.check(manifests, ctx)]
    assert {f.resource.kind for f in found} <= {wrapper}
    return found


def expected_rules(entry):
    if entry["expected"] == "allowed":
        return set()
    extra, _reason = ALSO_TRIPS.get(entry["file"], ((), ""))
    return {"pod-security-" + kebab(check) for check in (entry["check"], *extra)}


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_fixture_verdict(entry, wrapper):
    assert entry["file"] not in EXCEPTIONS
    found = findings_for(entry, wrapper)
    assert {f.rule for f in found} == expected_rules(entry)


@pytest.mark.parametrize("wrapper", ["Deployment", "CronJob"])
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_wrapped_fixture_reports_what_the_pod_reports(entry, wrapper):
    pod = sorted((f.rule, f.message) for f in findings_for(entry, "Pod"))
    assert sorted((f.rule, f.message) for f in findings_for(entry, wrapper)) == pod


def test_every_fixture_is_indexed_and_counted():
    on_disk = sorted(f"psa/{p.relative_to(PSA).as_posix()}" for p in PSA.glob("*/*/*.yaml"))
    assert sorted(e["file"] for e in ENTRIES) == on_disk
    counts = {}
    for e in ENTRIES:
        key = f"{e['level']}/{'pass' if e['expected'] == 'allowed' else 'fail'}"
        counts[key] = counts.get(key, 0) + 1
    assert counts == {
        "baseline/pass": 15,
        "baseline/fail": 34,
        "restricted/pass": 23,
        "restricted/fail": 76,
    }


def test_second_check_list_names_real_failing_fixtures():
    failing = {e["file"] for e in ENTRIES if e["expected"] == "denied"}
    assert set(ALSO_TRIPS) <= failing
    assert set(EXCEPTIONS) <= failing
