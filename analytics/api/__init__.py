"""The REST API (Django REST framework): analytics JSON, events, and camera/location admin."""
