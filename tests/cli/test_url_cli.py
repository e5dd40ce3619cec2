"""``jingwang url canonicalize|expressions``: output, JSON, stdin and exit codes."""

from __future__ import annotations

import io
import json

import pytest
import typer
from typer.testing import CliRunner

from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.url import register
from jingwang.core import full_hash
from jingwang.settings import Settings


@pytest.fixture(autouse=True)
def _isolated(settings: Settings) -> None:
    """Run every command in a temporary folder, immune to the developer's environment."""


def test_canonicalize_prints_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["url", "canonicalize", "HTTP://WAP.Porn.TEST:80/a/../wap/", "3279880203/blah"])
    out, err = capsys.readouterr()
    assert code == ExitCode.OK
    assert out.splitlines() == ["http://wap.porn.test/wap/", "http://195.127.0.11/blah"]
    assert err == ""


def test_bad_urls_are_reported_and_the_rest_still_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["url", "canonicalize", "javascript:alert(1)", "a.test", "http://a.123/"])
    out, err = capsys.readouterr()
    assert code == ExitCode.INVALID_INPUT
    assert out.splitlines() == ["http://a.test/"]
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("error: 'javascript:alert(1)': scheme 'javascript'")
    assert lines[1].startswith("error: 'http://a.123/': ")


def test_canonicalize_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["url", "canonicalize", "--json", "中国.cn", "data:x"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.INVALID_INPUT
    document = json.loads(out)
    assert document[0] == {"input": "中国.cn", "canonical": "http://xn--fiqs8s.cn/", "error": None}
    assert document[1]["input"] == "data:x"
    assert document[1]["canonical"] is None
    assert "scheme 'data'" in document[1]["error"]


def test_canonicalize_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a.test/x\n\n  b.test  \n"))
    code = main(["url", "canonicalize", "c.test", "-"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.OK
    assert out.splitlines() == ["http://c.test/", "http://a.test/x", "http://b.test/"]


def test_expressions(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["url", "expressions", "http://a.b.c/1/2.html?param=1"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.OK
    assert out.splitlines() == [
        "a.b.c/1/2.html?param=1",
        "a.b.c/1/2.html",
        "a.b.c/",
        "a.b.c/1/",
        "b.c/1/2.html?param=1",
        "b.c/1/2.html",
        "b.c/",
        "b.c/1/",
    ]


def test_expressions_json_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("http://1.2.3.4/1/\n"))
    code = main(["url", "expressions", "--json", "--prefix-length", "8", "-"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.OK
    digest = full_hash("1.2.3.4/1/")
    assert json.loads(out)[0] == {
        "expression": "1.2.3.4/1/",
        "sha256": digest.hex(),
        "prefix": digest[:8].hex(),
    }
    assert [row["expression"] for row in json.loads(out)] == ["1.2.3.4/1/", "1.2.3.4/"]


def test_expressions_of_a_bad_url(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["url", "expressions", "mailto:x@y.test"])
    _, err = capsys.readouterr()
    assert code == ExitCode.INVALID_INPUT
    assert "scheme 'mailto'" in err


def test_expressions_want_exactly_one_url_on_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a.test\nb.test\n"))
    assert main(["url", "expressions", "-"]) == ExitCode.INVALID_INPUT
    assert "exactly one URL" in capsys.readouterr().err


def test_prefix_length_is_checked() -> None:
    # Through CliRunner, not main(): main() only maps the `click` package's exceptions, while
    # typer 0.29 raises those of its vendored `typer._click` (reported to the lead).
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["url", "expressions", "--prefix-length", "2", "a.test"])
    assert result.exit_code == ExitCode.USAGE
    assert "--prefix-length" in result.output
