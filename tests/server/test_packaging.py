"""packaging/server: the systemd units, the nginx site, and the backup and restore scripts,
run for real as far as this machine has the tools (each test says what it skips for)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bonuspos_server.admin.cli import main
from bonuspos_server.data.db import ENV_URL, normalise_url
from bonuspos_server.data.urls import ENV_URL_FILE
from bonuspos_server.settings import Settings
from tests.server.pg import NO_PG, PG_URL, fresh_pg_database

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging" / "server"
UNITS = ("bonuspos-server.service", "bonuspos-backup.service", "bonuspos-backup.timer")
PHONE = "+375291234567"


def _installed_here(name: str, folder: Path) -> Path:
    """The unit as it would be installed, with this checkout's venv and scripts in the
    places the real install puts them (systemd-analyze checks the programs exist)."""
    text = (PACKAGING / name).read_text(encoding="utf-8")
    text = text.replace("/opt/bonuspos/venv/bin/", f"{Path(sys.executable).parent}/")
    text = text.replace("/opt/bonuspos/packaging/server/", f"{PACKAGING}/")
    unit = folder / name
    unit.write_text(text, encoding="utf-8")
    return unit


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not on this machine")
    units = [str(_installed_here(name, tmp_path)) for name in UNITS]
    done = subprocess.run([tool, "verify", *units], capture_output=True, text=True, check=False)
    # An unknown or misspelt key is only a warning to systemd: any word about our units fails.
    ours = [line for line in done.stderr.splitlines() if "bonuspos" in line]
    assert done.returncode == 0, done.stderr
    assert ours == []


def test_the_unit_runs_the_factory_on_loopback_with_workers_and_shared_metrics() -> None:
    unit = (PACKAGING / "bonuspos-server.service").read_text(encoding="utf-8")
    [start] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    assert " serve --host 127.0.0.1 " in start
    assert "--workers 4" in start
    assert "--database-url" not in unit.replace("DATABASE_URL", "")  # never on the command line
    assert "EnvironmentFile=/etc/bonuspos/server.env" in unit
    assert "RuntimeDirectory=bonuspos-server" in unit
    assert "Environment=PROMETHEUS_MULTIPROC_DIR=/run/bonuspos-server" in unit
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                   "ReadWritePaths=/var/log/bonuspos", "Restart=on-failure"):  # fmt: skip
        assert option in unit.splitlines()


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx -t needs nginx and openssl (for a test certificate) on this machine")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (PACKAGING / "nginx-bonuspos.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/bonuspos/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/ssl/bonuspos/privkey.pem", str(tmp_path / "key.pem"))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def test_the_nginx_site_matches_the_servers_limits_and_hides_the_metrics() -> None:
    site = (PACKAGING / "nginx-bonuspos.conf").read_text(encoding="utf-8")
    assert Settings("x").max_body_bytes == 2 * 1024 * 1024
    assert "client_max_body_size 2m;" in site
    assert "location = /metrics {\n        return 404;" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "listen 443 ssl http2;" in site


# --- backups ----------------------------------------------------------------------------


@pytest.fixture
def pg_tools() -> None:
    if not PG_URL:
        pytest.skip(NO_PG)
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not on this machine")


@pytest.fixture
def shop(pg_tools: None, tmp_path: Path) -> Iterator[str]:
    """A fresh database with a store, a till and a customer with points, made by the
    server's own admin commands."""
    assert PG_URL is not None
    with fresh_pg_database(PG_URL, prefix="bonuspos_backup") as url:
        customers = tmp_path / "customers.csv"
        customers.write_text(
            f"phone;full_name;email;birth_date;plastic_card\n{PHONE};Иванова Анна;;;\n",
            encoding="utf-8",
        )
        for command in (
            ["add-store", "MINSK-01", "--name", "Минск, пр. Независимости 1"],
            ["add-till", "MINSK-01", "T1"],
            ["import-customers", str(customers)],
            ["adjust", PHONE, "150", "--reason", "перенос баланса"],
        ):
            assert main(["--database-url", url, *command]) == 0, command
        yield url


def _environment(tmp_path: Path, **more: str) -> dict[str, str]:
    """The backup service's environment, with a pg_dump that records its command line."""
    shims = tmp_path / "shims"
    shims.mkdir(exist_ok=True)
    for tool in ("pg_dump", "pg_restore"):
        real = shutil.which(tool)
        shim = shims / tool
        shim.write_text(
            f'#!/bin/sh\necho "{tool} $*" >> "{tmp_path}/argv.log"\nexec "{real}" "$@"\n',
            encoding="utf-8",
        )
        shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BONUSPOS_", "PG"))}
    env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"
    env["BONUSPOS_BACKUP_DIR"] = str(tmp_path / "backups")
    env["BONUSPOS_PYTHON"] = sys.executable
    env.update(more)
    return env


def _with_password(url: str) -> str:
    # The test server trusts local connections, so any password gets in; ':' and '\'
    # need escaping in libpq's password file.
    return make_url(url).set(password="s3cret:pw\\x").render_as_string(hide_password=False)


def _run(
    script: str, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(PACKAGING / script), *args],
        env=env, input=stdin, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def _recreate_empty(url: str) -> None:
    """The database dropped (as after a lost disk) and made again, empty."""
    parsed = make_url(normalise_url(url))
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    engine.dispose()


def test_a_backup_restores_into_an_empty_database_with_all_its_data(
    shop: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = _environment(tmp_path, **{ENV_URL: _with_password(shop)})
    made = _run("backup.sh", env)
    assert made.returncode == 0, made.stderr
    [dump] = (tmp_path / "backups").glob("bonuspos-*.dump")
    assert made.stdout.startswith(f"backup: {dump} ")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert oct(dump.stat().st_mode & 0o777) == "0o600"
    assert "s3cret" not in (tmp_path / "argv.log").read_text()
    assert not list((tmp_path / "backups").glob("*.partial"))

    _recreate_empty(shop)
    assert _scalar(shop, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0

    url_file = tmp_path / "database-url"
    url_file.write_text(_with_password(shop) + "\n", encoding="utf-8")
    url_file.chmod(0o600)
    env = _environment(tmp_path, **{ENV_URL_FILE: str(url_file)})
    restored = _run("restore.sh", env, "--yes", str(dump))
    assert restored.returncode == 0, restored.stderr
    assert "s3cret" not in (tmp_path / "argv.log").read_text()

    assert _scalar(shop, "SELECT name FROM stores WHERE code = 'MINSK-01'") == (
        "Минск, пр. Независимости 1"
    )
    assert _scalar(shop, "SELECT count(*) FROM tills WHERE revoked_at IS NULL") == 1
    assert _scalar(shop, f"SELECT total FROM customers WHERE phone = '{PHONE}'") == 150_00
    capsys.readouterr()
    assert main(["--database-url", shop, "check"]) == 0, capsys.readouterr().out


def test_a_restore_asks_before_it_replaces_anything(shop: str, tmp_path: Path) -> None:
    env = _environment(tmp_path, **{ENV_URL: shop})
    assert _run("backup.sh", env).returncode == 0
    [dump] = (tmp_path / "backups").glob("bonuspos-*.dump")
    main(["--database-url", shop, "add-store", "LATER"])
    refused = _run("restore.sh", env, str(dump), stdin="no\n")
    assert refused.returncode == 1
    assert "nothing done" in refused.stderr
    assert _scalar(shop, "SELECT count(*) FROM stores WHERE code = 'LATER'") == 1


def test_a_backup_keeps_the_newest_and_deletes_only_old_dumps(shop: str, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    month_ago = time.time() - 30 * 86400
    old = [backups / f"bonuspos-202001{day:02d}T023000Z.dump" for day in range(1, 10)]
    for file in old:
        file.write_bytes(b"PGDMP old")
        os.utime(file, (month_ago, month_ago))
    env = _environment(
        tmp_path,
        **{ENV_URL: shop, "BONUSPOS_BACKUP_KEEP_DAYS": "14", "BONUSPOS_BACKUP_KEEP_MIN": "7"},
    )
    made = _run("backup.sh", env)
    assert made.returncode == 0, made.stderr
    left = sorted(p.name for p in backups.glob("bonuspos-*.dump"))
    # The new one and the six newest old ones: at least seven are always kept.
    assert len(left) == 7
    assert [p.name for p in old[3:]] == left[:6]
    assert made.stdout.count("deleted") == 3


def test_a_failed_backup_leaves_no_dump_and_deletes_nothing(pg_tools: None, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    kept = backups / "bonuspos-20200101T023000Z.dump"
    kept.write_bytes(b"PGDMP old")
    os.utime(kept, (0, 0))
    env = _environment(
        tmp_path,
        **{ENV_URL: "postgresql://postgres@127.0.0.1:1/nowhere", "BONUSPOS_BACKUP_KEEP_MIN": "0"},
    )
    failed = _run("backup.sh", env)
    assert failed.returncode != 0
    assert [p.name for p in backups.iterdir()] == [kept.name]


def test_a_backup_refuses_a_url_file_every_user_can_read(pg_tools: None, tmp_path: Path) -> None:
    url_file = tmp_path / "database-url"
    url_file.write_text("postgresql://postgres:pw@127.0.0.1/x\n", encoding="utf-8")
    url_file.chmod(0o644)
    failed = _run("backup.sh", _environment(tmp_path, **{ENV_URL_FILE: str(url_file)}))
    assert failed.returncode != 0
    assert "readable by every user" in failed.stderr
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").iterdir())
