"""The edge agent on one LiteRT thread (a Raspberry Pi 4 proxy): its memory and speed, beside the
server's camera process (`manage.py run_camera`) on the same video, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dev_edge \\
        .venv/bin/python benchmarks/bench_edge_agent.py [--frames 1500] [--faces 2] [--outage 60]

What it does:
1. builds (once; reused after) a virtualenv with only edge_agent/requirements.txt under
   var/edge-bench-venv and prints its size beside the server's .venv;
2. writes a generated 640x480 video of walking faces (tests/worker/videos.py), a location with
   two cameras for it, and an edge device for one; starts the site (gunicorn) on loopback;
3. runs the agent (--threads 1) on the video as fast as it goes, and `run_camera` on the other
   camera with EMOTION_MODEL_THREADS=1; each process's peak RSS (getrusage of that child) and
   its frames/s (what each prints at its end; start-up excluded);
4. with --outage S: the agent again on a third camera, paced in real time, with the site stopped
   for S seconds mid-run: events and visits lost and doubled against step 3's agent run.
Figures, not asserts. It deletes and re-creates what it made ("bench-edge" names).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from cameras.models import Camera, Location  # noqa: E402
from devices.models import Device  # noqa: E402
from devices.services import device_create  # noqa: E402
from emotions.models import EmotionEvent, Visit  # noqa: E402
from tests.edge_agent.edge_tools import Site, agent_command, agent_env, edge_virtualenv  # noqa: E402
from tests.worker.videos import walkers_video  # noqa: E402

PREFIX = "bench-edge"
FPS_LINE = re.compile(r"frames=(\d+) fps=([\d.]+)")


def folder_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return total / 2**20


def measured(command: list[str], **popen) -> tuple[float, int, float, str]:
    """(peak RSS MB, frames, frames/s, output) of one child process."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        raise SystemExit(f"{command[:4]} failed ({process.returncode}):\n{text[-3000:]}")
    frames, fps = FPS_LINE.findall(text)[-1]
    return usage.ru_maxrss / 1024, int(frames), float(fps), text


def museum_reset(video: Path) -> tuple[Camera, Camera, Camera]:
    EmotionEvent.objects.filter(camera__name__startswith=PREFIX).delete()
    Visit.objects.filter(camera__name__startswith=PREFIX).delete()
    Device.objects.filter(name__startswith=PREFIX).delete()
    Camera.objects.filter(name__startswith=PREFIX).delete()
    hall, _ = Location.objects.get_or_create(name=f"{PREFIX} hall")
    return tuple(Camera.objects.create(name=f"{PREFIX}-{n}", location=hall, source=str(video))
                 for n in ("agent", "server", "outage"))


def rows_of(camera: Camera, anchor: datetime) -> tuple[list, list]:
    """Events and visits, times as seconds into the video (the two runs start their clocks apart)."""
    events = sorted((t - anchor, *rest) for t, *rest in EmotionEvent.objects.filter(camera=camera).values_list(
        "timestamp", "emotion", "confidence", "track_id"))
    visits = sorted((track, s - anchor, e - anchor, *rest) for track, s, e, *rest in Visit.objects.filter(
        camera=camera).values_list("track_id", "started_at", "ended_at", "dwell_seconds", "dominant_emotion"))
    return events, visits


def outage_run(python: Path, site: Site, camera: Camera, anchor: datetime, seconds: float, cache: Path) -> str:
    """The agent paced in real time (a paced file waits for each frame's time: its clock starts now)."""
    token = device_create(name=f"{PREFIX}-pi-outage", camera=camera).token
    log = cache.parent / "agent-outage.log"
    with log.open("w") as out:
        agent = subprocess.Popen(agent_command(python, site.url, token, camera.name, cache, "--clock-anchor",
                                               anchor.isoformat(), "--threads", "1", "--realtime",
                                               "--drain-timeout", "600"),
                                 cwd=ROOT, env=agent_env(), stdout=out, stderr=subprocess.STDOUT)
    while not EmotionEvent.objects.filter(camera=camera).exists():
        if agent.poll() is not None:
            raise SystemExit(log.read_text()[-3000:])
        time.sleep(0.2)
    site.stop()
    time.sleep(seconds)
    site.start()
    agent.wait()
    return log.read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1500)
    parser.add_argument("--faces", type=int, default=2)
    parser.add_argument("--outage", type=float, default=0.0, help="seconds the site is stopped mid-run (e.g. 60)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (the site and the agent's run share it)")
    work = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    venv = ROOT / "var" / "edge-bench-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        edge_virtualenv(venv)
    video = walkers_video(work / "walkers.mp4", args.faces, frames=args.frames, fps=25.0).path
    agent_camera, server_camera, outage_camera = museum_reset(video)
    token = device_create(name=f"{PREFIX}-pi", camera=agent_camera).token
    anchor = (datetime.now(timezone.utc) - timedelta(hours=2)).replace(microsecond=0)
    site = Site(work / "gunicorn.log")
    site.start()
    try:
        agent_rss, agent_frames, agent_fps, _ = measured(
            agent_command(python, site.url, token, agent_camera.name, work / "cache", "--clock-anchor",
                          anchor.isoformat(), "--threads", "1"), cwd=ROOT, env=agent_env())
        server_rss, server_frames, server_fps, _ = measured(
            [sys.executable, "manage.py", "run_camera", server_camera.name, "--restart"], cwd=ROOT,
            env={**os.environ, "EMOTION_MODEL_THREADS": "1"})
        print(f"video: {args.frames} frames 640x480, {args.faces} faces; load average {os.getloadavg()[0]:.1f}")
        print(f"{'':34}{'peak RSS MB':>12}{'frames':>8}{'frames/s':>10}{'env MB':>9}")
        print(f"{'edge agent (1 LiteRT thread)':34}{agent_rss:12.0f}{agent_frames:8d}{agent_fps:10.1f}"
              f"{folder_mb(venv):9.0f}")
        print(f"{'run_camera (server, 1 thread)':34}{server_rss:12.0f}{server_frames:8d}{server_fps:10.1f}"
              f"{folder_mb((ROOT / '.venv').resolve()):9.0f}")
        if args.outage:
            if args.frames / 25.0 < args.outage + 10:
                raise SystemExit(f"--frames {args.frames} is {args.frames / 25:g} s of video: too short for the outage")
            paced = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
            log = outage_run(python, site, outage_camera, paced, args.outage, work / "cache-outage")
            expected, got = rows_of(agent_camera, anchor), rows_of(outage_camera, paced)
            lost = [len(set(e) - set(g)) for e, g in zip(expected, got)]
            doubled = [len(g) - len(set(g)) for g in got]
            print(f"site stopped {args.outage:g} s mid-run: events {len(got[0])}/{len(expected[0])} "
                  f"(lost {lost[0]}, doubled {doubled[0]}), visits {len(got[1])}/{len(expected[1])} "
                  f"(lost {lost[1]}, doubled {doubled[1]}); buffered: {'server unreachable, buffering' in log}")
    finally:
        site.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
