"""Use cases the screens, the CLI and the demo call: lookup, register, checkout, return.

Headless and Qt-free; each use case is one unit of work.
"""
