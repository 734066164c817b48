"""How agents are hosted: the ASGI layer, auth, configuration, public URLs, tokens, serving.

Private: the public names are re-exported from :mod:`signalwire.agents`.
Nothing here imports the service classes; the service hands the HTTP layer
what it needs (see :class:`signalwire.agents._hosting.http.HostedService`).
"""
