"""Turning raw events into the six typed memory stores."""
