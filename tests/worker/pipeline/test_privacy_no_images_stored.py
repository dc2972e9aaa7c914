"""Privacy: after the pipeline ran, no frame or face crop is anywhere: not in any database
column, not in the var folder, the working directory or temp files, not in the logs.
With DEBUG_SNAPSHOTS on, crops are written, and only under DEBUG_SNAPSHOT_DIR.

With the staff preview in use, the broker (Redis) holds exactly one image-like value per
camera, `museum:privacy-preview:camera:<id>` (cameras/preview_store.py): the scan accepts it
only if it expires within PRIVACY_PREVIEW_SECONDS and no face can be found in it (blurred);
any other image-like value in the broker is a finding."""
from __future__ import annotations

import base64
import logging
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
import redis
from django.db import connection

from cameras.preview_store import PREVIEW_KEY, preview_request
from tests.conftest import require_service
from tests.factories import CameraFactory
from worker.pipeline.detector import detector_create
from worker.pipeline.runner import camera_segment_run

pytestmark = pytest.mark.django_db

IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"BM", b"\x93NUMPY", b"RIFF")
# The same signatures as they start in base64 text, and a size no label/score row reaches.
BASE64_MAGIC = tuple(base64.b64encode(m).decode()[:4] for m in (b"\xff\xd8\xff", b"\x89PNG\r\n", b"\x93NUMPY"))
LARGE_VALUE = 20_000


def _suspicious(value) -> str | None:
    if value is None or isinstance(value, (int, float, bool)):
        return None
    raw = bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else str(value).encode()
    if raw.startswith(IMAGE_MAGIC) or b"\xff\xd8\xff" in raw or b"\x89PNG" in raw:
        return "image bytes"
    text = raw.decode("latin-1")
    if any(m in text for m in BASE64_MAGIC):
        return "base64 image"
    if len(raw) > LARGE_VALUE:
        return f"{len(raw)} bytes"
    return None


def _database_findings() -> list[str]:
    findings = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row):
                    why = _suspicious(value)
                    if why:
                        findings.append(f"{table}.{column}: {why}")
    return findings


def _new_image_files(folder: Path, before: set[Path]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and path not in before:
            head = path.read_bytes()[:16]
            if head.startswith(IMAGE_MAGIC) or path.suffix.lower() in {".jpg", ".jpeg", ".png", ".npy", ".npz"}:
                found.append(str(path))
    return found


@pytest.fixture
def working_folders(tmp_path, settings, monkeypatch):
    """Every place the pipeline could write, isolated so other processes' files don't count."""
    folders = {"var": tmp_path / "var", "cwd": tmp_path / "cwd", "tmp": tmp_path / "tmp"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    settings.VAR_DIR = folders["var"]
    settings.DEBUG_SNAPSHOT_DIR = folders["var"] / "snapshots"
    settings.PIPELINE_FLUSH_SECONDS = 0.5
    monkeypatch.chdir(folders["cwd"])
    monkeypatch.setattr(tempfile, "tempdir", str(folders["tmp"]))
    monkeypatch.setenv("TMPDIR", str(folders["tmp"]))
    return folders


def test_it_stores_no_image_data_anywhere(two_faces_video, working_folders, settings, caplog):
    settings.DEBUG_SNAPSHOTS = False
    before = {p for f in working_folders.values() for p in f.rglob("*")}
    camera = CameraFactory(source=str(two_faces_video.path))
    with caplog.at_level(logging.DEBUG):
        stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    assert stats.events_written > 0 and stats.visits_written == 2  # the pipeline really ran

    assert _database_findings() == []
    for folder in working_folders.values():
        assert _new_image_files(folder, before) == []
    # The only file the run leaves is its small ledger of positions, boxes and scores.
    ledger = working_folders["var"] / "pipeline" / f"camera-{camera.pk}.json"
    assert [p for p in working_folders["var"].rglob("*") if p.is_file()] == [ledger]
    assert _suspicious(ledger.read_bytes()) is None
    for record in caplog.records:
        assert _suspicious(record.getMessage()) is None, record.getMessage()[:200]


def test_it_writes_debug_snapshots_only_when_enabled_and_only_there(two_faces_video, working_folders, settings):
    settings.DEBUG_SNAPSHOTS = True
    before = {p for f in working_folders.values() for p in f.rglob("*")}
    camera = CameraFactory(source=str(two_faces_video.path))
    camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)

    snapshot_dir = Path(settings.DEBUG_SNAPSHOT_DIR)
    images = _new_image_files(working_folders["var"], before)
    assert len(images) == 2  # the first crop of each of the two tracks
    assert all(Path(p).is_relative_to(snapshot_dir) for p in images)
    assert _new_image_files(working_folders["cwd"], before) == []
    assert _new_image_files(working_folders["tmp"], before) == []
    assert _database_findings() == []


def _broker_values(client: redis.Redis):
    """(key, value bytes) of every value in the broker's database, whatever its type."""
    for key in client.scan_iter(count=500):
        kind = client.type(key).decode()
        if kind == "string":
            yield key.decode(), client.get(key)
        elif kind == "list":
            yield from ((key.decode(), v) for v in client.lrange(key, 0, -1))
        elif kind == "hash":
            yield from ((key.decode(), v) for v in client.hvals(key))
        elif kind == "set":
            yield from ((key.decode(), v) for v in client.smembers(key))
        elif kind == "zset":
            yield from ((key.decode(), v) for v in client.zrange(key, 0, -1))


def _faces_in(jpeg: bytes) -> int:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[1] > 100, "the preview is not a picture"
    return len(detector_create("haar", detection_width=640, min_face_size=24).detect(image))


def _broker_findings(client: redis.Redis, settings, camera_id: int) -> list[str]:
    findings = []
    preview_key = PREVIEW_KEY.format(camera_id)
    for key, value in _broker_values(client):
        if key == preview_key:
            ttl = client.ttl(key)
            if not 0 < ttl <= settings.PRIVACY_PREVIEW_SECONDS:
                findings.append(f"{key}: preview without a short expiry (ttl {ttl})")
            if _faces_in(value):
                findings.append(f"{key}: a face is recognisable in the preview")
        elif _suspicious(value):
            findings.append(f"{key}: {_suspicious(value)}")
    return findings


@pytest.fixture
def broker(settings):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require_service(f"Redis at {settings.CELERY_BROKER_URL}: {exc}")
    client.flushdb()  # the test's own Redis database (CELERY_BROKER_URL)
    yield client
    client.flushdb()


def test_it_stores_no_image_data_with_the_preview_in_use(two_faces_video, working_folders, settings, caplog,
                                                         broker):
    settings.DEBUG_SNAPSHOTS = False
    settings.PRIVACY_PREVIEW_URL = ""  # the broker
    before = {p for f in working_folders.values() for p in f.rglob("*")}
    camera = CameraFactory(source=str(two_faces_video.path),
                           privacy_zones=[{"kind": "exclude", "points": [[0, 0], [1, 0], [1, 0.45], [0, 0.45]]}])
    preview_request(camera.pk)  # staff opened the preview page
    with caplog.at_level(logging.DEBUG):
        stats = camera_segment_run(camera_id=camera.pk, segment_id="s1", max_seconds=60)
    assert stats.events_written > 0
    preview = broker.get(PREVIEW_KEY.format(camera.pk))
    assert preview is not None  # the preview really was in use

    # The check can fail: the same frame unblurred shows both faces to the same detector.
    capture = cv2.VideoCapture(str(two_faces_video.path))
    ok, frame = capture.read()
    capture.release()
    assert ok and _faces_in(cv2.imencode(".jpg", frame)[1].tobytes()) == 2

    assert _broker_findings(broker, settings, camera.pk) == []
    assert _database_findings() == []
    for folder in working_folders.values():
        assert _new_image_files(folder, before) == []
    for record in caplog.records:
        assert _suspicious(record.getMessage()) is None, record.getMessage()[:200]
