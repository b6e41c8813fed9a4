"""Chat transcript importers: each parses a whole file or raises, so nothing is half-imported."""
