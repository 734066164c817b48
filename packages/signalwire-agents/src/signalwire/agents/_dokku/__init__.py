"""The ``sw-agent-dokku`` command: create and manage an agent on a Dokku host. Private."""
