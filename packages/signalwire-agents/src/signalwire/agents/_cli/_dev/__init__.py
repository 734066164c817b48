"""``sw-agent dev``: serve an agent file with reload and a request inspector (development only).

Private. Nothing here is imported by the agent, ``get_app()`` or ``run()``: the
inspector's routes exist only in the app the dev command builds around the agent.
"""
