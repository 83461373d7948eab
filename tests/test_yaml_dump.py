"""generator.yamlout writes generated documents without PyYAML's representer (nodes built
directly, plain scalars resolved once): the text must be the representer's, byte for byte,
for every value a document can hold, and anything else still goes through it."""

import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import yamlout
from tests.strategies import TRICKY

SCALAR_TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(
        ["", " ", "y", "N", "0o17", "1e3", "1_000", "~", "null", "- x", "a: b", "#c", "x #c"]
    ),
    st.sampled_from(["'q'", '"d"', "multi\nline", "tab\there", "é€", "\u2028", "trailing "]),
    st.text(string.printable + "é€\u00a0\x85", max_size=20),
)
SCALARS = st.one_of(SCALAR_TEXT, st.integers(-(2**70), 2**70), st.booleans(), st.none())
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(SCALAR_TEXT, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_a_document_is_written_as_the_representer_writes_it(document):
    assert yamlout._dump(document, False) == yamlout._represented(document, False)


def test_a_document_and_its_text():
    document = {"a": [1, True, None, "0o17", {"b": ""}], "c": {}, "d": [], "e": "x y"}
    assert yamlout._dump(document, False) == (
        "a:\n- 1\n- true\n- null\n- '0o17'\n- b: ''\nc: {}\nd: []\ne: x y\n"
    )


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ({"f": 1.5}, "f: 1.5\n"),
        ({"t": (1, 2)}, "t:\n- 1\n- 2\n"),
        ([{"k": b"bytes"}], "- k: !!binary |\n    Ynl0ZXM=\n"),
    ],
    ids=["float", "tuple", "bytes"],
)
def test_other_values_go_through_the_representer(document, text):
    assert yamlout._dump(document, False) == yamlout._represented(document, False) == text


def test_a_value_the_representer_refuses_is_refused_as_before():
    with pytest.raises(yaml.representer.RepresenterError, match=r"cannot represent an object"):
        yamlout._dump({"o": object()}, False)


def test_a_shared_object_is_written_in_full_each_time():
    shared = {"app": "web"}
    document = {"labels": shared, "selector": shared}
    assert yamlout._dump(document, False) == "labels:\n  app: web\nselector:\n  app: web\n"


def test_sorted_keys_are_the_representer_s():
    document = {"b": 1, "a": {"d": [1], "c": "0x1F"}}
    assert yamlout._dump(document, True) == "a:\n  c: '0x1F'\n  d:\n  - 1\nb: 1\n"


def test_the_resolved_tags_are_the_resolver_s_for_every_first_character():
    values = [c + rest for c in string.printable for rest in ("", "1", "rue", "x1F", ".5")]
    ours = yamlout._Dumper(None)
    theirs = yaml.SafeDumper(None)
    for implicit in ((True, False), (False, True)):
        for value in values:
            got = ours.resolve(yaml.nodes.ScalarNode, value, implicit)
            plain = yaml.resolver.Resolver.resolve(ours, yaml.nodes.ScalarNode, value, implicit)
            assert got == plain
            assert yamlout._RESOLVED[(value, implicit)] == plain  # kept for the next time
    assert theirs.resolve(yaml.nodes.ScalarNode, "y", (True, False)) == "tag:yaml.org,2002:str"
    assert ours.resolve(yaml.nodes.ScalarNode, "y", (True, False)) == "tag:yaml.org,2002:bool"
