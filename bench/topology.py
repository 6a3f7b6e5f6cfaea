"""The product on several machines, started on this one, and the checks that it acts as one.

    .venv/bin/python bench/topology.py            # every check (2-4 minutes)
    .venv/bin/python bench/topology.py --short    # the quicker version CI runs (1-3 minutes)
    .venv/bin/python bench/topology.py --hold     # start it, print the addresses, wait for Ctrl-C

The checks are in bench/topology_checks.py; each prints PASS or FAIL, and the script exits
non-zero if any failed. For them it lowers API_RATE_PER_USER to 120/min (a throttle passed
in seconds) and OUTBOX_SWEEP_EVERY_SECONDS to 20 (beat's first sweep comes soon), unless
the caller's environment sets them.

What runs, each node in its own process group and with its own VAR_DIR, as if on its own
machine: web nodes (gunicorn) on free ports, Debian's nginx in front of them (installed
with apt-get when missing; run in the foreground from a config written into the run's
folder, with its own pid and logs), Celery worker nodes with their own names, exactly one
beat. They share a fresh PostgreSQL database and Redis: the broker and the cache on two
database numbers of their own. Production settings: DEBUG off, collectstatic, NUM_PROXIES=1;
plain HTTP on 127.0.0.1, so no HTTPS redirect and no secure-only cookies. Everything is
stopped, dropped and removed on the way out, after a failure or Ctrl-C too.

Other scripts use it as a context manager (bench is not a package):

    sys.path.insert(0, "bench")
    from topology import Topology
    with Topology(web_nodes=2, worker_nodes=2) as topo:
        requests.get(topo.url + "/healthz")

Settings it does not fix itself (API_RATE_PER_USER, LOGIN_FAILURE_LIMIT, LOG_LEVEL, ...)
reach every node from the caller's environment.
"""

import argparse
import base64
import contextlib
import ctypes
import fcntl
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf.template")
PG_SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Redis database numbers a run may take: 13-15 are tests' and bench/summaries.py's.
REDIS_DBS = range(2, 13)
# Variables of the caller's environment that would point the nodes somewhere else.
NOT_INHERITED = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTHONPATH"}
MARKER = "clinic-topology:database"  # in each Redis database a run holds
START_TIMEOUT = 240  # seconds for a node to answer; the machine may be busy


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(taken: set[int]) -> int:
    """A port nothing listens on now, never 8000 (`make run`'s) nor one taken by this run."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 8000 and port not in taken:
            taken.add(port)
            return port


def ensure_nginx() -> None:
    """Debian's nginx, installed the way .ci/run installs Chromium when it is missing."""
    if NGINX.exists():
        return
    say("nginx is missing; installing Debian's package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "nginx"]
    quiet = {"env": env, "stdout": subprocess.DEVNULL}
    if subprocess.run(install, **quiet).returncode:
        subprocess.run(["apt-get", "update", "-q"], **quiet)
        subprocess.run(install, **quiet)
    if not NGINX.exists():
        raise SystemExit("FAIL: nginx could not be installed")


def _die_with_parent() -> None:
    """In the child: SIGTERM when this script ends, even by SIGKILL (Linux), so no node
    outlives a run that could not clean up after itself."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Node:
    """One process group: a web node, a worker node, beat or nginx."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, sig: int) -> None:
        # The whole group: gunicorn's and prefork's children go with their parent.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """Gone at once, children and all, like a machine losing power."""
        self.send(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.alive():
            self.send(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        self.send(signal.SIGKILL)  # whatever is left of the group
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Topology:
    """N gunicorn web nodes behind nginx, M Celery worker nodes and one beat, on one machine."""

    def __init__(
        self, web_nodes=2, worker_nodes=2, gunicorn_workers=2, seed_clients=40, workdir=None
    ):
        self.web_count, self.worker_count = web_nodes, worker_nodes
        self.gunicorn_workers, self.seed_clients = gunicorn_workers, seed_clients
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="clinic-topology-")).resolve()
        self.logs = self.workdir / "logs"
        self.url = ""
        self.web_urls: list[str] = []
        self.env: dict = {}
        self.database_url = ""
        self.web: list[Node] = []
        self.workers: list[Node] = []
        self.beat: Node | None = None
        self.beat_started: datetime | None = None
        self.nginx: Node | None = None
        self._redis_locks: list = []
        self._redis_dbs: list[int] = []
        self._database = ""

    # --- starting ---------------------------------------------------------------------

    def __enter__(self) -> "Topology":
        try:
            self._start()
        except BaseException:
            self._print_logs()
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None and not issubclass(exc[0], KeyboardInterrupt):
            self._print_logs()
        self.close()

    def _start(self) -> None:
        started = time.monotonic()
        ensure_nginx()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)  # nginx's workers (nobody) reach their temp folders in it
        self.logs.mkdir(exist_ok=True)
        taken: set[int] = set()
        web_ports = [free_port(taken) for _ in range(self.web_count)]
        self.url = f"http://127.0.0.1:{free_port(taken)}"
        self.web_urls = [f"http://127.0.0.1:{port}" for port in web_ports]

        self._database = f"clinic_topology_{uuid.uuid4().hex[:10]}"
        broker_db, cache_db = self._claim_redis_dbs(2)
        with psycopg.connect(**PG_SERVER, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self._database}"')
        self.database_url = f"postgres://postgres@127.0.0.1:5432/{self._database}"
        self.env = self._environment(broker_db, cache_db)
        say(f"database {self._database}; Redis broker db {broker_db}, cache db {cache_db}")

        self.manage("migrate", "--noinput", "-v0")
        # The two slow steps (compressing the static files, hashing demo passwords) at once.
        seeding = subprocess.Popen(
            [sys.executable, "manage.py", "seed_demo", "--clients", str(self.seed_clients)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            self.manage("collectstatic", "--noinput", "-v0")
        finally:
            _, errors = seeding.communicate(timeout=900)
        if seeding.returncode:
            raise RuntimeError(f"manage.py seed_demo failed:\n{errors[-3000:]}")
        say(f"migrated, static collected, {self.seed_clients} demo clients")

        for index, port in enumerate(web_ports, start=1):
            env = self._node_env(f"web{index}", static=True)
            args = [sys.executable, "-m", "gunicorn", "clinic.wsgi"]
            args += ["--workers", str(self.gunicorn_workers), "--bind", f"127.0.0.1:{port}"]
            args += ["--timeout", "60", "--graceful-timeout", "5", "--access-logfile", "-"]
            self.web.append(Node(f"web{index}", args, env, self.logs / f"web{index}.log"))
        self._start_nginx(web_ports)
        for index in range(1, self.worker_count + 1):
            env = self._node_env(f"worker{index}")
            args = [sys.executable, "-m", "celery", "-A", "clinic", "worker"]
            args += ["-n", f"worker{index}@%h", "--pool", "prefork", "--concurrency", "2"]
            args += ["--without-mingle", "--without-gossip", "--loglevel", "INFO"]
            self.workers.append(Node(f"worker{index}", args, env, self.logs / f"worker{index}.log"))
        env = self._node_env("beat")
        args = [sys.executable, "-m", "celery", "-A", "clinic", "beat", "--loglevel", "INFO"]
        self.beat = Node("beat", args, env, self.logs / "beat.log")

        for url, node in zip(self.web_urls, self.web, strict=True):
            self._wait_http(url + "/healthz", node)
        self._wait_http(self.url + "/healthz", self.nginx)
        for node in self.workers:
            self._wait_log(node, " ready.")
        self._wait_log(self.beat, "beat: Starting")
        self.beat_started = datetime.now(UTC)
        say(f"up in {time.monotonic() - started:.0f} s: nginx {self.url}, web {self.web_urls}")

    def _claim_redis_dbs(self, count: int) -> list[int]:
        """Database numbers no other run holds (a lock file each) and nothing else uses.

        Each holds a key naming the run's PostgreSQL database. A run killed before it could
        clean up (SIGKILL) leaves that key behind with its lock free: the next run drops
        that database and empties the Redis one before it takes it."""
        for db in REDIS_DBS:
            path = Path(tempfile.gettempdir()) / f"clinic-topology-redis-{db}.lock"
            lock = path.open("w")  # noqa: SIM115 - held open until close()
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            store = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db)
            left = store.get(MARKER)
            if left is None and store.dbsize():
                lock.close()  # someone else's data: leave it alone
                continue
            if left is not None:
                say(f"Redis db {db} and {left.decode()} are left from a run that was killed")
                self._drop_database(left.decode())
                store.flushdb()
            store.set(MARKER, self._database)
            self._redis_locks.append(lock)
            self._redis_dbs.append(db)
            if len(self._redis_dbs) == count:
                return self._redis_dbs
        raise SystemExit(f"FAIL: no {count} free Redis databases among {list(REDIS_DBS)}")

    @staticmethod
    def _drop_database(name: str) -> None:
        if not name.startswith("clinic_topology_"):
            return
        with psycopg.connect(**PG_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _environment(self, broker_db: int, cache_db: int) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}"
        env.update(
            DJANGO_SETTINGS_MODULE="clinic.settings",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),  # one for every node: sessions, links
            DATA_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=self.url,
            SITE_URL=self.url,
            NUM_PROXIES="1",
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=f"{redis_url}/{broker_db}",
            CELERY_QUEUE="clinic",
            CACHE_URL=f"{redis_url}/{cache_db}",
            EMAIL_URL="dummymail://",
            VAR_DIR=str(self.workdir / "var"),
            # Plain HTTP on 127.0.0.1: no TLS to redirect to or to keep cookies to.
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _node_env(self, name: str, static: bool = False) -> dict:
        """The shared environment with a VAR_DIR of the node's own, as on its own machine;
        a web node gets a copy of the collected static files, as a deploy would ship them."""
        var = self.workdir / "nodes" / name / "var"
        var.mkdir(parents=True, exist_ok=True)
        if static:
            shutil.copytree(Path(self.env["VAR_DIR"]) / "static", var / "static")
        return {**self.env, "VAR_DIR": str(var)}

    def _start_nginx(self, web_ports: list[int]) -> None:
        folder = self.workdir / "nginx"
        folder.mkdir(mode=0o755)
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in web_ports
        )
        config = NGINX_TEMPLATE.read_text()
        for name, value in {
            "@DIR@": str(folder),
            "@SERVERS@": servers,
            "@PORT@": self.url.rsplit(":", 1)[1],
            "@TRIES@": str(len(web_ports)),
        }.items():
            config = config.replace(name, value)
        (folder / "nginx.conf").write_text(config)
        args = [str(NGINX), "-p", str(folder), "-e", str(folder / "error.log")]
        args += ["-c", str(folder / "nginx.conf")]
        test = subprocess.run([*args, "-t"], capture_output=True, text=True)
        if test.returncode:
            raise RuntimeError(f"nginx refuses its config:\n{test.stderr}")
        self.nginx = Node("nginx", args, os.environ.copy(), self.logs / "nginx.log")

    def _wait_http(self, url: str, node: Node) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not node.alive():
                raise RuntimeError(f"{node.name} stopped while starting:\n{node.tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=10).status_code == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"{url} did not answer 200 within {START_TIMEOUT} s")

    def _wait_log(self, node: Node, text: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not node.alive():
                raise RuntimeError(f"{node.name} stopped while starting:\n{node.tail()}")
            if text in node.log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{node.name} did not log {text!r} within {START_TIMEOUT} s")

    # --- using it ---------------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 900) -> str:
        """Run manage.py with the nodes' environment; its standard output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def query(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        """Rows of one SQL statement against the topology's database."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def kill_web(self, index: int) -> None:
        self.web[index].kill()

    def kill_worker(self, index: int) -> None:
        self.workers[index].kill()

    # --- stopping ---------------------------------------------------------------------

    def close(self) -> None:
        """Stop every node, drop the database, empty and free the Redis databases."""
        if self.nginx is not None:
            self.nginx.stop(signal.SIGQUIT, timeout=10)
        for node in self.web:
            node.stop(timeout=10)
        for node in [*self.workers, *([self.beat] if self.beat else [])]:
            node.stop(timeout=20)  # a warm shutdown; what is left then is killed
        if self._database:
            self._drop_database(self._database)
            self._database = ""
        for db in self._redis_dbs:
            redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db).flushdb()
        for lock in self._redis_locks:
            lock.close()
        self._redis_dbs, self._redis_locks = [], []
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _print_logs(self) -> None:
        for node in [*self.web, *self.workers, self.beat, self.nginx]:
            if node is not None:
                print(f"--- last lines of {node.name}'s log ---\n{node.tail()}", flush=True)


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # so the context manager cleans up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--short", action="store_true", help="the quick checks CI runs")
    mode.add_argument("--hold", action="store_true", help="start, print the URLs, wait")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGHUP, _stop_on_sigterm)

    if args.hold:
        with Topology() as topo:
            print(f"\n  nginx: {topo.url}/   (demo password demo-healing-2026)")
            for index, url in enumerate(topo.web_urls, start=1):
                print(f"  web{index}:  {url}/")
            print(f"  logs:  {topo.logs}\n  database: {topo.database_url}\n  Ctrl-C stops it.")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
        return 0

    import topology_checks

    # A limit the throttle check can pass in a few seconds, and beat's every-minute sweep
    # three times as often, so its first run comes soon; the caller's values win.
    os.environ.setdefault("API_RATE_PER_USER", "120/min")
    os.environ.setdefault("OUTBOX_SWEEP_EVERY_SECONDS", "20")
    started = time.monotonic()
    with Topology(seed_clients=20 if args.short else 40) as topo:
        failures = topology_checks.run_all(topo, short=args.short)
        if failures:
            topo._print_logs()
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    verdict = f"{failures} check(s) FAILED" if failures else "all checks PASSED"
    print(f"\n{verdict} in {minutes} min {seconds} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
