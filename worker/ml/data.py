"""Loading labelled face datasets: a folder per emotion, or Kaggle's fer2013.csv.

Every image goes through `preprocessing.crops_to_gray`, so a dataset is a uint8
array (N, 48, 48) plus label ids in `EMOTIONS` order. Unreadable images are
reported (`Dataset.skipped`) and left out; structural problems raise
`DatasetError` with a message that says what to fix.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from emotions.labels import EMOTIONS, FER2013_CSV_IDS
from worker.ml.preprocessing import MODEL_INPUT_SIZE, PreprocessingError, crop_to_gray

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm"}
CSV_REQUIRED_COLUMNS = ("emotion", "pixels")


class DatasetError(ValueError):
    """A dataset that cannot be used as given (message says why and what to do)."""


@dataclass
class Dataset:
    images: np.ndarray  # uint8 (N, size, size)
    labels: np.ndarray  # int64 (N,), index into EMOTIONS
    source: str
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file or row, reason)

    def __len__(self) -> int:
        return len(self.labels)

    def class_counts(self) -> dict[str, int]:
        counts = np.bincount(self.labels, minlength=len(EMOTIONS))
        return {label: int(n) for label, n in zip(EMOTIONS, counts)}

    def subset(self, index: np.ndarray, source: str) -> Dataset:
        return Dataset(self.images[index], self.labels[index], source, [])


def read_image(path: Path) -> np.ndarray:
    """Decode an image file as stored (gray, BGR or BGRA); raise ValueError if unreadable."""
    data = np.fromfile(str(path), dtype=np.uint8)
    if data.size == 0:
        raise ValueError("empty file")
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError("not a readable image")
    return image


def image_files(folder: Path) -> list[Path]:
    """Image files under folder, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)


def _class_folders(root: Path) -> dict[str, Path]:
    by_name = {p.name.lower(): p for p in root.iterdir() if p.is_dir()}
    missing = [label for label in EMOTIONS if label not in by_name]
    if missing:
        raise DatasetError(
            f"dataset folder {root} lacks class folder(s): {', '.join(missing)} "
            f"(expected one sub-folder per emotion: {' '.join(EMOTIONS)})"
        )
    return {label: by_name[label] for label in EMOTIONS}


def load_folder(root: Path, size: int = MODEL_INPUT_SIZE, limit_per_class: int | None = None) -> Dataset:
    """A folder with one sub-folder per emotion -> Dataset; corrupt images are skipped and reported."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"dataset folder not found: {root}")
    images: list[np.ndarray] = []
    labels: list[int] = []
    skipped: list[tuple[str, str]] = []
    for label_id, (label, folder) in enumerate(_class_folders(root).items()):
        files = image_files(folder)
        if limit_per_class is not None:
            files = files[:limit_per_class]
        for path in files:
            try:
                images.append(crop_to_gray(read_image(path), size))
            except (ValueError, PreprocessingError, cv2.error) as exc:
                skipped.append((str(path), str(exc)))
                continue
            labels.append(label_id)
    if not labels:
        raise DatasetError(f"dataset folder {root} holds no readable images in its class folders")
    return Dataset(np.stack(images), np.asarray(labels, dtype=np.int64), str(root), skipped)


def load_fer2013_csv(
    path: Path, size: int = MODEL_INPUT_SIZE, limit_per_class: int | None = None
) -> dict[str, Dataset]:
    """Kaggle fer2013.csv (emotion,pixels[,Usage]) -> {usage: Dataset}; usage 'all' without a Usage column."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"CSV file not found: {path}")
    rows: dict[str, tuple[list[np.ndarray], list[int]]] = {}
    skipped: list[tuple[str, str]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        missing = [c for c in CSV_REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise DatasetError(
                f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(columns) or 'none'} "
                "(expected Kaggle's fer2013.csv: emotion,pixels,Usage)"
            )
        reader.fieldnames = columns
        has_usage = "Usage" in columns
        seen: dict[int, int] = {}
        for line_no, row in enumerate(reader, start=2):
            where = f"{path}:{line_no}"
            try:
                label_id = EMOTIONS.index(FER2013_CSV_IDS[int(row["emotion"])])
                pixels = np.array(row["pixels"].split(), dtype=np.int64)
                side = int(round(len(pixels) ** 0.5))
                if len(pixels) == 0 or side * side != len(pixels) or pixels.min() < 0 or pixels.max() > 255:
                    raise ValueError(f"pixels must be a square count of 0-255 values, got {len(pixels)} values")
                image = crop_to_gray(pixels.astype(np.uint8).reshape(side, side), size)
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                skipped.append((where, f"bad row: {exc}"))
                continue
            if limit_per_class is not None:
                if seen.get(label_id, 0) >= limit_per_class:
                    continue
                seen[label_id] = seen.get(label_id, 0) + 1
            usage = (row.get("Usage") or "").strip() if has_usage else "all"
            images, labels = rows.setdefault(usage, ([], []))
            images.append(image)
            labels.append(label_id)
    if not rows:
        raise DatasetError(f"{path} holds no usable rows")
    datasets = {
        usage: Dataset(np.stack(images), np.asarray(labels, dtype=np.int64), f"{path} ({usage})", [])
        for usage, (images, labels) in rows.items()
    }
    for dataset in datasets.values():
        dataset.skipped = skipped  # reported once per file, whichever split is looked at
    return datasets


def stratified_split(dataset: Dataset, fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    """Seeded stratified split -> (train, validation); every class keeps >= 1 training image."""
    rng = np.random.default_rng(seed)
    train_idx: list[np.ndarray] = []
    val_idx: list[np.ndarray] = []
    for label_id in range(len(EMOTIONS)):
        index = np.flatnonzero(dataset.labels == label_id)
        rng.shuffle(index)
        n_val = int(round(len(index) * fraction))
        n_val = min(n_val, max(len(index) - 1, 0))
        val_idx.append(index[:n_val])
        train_idx.append(index[n_val:])
    train, val = np.sort(np.concatenate(train_idx)), np.sort(np.concatenate(val_idx))
    if len(val) == 0:
        raise DatasetError(f"{dataset.source}: too few images for a validation split; pass --val")
    return (
        dataset.subset(train, f"{dataset.source} (train split, seed {seed})"),
        dataset.subset(val, f"{dataset.source} (validation split {fraction:.0%}, seed {seed})"),
    )


def load_folder_cached(
    root: Path, size: int = MODEL_INPUT_SIZE, limit_per_class: int | None = None, cache_dir: Path | None = None
) -> Dataset:
    if cache_dir is None or not Path(root).is_dir():
        return load_folder(root, size, limit_per_class)
    key = f"folder-{dataset_fingerprint(root)}-{size}-{limit_per_class or 'all'}"
    return cached(cache_dir, key, lambda: load_folder(root, size, limit_per_class))


def load_labelled(
    path: Path, size: int = MODEL_INPUT_SIZE, limit_per_class: int | None = None, cache_dir: Path | None = None
) -> Dataset:
    """One labelled set for evaluation: a class-folder tree, or a CSV (its PublicTest rows, else all)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        splits = load_fer2013_csv(path, size, limit_per_class)
        for usage in ("PublicTest", "all"):
            if usage in splits:
                return splits[usage]
        raise DatasetError(f"{path}: no PublicTest rows to evaluate on (found {', '.join(splits)})")
    return load_folder_cached(path, size, limit_per_class, cache_dir)


def load_training_data(
    data: Path,
    val: Path | None = None,
    *,
    seed: int = 1337,
    val_fraction: float = 0.1,
    size: int = MODEL_INPUT_SIZE,
    limit_per_class: int | None = None,
    cache_dir: Path | None = None,
) -> tuple[Dataset, Dataset]:
    """(train, validation) from --data [--val] as the retrain command describes."""
    data = Path(data)
    if not data.exists():
        raise DatasetError(f"dataset not found: {data}")
    if data.is_file():
        splits = load_fer2013_csv(data, size, limit_per_class)
        if "Training" in splits:
            train = splits["Training"]
            held_out = splits.get("PublicTest")
        else:
            train, held_out = splits.get("all") or next(iter(splits.values())), None
    else:
        train, held_out = load_folder_cached(data, size, limit_per_class, cache_dir), None
    if val is not None:
        validation = load_labelled(Path(val), size, cache_dir=cache_dir)
    elif held_out is not None:
        validation = held_out
    else:
        skipped = train.skipped
        train, validation = stratified_split(train, val_fraction, seed)
        train.skipped = skipped
    _require_all_classes(train)
    return train, validation


def _require_all_classes(train: Dataset) -> None:
    empty = [label for label, n in train.class_counts().items() if n == 0]
    if empty:
        raise DatasetError(f"{train.source}: no training images for {', '.join(empty)}")


def dataset_fingerprint(path: Path) -> str:
    """Changes when any file under path (or the file itself) changes: the cache key."""
    path = Path(path).resolve()
    digest = hashlib.sha1(str(path).encode())
    entries = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for entry in entries:
        stat = entry.stat()
        digest.update(f"{entry}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def cached(cache_dir: Path | None, key: str, build) -> Dataset:
    """Decode once: keep the uint8 arrays in cache_dir (var/, never committed)."""
    if cache_dir is None:
        return build()
    file = Path(cache_dir) / f"{key}.npz"
    if file.exists():
        with np.load(file, allow_pickle=False) as stored:
            skipped = [tuple(item) for item in json.loads(str(stored["skipped"]))]
            return Dataset(stored["images"], stored["labels"], str(stored["source"]), skipped)
    dataset = build()
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(
        tmp,
        images=dataset.images,
        labels=dataset.labels,
        source=np.array(dataset.source),
        skipped=np.array(json.dumps(dataset.skipped)),
    )
    tmp.replace(file)
    return dataset
