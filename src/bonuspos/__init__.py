"""BonusPOS: the offline-first till of the favourite customer card programme."""

__version__ = "0.1.0"
