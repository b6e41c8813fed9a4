"""Screen capture: grabbing, change detection, window metadata, privacy filters, redaction."""
