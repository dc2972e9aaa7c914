"""The model the server says is active, downloaded once, checked, kept; the last good one if not.

    cache/models/<sha256>/  spec.json, labels.txt, model_<variant>.tflite
    cache/models/<sha256>/server.json   the server's ModelVersion id and name for it
    cache/models/current    the sha256 of the last model that loaded

A download is accepted only when its size and SHA-256 match what the server
announced and the classifier loads it; anything else leaves the last good model
in use (and the agent says why in its log and heartbeat).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from edge_agent.client import ServerClient, ServerUnreachable
from emotions import model_artifact
from worker.ml.classifier import EmotionClassifier

log = logging.getLogger(__name__)


SERVER_FILE = "server.json"


class NoModel(Exception):
    """No model from the server and none cached."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ModelCache:
    def __init__(self, root: Path, *, num_threads: int | None = 1, tta: bool | None = None):
        self.root = Path(root) / "models"
        self.root.mkdir(parents=True, exist_ok=True)
        self.classifier_options = {"num_threads": num_threads, "tta": tta}
        self.problem = ""  # why the server's model is not the one in use, if it isn't

    def _load(self, sha256: str) -> EmotionClassifier:
        folder = self.root / sha256
        spec = model_artifact.read_spec(folder)
        model_file = model_artifact.tflite_path(folder, spec.get("default_variant") or "float")
        if not model_file.is_file() or _sha256(model_file) != sha256:
            raise model_artifact.ArtifactError(f"{model_file}: checksum differs from {sha256}")
        classifier = EmotionClassifier(folder, **self.classifier_options)
        classifier.sha256 = sha256
        origin = folder / SERVER_FILE  # which ModelVersion on the server: rows record it, offline too
        if origin.is_file():
            classifier.model_version_id = json.loads(origin.read_text()).get("model_version")
        return classifier

    def _download(self, client: ServerClient, meta: dict) -> None:
        sha256, spec = meta["sha256"], meta["spec"]
        answer = client.get_file(meta["file_url"])
        if answer.status != 200 or not isinstance(answer.body, bytes):
            raise model_artifact.ArtifactError(f"model download: HTTP {answer.status} {answer.body!r:.200}")
        got = hashlib.sha256(answer.body).hexdigest()
        if got != sha256 or len(answer.body) != meta["size"]:
            raise model_artifact.ArtifactError(
                f"model download corrupt: {len(answer.body)} bytes with SHA-256 {got}, "
                f"announced {meta['size']} bytes with {sha256}")
        staging = self.root / f".{sha256}.part"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        (staging / model_artifact.TFLITE_FILES[spec.get("default_variant") or "float"]).write_bytes(answer.body)
        model_artifact.write_json(staging / model_artifact.SPEC_FILE, spec)
        (staging / model_artifact.LABELS_FILE).write_text("\n".join(spec["labels"]) + "\n", encoding="utf-8")
        model_artifact.write_json(staging / SERVER_FILE, {"model_version": meta.get("model_version"),
                                                          "name": meta.get("name")})
        shutil.rmtree(self.root / sha256, ignore_errors=True)
        os.replace(staging, self.root / sha256)

    def _remember(self, sha256: str) -> None:
        tmp = self.root / "current.tmp"
        tmp.write_text(sha256)
        os.replace(tmp, self.root / "current")

    def _last_good(self) -> EmotionClassifier:
        current = self.root / "current"
        if not current.is_file():
            raise NoModel(f"no model cached in {self.root} and the server's is unavailable: {self.problem}")
        return self._load(current.read_text().strip())

    def classifier(self, client: ServerClient) -> EmotionClassifier:
        """The server's active model (downloaded if new), else the last good cached one."""
        try:
            answer = client.get_json("/api/device/model/")
            if answer.status != 200:
                raise model_artifact.ArtifactError(f"model info: HTTP {answer.status} {json.dumps(answer.body)[:200]}")
            meta = answer.body
            try:
                classifier = self._load(meta["sha256"])
            except model_artifact.ArtifactError:  # not cached yet, or the cached copy is damaged
                log.info("downloading model %s (%s, %d bytes)", meta["name"], meta["variant"], meta["size"])
                self._download(client, meta)
                classifier = self._load(meta["sha256"])
        except (ServerUnreachable, model_artifact.ArtifactError, KeyError, TypeError, ValueError) as exc:
            self.problem = f"{type(exc).__name__}: {exc}"
            log.warning("using the last good model: %s", self.problem)
            return self._last_good()
        classifier.model_version_id = meta.get("model_version") or classifier.model_version_id
        self._remember(meta["sha256"])
        self.problem = ""
        return classifier
