"""List voice call logs page by page, then item by item across all pages.

uv run python examples/rest/call_logs.py [--fake]
"""

from __future__ import annotations

from _platform import platform

from signalwire.rest import RestClient


def main() -> None:
    with platform(list_size=12) as settings, RestClient(**settings) as client:
        pages = client.logs.voice.paginate(page_size=5).pages()
        for number, page in enumerate(pages, start=1):
            print(f"page {number}: {len(page['data'])} calls")
        total = 0
        for log in client.logs.voice.paginate(page_size=5):
            total += 1
            if total <= 3:
                print(f"  {log.get('from')} -> {log.get('to')} {log.get('status')}")
        print(f"{total} calls in all (pages fetched lazily as the loop advanced)")


if __name__ == "__main__":
    main()
