"""python -m edge_agent --server URL --token T --camera NAME [--source S] (or --config FILE).

The token may also come from the environment (EDGE_AGENT_TOKEN), which keeps it out
of the process list; a config file holds the same keys as the long options:

    [agent]
    server = https://museum.example
    camera = Hall A entrance
    source = 0
    cache_dir = /var/lib/edge-agent
"""
from __future__ import annotations

import argparse
import configparser
import logging
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from edge_agent import VERSION
from edge_agent.agent import Agent, AgentConfig, AgentError

TTA = {"auto": None, "on": True, "off": False}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m edge_agent", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="INI file with an [agent] section (the long options' names)")
    parser.add_argument("--server", help="the museum site's URL, e.g. https://museum.example")
    parser.add_argument("--token", help="this device's token (manage.py create_device); or EDGE_AGENT_TOKEN")
    parser.add_argument("--camera", help="the camera's name, checked against the token's camera")
    parser.add_argument("--source", help="local source: device index (0), rtsp://, http:// or a file; "
                                         "default: the camera's source on the server")
    parser.add_argument("--cache-dir", type=Path, help="model, settings and queue (default var/edge-agent)")
    parser.add_argument("--realtime", action="store_true", help="pace a video file to its frame rate")
    parser.add_argument("--clock-anchor", help="files: the wall-clock time of frame 0 (ISO 8601 with offset)")
    parser.add_argument("--threads", type=int, help="LiteRT threads (default 1: a Pi 4 has 4 cores)")
    parser.add_argument("--tta", choices=sorted(TTA), help="test-time augmentation (default: the model's spec)")
    parser.add_argument("--detector", help="haar (default), blazeface-short, blazeface-full")
    parser.add_argument("--smoothing-seconds", type=float,
                        help="a face's emotion is its scores averaged over about this many seconds "
                             "(default EMOTION_SMOOTHING_SECONDS, else 1; 0: off)")
    parser.add_argument("--flush-seconds", type=float, help="a batch every n seconds (default 2)")
    parser.add_argument("--heartbeat-seconds", type=float, help="default 15")
    parser.add_argument("--max-queue", type=int, help="batches kept while offline (default 20000, ~11 h)")
    parser.add_argument("--drain-timeout", type=float, help="after a file ends: wait this long to send (default 300)")
    parser.add_argument("--max-frames", type=int, help="stop after this many frames")
    parser.add_argument("--log-level", default=None, help="INFO (default), DEBUG, WARNING")
    parser.add_argument("--version", action="version", version=VERSION)
    return parser


def _options(args: argparse.Namespace) -> dict:
    """Command line over config file over environment (token)."""
    values: dict = {}
    if args.config:
        file = configparser.ConfigParser()
        if not file.read(args.config):
            raise AgentError(f"config file not readable: {args.config}")
        values.update(file["agent"] if file.has_section("agent") else {})
    # `is not`: an explicit 0 (--smoothing-seconds 0) is a value, not "not given".
    values.update({k: v for k, v in vars(args).items() if v is not None and v is not False and k != "config"})
    values.setdefault("token", os.environ.get("EDGE_AGENT_TOKEN", ""))
    # As on the server: the environment's setting unless the command line or the file says otherwise.
    if os.environ.get("EMOTION_SMOOTHING_SECONDS", "").strip():
        values.setdefault("smoothing_seconds", os.environ["EMOTION_SMOOTHING_SECONDS"].strip())
    for required in ("server", "token"):
        if not values.get(required):
            raise AgentError(f"--{required} is required (or in --config; the token also as EDGE_AGENT_TOKEN)")
    return values


def config_from(values: dict) -> AgentConfig:
    def number(name, kind):
        return kind(values[name]) if values.get(name) not in (None, "") else None

    anchor = values.get("clock_anchor")
    if anchor:
        anchor = datetime.fromisoformat(str(anchor))
        if anchor.tzinfo is None:
            raise AgentError("--clock-anchor needs an offset (e.g. +00:00)")
    config = AgentConfig(server=values["server"], token=values["token"], camera=values.get("camera") or "",
                         source=str(values.get("source") or ""), clock_anchor=anchor or None,
                         realtime=str(values.get("realtime", "")).lower() in ("true", "1", "yes", "on"),
                         tta=TTA[values.get("tta") or "auto"], detector=values.get("detector") or "haar")
    if values.get("cache_dir"):
        config.cache_dir = Path(values["cache_dir"])
    for name, kind in (("threads", int), ("flush_seconds", float), ("heartbeat_seconds", float),
                       ("max_queue", int), ("drain_timeout", float), ("max_frames", int),
                       ("smoothing_seconds", float)):
        if (value := number(name, kind)) is not None:
            setattr(config, name, value)
    # An explicit 0 is passed through (it means "off" for smoothing), so the others need their own floor.
    for name, least in (("threads", 1), ("flush_seconds", 0.1), ("heartbeat_seconds", 1), ("max_queue", 1),
                        ("drain_timeout", 0), ("max_frames", 1)):
        value = getattr(config, name)
        if value is not None and value < least:
            raise AgentError(f"--{name.replace('_', '-')} must be at least {least}, not {value}")
    if not 0 <= config.smoothing_seconds <= 60:
        raise AgentError(f"--smoothing-seconds must be between 0 (off) and 60, not {config.smoothing_seconds}")
    return config


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.realtime:
        args.realtime = "true"
    logging.basicConfig(level=(args.log_level or "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        agent = Agent(config_from(_options(args)))
    except (AgentError, ValueError, KeyError) as exc:
        print(f"edge_agent: {exc}", file=sys.stderr)
        return 2

    def ask_stop(signum, frame):  # finish the frame, queue what is buffered, exit
        agent.stop_asked = True

    previous = {sig: signal.signal(sig, ask_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return agent.run()
    except AgentError as exc:
        logging.getLogger("edge_agent").error("%s", exc)
        return 2
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
