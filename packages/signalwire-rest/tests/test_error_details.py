"""Auth errors say which credential to check; retry logs name the cause; client shortcuts."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import pytest

from signalwire.rest import (
    AsyncRestClient,
    RequestOptions,
    RestClient,
    SignalWireRestAuthError,
    SignalWireRestError,
)

NO_WAIT = RequestOptions(retry_backoff=0.0)


def test_401_is_an_auth_error_naming_the_project_credentials(fake_rest_server: Any) -> None:
    with (
        RestClient(fake_rest_server.project, "wrong-token", fake_rest_server.host) as c,
        pytest.raises(SignalWireRestAuthError) as info,
    ):
        c.video.rooms.list()
    err = info.value
    assert isinstance(err, SignalWireRestError)
    assert (err.status_code, err.credential) == (401, "project")
    assert "project id and API token" in str(err)
    assert "SIGNALWIRE_API_TOKEN" in str(err)
    assert "wrong-token" not in str(err)


def test_403_says_the_token_lacks_a_permission(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(403, operation_id="list_rooms")
    with pytest.raises(SignalWireRestAuthError) as info:
        client.video.rooms.list()
    assert info.value.status_code == 403
    assert "lacks the permission" in str(info.value)


def test_a_refused_subscriber_token_names_the_subscriber_token(client: RestClient) -> None:
    with pytest.raises(SignalWireRestAuthError) as info:
        client.fabric.addresses.list(subscriber_token="expired")
    assert info.value.credential == "subscriber"
    assert "subscriber token" in str(info.value)


def test_other_statuses_are_not_auth_errors(client: RestClient) -> None:
    with pytest.raises(SignalWireRestError) as info:
        client.request("GET", "/api/no/such/path")
    assert not isinstance(info.value, SignalWireRestAuthError)


def test_auth_errors_pickle_with_their_credential() -> None:
    err = SignalWireRestAuthError(401, {"error": "Unauthorized"}, "https://x/api", "GET", None)
    sub = SignalWireRestAuthError(403, None, "https://x/api", "POST", None, "subscriber")
    for original in (err, sub):
        copy = pickle.loads(pickle.dumps(original))
        assert type(copy) is SignalWireRestAuthError
        assert (copy.credential, str(copy)) == (original.credential, str(original))


def test_the_retry_log_names_the_status_it_retries_on(
    client: RestClient, fake_rest_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    fake_rest_server.inject_failure(503, times=1, operation_id="list_rooms")
    with caplog.at_level(logging.DEBUG, logger="signalwire.rest"):
        client.video.rooms.list(request_options=NO_WAIT)
    messages = [r.getMessage() for r in caplog.records if r.name == "signalwire.rest"]
    assert "GET /api/video/rooms -> 503 (attempt 1)" in messages
    assert "GET /api/video/rooms: retrying after 503 in 0.00 s (retry 1 of 2)" in messages
    assert "GET /api/video/rooms -> 200 (attempt 2)" in messages


def test_the_retry_log_names_the_transport_error(
    client: RestClient, fake_rest_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    fake_rest_server.inject_failure(times=1, disconnect=True, operation_id="list_rooms")
    with caplog.at_level(logging.DEBUG, logger="signalwire.rest"):
        client.video.rooms.list(request_options=NO_WAIT)
    retries = [r.getMessage() for r in caplog.records if "retrying after" in r.getMessage()]
    assert len(retries) == 1
    assert "None" not in retries[0]
    # The exception's class is named: the default pools' ProtocolFailure/ReadFailed, or an
    # httpx transport's error translated into them.
    assert any(word in retries[0] for word in ("Error", "Failure", "Failed")), retries


def test_client_retries_shortcut(fake_rest_server: Any) -> None:
    fake_rest_server.inject_failure(503, times=None, operation_id="list_rooms")
    with (
        RestClient(
            fake_rest_server.project,
            fake_rest_server.token,
            fake_rest_server.host,
            request_options=NO_WAIT,
            retries=0,
        ) as c,
        pytest.raises(SignalWireRestError),
    ):
        c.video.rooms.list()
    assert len(fake_rest_server.journal) == 1
    fake_rest_server.journal.clear()
    with (
        RestClient(
            fake_rest_server.project,
            fake_rest_server.token,
            fake_rest_server.host,
            request_options=RequestOptions(retries=0, retry_backoff=0.0),
            retries=3,
        ) as c,
        pytest.raises(SignalWireRestError),
    ):
        c.video.rooms.list()
    assert len(fake_rest_server.journal) == 4


async def test_async_client_timeout_shortcut(fake_rest_server: Any) -> None:
    from signalwire.rest import SignalWireRestTimeoutError

    fake_rest_server.inject_failure(0, delay=1.0, times=None, operation_id="list_rooms")
    async with AsyncRestClient(
        fake_rest_server.project,
        fake_rest_server.token,
        fake_rest_server.host,
        timeout=0.05,
        retries=0,
    ) as c:
        with pytest.raises(SignalWireRestTimeoutError):
            await c.video.rooms.list()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"retries": -1}, "retries"),
        ({"retries": 1.5}, "retries"),
        ({"retries": True}, "retries"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
    ],
)
def test_bad_shortcut_values_name_the_argument(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name} must"):
        RestClient("p", "t", "example.signalwire.com", **kwargs)
