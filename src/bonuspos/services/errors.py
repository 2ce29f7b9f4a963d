"""What a use case refuses, beyond the domain's own errors; each message is for the cashier.

Each carries its figures (`params`) beside the Russian message, so a screen words it in
its own language; see `bonuspos.domain.errors`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bonuspos.domain.errors import DomainError
from bonuspos.ledger.unit_of_work import StorageFailed


class ServiceError(DomainError):
    code = "service-error"


class NotFound(ServiceError):
    code = "not-found"


class AlreadyRegistered(ServiceError):
    code = "already-registered"

    def __init__(self, masked_phone: str) -> None:
        super().__init__(
            f"Номер {masked_phone} уже зарегистрирован в программе: найдите карту",
            self.code,
            {"phone": masked_phone},
        )


class SaleAlreadyCompleted(ServiceError):
    """Completing a sale twice: the first completion stands and nothing else changes."""

    code = "sale-already-completed"

    def __init__(self, sale_id: str, number: int) -> None:
        super().__init__(
            f"Продажа №{number} уже проведена; повторно не проводится",
            self.code,
            {"number": number},
        )
        self.sale_id = sale_id
        self.number = number


class ReturnAlreadyRecorded(ServiceError):
    code = "return-already-recorded"

    def __init__(self, return_id: str) -> None:
        super().__init__("Этот возврат уже оформлен", self.code)
        self.return_id = return_id


class WrongPin(ServiceError):
    code = "wrong-pin"

    def __init__(self, attempts_left: int) -> None:
        tail = f": осталось попыток — {attempts_left}" if attempts_left else ""
        super().__init__(f"Неверный PIN{tail}", self.code, {"attempts_left": attempts_left})
        self.attempts_left = attempts_left


class StaffLocked(ServiceError):
    code = "staff-locked"

    def __init__(self, full_name: str, until_text: str) -> None:
        super().__init__(
            f"{full_name}: вход заблокирован до {until_text} после неверных PIN",
            self.code,
            {"name": full_name, "until": until_text},
        )
        self.until_text = until_text


class NotAManager(ServiceError):
    code = "not-a-manager"

    def __init__(self) -> None:
        super().__init__("Подтвердить может только менеджер: нужен PIN менеджера", self.code)


class ApprovalRequired(ServiceError):
    code = "approval-required"

    def __init__(self, what: str, action: str = "") -> None:
        """`what` names the action in Russian; `action` is its `Action` value, for a screen."""
        super().__init__(f"{what}: нужно подтверждение менеджера", self.code, {"action": action})


class Unreachable(ServiceError):
    """The server is needed for this and cannot be reached: nothing was done."""

    code = "unreachable"


class StorageProblem(ServiceError):
    """The till's database could not be written: the action was not done, nothing half-done."""

    code = "storage-problem"


@contextmanager
def storage_problems() -> Iterator[None]:
    """SQLite's failures, said so a cashier knows what to do; the transaction rolled back."""
    try:
        yield
    except StorageFailed as exc:
        text = exc.detail.lower()
        if "locked" in text or "busy" in text:
            message = (
                "База кассы занята другой программой: ничего не записано."
                " Закройте другую программу или повторите через минуту"
            )
            reason = "storage-busy"
        elif "full" in text:
            message = "На диске кассы нет места: ничего не записано. Позовите администратора"
            reason = "storage-full"
        else:
            message = f"Не удалось записать в базу кассы ({exc.detail}): ничего не записано"
            reason = "storage-failed"
        raise StorageProblem(message, reason, {"detail": exc.detail}) from exc
