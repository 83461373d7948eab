import subprocess
import sys

from click.testing import CliRunner

from generator import __version__
from generator.cli.main import main
from tests.helpers import ROOT


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"gitopsgen, version {__version__}\n"


def test_version_imports_no_command():
    """Lean start-up: `--version` loads the command line alone, not the commands, rules, YAML,
    git or schema libraries (a fresh interpreter, so nothing was loaded before)."""
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.cli.main import main\n"
        "assert CliRunner().invoke(main, ['--version']).exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "    ('generator', 'ruamel', 'yaml', 'git', 'jsonschema', 'kubernetes_validate')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    lean = ["generator", "generator.cli", "generator.cli.main", "generator.cli.state"]
    lean += ["generator.finding", "generator.k8s", "generator.k8s.display", "generator.manifest"]
    lean += ["generator.rule"]
    assert done.stdout == f"{lean!r}\n"
