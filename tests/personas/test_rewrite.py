"""Optional story rewrite: tested against a local fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from rashinban._errors import ConfigError
from rashinban.personas import PersonaCard, check_rewrite, rewrite_story
from rashinban.personas._card import Evidence, Statement
from rashinban.personas._story import story


class _Fake(BaseHTTPRequestHandler):
    mode = "faithful"
    seen: list[dict[str, Any]] = []  # noqa: RUF012  (test double: shared on purpose)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        request = json.loads(self.rfile.read(length))
        type(self).seen.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), **request}
        )
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        original = request["messages"][-1]["content"]
        if self.mode == "faithful":
            text = original.replace("の会社で働いている。", "の会社に勤める。ある一日の話。")
        else:
            text = original + "受注率は99%に達する。"
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]})
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def card() -> PersonaCard:
    ev = Evidence("statistic", "accounts", "industry", "製造業", 30, 40)
    st = [Statement("industry", "業種は製造業（75%）", "Industry: 製造業 (75%)", ev)]
    return PersonaCard(
        "k",
        "佐藤 誠",
        "Makoto Sato",
        "<svg/>",
        "製造業",
        40,
        st,
        story("佐藤 誠", "Makoto Sato", st),
    )


def test_faithful_rewrite_is_accepted(server: str, card: PersonaCard) -> None:
    _Fake.mode, _Fake.seen = "faithful", []
    result = rewrite_story(card, endpoint=server, model="local", api_key="k-test")
    assert result.accepted and "ある一日の話" in result.text and "[1]" in result.text
    assert _Fake.seen[0]["path"] == "/v1/chat/completions"
    assert _Fake.seen[0]["auth"] == "Bearer k-test" and _Fake.seen[0]["model"] == "local"


def test_rewrite_that_adds_a_fact_is_rejected(server: str, card: PersonaCard) -> None:
    _Fake.mode = "invent"
    result = rewrite_story(card, endpoint=server, model="local")
    assert not result.accepted and result.reason == "new number 99"
    assert result.text == card.story_text("ja")


def test_server_error_is_a_config_error(server: str, card: PersonaCard) -> None:
    _Fake.mode = "error"
    with pytest.raises(ConfigError, match="did not give a usable answer"):
        rewrite_story(card, endpoint=server, model="local", timeout=5)
    with pytest.raises(ConfigError, match="not an http"):
        rewrite_story(card, endpoint="file:///etc/passwd", model="local")


def test_check_rewrite_rules() -> None:
    assert check_rewrite("A[1]B[2]", "B[2]A[1]") == ""
    assert check_rewrite("A[1]B[2]", "AB[2]") == "citations changed"
    assert check_rewrite("「在庫」[1]", "「在庫管理」[1]") == "new quoted phrase 在庫管理"


def test_cli_rewrite_flag(server: str, demo_tables: dict[str, Any], tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from rashinban import init_workspace
    from rashinban.cli import app
    from rashinban.importing import load_frames

    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, demo_tables)
    _Fake.mode = "faithful"
    rule = json.dumps(
        [{"column": "industry", "op": "in", "values": ["製造業"]}], ensure_ascii=False
    )
    args = ["personas", "-w", str(ws.path), "-f", "json", "--rule", rule, "--rewrite-url", server]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)["personas"][0]
    assert item["story_rewrite"]["accepted"] is True
    assert "ある一日の話" in item["story_rewrite"]["text"]
