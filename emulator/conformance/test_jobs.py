"""Conformance of the emulator's Jobs service to the pip-services Jobs HTTP dialect.

Plain HTTP with ``requests``, as a pip-services ``CommandableHttpClient`` speaks it, plus the
emulator's authentication (a Table-style ``SharedKey`` signature, ``support.JobsSharedKeyAuth``):
``POST /v1/jobs/<command>?correlation_id=…`` with a JSON body of named arguments;
a result is 200 JSON, no result 204, an error a JSON ``ErrorDescription`` with its
status (reference §7.4).  Baton's additions are checked too: ``lock_token`` (409 for a
stale one), atomic claims under concurrency and atomic ``add_uniq_job``.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import pytest
import requests

from support import (SECOND_ACCOUNT, SECOND_KEY, EmulatorProcess, JobsSharedKeyAuth, default_accounts, emulator_binary,
                     new_location, remove_location)

TIMEOUT = 30


class JobsClient:
    """A minimal pip-services Jobs HTTP client: one method per call, no retries."""

    def __init__(self, base_url: str, correlation_id: str = "conformance",
                 auth: Optional[requests.auth.AuthBase] = JobsSharedKeyAuth()):
        self.base_url = base_url
        self.correlation_id = correlation_id
        self.session = requests.Session()
        self.session.auth = auth

    def call(self, command: str, args: Optional[Dict[str, Any]] = None, **kwargs) -> requests.Response:
        return self.session.post(f"{self.base_url}/{command}", params={"correlation_id": self.correlation_id},
                                 json=args if args is not None else {}, timeout=TIMEOUT, **kwargs)

    def result(self, command: str, args: Optional[Dict[str, Any]] = None) -> Optional[Dict[str, Any]]:
        """The JSON result, or None for 204; any other status fails the test."""
        response = self.call(command, args)
        if response.status_code == 204:
            assert response.content == b""
            return None
        assert response.status_code == 200, f"{command}: {response.status_code} {response.text}"
        assert response.headers["Content-Type"].startswith("application/json")
        return response.json()

    def close(self) -> None:
        self.session.close()


def parse_date(text: str) -> datetime:
    assert text.endswith("Z") and len(text) == 24, f"not ISO 8601 with milliseconds: {text!r}"
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def unique_type() -> str:
    return f"conformance-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def jobs(emulator):
    client = JobsClient(emulator.jobs_url)
    yield client
    client.close()


@pytest.fixture
def private_emulator():
    """Start private emulators with extra flags; each is stopped cleanly at the end."""
    made: List[EmulatorProcess] = []

    def make(*extra_args: str) -> EmulatorProcess:
        proc = EmulatorProcess(emulator_binary(), new_location("baton-conformance-jobs-"), default_accounts(),
                               extra_args=list(extra_args))
        made.append(proc)
        proc.start()
        return proc

    yield make
    for proc in made:
        try:
            proc.stop_cleanly()
        finally:
            remove_location(proc.location)


def new_job(job_type: str, ref_id: str, ttl: int = 0, params: Any = None) -> Dict[str, Any]:
    job: Dict[str, Any] = {"type": job_type, "ref_id": ref_id, "ttl": ttl}
    if params is not None:
        job["params"] = params
    return {"new_job": job}


# ---------------------------------------------------------------------------
# The dialect
# ---------------------------------------------------------------------------


def test_listening_line(emulator):
    assert emulator.jobs_url.startswith("http://127.0.0.1:") and emulator.jobs_url.endswith("/v1/jobs")
    lines = [line for line in emulator.stdout_lines if " service listening on " in line]
    assert lines[0].startswith("Table service listening on ")
    assert any(line.startswith("Jobs service listening on ") for line in lines[1:])


def test_add_job_has_the_original_shape(jobs):
    job_type = unique_type()
    before = datetime.now(timezone.utc)
    job = jobs.result("add_job", new_job(job_type, "file-1", ttl=60000, params={"size": 5}))
    assert set(job) >= {"id", "type", "ref_id", "params", "created", "started", "locked_until", "execute_until",
                        "completed", "retries"}
    assert len(job["id"]) == 32
    assert (job["type"], job["ref_id"], job["params"], job["retries"]) == (job_type, "file-1", {"size": 5}, 0)
    assert job["started"] is None and job["locked_until"] is None and job["completed"] is None
    created = parse_date(job["created"])
    assert abs((created - before).total_seconds()) < 5
    assert (parse_date(job["execute_until"]) - created).total_seconds() == pytest.approx(60, abs=0.002)
    assert jobs.result("add_job", new_job(job_type, "file-2"))["execute_until"] is None


def test_every_command(jobs):
    job_type = unique_type()
    first = jobs.result("add_job", new_job(job_type, "a"))
    assert jobs.result("add_uniq_job", new_job(job_type, "a")) == first
    second = jobs.result("add_uniq_job", new_job(job_type, "b"))
    assert second["id"] != first["id"]
    assert jobs.result("get_job_by_id", {"job_id": first["id"]}) == first
    assert jobs.result("get_job_by_id", {"job_id": "missing"}) is None

    page = jobs.result("get_jobs", {"filter": {"type": job_type}, "paging": {"skip": 1, "take": 1, "total": True}})
    assert page == {"data": [second], "total": 2}
    assert jobs.result("get_jobs", {"filter": {"type": job_type, "ref_id": "a"}})["data"] == [first]
    assert "total" not in jobs.result("get_jobs", {"filter": {"type": job_type}})

    claimed = jobs.result("start_job_by_type", {"type": job_type, "timeout": 60000})
    assert claimed["id"] == first["id"] and claimed["retries"] == 1
    started = parse_date(claimed["started"])
    assert (parse_date(claimed["locked_until"]) - started).total_seconds() == pytest.approx(60, abs=0.002)
    by_id = jobs.result("start_job_by_id", {"job_id": second["id"], "timeout": 60000})
    assert by_id["id"] == second["id"]
    assert jobs.result("start_job_by_type", {"type": job_type, "timeout": 60000}) is None
    assert jobs.result("start_job_by_id", {"job_id": first["id"], "timeout": 60000}) is None

    token = claimed["lock_token"]
    extended = jobs.result("extend_job", {"job_id": first["id"], "timeout": 120000, "lock_token": token})
    assert parse_date(extended["locked_until"]) > parse_date(claimed["locked_until"])
    aborted = jobs.result("abort_job", {"job_id": first["id"], "lock_token": token})
    assert aborted["started"] is None and aborted["locked_until"] is None and aborted["retries"] == 1
    again = jobs.result("start_job_by_type", {"type": job_type, "timeout": 60000})
    assert again["id"] == first["id"] and again["retries"] == 2
    completed = jobs.result("complete_job", {"job_id": first["id"], "lock_token": again["lock_token"]})
    assert completed["completed"] is not None and completed["locked_until"] is None
    # Without a token, as the original: unconditional.
    assert jobs.result("complete_job", {"job_id": second["id"]})["completed"] is not None
    assert jobs.result("get_jobs", {"filter": {"type": job_type, "min_retries": 1}})["data"][0]["id"] == first["id"]

    assert jobs.result("delete_job_by_id", {"job_id": first["id"]})["id"] == first["id"]
    assert jobs.result("delete_job_by_id", {"job_id": first["id"]}) is None


def test_nothing_claimable_is_204(jobs):
    response = jobs.call("start_job_by_type", {"type": unique_type(), "timeout": 1000})
    assert response.status_code == 204 and response.content == b""


def test_lapsed_lock_is_claimable_again_and_stale_token_conflicts(jobs):
    job_type = unique_type()
    job = jobs.result("add_job", new_job(job_type, "r"))
    # Long enough that a loaded machine cannot let it lapse before the second call.
    first = jobs.result("start_job_by_type", {"type": job_type, "timeout": 1500})
    assert jobs.result("start_job_by_type", {"type": job_type, "timeout": 1500}) is None
    time.sleep(1.6)
    second = jobs.result("start_job_by_type", {"type": job_type, "timeout": 60000})
    assert second["id"] == job["id"] and second["retries"] == 2 and second["lock_token"] != first["lock_token"]
    for command, extra in (("extend_job", {"timeout": 1000}), ("abort_job", {}), ("complete_job", {})):
        response = jobs.call(command, {"job_id": job["id"], "lock_token": first["lock_token"], **extra})
        assert response.status_code == 409, response.text
        error = response.json()
        assert (error["category"], error["code"], error["status"]) == ("Conflict", "LOCK_TOKEN_MISMATCH", 409)
        assert error["correlation_id"] == "conformance"
    assert jobs.result("get_job_by_id", {"job_id": job["id"]}) == second


@pytest.mark.parametrize("command,body", [
    ("add_job", {}),
    ("add_job", {"new_job": {"type": "t", "ttl": 1}}),
    ("add_job", {"new_job": {"type": "t", "ref_id": "r", "ttl": "soon"}}),
    ("get_jobs", {"filter": {"created_from": "yesterday"}}),
    ("get_job_by_id", {}),
    ("start_job_by_type", {"type": "t"}),
    ("start_job_by_id", {"job_id": "j", "timeout": -1}),
    ("extend_job", {"job_id": "j"}),
    ("complete_job", {"job_id": "j", "lock_token": 7}),
])
def test_invalid_arguments_are_400(jobs, command, body):
    response = jobs.call(command, body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert (error["category"], error["code"], error["status"]) == ("BadRequest", "INVALID_DATA", 400)
    assert error["type"] and error["message"]


def test_invalid_json_is_400(jobs):
    response = jobs.call("add_job", data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_unknown_command_is_404(jobs):
    response = jobs.call("clean_jobs", {})
    assert response.status_code == 404
    assert response.json()["category"] == "NotFound"


def test_correlation_id_header_is_accepted(emulator):
    response = requests.post(f"{emulator.jobs_url}/get_job_by_id", json={}, headers={"correlation_id": "from-header"},
                             auth=JobsSharedKeyAuth(), timeout=TIMEOUT)
    assert response.status_code == 400
    assert response.json()["correlation_id"] == "from-header"


# ---------------------------------------------------------------------------
# Authentication (Baton: the dialect has none; the emulator serves no unauthenticated request)
# ---------------------------------------------------------------------------


def test_unsigned_and_badly_signed_commands_are_401(emulator):
    for auth in (None, JobsSharedKeyAuth(key=SECOND_KEY), JobsSharedKeyAuth(account="nosuchaccount")):
        client = JobsClient(emulator.jobs_url, auth=auth)
        response = client.call("get_jobs", {})
        client.close()
        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHORIZED"
        assert response.json()["correlation_id"] == "conformance"


def test_any_served_account_may_sign(emulator):
    client = JobsClient(emulator.jobs_url, auth=JobsSharedKeyAuth(SECOND_ACCOUNT, SECOND_KEY))
    assert client.result("get_jobs", {})["data"] is not None
    client.close()


def test_jobs_anonymous_serves_unsigned_commands(private_emulator):
    proc = private_emulator("--jobs-anonymous")
    client = JobsClient(proc.jobs_url, auth=None)
    job = client.result("add_job", new_job("anonymous", "r"))
    assert client.result("get_job_by_id", {"job_id": job["id"]})["ref_id"] == "r"
    client.close()


# ---------------------------------------------------------------------------
# Concurrency
# ---------------------------------------------------------------------------


def race(workers: int, work) -> List[Any]:
    """Runs ``work()`` on ``workers`` threads released together; returns their results."""
    barrier = threading.Barrier(workers)
    results: List[Any] = [None] * workers
    errors: List[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(TIMEOUT)
            results[index] = work()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not errors, errors
    return results


def test_twenty_threads_racing_claim_each_of_five_jobs_exactly_once(emulator):
    job_type = unique_type()
    setup = JobsClient(emulator.jobs_url)
    added = {setup.result("add_job", new_job(job_type, f"r{index}"))["id"] for index in range(5)}

    def claim():
        client = JobsClient(emulator.jobs_url)
        try:
            claimed = []
            while True:
                job = client.result("start_job_by_type", {"type": job_type, "timeout": 60000})
                if job is None:
                    return claimed
                claimed.append(job["id"])
        finally:
            client.close()

    claims = [job_id for result in race(20, claim) for job_id in result]
    assert sorted(claims) == sorted(added), "every job claimed exactly once"
    page = setup.result("get_jobs", {"filter": {"type": job_type}})
    assert {job["retries"] for job in page["data"]} == {1}
    setup.close()


def test_add_uniq_job_is_atomic_under_concurrency(emulator):
    job_type = unique_type()

    def add():
        client = JobsClient(emulator.jobs_url)
        try:
            return client.result("add_uniq_job", new_job(job_type, "same"))["id"]
        finally:
            client.close()

    identifiers = race(10, add)
    assert len(set(identifiers)) == 1
    client = JobsClient(emulator.jobs_url)
    assert client.result("get_jobs", {"filter": {"type": job_type}, "paging": {"total": True}})["total"] == 1
    client.close()


# ---------------------------------------------------------------------------
# Durability, retries and cleanup (private emulators)
# ---------------------------------------------------------------------------


def test_jobs_survive_a_restart(private_emulator):
    proc = private_emulator()
    client = JobsClient(proc.jobs_url)
    job = client.result("add_job", new_job("durable", "r", ttl=600000, params=[1, "two"]))
    client.close()
    proc.restart()
    client = JobsClient(proc.jobs_url)
    assert client.result("get_job_by_id", {"job_id": job["id"]}) == job
    assert client.result("start_job_by_type", {"type": "durable", "timeout": 1000})["id"] == job["id"]
    client.close()


def test_max_retries_and_cleanup(private_emulator):
    proc = private_emulator("--jobs-max-retries", "1", "--jobs-clean-interval", "100")
    client = JobsClient(proc.jobs_url)
    exhausted = client.result("add_job", new_job("t", "exhausted"))
    assert client.result("start_job_by_type", {"type": "t", "timeout": 50})["id"] == exhausted["id"]
    done = client.result("add_job", new_job("d", "done"))
    client.result("complete_job", {"job_id": done["id"]})
    expired = client.result("add_job", new_job("e", "expired", ttl=50))
    kept = client.result("add_job", new_job("k", "kept"))
    time.sleep(0.1)
    assert client.result("start_job_by_type", {"type": "t", "timeout": 50}) is None, "max_retries reached"
    assert client.result("start_job_by_type", {"type": "e", "timeout": 50}) is None, "expired"
    deadline = time.monotonic() + 10
    remaining = None
    while time.monotonic() < deadline:
        remaining = {job["id"] for job in client.result("get_jobs", {})["data"]}
        if remaining == {kept["id"]}:
            break
        time.sleep(0.05)
    assert remaining == {kept["id"]}, "completed, expired and exhausted jobs are cleaned"
    client.close()
