"""The central sync server: one authoritative balance for the whole chain (protocol v1)."""

__version__ = "0.1.0"
