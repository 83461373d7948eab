"""The `promotion-` rules as data (ids, severities, documentation) and how their versions
compare: `promotion.py` checks apps along the environments, `promotion_addons.py` add-ons
along the clusters."""

from __future__ import annotations

from generator.finding import Severity
from generator.k8s.imageref import split_version
from generator.rule import Rule

ORDER = Rule(
    "promotion-order",
    Severity.ERROR,
    "A version runs in an environment only after it ran in every environment it promotes from.",
    """\
For every app and every environment after the app's first, the version the working catalog
runs must have run (the app enabled there with that version) in each environment it
promotes from: `environments.<env>.promotesFrom`, by default the previous environment in
promotion order. Where it ran counts in the working catalog or at any commit of
catalog.yaml's git history. With `promotesFrom: [staging-eu, staging-us]` a version must
have run in both; with prod-eu from staging-eu and prod-us from staging-us, each prod
checks its own staging only. When the app is disabled in a source, that source's own
sources take its place (in a straight line: the nearest earlier environment where it is
enabled); an environment with no such source (the app's first, or an entry point with
`promotesFrom: []`) is never checked. Mark a version that must skip the order with
`hotfix: {reason: ...}` on that app's environment.

Versions compare as written (`1.4.2` and `v1.4.2` differ), with one exception: two versions
that carry the same digest match when their tags agree or one of them has none
(`1.4.2@sha256:X` matches `@sha256:X`). A version with a digest never matches one without,
in either direction: promoting into a `digest` environment needs a source version that
carries that digest, so pin it in the previous environment first.

History begins at the oldest commit of catalog.yaml (the boundary of a shallow clone): the
versions it records are where the rule starts, so each (app, environment) may run its
version of that commit. With a base revision (`validate --changed`, a pull request) only
the (app, environment) pairs whose version differs from the base's catalog are checked, and
the history read is the base's. Outside a git repository, or before the catalog's first
commit, there is no history: the sources' versions in the working catalog are the only
evidence (`validate` runs this rule only inside a git work tree). `suppress`
entries of the app silence the rule as for any other.""",
)
ADDON_ORDER = Rule(
    "promotion-addon-order",
    Severity.ERROR,
    "An add-on version runs on a cluster only after it ran on every cluster it promotes from.",
    """\
Clusters take their order from the environments on them: cluster B promotes from cluster A
when an environment on B promotes from an environment on A (`promotesFrom`, by default the
previous environment). With dev and staging on nonprod and prod on prod, prod promotes
from nonprod; with qa, staging-eu and staging-us on nonprod, prod-eu on eu and prod-us on
us, eu and us each promote from nonprod. Two clusters that promote from each other (dev on
A, staging on B, prod on A, directly or through other clusters) have no order between
them: neither is a source of the other.

For every add-on (`clusters.<c>.addons.<name>`) the version a cluster installs in the
working catalog must have run (the add-on installed there with that version) on each of
its source clusters: in the working catalog or at any commit of catalog.yaml's git
history. Where the add-on is not installed on a source cluster, that cluster's own
sources take its place; a cluster with no such source (where the add-on starts) is never
checked. Versions compare as written (`v1.17.1` and `1.17.1` differ). Mark a version that
must skip the order with `hotfix: {reason: ...}` on that cluster's add-on.

History, its oldest commit as the starting point and a base revision (`validate
--changed`: only the (add-on, cluster) pairs whose version differs from the base's) work
as for `promotion-order`.""",
)
HOTFIX = Rule(
    "promotion-hotfix",
    Severity.WARNING,
    "A hotfix marker sits only on a version that skipped a source it promotes from.",
    "A `hotfix` marker on an app's environment whose version did run in every environment it "
    "promotes from (as `promotion-order` decides it), or on a cluster's add-on whose version "
    "did run on every cluster it promotes from (as `promotion-addon-order` decides it), "
    "excuses nothing and would excuse the next version too: remove it. A version that ran in "
    "only some of them keeps its marker.",
)
PROMOTION_RULES: tuple[Rule, ...] = (ADDON_ORDER, HOTFIX, ORDER)


def versions_match(target: str, source: str) -> bool:
    """Whether `target` is the version that ran as `source` (see ORDER's description)."""
    if target == source:
        return True
    target_tag, target_digest = split_version(target)
    source_tag, source_digest = split_version(source)
    return (
        target_digest is not None
        and target_digest == source_digest
        and (target_tag is None or source_tag is None or target_tag == source_tag)
    )
