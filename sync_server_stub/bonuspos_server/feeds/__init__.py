"""The changes feed tills fill and refresh their cache from."""
