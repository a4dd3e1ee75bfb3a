"""Fixtures for the Table conformance suite.

The session starts one ``storage-emulator`` (``$BATON_EMULATOR``, default
``<repo>/.build/debug/storage-emulator``) with ``--table-port 0 --jobs-port 0``, a temporary
``--location`` and the extra account ``batonsecond``; every test gets SDK clients
addressed to ``127.0.0.1`` (never ``localhost``: the SDK would switch to its Cosmos
dialect, reference §14).  At the end of the session the emulator is sent SIGTERM
and must exit with code 0.
"""

from __future__ import annotations

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.data.tables import TableServiceClient
from azure.storage.queue import QueueServiceClient

from support import (
    CLIENT_KWARGS,
    DEV_ACCOUNT,
    DEV_KEY,
    SECOND_ACCOUNT,
    SECOND_KEY,
    EmulatorProcess,
    RawTableClient,
    connection_string,
    default_accounts,
    emulator_binary,
    new_location,
    queue_connection_string,
    remove_location,
    unique_name,
)


def pytest_report_header(config):
    return f"storage-emulator: {emulator_binary()}"


# ---------------------------------------------------------------------------
# The emulator
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def emulator():
    """The session's emulator process (see ``support.EmulatorProcess``)."""
    location = new_location()
    proc = EmulatorProcess(emulator_binary(), location, default_accounts())
    try:
        proc.start()
        yield proc
    finally:
        try:
            proc.stop_cleanly()
        finally:
            remove_location(location)


@pytest.fixture
def emulator_factory():
    """Start private emulators (own --location) for tests that restart or stop one.

    ``emulator_factory()`` returns a started ``EmulatorProcess``; call ``.restart()``
    to stop it (asserting exit code 0) and start it again on the same location.
    Every private emulator is stopped (cleanly) at the end of the test.
    """
    made = []

    def make(accounts: str = default_accounts()) -> EmulatorProcess:
        proc = EmulatorProcess(emulator_binary(), new_location("baton-conformance-private-"), accounts)
        made.append(proc)
        proc.start()
        return proc


    yield make
    errors = []
    for proc in made:
        try:
            proc.stop_cleanly()
        except AssertionError as exc:  # report, but stop the others first
            errors.append(str(exc))
        finally:
            remove_location(proc.location)
    assert not errors, "\n".join(errors)


@pytest.fixture
def endpoint(emulator) -> str:
    """``http://127.0.0.1:<port>/devstoreaccount1``"""
    return emulator.endpoint(DEV_ACCOUNT)


@pytest.fixture
def second_endpoint(emulator) -> str:
    return emulator.endpoint(SECOND_ACCOUNT)


@pytest.fixture
def conn_str(endpoint) -> str:
    return connection_string(endpoint)


# ---------------------------------------------------------------------------
# SDK clients
# ---------------------------------------------------------------------------


@pytest.fixture
def service(conn_str):
    """TableServiceClient built from an explicit connection string."""
    with TableServiceClient.from_connection_string(conn_str, **CLIENT_KWARGS) as client:
        yield client


@pytest.fixture
def service_named_key(endpoint):
    """TableServiceClient built from an endpoint and an AzureNamedKeyCredential."""
    with TableServiceClient(endpoint=endpoint, credential=AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY),
                            **CLIENT_KWARGS) as client:
        yield client


@pytest.fixture
def second_service(second_endpoint):
    with TableServiceClient(endpoint=second_endpoint,
                            credential=AzureNamedKeyCredential(SECOND_ACCOUNT, SECOND_KEY),
                            **CLIENT_KWARGS) as client:
        yield client


@pytest.fixture
def table_name() -> str:
    return unique_name()


@pytest.fixture
def table(service, table_name):
    """A freshly created, uniquely named table (deleted afterwards)."""
    client = service.create_table(table_name)
    try:
        yield client
    finally:
        try:
            service.delete_table(table_name)
        except Exception:  # pylint: disable=broad-except
            pass


@pytest.fixture
def make_table(service):
    """Create extra uniquely named tables; all are deleted afterwards."""
    names = []

    def make(prefix: str = "conf"):
        name = unique_name(prefix)
        names.append(name)
        return service.create_table(name)

    yield make
    for name in names:
        try:
            service.delete_table(name)
        except Exception:  # pylint: disable=broad-except
            pass


@pytest.fixture
def raw(emulator) -> RawTableClient:
    """Signed ``requests`` client for devstoreaccount1 (see support.RawTableClient)."""
    return RawTableClient(emulator.base_url)


# ---------------------------------------------------------------------------
# Queue service clients
# ---------------------------------------------------------------------------


@pytest.fixture
def queue_service(emulator):
    """A ``QueueServiceClient`` for devstoreaccount1 on the session emulator."""
    with QueueServiceClient.from_connection_string(
            queue_connection_string(emulator.queue_endpoint()), **CLIENT_KWARGS) as client:
        yield client


@pytest.fixture
def queue_client(queue_service):
    """A fresh, empty queue (default encoding policies), deleted afterwards."""
    name = unique_name("q")
    client = queue_service.create_queue(name)
    yield client
    try:
        queue_service.delete_queue(name)
    except Exception:  # the test may have deleted it
        pass
