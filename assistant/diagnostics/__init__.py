"""What the app reports about itself: the status report, which build this is, and its log file."""
