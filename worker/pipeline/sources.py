"""Frame sources: video files, live streams (RTSP / HTTP MJPEG) and local devices.

A reader may be given a `gate` (the pipeline's analysis rate, gate.py): it
still takes in every frame, but decodes to colour (`retrieve`) and returns only
the frames the gate wants at their media time; the others are grabbed and
skipped (`frames_skipped`), which saves the colour conversion and, in the
consumer, everything else.

Files are read synchronously, every frame, at full speed (or paced to real
time when asked: no frame before the wall-clock time it stands for), so the same file always yields the same frames with the same
media times. Live sources are read by a thread that keeps the frames not yet
taken for at most `max_lag` seconds (0: only the newest; the runner uses
PIPELINE_MAX_LAG_SECONDS): a consumer that falls behind skips frames (counted
in `frames_dropped`) instead of lagging further and further behind the camera; frames 1600 px
wide or more are kept, and handed on, at half size (the MJPEG reader decodes them so). A live source that
delivers nothing for `reconnect_after` seconds is released and reopened with
exponential back-off, capped low (2 s by default) so a stream that comes back
is used within about that long; a failed open is probed to say why (HTTP 404,
401, connection refused, timeout...). A source failing for `error_after`
seconds is in state "error" (it keeps retrying); `on_state` hears
"reconnecting" / "running" / "error".
"""
from __future__ import annotations

import http.client
import logging
import os
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

import cv2
import numpy as np

from worker.pipeline.mjpeg import HALF_SIZE_FROM_WIDTH, mjpeg_capture_open

log = logging.getLogger(__name__)

# OpenCV's own warnings ("can't open by name") duplicate the clear errors raised here.
if hasattr(cv2, "setLogLevel"):
    cv2.setLogLevel(2)  # errors only


class SourceError(Exception):
    """A source that cannot be opened or read; the message says which and why."""


@dataclass
class Frame:
    image: np.ndarray          # BGR uint8, never stored anywhere
    index: int                 # frame number in the file / since the reader started
    seconds: float             # media time (files) or seconds since the reader started (live)
    captured_at: datetime      # wall-clock time the frame stands for (UTC)


def source_kind(source: str) -> str:
    """'rtsp' | 'http' | 'device' | 'file', the same rule as Camera.source_kind."""
    src = source.strip()
    lowered = src.lower()
    if lowered.startswith(("rtsp://", "rtsps://")):
        return "rtsp"
    if lowered.startswith(("http://", "https://")):
        return "http"
    if src.isdigit():
        return "device"
    return "file"


# FFmpeg decodes a stream with one thread. Its default, a thread per core, keeps a decoded
# frame per thread in flight: measured on a 1080p H.264 stream, 21 MB per camera instead of
# 4.5 and no less CPU; cameras already decode in parallel, one thread each.
_DECODER_PARAMS = [cv2.CAP_PROP_N_THREADS, 1] if hasattr(cv2, "CAP_PROP_N_THREADS") else []


def _capture_open(source: str, timeout_seconds: float = 5.0):
    """A cv2.VideoCapture, or for an HTTP MJPEG stream a capture that decodes only retrieved frames."""
    kind = source_kind(source)
    if kind == "http":
        capture = mjpeg_capture_open(source.strip(), max(timeout_seconds, 0.5))
        if capture is not None:
            return capture
    if kind == "device":
        capture = cv2.VideoCapture(int(source))
    elif kind == "file":
        capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG, _DECODER_PARAMS)
    else:
        # FFmpeg reads RTSP and multipart MJPEG over HTTP. Without the timeouts a
        # stalled stream blocks read() forever and we could never reconnect.
        ms = int(max(timeout_seconds, 0.5) * 1000)
        capture = cv2.VideoCapture(source.strip(), cv2.CAP_FFMPEG,
                                   [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms,
                                    *_DECODER_PARAMS])
    if kind != "file":
        # Small internal buffer: we want the newest frame, not a backlog.
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
    return capture


# Asked with a frame's media seconds: analyse it? (AnalysisGate.due); None: every frame.
Gate = Optional[Callable[[float], bool]]

# Frames a live reader keeps for a held-up consumer, whatever max_lag says (a 1080p frame is 6 MB).
MAX_WAITING_FRAMES = 4

# A paced file that fell further behind the clock than this resumes pacing from where it is.
CATCH_UP_SECONDS = 60.0


class VideoFileReader:
    """Every frame of a file, in order, from `start_frame`.

    Media time is `index / fps`; `captured_at` is `clock_anchor + media time`,
    so replaying the same frames gives the same timestamps (and idempotency keys).
    """

    live = False

    def __init__(self, path: str, *, start_frame: int = 0, clock_anchor: datetime | None = None,
                 realtime: bool = False, keepalive: Callable[[], object] | None = None, gate: Gate = None):
        self.path = path
        self.gate = gate
        self.frames_skipped = 0
        p = Path(path)
        if not p.is_file():
            raise SourceError(f"video file not found: {path}")
        self.capture = _capture_open(str(p))
        if not self.capture.isOpened():
            raise SourceError(f"cannot open video file (not a video OpenCV can decode?): {path}")
        fps = self.capture.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and 1.0 <= fps <= 240.0 else 25.0
        self.frame_count = int(self.capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.clock_anchor = clock_anchor or datetime.now(timezone.utc)
        self.realtime = realtime
        self.next_index = 0
        self.frames_dropped = 0
        self.ended = False
        self._forgiven = 0.0  # seconds of lag given up on (see _pace)
        if start_frame:
            self._skip_to(start_frame, keepalive)

    def _skip_to(self, index: int, keepalive: Callable[[], object] | None = None) -> None:
        # grab() without retrieve() is exact on every container; seeking is not. Far into a
        # long file this takes a while: `keepalive` tells the caller's watchdog we are alive.
        while self.next_index < index:
            if keepalive is not None and self.next_index % 250 == 0:
                keepalive()
            if not self.capture.grab():
                self.ended = True
                return
            self.next_index += 1

    @property
    def position(self) -> int:
        return self.next_index

    def read(self, timeout: float = 0.0) -> Frame | None:
        if self.ended:
            return None
        while True:
            if not self.capture.grab():
                self.ended = True
                return None
            index = self.next_index
            self.next_index += 1
            seconds = index / self.fps
            if self.gate is None or self.gate(seconds):
                break
            self.frames_skipped += 1  # grabbed, never converted to colour
        ok, image = self.capture.retrieve()
        if not ok or image is None:
            self.ended = True
            return None
        captured_at = self.clock_anchor + timedelta(seconds=seconds)
        if self.realtime:
            self._pace(captured_at)
        return Frame(image=image, index=index, seconds=seconds, captured_at=captured_at)

    def _pace(self, captured_at: datetime) -> None:
        """No frame before the time it stands for: the file plays like a live camera. Frames whose
        time has passed (a replayed segment, a worker that was down) come at once, so the replay
        catches up with the clock; a lag beyond CATCH_UP_SECONDS (the camera was off) is forgiven."""
        behind = (datetime.now(timezone.utc) - captured_at).total_seconds() - self._forgiven
        if behind > CATCH_UP_SECONDS:
            self._forgiven += behind - CATCH_UP_SECONDS
        elif behind < 0:
            time.sleep(-behind)

    def close(self) -> None:
        self.capture.release()


def _http_failure(url: str, timeout: float) -> str:
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    conn = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    try:
        conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        if response.status in (401, 403):
            return f"HTTP {response.status} {response.reason} (check the camera's user and password)"
        if response.status >= 400:
            return f"HTTP {response.status} {response.reason}"
        return f"HTTP {response.status}, but no video OpenCV can decode"
    finally:
        conn.close()


def source_failure_reason(source: str, timeout: float = 2.0) -> str:
    """Why a live source cannot be opened, in words: HTTP status, refused, timed out, unknown host."""
    kind = source_kind(source)
    if kind not in ("http", "rtsp"):
        return "cannot open the device"
    try:
        if kind == "http":
            return _http_failure(source.strip(), timeout)
        parts = urlsplit(source.strip())
        with socket.create_connection((parts.hostname or "", parts.port or 554), timeout=timeout):
            return "RTSP server answers, but the stream cannot be opened (wrong path or credentials?)"
    except ConnectionRefusedError:
        return "connection refused (is the camera or its server on?)"
    except socket.gaierror:
        return "unknown host"
    except (TimeoutError, socket.timeout):
        return "no answer (timed out)"
    except (OSError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {exc}"


class LiveStreamReader:
    """A thread reads the stream as fast as it delivers; `read()` returns the newest frame.

    Frames the consumer never took are counted in `frames_dropped` (with a gate: frames
    due for analysis that a slow consumer missed); frames the gate passes over are
    grabbed but not decoded to colour (`frames_skipped`). When no frame
    arrives for `reconnect_after` seconds the capture is released and reopened,
    waiting 0.5 s, 1 s, 2 s ... up to `max_backoff` between attempts, and back to
    0.5 s after a success. After `error_after` seconds without a frame the state
    is "error" (the reader keeps trying).
    """

    live = True

    def __init__(self, source: str, *, reconnect_after: float = 5.0, max_backoff: float = 2.0,
                 error_after: float = 30.0, on_state: Callable[[str, str], None] | None = None,
                 gate: Gate = None, max_lag: float = 0.0):
        self.source = source
        self.gate = gate
        self.frames_skipped = 0
        self.reconnect_after = reconnect_after
        self.max_backoff = max_backoff
        self.error_after = error_after
        self.on_state = on_state
        self.fps = 0.0
        self.frames_dropped = 0
        self.frames_read = 0
        self.reconnects = 0
        self.ended = False  # a live source never ends; it reconnects
        self.last_error = ""
        self.state = "starting"
        self._cond = threading.Condition()
        # Frames not yet taken, at most `max_lag` seconds older than the newest: a consumer that
        # is briefly held up (the CPU is shared) catches up instead of missing due frames; one
        # that stays behind loses the oldest (`frames_dropped`). 0: only the newest is kept.
        self.max_lag = max(0.0, max_lag)
        self._waiting: deque[Frame] = deque()
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._last_frame_mono = time.monotonic()   # restarts at each opening: the stall timer
        self._last_good_mono = time.monotonic()    # the last frame only: the error timer
        self._capture: cv2.VideoCapture | None = None
        self._thread = threading.Thread(target=self._run, name=f"reader:{source_label(source)}", daemon=True)
        self._thread.start()

    @property
    def position(self) -> int:
        return self.frames_read

    def _set_state(self, state: str, error: str = "") -> None:
        if error:
            self.last_error = error
        if state != self.state:
            self.state = state
            if self.on_state is not None:
                try:
                    self.on_state(state, error)
                except Exception:  # a health callback must never kill the reader
                    log.exception("reader state callback failed")

    def _failing(self, message: str) -> None:
        """No frames: "reconnecting" at first, "error" once it has lasted `error_after` seconds."""
        silent = time.monotonic() - self._last_good_mono
        if silent >= self.error_after:
            self._set_state("error", f"{message}; no frames for {silent:.0f}s, still retrying")
        else:
            self._set_state("reconnecting", message)

    def _open(self) -> bool:
        capture = _capture_open(self.source, self.reconnect_after)
        if not capture.isOpened():
            capture.release()
            return False
        fps = capture.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and 1.0 <= fps <= 240.0 else self.fps
        self._capture = capture
        return True

    def _run(self) -> None:
        try:
            self._read_until_closed()
        finally:
            if self._capture is not None:
                self._capture.release()
                self._capture = None

    def _read_until_closed(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            if self._capture is None:
                if self._open():
                    backoff = 0.5
                    self._last_frame_mono = time.monotonic()
                else:
                    reason = source_failure_reason(self.source, timeout=min(2.0, self.reconnect_after))
                    self._failing(f"cannot open {source_label(self.source)}: {reason}")
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
            if self._take_frame():
                self._set_state("running")
                continue
            now = time.monotonic()
            # No frame: a stream that stalls (or ends) is reopened after `reconnect_after`.
            if now - self._last_frame_mono >= self.reconnect_after or not self._capture.isOpened():
                self._capture.release()
                self._capture = None
                self.reconnects += 1
                self._failing(f"no frames from {source_label(self.source)} for {self.reconnect_after:.0f}s")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            else:
                self._stop.wait(0.05)

    def _take_frame(self) -> bool:
        """Grab the next frame; decode it to colour and offer it only if the gate wants it."""
        if not self._capture.grab():
            return False
        now = time.monotonic()
        self._last_frame_mono = self._last_good_mono = now
        index, seconds = self.frames_read, now - self._started
        self.frames_read += 1
        if self.gate is not None and not self.gate(seconds):
            self.frames_skipped += 1
            return True
        ok, image = self._capture.retrieve()
        if not ok or image is None:
            return False
        if image.shape[1] >= HALF_SIZE_FROM_WIDTH:
            # As the MJPEG reader decodes wide streams (FFmpeg cannot decode H.264 smaller): a 1080p
            # frame waits here at 1.5 MB instead of 6, and every later step works on a quarter of
            # the pixels; the halving (0.55 ms) costs less than it saves on the grey conversion alone.
            image = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_AREA)
        with self._cond:
            self._waiting.append(Frame(image=image, index=index, seconds=seconds,
                                       captured_at=datetime.now(timezone.utc)))
            while len(self._waiting) > 1 and (seconds - self._waiting[0].seconds > self.max_lag
                                              or len(self._waiting) > MAX_WAITING_FRAMES):
                self._waiting.popleft()
                self.frames_dropped += 1
            self._cond.notify_all()
        return True

    def read(self, timeout: float = 1.0) -> Frame | None:
        """The newest frame not yet returned, waiting up to `timeout` seconds for one."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._waiting:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop.is_set():
                    return None
                self._cond.wait(remaining)
            frame = self._waiting.popleft()
            return frame

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._waiting.clear()
            self._cond.notify_all()
        self._thread.join(timeout=5)
        # A thread still inside a blocking read (up to reconnect_after) releases the capture
        # itself when the read returns; releasing it under that read crashes FFmpeg.
        if not self._thread.is_alive() and self._capture is not None:
            self._capture.release()
            self._capture = None


def source_label(source: str) -> str:
    """A source for messages and logs, without credentials (rtsp://user:pass@host)."""
    src = source.strip()
    if "://" in src and "@" in src.split("://", 1)[1].split("/", 1)[0]:
        scheme, rest = src.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return src


def reader_open(source: str, *, start_frame: int = 0, clock_anchor: datetime | None = None,
                realtime: bool = False, keepalive: Callable[[], object] | None = None, reconnect_after: float = 5.0, max_backoff: float = 2.0,
                error_after: float = 30.0, on_state: Callable[[str, str], None] | None = None, gate: Gate = None,
                max_lag: float = 0.0):
    """The right reader for a camera source string."""
    if source_kind(source) == "file":
        return VideoFileReader(os.path.expanduser(source.strip()), start_frame=start_frame,
                               clock_anchor=clock_anchor, realtime=realtime, keepalive=keepalive, gate=gate)
    return LiveStreamReader(source, reconnect_after=reconnect_after, max_backoff=max_backoff,
                            error_after=error_after, on_state=on_state, gate=gate, max_lag=max_lag)
