"""The emotion model: data loading, preprocessing, training, evaluation, export, inference.

Django-free on purpose (edge boxes run it alone). Only `classifier` is needed by
the camera workers, and it imports the light LiteRT runtime, never TensorFlow.
"""
