"""Subscriber (Bearer) auth for the operations the spec marks with it, against the fake."""

from __future__ import annotations

from typing import Any

import pytest

from signalwire.rest import AsyncRestClient, RestClient, SignalWireRestError

ADDRESS = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _auth(fake: Any) -> list[str]:
    return [entry.headers.get("authorization", "") for entry in fake.journal]


def test_a_subscriber_token_from_the_api_authenticates_the_bearer_operations(
    client: RestClient, fake_rest_server: Any
) -> None:
    token = client.fabric.tokens.create_subscriber_token(reference="alice@example.com")["token"]
    with RestClient(
        fake_rest_server.project,
        fake_rest_server.token,
        fake_rest_server.host,
        subscriber_token=token,
    ) as subscriber:
        fake_rest_server.journal.clear()
        subscriber.fabric.addresses.list()
        subscriber.fabric.addresses.get(ADDRESS)
        subscriber.fabric.tokens.create_invite_token(address_id=ADDRESS)
        subscriber.video.rooms.list()  # Basic-only: keeps the project's credentials
    assert _auth(fake_rest_server)[:3] == [f"Bearer {token}"] * 3
    assert _auth(fake_rest_server)[3] == fake_rest_server.app.basic_auth_header
    assert all(200 <= e.status < 300 for e in fake_rest_server.journal)


def test_per_call_token_wins_and_default_is_basic(
    client: RestClient, fake_rest_server: Any
) -> None:
    token = fake_rest_server.app.issue_subscriber_token()
    client.fabric.addresses.list()
    client.fabric.addresses.list(subscriber_token=token)
    assert _auth(fake_rest_server) == [fake_rest_server.app.basic_auth_header, f"Bearer {token}"]


def test_an_unknown_subscriber_token_is_refused(client: RestClient, fake_rest_server: Any) -> None:
    with pytest.raises(SignalWireRestError) as info:
        client.fabric.addresses.list(subscriber_token="not-issued")
    assert info.value.status_code == 401
    assert fake_rest_server.journal.last.note == "401: unknown subscriber token"


def test_every_page_of_a_subscriber_listing_uses_the_token(
    client: RestClient, fake_rest_server: Any
) -> None:
    token = fake_rest_server.app.issue_subscriber_token()
    fake_rest_server.app.set_list_size(3, 1, path_prefix="/api/fabric/addresses")
    items = list(client.fabric.addresses.paginate(subscriber_token=token))
    assert len(items) == 3
    assert _auth(fake_rest_server) == [f"Bearer {token}"] * 3


@pytest.mark.parametrize("bad", ["", "two\nlines"])
def test_a_malformed_token_is_a_value_error(client: RestClient, bad: str) -> None:
    with pytest.raises(ValueError, match="subscriber_token"):
        client.fabric.addresses.list(subscriber_token=bad)


async def test_async_client_sends_the_subscriber_token(fake_rest_server: Any) -> None:
    token = fake_rest_server.app.issue_subscriber_token()
    async with AsyncRestClient(
        fake_rest_server.project,
        fake_rest_server.token,
        fake_rest_server.host,
        subscriber_token=token,
    ) as subscriber:
        await subscriber.fabric.addresses.get(ADDRESS)
        await subscriber.projects.list()
        pages = [item async for item in subscriber.fabric.addresses.paginate()]
    assert pages
    auths = _auth(fake_rest_server)
    assert auths[0] == f"Bearer {token}"
    assert auths[1] == fake_rest_server.app.basic_auth_header
    assert set(auths[2:]) == {f"Bearer {token}"}
