"""The people at the till: roles, PINs, lockouts and a manager's approval.

A PIN is never stored. Both the server and the till keep what a slow salted hash of it
(scrypt) lets them keep:

- the server keeps the hash itself, the staff member's *key*;
- a till keeps only the key's SHA-256, the *verifier*: enough to check a PIN typed on the
  till while offline, not enough to sign anything.

A manager's approval is an HMAC of what was approved under the key. The till can make
one only while the manager types the PIN (the key is derived then and forgotten), and
the server, which holds the key, checks it. A till token alone therefore cannot approve a
correction. Whoever holds a till's database can still guess PINs against the verifier at
the speed scrypt allows; docs/security.md says what bounds that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bonuspos.domain.errors import InvalidInput


class Role(StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"


class Action(StrEnum):
    """What a manager may be asked to approve, and what the audit trail records."""

    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    PIN_FAILED = "pin_failed"
    LOCKED_OUT = "locked_out"
    TILL_LOCKED = "till_locked"
    RETURN = "return"
    CORRECTION = "correction"
    CART_CANCELLED = "cart_cancelled"
    SPEND = "spend"
    APPROVAL = "approval"
    APPROVAL_REFUSED = "approval_refused"
    DAY_CLOSED = "day_closed"


MIN_PIN = {Role.CASHIER: 4, Role.MANAGER: 6}
MAX_PIN = 8
MAX_NAME = 120


def check_new_pin(pin: str, role: Role) -> str:
    """A PIN a person may choose: digits only, 4–8 (a manager's at least 6)."""
    shortest = MIN_PIN[role]
    if not pin.isascii() or not pin.isdigit() or not shortest <= len(pin) <= MAX_PIN:
        raise InvalidInput(
            f"PIN: от {shortest} до {MAX_PIN} цифр",
            "pin-length",
            {"shortest": shortest, "longest": MAX_PIN},
        )
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise InvalidInput("PIN слишком простой: не одна цифра подряд и не 1234…", "pin-too-simple")
    return pin


def check_name(full_name: str) -> str:
    name = " ".join(full_name.split())
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput(
            f"Имя сотрудника: от 1 до {MAX_NAME} печатных знаков",
            "staff-name-length",
            {"longest": MAX_NAME},
        )
    return name


# --- the slow hash ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KdfParams:
    """scrypt's cost and the salt, as `scrypt$N$r$p$salt` (salt in URL-safe base64)."""

    salt: bytes
    n: int = 2**14
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        # Bounded both ways: a feed cannot make a till spend a gigabyte on one PIN, nor
        # weaken the hash below what the programme allows.
        if not (2**12 <= self.n <= 2**17 and self.n & (self.n - 1) == 0):
            raise InvalidInput("Параметры PIN повреждены: N", "pin-params-damaged")
        if not (1 <= self.r <= 16 and 1 <= self.p <= 4 and 16 <= len(self.salt) <= 64):
            raise InvalidInput("Параметры PIN повреждены", "pin-params-damaged")

    def encode(self) -> str:
        salt = base64.urlsafe_b64encode(self.salt).decode().rstrip("=")
        return f"scrypt${self.n}${self.r}${self.p}${salt}"

    @classmethod
    def decode(cls, text: str) -> KdfParams:
        try:
            name, n, r, p, salt = text.split("$")
            if name != "scrypt":
                raise ValueError(name)
            raw = base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))
            return cls(raw, int(n), int(r), int(p))
        except (ValueError, TypeError) as exc:
            raise InvalidInput("Параметры PIN повреждены", "pin-params-damaged") from exc

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(secrets.token_bytes(16))


def derive_key(pin: str, params: KdfParams) -> bytes:
    return hashlib.scrypt(
        pin.encode(),
        salt=params.salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=256 * params.n * params.r * params.p,
        dklen=32,
    )


def verifier_of(key: bytes) -> str:
    return hashlib.sha256(b"bonuspos-pin-verifier/1" + key).hexdigest()


@dataclass(frozen=True, slots=True)
class PinRecord:
    """What a till keeps of a PIN: the parameters and the verifier."""

    kdf: str
    verifier: str


def new_pin(pin: str, role: Role) -> tuple[PinRecord, bytes]:
    """A fresh salt for `pin`: the record for tills and the key for the server."""
    params = KdfParams.fresh()
    key = derive_key(check_new_pin(pin, role), params)
    return PinRecord(params.encode(), verifier_of(key)), key


def key_if_right(pin: str, record: PinRecord) -> bytes | None:
    """The key when `pin` is this person's PIN, else None; compared in constant time."""
    if not pin.isascii() or not pin.isdigit() or len(pin) > MAX_PIN:
        return None
    key = derive_key(pin, KdfParams.decode(record.kdf))
    return key if hmac.compare_digest(verifier_of(key), record.verifier) else None


# --- lockout ------------------------------------------------------------------------------


def locked_until(
    failures: int, last_failure: datetime, attempts: int, lockout: timedelta
) -> datetime | None:
    """After `attempts` wrong PINs in a row the person is locked for `lockout`."""
    return last_failure + lockout if failures >= attempts else None


# --- approvals ----------------------------------------------------------------------------

APPROVAL_VERSION = "bonuspos-approval/1"


def approval_message(
    action: Action,
    *,
    store: str,
    till: str,
    approver_id: str,
    subject: str,
    approved_at: str,
    details: Sequence[str] = (),
) -> bytes:
    """The bytes a manager's approval signs: one field per line, newlines escaped."""
    fields = [APPROVAL_VERSION, action.value, store, till, approver_id, subject, approved_at]
    fields.extend(details)
    return "\n".join(f.replace("\\", "\\\\").replace("\n", "\\n") for f in fields).encode()


def approval_mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def approval_holds(key: bytes, message: bytes, mac: str) -> bool:
    return hmac.compare_digest(approval_mac(key, message), mac)


def correction_details(customer_uid: str, points: int, reason: str) -> tuple[str, ...]:
    """What a correction's approval binds besides its id: the card, the amount and why."""
    return (customer_uid, str(points), reason)


def return_details(sale_id: str) -> tuple[str, ...]:
    return (sale_id,)


def spend_details(customer_uid: str, points: int) -> tuple[str, ...]:
    """A spend above the verification threshold: whose card, how many points."""
    return (customer_uid, str(points))
