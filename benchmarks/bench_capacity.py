"""How many cameras one server holds: N live cameras as the product runs them, side by side with today's
every-frame analysis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/bench_capacity.py --counts 1,4,8,10 --rates 10,0 --window 20 \\
        [--height 1080|720] [--substream 640x360] [--driver run_camera|workers]

What runs, per (analysis rate, N):
- a camera server, in a process of its own (its CPU is reported apart): an HTTP
  MJPEG stream on 127.0.0.1 per camera, paced in real time at --fps (a late
  frame is skipped, as a camera does), looping a generated video of a museum
  wall with 1-4 visitors walking (faces 140-200 px at 1080p). The JPEG bytes
  are encoded once before the run, so serving costs no encoding; with
  --substream the same video also at that size, as the camera's analysis
  substream;
- N cameras in the database (PostgreSQL from DATABASE_URL: as deployed), each
  `manage.py run_camera` in its own process (the embedded driver, the same
  segment code the Celery workers run), or with `--driver workers` started by
  `manage.py camera_workers` (a Celery worker per camera on CELERY_BROKER_URL:
  its main process and pool child are counted together), EMOTION_MODEL_THREADS=1,
  reading its own stream (or substream) live, writing events and visits.
Measured after each camera's first segment (start-up, model load, connecting
excluded), over --window seconds: analysed and input frames per second per
camera, due analyses missed (due frames a busy camera could not take, over all
due frames: the reader keeps only the newest), CPU (% of one core) and memory
(RSS and PSS: shared pages split between the processes) per camera process,
events written, and the server's CPU. A rate is "held" when under 1 % of due
analyses are missed. Figures, not asserts; the load average is printed at the
start and the end: on a machine shared with other work they are pessimistic.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# run_camera -v 2, and the segment task's log line that camera_workers relays.
SEGMENT_RE = re.compile(r"segment: frames=(\d+) fps=([\d.]+) input_frames=(\d+) input_fps=([\d.]+) "
                        r"dropped=(\d+) faces=(\d+) visits=(\d+) events=(\d+)")
WORKER_SEGMENT_RE = re.compile(r"camera (\d+): segment \S+: (\d+) frames \((\d+) read, (\d+) dropped\), "
                               r"(\d+) faces, (\d+) events")


# ---- the generated camera video ---------------------------------------------------------

def video_jpegs(width: int, height: int, fps: float, seconds: float, sizes: list[tuple[int, int]]) -> dict:
    """{(w, h): [jpeg bytes per frame]}: visitors walking over a wall, 1-4 at a time, encoded once."""
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
    out: dict = {size: [] for size in sizes}
    for index in range(frames):
        frame = base.copy()
        for sprite in sprites:
            box = sprite.box_at(index, frames)
            if box is not None:
                synthetic.paste_face(frame, sprite.image, box)
        for size in sizes:
            image = frame if size == (width, height) else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            out[size].append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
    return out


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


def _serve(streams: dict, fps: float, port_out) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StreamHandler)
    server.daemon_threads = True
    server.streams, server.fps = streams, fps
    port_out.send(server.server_address[1])
    server.serve_forever()


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
    """`pid` and its descendants (a Celery worker's pool child)."""
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


def tree_cpu_seconds(pid: int) -> float | None:
    try:
        return sum(cpu_seconds(p) for p in process_tree(pid))
    except OSError:
        return None


@dataclass
class CameraFigures:
    """One camera's segments as its driver logs them, and its processes' CPU and memory."""
    camera_id: int
    pid: int | None = None                         # its process (run_camera, or the Celery worker)
    segments: list = field(default_factory=list)   # (arrival time, cpu seconds, (frames, read, dropped, events))
    rss: float = 0.0
    pss: float = 0.0

    def segment_seen(self, figures: tuple) -> None:
        cpu = tree_cpu_seconds(self.pid) if self.pid else None
        self.segments.append((time.monotonic(), cpu, figures))

    def sample_memory(self) -> None:
        if self.pid:
            sizes = [memory_mb(p) for p in process_tree(self.pid)]
            self.rss = max(self.rss, sum(r for r, _ in sizes))
            self.pss = max(self.pss, sum(p for _, p in sizes))

    def in_window(self, since: float) -> int:
        """Segments that started after `since` (the previous one ended after it)."""
        return sum(1 for before in self.segments[:-1] if before[0] >= since)

    def window(self, since: float):
        """Over the segments that started after `since`: (seconds, cpu seconds, frames, read, dropped, events)."""
        first = next((i for i, s in enumerate(self.segments) if s[0] >= since), None)
        if first is None or first + 1 >= len(self.segments) or None in (self.segments[first][1],
                                                                       self.segments[-1][1]):
            return None
        (t0, c0, _), (t1, c1, _) = self.segments[first], self.segments[-1]
        rest = [s[2] for s in self.segments[first + 1:]]
        return (t1 - t0, c1 - c0, *(sum(r[i] for r in rest) for i in range(4)))


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
            camera = cameras[int(match.group(1))]
            if camera.pid is None:
                camera.pid = _celery_worker_pid(process.pid, camera.camera_id)
            frames, read, dropped, _, events = (int(v) for v in match.groups()[1:])
            camera.segment_seen((frames, read, dropped, events))


def _celery_worker_pid(supervisor_pid: int, camera_id: int) -> int | None:
    for pid in process_tree(supervisor_pid)[1:]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if f"camera.{camera_id}".encode() in args and b"celery" in b" ".join(args):
            return pid
    return None


# ---- one run: N cameras at one rate ----------------------------------------------------------

def cameras_create(count: int, rate: int, main_url: str, sub_url: str | None, *, enabled: bool) -> list[int]:
    from cameras.models import Camera, Location

    location, _ = Location.objects.get_or_create(name="Capacity bench")
    Camera.objects.filter(location=location).update(enabled=False)
    token = format(int(time.time() * 1000), "x")
    return [Camera.objects.create(name=f"bench-{token}-{count}x{rate}-{i}", location=location,
                                  source=f"{main_url}?camera={i}", enabled=enabled,
                                  analysis_source=f"{sub_url}?camera={i}" if sub_url else "", analysis_fps=rate).pk
            for i in range(count)]


def _start(driver: str, ids: list[int], segment: float):
    """The cameras' processes: (processes to stop at the end, {camera id: figures}, output lines)."""
    env = {**os.environ, "EMOTION_MODEL_THREADS": "1", "PYTHONUNBUFFERED": "1",
           "PIPELINE_SEGMENT_SECONDS": f"{segment}"}
    cameras = {camera_id: CameraFigures(camera_id) for camera_id in ids}
    output: list = []
    manage = [sys.executable, str(ROOT / "manage.py")]
    if driver == "workers":
        process = subprocess.Popen(manage + ["camera_workers", "--worker-loglevel", "INFO"], env=env, cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=_follow_workers, args=(process, cameras, output), daemon=True).start()
        return [process], cameras, output
    processes = []
    for camera_id in ids:
        process = subprocess.Popen(manage + ["run_camera", str(camera_id), "--duration", "900",
                                             "--segment-seconds", f"{segment}", "-v", "2"],
                                   env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        cameras[camera_id].pid = process.pid
        threading.Thread(target=_follow_run_camera, args=(process, cameras[camera_id], output), daemon=True).start()
        processes.append(process)
    return processes, cameras, output


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


def run(count: int, rate: int, *, driver: str, main_url: str, sub_url: str | None, server_pid: int,
        window: float, segment: float) -> dict:
    ids = cameras_create(count, rate, main_url, sub_url, enabled=driver == "workers")
    processes, cameras, output = _start(driver, ids, segment)
    wanted = max(1, round(window / segment))
    deadline = time.monotonic() + 120 + segment * (wanted + 2) * 2
    since, server_cpu0 = None, 0.0  # the window opens when every camera has ended its first segment
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        if since is None and all(c.segments for c in cameras.values()):
            since, server_cpu0 = time.monotonic(), cpu_seconds(server_pid)
        if since is not None and all(c.in_window(since) >= wanted for c in cameras.values()):
            break
        for camera in cameras.values():
            camera.sample_memory()
        time.sleep(0.5)
    if since is None:
        since, server_cpu0 = time.monotonic(), cpu_seconds(server_pid)
    server_cpu = (cpu_seconds(server_pid) - server_cpu0) / max(time.monotonic() - since, 1e-6)
    _stop(processes, ids)
    windows = [c.window(since) for c in cameras.values()]
    if any(w is None for w in windows):
        return {"count": count, "rate": rate, "error": "".join(output[-5:]).strip() or "no segment finished"}
    return _figures(count, rate, windows, list(cameras.values()), server_cpu)


def _figures(count: int, rate: int, windows: list, cameras: list, server_cpu: float) -> dict:
    analysed = [w[2] / w[0] for w in windows]
    dropped = sum(w[4] for w in windows)
    frames = sum(w[2] for w in windows)
    return {
        "count": count, "rate": rate,
        "analysed_fps": sum(analysed) / count, "analysed_min": min(analysed),
        "input_fps": sum(w[3] / w[0] for w in windows) / count,
        "missed": 100.0 * dropped / max(frames + dropped, 1), "dropped": int(dropped),
        "cpu": 100.0 * sum(w[1] / w[0] for w in windows) / count,
        "rss": sum(c.rss for c in cameras) / count, "pss": sum(c.pss for c in cameras) / count,
        "events": int(sum(w[5] for w in windows)), "server_cpu": 100.0 * server_cpu,
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


def _row(r: dict) -> str:
    if "error" in r:
        return f"  {r['count']:>3} {r['rate'] or 'all':>5}  failed: {r['error'][:160]}"
    held = "yes" if r["missed"] < 1.0 else "no"
    return (f"  {r['count']:>3} {r['rate'] or 'all':>5} {r['analysed_fps']:8.2f} {r['analysed_min']:7.2f} "
            f"{r['input_fps']:7.2f} {r['dropped']:8d} {r['missed']:7.2f}% {held:>5} {r['cpu']:6.1f}% "
            f"{r['rss']:6.0f} {r['pss']:6.0f} {r['events']:7d} {r['server_cpu']:6.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="1,4,8,10", help="numbers of cameras, comma-separated")
    parser.add_argument("--driver", choices=("run_camera", "workers"), default="run_camera",
                        help="run_camera: one embedded process per camera; workers: manage.py camera_workers "
                             "(a Celery worker per camera on CELERY_BROKER_URL)")
    parser.add_argument("--rates", default="10,0", help="analysis_fps values; 0 = every frame (the baseline)")
    parser.add_argument("--height", type=int, default=1080, choices=(720, 1080), help="main stream: 720p or 1080p")
    parser.add_argument("--substream", help="analyse a substream of this size, e.g. 640x360")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--window", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--segment", type=float, default=5.0, help="segment length (one figure per segment)")
    parser.add_argument("--loop-seconds", type=float, default=10.0, help="length of the looped video")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    rates = [int(r) for r in args.rates.split(",")]

    _setup_django()
    width = args.height * 16 // 9
    sizes = [(width, args.height)]
    if args.substream:
        sub_w, sub_h = (int(v) for v in args.substream.lower().split("x"))
        sizes.append((sub_w, sub_h))
    load_start = os.getloadavg()
    t0 = time.monotonic()
    jpegs = video_jpegs(width, args.height, args.fps, args.loop_seconds, sizes)
    streams = {"/main": jpegs[sizes[0]]}
    if args.substream:
        streams["/sub"] = jpegs[sizes[1]]
    kib = sum(len(j) for j in jpegs[sizes[-1]]) / len(jpegs[sizes[-1]]) / 1024
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(streams, args.fps, send), daemon=True)
    server.start()
    port = receive.recv()
    main_url = f"http://127.0.0.1:{port}/main"
    sub_url = f"http://127.0.0.1:{port}/sub" if args.substream else None

    analysed = f"substream {args.substream}" if args.substream else f"main stream {width}x{args.height}"
    print(f"bench_capacity: {width}x{args.height} @ {args.fps:g} fps MJPEG over HTTP on 127.0.0.1, analysed: "
          f"{analysed} ({kib:.0f} KiB a frame), {args.loop_seconds:g} s loop of 1-4 visitors "
          f"(encoded in {time.monotonic() - t0:.1f} s); {os.cpu_count()} CPUs; window {args.window:g} s per run; "
          f"cameras run by {'manage.py camera_workers (Celery)' if args.driver == 'workers' else 'manage.py run_camera'}")
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    print("    N  rate  fps/cam  min/cam  in fps  dropped  missed  held  cpu/cam  RSS MB  PSS MB  events  server")
    results = []
    for count in counts:
        for rate in rates:
            result = run(count, rate, driver=args.driver, main_url=main_url, sub_url=sub_url, server_pid=server.pid,
                         window=args.window, segment=args.segment)
            results.append(result)
            print(_row(result), flush=True)
    server.terminate()
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    for rate in rates:
        runs = sorted((r["count"], "error" not in r and r["missed"] < 1.0) for r in results if r["rate"] == rate)
        held = [count for count, ok in runs if ok]
        # Conservative: every smaller N measured held too (a busy machine makes single runs noisy).
        steady = max((count for count, _ in runs if all(ok for c, ok in runs if c <= count)), default=None)
        print(f"{'every frame' if rate == 0 else f'{rate} fps'}: largest N holding the rate with < 1 % missed: "
              f"{steady if steady is not None else 'none'} (held at N = {', '.join(map(str, held)) or 'none'})")


if __name__ == "__main__":
    main()
