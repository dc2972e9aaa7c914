"""Tiny generated datasets (both layouts) and the locations of the shipped model and FER-2013."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from django.conf import settings

from emotions.labels import EMOTIONS, FER2013_CSV_IDS
from worker.ml.active import reset_active_classifier

CSV_ID_OF = {label: i for i, label in FER2013_CSV_IDS.items()}
FER2013_DIR = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "fer2013"


def face_like(label_id: int, rng: np.random.Generator, size: int = 48) -> np.ndarray:
    """A gray image whose brightness pattern depends on the class (learnable, not a face)."""
    image = rng.integers(0, 60, (size, size)).astype(np.uint8)
    band = size // len(EMOTIONS)
    image[:, label_id * band : (label_id + 1) * band] += 150
    return image


def write_folder_dataset(root: Path, per_class: int = 6, seed: int = 0) -> Path:
    """One folder per emotion; a mix of sizes and formats (gray/BGR, png/jpg) like real uploads."""
    rng = np.random.default_rng(seed)
    for label_id, label in enumerate(EMOTIONS):
        folder = root / label
        folder.mkdir(parents=True)
        for i in range(per_class):
            image = face_like(label_id, rng, size=48 if i % 3 else 96)
            if i % 2:
                image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
            cv2.imwrite(str(folder / f"{label}_{i}.{'png' if i % 2 else 'jpg'}"), image)
    return root


def write_csv_dataset(path: Path, per_class: int = 6, usage: bool = True, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    lines = ["emotion,pixels,Usage" if usage else "emotion,pixels"]
    for label_id, label in enumerate(EMOTIONS):
        for i in range(per_class):
            pixels = " ".join(str(v) for v in face_like(label_id, rng).ravel())
            split = "PublicTest" if i < 2 else "Training"
            lines.append(f"{CSV_ID_OF[label]},{pixels},{split}" if usage else f"{CSV_ID_OF[label]},{pixels}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def folder_dataset(tmp_path) -> Path:
    return write_folder_dataset(tmp_path / "faces")


@pytest.fixture
def csv_dataset(tmp_path) -> Path:
    return write_csv_dataset(tmp_path / "fer2013.csv")


@pytest.fixture
def shipped_model_dir() -> Path:
    return Path(settings.SHIPPED_MODEL_DIR)


@pytest.fixture
def fresh_process_classifier():
    """A test that loads the process-wide classifier starts and ends without one."""
    reset_active_classifier()
    yield
    reset_active_classifier()
