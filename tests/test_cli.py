from click.testing import CliRunner

from generator import __version__
from generator.cli.main import main


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"gitopsgen, version {__version__}\n"
