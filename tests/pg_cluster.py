"""A temporary PostgreSQL cluster on loopback, from Debian's `postgresql` package, for the tests.

initdb and the server refuse to run as root, and CI runs as root: then both run as the `postgres` user
(`runuser`), in a temp directory that user owns. The server listens on 127.0.0.1 on a free port, with
its unix socket inside the temp directory, and trusts local connections (it is reachable from this
machine only and lives as long as the test session).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path | None:
    """The newest installed server's bin directory, or None when the package is missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def missing_reason() -> str | None:
    """Why a cluster cannot be started here (None when it can)."""
    if postgres_bin() is None:
        return "PostgreSQL server binaries missing (/usr/lib/postgresql/*/bin/initdb): run scripts/install-postgres.sh"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _uid("postgres") is None):
        return "running as root needs the 'postgres' user and runuser (Debian's postgresql package makes the user)"
    return None


def _uid(user: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


@dataclass
class TempCluster:
    """`start()` → `url` (the `postgres` database as the `postgres` superuser); `create_database()`; `stop()`."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pa-pg-")))
    port: int = field(default_factory=free_port)
    user: str = "postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> TempCluster:
        bin_dir = postgres_bin()
        assert bin_dir is not None, missing_reason()
        if os.geteuid() == 0:
            uid = _uid(self.user)
            assert uid is not None
            os.chown(self.root, uid, -1)
        else:
            self.user = os.environ.get("USER") or "postgres"
        self.root.chmod(0o700)
        try:
            self._run(str(bin_dir / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
            options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=200"
                       " -c shared_buffers=32MB")
            self._run(str(bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                      "-o", options, "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as exc:
            log = self.log_text()
            self.stop()
            raise RuntimeError(f"temporary PostgreSQL did not start: {exc.stderr}\n{log[-2000:]}") from exc
        return self

    def log_text(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def create_database(self, prefix: str = "pa") -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        bin_dir = postgres_bin()
        if bin_dir is not None and (self.data / "postmaster.pid").exists():
            self._run(str(bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop",
                      check=False)
        shutil.rmtree(self.root, ignore_errors=True)
