"""SMS gateways: how a one-time code reaches the customer's phone.

`HttpSmsGateway` posts to a provider's HTTP API; its credentials come from the environment
only (a command line is visible to every user of the machine). `LogSmsGateway` keeps the
messages in memory and logs them with the phone masked: for tests and the demo.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from bonuspos.domain.card import Phone
from bonuspos_server.web.problems import Problem

log = logging.getLogger("bonuspos_server.codes.sms")

# The provider's credentials, sent as `Authorization: Bearer …`.
SMS_TOKEN = "BONUSPOS_SERVER_SMS_TOKEN"


class SmsGateway(Protocol):
    def send(self, phone_e164: str, text: str) -> None:
        """Sends `text` to the phone; raises a Problem when it cannot."""


@dataclass(frozen=True, slots=True)
class SentSms:
    phone_e164: str
    text: str


@dataclass
class LogSmsGateway:
    """Sends nothing: keeps each message (tests read `sent`) and logs it, phone masked."""

    sent: list[SentSms] = field(default_factory=list)

    def send(self, phone_e164: str, text: str) -> None:
        self.sent.append(SentSms(phone_e164, text))
        # A warning: nothing reached the customer, and a demo's cashier reads the code here.
        log.warning(
            json.dumps(
                {"sms_not_sent_to": Phone(phone_e164).masked(), "text": text}, ensure_ascii=False
            )
        )


class HttpSmsGateway:
    """A provider's API: `POST url` with `{"to": phone, "text": text}`."""

    def __init__(self, url: str, timeout: float = 5.0, token: str | None = None) -> None:
        self.url = url
        self.token = os.environ.get(SMS_TOKEN, "") if token is None else token
        self.timeout = timeout

    def send(self, phone_e164: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            answer = httpx.post(
                self.url,
                json={"to": phone_e164, "text": text},
                headers=headers,
                timeout=self.timeout,
            )
            answer.raise_for_status()
        except httpx.HTTPError as error:
            # The provider's answer may quote the number: only its kind is kept.
            log.warning(
                json.dumps({"sms_failed": type(error).__name__, "to": Phone(phone_e164).masked()})
            )
            raise Problem(
                502,
                "sms-not-sent",
                "The code could not be sent",
                "The SMS gateway did not take the message; try again later",
            ) from None


def gateway(spec: str) -> SmsGateway:
    """The gateway Settings.sms_gateway names: "log", or the provider's https URL."""
    if spec == "log":
        return LogSmsGateway()
    if not spec.startswith(("https://", "http://")):
        raise ValueError(f"SMS gateway {spec!r} is neither 'log' nor a URL")
    return HttpSmsGateway(spec)
