"""A call missing a required argument names the method and the argument, and sends nothing."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest

from signalwire.rest import AsyncRestClient, RestClient


def _recording() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    return seen, httpx.MockTransport(handler)


@pytest.fixture
def sync_client() -> Any:
    seen, transport = _recording()
    with RestClient("p", "t", "example.signalwire.com", transport=transport) as client:
        client.seen = seen  # type: ignore[attr-defined]
        yield client


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.fabric.ai_agents.create(prompt={"text": "hi"}), "needs name="),
        (lambda c: c.fabric.ai_agents.create(), "needs prompt= and name="),
        (lambda c: c.fabric.ai_agents.get(), "needs resource_id (positional)"),
        (lambda c: c.calling.play_volume("call-1"), "needs control_id= and volume="),
        (lambda c: c.compat.calls.create(To="+15551230000"), "needs From="),
        (lambda c: c.phone_numbers.set_swml_webhook("pn-1"), "needs url (positional)"),
        (lambda c: c.calling.update(), "needs call_id= (or id=)"),
        (lambda c: c.calling.record("call-1"), "needs record= (or audio=)"),
    ],
)
def test_missing_argument_names_method_and_argument(
    sync_client: Any, call: Any, message: str
) -> None:
    with pytest.raises(TypeError) as info:
        call(sync_client)
    text = str(info.value)
    # Several missing names come in signature order: compare them as a set.
    said = text.split(" needs ", 1)[1].replace(" and ", ", ").split(", ")
    assert sorted(said) == sorted(message.removeprefix("needs ").replace(" and ", ", ").split(", "))
    method = text.split("()", 1)[0]
    assert method.count(".") >= 1 and " " not in method, text
    assert sync_client.seen == []


def test_the_error_names_the_documented_path() -> None:
    client = RestClient("p", "t", "example.signalwire.com")
    with pytest.raises(TypeError, match=r"^fabric\.ai_agents\.create\(\) needs name=$"):
        client.fabric.ai_agents.create(prompt={"text": "hi"})
    client.close()


async def test_async_client_names_the_argument_too() -> None:
    seen, transport = _recording()
    async with AsyncRestClient("p", "t", "example.signalwire.com", transport=transport) as c:
        with pytest.raises(TypeError, match=r"^video\.rooms\.get\(\) needs "):
            c.video.rooms.get()  # type: ignore[call-arg]
    assert seen == []


def test_too_many_positional_arguments_still_say_so(sync_client: Any) -> None:
    with pytest.raises(TypeError, match=r"^fabric\.ai_agents\.get\(\) takes .* positional"):
        sync_client.fabric.ai_agents.get("a", "b")


def test_type_errors_from_inside_the_call_are_not_rewritten(sync_client: Any) -> None:
    # A value json cannot encode fails inside the method, not while binding.
    with pytest.raises(TypeError, match="JSON serializable"):
        sync_client.fabric.ai_agents.create(name="a", prompt={"text": object()})


def test_signatures_are_the_generated_ones(sync_client: Any) -> None:
    params = inspect.signature(sync_client.fabric.ai_agents.create).parameters
    assert params["name"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["name"].default is inspect.Parameter.empty
    assert params["agent_id"].default is None
    assert sync_client.fabric.ai_agents.create.__name__ == "create"
