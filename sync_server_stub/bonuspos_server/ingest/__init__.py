"""Event ingest: a till's batch applied exactly once, every figure re-derived and checked."""
