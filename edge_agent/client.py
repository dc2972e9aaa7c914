"""The server's API as the agent uses it, over urllib (no third-party HTTP client)."""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass


class ServerUnreachable(Exception):
    """No answer (network down, server stopped, timeout, 5xx): try again later."""


@dataclass
class Answer:
    status: int
    body: object  # parsed JSON, or bytes for a file


class ServerClient:
    def __init__(self, server: str, token: str, *, timeout: float = 10.0, user_agent: str = "edge-agent"):
        self.base = server.rstrip("/")
        self.headers = {"Authorization": f"Device {token}", "User-Agent": user_agent}
        self.timeout = timeout

    def _request(self, method: str, path: str, body: object = None, *, raw: bool = False) -> Answer:
        url = path if path.startswith(("http://", "https://")) else f"{self.base}{path}"
        data = None if body is None else json.dumps(body).encode()
        headers = dict(self.headers, **({"Content-Type": "application/json"} if data is not None else {}))
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                content = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status, content = exc.code, exc.read()
            raw = False  # errors are JSON
        except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as exc:
            raise ServerUnreachable(f"{method} {url}: {getattr(exc, 'reason', exc)}") from exc
        if status >= 500 or status == 429:
            raise ServerUnreachable(f"{method} {url}: HTTP {status}")
        if raw and status < 400:
            return Answer(status, content)
        try:
            return Answer(status, json.loads(content or b"null"))
        except ValueError:
            return Answer(status, {"detail": content[:200].decode("utf-8", "replace")})

    def get_json(self, path: str) -> Answer:
        return self._request("GET", path)

    def get_file(self, url: str) -> Answer:
        return self._request("GET", url, raw=True)

    def post_json(self, path: str, body: object) -> Answer:
        return self._request("POST", path, body)
