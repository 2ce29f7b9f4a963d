"""`bonuspos demo`: the whole flow on a fresh machine, sync included.

`server` starts a local demo server with a demo catalog and demo customers; `gui` opens
the till's screens against it; `walkthrough` is the same story told in the terminal.
"""
