"""Device tokens: random, shown once, stored as SHA-256."""
from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def device_token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def device_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
