"""What a use case refuses, beyond the domain's own errors; each message is for the cashier."""

from __future__ import annotations

from bonuspos.domain.errors import DomainError


class ServiceError(DomainError):
    code = "service-error"


class NotFound(ServiceError):
    code = "not-found"


class AlreadyRegistered(ServiceError):
    code = "already-registered"

    def __init__(self, masked_phone: str) -> None:
        super().__init__(f"Номер {masked_phone} уже зарегистрирован в программе: найдите карту")


class SaleAlreadyCompleted(ServiceError):
    """Completing a sale twice: the first completion stands and nothing else changes."""

    code = "sale-already-completed"

    def __init__(self, sale_id: str, number: int) -> None:
        super().__init__(f"Продажа №{number} уже проведена; повторно не проводится")
        self.sale_id = sale_id
        self.number = number


class ReturnAlreadyRecorded(ServiceError):
    code = "return-already-recorded"

    def __init__(self, return_id: str) -> None:
        super().__init__("Этот возврат уже оформлен")
        self.return_id = return_id
