"""Search for an available phone number and buy it.

uv run python examples/rest/buy_number.py [--fake]
"""

from __future__ import annotations

from _platform import platform

from signalwire.rest import RestClient, SignalWireRestError


def main() -> None:
    with platform() as settings, RestClient(**settings) as client:
        found = client.phone_numbers.search(areacode="512", number_type="local", max_results=3)
        candidates = [n["number"] for n in found.get("data", [])]
        print(f"found {len(candidates)} numbers in area code 512: {candidates}")
        if not candidates:
            return
        try:
            bought = client.phone_numbers.create(number=candidates[0])
        except SignalWireRestError as exc:
            print(f"could not buy {candidates[0]}: {exc.status_code} {exc.errors or exc.body}")
            return
        print(f"bought {bought.get('number')} (id {bought.get('id')})")
        client.phone_numbers.update(bought["id"], name="Support line")
        print("named it 'Support line'")


if __name__ == "__main__":
    main()
