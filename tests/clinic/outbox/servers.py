"""Real servers for the fault tests: a mail server that counts what arrives, one that
takes the connection and never answers, a Redis of the test's own, and the product's
web, worker and beat processes."""

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from tests import processes

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Arrival:
    """One message as the mail server received it for one recipient, whole: its headers
    and every part (parsed with the standard library's modern e-mail policy)."""

    at: float  # seconds since the mail server started
    recipient: str
    message: EmailMessage

    def header(self, name: str) -> str | None:
        """A header's value, unfolded (a long one arrives folded over two lines)."""
        value = self.message[name]
        return None if value is None else str(value).strip()

    def _part(self, subtype: str) -> str | None:
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            return None
        return part.get_content()

    @property
    def text(self) -> str | None:
        """The plain-text part (or the whole body of a plain message), decoded."""
        return self._part("plain")

    @property
    def html(self) -> str | None:
        return self._part("html")


def _readable(message) -> str:
    """Every text part of a message, decoded and joined: what ``mentioning`` looks through."""
    if not message.is_multipart():
        return message.get_payload(decode=True).decode()
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            parts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(parts)


@dataclass
class Mailbox:
    """Every message the mail server accepted: (seconds since start, recipient, body) in
    ``received``, with the text of every part of a multipart message as its body; and
    the whole message in ``messages``. With ``delay``, each message is answered that many
    seconds after it arrived (recorded first, as a server that took it would deliver it)."""

    started: float = field(default_factory=time.monotonic)
    received: list[tuple[float, str, str]] = field(default_factory=list)
    messages: list[Arrival] = field(default_factory=list)
    delay: float = 0.0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        whole = message_from_bytes(envelope.content, policy=policy.default)
        body = _readable(message_from_bytes(envelope.content))
        for recipient in envelope.rcpt_tos:
            at = time.monotonic() - self.started
            self.received.append((at, recipient, body))
            self.messages.append(Arrival(at, recipient, whole))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def mentioning(self, text: str) -> list[tuple[float, str, str]]:
        return [item for item in self.received if text in item[2]]

    def to(self, recipient: str) -> list[Arrival]:
        return [item for item in self.messages if item.recipient == recipient]


@contextlib.contextmanager
def mail_server(delay: float = 0.0):
    mailbox = Mailbox(delay=delay)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, mailbox
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_mail_server():
    """Accepts connections and never says a word: a sender waits for its greeting until
    it is killed. Yields (port, a list that holds one item per connection)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    connections: list[socket.socket] = []

    def accept():
        with contextlib.suppress(OSError):
            while True:
                connections.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        listener.close()
        for connection in connections:
            connection.close()


class Redis:
    """A redis-server of the test's own, stopped and started again on the same port.
    Nothing is saved to disk: a restart loses every queued message, as a crash would."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), "redis to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


def wait_for(condition, what: str, timeout: float = 60, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def web(env: dict, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    args = ["-m", "gunicorn", "clinic.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"]
    process = processes.start(args + ["--graceful-timeout", "3"], env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(port), "the web server to start")
    return process, base


def worker(env: dict, log, name: str = "worker") -> subprocess.Popen:
    args = ["-m", "celery", "-A", "clinic", "worker", "--pool=solo", "-n", f"{name}@%h"]
    args += ["--without-mingle", "--without-gossip", "--loglevel=WARNING"]
    args += ["-Q", env["CELERY_QUEUE"]]
    return processes.start(args, env, stdout=log, stderr=log)


def beat(env: dict, log) -> subprocess.Popen:
    args = ["-m", "celery", "-A", "clinic", "beat", "--loglevel=WARNING"]
    return processes.start(args, env, stdout=log, stderr=log)


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    """Stop a process and its children (its own process group); SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_all(running: list[subprocess.Popen]) -> None:
    """Stop several processes at once: each is asked to stop before any is waited for."""
    for process in running:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process in running:
        stop(process)


def call(method: str, url: str, body: dict | None = None, headers: dict | None = None):
    """(status, parsed JSON body or None). A refused connection is status 0."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310  (http to the test's own server)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload)
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None


def fetch(
    method: str, url: str, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, str]:
    """(status, body as text) of any page, as a browser or a mail program asks for it:
    no cookies, nothing added but ``headers``. A refused connection is status 0."""
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310  (http to the test's own server)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def shell(env: dict, code: str):
    """Run code in the product's shell; return the JSON it printed last."""
    output = processes.result(processes.start(["manage.py", "shell", "-c", code], env))
    return processes.last_json(output)
