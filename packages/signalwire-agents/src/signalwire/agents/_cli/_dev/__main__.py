"""``python -m signalwire.agents._cli._dev dev app.py``: the ``sw-agent`` command."""

from signalwire.agents._cli._dev._cli import console_main

console_main()
