"""Error mapping, retry policy, Retry-After, timeouts and cancellation."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import pytest

from signalwire.rest import (
    AsyncRestClient,
    RequestOptions,
    RestClient,
    SignalWireRestError,
    SignalWireRestTimeoutError,
    SignalWireRestTransportError,
)
from signalwire.rest._options import ResolvedOptions

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
NO_WAIT = RequestOptions(retry_backoff=0.0)


def test_404_carries_status_method_url_body_and_request_id(
    client: RestClient, fake_rest_server: Any
) -> None:
    with pytest.raises(SignalWireRestError) as info:
        client.request("GET", "/api/no/such/path", query={"q": "1"})
    err = info.value
    assert err.status_code == 404
    assert err.method == "GET"
    assert err.url == f"{fake_rest_server.base_url}/api/no/such/path?q=1"
    assert isinstance(err.body, dict)
    assert err.request_id and err.request_id in str(err)
    assert fake_rest_server.token not in str(err)
    assert fake_rest_server.token not in err.url


def test_422_names_the_field(client: RestClient) -> None:
    with pytest.raises(SignalWireRestError) as info:
        client.fabric.ai_agents.create(name="x", prompt={"text": "y"}, agent_id=UUID, hints="bad")
    err = info.value
    assert err.status_code == 422
    assert any(e.get("attribute") == "hints" for e in err.errors)


def test_401_with_wrong_token(fake_rest_server: Any) -> None:
    with (
        RestClient(fake_rest_server.project, "wrong", fake_rest_server.host) as c,
        pytest.raises(SignalWireRestError) as info,
    ):
        c.fabric.ai_agents.list()
    assert info.value.status_code == 401
    assert "wrong" not in str(info.value)


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_are_retried_even_for_post(
    client: RestClient, fake_rest_server: Any, status: int
) -> None:
    fake_rest_server.inject_failure(status, retry_after=0, times=2, method="POST")
    result = client.fabric.ai_agents.create(
        name="n", prompt={"text": "p"}, agent_id=UUID, request_options=NO_WAIT
    )
    assert isinstance(result, dict)
    statuses = [e.status for e in fake_rest_server.journal.entries]
    assert statuses[:2] == [status, status]
    assert statuses[2] in (200, 201)


def test_retry_after_is_honoured_and_capped(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(429, retry_after=0.3, times=1)
    start = time.monotonic()
    client.fabric.ai_agents.list()
    assert time.monotonic() - start >= 0.3
    # Asked to wait longer than max_retry_delay allows: the 429 is raised at once,
    # rather than retried before the server said it would accept the request.
    fake_rest_server.inject_failure(429, retry_after=3600, times=1)
    fake_rest_server.journal.clear()
    start = time.monotonic()
    with pytest.raises(SignalWireRestError) as info:
        client.fabric.ai_agents.list(request_options=RequestOptions(max_retry_delay=0.05))
    assert info.value.status_code == 429
    assert time.monotonic() - start < 5
    assert len(fake_rest_server.journal.entries) == 1


def test_retries_exhausted_raise_the_last_status(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(503, retry_after=0, times=None)
    with pytest.raises(SignalWireRestError) as info:
        client.fabric.ai_agents.list(request_options=RequestOptions(retries=2))
    assert info.value.status_code == 503
    assert len(fake_rest_server.journal.entries) == 3


def test_500_is_retried_for_get_but_not_for_post(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(500, times=1, method="GET")
    client.fabric.ai_agents.list(request_options=NO_WAIT)
    assert [e.status for e in fake_rest_server.journal.entries] == [500, 200]
    fake_rest_server.journal.clear()
    fake_rest_server.inject_failure(500, times=1, method="POST")
    with pytest.raises(SignalWireRestError) as info:
        client.fabric.ai_agents.create(
            name="n", prompt={"text": "p"}, agent_id=UUID, request_options=NO_WAIT
        )
    assert info.value.status_code == 500
    assert len(fake_rest_server.journal.entries) == 1


def test_retries_zero_disables_retrying(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(503, retry_after=0, times=1)
    with pytest.raises(SignalWireRestError):
        client.fabric.ai_agents.list(request_options=RequestOptions(retries=0))


def test_client_wide_options_apply_and_per_call_options_win(fake_rest_server: Any) -> None:
    with RestClient(
        fake_rest_server.project,
        fake_rest_server.token,
        fake_rest_server.host,
        request_options=RequestOptions(retries=0),
    ) as c:
        fake_rest_server.inject_failure(503, retry_after=0, times=1)
        with pytest.raises(SignalWireRestError):
            c.fabric.ai_agents.list()
        fake_rest_server.inject_failure(503, retry_after=0, times=1)
        c.fabric.ai_agents.list(request_options=RequestOptions(retries=1))


def test_dropped_connection_is_retried_for_get_only(
    client: RestClient, fake_rest_server: Any
) -> None:
    fake_rest_server.inject_failure(disconnect=True, times=1, method="GET")
    client.fabric.ai_agents.list(request_options=NO_WAIT)
    fake_rest_server.inject_failure(disconnect=True, times=1, method="POST")
    with pytest.raises(SignalWireRestTransportError) as info:
        client.fabric.ai_agents.create(
            name="n", prompt={"text": "p"}, agent_id=UUID, request_options=NO_WAIT
        )
    assert info.value.status_code is None
    assert "failed to reach the server" in str(info.value)


def test_connection_refused_is_a_transport_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        RestClient("p", "t", f"127.0.0.1:{port}") as c,
        pytest.raises(SignalWireRestTransportError) as info,
    ):
        c.fabric.ai_agents.list(request_options=RequestOptions(retries=1, retry_backoff=0))
    assert info.value.status_code is None
    assert info.value.url == f"http://127.0.0.1:{port}/api/fabric/resources/ai_agents"


def test_timeout_raises_the_timeout_error(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(0, delay=1.0, times=1)
    with pytest.raises(SignalWireRestTimeoutError):
        client.fabric.ai_agents.list(request_options=RequestOptions(timeout=0.2, retries=0))


async def test_async_timeout_and_retry(aclient: AsyncRestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(0, delay=1.0, times=1)
    with pytest.raises(SignalWireRestTimeoutError):
        await aclient.fabric.ai_agents.list(request_options=RequestOptions(timeout=0.2, retries=0))
    fake_rest_server.inject_failure(429, retry_after=0, times=1)
    result = await aclient.fabric.ai_agents.list()
    assert "data" in result


def test_abort_signal_stops_before_the_next_attempt(
    client: RestClient, fake_rest_server: Any
) -> None:
    abort = threading.Event()
    abort.set()
    with pytest.raises(SignalWireRestTransportError, match="abort"):
        client.fabric.ai_agents.list(request_options=RequestOptions(abort_signal=abort))
    assert fake_rest_server.journal.entries == []


def test_non_json_2xx_body_raises(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.stub("list_ai_agents", raw_body=b"<html>oops</html>", content_type="text/html")
    with pytest.raises(SignalWireRestError) as info:
        client.fabric.ai_agents.list()
    assert info.value.status_code == 200
    assert info.value.body == "<html>oops</html>"


def test_204_and_empty_bodies_return_an_empty_dict(client: RestClient) -> None:
    assert client.fabric.ai_agents.delete(UUID) == {}


def test_backoff_doubles_and_is_capped() -> None:
    opts = RequestOptions(retry_backoff=0.5, max_retry_delay=1.5).resolve()
    assert isinstance(opts, ResolvedOptions)
    assert [opts.delay(n, None) for n in (1, 2, 3, 4)] == [0.5, 1.0, 1.5, 1.5]
    assert opts.delay(1, 0.25) == 0.25
    assert opts.delay(1, 99.0) == 1.5


def test_retry_after_http_date_is_understood() -> None:
    from signalwire.rest._http import _retry_after

    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 50 < (_retry_after(httpx.Headers({"retry-after": future})) or 0) <= 60
    assert _retry_after(httpx.Headers({"retry-after": "2"})) == 2.0
    assert _retry_after(httpx.Headers({"retry-after": "soon"})) is None


def test_errors_pickle() -> None:
    import pickle

    # Positional order as in signalwire-sdk 3.7.5: status_code, body, url, method, headers.
    err = SignalWireRestError(
        404, {"error": "Not Found"}, "https://x/api", "GET", {"x-request-id": "r1"}
    )
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.status_code, copy.url, copy.body, copy.request_id) == (
        404,
        "https://x/api",
        err.body,
        "r1",
    )


def test_transport_error_constructor_matches_the_sdk() -> None:
    import pickle

    err = SignalWireRestTransportError("connection refused", "https://x/api", "POST")
    assert (err.status_code, err.body, err.url, err.method) == (
        None,
        "connection refused",
        "https://x/api",
        "POST",
    )
    assert str(err) == "POST https://x/api failed to reach the server: connection refused"
    assert pickle.loads(pickle.dumps(err)).body == "connection refused"


def test_request_options_positional_order_matches_the_sdk() -> None:
    event = threading.Event()
    opts = RequestOptions(5.0, 1, {429}, 0.1, event)
    assert (opts.timeout, opts.retries, opts.retry_backoff, opts.abort_signal) == (
        5.0,
        1,
        0.1,
        event,
    )
