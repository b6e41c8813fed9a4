"""Background jobs (APScheduler): capture, consolidation, retention, backups."""
