"""`secrets-` rules: exact findings on a multi-kind file; values are never echoed."""

from generator.finding import Finding, Position, Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import secrets
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
