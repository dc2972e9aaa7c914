"""One segment chain per camera, coordinated in Redis (the broker's Redis).

A camera's work is a chain of `camera_segment` tasks, each publishing the next.
Repeated start clicks, a supervisor restart or a redelivered message must never
leave two chains running for one camera, so a chain holds a *lease*:

- `museum:camera:<id>:lease` = the chain's token, with a short TTL that the
  running segment refreshes about once a second. A segment whose token is not
  the lease holder's (and cannot claim a free lease) drops itself.
  camera_workers takes over a lease nobody refreshed for LEASE_STALE_SECONDS (a
  chain that died or hangs), so recovery never waits for the TTL to run out.
- `museum:camera:<id>:done:<token>` = the last segment index of that chain that
  finished. A message redelivered after its segment completed (killed between
  publishing the next segment and the ack) sees it and drops, so the chain
  never forks.
- `museum:camera:<id>:attempts:<token>:<index>` counts starts of one segment, so
  a segment that keeps killing its worker (a poison input) is skipped, not
  retried forever.
- `museum:camera:<id>:drain` asks the running segment to end now (flushing),
  used by `camera_workers` before a warm shutdown so it takes seconds, not a
  whole segment.

Nothing here touches the database.
"""
from __future__ import annotations

import secrets
from functools import lru_cache

import redis
from django.conf import settings

# Long enough to cover a worker's boot (imports, model load) between the kick
# and the first heartbeat; short enough that a hard-killed chain is replaced soon.
LEASE_SECONDS = 60.0
# A lease not refreshed for this long belongs to a dead or stuck chain (a running
# segment refreshes it about once a second, also while it waits).
LEASE_STALE_SECONDS = 15.0
# Markers of finished segments only need to outlive any redelivery.
PROGRESS_SECONDS = 24 * 3600
DRAIN_SECONDS = 300

# Claim a free lease or refresh our own; 0 when another chain holds it.
_CLAIM = """
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
end
return 0
"""
# Replace a lease nobody refreshed for a while (its remaining TTL says when it was last
# refreshed) or a missing one with a new token; 0 when the lease is fresh.
_TAKE_OVER = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[2]) then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
    return 1
end
return 0
"""
# Delete the lease only if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
# Record a finished segment; never move backwards.
_MARK_DONE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 1
"""


@lru_cache(maxsize=4)
def _client_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)


def redis_client() -> redis.Redis:
    return _client_for(settings.CELERY_BROKER_URL)


def _key(camera_id: int, *parts: object) -> str:
    return ":".join(["museum", "camera", str(camera_id), *map(str, parts)])


def chain_token_new() -> str:
    return secrets.token_hex(8)


def lease_holder(camera_id: int) -> str | None:
    value = redis_client().get(_key(camera_id, "lease"))
    return value.decode() if value is not None else None


def lease_acquire_new(camera_id: int) -> str | None:
    """A fresh token if no chain holds the camera's lease, else None."""
    token = chain_token_new()
    ok = redis_client().set(_key(camera_id, "lease"), token, nx=True, px=int(LEASE_SECONDS * 1000))
    return token if ok else None


def lease_take_over_stale(camera_id: int, *, stale_seconds: float) -> str | None:
    """A new token if the lease was not refreshed for `stale_seconds` (its chain is dead or stuck), else None.

    The old chain, if anything of it still runs, finds the lease gone at its next
    heartbeat and drops itself, so two chains never run together.
    """
    token = chain_token_new()
    # stale_seconds <= 0: any lease, even one refreshed this very millisecond.
    fresh_above_ms = int((LEASE_SECONDS - stale_seconds) * 1000) + (1 if stale_seconds <= 0 else 0)
    taken = redis_client().eval(_TAKE_OVER, 1, _key(camera_id, "lease"), token, fresh_above_ms,
                                int(LEASE_SECONDS * 1000))
    return token if taken else None


def lease_claim(camera_id: int, token: str) -> bool:
    """Take a free lease or refresh our own (the heartbeat); False if another chain holds it."""
    return bool(redis_client().eval(_CLAIM, 1, _key(camera_id, "lease"), token, int(LEASE_SECONDS * 1000)))


def lease_release(camera_id: int, token: str) -> None:
    redis_client().eval(_RELEASE, 1, _key(camera_id, "lease"), token)


def segment_done_index(camera_id: int, token: str) -> int:
    value = redis_client().get(_key(camera_id, "done", token))
    return int(value) if value is not None else -1


def segment_done_mark(camera_id: int, token: str, index: int) -> None:
    """Record that segment `index` finished, and forget its start count."""
    pipe = redis_client().pipeline()
    pipe.eval(_MARK_DONE, 1, _key(camera_id, "done", token), index, PROGRESS_SECONDS)
    pipe.delete(_key(camera_id, "attempts", token, index))
    pipe.execute()


def segment_attempt_count(camera_id: int, token: str, index: int) -> int:
    """Count one more start of this segment and return the count (1 on the first start)."""
    key = _key(camera_id, "attempts", token, index)
    pipe = redis_client().pipeline()
    pipe.incr(key)
    pipe.expire(key, PROGRESS_SECONDS)
    count, _ = pipe.execute()
    return int(count)


def drain_request(camera_id: int) -> None:
    redis_client().set(_key(camera_id, "drain"), "1", ex=DRAIN_SECONDS)


def drain_clear(camera_id: int) -> None:
    redis_client().delete(_key(camera_id, "drain"))


def drain_requested(camera_id: int) -> bool:
    return bool(redis_client().exists(_key(camera_id, "drain")))


def heartbeat(camera_id: int, token: str) -> tuple[bool, bool]:
    """One round trip per poll: (lease still ours, drain requested)."""
    pipe = redis_client().pipeline(transaction=False)
    pipe.eval(_CLAIM, 1, _key(camera_id, "lease"), token, int(LEASE_SECONDS * 1000))
    pipe.exists(_key(camera_id, "drain"))
    claimed, drain = pipe.execute()
    return bool(claimed), bool(drain)
