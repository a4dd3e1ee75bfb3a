"""Shared helpers for the Table conformance suite.

Nothing in here is a test.  The suite drives the official ``azure-data-tables``
SDK against the emulator; the few checks the SDK cannot express go through
``RawTableClient`` (plain ``requests`` with a hand-written SharedKey signer, itself
checked against the SDK-generated signing vectors in ``test_http.py``).

Evidence labels used in comments across the suite:

* ``[REC]``  a recorded live-Azure exchange from the SDK's test recordings
  (azure-sdk-for-python ``sdk/tables/azure-data-tables/tests/recordings``).
* ``[DOC]``  Microsoft's REST documentation.
* ``[REF §n]`` ``/work/shared/reference/azure-table-api.md``.
* ``[CLOUDSTUB]`` expectations from the CloudStub test-suite
  (github.com/Andrei15193/CloudStub), whose tests are written to pass against a
  live Azure Storage account as well as against its stub.
* tests marked ``@pytest.mark.guess`` assert an Azure behaviour that was inferred
  rather than observed; the reason is in the test's docstring.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from enum import Enum
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlsplit, parse_qsl

import pytest
import requests

from azure.data.tables._error import _decode_error  # the SDK's own error-body decoder

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / ".build" / "debug" / "storage-emulator"

DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

# The extra account every suite run creates with --accounts (a fixed, arbitrary key).
SECOND_ACCOUNT = "batonsecond"
SECOND_KEY = "av6+QV/NwLKqWmZ4/ub2iptJjGxGho9zGoNic8U4867WfdqsUylqc8cpTBKkC+GjGSxtDzNaNoUsqv/ZlLtWJA=="

LISTEN_PREFIX = "Table service listening on "
QUEUE_LISTEN_PREFIX = "Queue service listening on "
JOBS_LISTEN_PREFIX = "Jobs service listening on "

API_VERSION = "2019-02-02"  # what azure-data-tables 12.7.0 sends

MINIMAL_JSON_CONTENT_TYPE = "application/json; odata=minimalmetadata; streaming=true; charset=utf-8"

# Client keyword arguments used for every SDK client: fail fast instead of
# retrying 5xx answers with back-off, and never hang on a wedged emulator.
CLIENT_KWARGS = dict(retry_total=0, connection_timeout=10, read_timeout=120)


def env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


# ---------------------------------------------------------------------------
# The emulator process
# ---------------------------------------------------------------------------


class EmulatorProcess:
    """One ``storage-emulator`` process serving the Table and Queue services.

    ``start()`` launches it with ``--table-port 0 --queue-port 0 --jobs-port 0`` and waits
    for the flushed ``Table service listening on http://127.0.0.1:<port>/devstoreaccount1``,
    ``Queue service listening on ...`` and ``Jobs service listening on
    http://127.0.0.1:<port>/v1/jobs`` lines (``jobs_url``);
    ``stop()`` sends SIGTERM and returns the exit code; ``restart()`` stops it and
    starts it again on the same ``--location``.
    """

    def __init__(self, binary: Path, location: Path, accounts: str, host: str = "127.0.0.1",
                 extra_args: Optional[List[str]] = None):
        self.binary = Path(binary)
        self.location = Path(location)
        self.accounts = accounts
        self.host = host
        self.extra_args = list(extra_args or [])
        self.proc: Optional[subprocess.Popen] = None
        self.base_url: Optional[str] = None  # http://127.0.0.1:<port>
        self.port: Optional[int] = None
        self.queue_base_url: Optional[str] = None  # http://127.0.0.1:<queue port>
        self.queue_port: Optional[int] = None
        self._queue_line: Optional[str] = None
        self.stdout_lines: List[str] = []
        self._stderr_path: Optional[Path] = None
        self._stderr_file = None
        self._reader: Optional[threading.Thread] = None
        self._listening = threading.Event()
        self._listen_line: Optional[str] = None
        self._jobs_listen_line: Optional[str] = None
        self.jobs_url: Optional[str] = None  # http://127.0.0.1:<port>/v1/jobs
        self.starts = 0

    # -- helpers ----------------------------------------------------------

    def command(self) -> List[str]:
        cmd = [str(self.binary), "--table-port", "0", "--queue-port", "0", "--jobs-port", "0",
               "--location", str(self.location), "--host", self.host]
        if self.accounts:
            cmd += ["--accounts", self.accounts]
        return cmd + self.extra_args

    def stderr_text(self) -> str:
        if self._stderr_path is None or not self._stderr_path.exists():
            return ""
        try:
            return self._stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def _read_stdout(self, stream) -> None:
        for line in stream:
            line = line.rstrip("\r\n")
            self.stdout_lines.append(line)
            if self._listen_line is None and line.startswith(LISTEN_PREFIX):
                self._listen_line = line
            if self._queue_line is None and line.startswith(QUEUE_LISTEN_PREFIX):
                self._queue_line = line
            if self._jobs_listen_line is None and line.startswith(JOBS_LISTEN_PREFIX):
                self._jobs_listen_line = line
            if not self._listening.is_set() and self._listen_line and self._queue_line and self._jobs_listen_line:
                self._listening.set()
        stream.close()

    def endpoint(self, account: str = DEV_ACCOUNT) -> str:
        assert self.base_url, "emulator not started"
        return f"{self.base_url}/{account}"

    def queue_endpoint(self, account: str = DEV_ACCOUNT) -> str:
        assert self.queue_base_url, "emulator not started"
        return f"{self.queue_base_url}/{account}"

    # -- lifecycle --------------------------------------------------------

    def start(self, timeout: Optional[float] = None) -> None:
        if timeout is None:
            timeout = env_float("BATON_EMULATOR_START_TIMEOUT", 30.0)
        if not self.binary.exists():
            pytest.fail(
                f"storage-emulator binary not found at {self.binary}. Build it (swift build) or set "
                f"BATON_EMULATOR to its path.", pytrace=False)
        self.location.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        self._stderr_path = self.location.parent / f"{self.location.name}.stderr.{self.starts}.log"
        self._stderr_file = open(self._stderr_path, "w")
        self._listening.clear()
        self._listen_line = None
        self._queue_line = None
        self._jobs_listen_line = None
        self.jobs_url = None
        self.stdout_lines = []
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr_file, text=True, encoding="utf-8", errors="replace",
                                     bufsize=1)
        self._reader = threading.Thread(target=self._read_stdout, args=(self.proc.stdout,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                break
        if not self._listening.is_set():
            exited = self.proc.poll()
            if exited is None:
                self.proc.kill()
                self.proc.wait(5)
            self._reader.join(2)
            self._stderr_file.close()
            self._stderr_file = None
            self.proc = None  # nothing left to stop
            why = (f"exited with code {exited}" if exited is not None
                   else f"printed no '{LISTEN_PREFIX}...', '{QUEUE_LISTEN_PREFIX}...' and "
                        f"'{JOBS_LISTEN_PREFIX}...' lines within {timeout:.0f}s")
            pytest.fail(
                f"storage-emulator {why}.\ncommand: {' '.join(self.command())}\n"
                f"stdout:\n{os.linesep.join(self.stdout_lines) or '(empty)'}\n"
                f"stderr:\n{self.stderr_text() or '(empty)'}", pytrace=False)
        url = self._listen_line[len(LISTEN_PREFIX):].strip()
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port, \
            f"unexpected listening line: {self._listen_line!r}"
        assert parts.path.rstrip("/") == f"/{DEV_ACCOUNT}", f"unexpected listening line: {self._listen_line!r}"
        self.port = parts.port
        self.base_url = f"http://127.0.0.1:{parts.port}"
        queue_parts = urlsplit(self._queue_line[len(QUEUE_LISTEN_PREFIX):].strip())
        assert queue_parts.scheme == "http" and queue_parts.port, f"unexpected listening line: {self._queue_line!r}"
        assert queue_parts.path.rstrip("/") == f"/{DEV_ACCOUNT}", f"unexpected listening line: {self._queue_line!r}"
        self.queue_port = queue_parts.port
        self.queue_base_url = f"http://127.0.0.1:{queue_parts.port}"
        jobs_url = self._jobs_listen_line[len(JOBS_LISTEN_PREFIX):].strip()
        jobs_parts = urlsplit(jobs_url)
        assert jobs_parts.scheme == "http" and jobs_parts.hostname == "127.0.0.1" and jobs_parts.port \
            and jobs_parts.path == "/v1/jobs", f"unexpected listening line: {self._jobs_listen_line!r}"
        self.jobs_url = jobs_url

    def stop(self, timeout: Optional[float] = None) -> Optional[int]:
        """SIGTERM, then SIGKILL after ``timeout``; returns the exit code (None if killed)."""
        if timeout is None:
            timeout = env_float("BATON_EMULATOR_STOP_TIMEOUT", 15.0)
        if self.proc is None:
            return 0
        code: Optional[int]
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                code = None
        else:
            code = self.proc.returncode
        if self._reader is not None:
            self._reader.join(5)
        if self._stderr_file is not None:
            self._stderr_file.close()
        self.proc = None
        return code

    def stop_cleanly(self) -> None:
        """Stop and assert a clean exit (code 0 after SIGTERM)."""
        code = self.stop()
        assert code is not None, (
            f"storage-emulator did not exit within the SIGTERM timeout and had to be killed\n"
            f"stderr:\n{self.stderr_text()}")
        assert code == 0, f"storage-emulator exited with code {code} after SIGTERM\nstderr:\n{self.stderr_text()}"

    def restart(self) -> None:
        """Stop cleanly, then start again on the same --location (the port changes)."""
        self.stop_cleanly()
        self.start()


def emulator_binary() -> Path:
    return Path(os.environ.get("BATON_EMULATOR") or DEFAULT_BINARY)


def default_accounts() -> str:
    return f"{SECOND_ACCOUNT}:{SECOND_KEY}"


def new_location(prefix: str = "baton-conformance-") -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    return root / "data"


def remove_location(location: Path) -> None:
    shutil.rmtree(location.parent, ignore_errors=True)


# ---------------------------------------------------------------------------
# Connection strings and clients
# ---------------------------------------------------------------------------


def connection_string(endpoint: str, account: str = DEV_ACCOUNT, key: str = DEV_KEY) -> str:
    return (f"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};"
            f"TableEndpoint={endpoint};")


def queue_connection_string(endpoint: str, account: str = DEV_ACCOUNT, key: str = DEV_KEY) -> str:
    return (f"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};"
            f"QueueEndpoint={endpoint};")


def unique_name(prefix: str = "conf") -> str:
    import uuid
    return f"{prefix}{uuid.uuid4().hex[:16]}"


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _code_text(code) -> Optional[str]:
    if code is None:
        return None
    if isinstance(code, Enum):
        return code.value
    return str(code)


def error_code(exc: BaseException) -> Optional[str]:
    """The storage error code of an SDK exception.

    ``error_code`` when the SDK decoded the error (most operations do); otherwise
    (``create_entity`` re-raises the undecoded error) the code is decoded from the
    response exactly as the SDK's ``_decode_error`` does: ``x-ms-error-code``
    overridden by ``odata.error.code``.
    """
    code = getattr(exc, "error_code", None)
    if code is None and getattr(exc, "response", None) is not None:
        code = _decode_error(exc.response).error_code
    return _code_text(code)


def error_message(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if response is None:
        return str(exc)
    try:
        body = response.json()
        return body["odata.error"]["message"]["value"]
    except Exception:  # pylint: disable=broad-except
        return str(exc)


def http_error_in_chain(exc: BaseException):
    """The first exception with a ``response`` in ``exc``'s cause/context chain.

    The SDK turns some service errors into friendly ``ValueError``s raised while
    handling the original ``HttpResponseError``; this recovers that response.
    """
    seen = set()
    cur: Optional[BaseException] = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if getattr(cur, "response", None) is not None:
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def assert_error(exc: BaseException, *, status: int, code: str, cls=None) -> None:
    if cls is not None:
        assert isinstance(exc, cls), f"expected {cls.__name__}, got {type(exc).__name__}: {exc}"
    got_status = getattr(exc, "status_code", None)
    got_code = error_code(exc)
    assert (got_status, got_code) == (status, code), (
        f"expected HTTP {status} {code}, got HTTP {got_status} {got_code}: {error_message(exc)}")


# ---------------------------------------------------------------------------
# Raw HTTP with a hand-written SharedKey / SharedKeyLite signer
# ---------------------------------------------------------------------------


def rfc1123_now(offset: timedelta = timedelta(0)) -> str:
    return formatdate((datetime.now(timezone.utc) + offset).timestamp(), usegmt=True)


def sign(key: str, string_to_sign: str) -> str:
    digest = hmac.new(base64.b64decode(key), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def canonicalized_resource(account: str, url: str) -> str:
    """Table CanonicalizedResource: /account + encoded path [+ ?comp=...] [REF §12.4]."""
    parts = urlsplit(url)
    resource = f"/{account}{parts.path}"
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "comp":
            resource += f"?comp={value}"
            break
    return resource


def table_string_to_sign(method: str, url: str, headers: Dict[str, str], account: str,
                         scheme: str = "SharedKey") -> str:
    lower = {k.lower(): v for k, v in headers.items() if v is not None}
    date = lower.get("x-ms-date") or lower.get("date", "")
    resource = canonicalized_resource(account, url)
    if scheme == "SharedKeyLite":
        return f"{date}\n{resource}"
    return f"{method}\n{lower.get('content-md5', '')}\n{lower.get('content-type', '')}\n{date}\n{resource}"


class RawTableClient:
    """A tiny signed-``requests`` client for the checks the SDK cannot express."""

    def __init__(self, base_url: str, account: str = DEV_ACCOUNT, key: str = DEV_KEY):
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.key = key
        self.session = requests.Session()
        # No implicit "Accept: */*" or gzip negotiation: every header sent is one we chose.
        self.session.headers.clear()
        self.session.headers["User-Agent"] = "baton-conformance-raw"

    def url(self, path: str) -> str:
        """``path`` is relative to the account, already percent-encoded (e.g. ``Tables``)."""
        return f"{self.base_url}/{self.account}/{path.lstrip('/')}"

    def request(self, method: str, path: str, *, headers: Optional[Dict[str, Optional[str]]] = None,
                body: Optional[bytes] = None, scheme: Optional[str] = "SharedKey",
                date_header: str = "x-ms-date", date_offset: timedelta = timedelta(0),
                defaults: bool = True) -> requests.Response:
        """Send a signed request.

        ``headers`` values of ``None`` remove a default header (e.g. ``{"Accept": None}``).
        ``scheme=None`` sends no Authorization header.  ``date_header`` selects which
        of ``x-ms-date`` / ``Date`` carries the request date (or ``"both"``).
        """
        url = self.url(path)
        hdrs: Dict[str, str] = {}
        if defaults:
            hdrs.update({"x-ms-version": API_VERSION, "DataServiceVersion": "3.0",
                         "Accept": "application/json;odata=minimalmetadata"})
            if body is not None:
                hdrs["Content-Type"] = "application/json"
        now = rfc1123_now(date_offset)
        if date_header in ("x-ms-date", "both"):
            hdrs["x-ms-date"] = now
        if date_header in ("Date", "both"):
            hdrs["Date"] = now
        for name, value in (headers or {}).items():
            for existing in [k for k in hdrs if k.lower() == name.lower()]:
                del hdrs[existing]
            if value is not None:
                hdrs[name] = value
        if scheme is not None:
            sts = table_string_to_sign(method, url, hdrs, self.account, scheme)
            hdrs["Authorization"] = f"{scheme} {self.account}:{sign(self.key, sts)}"
        req = requests.Request(method, url, headers=hdrs, data=body)
        prepared = self.session.prepare_request(req)
        # requests must not re-encode the path we signed.
        assert urlsplit(prepared.url).path == urlsplit(url).path, (prepared.url, url)
        return self.session.send(prepared, timeout=60)


def odata_error(resp: requests.Response):
    """``(code, message)`` from an ``odata.error`` JSON body."""
    body = resp.json()
    err = body["odata.error"]
    return err["code"], err["message"]["value"]


class JobsSharedKeyAuth(requests.auth.AuthBase):
    """Signs a Jobs command as the emulator requires: ``SharedKey account:signature`` by the
    Table service's rules (method, Content-MD5, Content-Type, x-ms-date, then
    ``/<account><path>``), with a key of an account the emulator serves."""

    def __init__(self, account: str = DEV_ACCOUNT, key: str = DEV_KEY):
        self.account = account
        self.key = base64.b64decode(key)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        date = formatdate(usegmt=True)
        request.headers["x-ms-date"] = date
        path = urlsplit(request.url).path
        string_to_sign = "\n".join([
            request.method, request.headers.get("Content-MD5", ""), request.headers.get("Content-Type", ""), date,
            f"/{self.account}{path}",
        ])
        signature = base64.b64encode(hmac.new(self.key, string_to_sign.encode("utf-8"), hashlib.sha256).digest())
        request.headers["Authorization"] = f"SharedKey {self.account}:{signature.decode('ascii')}"
        return request
