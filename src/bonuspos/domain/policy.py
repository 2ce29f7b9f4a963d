"""The programme's tunable numbers, kept centrally, versioned, and shipped to every till.

A sale records the version it was rung under, so a later change of the cap or the
activation delay never rewrites what an old sale earned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points


def require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(f"Время без часового пояса: {at.isoformat()}")
    return at


DEFAULT_GRACE = timedelta(hours=24)


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

    def __post_init__(self) -> None:
        if not 0 <= self.cap_percent <= 100:
            raise InvalidInput(f"Доля оплаты баллами вне 0–100%: {self.cap_percent}")
        if self.activation_days < 1:
            # Rule 4: points can never pay on the day they were earned.
            raise InvalidInput("Баллы не могут становиться доступными в день покупки")
        if not timedelta(0) <= self.price_list_grace <= timedelta(days=31):
            raise InvalidInput("Срок действия прежнего прейскуранта вне 0–31 дня")
        if self.offline_limit.is_negative:
            raise InvalidInput("Лимит списания без связи не может быть отрицательным")
        if type(self.version) is not int or self.version < 1:
            raise InvalidInput(f"Номер версии политики должен быть ≥ 1: {self.version!r}")
        if not 1 <= self.activation_days <= 366:
            raise InvalidInput(f"Срок активации баллов вне 1–366 дней: {self.activation_days}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(f"Неизвестный часовой пояс: {self.timezone!r}") from exc

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
        }

    @classmethod
    def from_dict(cls, data: dict[str, int | str]) -> Policy:
        numbers = ("version", "cap_percent", "activation_days", "offline_limit", "hold_ttl_seconds")
        # A policy written before the grace existed has the default's.
        grace = data.get("price_list_grace_seconds", int(DEFAULT_GRACE.total_seconds()))
        if any(type(data.get(key)) is not int for key in numbers) or type(grace) is not int:
            raise InvalidInput("Политика программы повреждена: числа должны быть целыми")
        try:
            return cls(
                version=int(data["version"]),
                cap_percent=int(data["cap_percent"]),
                activation_days=int(data["activation_days"]),
                timezone=str(data["timezone"]),
                offline_limit=Points(int(data["offline_limit"])),
                hold_ttl=timedelta(seconds=int(data["hold_ttl_seconds"])),
                price_list_grace=timedelta(seconds=grace),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidInput(f"Политика программы повреждена: {exc!r}") from exc


DEFAULT_POLICY = Policy()
