"""`secrets-` rules: exact findings on a multi-kind file; values are never echoed."""

from generator.finding import Finding, Position, Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import secrets
from generator.rules.credentials import ends_like_credential, opaque, secret_kind
from generator.rules.examples import examples_for
from generator.rules.secrets import looks_like_credential, name_words

TEXT = """\
apiVersion: v1
kind: Secret
metadata:
  name: tls
  namespace: shop
type: kubernetes.io/tls
stringData:
  tls.key: s3cr3t-key-material
---
apiVersion: v1
kind: Secret
metadata:
  name: empty
data: {}
---
apiVersion: v1
kind: Secret
metadata:
  name: sa-token
type: kubernetes.io/service-account-token
data:
  token: ZmlsbGVkLWluLWNsdXN0ZXI=
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
  namespace: shop
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: wait
              env:
                - name: PGPASSWORD
                  value: plain-pg
          containers:
            - name: dump
              env:
                - name: PG_PASSWD
                  value: plain-passwd
                - name: S3_ACCESS_KEY
                  valueFrom:
                    secretKeyRef: {name: s3, key: access-key}
                - name: DB_CREDENTIALS
                  value: 12345
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  containers:
    - name: app
      env:
        - {name: apiKey, value: plain-api-key}
  ephemeralContainers:
    - name: dbg
      env:
        - name: SECRET
          value: plain-secret
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: shop
data:
  SMTP_PASSWORD: plain-smtp
  EMPTY_TOKEN: ""
binaryData:
  private.key: cGxhaW4=
"""

CRON = Resource("CronJob", "backup", "shop")
POD = Resource("Pod", "p", "shop")
CM = Resource("ConfigMap", "cfg", "shop")


def run(rule_id):
    manifests = load_manifests(TEXT, "s.yaml")
    (entry,) = [r for r in secrets.RULES if r.rule.id == rule_id]
    return list(entry.check(manifests, RuleContext("1.31", environment="dev")))


def finding(rule_id, line, column, message, resource):
    return Finding(
        rule_id, Severity.ERROR, message, Position("s.yaml", line, column), resource, "dev"
    )


def test_plaintext_secret():
    assert run("secrets-plaintext-secret") == [
        finding(
            "secrets-plaintext-secret",
            7,
            1,
            "Secret 'tls' carries 'tls.key' in plain text under 'stringData' (base64 is not "
            "encryption); keep the values in the secret store and use an ExternalSecret",
            Resource("Secret", "tls", "shop"),
        )
    ]


ENV_HINT = (
    "has a literal value; take it from a Secret with valueFrom.secretKeyRef "
    "(fed by an ExternalSecret)"
)
CM_HINT = (
    "looks like a credential and holds a literal value; keep it in the secret store and "
    "mount it from a Secret created by an ExternalSecret"
)


def test_literal_credential():
    findings = run("secrets-literal-credential")
    assert findings == [
        finding(
            "secrets-literal-credential",
            38,
            19,
            f"container 'wait' env var 'PGPASSWORD' {ENV_HINT}",
            CRON,
        ),
        finding(
            "secrets-literal-credential",
            43,
            19,
            f"container 'dump' env var 'PG_PASSWD' {ENV_HINT}",
            CRON,
        ),
        finding(
            "secrets-literal-credential",
            48,
            19,
            f"container 'dump' env var 'DB_CREDENTIALS' {ENV_HINT}",
            CRON,
        ),
        finding(
            "secrets-literal-credential",
            59,
            26,
            f"container 'app' env var 'apiKey' {ENV_HINT}",
            POD,
        ),
        finding(
            "secrets-literal-credential",
            64,
            11,
            f"container 'dbg' env var 'SECRET' {ENV_HINT}",
            POD,
        ),
        finding(
            "secrets-literal-credential",
            72,
            3,
            f"ConfigMap 'cfg' key 'SMTP_PASSWORD' {CM_HINT}",
            CM,
        ),
        finding(
            "secrets-literal-credential", 75, 3, f"ConfigMap 'cfg' key 'private.key' {CM_HINT}", CM
        ),
    ]
    values = ("plain", "12345", "cGxhaW4")
    assert [v for f in findings for v in values if v in f.message] == []


def test_credential_names():
    names = {
        "PASSWORD": True,
        "db_password": True,
        "dbPassword": True,
        "PGPASSWORD": True,
        "PASSWORDLESS_LOGIN": False,
        "MYSQL_ROOT_PASSWD": True,
        "client-secret": True,
        "SECRETS_DIR": False,
        "SECRET_NAME": False,
        "GITHUB_TOKEN": True,
        "TOKEN_URL": False,
        "TOKENIZER": False,
        "API_KEY": True,
        "apiKey": True,
        "APIKEY": True,
        "X_API_KEY_V2": True,
        "KEY": False,
        "PRIVATE_KEY": True,
        "private.key": True,
        "ACCESS_KEY": True,
        "AWS_ACCESS_KEY_ID": False,
        "AWS_SECRET_ACCESS_KEY": True,
        "GOOGLE_APPLICATION_CREDENTIALS": True,
        "CREDENTIAL": True,
        "MONKEY": False,
        "": False,
    }
    assert {n: looks_like_credential(n) for n in names} == names


def test_name_words():
    assert name_words("dbPassword") == ["DB", "PASSWORD"]
    assert name_words("API_KEY.v2") == ["API", "KEY", "V2"]
    assert name_words("aws-secret-access-key") == ["AWS", "SECRET", "ACCESS", "KEY"]
    assert name_words("__") == []


def test_credential_name_endings():
    names = {
        "SIGNING_KEY": True,
        "ENCRYPTION_KEY": True,
        "TLS_KEY_CONTENT": True,
        "SSH_PRIVATE_KEY": True,
        "DB_PASS": True,
        "GPG_PASSPHRASE": True,
        "PUBLIC_KEY": False,
        "JWT_PUBLIC_KEY": False,
        "DYNAMO_SORT_KEY": False,
        "PARTITION_KEY": False,
        "KEY_CONTENT": False,
        "PASS": False,
        "BYPASS": False,
        "SIGNING_KEY_PATH": False,
    }
    assert {n: looks_like_credential(n) for n in names} == names


def test_annotation_names_must_end_like_a_credential():
    names = {
        "example.com/api-token": True,
        "example.com/db-password": True,
        "nginx.ingress.kubernetes.io/auth-secret": True,
        "vault.hashicorp.com/agent-inject-secret-db": False,
        "secret.reloader.stakater.com/reload": False,
        "example.com/token-url": False,
    }
    assert {n: ends_like_credential(n) for n in names} == names


def test_secret_kinds_of_values():
    values = {
        "AKIAQ3EGRSTUVWXY7Z2A": "an AWS access key id",
        "AKIAXXXXXXXXXXXXXXXX": None,  # a placeholder: no entropy
        "token=ghp_R8tYq2LmN4vB6xC0zK9wE3sD5fG7hJ1aP2oI": "a GitHub token",
        "ghp_short": None,
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789": "a GitHub token",
        "glpat-Zq8LmN3vR7tYw2Xk5PbH": "a GitLab token",
        "xoxp-2048-40961-Zq8LmN3vR7tY": "a Slack token",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc": "a Stripe live key",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc": None,
        "-----BEGIN PRIVATE KEY-----\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" * 2 + "\n": (
            "a PEM private key"
        ),
        "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----": None,
        "-----BEGIN CERTIFICATE-----\n" + "MIIB" * 20 + "\n-----END CERTIFICATE-----": None,
        "redis://:s3cr3t-Pw@cache:6379/0": "a URL with a password",
        "postgres://app:${DB_PASSWORD}@db/app": None,
        "amqp://guest:<password>@mq": None,
        "https://user@example.com/path": None,
        "plain text": None,
    }
    assert {v: secret_kind(v) for v in values} == values


def test_opaque_values():
    assert opaque("9f8e7d6c5b4a39281706f5e4d3c2b1a0")
    assert not opaque("basic-auth")
    assert not opaque("database/creds/db")
    assert not opaque("aaaaaaaaaaaaaaaa1")


VALUE_HINT = "take it from a Secret with valueFrom.secretKeyRef (fed by an ExternalSecret)"
CM_VALUE_HINT = (
    "keep it in the secret store and mount it from a Secret created by an ExternalSecret"
)


def test_credential_value_on_its_example():
    examples = examples_for("secrets-credential-value")
    manifests = load_manifests(examples.failing, "fail.yaml")
    (entry,) = [r for r in secrets.RULES if r.rule.id == "secrets-credential-value"]
    found = [(f.line, f.message) for f in entry.check(manifests, examples.context)]
    assert found == [
        (17, f"container 'api' env var 'DATABASE_URL' holds a URL with a password; {VALUE_HINT}"),
        (19, f"container 'api' env var 'SLACK_HOOK' holds a Slack token; {VALUE_HINT}"),
        (
            14,
            "container 'api' args[0] holds a GitHub token; pass it in an env var from a Secret "
            "(valueFrom.secretKeyRef, fed by an ExternalSecret) and write $(VAR) in its place",
        ),
        (27, f"ConfigMap 'api' key 'tls.pem' holds a PEM private key; {CM_VALUE_HINT}"),
        (32, f"ConfigMap 'api' key 'id_ed25519' holds a PEM private key; {CM_VALUE_HINT}"),
        (
            7,
            "annotation 'example.com/deploy-hook' of Deployment api holds an AWS access key id, "
            "readable by anyone who can read the object; keep it in the secret store and give "
            "the consumer a Secret created by an ExternalSecret",
        ),
    ]
    secrets_written = ("AKIAQ3", "ghp_R8", "Wx7q2", "Zq8LmN", "MIIEow", "LS0tLS1")
    assert [s for _, message in found for s in secrets_written if s in message] == []
