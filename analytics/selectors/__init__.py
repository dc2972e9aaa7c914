"""Reads for reports and the API: aggregations run in SQL, never per row in Python."""
