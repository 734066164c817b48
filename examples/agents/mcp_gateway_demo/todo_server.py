"""A tiny MCP server over stdio (one JSON-RPC message per line) with a to-do list.

The MCP gateway example starts it; any MCP server that speaks stdio works the same way.
"""

from __future__ import annotations

import json
import sys

TOOLS = [
    {
        "name": "add_todo",
        "description": "Add an item to the to-do list",
        "inputSchema": {
            "type": "object",
            "properties": {"text": {"type": "string", "description": "The item"}},
            "required": ["text"],
        },
    },
    {"name": "list_todos", "description": "Read the to-do list", "inputSchema": {"type": "object"}},
]


def main() -> None:
    todos: list[str] = []
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        if "id" not in msg:
            continue  # a notification
        result: dict[str, object]
        if msg["method"] == "initialize":
            result = {
                "protocolVersion": "2025-03-26",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "todo", "version": "1"},
            }
        elif msg["method"] == "tools/list":
            result = {"tools": TOOLS}
        elif msg["method"] == "tools/call":
            name, args = msg["params"]["name"], msg["params"].get("arguments") or {}
            if name == "add_todo":
                todos.append(str(args.get("text")))
                text = f"Added '{args.get('text')}' ({len(todos)} items)"
            else:
                text = ", ".join(todos) or "The list is empty"
            result = {"content": [{"type": "text", "text": text}]}
        else:
            print(
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "id": msg["id"],
                        "error": {"code": -32601, "message": "unknown method"},
                    }
                ),
                flush=True,
            )
            continue
        print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}), flush=True)


if __name__ == "__main__":
    main()
