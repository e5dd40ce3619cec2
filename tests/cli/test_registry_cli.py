"""``jingwang registry parse-icp``: stdin in any encoding, plain and JSON output, exit codes."""

from __future__ import annotations

import io
import json

import pytest
from typer.testing import CliRunner

from jingwang.cli.app import _register, app, main
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings

FOOTER = (
    "<p>Copyright © 2009 wap.example.test 版权所有</p>\n"
    "<p>粤ＩＣＰ备２０２１１２３４５６号－１ 港ICP备05002571号 京ICP证030173号</p>\n"
    "<p>增值电信业务经营许可证：京B2-20090001</p>"
)


@pytest.fixture(autouse=True)
def _isolated(settings: Settings) -> None:
    """Run every command in a temporary folder, immune to the developer's environment."""


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_prints_valid_numbers_one_a_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, FOOTER.encode())
    code = main(["registry", "parse-icp"])
    out, err = capsys.readouterr()
    assert code == ExitCode.OK
    assert out.splitlines() == ["粤ICP备2021123456号-1", "京ICP证030173号", "京B2-20090001"]
    assert err == ""


def test_all_adds_invalid_numbers_with_their_problems(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, FOOTER.encode())
    code = main(["registry", "parse-icp", "--all"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.OK
    assert out.splitlines()[1] == (
        "港ICP备05002571号\tinvalid: '港' is not a province abbreviation"
    )
    assert len(out.splitlines()) == 4


def test_gbk_encoded_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = "<html><body>网站备案号：沪ICP备05002571号-2 版权所有，违者必究。</body></html>"
    _stdin(monkeypatch, page.encode("gbk"))
    code = main(["registry", "parse-icp"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.OK
    assert out.splitlines() == ["沪ICP备05002571号-2"]


def test_utf8_bom_and_text_streams_without_bytes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, "\ufeff京ICP备05002571号".encode())
    assert main(["registry", "parse-icp"]) == ExitCode.OK
    monkeypatch.setattr("sys.stdin", io.StringIO("蜀ICP备12005138号-1"))
    assert main(["registry", "parse-icp"]) == ExitCode.OK
    out, _ = capsys.readouterr()
    assert out.splitlines() == ["京ICP备05002571号", "蜀ICP备12005138号-1"]


def test_json_details(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "备案：粤ＩＣＰ备２０２１１２３４５６号－１"
    _stdin(monkeypatch, text.encode())
    code = main(["registry", "parse-icp", "--json"])
    out, _ = capsys.readouterr()
    assert code == ExitCode.OK
    (item,) = json.loads(out)
    assert item == {
        "kind": "filing",
        "province": "粤",
        "province_name": "广东",
        "province_code": "44",
        "number": "2021123456",
        "year": 2021,
        "site_index": 1,
        "canonical": "粤ICP备2021123456号-1",
        "valid": True,
        "problems": [],
        "start": 3,
        "end": 21,
        "raw": "粤ＩＣＰ备２０２１１２３４５６号－１",
    }
    assert text[item["start"] : item["end"]] == item["raw"]


def test_json_all_includes_invalid(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, FOOTER.encode())
    main(["registry", "parse-icp", "--json", "--all"])
    document = json.loads(capsys.readouterr().out)
    assert [item["valid"] for item in document] == [True, False, True, True]


@pytest.mark.parametrize(
    ("stdin", "args", "expected_out"),
    [
        (b"", [], ""),
        ("没有备案号的页面".encode(), [], ""),
        ("港ICP备05002571号".encode(), [], ""),
        ("港ICP备05002571号".encode(), ["--all"], "港ICP备05002571号\tinvalid:"),
        (b"\xff\xfe\x00garbage\x80", ["--json"], "[]"),
    ],
)
def test_no_valid_number_exits_not_found(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: bytes,
    args: list[str],
    expected_out: str,
) -> None:
    _stdin(monkeypatch, stdin)
    code = main(["registry", "parse-icp", *args])
    out, _ = capsys.readouterr()
    assert code == ExitCode.NOT_FOUND
    assert out.strip().startswith(expected_out)


def test_through_clirunner() -> None:
    _register()
    result = CliRunner().invoke(app, ["registry", "parse-icp"], input="滇ICP备09010050-5号\n")
    assert result.exit_code == ExitCode.OK
    assert result.output.splitlines() == ["滇ICP备09010050号-5"]
