"""`hotline demo load` says plainly when the app is not there, instead of a traceback."""

from typer.testing import CliRunner

from hotline.cli import app


def test_load_against_no_app_says_so_and_exits_2() -> None:
    result = CliRunner().invoke(app, ["demo", "load", "--cases", "1", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "Cannot reach the app at http://127.0.0.1:9" in result.output
