"""Apps share a host on different paths: `ingress.paths` counts path by path, so only a
path both serve is a duplicate."""

from generator.catalog.load import catalog_findings
from generator.yamlio import load_located
from tests.test_bad_input import CATALOG


def shop(paths_web, paths_api):
    text = CATALOG.replace(
        "    cluster: main\n", '    cluster: main\n    host: "shop-{env}.example.com"\n'
    )
    text = text.replace(
        "    config: {LOG_LEVEL: info}\n",
        f"    config: {{LOG_LEVEL: info}}\n    ingress: {{paths: {paths_web}}}\n",
    )
    api = """\
  api:
    team: shop
    image: ghcr.io/example/api
    ports:
      http: {port: 8080}
    probes:
      readiness: {path: /ready}
      liveness: {tcp: true}
    ingress: {paths: PATHS}
    environments:
      dev:
        version: 1.0.0
      prod:
        enabled: false
""".replace("PATHS", paths_api)
    return load_located(text + api, "catalog.yaml")


def test_different_paths_on_one_host_are_fine():
    assert catalog_findings(shop("[/, /static]", "[/api, /v2]")) == []


def test_a_path_both_serve_is_a_duplicate():
    found = [str(f) for f in catalog_findings(shop("[/, /api]", "[/v2, /api]"))]
    assert found == [
        "catalog.yaml:15:11: error: app 'web' in 'dev' and app 'api' in 'dev' both serve "
        "shop-dev.example.com/api on cluster 'main'; give one of them another host or path "
        "(catalog-duplicate-host)"
    ]
