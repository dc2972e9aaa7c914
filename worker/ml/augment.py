"""Training-time augmentation of a batch of model inputs (N, 48, 48, 1) in [0, 1].

Plain TensorFlow ops that run inside the tf.data pipeline, batch at a time:
- one affine warp per face that combines mirror, rotation, shift and zoom
  (one resampling instead of one per Keras preprocessing layer: 3x cheaper,
  and one interpolation blurs less);
- brightness and contrast jitter, because museum cameras see every lighting;
- random erasing of a patch, so that the network cannot lean on one region
  (a hand over the mouth, glasses, a cropped forehead); it is the main guard
  against over-fitting on long runs;
- optionally (`camera`, off by default), what a camera does to a face that
  scene evaluation showed costs accuracy: out-of-focus blur, and a face
  captured small and enlarged to 48x48.
Only training uses this; inference sees the plain preprocessed crop.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import tensorflow as tf


@dataclass(frozen=True)
class AugmentConfig:
    rotation_degrees: float = 15.0
    shift: float = 0.1  # fraction of the side
    zoom: float = 0.1  # scale in [1 - zoom, 1 + zoom]
    brightness: float = 0.1  # added, in input units
    contrast: float = 0.2  # scale around each face's mean in [1 - c, 1 + c]
    erase_probability: float = 0.5
    erase_area: tuple[float, float] = (0.02, 0.2)  # fraction of the face
    erase_aspect: tuple[float, float] = (0.3, 3.3)
    camera: float = 0.0  # probability of each camera effect (blur, captured small) per face
    blur_sigma: float = 1.2  # strongest blur, in pixels of the 48x48 face
    small_side: tuple[int, int] = (20, 40)  # a face captured this many pixels wide, enlarged to 48


def _gaussian_kernel(sigma: float) -> tf.Tensor:
    radius = max(1, int(math.ceil(2 * sigma)))
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    weights = tf.exp(-(x**2) / (2 * sigma**2))
    weights /= tf.reduce_sum(weights)
    return tf.reshape(weights[:, None] * weights[None, :], [2 * radius + 1, 2 * radius + 1, 1, 1])


def _camera(images: tf.Tensor, config: AugmentConfig) -> tf.Tensor:
    """Blur of random strength on some faces, and a random 'captured small' size on others."""
    n, size = tf.shape(images)[0], tf.shape(images)[1:3]
    blurred = tf.nn.conv2d(images, _gaussian_kernel(config.blur_sigma), strides=1, padding="SAME")
    strength = tf.random.uniform([n, 1, 1, 1]) * tf.cast(tf.random.uniform([n, 1, 1, 1]) < config.camera, tf.float32)
    images = images + strength * (blurred - images)
    side = tf.random.uniform([], config.small_side[0], config.small_side[1] + 1, dtype=tf.int32)
    small = tf.image.resize(tf.image.resize(images, [side, side], method="area"), size, method="bilinear")
    chosen = tf.random.uniform([n, 1, 1, 1]) < config.camera
    return tf.where(chosen, small, images)


def _affine(images: tf.Tensor, config: AugmentConfig) -> tf.Tensor:
    n = tf.shape(images)[0]
    size = tf.cast(tf.shape(images)[1], tf.float32)
    angle = tf.random.uniform([n], -config.rotation_degrees, config.rotation_degrees) * (math.pi / 180)
    scale = tf.random.uniform([n], 1 - config.zoom, 1 + config.zoom)
    mirror = tf.where(tf.random.uniform([n]) < 0.5, -1.0, 1.0)
    shift_x = tf.random.uniform([n], -config.shift, config.shift) * size
    shift_y = tf.random.uniform([n], -config.shift, config.shift) * size
    centre = (size - 1) / 2
    # The transform maps each output pixel to the input pixel it samples:
    # input = mirror . rotate(-angle) . scale(1/s) . (output - centre - shift) + centre.
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    a0, a1, b0, b1 = cos * mirror, -sin * mirror, sin, cos
    a2 = centre - a0 * (centre + shift_x) - a1 * (centre + shift_y)
    b2 = centre - b0 * (centre + shift_x) - b1 * (centre + shift_y)
    zeros = tf.zeros([n])
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=tf.shape(images)[1:3],
        fill_value=0.0, interpolation="BILINEAR", fill_mode="REFLECT",
    )


def _photometric(images: tf.Tensor, config: AugmentConfig) -> tf.Tensor:
    n = tf.shape(images)[0]
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    contrast = tf.random.uniform([n, 1, 1, 1], 1 - config.contrast, 1 + config.contrast)
    brightness = tf.random.uniform([n, 1, 1, 1], -config.brightness, config.brightness)
    return tf.clip_by_value((images - mean) * contrast + mean + brightness, 0.0, 1.0)


def _erase(images: tf.Tensor, config: AugmentConfig) -> tf.Tensor:
    n, height, width = tf.shape(images)[0], tf.shape(images)[1], tf.shape(images)[2]
    h_f, w_f = tf.cast(height, tf.float32), tf.cast(width, tf.float32)
    area = tf.random.uniform([n], *config.erase_area) * h_f * w_f
    log_aspect = tf.random.uniform([n], math.log(config.erase_aspect[0]), math.log(config.erase_aspect[1]))
    aspect = tf.exp(log_aspect)
    box_h = tf.minimum(tf.sqrt(area * aspect), h_f)
    box_w = tf.minimum(tf.sqrt(area / aspect), w_f)
    top = tf.random.uniform([n]) * (h_f - box_h)
    left = tf.random.uniform([n]) * (w_f - box_w)
    rows = tf.cast(tf.range(height), tf.float32)[None, :, None]
    cols = tf.cast(tf.range(width), tf.float32)[None, None, :]
    inside = (
        (rows >= top[:, None, None]) & (rows < (top + box_h)[:, None, None])
        & (cols >= left[:, None, None]) & (cols < (left + box_w)[:, None, None])
    )
    chosen = tf.random.uniform([n, 1, 1]) < config.erase_probability
    mask = tf.expand_dims(inside & chosen, -1)
    noise = tf.random.uniform(tf.shape(images))
    return tf.where(mask, noise, images)


def augment_batch(images: tf.Tensor, config: AugmentConfig = AugmentConfig()) -> tf.Tensor:
    images = tf.convert_to_tensor(images, tf.float32)
    if config.camera > 0:
        images = _camera(images, config)
    return _erase(_photometric(_affine(images, config), config), config)
