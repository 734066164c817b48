"""An agent served the way a production deployment would run it.

    uv run examples/agents/production_serving.py

* two worker processes (``WORKERS``), each with its own SO_REUSEPORT socket;
* slow or idle clients cut off after ``SWML_REQUEST_TIMEOUT`` seconds (10 here);
* httptools and uvloop when ``signalwire-agents[fast]`` is installed;
* TLS when ``SWML_SSL_ENABLED=true`` with ``SWML_SSL_CERT_PATH``/``SWML_SSL_KEY_PATH``;
* JSON logs with ``SIGNALWIRE_LOG_FORMAT=json``.

For several replicas behind a load balancer, give every replica the same
``SWML_BASIC_AUTH_USER``/``SWML_BASIC_AUTH_PASSWORD``, ``SIGNALWIRE_SWAIG_SECRET``
and ``SWML_PROXY_URL_BASE``: a tool token minted by one replica is then accepted
by all of them. The banner printed at start-up shows the URL and how to
authenticate.
"""

from __future__ import annotations

import os

from signalwire.agents import AgentBase, FunctionResult

agent = AgentBase("orders", route="/orders")
agent.prompt_add_section("Role", "You help callers check on their orders.")
agent.add_language("English", "en-US", "rime.spore")


@agent.tool
def order_status(order_id: str) -> FunctionResult:
    """Say where an order is.

    Args:
        order_id: The order number the caller reads out
    """
    return FunctionResult(f"Order {order_id} left the warehouse this morning (pid {os.getpid()}).")


def main() -> None:
    agent.run(
        workers=int(os.environ.get("WORKERS", "2")),
        request_timeout=float(os.environ.get("SWML_REQUEST_TIMEOUT", "10")),
        timeout_keep_alive=15,
        limit_concurrency=1000,
    )


if __name__ == "__main__":
    main()
