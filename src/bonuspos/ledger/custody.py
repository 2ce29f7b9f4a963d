"""Customers' phones at rest: a keyed hash to find a card by, the number itself sealed.

A till caches every card of the chain. Should its PC or disk be stolen, the database file
must not hand over the customers' phone numbers: the `phone` column holds an HMAC-SHA256
of the number under the till's own key (equal numbers, equal hashes: the unique index
and a lookup's one indexed probe still work), and `phone_sealed` holds the number
encrypted under the same key, for the one use the till has for it: reserving points on
the server by the card's number. Names stay readable: the name search walks them.

The key is 32 random bytes made on first use, one per user account of the PC: on
Windows kept wrapped by DPAPI (the user's login unwraps it, a copied disk does not),
elsewhere in a file only its owner may read, outside the till's data folder so a
backup of the folder never carries it. docs/security.md weighs what that leaves.

The cipher is HMAC-SHA256 as a pseudo-random function in counter mode with a random
nonce, and an HMAC tag over nonce and ciphertext (encrypt-then-MAC): the standard library
has no AES, and the tag tells a wrong key (a database restored on another PC) from a
right one instead of returning garbage digits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from bonuspos.paths import APP

log = logging.getLogger(__name__)

KEY_FILE = "customers.key"
CHECK_SETTING = "customers_key_check"  # in till_settings
# The changes feed's cursor (sync/status.py CURSOR; a test holds them equal): forgotten,
# the next pull brings every card again, to be hashed and sealed under this key.
FEED_CURSOR = "sync.cursor"
_NONCE = 12
_TAG = 8


def key_dir() -> Path:
    """BONUSPOS_KEY_DIR overrides the platform's folder (tests, a till run as a service)."""
    override = os.environ.get("BONUSPOS_KEY_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(f"{APP}-keys"))


class _Mac:
    """HMAC-SHA256 under one key, its padded key's two hash states computed once.

    The same function as `hmac.digest` (a test holds them equal), at a third of its cost:
    the lookup a cashier waits on runs three of them.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        padded = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def __call__(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


@dataclass(frozen=True, slots=True)
class Custody:
    """The till's key, split into one for lookups, one to seal with, one for tags."""

    lookup: _Mac
    seal_key: _Mac
    tag_key: _Mac

    @classmethod
    def of(cls, secret: bytes) -> Custody:
        def derive(purpose: bytes) -> _Mac:
            return _Mac(hmac.digest(secret, purpose, hashlib.sha256))

        return cls(derive(b"phone lookup"), derive(b"phone seal"), derive(b"phone tag"))

    def phone_key(self, e164: str) -> str:
        """What the `phone` column holds and a lookup looks for: 96 bits of the HMAC in
        base64, as long as the column (16). Among ten million cards, two numbers sharing
        one is about one chance in 10¹⁵."""
        return base64.b64encode(self.lookup(e164.encode())[:12]).decode()

    def seal(self, e164: str) -> str:
        data = e164.encode()
        nonce = secrets.token_bytes(_NONCE)
        body = _xor(data, self._pad(nonce, len(data)))
        tag = self.tag_key(nonce + body)[:_TAG]
        return (nonce + body + tag).hex()

    def open(self, sealed: str | None) -> str | None:
        """The number, or None when sealed under another key (or not at all)."""
        if not sealed:
            return None
        try:
            raw = bytes.fromhex(sealed)
        except ValueError:
            return None
        nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
        if len(raw) <= _NONCE + _TAG or not hmac.compare_digest(
            tag, self.tag_key(nonce + body)[:_TAG]
        ):
            return None
        return _xor(body, self._pad(nonce, len(body))).decode()

    def _pad(self, nonce: bytes, length: int) -> bytes:
        """The keystream: a phone takes the first block; a card HQ erased or merged away
        seals its longer placeholder (`~` and the uid) with the blocks after it."""
        blocks = [self.seal_key(nonce)]
        while len(blocks) * len(blocks[0]) < length:
            blocks.append(self.seal_key(nonce + len(blocks).to_bytes(4, "big")))
        return b"".join(blocks)

    def check(self) -> str:
        """Stored with the database: tells at opening whether this key sealed its phones."""
        return self.phone_key("key check")


def install(connection: sqlite3.Connection) -> None:
    """The key's SQL functions on a connection: SQL finds phones by hash and opens them."""
    keys = current()
    connection.create_function("phone_key", 1, keys.phone_key, deterministic=True)
    connection.create_function("phone_open", 1, keys.open, deterministic=True)
    connection.create_function("phone_seal", 1, keys.seal)


def _xor(data: bytes, pad: bytes) -> bytes:
    n = len(data)
    assert n <= len(pad)
    return (int.from_bytes(data) ^ int.from_bytes(pad[:n])).to_bytes(n)


_lock = threading.Lock()
_current: Custody | None = None


def current() -> Custody:
    """This user's till key, made on first use."""
    global _current
    with _lock:
        if _current is None:
            _current = Custody.of(_load_or_make(key_dir() / KEY_FILE))
        return _current


def forget() -> None:
    """Read the key again on next use (tests that move BONUSPOS_KEY_DIR)."""
    global _current
    with _lock:
        _current = None


def _load_or_make(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        made = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(_wrap(secrets.token_bytes(32)))
        try:
            # A link, not a rename: two tills starting at once keep the first key made.
            os.link(made, path)
            log.info("made a new key for customers' phones: %s", path)
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return _unwrap(path.read_bytes())


def _wrap(secret: bytes) -> bytes:
    return _dpapi(secret, protect=True) if sys.platform == "win32" else secret


def _unwrap(stored: bytes) -> bytes:
    return _dpapi(stored, protect=False) if sys.platform == "win32" else stored


def _dpapi(data: bytes, *, protect: bool) -> bytes:  # pragma: no cover - Windows only
    """CryptProtectData/CryptUnprotectData: bound to the Windows user's login."""
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    buffer = ctypes.create_string_buffer(data, len(data))
    source = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    result = Blob()
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    ui_forbidden = 0x1
    if not call(ctypes.byref(source), None, None, None, None, ui_forbidden, ctypes.byref(result)):
        raise OSError(ctypes.get_last_error(), "DPAPI refused the till's key")  # type: ignore[attr-defined]
    try:
        return ctypes.string_at(result.pbData, result.cbData)
    finally:
        kernel32.LocalFree(result.pbData)
