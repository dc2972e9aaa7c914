"""The network: a VGG-style CNN with BatchNorm, built from TFLite-friendly ops only.

Four blocks of (3x3 conv + BN + ReLU) at 32/64/128/256 channels, one conv in
the 48x48 block and two in the others, with 2x2 max-pooling between them
(48 -> 24 -> 12 -> 6). The full-resolution block has a single conv because
at 48x48 a second one costs ~25% of the compute (training and inference) for
little accuracy. Plain convolutions on purpose: separable ones were seen
crashing TF 2.21 on CPU and are slower here.

Head: the 6x6x256 map is max-pooled to 3x3 and flattened into a 256-unit
hidden layer, not averaged away: faces arrive aligned, so *where* a feature
fires (mouth corners vs brows) carries the expression, and global average
pooling throws that away. It adds ~0.6M parameters and <1% of the compute.
`head="gap"` builds the previous design (global average pooling only).
"""
from __future__ import annotations

import keras
from keras import layers

from worker.ml.preprocessing import MODEL_INPUT_SIZE

DEFAULT_WIDTHS = (32, 64, 128, 256)
DEFAULT_CONVS = (1, 2, 2, 2)  # per block
DEFAULT_HEAD = "pooled-fc"
HEADS = ("pooled-fc", "gap")
HIDDEN_UNITS = 256


def describe(widths: tuple[int, ...] = DEFAULT_WIDTHS, convs: tuple[int, ...] = DEFAULT_CONVS,
             head: str = DEFAULT_HEAD) -> str:
    """The architecture in one line, for spec.json and the model card."""
    blocks = ", ".join(f"{n}x{w}" for w, n in zip(widths, convs))
    tail = (f"max-pool to 3x3, flatten, dropout, dense {HIDDEN_UNITS}+BN+ReLU, dropout" if head == "pooled-fc"
            else "global average pooling, dropout")
    return f"VGG-style CNN: conv3x3+BN+ReLU blocks of {blocks} with max-pool between; {tail}; dense 7 softmax"


def build_model(
    num_classes: int = 7,
    input_size: int = MODEL_INPUT_SIZE,
    widths: tuple[int, ...] = DEFAULT_WIDTHS,
    convs: tuple[int, ...] = DEFAULT_CONVS,
    head: str = DEFAULT_HEAD,
    dropout: float = 0.4,
) -> keras.Model:
    if head not in HEADS:
        raise ValueError(f"unknown head {head!r}: one of {', '.join(HEADS)}")
    inputs = keras.Input((input_size, input_size, 1), name="face")
    x = inputs
    for block, (width, n_convs) in enumerate(zip(widths, convs)):
        for conv in range(n_convs):
            x = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"b{block}_conv{conv}")(x)
            x = layers.BatchNormalization(name=f"b{block}_bn{conv}")(x)
            x = layers.ReLU(name=f"b{block}_relu{conv}")(x)
        if block < len(widths) - 1:
            x = layers.MaxPooling2D(name=f"b{block}_pool")(x)
    if head == "pooled-fc":
        x = layers.MaxPooling2D(name="head_pool")(x)
        x = layers.Flatten(name="head_flatten")(x)
        x = layers.Dropout(dropout, name="head_dropout")(x)
        x = layers.Dense(HIDDEN_UNITS, use_bias=False, name="head_dense")(x)
        x = layers.BatchNormalization(name="head_bn")(x)
        x = layers.ReLU(name="head_relu")(x)
    else:
        x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    # float32 output even under a mixed-precision policy: softmax scores are compared and averaged.
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="scores")(x)
    return keras.Model(inputs, outputs, name="fer_vgg")
