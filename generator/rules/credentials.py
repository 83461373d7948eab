"""What looks like a credential: by its name (`DB_PASSWORD`, `SIGNING_KEY`) or by its value
(a PEM private key, a token with a known prefix, a URL with a password).

Pure functions for the `secrets-` rules. A value check returns the kind of secret found
(`"a PEM private key"`), never the value, so a message can name it without leaking it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

CREDENTIAL_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"}
)
PASSWORD_ENDINGS = ("PASSWORD", "PASSWD")  # PGPASSWORD, ROOTPASSWD: common unsplit names
CREDENTIAL_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY")})
# Last words that name where a credential is, not the credential.
NOT_A_CREDENTIAL_SUFFIXES = frozenset(
    {"FILE", "PATH", "DIR", "URL", "URI", "NAME", "ID", "ENDPOINT"}
)
# Last words that say how a value is written: `TLS_KEY_CONTENT` is still the key.
ENCODING_SUFFIXES = frozenset({"CONTENT", "CONTENTS", "DATA", "VALUE", "B64", "BASE64", "PEM"})
# `<X>_KEY` is a credential (SIGNING_KEY, ENCRYPTION_KEY) unless X says it is a lookup key.
NOT_SECRET_KEYS = frozenset(
    {
        "PUBLIC",
        "PUB",
        "SORT",
        "PARTITION",
        "PRIMARY",
        "FOREIGN",
        "HASH",
        "RANGE",
        "CACHE",
        "ROUTING",
        "SHARD",
        "LOOKUP",
        "IDEMPOTENCY",
        "OBJECT",
    }
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def name_words(name: str) -> list[str]:
    """`dbPassword` -> [DB, PASSWORD]; `API_KEY.v2` -> [API, KEY, V2]."""
    return [w.upper() for w in _SEPARATORS.split(_CAMEL.sub("_", name)) if w]


def _ends_like_credential(words: list[str]) -> bool:
    """`*_TOKEN`, `*_PASSWORD`, `*_SECRET`, `*_PASS`, `*_KEY`, `*_PRIVATE_KEY`, with an
    encoding word after them allowed (`*_KEY_CONTENT`)."""
    while len(words) > 1 and words[-1] in ENCODING_SUFFIXES:
        words = words[:-1]
    last = words[-1]
    if last in CREDENTIAL_WORDS or last.endswith(PASSWORD_ENDINGS):
        return True
    if len(words) < 2:
        return False
    return last == "PASS" or (last == "KEY" and words[-2] not in NOT_SECRET_KEYS)


def looks_like_credential(name: str) -> bool:
    """A name for a credential: one of its words is a credential word (PASSWORD, SECRET,
    TOKEN ...), two adjacent words are API KEY, PRIVATE KEY or ACCESS KEY, or it ends like
    one (`*_PASS`, `*_KEY`, `*_KEY_CONTENT`); unless its last word says where the credential
    is (`*_FILE`, `*_PATH`, `*_URL`, `*_ID` ...)."""
    words = name_words(name)
    if not words or words[-1] in NOT_A_CREDENTIAL_SUFFIXES:
        return False
    if any(w in CREDENTIAL_WORDS or w.endswith(PASSWORD_ENDINGS) for w in words):
        return True
    return any(pair in CREDENTIAL_PAIRS for pair in pairwise(words)) or _ends_like_credential(words)


def ends_like_credential(name: str) -> bool:
    """A stricter test for annotation names, which often name a Secret object
    (`auth-secret`, `agent-inject-secret-db`): the last words must be the credential's."""
    words = name_words(name.rsplit("/", 1)[-1])
    return bool(words) and _ends_like_credential(words)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


MIN_TOKEN_ENTROPY = 3.0  # a random body of 16+ characters; placeholders (XXXX, 0000) fall below
MIN_OPAQUE_LENGTH = 16
MIN_OPAQUE_ENTROPY = 3.5

# (kind, pattern whose first group is the random part of the token)
TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("an AWS access key id", r"\b(?:AKIA|ASIA)([0-9A-Z]{16})\b"),
        ("a GitHub token", r"\bgh[pousr]_([A-Za-z0-9]{36})\b"),
        ("a GitHub token", r"\bgithub_pat_([A-Za-z0-9_]{22,})"),
        ("a GitLab token", r"\bglpat-([A-Za-z0-9_-]{20,})"),
        ("a Slack token", r"\bxox[abposr]-([A-Za-z0-9-]{10,})"),
        ("a Stripe live key", r"\b[rs]k_live_([A-Za-z0-9]{16,})"),
        ("a Google API key", r"\bAIza([0-9A-Za-z_-]{35})"),
        ("an npm token", r"\bnpm_([A-Za-z0-9]{36})\b"),
        ("a PyPI token", r"\bpypi-(AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"),
        ("a SendGrid key", r"\bSG\.([A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"),
    )
)
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(.*?)(?:-----END|\Z)", re.S)
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=]")
MIN_PEM_BODY = 40  # base64 characters: a key, not a `...` placeholder
_URL_PASSWORD = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:([^\s/@]+)@")
_PLACEHOLDER_START = ("$", "{", "<", "%", "*")


def _pem(value: str) -> bool:
    return any(len(_PEM_BODY.findall(m.group(1))) >= MIN_PEM_BODY for m in _PEM.finditer(value))


def _url_password(value: str) -> bool:
    for match in _URL_PASSWORD.finditer(value):
        password = match.group(1)
        if not password.startswith(_PLACEHOLDER_START) and set(password) - {"x", "X", "*"}:
            return True
    return False


def secret_kind(value: str) -> str | None:
    """The kind of secret `value` holds or contains, or None."""
    if _pem(value):
        return "a PEM private key"
    for kind, pattern in TOKENS:
        if any(entropy(m.group(1)) >= MIN_TOKEN_ENTROPY for m in pattern.finditer(value)):
            return kind
    if _url_password(value):
        return "a URL with a password"
    return None


def opaque(value: str) -> bool:
    """A value that reads like a generated secret: long, no spaces, letters and digits, and
    high entropy (not a name, a path or a flag)."""
    return (
        len(value) >= MIN_OPAQUE_LENGTH
        and not any(c.isspace() for c in value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and entropy(value) >= MIN_OPAQUE_ENTROPY
    )
