"""The programme's tunable numbers, kept centrally, versioned, and shipped to every till.

A sale records the version it was rung under, so a later change of the cap or the
activation delay never rewrites what an old sale earned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points


def require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(
            f"Время без часового пояса: {at.isoformat()}", "time-without-zone", {"at": at}
        )
    return at


DEFAULT_GRACE = timedelta(hours=24)
DEFAULT_VERIFY_ABOVE = 100_00

# What a manager approves on the spot unless the policy says otherwise (Action values).
DEFAULT_APPROVALS = frozenset({"return", "correction", "cart_cancelled"})
APPROVABLE = DEFAULT_APPROVALS

# Staff rules added after the first policies: a stored policy without them has these.
_STAFF_DEFAULTS: dict[str, int | str] = {
    "pin_attempts": 10,
    "pin_lockout_seconds": 30 * 60,
    "idle_lock_seconds": 5 * 60,
    "correction_limit": 100_00,
    "correction_daily_limit": 500_00,
    "approvals": ",".join(sorted(DEFAULT_APPROVALS)),
}


@dataclass(frozen=True, slots=True)
class Policy:
    version: int = 1
    cap_percent: int = 30
    activation_days: int = 1
    timezone: str = "Europe/Minsk"
    offline_limit: Points = field(default_factory=lambda: Points(50_00))
    hold_ttl: timedelta = timedelta(minutes=10)
    # A till offline over a price change sells at the old tags: the server credits a
    # price list superseded less than this before the sale at that list's figures.
    price_list_grace: timedelta = DEFAULT_GRACE
    # Staff: wrong PINs in a row before a lockout, and how long it lasts; how long an
    # untouched till stays signed in; a manager's corrections per correction and per
    # store day; the actions a manager approves on the spot.
    pin_attempts: int = 10
    pin_lockout: timedelta = timedelta(minutes=30)
    idle_lock: timedelta = timedelta(minutes=5)
    correction_limit: Points = field(default_factory=lambda: Points(100_00))
    correction_daily_limit: Points = field(default_factory=lambda: Points(500_00))
    approvals: frozenset[str] = DEFAULT_APPROVALS
    # A spend of more points than this needs proof that the card's holder is there: the
    # code sent to their phone, or offline their plastic card or a manager's approval.
    verify_spend_above: Points = field(default_factory=lambda: Points(DEFAULT_VERIFY_ABOVE))

    def __post_init__(self) -> None:
        if not 0 <= self.cap_percent <= 100:
            _out_of_range(f"Доля оплаты баллами вне 0–100%: {self.cap_percent}", "cap_percent")
        if self.activation_days < 1:
            # Rule 4: points can never pay on the day they were earned.
            raise InvalidInput(
                "Баллы не могут становиться доступными в день покупки",
                "policy-same-day-points",
                {"activation_days": self.activation_days},
            )
        if not timedelta(0) <= self.price_list_grace <= timedelta(days=31):
            _out_of_range("Срок действия прежнего прейскуранта вне 0–31 дня", "price_list_grace")
        if self.offline_limit.is_negative:
            _out_of_range("Лимит списания без связи не может быть отрицательным", "offline_limit")
        if self.verify_spend_above.is_negative:
            _out_of_range("Порог подтверждения списания не может быть отрицательным", "verify")
        if type(self.version) is not int or self.version < 1:
            _out_of_range(f"Номер версии политики должен быть ≥ 1: {self.version!r}", "version")
        if not 1 <= self.activation_days <= 366:
            _out_of_range(
                f"Срок активации баллов вне 1–366 дней: {self.activation_days}", "activation_days"
            )
        if not 1 <= self.pin_attempts <= 100:
            _out_of_range("Число попыток PIN вне 1–100", "pin_attempts")
        if not timedelta(minutes=1) <= self.pin_lockout <= timedelta(days=1):
            _out_of_range("Блокировка после неверных PIN вне 1 мин – 1 суток", "pin_lockout")
        if not timedelta(seconds=30) <= self.idle_lock <= timedelta(hours=12):
            _out_of_range("Блокировка кассы без действий вне 30 с – 12 ч", "idle_lock")
        if not Points(0) < self.correction_limit <= self.correction_daily_limit:
            _out_of_range(
                "Лимиты корректировок: за раз больше нуля и не больше, чем за день",
                "correction_limit",
            )
        if not self.approvals <= APPROVABLE:
            _out_of_range(
                f"Неизвестные действия для подтверждения: {sorted(self.approvals)}", "approvals"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(
                f"Неизвестный часовой пояс: {self.timezone!r}",
                "policy-unknown-timezone",
                {"timezone": self.timezone},
            ) from exc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def store_day(self, at: datetime) -> date:
        """The store's calendar day at `at`: Minsk's, not UTC's nor the PC's own zone."""
        return require_aware(at).astimezone(self.zone).date()

    def activation_date(self, earned_at: datetime) -> date:
        return self.store_day(earned_at) + timedelta(days=self.activation_days)

    def to_dict(self) -> dict[str, int | str]:
        return {
            "version": self.version,
            "cap_percent": self.cap_percent,
            "activation_days": self.activation_days,
            "timezone": self.timezone,
            "offline_limit": self.offline_limit.minor,
            "hold_ttl_seconds": int(self.hold_ttl.total_seconds()),
            "price_list_grace_seconds": int(self.price_list_grace.total_seconds()),
            "pin_attempts": self.pin_attempts,
            "pin_lockout_seconds": int(self.pin_lockout.total_seconds()),
            "idle_lock_seconds": int(self.idle_lock.total_seconds()),
            "correction_limit": self.correction_limit.minor,
            "correction_daily_limit": self.correction_daily_limit.minor,
            "approvals": ",".join(sorted(self.approvals)),
            "verify_spend_above": self.verify_spend_above.minor,
        }

    def needs_approval(self, action: str) -> bool:
        return action in self.approvals

    def needs_verification(self, spend: Points) -> bool:
        """Whether spending `spend` needs the holder's code, plastic card or a manager."""
        return spend > self.verify_spend_above

    @classmethod
    def from_dict(cls, data: dict[str, int | str]) -> Policy:
        numbers = ("version", "cap_percent", "activation_days", "offline_limit", "hold_ttl_seconds")
        # A policy written before the grace existed has the default's.
        grace = data.get("price_list_grace_seconds", int(DEFAULT_GRACE.total_seconds()))
        if any(type(data.get(key)) is not int for key in numbers) or type(grace) is not int:
            raise InvalidInput(
                "Политика программы повреждена: числа должны быть целыми", "policy-damaged"
            )
        staff = {key: data.get(key, default) for key, default in _STAFF_DEFAULTS.items()}
        verify_above = data.get("verify_spend_above", DEFAULT_VERIFY_ABOVE)
        approvals = staff.pop("approvals")
        if (
            any(type(v) is not int for v in [*staff.values(), verify_above])
            or type(approvals) is not str
        ):
            raise InvalidInput(
                "Политика программы повреждена: правила для сотрудников", "policy-damaged"
            )
        try:
            return cls(
                version=int(data["version"]),
                cap_percent=int(data["cap_percent"]),
                activation_days=int(data["activation_days"]),
                timezone=str(data["timezone"]),
                offline_limit=Points(int(data["offline_limit"])),
                hold_ttl=timedelta(seconds=int(data["hold_ttl_seconds"])),
                price_list_grace=timedelta(seconds=grace),
                pin_attempts=int(staff["pin_attempts"]),
                pin_lockout=timedelta(seconds=int(staff["pin_lockout_seconds"])),
                idle_lock=timedelta(seconds=int(staff["idle_lock_seconds"])),
                correction_limit=Points(int(staff["correction_limit"])),
                correction_daily_limit=Points(int(staff["correction_daily_limit"])),
                approvals=frozenset(a for a in approvals.split(",") if a),
                verify_spend_above=Points(int(verify_above)),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidInput(
                f"Политика программы повреждена: {exc!r}", "policy-damaged", {"detail": repr(exc)}
            ) from exc


def _out_of_range(message: str, setting: str) -> NoReturn:
    raise InvalidInput(message, "policy-out-of-range", {"setting": setting})


DEFAULT_POLICY = Policy()
