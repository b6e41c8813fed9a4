"""The main window's views: ask, search, timeline, memories, settings."""
