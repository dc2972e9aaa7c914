"""Reading docs/node-red/flow.json: what it calls and which JSON paths of the response it reads."""
from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

FLOW_PATH = Path(settings.BASE_DIR) / "docs" / "node-red" / "flow.json"
# Nodes that ship with Node-RED: the flow must import as is, with no extra palette.
CORE_NODE_TYPES = {
    "tab", "comment", "inject", "change", "http request", "switch", "function", "debug",
    "http in", "http response", "template",
}


def load_flow() -> list[dict]:
    return json.loads(FLOW_PATH.read_text())


def nodes_of(flow: list[dict], node_type: str) -> list[dict]:
    return [node for node in flow if node["type"] == node_type]


def tab_env(flow: list[dict]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in nodes_of(flow, "tab")[0]["env"]}


def with_tab_env(flow: list[dict], **values: str) -> list[dict]:
    """A copy of the flow with some of the tab's environment variables set (what a user edits)."""
    copy = json.loads(json.dumps(flow))
    for item in nodes_of(copy, "tab")[0]["env"]:
        if item["name"] in values:
            item["value"] = values[item["name"]]
    return copy


_TERM = re.compile(r"\s*(?:'(?P<literal>[^']*)'|\$replace\(\$env\('(?P<trimmed>\w+)'\), /\\/\+\$/, ''\)|\$env\('(?P<env>\w+)'\))\s*(?:&|$)")


def evaluate_concatenation(expression: str, env: dict[str, str]) -> str:
    """The JSONata the flow uses for its URL: 'text' & $env('X') & $replace($env('X'), /\/+$/, '')."""
    parts, position = [], 0
    while position < len(expression):
        match = _TERM.match(expression, position)
        assert match, f"unexpected JSONata at {expression[position:]!r}"
        if match["literal"] is not None:
            parts.append(match["literal"])
        elif match["trimmed"]:
            parts.append(env[match["trimmed"]].rstrip("/"))
        else:
            parts.append(env[match["env"]])
        position = match.end()
    return "".join(parts)


def requested_urls(flow: list[dict], **env: str) -> list[str]:
    """Every URL the change nodes build for the http request node, with the tab's env (overridden by `env`)."""
    values = {**tab_env(flow), **env}
    return [
        evaluate_concatenation(rule["to"], values)
        for node in nodes_of(flow, "change")
        for rule in node["rules"]
        if rule["p"] == "url"
    ]


def payload_paths(flow: list[dict]) -> set[tuple[str, ...]]:
    """Every msg.payload.a.b... a function node reads from the API's response."""
    paths = set()
    for node in nodes_of(flow, "function"):
        for match in re.finditer(r"msg\.payload((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", node["func"]):
            paths.add(tuple(match.group(1).lstrip(".").split(".")))
    return paths
