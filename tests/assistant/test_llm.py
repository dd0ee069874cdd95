"""OpenAICompatibleChat against a real local HTTP server speaking the OpenAI chat API.

Nothing in langchain/openai/httpx is mocked: the fake is the *server*, so request building,
SSE parsing, timeouts and error translation are exercised for real.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fakes.openai_server import FakeOpenAIServer, Reply, closed_port_url

from assistant.errors import LLMError
from assistant.llm import OpenAICompatibleChat
from assistant.protocols import ChatModel

MESSAGES = [{"role": "system", "content": "Bạn là trợ lý."}, {"role": "user", "content": "Xin chào?"}]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as s:
        yield s


def _chat(server: FakeOpenAIServer, timeout_s: float = 2.0, **kw: object) -> OpenAICompatibleChat:
    return OpenAICompatibleChat(base_url=server.base_url, model="fake-model", timeout_s=timeout_s, **kw)  # type: ignore[arg-type]


def test_complete_sends_an_openai_request_and_returns_the_text(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="Bình Định có 1.230 dịch vụ [1]."))
    chat = _chat(server, api_key="sk-test-123", temperature=0.0, max_tokens=77)
    assert isinstance(chat, ChatModel)
    assert chat.complete(MESSAGES) == "Bình Định có 1.230 dịch vụ [1]."
    body = server.requests[-1]
    assert body["model"] == "fake-model"
    assert body["messages"] == [{"role": "system", "content": "Bạn là trợ lý."},
                                {"role": "user", "content": "Xin chào?"}]
    assert body["temperature"] == 0.0
    assert body["max_tokens"] == 77 and body["max_completion_tokens"] == 77
    assert not body.get("stream")
    assert server.headers[-1]["authorization"] == "Bearer sk-test-123"


def test_api_key_never_shows_in_repr(server: FakeOpenAIServer) -> None:
    chat = _chat(server, api_key="sk-secret-value")
    assert "sk-secret-value" not in repr(chat)
    assert server.base_url in repr(chat)


def test_stream_yields_pieces_that_join_to_the_reply(server: FakeOpenAIServer) -> None:
    text = "Tính đến quý I/2025 có 1.230 dịch vụ công trực tuyến toàn trình [1]."
    server.script(Reply(text=text))
    pieces = list(_chat(server).stream(MESSAGES))
    assert len(pieces) > 3
    assert "".join(pieces) == text
    assert server.requests[-1]["stream"] is True


def test_http_500_becomes_llm_error(server: FakeOpenAIServer) -> None:
    server.script(Reply(status=500))
    with pytest.raises(LLMError, match="HTTP 500"):
        _chat(server).complete(MESSAGES)
    assert len(server.requests) == 1  # no retry storm against a failing server
    with pytest.raises(LLMError, match="HTTP 500"):
        list(_chat(server).stream(MESSAGES))


def test_404_points_at_the_model_setting(server: FakeOpenAIServer) -> None:
    server.script(Reply(status=404))
    with pytest.raises(LLMError, match="ASSISTANT_LLM_MODEL"):
        _chat(server).complete(MESSAGES)


def test_401_points_at_the_api_key_setting(server: FakeOpenAIServer) -> None:
    server.script(Reply(status=401))
    with pytest.raises(LLMError, match="ASSISTANT_LLM_API_KEY"):
        _chat(server).complete(MESSAGES)


def test_garbage_on_the_wire_becomes_llm_error(server: FakeOpenAIServer) -> None:
    server.script(Reply(raw=b"<html>502 Bad Gateway</html>"))
    with pytest.raises(LLMError, match="not an OpenAI chat completion"):
        _chat(server).complete(MESSAGES)
    server.script(Reply(raw=b'{"unexpected": true}'))
    with pytest.raises(LLMError):
        _chat(server).complete(MESSAGES)


def test_empty_reply_is_an_error(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="   "))
    with pytest.raises(LLMError, match="empty"):
        _chat(server).complete(MESSAGES)
    server.script(Reply(text=""))
    with pytest.raises(LLMError, match="empty"):
        list(_chat(server).stream(MESSAGES))


def test_closed_port_becomes_llm_error_quickly() -> None:
    chat = OpenAICompatibleChat(base_url=closed_port_url(), model="m", timeout_s=2.0)
    t0 = time.monotonic()
    with pytest.raises(LLMError, match="cannot be reached.*ASSISTANT_LLM_BASE_URL"):
        chat.complete(MESSAGES)
    assert time.monotonic() - t0 < 2.0


def test_slow_server_gives_up_at_the_deadline(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="quá muộn [1].", delay_s=3.0))
    chat = _chat(server, timeout_s=0.8)
    t0 = time.monotonic()
    with pytest.raises(LLMError, match="did not answer within 0.8 s"):
        chat.complete(MESSAGES)
    assert time.monotonic() - t0 < 0.8 + 0.5
    streaming = _chat(server, timeout_s=0.8)
    t0 = time.monotonic()
    with pytest.raises(LLMError, match="did not answer within"):
        list(streaming.stream(MESSAGES))
    assert time.monotonic() - t0 < 0.8 + 0.5


def test_after_a_timeout_calls_fail_fast_until_the_cooldown_ends(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="chậm [1].", delay_s=1.5), Reply(text="nhanh [1]."))
    chat = _chat(server, timeout_s=0.5, cooldown_s=1.0)
    with pytest.raises(LLMError, match="did not answer"):
        chat.complete(MESSAGES)
    t0 = time.monotonic()
    with pytest.raises(LLMError, match="skipped .* after a failure"):
        chat.complete(MESSAGES)
    with pytest.raises(LLMError, match="skipped"):
        list(chat.stream(MESSAGES))
    assert time.monotonic() - t0 < 0.1
    assert len(server.requests) == 1  # the skipped calls never reached the server
    time.sleep(1.1)
    assert chat.complete(MESSAGES) == "nhanh [1]."


def test_a_bad_reply_does_not_start_the_cooldown(server: FakeOpenAIServer) -> None:
    server.script(Reply(status=500), Reply(text="được [1]."))
    chat = _chat(server)
    with pytest.raises(LLMError, match="HTTP 500"):
        chat.complete(MESSAGES)
    assert chat.complete(MESSAGES) == "được [1]."


def test_stream_that_stalls_midway_is_cut_off(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="một hai ba bốn năm sáu", stall_after=3, stall_s=3.0))
    got: list[str] = []
    t0 = time.monotonic()
    with pytest.raises(LLMError, match="stalled"):
        for piece in _chat(server, timeout_s=0.8).stream(MESSAGES):
            got.append(piece)
    assert got == ["một ", "hai "]
    assert time.monotonic() - t0 < 0.8 + 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "", "model": "m"}, "ASSISTANT_LLM_BASE_URL"),
        ({"base_url": "127.0.0.1:11434", "model": "m"}, "not an http"),
        ({"base_url": "http://127.0.0.1:1/v1", "model": ""}, "ASSISTANT_LLM_MODEL"),
        ({"base_url": "http://127.0.0.1:1/v1", "model": "m", "timeout_s": 0}, "ASSISTANT_LLM_TIMEOUT_S"),
        ({"base_url": "http://127.0.0.1:1/v1", "model": "m", "max_tokens": 0}, "ASSISTANT_LLM_MAX_TOKENS"),
        ({"base_url": "http://127.0.0.1:1/v1", "model": "m", "cooldown_s": -1}, "cooldown_s"),
    ],
)
def test_bad_configuration_is_rejected_at_construction(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(LLMError, match=message):
        OpenAICompatibleChat(**kwargs)  # type: ignore[arg-type]


def test_malformed_messages_are_rejected_before_any_request(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="x"))
    chat = _chat(server)
    with pytest.raises(LLMError, match="role"):
        chat.complete([{"role": "wizard", "content": "hi"}])
    with pytest.raises(LLMError, match="no messages"):
        chat.complete([])
    assert server.requests == []
