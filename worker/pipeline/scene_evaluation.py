"""End to end on scenes: labelled faces pasted into camera-like frames, through the real detector,
crop and classifier. The core of `manage.py evaluate_model --scenes` (Django-free).

For each scene (`scenes.scenes_build`) the detector runs on the whole frame, as the pipeline's full
scan does; a pasted face is *detected* when a detection box overlaps its square with IoU >= 0.3
(MATCH_IOU; each detection is matched to at most one face, greedily by IoU). A detected face is
cropped by the pipeline's `crop_face` around the matched detection box and classified by
`classifier.classify`, in one batch per frame, as `FacePipeline.process` does. The same faces are
also classified as given (48x48, as plain `evaluate_model` does): the crop-level figures.

Reported: detection recall (overall, per class, per face size, per background); false detections;
how the detector's box sits on the pasted face; accuracy, macro-F1 and per-class figures
- crop level: every face as given;
- given detected: the detected faces, classified from the frame (does the way through the camera
  and the crop cost accuracy?), beside the crop-level figures of those same faces;
- end to end: every face, a face the detector missed counting as wrong (what a staff report sees:
  the visitors it never records are lost to it);
and the same for several crop margins and for an upright crop (the known rotation undone: the
most that aligning faces by the eyes could add).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from emotions import model_artifact
from emotions.labels import EMOTIONS
from worker.ml.evaluate import compute_metrics, metrics_from_predictions
from worker.ml.preprocessing import to_model_input
from worker.pipeline.pipeline import CROP_MARGIN, crop_face
from worker.pipeline.scenes import FACE_SIDES, FRAME_SIZE, MAX_FACES_PER_FRAME, SceneStyle, scenes_build
from worker.pipeline.tracker import iou

MATCH_IOU = 0.3
SIZE_BUCKETS = ((40, 70), (70, 120), (120, 201))  # face side in pixels, [low, high)
ROTATION_BUCKETS = ((0, 4), (4, 8), (8, 90))       # |angle| in degrees, [low, high)
MARGIN_CHOICES = (-0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 0.3)  # measured beside the pipeline's CROP_MARGIN by default
MARGIN_RANGE = (-0.3, 1.0)


def bucket_name(low: int, high: int) -> str:
    return f"{low}-{high - 1} px"


def faces_match(truth: Sequence[tuple], found: Sequence[tuple], threshold: float = MATCH_IOU) -> dict[int, int]:
    """Pasted face index -> detection index: pairs with IoU >= threshold, best first, each used once."""
    pairs = sorted(((iou(t, f), ti, fi) for ti, t in enumerate(truth) for fi, f in enumerate(found)),
                   key=lambda p: (-p[0], p[1], p[2]))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for score, ti, fi in pairs:
        if score < threshold:
            break
        if ti not in matched and fi not in used:
            matched[ti] = fi
            used.add(fi)
    return matched


def upright_crop(image: np.ndarray, box: tuple[int, int, int, int], angle: float, margin: float):
    """The crop with the face's rotation undone about the box centre (what eye alignment would aim at)."""
    x, y, w, h = box
    matrix = cv2.getRotationMatrix2D((x + w / 2.0, y + h / 2.0), -angle, 1.0)
    turned = cv2.warpAffine(image, matrix, (image.shape[1], image.shape[0]), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    return crop_face(turned, box, margin)


def prediction_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: tuple[str, ...] = EMOTIONS) -> dict:
    """compute_metrics' figures from predicted class ids, where -1 is an undetected face."""
    return metrics_from_predictions(y_true, y_pred, labels, missed=True)


def _headline(metrics: dict) -> dict:
    return {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"], "samples": metrics["samples"]}


def _recall(hits: np.ndarray) -> float:
    return round(float(hits.mean()), 4) if hits.size else 0.0


def margins_parse(text: str) -> tuple[float, ...]:
    """'-0.1,0,0.2' -> margins; ValueError naming the bad part."""
    margins = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"margin {part.strip()!r} is not a number") from None
        if not MARGIN_RANGE[0] <= value <= MARGIN_RANGE[1]:
            raise ValueError(f"margin {value} is outside {MARGIN_RANGE[0]}..{MARGIN_RANGE[1]} (a fraction of the box side)")
        margins.append(value)
    return tuple(margins)


def scenes_evaluate(images: np.ndarray, labels: np.ndarray, *, classifier, detector, seed: int = 0,
                    margins: Sequence[float] = MARGIN_CHOICES, paste: str = "ellipse",
                    max_faces: int = MAX_FACES_PER_FRAME, style: SceneStyle = SceneStyle(),
                    progress: Callable[[int, int], None] | None = None) -> dict:
    """Every face of `images` (uint8 (N, 48, 48)) in a scene, through detector, crop and classifier."""
    n = len(labels)
    margins = tuple(dict.fromkeys([CROP_MARGIN, *margins]))  # the pipeline's own margin always, first
    sides = np.zeros(n, int)
    angles = np.zeros(n)
    detected = np.zeros(n, bool)
    box_fit = np.full((n, 3), np.nan)  # detection side / face side, centre offset x and y / face side
    background = np.empty(n, object)
    predicted = {m: np.full(n, -1) for m in margins}
    upright = np.full(n, -1)
    scenes = false_detections = 0
    per_background: dict[str, dict[str, int]] = {}

    for scene in scenes_build(images, seed=seed, paste=paste, max_faces=max_faces, style=style):
        scenes += 1
        found = [d.box for d in detector.detect(scene.image)]
        matched = faces_match([f.box for f in scene.faces], found)
        false_detections += len(found) - len(matched)
        stats = per_background.setdefault(scene.background, {"frames": 0, "false_detections": 0})
        stats["frames"] += 1
        stats["false_detections"] += len(found) - len(matched)
        for face in scene.faces:
            sides[face.face] = face.box[2]
            angles[face.face] = abs(face.angle)
            background[face.face] = scene.background
        hits = [(scene.faces[ti], found[fi]) for ti, fi in matched.items()]
        for face, box in hits:
            detected[face.face] = True
            x, y, side, _ = face.box
            box_fit[face.face] = (box[2] / side, (box[0] + box[2] / 2 - x - side / 2) / side,
                                  (box[1] + box[3] / 2 - y - side / 2) / side)
        for margin in margins:
            _classify(classifier, [(face.face, crop_face(scene.image, box, margin)) for face, box in hits],
                      predicted[margin])
        _classify(classifier, [(face.face, upright_crop(scene.image, box, face.angle, CROP_MARGIN))
                               for face, box in hits], upright)
        if progress is not None and scenes % 50 == 0:
            progress(int((sides > 0).sum()), n)

    crop_scores = classifier.predict_scores(to_model_input(images))
    crop_pred = crop_scores.argmax(axis=1) if n else np.zeros(0, int)
    pipeline_pred = predicted[CROP_MARGIN]
    seen = detected
    result = {
        "faces": n,
        "scenes": scenes,
        "settings": {
            "seed": seed, "frame": list(FRAME_SIZE), "face_sides": list(FACE_SIDES),
            "max_faces_per_frame": max_faces, "paste": paste, "style": style.as_dict(),
            "detector": getattr(detector, "name", type(detector).__name__),
            "detection_width": getattr(detector, "detection_width", None),
            "min_face_size": getattr(detector, "min_face_size", None),
            "crop_margin": CROP_MARGIN,
            "match": f"a detection box with IoU >= {MATCH_IOU} with the face's square, one detection per face",
        },
        "detection": {
            "recall": _recall(detected),
            "detected": int(detected.sum()),
            "false_detections": int(false_detections),
            "false_detections_per_frame": round(false_detections / max(scenes, 1), 4),
            "box_vs_face": {
                "side_ratio_median": _median(box_fit[seen, 0]),
                "centre_offset_x_median": _median(box_fit[seen, 1]),
                "centre_offset_y_median": _median(box_fit[seen, 2]),
            },
            "per_class": {label: _recall(detected[labels == i]) for i, label in enumerate(EMOTIONS)},
            "per_background": {
                kind: {"faces": int((background == kind).sum()), "recall": _recall(detected[background == kind]),
                       **stats}
                for kind, stats in sorted(per_background.items())
            },
        },
        "crop_level": compute_metrics(labels, crop_scores),
        "crop_level_detected": compute_metrics(labels[seen], crop_scores[seen]),
        "given_detected": prediction_metrics(labels[seen], pipeline_pred[seen]),
        "end_to_end": prediction_metrics(labels, pipeline_pred),
        "per_size": {},
        "per_rotation": {},
        "margins": [],
        "upright": {
            "margin": CROP_MARGIN,
            "given_detected": _headline(prediction_metrics(labels[seen], upright[seen])),
            "end_to_end": _headline(prediction_metrics(labels, upright)),
            "vs_pipeline": _paired(labels[seen], upright[seen], pipeline_pred[seen]),
        },
    }
    for low, high in SIZE_BUCKETS:
        inside = (sides >= low) & (sides < high)
        both = inside & seen
        result["per_size"][bucket_name(low, high)] = {
            "faces": int(inside.sum()),
            "detection_recall": _recall(detected[inside]),
            "crop_accuracy": _recall(crop_pred[inside] == labels[inside]),
            "crop_accuracy_detected": _recall(crop_pred[both] == labels[both]),
            "given_detected_accuracy": _recall(pipeline_pred[both] == labels[both]),
            "end_to_end_accuracy": _recall(pipeline_pred[inside] == labels[inside]),
        }
    for low, high in ROTATION_BUCKETS:
        inside = (angles >= low) & (angles < high)
        if not inside.any():
            continue
        both = inside & seen
        result["per_rotation"][f"{low}-{min(high, style.max_rotation):g} deg"] = {
            "faces": int(inside.sum()),
            "detection_recall": _recall(detected[inside]),
            "given_detected_accuracy": _recall(pipeline_pred[both] == labels[both]),
            "upright_given_detected_accuracy": _recall(upright[both] == labels[both]),
        }
    for margin in sorted(margins):
        result["margins"].append({
            "margin": margin,
            "pipeline": margin == CROP_MARGIN,
            "given_detected": _headline(prediction_metrics(labels[seen], predicted[margin][seen])),
            "end_to_end": _headline(prediction_metrics(labels, predicted[margin])),
            "vs_pipeline": _paired(labels[seen], predicted[margin][seen], pipeline_pred[seen]),
        })
    return result


def _paired(y_true: np.ndarray, y_pred: np.ndarray, y_base: np.ndarray) -> dict:
    """Accuracy of y_pred minus y_base on the same faces, in points, with its standard error
    (paired: only the faces on which the two disagree move it)."""
    diff = (y_pred == y_true).astype(float) - (y_base == y_true)
    if diff.size < 2:
        return {"points": 0.0, "se_points": None}
    return {"points": round(100 * float(diff.mean()), 2),
            "se_points": round(100 * float(diff.std(ddof=1)) / diff.size ** 0.5, 2)}


def _classify(classifier, crops: list[tuple[int, np.ndarray | None]], into: np.ndarray) -> None:
    """One batch per frame, as the pipeline classifies a frame's due faces; a crop too small stays -1."""
    crops = [(index, crop) for index, crop in crops if crop is not None]
    if not crops:
        return
    for (index, _), prediction in zip(crops, classifier.classify([crop for _, crop in crops])):
        into[index] = EMOTIONS.index(prediction.label)


def _median(values: np.ndarray) -> float | None:
    return round(float(np.median(values)), 3) if values.size else None


def format_scene_report(result: dict) -> str:
    """The plain-text table `evaluate_model --scenes` prints."""
    s, det = result["settings"], result["detection"]
    fit = det["box_vs_face"]
    lines = [
        f"{result['faces']} faces in {result['scenes']} scenes (seed {s['seed']}, {s['frame'][0]}x{s['frame'][1]}, "
        f"faces {s['face_sides'][0]}-{s['face_sides'][1]} px, rotation +-{s['style']['max_rotation']:g} deg, "
        f"up to {s['max_faces_per_frame']} per frame, paste {s['paste']}); detector {s['detector']}"
        + (f" (width {s['detection_width']}, min face {s['min_face_size']} px)" if s["detection_width"] else ""),
        f"detection recall {det['recall']:.3f} ({det['detected']}/{result['faces']}; detected = {s['match']}); "
        f"{det['false_detections']} false detections ({det['false_detections_per_frame']:.2f} per frame)",
    ]
    if fit["side_ratio_median"] is not None:
        lines.append(f"detector box on the pasted face (median): side x{fit['side_ratio_median']:.2f}, centre offset "
                     f"{fit['centre_offset_x_median']:+.2f}, {fit['centre_offset_y_median']:+.2f} of the face's side")
    lines += [
        "",
        f"  {'':<34} {'accuracy':>8} {'macro-F1':>8} {'faces':>6}",
    ]
    rows = [
        ("crop level (every face, 48x48)", result["crop_level"]),
        ("crop level (the detected faces)", result["crop_level_detected"]),
        (f"given detected (margin {s['crop_margin']:g})", result["given_detected"]),
        ("end to end (missed = wrong)", result["end_to_end"]),
    ]
    for name, metrics in rows:
        lines.append(f"  {name:<34} {metrics['accuracy']:>8.3f} {metrics['macro_f1']:>8.3f} {metrics['samples']:>6}")
    lines += ["", "  per class: recall (and F1) of each figure",
              f"  {'class':<9} {'faces':>5} {'detected':>8} {'crop':>13} {'given det.':>13} {'end to end':>13}"]
    for label in EMOTIONS:
        crop = result["crop_level"]["per_class"][label]
        given = result["given_detected"]["per_class"][label]
        e2e = result["end_to_end"]["per_class"][label]
        lines.append(f"  {label:<9} {crop['support']:>5} {det['per_class'][label]:>8.3f} "
                     + " ".join(f"{m['recall']:>6.3f} ({m['f1']:.3f})" for m in (crop, given, e2e)))
    lines += ["", "  per face size: detection recall and accuracy",
              f"  {'side':<11} {'faces':>5} {'detected':>8} {'crop':>6} {'crop, det.':>10} {'given det.':>10} "
              f"{'end to end':>10}"]
    for name, row in result["per_size"].items():
        lines.append(f"  {name:<11} {row['faces']:>5} {row['detection_recall']:>8.3f} {row['crop_accuracy']:>6.3f} "
                     f"{row['crop_accuracy_detected']:>10.3f} {row['given_detected_accuracy']:>10.3f} "
                     f"{row['end_to_end_accuracy']:>10.3f}")
    lines += ["", "  per rotation (|angle|): detection recall, given-detected accuracy as cropped and upright (oracle)",
              f"  {'rotation':<11} {'faces':>5} {'detected':>8} {'given det.':>10} {'upright':>8}"]
    for name, row in result["per_rotation"].items():
        lines.append(f"  {name:<11} {row['faces']:>5} {row['detection_recall']:>8.3f} "
                     f"{row['given_detected_accuracy']:>10.3f} {row['upright_given_detected_accuracy']:>8.3f}")
    lines += ["", "  per background: detection recall, false detections",
              f"  {'background':<11} {'faces':>5} {'detected':>8} {'frames':>6} {'false':>6}"]
    for kind, row in det["per_background"].items():
        lines.append(f"  {kind:<11} {row['faces']:>5} {row['recall']:>8.3f} {row['frames']:>6} "
                     f"{row['false_detections']:>6}")
    lines += ["", "  crop margin (fraction of the detector's box added on each side)",
              f"  {'margin':<26} {'given det. acc':>14} {'F1':>6} {'end to end acc':>14} {'F1':>6} "
              f"{'vs pipeline':>16}"]
    for row in result["margins"]:
        name = f"{row['margin']:+.2f}" + (" (the pipeline's)" if row["pipeline"] else "")
        lines.append(_margin_line(name, row))
    up = result["upright"]
    lines.append(_margin_line(f"{up['margin']:+.2f} upright (oracle)", up))
    lines.append("  (vs pipeline: given-detected accuracy minus the pipeline margin's on the same faces, points +- one "
                 "standard error; upright: the face's known rotation undone before the crop, the most eye alignment "
                 "could add)")
    return "\n".join(lines)


def _margin_line(name: str, row: dict) -> str:
    given, e2e, paired = row["given_detected"], row["end_to_end"], row["vs_pipeline"]
    versus = "" if paired["se_points"] is None else f"{paired['points']:+.1f} +- {paired['se_points']:.1f}"
    return (f"  {name:<26} {given['accuracy']:>14.3f} {given['macro_f1']:>6.3f} "
            f"{e2e['accuracy']:>14.3f} {e2e['macro_f1']:>6.3f} {versus:>16}")


def scenes_headline(result: dict, model: dict) -> dict:
    """What the model card shows of a scene run: detection, and accuracy end to end beside crop level."""
    def per_class_recall(metrics: dict) -> dict:
        return {label: metrics.get("per_class", {}).get(label, {}).get("recall") for label in EMOTIONS}

    return {
        "dataset": model.get("dataset"), "variant": model.get("variant"), "tta": model.get("tta"),
        "seed": result["settings"]["seed"], "paste": result["settings"]["paste"], "faces": result["faces"],
        "detection_recall": result["detection"]["recall"],
        "false_detections_per_frame": result["detection"]["false_detections_per_frame"],
        **{key: {**_headline(result[key]), "recall": per_class_recall(result[key])}
           for key in ("crop_level", "given_detected", "end_to_end")},
    }


def scenes_record(artifact_dir, result: dict, model: dict) -> None:
    """Store the headline in the artifact's metrics.json under "scenes" (other keys untouched)."""
    metrics = model_artifact.read_metrics(artifact_dir)
    metrics["scenes"] = scenes_headline(result, model)
    model_artifact.write_json(Path(artifact_dir) / model_artifact.METRICS_FILE, metrics)
