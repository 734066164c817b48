"""A small stdio MCP server for the gateway tests (newline-delimited JSON-RPC).

Tools: ``add_todo(text, priority)``, ``list_todos()``, ``echo(text)``, and ``misbehave``,
which does what ``sys.argv[1]`` names: ``silent`` (never answers), ``flood`` (one endless
line), ``exit`` (dies mid-call), ``badjson`` (prints text that is not JSON). ``chatty``
as the mode writes megabytes to stderr before every answer.
"""

from __future__ import annotations

import json
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "ok"
TOOLS = [
    {
        "name": "add_todo",
        "description": "Add a to-do item",
        "inputSchema": {
            "type": "object",
            "properties": {
                "text": {"type": "string", "description": "What to do"},
                "priority": {"type": "string", "enum": ["low", "medium", "high"]},
            },
            "required": ["text"],
        },
    },
    {"name": "list_todos", "description": "List the items", "inputSchema": {"type": "object"}},
    {
        "name": "echo",
        "description": "Echo text",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
    {"name": "misbehave", "description": "Misbehave", "inputSchema": {"type": "object"}},
]
todos: list[dict[str, str]] = []


def send(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def text(value: str) -> dict[str, object]:
    return {"content": [{"type": "text", "text": value}]}


def call(name: str, args: dict[str, object]) -> dict[str, object] | None:
    if name == "add_todo":
        todos.append(
            {"text": str(args.get("text")), "priority": str(args.get("priority", "medium"))}
        )
        return text(f"added #{len(todos)}: {args.get('text')}")
    if name == "list_todos":
        return text("; ".join(t["text"] for t in todos) or "(empty)")
    if name == "echo":
        return text(str(args.get("text", "")))
    if MODE == "silent":
        return None
    if MODE == "flood":
        while True:
            sys.stdout.write("x" * 65536)
    if MODE == "exit":
        sys.exit(3)
    if MODE == "badjson":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        return None
    return {"content": [{"type": "text", "text": "unknown tool"}], "isError": True}


for line in sys.stdin:
    if not line.strip():
        continue
    msg = json.loads(line)
    if MODE == "chatty":
        sys.stderr.write("log line\n" * 200_000)
        sys.stderr.flush()
    if "id" not in msg:
        continue
    method, rid = msg.get("method"), msg["id"]
    if method == "initialize":
        send(
            {
                "jsonrpc": "2.0",
                "id": rid,
                "result": {
                    "protocolVersion": "2025-03-26",
                    "capabilities": {"tools": {}},
                    "serverInfo": {"name": "test", "version": "1"},
                },
            }
        )
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": rid, "result": {"tools": TOOLS}})
    elif method == "tools/call":
        params = msg.get("params") or {}
        result = call(params.get("name", ""), params.get("arguments") or {})
        if result is not None:
            send({"jsonrpc": "2.0", "id": rid, "result": result})
    else:
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "no such method"}})
    time.sleep(0)
