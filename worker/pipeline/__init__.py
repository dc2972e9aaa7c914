"""The camera pipeline: reader -> detector -> tracker -> classifier -> recorder.

One `FacePipeline` object (pipeline.py) is driven by `run_camera`, the Celery
segment task (through runner.camera_segment_run) and `detect_emotions`.
"""
