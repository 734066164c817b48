"""main() fails before building an agent: swaig-test reports it in one line."""

from __future__ import annotations


def main() -> None:
    raise RuntimeError("DATABASE_URL is not set")


if __name__ == "__main__":
    main()
