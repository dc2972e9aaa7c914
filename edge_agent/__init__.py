"""The edge agent: one camera's pipeline on a small box, results to the server's ingest API.

Runs the server's own pipeline core (worker.pipeline, worker.ml.classifier,
emotions' plain modules) without Django; see docs/edge.md.
"""

VERSION = "1.0.0"
