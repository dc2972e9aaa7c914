"""HTTP MJPEG cameras read without FFmpeg: a frame is only decoded when it is analysed.

Through cv2.VideoCapture (FFmpeg) every JPEG of the stream is decoded in
`grab()`, even the frames the analysis rate skips; at 1080p that is about
3.3 ms of CPU per frame, 100 ms a second at 30 fps, before any analysis
(benchmarks/profile_frame.py). Here `grab()` only reads the part's bytes, and
`retrieve()` decodes the JPEG with libjpeg, at half size when the stream is
1600 px wide or more (libjpeg scales while it decodes, which is cheaper than
decoding and then resizing; the detector works on a 480 px copy anyway).

`MjpegHttpCapture` has the part of cv2.VideoCapture's interface the live reader
uses (isOpened, grab, retrieve, get, set, release), so reconnecting, back-off
and error reporting stay the reader's. A URL that answers with anything but a
multipart stream is left to FFmpeg (`mjpeg_capture_open` returns None).
Plain Python/OpenCV, no Django; no frame is kept beyond the current one.
"""
from __future__ import annotations

import base64
import http.client
from urllib.parse import unquote, urlsplit

import cv2
import numpy as np

# At or above this width a stream is decoded at half size (1080p -> 960x540).
HALF_SIZE_FROM_WIDTH = 1600
_MAX_PART_BYTES = 16 * 1024 * 1024


class MjpegHttpCapture:
    def __init__(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse, boundary: bytes):
        self._connection = connection
        self._response = response
        self._boundary = boundary
        self._jpeg: bytes | None = None
        self._flags: int | None = None
        self._opened = True

    def isOpened(self) -> bool:  # noqa: N802 - cv2.VideoCapture's name
        return self._opened

    def get(self, prop: int) -> float:
        return 0.0  # the stream does not say its frame rate

    def set(self, prop: int, value: float) -> bool:
        return False

    def _headers(self) -> dict[str, str]:
        """The next part's headers (skipping blank lines and the boundary line)."""
        headers: dict[str, str] = {}
        for _ in range(64):
            line = self._response.readline(8192)
            if not line:
                raise EOFError("the stream ended")
            text = line.strip()
            if not text:
                if headers:
                    return headers
                continue
            if text.startswith(b"--"):
                continue  # the boundary (its exact spelling varies between cameras)
            name, _, value = text.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        raise ValueError("no part headers in the stream")

    def _body_until_boundary(self) -> bytes:
        """A part without Content-Length: its bytes up to the next boundary line."""
        chunks, size = [], 0
        while size < _MAX_PART_BYTES:
            line = self._response.readline(65536)
            if not line:
                raise EOFError("the stream ended")
            if line.startswith(b"--" + self._boundary) or (self._boundary and line.startswith(self._boundary)):
                return b"".join(chunks).rstrip(b"\r\n")
            chunks.append(line)
            size += len(line)
        raise ValueError("an MJPEG part without an end")

    def grab(self) -> bool:
        """Read the next JPEG's bytes; no decoding."""
        if not self._opened:
            return False
        try:
            headers = self._headers()
            length = headers.get("content-length")
            if length is not None:
                size = int(length)
                if not 0 < size <= _MAX_PART_BYTES:
                    raise ValueError(f"an MJPEG part of {size} bytes")
                data = self._response.read(size)
                if len(data) < size:
                    raise EOFError("the stream ended inside a frame")
            else:
                data = self._body_until_boundary()
        except (OSError, EOFError, ValueError, http.client.HTTPException):
            self.release()
            return False
        self._jpeg = data
        return True

    def retrieve(self) -> tuple[bool, np.ndarray | None]:
        """Decode the grabbed JPEG (BGR), at half size for wide streams."""
        if self._jpeg is None:
            return False, None
        buffer = np.frombuffer(self._jpeg, dtype=np.uint8)
        if self._flags is None:
            # The first frame decides, from an 1/8-size decode: every frame then has the same size.
            probe = cv2.imdecode(buffer, cv2.IMREAD_REDUCED_GRAYSCALE_8)
            if probe is None:
                return False, None
            wide = probe.shape[1] * 8 >= HALF_SIZE_FROM_WIDTH
            self._flags = cv2.IMREAD_REDUCED_COLOR_2 if wide else cv2.IMREAD_COLOR
        image = cv2.imdecode(buffer, self._flags)
        return image is not None, image

    def read(self) -> tuple[bool, np.ndarray | None]:
        return self.retrieve() if self.grab() else (False, None)

    def release(self) -> None:
        self._opened = False
        try:
            self._connection.close()
        except OSError:
            pass


def mjpeg_capture_open(url: str, timeout: float) -> MjpegHttpCapture | None:
    """An MJPEG capture for `url` when it answers 200 with a multipart stream; else None, and FFmpeg
    tries as before (other formats, digest authentication, and failures the reader then explains)."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    headers = {"Accept": "multipart/x-mixed-replace, image/jpeg, */*"}
    if parts.username:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()
    try:
        connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
    except (OSError, http.client.HTTPException):
        connection.close()
        return None
    content_type = response.getheader("Content-Type", "")
    if response.status != 200 or not content_type.lower().startswith("multipart/"):
        connection.close()
        return None
    boundary = ""
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            boundary = value.strip().strip('"')
    return MjpegHttpCapture(connection, response, boundary.removeprefix("--").encode("latin-1"))
