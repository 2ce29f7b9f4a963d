"""The server's tunables, from the command line or the environment."""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

LOG_LEVEL = "BONUSPOS_SERVER_LOG_LEVEL"  # set by `serve` for its worker processes
THREADS = "BONUSPOS_SERVER_THREADS"
# Request limits for `serve`, read by every worker: `till=100/2,card-holds=10/60`, each
# COUNT/SECONDS, for any of the names in `Settings.with_limits`.
LIMITS = "BONUSPOS_SERVER_LIMITS"
# Who may read /metrics, besides this machine: `10.0.5.7,10.0.6.0/24`. The counters name
# no customer, but they show the chain's trade hour by hour: not for a till or the public.
METRICS_ALLOW = "BONUSPOS_SERVER_METRICS_ALLOW"
# prometheus_client's multiprocess mode: read by it when first imported (web/metrics.py).
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
# The key one-time codes are hashed with (codes/): every server process must share it, so
# production sets it; without it each process makes its own and codes die with it.
CODE_SECRET = "BONUSPOS_SERVER_CODE_SECRET"
# The key that signs the customers' page's cookies (web/customer_page.py), or a file that
# holds it: at least 32 characters, the same for every worker. Unset: no page is served.
PAGE_SECRET = "BONUSPOS_SERVER_PAGE_SECRET"
PAGE_SECRET_FILE = "BONUSPOS_SERVER_PAGE_SECRET_FILE"
MIN_PAGE_SECRET = 32
# Which SMS gateway sends the codes: `log`, or the provider's URL (Settings.sms_gateway).
SMS_GATEWAY = "BONUSPOS_SERVER_SMS_GATEWAY"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` requests in each window of `seconds`; windows start on multiples of
    `seconds` on the clock, so every server process agrees on them."""

    count: int
    seconds: int


@dataclass(frozen=True)
class Settings:
    database_url: str
    max_body_bytes: int = 2 * 1024 * 1024
    max_batch: int = 500
    # Every request of a till, whichever server process takes it: at most `rate_burst` in
    # each window of rate_burst / rate_per_second seconds (100 per 2 s: 50 a second, and a
    # burst of 100 at once is fine).
    rate_per_second: float = 50.0
    rate_burst: int = 100
    # Card lookups by one till. A till finds cards in its own cache; this is the guard
    # against one till's token enumerating customers' balances by phone.
    till_lookups: Limit = Limit(60, 60)
    # Per card, from all tills together. A till asks one hold per sale that spends points
    # and looks a card up about as often; a card asked about this often is being drained
    # or watched.
    card_holds: Limit = Limit(10, 60)
    card_lookups: Limit = Limit(20, 60)
    # Requests without a token this process has seen work, per client address and per
    # process: kept in memory, so that refusing a flood costs no database work.
    address_per_second: float = 20.0
    address_burst: int = 200
    threads: int = 4  # per worker process: requests running their SQL at once
    # Addresses /metrics answers (web/metrics.py); always loopback, plus METRICS_ALLOW's.
    metrics_allow: tuple[Network, ...] = LOOPBACK
    # The customers' own page: None serves none. Its limits count every phone and code
    # typed, per client address and per phone (known to the programme or not, so that the
    # answers never tell which numbers are customers').
    page_secret: bytes | None = None
    page_address: Limit = Limit(30, 900)
    page_phone: Limit = Limit(5, 900)
    page_minutes: int = 15  # a signed-in page's life, from the code
    clock: Callable[[], datetime] = field(default=utc_now)
    # One-time codes (codes/): alive this long, refused for `code_lock` after `code_tries`
    # wrong ones on a card; at most `code_card` sent to one card and `code_requester` asked
    # by one till or address.
    code_secret: bytes = field(default_factory=lambda: _code_secret(), repr=False, compare=False)
    code_ttl: timedelta = timedelta(minutes=5)
    code_tries: int = 3
    code_lock: timedelta = timedelta(minutes=15)
    code_card: Limit = Limit(3, 600)
    code_requester: Limit = Limit(20, 600)
    # Which SMS gateway sends codes: "log" (the server's log, masked; tests and the demo)
    # or an https URL (codes/sms.py's HttpSmsGateway).
    sms_gateway: str = "log"

    @property
    def till_limit(self) -> Limit:
        return Limit(self.rate_burst, max(1, math.ceil(self.rate_burst / self.rate_per_second)))

    def with_limits(self, spec: str) -> Settings:
        """These settings with the limits `spec` names (`LIMITS`'s syntax) replaced.

        `till` and `address` set a rate and a burst: COUNT requests per SECONDS means a
        burst of COUNT and COUNT / SECONDS a second.
        """
        changes: dict[str, object] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            found = _LIMIT_SPEC.fullmatch(item)
            if found is None or found["name"] not in _LIMIT_NAMES:
                raise ValueError(
                    f"{LIMITS}: {item!r} is not NAME=COUNT/SECONDS"
                    f" with NAME one of {', '.join(_LIMIT_NAMES)}"
                )
            name, count, seconds = found["name"], int(found["count"]), int(found["seconds"])
            if count < 1 or seconds < 1:
                raise ValueError(f"{LIMITS}: {item!r} needs a count and seconds of at least 1")
            if name == "till":
                changes.update(rate_burst=count, rate_per_second=count / seconds)
            elif name == "address":
                changes.update(address_burst=count, address_per_second=count / seconds)
            else:
                changes[name.replace("-", "_")] = Limit(count, seconds)
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def with_page_secret(self, secret: bytes | None) -> Settings:
        return dataclasses.replace(self, page_secret=secret)

    def with_metrics_allow(self, spec: str | None) -> Settings:
        """These settings with the addresses `spec` names (`METRICS_ALLOW`'s syntax) allowed
        to read /metrics, besides loopback."""
        networks = list(LOOPBACK)
        for item in filter(None, (part.strip() for part in (spec or "").split(","))):
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(
                    f"{METRICS_ALLOW}: {item!r} is not an address or a network like 10.0.6.0/24"
                ) from None
        return dataclasses.replace(self, metrics_allow=tuple(networks))


def page_secret_from_environment(environ: Mapping[str, str]) -> bytes | None:
    """The page's signing key from `PAGE_SECRET` or the file `PAGE_SECRET_FILE` names."""
    text = environ.get(PAGE_SECRET)
    if not text and environ.get(PAGE_SECRET_FILE):
        try:
            text = Path(environ[PAGE_SECRET_FILE]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"{PAGE_SECRET_FILE}: cannot read it ({exc.strerror})") from None
    if not text:
        return None
    if len(text) < MIN_PAGE_SECRET:
        raise ValueError(f"{PAGE_SECRET}: use at least {MIN_PAGE_SECRET} random characters")
    return text.encode()


def _code_secret() -> bytes:
    configured = os.environ.get(CODE_SECRET, "")
    return configured.encode() if configured else secrets.token_bytes(32)


_LIMIT_SPEC = re.compile(r"(?P<name>[a-z-]+)=(?P<count>[0-9]+)/(?P<seconds>[0-9]+)")
_LIMIT_NAMES = (
    "till",
    "till-lookups",
    "card-holds",
    "card-lookups",
    "address",
    "page-address",
    "page-phone",
)
