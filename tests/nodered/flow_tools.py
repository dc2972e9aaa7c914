"""Reading docs/node-red/flow.json: what it calls (its function nodes run in Node.js) and which JSON paths it reads."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
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


# Runs a function node's code the way Node-RED does (new Function with msg, env, flow, node),
# with env.get following Node-RED's lookup: the tab's variables, then its parent (global
# settings and the process environment); "$parent.NAME" skips the tab.
_RUN_FUNCTION_JS = r"""
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const env = {get(name) {
    if (name.startsWith("$parent.")) { return input.process[name.slice(8)]; }
    return Object.prototype.hasOwnProperty.call(input.tab, name) ? input.tab[name] : input.process[name];
}};
const flowVars = {};
const result = {status: null};
const node = {status(s) { result.status = s; }, warn() {}, error() {}};
const flow = {set(k, v) { flowVars[k] = v; }, get(k) { return flowVars[k]; }};
result.msg = new Function("msg", "env", "flow", "node", input.func)({payload: 1}, env, flow, node);
result.flow = flowVars;
process.stdout.write(JSON.stringify(result));
"""


def run_function_node(node: dict, *, tab: dict[str, str], process_env: dict[str, str]) -> dict:
    """{"msg": what the node returns, "status": its last node.status, "flow": flow.set values}."""
    node_js = shutil.which("node")
    assert node_js, "node (Node.js) is needed to run the flow's function nodes"
    done = subprocess.run(
        [node_js, "-e", _RUN_FUNCTION_JS],
        input=json.dumps({"func": node["func"], "tab": tab, "process": process_env}),
        capture_output=True, text=True, timeout=30, check=True,
    )
    return json.loads(done.stdout)


def request_node(flow: list[dict]) -> dict:
    """The function node that builds msg.url and msg.headers for the http request node."""
    (request,) = nodes_of(flow, "http request")
    (builder,) = [node for node in flow if request["id"] in sum(node.get("wires", []), [])]
    assert builder["type"] == "function"
    return builder


def requested_urls(flow: list[dict], process_env: dict[str, str] | None = None, **tab_values: str) -> list[str]:
    """The URL the flow requests, with the tab's env (overridden by `tab_values`) and a process environment."""
    result = run_function_node(
        request_node(flow), tab={**tab_env(flow), **tab_values}, process_env=process_env or {}
    )
    return [result["msg"]["url"]] if result["msg"] else []


def payload_paths(flow: list[dict]) -> set[tuple[str, ...]]:
    """Every msg.payload.a.b... a function node reads from the API's response."""
    paths = set()
    for node in nodes_of(flow, "function"):
        for match in re.finditer(r"msg\.payload((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", node["func"]):
            paths.add(tuple(match.group(1).lstrip(".").split(".")))
    return paths
