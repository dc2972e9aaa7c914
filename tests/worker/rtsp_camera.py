"""A loopback RTSP camera for tests and benchmarks: H.264 over RTP, interleaved in the RTSP connection.

Debian's FFmpeg can encode H.264 (libx264) but cannot serve RTSP to players
(its RTSP output only pushes to a server; `-rtsp_flags listen` is for input),
and no RTSP server is packaged for Debian 12 outside GStreamer. So this is a
small server of its own (RFC 2326 / RFC 6184), enough for FFmpeg's client
(OpenCV's `VideoCapture("rtsp://...")`, what the camera reader uses) and for
what an IP camera does on its main stream:

- the video is encoded once, by the `ffmpeg` binary, to H.264 (no B-frames, a
  key frame every second, an access unit delimiter before each frame);
- OPTIONS, DESCRIBE (SDP with the SPS/PPS), SETUP, PLAY, GET_PARAMETER (the
  client's keep-alive), TEARDOWN; RTP over TCP only (`interleaved=0-1`): a
  client asking for UDP gets "461 Unsupported Transport" and FFmpeg retries
  over TCP, as it does with cameras that refuse UDP;
- each client gets the stream from its first frame, paced in real time at
  `fps` (frame k leaves at PLAY + k / fps), looping; a server running late
  skips to the next key frame, as a camera drops frames;
- any path is served (`rtsp://127.0.0.1:<port>/<anything>`); `drop()` closes
  every session and refuses new ones (connection refused... answered 503)
  until `restore()`.
"""
from __future__ import annotations

import base64
import itertools
import random
import shutil
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterable

import numpy as np

RTP_PAYLOAD = 1400          # bytes of NAL unit per RTP packet (an Ethernet MTU's worth)
CLOCK = 90000               # H.264's RTP clock
NAL_AUD, NAL_IDR, NAL_SPS, NAL_PPS = 9, 5, 7, 8


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def h264_encode(frames: Iterable[np.ndarray], fps: float, *, keyframe_every: int | None = None,
                bitrate: str | None = None) -> bytes:
    """BGR frames (all one size; a list or any iterable, fed to the encoder as they come) -> an
    H.264 Annex B stream, by the ffmpeg binary. `bitrate` (e.g. "4M"): an IP camera's constant
    rate; default: x264's quality-based rate."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed (Debian: apt-get install ffmpeg)")
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    gop = keyframe_every or max(1, round(fps))
    rate = ["-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate] if bitrate else []
    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
               "-s", f"{width}x{height}", "-r", f"{fps:g}", "-i", "-", "-c:v", "libx264", "-preset", "veryfast",
               *rate, "-pix_fmt", "yuv420p", "-bf", "0", "-g", str(gop), "-keyint_min", str(gop),
               "-sc_threshold", "0", "-x264-params", "aud=1:repeat-headers=1", "-f", "h264", "-"]
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def feed() -> None:
        try:
            for frame in itertools.chain([first], frames):
                encoder.stdin.write(np.ascontiguousarray(frame).tobytes())
        except BrokenPipeError:  # the encoder failed; its error says why
            pass
        finally:
            encoder.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    stream, errors = encoder.stdout.read(), encoder.stderr.read()
    encoder.wait()
    feeder.join()
    if encoder.returncode != 0 or not stream:
        raise RuntimeError(f"ffmpeg could not encode H.264: {errors.decode(errors='replace')[-500:]}")
    return stream


def nal_units(stream: bytes) -> list[bytes]:
    """The NAL units of an Annex B stream, without their start codes."""
    units, start = [], None
    i, n = 0, len(stream)
    while i + 3 <= n:
        if stream[i] == 0 and stream[i + 1] == 0 and stream[i + 2] == 1:
            if start is not None:
                units.append(stream[start:i].rstrip(b"\x00"))
            start = i + 3
            i += 3
        else:
            i += 1
    if start is not None:
        units.append(stream[start:])
    return [u for u in units if u]


def access_units(stream: bytes) -> list[list[bytes]]:
    """NAL units grouped by frame (each frame starts with an access unit delimiter)."""
    frames: list[list[bytes]] = []
    for unit in nal_units(stream):
        if unit[0] & 0x1F == NAL_AUD:
            frames.append([])
        elif frames:
            frames[-1].append(unit)
    return [f for f in frames if f]


def _rtp_packets(units: list[bytes], *, seq: int, timestamp: int, ssrc: int) -> tuple[list[bytes], int]:
    """One frame's NAL units as RTP packets (single NAL unit or FU-A fragments); the marker
    bit on the frame's last packet. Returns the packets and the next sequence number."""
    payloads = []
    for unit in units:
        if len(unit) <= RTP_PAYLOAD:
            payloads.append(unit)
            continue
        indicator, kind = (unit[0] & 0xE0) | 28, unit[0] & 0x1F
        body = unit[1:]
        for offset in range(0, len(body), RTP_PAYLOAD):
            first, last = offset == 0, offset + RTP_PAYLOAD >= len(body)
            header = (0x80 if first else 0) | (0x40 if last else 0) | kind
            payloads.append(bytes((indicator, header)) + body[offset:offset + RTP_PAYLOAD])
    packets = []
    for index, payload in enumerate(payloads):
        marker = 0x80 if index == len(payloads) - 1 else 0
        packets.append(struct.pack("!BBHII", 0x80, marker | 96, seq & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc)
                       + payload)
        seq += 1
    return packets, seq


class _Session:
    """One client: requests in this connection's thread, RTP from a sender thread."""

    def __init__(self, camera: RtspCamera, conn: socket.socket):
        self.camera, self.conn = camera, conn
        self.id = f"{random.getrandbits(32):08x}"
        self.playing = threading.Event()
        self.closed = threading.Event()
        self._send_lock = threading.Lock()
        self._buffer = b""

    # -- the RTSP side ---------------------------------------------------------
    def serve(self) -> None:
        try:
            while not self.closed.is_set():
                request = self._next_request()
                if request is None:
                    break
                self._answer(*request)
        except OSError:
            pass
        finally:
            self.close()

    def _read_more(self) -> bool:
        data = self.conn.recv(65536)
        if not data:
            return False
        self._buffer += data
        return True

    def _next_request(self):
        while True:
            # RTCP from the client, interleaved on the connection: '$', channel, length, packet.
            while self._buffer[:1] == b"$":
                if len(self._buffer) < 4 and not self._read_more():
                    return None
                if len(self._buffer) < 4:
                    continue
                length = struct.unpack("!H", self._buffer[2:4])[0]
                while len(self._buffer) < 4 + length:
                    if not self._read_more():
                        return None
                self._buffer = self._buffer[4 + length:]
            end = self._buffer.find(b"\r\n\r\n")
            if end >= 0 and not self._buffer.startswith(b"$"):
                head, self._buffer = self._buffer[:end].decode("latin-1"), self._buffer[end + 4:]
                lines = head.split("\r\n")
                method, url, _version = (lines[0].split(" ") + ["", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                while len(self._buffer) < length:
                    if not self._read_more():
                        return None
                self._buffer = self._buffer[length:]
                return method.upper(), url, headers
            if not self._read_more():
                return None

    def _reply(self, cseq: str, status: str = "200 OK", headers: dict | None = None, body: bytes = b"") -> None:
        lines = [f"RTSP/1.0 {status}", f"CSeq: {cseq}", "Server: museum-test-camera"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        with self._send_lock:
            self.conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _answer(self, method: str, url: str, headers: dict) -> None:
        cseq = headers.get("cseq", "0")
        if self.camera.paused.is_set():
            self._reply(cseq, "503 Service Unavailable")
            self.close()
            return
        if method == "OPTIONS":
            self._reply(cseq, headers={"Public": "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN"})
        elif method == "DESCRIBE":
            body = self.camera.sdp().encode()
            self._reply(cseq, headers={"Content-Base": url.rstrip("/") + "/", "Content-Type": "application/sdp"},
                        body=body)
        elif method == "SETUP":
            transport = headers.get("transport", "")
            if "TCP" not in transport.upper():
                self._reply(cseq, "461 Unsupported Transport")
                return
            self._reply(cseq, headers={"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1",
                                       "Session": f"{self.id};timeout=60"})
        elif method == "PLAY":
            self._reply(cseq, headers={"Session": self.id, "Range": "npt=0.000-"})
            if not self.playing.is_set():
                self.playing.set()
                threading.Thread(target=self._send_frames, daemon=True, name=f"rtsp-{self.id}").start()
        elif method in ("GET_PARAMETER", "SET_PARAMETER"):
            self._reply(cseq, headers={"Session": self.id})
        elif method == "TEARDOWN":
            self._reply(cseq, headers={"Session": self.id})
            self.close()
        else:
            self._reply(cseq, "405 Method Not Allowed", headers={"Allow": "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"})

    # -- the RTP side ------------------------------------------------------------
    def _send_frames(self) -> None:
        camera = self.camera
        frames, keyframes, interval = camera.frames, camera.keyframes, 1.0 / camera.fps
        seq, ssrc, started, k = random.getrandbits(16), random.getrandbits(32), time.monotonic(), 0
        camera.sessions_played += 1
        try:
            while not self.closed.is_set() and not camera.paused.is_set():
                due = int((time.monotonic() - started) / interval)
                if due < k:
                    self.closed.wait((k - due) * interval)
                    continue
                if due - k > camera.fps:
                    # A second late (the machine is busy): on to the next key frame, as a camera drops frames.
                    k = next((f for f in range(due, due + len(frames)) if f % len(frames) in keyframes), due)
                packets, seq = _rtp_packets(frames[k % len(frames)], seq=seq, timestamp=round(k * CLOCK * interval),
                                            ssrc=ssrc)
                data = b"".join(b"$\x00" + struct.pack("!H", len(p)) + p for p in packets)
                with self._send_lock:
                    self.conn.sendall(data)
                camera.frames_sent += 1
                k += 1
        except OSError:
            pass
        finally:
            self.close()

    def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        try:
            self.conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


class RtspCamera:
    """An RTSP camera on 127.0.0.1 serving `frames` (BGR) as H.264 at `fps`, looping.

    Pass `h264=` (an Annex B stream from `h264_encode`) to share one encoding between servers.
    """

    def __init__(self, frames: list[np.ndarray] | None = None, fps: float = 25.0, *, h264: bytes | None = None):
        if h264 is None:
            h264 = h264_encode(frames, fps)
        self.fps = float(fps)
        self.frames = access_units(h264)
        if not self.frames:
            raise ValueError("no frames in the H.264 stream")
        self.keyframes = {i for i, units in enumerate(self.frames) if any(u[0] & 0x1F == NAL_IDR for u in units)}
        self._sps = next(u for f in self.frames for u in f if u[0] & 0x1F == NAL_SPS)
        self._pps = next(u for f in self.frames for u in f if u[0] & 0x1F == NAL_PPS)
        self.paused = threading.Event()
        self.frames_sent = 0
        self.sessions_played = 0
        self._stopping = threading.Event()
        self._sessions: list[_Session] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept, daemon=True, name="rtsp-camera")

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    def url(self, path: str = "stream") -> str:
        return f"rtsp://127.0.0.1:{self.port}/{path}"

    def sdp(self) -> str:
        sets = ",".join(base64.b64encode(u).decode() for u in (self._sps, self._pps))
        return ("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=museum test camera\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
                "a=control:*\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                f"a=fmtp:96 packetization-mode=1;profile-level-id={self._sps[1:4].hex()};"
                f"sprop-parameter-sets={sets}\r\na=framerate:{self.fps:g}\r\na=control:track1\r\n")

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            session = _Session(self, conn)
            self._sessions = [s for s in self._sessions if not s.closed.is_set()] + [session]
            threading.Thread(target=session.serve, daemon=True, name="rtsp-session").start()

    def drop(self) -> None:
        """End every session; new ones are answered 503 until `restore()`."""
        self.paused.set()
        for session in list(self._sessions):
            session.close()

    def restore(self) -> None:
        self.paused.clear()

    def start(self) -> RtspCamera:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for session in list(self._sessions):
            session.close()
        self._listener.close()
        self._thread.join(timeout=2)

    def __enter__(self) -> RtspCamera:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
