"""Writes for the emotions app, one module per writer.

- legacy_csv: import/export of the prototype's emotion_log.csv
- recording: the camera pipeline's recorder (events and visits)
- ingest: the REST API's bulk ingest for edge devices
- model_versions: registering and activating trained models
"""
