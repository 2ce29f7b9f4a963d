"""The domain's exceptions, each with a stable code and a message a cashier can read.

    DomainError
     ├── InvalidInput             malformed amounts, phones, quantities
     │    ├── InvalidAmount
     │    └── InvalidCardNumber
     └── RuleViolation            well-formed input the programme's rules forbid
          └── SpendRefused        more points than the cap, or points where none may go

Three things say what was refused:

- `code`, the class's: the family, published to the server's clients as a problem type
  (`spend-refused`), so it never changes with the wording;
- `reason`, the one check that refused (`spend-over-cap`), and `params`, its figures
  (`cap`, `spend`): what a screen words in its own language;
- `message`, the Russian sentence for logs, the server's `detail` and the callers that
  show it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class DomainError(Exception):
    """Base of every error the rules raise."""

    code = "domain-error"

    def __init__(
        self, message: str, reason: str = "", params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        # A refusal raised without its own reason is known only by its family.
        self.reason = reason or self.code
        self.params: Mapping[str, object] = MappingProxyType(dict(params or {}))


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
