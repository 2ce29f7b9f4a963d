"""BonusPOS: the offline-first till of the favourite customer card programme."""

from datetime import date

__version__ = "0.1.0"

# The day this version was released; every release sets it to its own day. A till whose
# clock reads earlier (a PC with a dead CMOS battery boots at 01.01.1970) refuses to
# record sales, returns and sign-ups until the clock is set (bonuspos.domain.clock_rule).
RELEASED = date(2026, 11, 25)
