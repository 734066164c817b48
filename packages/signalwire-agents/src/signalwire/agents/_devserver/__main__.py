"""``python -m signalwire.agents._devserver dev app.py``: the ``sw-agent`` command."""

from signalwire.agents._devserver._cli import console_main

console_main()
