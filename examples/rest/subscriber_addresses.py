"""Mint a subscriber token, then list the addresses that subscriber may call with it.

uv run python examples/rest/subscriber_addresses.py [--fake]

The project's credentials create the token; the subscriber's requests
(``fabric.addresses``) carry it as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from _platform import platform

from signalwire.rest import RestClient, SignalWireRestAuthError


def main() -> None:
    with platform() as settings, RestClient(**settings) as client:
        minted = client.fabric.tokens.create_subscriber_token(reference="alice@example.com")
        token = minted["token"]
        print(f"subscriber token for alice@example.com: {token[:12]}...")
        with RestClient(**settings, subscriber_token=token) as alice:
            names = [a.get("name") for a in alice.fabric.addresses.paginate()]
        print(f"alice can call {len(names)} addresses: {', '.join(map(str, names))}")
        try:
            client.fabric.addresses.list(subscriber_token="not-a-real-token")
        except SignalWireRestAuthError as exc:
            print(f"a made-up token is refused ({exc.status_code}): {exc.hint}")


if __name__ == "__main__":
    main()
