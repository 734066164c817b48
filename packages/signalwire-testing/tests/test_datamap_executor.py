"""The DataMap executor against the fake outside services (real HTTP on 127.0.0.1).

Ported from the unpublished ``signalwire_devtools.datamap`` executor's tests, which this
executor replaced; they run raw SWAIG function dicts through the public API.
"""

from __future__ import annotations

import ast
import importlib
from typing import Any

import pytest

from signalwire.testing import execute_datamap as top_level_execute_datamap
from signalwire.testing.agents import DataMapError, execute_datamap, execute_datamap_async
from signalwire_devtools.services import FakeServices


@pytest.fixture(autouse=True)
def _fakes_are_local(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fake services listen on 127.0.0.1, which the executor refuses unless allowed.
    if "fake_services" in request.fixturenames:
        monkeypatch.setenv("SWML_ALLOW_PRIVATE_URLS", "1")


def fn(data_map: dict[str, Any]) -> dict[str, Any]:
    return {
        "function": "f",
        "parameters": {"type": "object", "properties": {}},
        "data_map": data_map,
    }


def answer(template: str, args: dict[str, Any], raw_data: dict[str, Any] | None = None) -> str:
    """What the fallback output ``template`` expands to (templates read the call data)."""
    reply = execute_datamap(fn({"output": {"response": template}}), args, raw_data)
    return str(reply["response"])


def test_lookup_paths_indexes_and_case() -> None:
    call = {"global_data": {"Current": {"temp_f": 50}, "array": [{"a": 1}, {"a": 2}]}}
    assert answer("${global_data.current.TEMP_F}", {}, call) == "50"
    assert answer("${global_data.array[0].a}", {}, call) == "1"
    assert answer("${global_data.array[-1].a}", {}, call) == "2"
    assert answer("[${global_data.array[5].a}]", {}, call) == "[]"
    assert answer("[${missing.x}]", {}, call) == "[]"
    assert answer("${GLOBAL_DATA.array}", {}, call) == '[{"a":1},{"a":2}]'


def test_expand_prefixes_and_both_sigils() -> None:
    args = {"city": "New York", "phone": "+1 (555) 123"}
    assert answer("q=${lc:enc:args.city}", args) == "q=new%20york"
    # The order is fmt_ph, lc, enc whatever the spelling order.
    assert answer("q=${enc:lc:args.city}", args) == "q=new%20york"
    assert answer("%{args.city}!", args) == "New York!"
    assert answer("${fmt_ph:args.phone}", args) == "1 5 5 5 1 2 3"
    assert answer("${enc:fmt_ph:args.phone}", args) == "1%205%205%205%201%202%203"
    reply = execute_datamap(fn({"output": {"response": "x", "a": ["${args.none}"]}}), args)
    assert reply == {"response": "x", "a": [""]}


def test_expressions_first_output_wins() -> None:
    data_map = {
        "expressions": [
            {"string": "${args.x}", "pattern": "^a", "output": {"response": "A"}},
            {"string": "${args.x}", "pattern": ".*", "output": {"response": "any ${args.x}"}},
        ]
    }
    assert execute_datamap(fn(data_map), {"x": "abc"}) == {"response": "A"}
    assert execute_datamap(fn(data_map), {"x": "zzz"}) == {"response": "any zzz"}
    nomatch = {
        "expressions": [
            {"string": "x", "pattern": "y", "output": {}, "nomatch-output": {"response": "no"}}
        ]
    }
    assert execute_datamap(fn(nomatch), {}) == {"response": "no"}
    # A match without output produces nothing: the next expression answers.
    silent = {
        "expressions": [
            {"string": "x", "pattern": "x"},
            {"string": "x", "pattern": "x", "output": {"response": "second"}},
        ]
    }
    assert execute_datamap(fn(silent), {}) == {"response": "second"}


def test_webhook_output_reads_response_and_input(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    data_map = {
        "webhooks": [
            {
                "url": f"{base}/weatherapi/v1/current.json?key=test-key&q=${{enc:args.location}}",
                "method": "GET",
                "error_keys": ["error"],
                "output": {
                    "response": "${input.args.location}: ${current.temp_f}F ${current.condition.text}"
                },
            }
        ],
        "output": {"response": "fallback"},
    }
    assert execute_datamap(fn(data_map), {"location": "Paris"}) == {
        "response": "Paris: 53.6F Partly cloudy"
    }
    (req,) = fake_services.requests_to("/weatherapi")
    assert req.query["q"] == "Paris"


def test_error_keys_and_http_code_fall_back(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    hook = {
        "url": f"{base}/weatherapi/v1/current.json?key=bad&q=x",
        "method": "GET",
        "output": {"response": "ok"},
    }
    assert execute_datamap(
        fn({"webhooks": [{**hook, "error_keys": ["error"]}], "output": {"response": "fb"}}), {}
    ) == {"response": "fb"}
    # error_keys may be one string.
    assert execute_datamap(
        fn({"webhooks": [{**hook, "error_keys": "error"}], "output": {"response": "fb1"}}), {}
    ) == {"response": "fb1"}
    # Without error keys the 401 body still reaches the output, with http_code added.
    raw = {"webhooks": [{**hook, "output": {"response": "${http_code} ${error.message}"}}]}
    assert execute_datamap(fn(raw), {}) == {"response": "401 API key provided is invalid"}
    coded = {"webhooks": [{**hook, "error_keys": ["http_code"]}], "output": {"response": "fb2"}}
    assert execute_datamap(fn(coded), {}) == {"response": "fb2"}
    # The data map's own (top-level) error_keys are ignored, as on the platform.
    ignored = {"webhooks": [raw["webhooks"][0]], "error_keys": ["error"]}
    assert execute_datamap(fn(ignored), {})["response"].startswith("401")


def test_slow_or_broken_service_falls_back(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    fake_services.fail("/api-ninjas", status=0, delay=1.0, times=1)
    data_map = {
        "webhooks": [
            {"url": f"{base}/api-ninjas/v1/jokes", "method": "GET", "output": {"response": "joke"}}
        ],
        "output": {"response": "sorry"},
    }
    assert execute_datamap(fn(data_map), {}, timeout=0.2) == {"response": "sorry"}
    fake_services.fail(
        "/api-ninjas", status=200, raw_body=b"<html>not json", content_type="text/html"
    )
    assert execute_datamap(fn(data_map), {}) == {"response": "sorry"}
    no_fallback = {"webhooks": data_map["webhooks"]}
    with pytest.raises(DataMapError, match=r"f: .*not a JSON object or array"):
        execute_datamap(fn(no_fallback), {})


async def test_array_response_foreach_and_post_params(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    data_map = {
        "webhooks": [
            {
                "url": f"{base}/api-ninjas/v1/${{args.kind}}",
                "method": "GET",
                "headers": {"X-Api-Key": "test-key"},
                "foreach": {
                    "input_key": "array",
                    "output_key": "all",
                    "max": 5,
                    "append": "[${this.joke}]",
                },
                "output": {"response": "${array[0].joke}|${all}"},
            }
        ]
    }
    out = await execute_datamap_async(fn(data_map), {"kind": "dadjokes"})
    joke = fake_services.data["dadjokes"][0]["joke"]
    assert out == {"response": f"{joke}|[{joke}]"}
    post: dict[str, Any] = {
        "url": f"{base}/mcp/services/calc/call",
        "method": "POST",
        "headers": {"Authorization": "Bearer test-key"},
        "params": {"tool": "add", "arguments": {"a": "${args.a}"}},
        "output": {"response": "${result}"},
    }
    assert execute_datamap(fn({"webhooks": [post]}), {"a": 2}) == {
        "response": 'add called with {"a": "2"}'
    }
    assert fake_services.requests_to("/mcp")[-1].method == "POST"
    # ``body`` is the same thing as ``params`` (the documented spelling; 3.7.5 writes params).
    body = {k: v for k, v in post.items() if k != "params"} | {"body": post["params"]}
    assert execute_datamap(fn({"webhooks": [body]}), {"a": 3}) == {
        "response": 'add called with {"a": "3"}'
    }


def test_form_param_and_input_args_as_params() -> None:
    import httpx

    seen: list[httpx.Request] = []

    def service(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    hook = {
        "url": "https://svc.test/hook",
        "method": "GET",
        "params": {"p": "${args.a}"},
        "input_args_as_params": True,
        "output": {"response": "done"},
    }
    transport = httpx.MockTransport(service)
    assert execute_datamap(fn({"webhooks": [hook]}), {"a": "1"}, transport=transport) == {
        "response": "done"
    }
    assert seen[-1].method == "POST" and seen[-1].read() == b'{"a":"1","p":"1"}'
    form = {**hook, "form_param": "payload"}
    execute_datamap(fn({"webhooks": [form]}), {"a": "1"}, transport=transport)
    assert seen[-1].method == "POST"
    assert seen[-1].read() == b"payload=%7B%22a%22%3A+%221%22%2C+%22p%22%3A+%221%22%7D"


def test_require_args_picks_first_satisfied_webhook(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    data_map = {
        "webhooks": [
            {
                "url": f"{base}/nowhere",
                "method": "GET",
                "require_args": ["zip"],
                "output": {"response": "zip"},
            },
            {
                "url": f"{base}/nowhere-either",
                "method": "GET",
                "require_args": "city",  # one name as a string
                "output": {"response": "city"},
            },
            {
                "url": f"{base}/api-ninjas/v1/jokes",
                "method": "GET",
                "headers": {"X-Api-Key": "test-key"},
                "output": {"response": "second"},
            },
        ]
    }
    # An empty argument does not satisfy require_args.
    assert execute_datamap(fn(data_map), {"zip": ""}) == {"response": "second"}
    assert [r.path for r in fake_services.journal] == ["/api-ninjas/v1/jokes"]


def test_malformed_function_is_a_clear_error() -> None:
    with pytest.raises(DataMapError, match="data_map"):
        execute_datamap({"function": "f"}, {})
    with pytest.raises(DataMapError, match="pattern"):
        execute_datamap(fn({"expressions": [{"string": "x"}]}), {})
    with pytest.raises(DataMapError, match="url"):
        execute_datamap(fn({"webhooks": [{"method": "GET"}]}), {})
    with pytest.raises(DataMapError, match=r"f: .*produced no output"):
        top_level_execute_datamap(fn({}), {})


@pytest.mark.parametrize("module", ["_datamap", "_templates"])
def test_the_executor_reads_raw_json_without_the_agents_package(module: str) -> None:
    mod = importlib.import_module(f"signalwire.testing.agents.{module}")
    assert mod.__file__ is not None
    with open(mod.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    signalwire = [n for n in names if n == "signalwire" or n.startswith("signalwire.")]
    assert all(n.startswith("signalwire.testing.") for n in signalwire), signalwire


def test_an_argument_that_breaks_the_url_falls_back() -> None:
    data_map = {
        "webhooks": [
            {"url": "http://127.0.0.1:1/${args.x}", "method": "GET", "output": {"response": "ok"}}
        ],
        "output": {"response": "fallback"},
    }
    assert execute_datamap(fn(data_map), {"x": "\x1f\x00"}) == {"response": "fallback"}


# -- the platform's outbound limits --------------------------------------------------------


def _hook(url: str) -> dict[str, Any]:
    return fn(
        {
            "webhooks": [{"url": url, "method": "GET", "output": {"response": "reached"}}],
            "output": {"response": "fallback"},
        }
    )


def test_loopback_private_and_metadata_addresses_are_refused(
    fake_services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SWML_ALLOW_PRIVATE_URLS")
    port = fake_services.base_url.rsplit(":", 1)[1]
    hosts = ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "[::7f00:1]"]
    for host in hosts:
        url = f"http://{host}:{port}/api-ninjas/v1/jokes"
        assert execute_datamap(_hook(url), {}) == {"response": "fallback"}, host
        with pytest.raises(DataMapError, match="private or local address"):
            execute_datamap(
                {**_hook(url), "data_map": {"webhooks": _hook(url)["data_map"]["webhooks"]}}, {}
            )
    # Metadata, NAT64 and 6to4 forms of private addresses, shared address space: refused
    # before any connection (so no timeout is spent on them).
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://100.64.0.1/",
    ):
        assert execute_datamap(_hook(url), {}, timeout=30) == {"response": "fallback"}, url
    assert fake_services.journal == []
    # Explicitly allowed (for tests): reached.
    url = f"http://127.0.0.1:{port}/api-ninjas/v1/jokes"
    assert execute_datamap(_hook(url), {}, allow_private=True) == {"response": "reached"}


def test_an_oversized_answer_fails_the_webhook(fake_services: FakeServices) -> None:
    fake_services.fail("/api-ninjas", 200, raw_body=b"[" + b"0," * (1024 * 1024) + b"0]")
    url = f"{fake_services.base_url}/api-ninjas/v1/jokes"
    assert execute_datamap(_hook(url), {}) == {"response": "fallback"}
    with pytest.raises(DataMapError, match="larger than 1048576 bytes"):
        execute_datamap(
            {**_hook(url), "data_map": {"webhooks": _hook(url)["data_map"]["webhooks"]}}, {}
        )
    fake_services.reset()
    fake_services.fail("/api-ninjas", 200, raw_body=b'{"ok": 1}' + b" " * 2000)
    assert execute_datamap(_hook(url), {}, max_response_bytes=1000) == {"response": "fallback"}


def test_a_trickling_service_cannot_outlast_the_deadline() -> None:
    """Headers at once, then one body byte every 50 ms: each read is quick, the whole is not."""
    import asyncio
    import threading
    import time

    ready = threading.Event()
    stop: list[Any] = []
    port: list[int] = []

    async def serve() -> None:
        done = asyncio.Event()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: 100000\r\n\r\n"
            )
            try:
                while not done.is_set():
                    writer.write(b" ")
                    await writer.drain()
                    await asyncio.sleep(0.05)
            except (ConnectionError, OSError):
                pass
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        stop.append((asyncio.get_running_loop(), done))
        ready.set()
        async with server:
            await done.wait()
            await asyncio.sleep(0.1)  # let the handlers see ``done`` and end

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    try:
        assert ready.wait(10)
        url = f"http://127.0.0.1:{port[0]}/slow"
        started = time.monotonic()
        assert execute_datamap(_hook(url), {}, timeout=1.0, allow_private=True) == {
            "response": "fallback"
        }
        assert time.monotonic() - started < 5  # 100,000 bytes at 20 a second: 80 minutes
    finally:
        loop, done = stop[0]
        loop.call_soon_threadsafe(done.set)
        thread.join(10)
