"""The programme's rules as plain Python: no Qt, no SQL, no I/O.

Everything here is shared by the till and the central server, so both sides can never
disagree about what a sale earns or may spend.
"""
