"""Training-time augmentation of a batch of model inputs (N, 48, 48, 1) in [0, 1].

Plain TensorFlow ops that run inside the tf.data pipeline, batch at a time:
- one affine warp per face that combines mirror, rotation, shift and zoom
  (one resampling instead of one per Keras preprocessing layer: 3x cheaper,
  and one interpolation blurs less);
- brightness and contrast jitter, because museum cameras see every lighting;
- random erasing of a patch, so that the network cannot lean on one region
  (a hand over the mouth, glasses, a cropped forehead); it is the main guard
  against over-fitting on long runs.
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
    return _erase(_photometric(_affine(images, config), config), config)
