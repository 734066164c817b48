"""``python -m signalwire.agents._migrate``: the same as the ``signalwire-migrate`` command."""

from signalwire.agents._migrate._cli import main

raise SystemExit(main())
