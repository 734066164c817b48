"""The ``sw-agent-init`` command: write a new agent project. Private subpackage."""
