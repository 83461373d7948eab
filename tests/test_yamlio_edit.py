"""`yamlio.set_scalars`: only the edited scalars of the text change."""

import pytest

from generator.errors import InputError
from generator.semver import compare_versions
from generator.yamlio import set_scalars

TEXT = """\
# head
a: {b: x, c: '1'}   # flow
d:
  e: 1.2.3  # comment
  f:
    g: 2

h: &h 3
i: *h
env: {enabled: false}
blk:
  enabled: false   # not yet
  # trailing comment
last:
  nested:
    deep: 1
z: 1
"""


def test_set_scalars_changes_only_the_scalars_and_adds_missing_keys():
    edits = {
        ("a", "b"): "0.10",
        ("a", "c"): "it's",
        ("d", "e"): "1.2.4@sha256:ab",
        ("d", "f", "g"): "v1",
        ("env", "version"): "1.0.0",
        ("env", "enabled"): True,
        ("blk", "version"): "true",
        ("blk", "enabled"): True,
        ("last", "added"): "x",
    }
    assert (
        set_scalars(TEXT, edits, "f.yaml")
        == """\
# head
a: {b: "0.10", c: 'it''s'}   # flow
d:
  e: "1.2.4@sha256:ab"  # comment
  f:
    g: v1

h: &h 3
i: *h
env: {enabled: true, version: 1.0.0}
blk:
  enabled: true   # not yet
  version: "true"
  # trailing comment
last:
  nested:
    deep: 1
  added: x
z: 1
"""
    )


def test_set_scalars_keeps_crlf_line_ends():
    assert set_scalars("a: 1\r\nb: x # c\r\n", {("b",): "y"}, "f.yaml") == "a: 1\r\nb: y # c\r\n"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (
            ("i",),
            "f.yaml:9:1: error: i is not a plain value of its own (an anchor, an alias or a collection); write the value out in place, then try again",
        ),
        (
            ("h",),
            "f.yaml:8:1: error: h is not a plain value of its own (an anchor, an alias or a collection); write the value out in place, then try again",
        ),
        (
            ("d", "f"),
            "f.yaml:5:3: error: d.f is not a plain value of its own (an anchor, an alias or a collection); write the value out in place, then try again",
        ),
        (("d", "e", "x"), "f.yaml:4:6: error: d.e.x cannot be set: its parent is not a mapping"),
        (("q", "r"), "f.yaml:2:1: error: q does not exist; add it first"),
    ],
)
def test_set_scalars_refuses_what_it_cannot_edit_in_place(at, message):
    with pytest.raises(InputError) as caught:
        set_scalars(TEXT, {at: "v"}, "f.yaml")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.4.2", "1.4.10", -1),
        ("v2.0.0", "1.9.9", 1),
        ("1.5.0-rc.1", "1.5.0", -1),
        ("1.5.0-rc.2", "1.5.0-rc.10", -1),
        ("1.5.0-alpha", "1.5.0-1", 1),
        ("1.5.0-alpha", "1.5.0-alpha.1", -1),
        ("1.4.2+build.7@sha256:" + "a" * 64, "1.4.2", 0),
        ("1.4.2", "nightly", None),
        ("@sha256:" + "a" * 64, "1.0.0", None),
    ],
)
def test_compare_versions(a, b, expected):
    assert compare_versions(a, b) == expected
