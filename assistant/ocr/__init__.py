"""Optical character recognition behind a small interface."""
