"""Image references: parsed parts and `imagePolicy` verdicts, one table row per reference."""

import pytest

from generator.k8s.imageref import (
    ImageRef,
    ImageRefError,
    is_semver,
    is_sha256_digest,
    parse_image,
    satisfies,
    split_version,
    version_satisfies,
)

SHA = "sha256:" + "0123456789abcdef" * 4
SHA_UPPER = "sha256:" + "0123456789ABCDEF" * 4
SHA512 = "sha512:" + "0123456789abcdef" * 8

# reference -> (registry, repository, tag, digest), (tag, semver, digest) policy verdicts
TABLE = [
    ("nginx", (None, "nginx", None, None), (False, False, False)),
    ("nginx:1.25.3", (None, "nginx", "1.25.3", None), (True, True, False)),
    ("nginx:latest", (None, "nginx", "latest", None), (False, False, False)),
    ("library/nginx:1.25", (None, "library/nginx", "1.25", None), (True, False, False)),
    (
        "docker.io/library/nginx:v1.2.3",
        ("docker.io", "library/nginx", "v1.2.3", None),
        (True, True, False),
    ),
    ("localhost:5000/app:1.0", ("localhost:5000", "app", "1.0", None), (True, False, False)),
    ("localhost:5000/app", ("localhost:5000", "app", None, None), (False, False, False)),
    ("localhost/app:2.0.0", ("localhost", "app", "2.0.0", None), (True, True, False)),
    (
        "registry.example.com:443/team/app/web:1.0.0-rc.1+build.7",
        None,
        None,
    ),  # '+' is not allowed in a tag
    (
        "registry.example.com:443/team/app/web:1.0.0-rc.1",
        ("registry.example.com:443", "team/app/web", "1.0.0-rc.1", None),
        (True, True, False),
    ),
    ("127.0.0.1:5000/app:1.0.0", ("127.0.0.1:5000", "app", "1.0.0", None), (True, True, False)),
    ("[::1]:5000/app:1.0.0", ("[::1]:5000", "app", "1.0.0", None), (True, True, False)),
    (f"app@{SHA}", (None, "app", None, SHA), (True, False, True)),
    (f"ghcr.io/acme/app:1.2.3@{SHA}", ("ghcr.io", "acme/app", "1.2.3", SHA), (True, True, True)),
    (f"ghcr.io/acme/app:latest@{SHA}", ("ghcr.io", "acme/app", "latest", SHA), (True, False, True)),
    (f"localhost:5000/app@{SHA}", ("localhost:5000", "app", None, SHA), (True, False, True)),
    (f"app:1.2.3@{SHA_UPPER}", (None, "app", "1.2.3", SHA_UPPER), (True, False, False)),
    (f"app:1.2.3@{SHA512}", (None, "app", "1.2.3", SHA512), (True, False, False)),
    (
        "my-org/my_app__x.y:v0.0.0-alpha",
        (None, "my-org/my_app__x.y", "v0.0.0-alpha", None),
        (True, True, False),
    ),
    ("Acme/app:1.0.0", ("Acme", "app", "1.0.0", None), (True, True, False)),
    ("ghcr.io/acme/App:1.0.0", None, None),
    ("app:", None, None),
    ("app:-1", None, None),
    (":1.0", None, None),
    ("app@sha256:abc", None, None),
    ("app@", None, None),
    ("ghcr.io//app:1.0", None, None),
    ("bad_host:5000/app:1.0", None, None),
    ("app/:1.0", None, None),
    ("a" * 256, None, None),
]


@pytest.mark.parametrize(("reference", "parts", "verdicts"), TABLE, ids=[r[0][:60] for r in TABLE])
def test_parse_and_policies(reference, parts, verdicts):
    if parts is None:
        with pytest.raises(ImageRefError):
            parse_image(reference)
        return
    ref = parse_image(reference)
    assert ref == ImageRef(*parts)
    assert str(ref) == reference
    assert tuple(ref.satisfies(p) for p in ("tag", "semver", "digest")) == verdicts


def test_error_messages_name_the_bad_part():
    cases = {
        "ghcr.io/acme/App:1.0": "repository part 'App' is not lower-case letters and digits "
        "separated by '.', '_', '__' or '-'",
        "app:bad/tag": "registry 'app:bad' is not host[:port]",
        "app:-x": "tag '-x' is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
        "app@md5:12": "digest 'md5:12' is not <algorithm>:<hex>",
        ":1.0": "the repository name is empty",
        "bad_host:5000/app": "registry 'bad_host:5000' is not host[:port]",
    }
    got = {}
    for reference in cases:
        with pytest.raises(ImageRefError) as info:
            parse_image(reference)
        got[reference] = str(info.value)
    assert got == cases


def test_name():
    assert parse_image("localhost:5000/a/b:1").name == "localhost:5000/a/b"
    assert parse_image("a/b:1").name == "a/b"


SEMVER = {
    "1.2.3": True,
    "v1.2.3": True,
    "0.0.0": True,
    "1.2.3-rc.1": True,
    "1.2.3-0.3.7": True,
    "1.2.3-x.7.z.92": True,
    "1.2.3+build.5": True,
    "1.0.0-alpha+001": True,
    "1.0.0-alpha-a.b-c": True,
    "V1.2.3": False,
    "vv1.2.3": False,
    "1.2": False,
    "1": False,
    "01.2.3": False,
    "1.02.3": False,
    "1.2.3-01": False,
    "1.2.3-": False,
    "1.2.3+": False,
    "1.2.3.4": False,
    "latest": False,
    "": False,
}


def test_is_semver():
    assert {tag: is_semver(tag) for tag in SEMVER} == SEMVER
    assert is_semver(None) is False


def test_is_sha256_digest():
    assert is_sha256_digest(SHA) is True
    assert is_sha256_digest(SHA_UPPER) is False
    assert is_sha256_digest(SHA + "0") is False
    assert is_sha256_digest(SHA[:-1]) is False
    assert is_sha256_digest(SHA512) is False
    assert is_sha256_digest(None) is False


VERSIONS = [
    # catalog version -> (tag, semver, digest) verdicts
    ("1.4.2", (True, True, False)),
    ("v1.4.2+build.1", (True, True, False)),
    ("0.10", (True, False, False)),
    ("latest", (False, False, False)),
    ("main-4f2a9c1", (True, False, False)),
    (f"1.4.2@{SHA}", (True, True, True)),
    (f"main@{SHA}", (True, False, True)),
    (f"@{SHA}", (True, False, True)),
    (f"1.4.2@{SHA_UPPER}", (True, False, False)),
]


@pytest.mark.parametrize(("version", "verdicts"), VERSIONS)
def test_version_policies(version, verdicts):
    assert tuple(version_satisfies(p, version) for p in ("tag", "semver", "digest")) == verdicts


def test_split_version():
    assert split_version("1.0.0") == ("1.0.0", None)
    assert split_version(f"1.0.0@{SHA}") == ("1.0.0", SHA)
    assert split_version(f"@{SHA}") == (None, SHA)


def test_unknown_policy():
    with pytest.raises(ValueError) as info:
        satisfies("strict", "1.0.0", None)
    assert str(info.value) == "unknown image policy 'strict'; use one of tag, semver, digest"
