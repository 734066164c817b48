"""An agent deployed on AWS Lambda (API Gateway HTTP/REST API or a function URL).

Package this file with signalwire-agents and set the function's handler to
``lambda_handler.handler``. Route every path (``/{proxy+}`` or ``$default``) to
the function. No AWS SDK is needed: the agent turns the event into a request
for the same ASGI app ``serve()`` runs, so Basic auth, tool tokens and limits
behave as on a server.

Configure it with environment variables on the function:

* ``SWML_BASIC_AUTH_USER`` / ``SWML_BASIC_AUTH_PASSWORD``: fixed credentials
  (otherwise every cold start generates a new password and SignalWire's
  webhooks stop matching);
* ``SIGNALWIRE_SWAIG_SECRET``: so tool tokens minted by one instance are
  accepted by another;
* ``SWML_PROXY_URL_BASE`` (optional): the public URL when a custom domain
  fronts the function. Without it the webhook URLs use
  ``AWS_LAMBDA_FUNCTION_URL``, the API Gateway domain (and stage) of the event,
  or ``https://{function}.lambda-url.{region}.on.aws``.

Try it locally without AWS (it prints the answer to a simulated SWML fetch):

    SWML_BASIC_AUTH_USER=u SWML_BASIC_AUTH_PASSWORD=p uv run examples/agents/lambda_handler.py
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from signalwire.agents import AgentBase, FunctionResult

agent = AgentBase(name="lambda-agent", route="/")
agent.prompt_add_section("Role", "You are a concise assistant running on AWS Lambda.")
agent.add_language("English", "en-US", "rime.spore")


@agent.tool
def account_status(account_id: str) -> FunctionResult:
    """Look up an account's status.

    Args:
        account_id: The caller's account number
    """
    return FunctionResult(f"Account {account_id} is active.")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point: one API Gateway or function-URL event in, one answer out."""
    result: dict[str, Any] = agent.run(event, context, force_mode="lambda")
    return result


def main() -> None:
    user, password = agent.get_basic_auth_credentials()
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    event = {
        "version": "2.0",
        "rawPath": "/",
        "rawQueryString": "",
        "headers": {"authorization": f"Basic {token}", "content-type": "application/json"},
        "requestContext": {
            "domainName": os.environ.get("EXAMPLE_DOMAIN", "abc123.lambda-url.us-east-1.on.aws"),
            "stage": "$default",
            "http": {"method": "POST", "path": "/", "sourceIp": "198.51.100.1"},
        },
        "body": json.dumps({"call": {"call_id": "local-test", "to": "+15550001111"}}),
        "isBase64Encoded": False,
    }
    answer = handler(event, None)
    print(f"HTTP {answer['statusCode']}", flush=True)
    print(json.dumps(json.loads(answer["body"]), indent=2), flush=True)


if __name__ == "__main__":
    main()
