"""What a plain scalar means in YAML 1.2 (generator.yamlio._resolve) is what ruamel.yaml's
resolver says, for every first character: the scalars no rule of it starts with are strings
without asking it."""

import string

import pytest
from ruamel.yaml.nodes import ScalarNode

from generator import yamlio

RESTS = ["", "1", "rue", "alse", "ull", "x1F", "o17", "e3", "inf", "nan", "5", ".5", "<", "_k"]
VALUES = sorted(
    {first + rest for first in string.printable.strip() + "é€" for rest in RESTS}
    | {"true", "True", "TRUE", "false", "null", "Null", "~", "0x1F", "0o17", "1e3", ".inf"}
    | {"-.inf", ".NaN", "+1", "-0", "<<", "=", "2001-12-14", "k1", "éclair", "12:30"}
)


@pytest.mark.parametrize("implicit", [(True, False), (False, True), (True, True)])
def test_every_plain_scalar_resolves_as_ruamel_says(implicit):
    resolver = yamlio._RUAMEL.resolver
    ours = {v: yamlio._resolve("scalar", v, implicit) for v in VALUES}
    theirs = {v: str(resolver.resolve(ScalarNode, v, implicit)) for v in VALUES}
    assert ours == theirs
    assert len(set(theirs.values())) > (1 if implicit[0] else 0)  # not all strings


def test_a_key_of_letters_is_a_string_without_a_rule():
    firsts, tag = yamlio._no_resolver_for()
    assert tag == "tag:yaml.org,2002:str"
    assert {"k", "a", "x"}.isdisjoint(firsts)
    assert {"t", "f", "n", "~", "0", "-", "."} <= firsts
