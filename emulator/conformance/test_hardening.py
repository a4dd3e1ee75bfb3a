"""Hardening seen from outside: the unauthenticated health endpoint, SAS signatures kept out of
the log when the official SDK sends them, and the warning for a non-loopback ``--host``.

Not Azure behaviour: these are the emulator's own promises (``Docs/RELIABILITY.md``, Hardening).
"""

from __future__ import annotations

import signal
import subprocess
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import requests
from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential
from azure.data.tables import TableClient, TableSasPermissions, TableServiceClient, generate_table_sas

from support import (
    CLIENT_KWARGS,
    DEV_ACCOUNT,
    DEV_KEY,
    EmulatorProcess,
    default_accounts,
    emulator_binary,
    new_location,
    remove_location,
    unique_name,
)


def test_health_answers_without_credentials(emulator):
    jobs_base = emulator.jobs_url[: -len("/v1/jobs")]
    for base in (emulator.base_url, emulator.queue_base_url, jobs_base):
        response = requests.get(f"{base}/health", timeout=10)
        assert response.status_code == 200, base
        assert response.json() == {"status": "ok"}, base
        assert response.headers["Content-Type"] == "application/json"


def test_storage_requests_without_credentials_are_refused(emulator):
    response = requests.get(f"{emulator.endpoint()}/Tables", headers={"x-ms-version": "2019-02-02"}, timeout=10)
    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
    response = requests.get(f"{emulator.queue_endpoint()}?comp=list", timeout=10)
    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"


def test_sas_signature_never_reaches_the_log():
    emu = EmulatorProcess(emulator_binary(), new_location("baton-conformance-hardening-"), default_accounts(),
                          extra_args=["--log-level", "info"])
    try:
        emu.start()
        credential = AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY)
        name = unique_name("sas")
        TableServiceClient(endpoint=emu.endpoint(), credential=credential, **CLIENT_KWARGS).create_table(name)
        token = generate_table_sas(
            credential, name, permission=TableSasPermissions(read=True, add=True),
            expiry=datetime.now(timezone.utc) + timedelta(hours=1))
        client = TableClient(endpoint=emu.endpoint(), table_name=name, credential=AzureSasCredential(token),
                             **CLIENT_KWARGS)
        client.create_entity({"PartitionKey": "p", "RowKey": "r"})
        assert client.get_entity("p", "r")["RowKey"] == "r"
        emu.stop_cleanly()
        log = emu.stderr_text()
        signature = dict(part.split("=", 1) for part in token.split("&"))["sig"]
        assert "sig=<redacted>" in log  # the SAS requests were logged ...
        assert signature not in log and unquote(signature) not in log  # ... without their signature
    finally:
        emu.stop()
        remove_location(emu.location)


def run_until_listening(host: str) -> str:
    """Starts the emulator on ``host``, stops it once it listens, and returns its standard error."""
    location = new_location("baton-conformance-host-")
    command = [str(emulator_binary()), "--in-memory", "--table-port", "0", "--queue-port", "0", "--jobs-port", "0",
               "--host", host]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(3):
            assert "listening on" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 0
        return stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        remove_location(location)


def test_non_loopback_host_prints_a_warning():
    assert "warning: listening on 0.0.0.0, not a loopback address" in run_until_listening("0.0.0.0")
    assert "warning" not in run_until_listening("127.0.0.1")
