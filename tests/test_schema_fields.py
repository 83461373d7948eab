"""An unknown key that is a real field elsewhere in the catalog says where it belongs; a
near miss of a key of its own mapping still says "did you mean"."""

import pytest

from generator.catalog.load import catalog_findings
from generator.yamlio import load_located
from tests.test_bad_input import WEB, WEB_DEV, after, edit

CASES = {
    "version at the app": (
        edit(after(WEB, "    version: 1.2.0")),
        "catalog.yaml:39:5: error: unknown key 'version' in `apps.web`; 'version' is a field of "
        "`apps.<app>.environments.<env>`: move it there (catalog-unknown-key)",
    ),
    "image in an environment": (
        edit(after(WEB_DEV, "        image: ghcr.io/example/web2")),
        "catalog.yaml:42:9: error: unknown key 'image' in `apps.web.environments.dev`; 'image' is "
        "a field of `apps.<app>`: move it there (catalog-unknown-key)",
    ),
    "a near miss of its own mapping": (
        edit(after(WEB_DEV, "        replica: 2")),
        "catalog.yaml:42:9: error: unknown key 'replica' in `apps.web.environments.dev`; did you "
        "mean 'replicas'? (catalog-unknown-key)",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unknown_key_says_where_it_belongs(case):
    text, message = CASES[case]
    found = catalog_findings(load_located(text, "catalog.yaml"))
    assert [str(f) for f in found] == [message]
