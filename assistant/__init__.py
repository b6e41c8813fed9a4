"""The core of the memory assistant. It never imports Qt; the UI reaches it through `assistant.api`."""

__version__ = "0.1.0"
