"""``jingwang classify``: judging stdin, evaluation on a small dataset (the confusion matrix
worked out here from the classifier's own scores), lexicon files (check, import with encoding
detection), known hashes, image files, and a capture judged and read back."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import web

from jingwang.classify.classifier import Classifier
from jingwang.classify.pages import page_text
from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.rows import summary_of
from jingwang.probe.service import record_probe
from jingwang.probe.warc import write_warc
from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore
from probe.probekit import serve_app
from web.classifykit import HARD_NEGATIVE, PORN_LINE, page_result

Run = Callable[..., tuple[int, str, str]]

TEXTS = [  # (text, label, kind)
    (PORN_LINE, 1, "porn"),
    ("成人视频免费看，高清无码在线观看", 1, "porn"),
    ("Free adult videos, hot live sex chat, click to watch now", 1, "porn"),
    (HARD_NEGATIVE, 0, "hard_negative:adult_education"),
    ("公安机关开展扫黄打非专项行动，查处一批色情网站", 0, "hard_negative:crackdown"),
    ("女士内衣新品上市，舒适透气，全场包邮", 0, "hard_negative:lingerie"),
    ("今天天气晴，适合去公园散步", 0, "clean"),
]


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    live_settings: Settings,
    live_db: Database,
) -> Run:
    """``run(*args, stdin=b"")``: ``jingwang ARGS`` on the test's data and database; its exit
    code, stdout and stderr."""

    def run_(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        code = main(
            ["--data-dir", str(live_settings.data_dir), "--database-url",
             live_settings.resolved_database_url, "--queue-url", "memory://", *args]
        )  # fmt: skip
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run_


def test_text_json_on_a_porn_line_and_a_hard_negative(run: Run) -> None:
    code, out, err = run("classify", "text", "--json", stdin=PORN_LINE.encode())
    assert code == ExitCode.OK, err
    verdict = json.loads(out)
    assert verdict["label"] == "porn"
    assert verdict["score"] >= verdict["thresholds"]["porn"]
    assert any(hit["category"] in ("porn", "sex_services") for hit in verdict["text"]["hits"])
    code, out, _ = run("classify", "text", "--json", stdin=HARD_NEGATIVE.encode("gb18030"))
    clean = json.loads(out)
    assert clean["label"] == "clean"
    assert clean["score"] < clean["thresholds"]["suspect"]
    code, out, _ = run("classify", "text", "--lang", "zh", stdin=PORN_LINE.encode())
    assert code == ExitCode.OK
    assert out.startswith("porn  score ")
    assert "matched phrases:" in out
    code, _, err = run("classify", "text", stdin=b"  \n")
    assert code == ExitCode.INVALID_INPUT
    assert "stdin is empty" in err


def _expected_confusion(scores: list[float], labels: list[int], threshold: float) -> dict[str, int]:
    flagged = [score >= threshold for score in scores]
    return {
        "tp": sum(f and y == 1 for f, y in zip(flagged, labels, strict=True)),
        "fp": sum(f and y == 0 for f, y in zip(flagged, labels, strict=True)),
        "tn": sum(not f and y == 0 for f, y in zip(flagged, labels, strict=True)),
        "fn": sum(not f and y == 1 for f, y in zip(flagged, labels, strict=True)),
    }


def test_eval_json_gives_the_confusion_of_the_classifiers_scores(
    run: Run, tmp_path: Path, live_settings: Settings
) -> None:
    # a WARC written by the prober is an "evidence" example, named relative to the dataset
    warc_page = page_result("http://wap.hot.test/", PORN_LINE, title="热门")
    (tmp_path / "page.warc.gz").write_bytes(write_warc(warc_page, software="test"))
    lines = [
        json.dumps({"text": t, "label": y, "kind": k}, ensure_ascii=False) for t, y, k in TEXTS
    ]
    lines.append(json.dumps({"id": "warc", "evidence": "page.warc.gz", "label": "porn"}))
    dataset = tmp_path / "small.jsonl"
    dataset.write_text("\n".join(lines) + "\n", encoding="utf-8")

    classifier = Classifier.from_settings(live_settings)
    summary = summary_of(warc_page)
    scores = [classifier.text(text).probability for text, _, _ in TEXTS]
    scores.append(classifier.judge_text(page_text(summary)).score)
    labels = [label for _, label, _ in TEXTS] + [1]

    code, out, err = run("classify", "eval", str(dataset), "--json")
    assert code == ExitCode.OK, err
    report = json.loads(out)
    threshold = classifier.thresholds.porn
    assert report["threshold"] == threshold
    assert report["n"] == len(labels)
    assert report["confusion"] == _expected_confusion(scores, labels, threshold)
    assert report["confusion"]["tp"] >= 3  # the porn lines and the page in the WARC
    assert {"precision", "recall", "f1"} <= set(report)

    code, out, _ = run("classify", "eval", str(dataset), "--json", "--threshold", "0.05")
    assert json.loads(out)["confusion"] == _expected_confusion(scores, labels, 0.05)
    code, out, err = run("classify", "eval", str(dataset), "--worst", "2", "--lang", "en")
    assert code == ExitCode.OK
    assert "examples judged in" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": 1}\n{"text": "y"}\n', encoding="utf-8")
    code, _, err = run("classify", "eval", str(bad))
    assert code == ExitCode.INVALID_INPUT
    assert "2" in err


def test_lexicon_check_reports_every_bad_line(run: Run, tmp_path: Path) -> None:
    good = tmp_path / "good.lex"
    good.write_text(
        "@category porn\n40  色情片\n@category good\n-30 性健康教育\n", encoding="utf-8"
    )
    code, out, err = run("classify", "lexicon", "check", str(good))
    assert code == ExitCode.OK, err
    assert "2 entries" in out
    bad = tmp_path / "bad.lex"
    bad.write_text("@category porn\nforty 色情\n40 成人片\n@category good\n30 性健康\n", "utf-8")
    code, out, err = run("classify", "lexicon", "check", str(bad), "--json")
    assert code == ExitCode.INVALID_INPUT
    problems = json.loads(out)["problems"]
    lines = [re.match(rf"{re.escape(str(bad))}:(\d+): ", problem) for problem in problems]
    assert [found.group(1) for found in lines if found] == ["2", "5"]
    code, _, err = run("classify", "lexicon", "check", str(bad))
    assert code == ExitCode.INVALID_INPUT
    assert f"{bad}:2:" in err
    assert f"{bad}:5:" in err


def test_lexicon_import_of_a_plain_list_says_its_encoding(run: Run, tmp_path: Path) -> None:
    words = "# 一个词表\n裸聊\n约炮,\n\n裸聊\n成人视频\t备注\n"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(words.encode("gb18030"))
    out_lex = tmp_path / "out" / "imported.lex"
    code, out, err = run(
        "classify", "lexicon", "import", str(gbk), "--format", "plain", "--category", "porn",
        "--weight", "40", "--out", str(out_lex),
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "as GB18030" in out
    written = out_lex.read_text(encoding="utf-8")
    for word in ("裸聊", "约炮", "成人视频"):
        assert word in written
    code, out, _ = run("classify", "lexicon", "check", str(out_lex), "--json")
    assert code == ExitCode.OK
    assert json.loads(out)["entries"] == 3
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + "裸聊\n".encode())
    code, out, _ = run(
        "classify", "lexicon", "import", str(bom), "--category", "porn",
        "--out", str(tmp_path / "bom.lex"), "--json",
    )  # fmt: skip
    assert json.loads(out)["encoding"] == "UTF-8 (with BOM)"
    code, _, err = run("classify", "lexicon", "import", str(bom), "--out", str(tmp_path / "x.lex"))
    assert code == ExitCode.INVALID_INPUT
    assert "--category" in err


def test_lexicon_show_and_info(run: Run) -> None:
    code, out, err = run("classify", "lexicon", "show", "--json")
    assert code == ExitCode.OK, err
    shown = json.loads(out)
    assert shown["entries"] > 0
    assert shown["version"].startswith("lex-")
    assert all(name.startswith("bundled:") for name in shown["files"])
    code, out, _ = run("classify", "info", "--json")
    info = json.loads(out)
    assert info["versions"]["lexicon"] == shown["version"]
    assert info["lexicon"]["entries"] == shown["entries"]
    code, out, _ = run("classify", "info")
    assert "thresholds" in out


def test_hashes_import_list_and_delete(run: Run, tmp_path: Path) -> None:
    listing = tmp_path / "hashes.txt"
    listing.write_text(f"# known\n{'a' * 64}\n{'b' * 64},lingerie\n", encoding="utf-8")
    code, out, err = run("classify", "hashes", "import", str(listing), "--source", "t", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["added"] == 2
    code, out, _ = run("classify", "hashes", "import", str(listing), "--source", "t")
    assert "0 hashes added from t, 2 known already" in out
    code, out, _ = run("classify", "hashes", "list", "--json")
    listed = json.loads(out)
    assert listed["total"] == 2
    assert {item["label"] for item in listed["items"]} == {"porn", "lingerie"}
    first = listed["items"][0]["id"]
    assert run("classify", "hashes", "delete", str(first))[0] == ExitCode.OK
    assert run("classify", "hashes", "delete", str(first))[0] == ExitCode.NOT_FOUND
    bad = tmp_path / "bad.txt"
    bad.write_text("nothex\n", encoding="utf-8")
    assert run("classify", "hashes", "import", str(bad), "--source", "t")[0] == (
        ExitCode.INVALID_INPUT
    )


def test_image_scores_a_benign_photo_and_refuses_a_non_image(run: Run, tmp_path: Path) -> None:
    data = pytest.importorskip("skimage.data")
    from PIL import Image

    photo = tmp_path / "coffee.png"
    Image.fromarray(data.coffee()).save(photo)
    code, out, err = run("classify", "image", str(photo), "--json")
    assert code == ExitCode.OK, err
    [score] = json.loads(out)
    assert score["error"] is None
    assert score["nsfw"] is not None
    assert score["nsfw"] < 0.5
    assert len(score["pdq"]) == 64
    assert 0 <= score["pdq_quality"] <= 100
    assert (score["width"], score["height"]) == (600, 400)
    text = tmp_path / "page.png"
    text.write_bytes(b"<html>not an image</html>")
    code, out, _ = run("classify", "image", str(photo), str(text))
    assert code == ExitCode.FAILURE
    assert "markup" in out


def test_judge_a_capture_and_read_it_back(
    run: Run, live_db: Database, live_settings: Settings
) -> None:
    blobs = FileBlobStore(live_settings.resolved_blob_dir)
    with live_db.session() as session:
        capture = record_probe(
            session, blobs, page_result("http://wap.hot.test/", PORN_LINE), actor_name="t",
            org_id=None,
        ).id  # fmt: skip
    code, out, err = run("classify", "capture", str(capture), "--json")
    assert code == ExitCode.OK, err
    verdict = json.loads(out)
    assert (verdict["capture_id"], verdict["label"], verdict["current"]) == (capture, "porn", True)
    code, out, _ = run("classify", "capture", str(capture), "--json")
    assert json.loads(out)["id"] == verdict["id"]  # same classifier: not judged twice
    code, out, _ = run("classify", "capture", str(capture), "--force", "--json")
    again = json.loads(out)
    assert again["id"] != verdict["id"]
    assert again["previous_label"] == "porn"
    code, out, _ = run("classify", "verdicts", "--label", "porn", "--json")
    assert [item["id"] for item in json.loads(out)["items"]] == [again["id"]]
    code, out, _ = run("classify", "show", str(verdict["id"]), "--lang", "en")
    assert code == ExitCode.OK
    assert "reasons:" in out
    code, out, _ = run("classify", "site", "hot.test", "--json")
    assert json.loads(out)["captures"] == [capture]
    assert run("classify", "site", "nowhere.test")[0] == ExitCode.NOT_FOUND
    assert run("classify", "show", "999999")[0] == ExitCode.NOT_FOUND
    code, out, _ = run("classify", "rescore", "start", "--json")
    assert code == ExitCode.OK
    run_id = json.loads(out)["id"]
    assert run("classify", "rescore", "start")[0] == ExitCode.CONFLICT
    code, out, _ = run("classify", "rescore", "status", "--json")
    assert json.loads(out)["id"] == run_id
    assert run("classify", "rescore", "cancel", str(run_id))[0] == ExitCode.OK
    code, out, _ = run("classify", "rescore", "status", str(run_id), "--wait")
    assert f"run {run_id} cancelled" in out


def test_eval_probes_url_examples_and_judges_their_pages(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def spam(_: web.Request) -> web.Response:
        body = f"<html><head><title>热门</title></head><body>{PORN_LINE}</body></html>"
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def school(_: web.Request) -> web.Response:
        body = f"<html><head><title>招生</title></head><body>{HARD_NEGATIVE}</body></html>"
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/", spam)
    app.router.add_get("/school", school)
    with LoopbackDNS({}) as dns, serve_app(app) as server:
        monkeypatch.setenv("JINGWANG_PROBE_RESOLVER", dns.address)
        monkeypatch.setenv("JINGWANG_PROBE_ALLOW_LOOPBACK", "true")
        monkeypatch.setenv("JINGWANG_PROBE_ALLOW_ANY_PORT", "true")
        dataset = tmp_path / "urls.jsonl"
        lines = [
            {"url": server.url("wap.hot.test", "/"), "label": 1},
            {"url": server.url("edu.school.test", "/school"), "label": 0},
            {"url": "http://10.1.2.3/", "label": 0},  # refused by the guard: scored 0
        ]
        dataset.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
        code, out, err = run("classify", "eval", str(dataset), "--json")
    assert code == ExitCode.OK, err
    report = json.loads(out)
    assert report["confusion"] == {"tp": 1, "fp": 0, "tn": 2, "fn": 0}
    assert "not judged, scored 0" in err
