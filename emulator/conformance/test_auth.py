"""SharedKey authentication and account isolation [REF §12]."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.data.tables import TableServiceClient

from support import (
    CLIENT_KWARGS,
    DEV_ACCOUNT,
    DEV_KEY,
    SECOND_ACCOUNT,
    SECOND_KEY,
    RawTableClient,
    assert_error,
    connection_string,
    odata_error,
    unique_name,
)


@pytest.fixture
def wrong_key_service(endpoint):
    with TableServiceClient(endpoint=endpoint, credential=AzureNamedKeyCredential(DEV_ACCOUNT, SECOND_KEY),
                            **CLIENT_KWARGS) as client:
        yield client


def test_wrong_key_is_authentication_failed(wrong_key_service, table):
    """403 AuthenticationFailed, which the SDK maps to ClientAuthenticationError [REF §12.9, §14]."""
    calls = {
        "list_tables": lambda: list(wrong_key_service.list_tables()),
        "create_table": lambda: wrong_key_service.create_table(unique_name("denied")),
        "get_entity": lambda: wrong_key_service.get_table_client(table.table_name).get_entity("p", "r"),
        "query_entities": lambda: list(wrong_key_service.get_table_client(table.table_name).query_entities("n eq 1")),
        "upsert_entity": lambda: wrong_key_service.get_table_client(table.table_name).upsert_entity(
            {"PartitionKey": "p", "RowKey": "r"}),
        "delete_table": lambda: wrong_key_service.delete_table(table.table_name),
    }
    for name, call in calls.items():
        with pytest.raises(ClientAuthenticationError) as info:
            call()
        assert_error(info.value, status=403, code="AuthenticationFailed")
    # create_entity re-raises the undecoded error: a plain HttpResponseError with the same answer.
    with pytest.raises(HttpResponseError) as info:
        wrong_key_service.get_table_client(table.table_name).create_entity({"PartitionKey": "p", "RowKey": "r"})
    assert_error(info.value, status=403, code="AuthenticationFailed")
    assert list(table.list_entities()) == []


def test_wrong_key_via_connection_string(endpoint):
    with TableServiceClient.from_connection_string(connection_string(endpoint, key=SECOND_KEY),
                                                   **CLIENT_KWARGS) as client:
        with pytest.raises(ClientAuthenticationError) as info:
            list(client.list_tables())
    assert_error(info.value, status=403, code="AuthenticationFailed")


def test_second_account_works_with_its_own_key(second_service):
    name = unique_name("second")
    client = second_service.create_table(name)
    try:
        client.create_entity({"PartitionKey": "p", "RowKey": "r", "v": 2})
        assert client.get_entity("p", "r")["v"] == 2
    finally:
        second_service.delete_table(name)


def test_accounts_are_isolated(service, second_service):
    name = unique_name("iso")
    mine = service.create_table(name)
    try:
        mine.create_entity({"PartitionKey": "p", "RowKey": "r", "owner": DEV_ACCOUNT})
        assert name not in [t.name for t in second_service.list_tables()]
        # The same table name is independent in the other account.
        theirs = second_service.create_table(name)
        try:
            assert list(theirs.list_entities()) == []
            theirs.create_entity({"PartitionKey": "p", "RowKey": "r", "owner": SECOND_ACCOUNT})
            assert mine.get_entity("p", "r")["owner"] == DEV_ACCOUNT
            assert theirs.get_entity("p", "r")["owner"] == SECOND_ACCOUNT
        finally:
            second_service.delete_table(name)
        assert mine.get_entity("p", "r")["owner"] == DEV_ACCOUNT, "deleting theirs left mine alone"
    finally:
        service.delete_table(name)


def test_account_key_does_not_open_another_account(emulator):
    """devstoreaccount1's key presented for batonsecond (and vice versa)."""
    for account, key in ((SECOND_ACCOUNT, DEV_KEY), (DEV_ACCOUNT, SECOND_KEY)):
        with TableServiceClient(endpoint=emulator.endpoint(account), credential=AzureNamedKeyCredential(account, key),
                                **CLIENT_KWARGS) as client:
            with pytest.raises(ClientAuthenticationError) as info:
                list(client.list_tables())
            assert_error(info.value, status=403, code="AuthenticationFailed")


# ---------------------------------------------------------------------------
# Raw requests: what the Python SDK never sends
# ---------------------------------------------------------------------------


def test_shared_key_lite_is_accepted(raw, table):
    """The .NET client signs with SharedKeyLite; the emulator must accept it [REF §12.3]."""
    resp = raw.request("GET", f"{table.table_name}()", scheme="SharedKeyLite")
    assert resp.status_code == 200, resp.text
    body = json.dumps({"PartitionKey": "p", "RowKey": "lite"}).encode()
    resp = raw.request("POST", table.table_name, body=body, scheme="SharedKeyLite")
    assert resp.status_code == 201, resp.text
    assert table.get_entity("p", "lite")["RowKey"] == "lite"


@pytest.mark.parametrize("date_header", ["x-ms-date", "Date", "both"])
def test_either_date_header_can_carry_the_signed_date(raw, date_header):
    """[REF §12.2] x-ms-date or Date."""
    resp = raw.request("GET", "Tables", date_header=date_header)
    assert resp.status_code == 200, resp.text


def test_bad_signature_is_authentication_failed_with_error_body(emulator):
    resp = RawTableClient(emulator.base_url, key=SECOND_KEY).request("GET", "Tables")
    assert resp.status_code == 403
    assert odata_error(resp)[0] == "AuthenticationFailed"


@pytest.mark.guess
def test_missing_authorization_is_refused(raw):
    """Anonymous access to tables is not allowed [REF §12.9].  GUESS: the exact status/code of
    Azure's refusal is unrecorded, so only "401 or 403" is asserted."""
    resp = raw.request("GET", "Tables", scheme=None)
    assert resp.status_code in (401, 403), resp.text


def test_request_older_than_15_minutes_is_authentication_failed(raw):
    """Azure rejects requests whose date is more than 15 minutes off [REF §12.9, §16]."""
    resp = raw.request("GET", "Tables", date_offset=-timedelta(minutes=20))
    assert resp.status_code == 403, resp.text
    assert odata_error(resp)[0] == "AuthenticationFailed"
    assert raw.request("GET", "Tables", date_offset=-timedelta(minutes=5)).status_code == 200
