"""The domain's exceptions, each with a stable code and a message a cashier can read.

    DomainError
     ├── InvalidInput             malformed amounts, phones, quantities
     │    ├── InvalidAmount
     │    └── InvalidCardNumber
     └── RuleViolation            well-formed input the programme's rules forbid
          └── SpendRefused        more points than the cap, or points where none may go

The message is Russian because cashiers read it; `code` is what programs compare.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the rules raise."""

    code = "domain-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    code = "invalid-input"


class InvalidAmount(InvalidInput):
    code = "invalid-amount"


class InvalidCardNumber(InvalidInput):
    code = "invalid-card-number"


class RuleViolation(DomainError):
    code = "rule-violation"


class SpendRefused(RuleViolation):
    code = "spend-refused"
