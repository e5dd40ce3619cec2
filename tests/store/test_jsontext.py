"""JSON text made once (:mod:`jingwang.store.jsontext`): orjson, with the standard library's
meaning and its fallback for what orjson refuses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from jingwang.store.jsontext import EncodedJSON, json_bytes


@dataclasses.dataclass
class Point:
    x: int


def test_json_bytes_reads_back_as_the_value_with_utf8_text_and_string_keys() -> None:
    value = {"标题": "页面", 3: [1.5, None, True], "b": {"z": 1, "a": 2}}
    data = json_bytes(value)
    assert "页面".encode() in data  # not escaped
    assert json.loads(data) == json.loads(json.dumps(value))  # 3 became "3", as json does


def test_sorted_keys_and_default_as_the_standard_library_hands_them() -> None:
    moment = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    value = {"b": moment, "a": Point(1)}
    data = json_bytes(value, sort_keys=True, default=str)
    assert data == json.dumps(value, sort_keys=True, default=str, separators=(",", ":")).encode()


def test_what_orjson_refuses_is_written_by_the_standard_library() -> None:
    huge = {"n": 2**70, "lone": "\udc80"}  # beyond 64 bits; a lone surrogate
    data = json_bytes(huge)
    assert json.loads(data) == huge


def test_encoded_json_is_text() -> None:
    encoded = EncodedJSON.of({"a": [1, "二"]})
    assert isinstance(encoded, str)
    assert json.loads(encoded) == {"a": [1, "二"]}
