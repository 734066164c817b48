"""Send an SMS through the compatibility (LaML) API, then list recent messages.

    uv run python examples/rest/compat_sms.py [--fake]

The compat API takes form-encoded PascalCase fields and uses your project id as the
account SID; ``client.compat`` fills both in.
"""

from __future__ import annotations

from _platform import platform

from signalwire.rest import RestClient


def main() -> None:
    with platform() as settings, RestClient(**settings) as client:
        message = client.compat.messages.create(
            From="+15551230000",
            To="+15557654321",
            Body="Your table for two is booked for 7pm.",
        )
        print(f"message {message.get('sid')} is {message.get('status')}")
        for sent in client.compat.messages.paginate(PageSize=20):
            print(f"  {sent.get('sid')}: {sent.get('to')} {sent.get('status')}")


if __name__ == "__main__":
    main()
