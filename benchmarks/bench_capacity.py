"""How many cameras one server holds: N live cameras as the product runs them, side by side with today's
every-frame analysis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/bench_capacity.py --counts 1,4,8,10 --rates 10,0 --window 20 \\
        [--height 1080|720] [--substream 640x360] [--stream mjpeg|rtsp] \\
        [--driver run_camera|workers [--cameras-per-worker 2[,1,4]]]

What runs, per (cameras per worker, analysis rate, N):
- a camera server, in a process of its own (its CPU is reported apart), serving
  each camera its own live stream on 127.0.0.1, paced in real time at --fps,
  looping a generated video of a museum wall with 1-4 visitors walking (faces
  140-200 px at 1080p): `--stream mjpeg` (default) HTTP MJPEG, JPEGs encoded
  once before the run (a late frame is skipped, as a camera does); `--stream
  rtsp` RTSP with H.264 over RTP (tests/worker/rtsp_camera.py; Debian's ffmpeg
  encodes the loop once at an IP camera's bit rate, a key frame a second, no
  B-frames). With --substream the same video also at that size, as the
  camera's analysis substream;
- N cameras in the database (PostgreSQL from DATABASE_URL: as deployed), run
  either by `manage.py run_camera`, one embedded process per camera (the same
  segment code the Celery workers run), or with `--driver workers` by
  `manage.py camera_workers` (Celery on CELERY_BROKER_URL), which puts up to
  --cameras-per-worker cameras in one worker process (CAMERAS_PER_WORKER; 1 =
  a process per camera), EMOTION_MODEL_THREADS=1, each reading its own stream
  (or substream) live, writing events and visits.
Measured after each camera's first segment (start-up, model load, connecting
excluded), over --window seconds: analysed and input frames per second per
camera, due analyses missed (due frames a busy camera could not take, over all
due frames: the reader keeps only the newest), CPU (% of one core) per camera,
memory per camera, events written, and the server's CPU. A rate is "held"
when under 1 % of due analyses are missed.

Memory per camera is the peak, over the run, of the sum over every process
that runs cameras (run_camera processes, or the Celery workers) divided by N:
a worker process shared by k cameras counts 1/k to each. RSS counts every page
a process maps, the shared libraries in each process again; PSS splits each
shared page between the processes that map it, so the PSS sum is what the
cameras take from the machine. The camera_workers supervisor (one per server,
whatever N) is printed apart. Figures, not asserts; the load average is
printed at the start and the end: on a machine shared with other work they
are pessimistic.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# run_camera -v 2, and the segment task's log line that camera_workers relays.
SEGMENT_RE = re.compile(r"segment: frames=(\d+) fps=([\d.]+) input_frames=(\d+) input_fps=([\d.]+) "
                        r"dropped=(\d+) faces=(\d+) visits=(\d+) events=(\d+)")
WORKER_SEGMENT_RE = re.compile(r"camera (\d+): segment \S+: (\d+) frames \((\d+) read, (\d+) dropped\), "
                               r"(\d+) faces, (\d+) events")


# ---- the generated camera video ---------------------------------------------------------

def video_frames(width: int, height: int, fps: float, seconds: float, size: tuple[int, int] | None = None):
    """Visitors walking over a wall, 1-4 at a time, frame by frame (resized to `size`)."""
    import cv2

    from worker.pipeline import synthetic

    frames = int(seconds * fps)
    scale = width / 1920.0
    sprites = synthetic.walkers(4, frames=frames, width=width, height=height,
                                sizes=tuple(int(s * scale) for s in (200, 160, 180, 140)), seed=31)
    # Visitor 1 stays all along; 2-4 come and go, so 1 to 4 faces are in view.
    for i, sprite in enumerate(sprites[1:], start=1):
        sprite.first_frame = int(frames * 0.2 * i)
        sprite.last_frame = min(frames - 1, sprite.first_frame + int(frames * 0.45))
    base = synthetic.wall(width, height, seed=31)
    for index in range(frames):
        frame = base.copy()
        for sprite in sprites:
            box = sprite.box_at(index, frames)
            if box is not None:
                synthetic.paste_face(frame, sprite.image, box)
        yield frame if size in (None, (width, height)) else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def video_jpegs(width: int, height: int, fps: float, seconds: float, sizes: list[tuple[int, int]]) -> dict:
    """{(w, h): [jpeg bytes per frame]}, encoded once."""
    import cv2

    out: dict = {size: [] for size in sizes}
    for frame in video_frames(width, height, fps, seconds):
        for size in sizes:
            image = frame if size == (width, height) else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            out[size].append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
    return out


def camera_bitrate(size: tuple[int, int]) -> str:
    """An IP camera's H.264 rate for a stream of this size: 4 Mbit/s at 1080p, in proportion below (>= 0.5)."""
    return f"{max(500, round(4000 * size[0] * size[1] / (1920 * 1080)))}k"


def video_h264(width: int, height: int, fps: float, seconds: float, sizes: list[tuple[int, int]]) -> dict:
    """{(w, h): H.264 Annex B stream}, encoded once by ffmpeg at camera_bitrate."""
    from tests.worker.rtsp_camera import h264_encode

    return {size: h264_encode(video_frames(width, height, fps, seconds, size), fps, bitrate=camera_bitrate(size))
            for size in sizes}


# ---- the camera server (its own process) -------------------------------------------------

class _StreamHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        jpegs = self.server.streams.get(self.path.split("?")[0])
        if jpegs is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        interval, started, sent = 1.0 / self.server.fps, time.monotonic(), 0
        try:
            while True:
                # Real time: frame k leaves at started + k / fps; a late server skips frames.
                k = int((time.monotonic() - started) / interval)
                if k < sent:
                    time.sleep((sent - k) * interval)
                    continue
                jpeg = jpegs[k % len(jpegs)]
                self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                 + str(len(jpeg)).encode() + b"\r\n\r\n" + jpeg + b"\r\n")
                sent = k + 1
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        pass


def _serve(kind: str, streams: dict, fps: float, port_out) -> None:
    """{path: jpegs (mjpeg) or H.264 stream (rtsp)}; sends back {path: base URL}, then serves."""
    if kind == "rtsp":
        from tests.worker.rtsp_camera import RtspCamera

        # One server per stream; any path under it is a session of its own (a camera each).
        servers = {path: RtspCamera(fps=fps, h264=h264).start() for path, h264 in streams.items()}
        port_out.send({path: server.url(path.strip("/")) for path, server in servers.items()})
        threading.Event().wait()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StreamHandler)
    server.daemon_threads = True
    server.streams, server.fps = streams, fps
    port_out.send({path: f"http://127.0.0.1:{server.server_address[1]}{path}" for path in streams})
    server.serve_forever()


def camera_url(base: str, index: int) -> str:
    """Camera `index`'s own stream: a query for MJPEG, a path for RTSP (both get a session each)."""
    return f"{base}/{index}" if base.startswith("rtsp:") else f"{base}?camera={index}"


# ---- per-process measurements -------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB."""
    rss = pss = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as f:
                queue.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def celery_workers(supervisor: int) -> list[int]:
    """camera_workers' Celery worker processes (not a child caught between fork and exec, which is
    still a copy of the supervisor, nor a short-lived helper a library starts)."""
    pids = []
    for pid in process_tree(supervisor)[1:]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"celery" in args and b"worker" in args:
            pids.append(pid)
    return pids


@dataclass
class CameraFigures:
    """One camera's segments as its driver logs them."""
    camera_id: int
    segments: list = field(default_factory=list)   # (arrival time, (frames, read, dropped, events))

    def segment_seen(self, figures: tuple) -> None:
        self.segments.append((time.monotonic(), figures))

    def in_window(self, since: float) -> int:
        """Segments that started after `since` (the previous one ended after it)."""
        return sum(1 for before in self.segments[:-1] if before[0] >= since)

    def window(self, since: float):
        """Over the segments that started after `since`: (seconds, frames, read, dropped, events)."""
        first = next((i for i, s in enumerate(self.segments) if s[0] >= since), None)
        if first is None or first + 1 >= len(self.segments):
            return None
        rest = [s[1] for s in self.segments[first + 1:]]
        return (self.segments[-1][0] - self.segments[first][0], *(sum(r[i] for r in rest) for i in range(4)))


@dataclass
class CameraProcesses:
    """The processes that run the cameras (and camera_workers' supervisor): their CPU and memory."""
    pids: Callable[[], list[int]]             # the processes running cameras, now
    supervisor: int | None = None
    peak_rss: float = 0.0                     # MB, summed over the processes
    peak_pss: float = 0.0
    processes: int = 0                        # the most at once
    supervisor_rss: float = 0.0
    supervisor_pss: float = 0.0

    def sample_memory(self) -> None:
        pids = self.pids()
        sizes = [memory_mb(p) for p in pids]
        self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes))
        self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes))
        self.processes = max(self.processes, len(pids))
        if self.supervisor:
            rss, pss = memory_mb(self.supervisor)
            self.supervisor_rss, self.supervisor_pss = max(rss, self.supervisor_rss), max(pss, self.supervisor_pss)

    def cpu_seconds(self) -> tuple[float, frozenset]:
        """(CPU seconds of the camera processes so far, which processes)."""
        pids, total = frozenset(self.pids()), 0.0
        for pid in pids:
            try:
                total += cpu_seconds(pid)
            except OSError:
                pass
        return total, pids


def _follow_run_camera(process: subprocess.Popen, camera: CameraFigures, output: list) -> None:
    for line in process.stdout:
        output.append(line)
        match = SEGMENT_RE.search(line)
        if match:
            g = [int(float(v)) for v in match.groups()]
            camera.segment_seen((g[0], g[2], g[4], g[7]))


def _follow_workers(process: subprocess.Popen, cameras: dict[int, CameraFigures], output: list) -> None:
    for line in process.stdout:
        output.append(line)
        match = WORKER_SEGMENT_RE.search(line)
        if match and int(match.group(1)) in cameras:
            frames, read, dropped, _, events = (int(v) for v in match.groups()[1:])
            cameras[int(match.group(1))].segment_seen((frames, read, dropped, events))


# ---- one run: N cameras at one rate ----------------------------------------------------------

def cameras_create(count: int, rate: int, main_url: str, sub_url: str | None, *, enabled: bool) -> list[int]:
    from cameras.models import Camera, Location

    location, _ = Location.objects.get_or_create(name="Capacity bench")
    Camera.objects.filter(location=location).update(enabled=False)
    token = format(int(time.time() * 1000), "x")
    return [Camera.objects.create(name=f"bench-{token}-{count}x{rate}-{i}", location=location,
                                  source=camera_url(main_url, i), enabled=enabled,
                                  analysis_source=camera_url(sub_url, i) if sub_url else "", analysis_fps=rate).pk
            for i in range(count)]


def _start(driver: str, ids: list[int], segment: float, per_worker: int):
    """The cameras' processes: (processes to stop at the end, {camera id: figures}, CameraProcesses, output)."""
    env = {**os.environ, "EMOTION_MODEL_THREADS": "1", "PYTHONUNBUFFERED": "1",
           "PIPELINE_SEGMENT_SECONDS": f"{segment}"}
    cameras = {camera_id: CameraFigures(camera_id) for camera_id in ids}
    output: list = []
    manage = [sys.executable, str(ROOT / "manage.py")]
    if driver == "workers":
        env["CAMERAS_PER_WORKER"] = str(per_worker)
        process = subprocess.Popen(manage + ["camera_workers", "--worker-loglevel", "INFO"], env=env, cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=_follow_workers, args=(process, cameras, output), daemon=True).start()
        workers = CameraProcesses(pids=lambda: celery_workers(process.pid), supervisor=process.pid)
        return [process], cameras, workers, output
    processes = []
    for camera_id in ids:
        process = subprocess.Popen(manage + ["run_camera", str(camera_id), "--duration", "900",
                                             "--segment-seconds", f"{segment}", "-v", "2"],
                                   env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=_follow_run_camera, args=(process, cameras[camera_id], output), daemon=True).start()
        processes.append(process)
    return processes, cameras, CameraProcesses(pids=lambda: [p.pid for p in processes if p.poll() is None]), output


def _stop(processes: list[subprocess.Popen], ids: list[int]) -> None:
    from cameras.models import Camera

    Camera.objects.filter(pk__in=ids).update(enabled=False)
    for process in processes:
        process.terminate()  # run_camera and camera_workers both flush and stop on SIGTERM
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def run(count: int, rate: int, *, driver: str, per_worker: int, main_url: str, sub_url: str | None,
        server_pid: int, window: float, segment: float, log: str | None = None) -> dict:
    result = _run(count, rate, driver=driver, per_worker=per_worker, main_url=main_url, sub_url=sub_url,
                  server_pid=server_pid, window=window, segment=segment)
    if log:
        with open(log, "a") as f:
            f.write(f"==== N={count} rate={rate} cameras per worker={per_worker or '-'}\n")
            f.writelines(result.pop("output"))
    result.pop("output", None)
    return result


def _run(count: int, rate: int, *, driver: str, per_worker: int, main_url: str, sub_url: str | None,
         server_pid: int, window: float, segment: float) -> dict:
    ids = cameras_create(count, rate, main_url, sub_url, enabled=driver == "workers")
    processes, cameras, workers, output = _start(driver, ids, segment, per_worker)
    wanted = max(1, round(window / segment))
    deadline = time.monotonic() + 120 + segment * (wanted + 2) * 2
    since = None  # the window opens when every camera has ended its first segment
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        if since is None and all(c.segments for c in cameras.values()):
            since, server_cpu0, (cpu0, pids0) = time.monotonic(), cpu_seconds(server_pid), workers.cpu_seconds()
        if since is not None and all(c.in_window(since) >= wanted for c in cameras.values()):
            break
        workers.sample_memory()
        time.sleep(0.5)
    if since is None:
        _stop(processes, ids)
        return {"count": count, "rate": rate, "per_worker": per_worker, "output": output,
                "error": "".join(output[-5:]).strip() or "no segment finished"}
    seconds = max(time.monotonic() - since, 1e-6)
    server_cpu = (cpu_seconds(server_pid) - server_cpu0) / seconds
    cpu1, pids1 = workers.cpu_seconds()
    _stop(processes, ids)
    windows = [c.window(since) for c in cameras.values()]
    if any(w is None for w in windows) or pids1 != pids0:
        why = "a camera process was restarted during the window" if pids1 != pids0 else "no segment finished"
        return {"count": count, "rate": rate, "per_worker": per_worker, "output": output,
                "error": "".join(output[-5:]).strip() or why}
    return {**_figures(count, rate, per_worker, windows, workers, (cpu1 - cpu0) / seconds, server_cpu),
            "output": output}


def _figures(count: int, rate: int, per_worker: int, windows: list, workers: CameraProcesses, cpu: float,
             server_cpu: float) -> dict:
    analysed = [w[1] / w[0] for w in windows]
    dropped = sum(w[3] for w in windows)
    frames = sum(w[1] for w in windows)
    return {
        "count": count, "rate": rate, "per_worker": per_worker,
        "analysed_fps": sum(analysed) / count, "analysed_min": min(analysed),
        "input_fps": sum(w[2] / w[0] for w in windows) / count,
        "missed": 100.0 * dropped / max(frames + dropped, 1), "dropped": int(dropped),
        "cpu": 100.0 * cpu / count, "processes": workers.processes,
        "rss": workers.peak_rss / count, "pss": workers.peak_pss / count,
        "supervisor_rss": workers.supervisor_rss, "supervisor_pss": workers.supervisor_pss,
        "events": int(sum(w[4] for w in windows)), "server_cpu": 100.0 * server_cpu,
    }


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (several camera processes write at once, as deployed)")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


HEADER = ("    N  k/proc  rate  fps/cam  min/cam  in fps  dropped  missed  held  cpu/cam  procs  RSS/cam  PSS/cam"
          "  events  server")


def _row(r: dict) -> str:
    per_worker = str(r["per_worker"]) if r["per_worker"] else "-"
    if "error" in r:
        return f"  {r['count']:>3} {per_worker:>7} {r['rate'] or 'all':>5}  failed: {r['error'][:160]}"
    held = "yes" if r["missed"] < 1.0 else "no"
    return (f"  {r['count']:>3} {per_worker:>7} {r['rate'] or 'all':>5} {r['analysed_fps']:8.2f} "
            f"{r['analysed_min']:7.2f} {r['input_fps']:7.2f} {r['dropped']:8d} {r['missed']:7.2f}% {held:>5} "
            f"{r['cpu']:6.1f}% {r['processes']:6d} {r['rss']:6.0f} MB {r['pss']:5.0f} MB {r['events']:7d} "
            f"{r['server_cpu']:6.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="1,4,8,10", help="numbers of cameras, comma-separated")
    parser.add_argument("--driver", choices=("run_camera", "workers"), default="run_camera",
                        help="run_camera: one embedded process per camera; workers: manage.py camera_workers "
                             "(Celery worker processes on CELERY_BROKER_URL)")
    parser.add_argument("--cameras-per-worker", default="2",
                        help="with --driver workers: CAMERAS_PER_WORKER values to run, comma-separated "
                             "(default 2, the product's default; 1 = a process per camera)")
    parser.add_argument("--rates", default="10,0", help="analysis_fps values; 0 = every frame (the baseline)")
    parser.add_argument("--stream", choices=("mjpeg", "rtsp"), default="mjpeg",
                        help="what the cameras send: HTTP MJPEG, or RTSP with H.264 (needs the ffmpeg binary)")
    parser.add_argument("--height", type=int, default=1080, choices=(720, 1080), help="main stream: 720p or 1080p")
    parser.add_argument("--substream", help="analyse a substream of this size, e.g. 640x360")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--window", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--segment", type=float, default=5.0, help="segment length (one figure per segment)")
    parser.add_argument("--loop-seconds", type=float, default=10.0, help="length of the looped video")
    parser.add_argument("--log", help="append the cameras' own output (run_camera, camera_workers) to this file")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    rates = [int(r) for r in args.rates.split(",")]
    per_workers = [int(k) for k in args.cameras_per_worker.split(",")] if args.driver == "workers" else [0]
    if any(k < 0 for k in per_workers) or (args.driver == "workers" and 0 in per_workers):
        sys.exit("--cameras-per-worker: numbers of 1 or more")

    _setup_django()
    width = args.height * 16 // 9
    sizes = [(width, args.height)]
    if args.substream:
        sub_w, sub_h = (int(v) for v in args.substream.lower().split("x"))
        sizes.append((sub_w, sub_h))
    load_start = os.getloadavg()
    t0 = time.monotonic()
    if args.stream == "rtsp":
        encoded = video_h264(width, args.height, args.fps, args.loop_seconds, sizes)
        kib = len(encoded[sizes[-1]]) / (args.loop_seconds * args.fps) / 1024
        described = f"RTSP, H.264 at {camera_bitrate(sizes[-1])}bit/s"
    else:
        encoded = video_jpegs(width, args.height, args.fps, args.loop_seconds, sizes)
        kib = sum(len(j) for j in encoded[sizes[-1]]) / len(encoded[sizes[-1]]) / 1024
        described = "MJPEG over HTTP"
    streams = {"/main": encoded[sizes[0]]}
    if args.substream:
        streams["/sub"] = encoded[sizes[1]]
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(args.stream, streams, args.fps, send),
                                                         daemon=True)
    server.start()
    urls = receive.recv()
    main_url, sub_url = urls["/main"], urls.get("/sub")

    analysed = f"substream {args.substream}" if args.substream else f"main stream {width}x{args.height}"
    driver = ("manage.py camera_workers (Celery; k/proc = cameras per worker process)" if args.driver == "workers"
              else "manage.py run_camera (a process per camera)")
    print(f"bench_capacity: {width}x{args.height} @ {args.fps:g} fps {described} on 127.0.0.1, analysed: "
          f"{analysed} ({kib:.0f} KiB a frame), {args.loop_seconds:g} s loop of 1-4 visitors "
          f"(encoded in {time.monotonic() - t0:.1f} s); {os.cpu_count()} CPUs; window {args.window:g} s per run; "
          f"cameras run by {driver}")
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    print("memory per camera: peak of the sum over the processes running cameras, divided by N "
          "(PSS: shared pages split between processes)")
    print(HEADER)
    results = []
    for per_worker in per_workers:
        for count in counts:
            for rate in rates:
                result = run(count, rate, driver=args.driver, per_worker=per_worker, main_url=main_url,
                             sub_url=sub_url, server_pid=server.pid, window=args.window, segment=args.segment,
                             log=args.log)
                results.append(result)
                print(_row(result), flush=True)
    server.terminate()
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    supervisors = [r for r in results if r.get("supervisor_rss")]
    if supervisors:
        print(f"camera_workers supervisor (one per server, not in the per-camera figures): "
              f"{max(r['supervisor_rss'] for r in supervisors):.0f} MB RSS, "
              f"{max(r['supervisor_pss'] for r in supervisors):.0f} MB PSS")
    for per_worker in per_workers:
        for rate in rates:
            runs = sorted((r["count"], "error" not in r and r["missed"] < 1.0) for r in results
                          if r["rate"] == rate and r["per_worker"] == per_worker)
            held = [count for count, ok in runs if ok]
            # Conservative: every smaller N measured held too (a busy machine makes single runs noisy).
            steady = max((count for count, _ in runs if all(ok for c, ok in runs if c <= count)), default=None)
            print(f"{f'{per_worker} camera(s) per worker, ' if per_worker else ''}"
                  f"{'every frame' if rate == 0 else f'{rate} fps'}: largest N holding the rate with < 1 % missed: "
                  f"{steady if steady is not None else 'none'} (held at N = {', '.join(map(str, held)) or 'none'})")


if __name__ == "__main__":
    main()
