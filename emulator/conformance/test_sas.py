"""Shared access signatures: table SAS (permissions, time window, key ranges, stored policies)
and account SAS (resource types, permissions), used through ``AzureSasCredential`` [REF §12.7-12.8]."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential
from azure.core.exceptions import HttpResponseError
from azure.data.tables import (
    AccountSasPermissions,
    ResourceTypes,
    TableAccessPolicy,
    TableClient,
    TableSasPermissions,
    TableServiceClient,
    UpdateMode,
    generate_account_sas,
    generate_table_sas,
)

from support import (
    CLIENT_KWARGS,
    DEV_ACCOUNT,
    DEV_KEY,
    SECOND_ACCOUNT,
    SECOND_KEY,
    assert_error,
    error_code,
    unique_name,
)

DEV_CREDENTIAL = AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY)


def now():
    return datetime.now(timezone.utc)


def table_sas_client(emulator, table_name, *, credential=DEV_CREDENTIAL, **sas_kwargs) -> TableClient:
    sas_kwargs.setdefault("expiry", now() + timedelta(hours=1))
    token = generate_table_sas(credential, table_name, **sas_kwargs)
    return TableClient(endpoint=emulator.endpoint(), table_name=table_name, credential=AzureSasCredential(token),
                       **CLIENT_KWARGS)


def account_sas_service(emulator, resource_types, permission, *, credential=DEV_CREDENTIAL,
                        account=DEV_ACCOUNT, **kwargs) -> TableServiceClient:
    kwargs.setdefault("expiry", now() + timedelta(hours=1))
    token = generate_account_sas(credential, resource_types=resource_types, permission=permission, **kwargs)
    return TableServiceClient(endpoint=emulator.endpoint(account), credential=AzureSasCredential(token),
                              **CLIENT_KWARGS)


def outcome(call) -> str:
    """'ok', or 'HTTP <status> <code>' for a service error."""
    try:
        result = call()
        if hasattr(result, "__iter__") and not isinstance(result, (dict, str)):
            list(result)
        return "ok"
    except HttpResponseError as exc:
        return f"HTTP {exc.status_code} {error_code(exc)}"


DENIED = "HTTP 403 AuthorizationPermissionMismatch"


def entity_operations(client: TableClient) -> dict:
    """One attempt of each entity operation class; the seeded rows are 'existing' and 'doomed'."""
    return {
        "read: get_entity": lambda: client.get_entity("p", "existing"),
        "read: query_entities": lambda: client.query_entities("PartitionKey eq 'p'"),
        "add: create_entity": lambda: client.create_entity({"PartitionKey": "p", "RowKey": "added"}),
        "update: update_entity merge": lambda: client.update_entity(
            {"PartitionKey": "p", "RowKey": "existing", "n": 1}, mode=UpdateMode.MERGE),
        "update: update_entity replace": lambda: client.update_entity(
            {"PartitionKey": "p", "RowKey": "existing", "n": 2}, mode=UpdateMode.REPLACE),
        "delete: delete_entity": lambda: client.delete_entity("p", "doomed"),
    }


@pytest.mark.parametrize("letter, allowed", [
    ("r", "read"), ("a", "add"), ("u", "update"), ("d", "delete"),
])
def test_table_sas_single_permission(emulator, table, letter, allowed):
    """Each of r/a/u/d allows exactly its own operations; others are 403
    AuthorizationPermissionMismatch [REF §4, §12.7]."""
    table.create_entity({"PartitionKey": "p", "RowKey": "existing", "n": 0})
    table.create_entity({"PartitionKey": "p", "RowKey": "doomed"})
    perms = TableSasPermissions(read=letter == "r", add=letter == "a", update=letter == "u", delete=letter == "d")
    with table_sas_client(emulator, table.table_name, permission=perms) as client:
        got = {name: outcome(call) for name, call in entity_operations(client).items()}
    expected = {name: ("ok" if name.startswith(allowed + ":") else DENIED) for name in got}
    assert got == expected
    rows = {e["RowKey"] for e in table.list_entities()}
    assert ("added" in rows) == (letter == "a")
    assert ("doomed" in rows) == (letter != "d")


def test_table_sas_upsert_needs_add_and_update(emulator, table):
    """[DOC; the SDK's TableSasPermissions docstring] "Add and Update permissions are required
    for upsert operations"."""
    for perms, expected in [
        (TableSasPermissions(add=True), DENIED),
        (TableSasPermissions(update=True), DENIED),
        (TableSasPermissions(add=True, update=True), "ok"),
    ]:
        with table_sas_client(emulator, table.table_name, permission=perms) as client:
            for mode in (UpdateMode.MERGE, UpdateMode.REPLACE):
                got = outcome(lambda: client.upsert_entity({"PartitionKey": "p", "RowKey": f"u-{mode.value}"},
                                                           mode=mode))
                assert got == expected, (str(perms), mode)


def test_table_sas_all_permissions_and_batch(emulator, table):
    perms = TableSasPermissions(read=True, add=True, update=True, delete=True)
    with table_sas_client(emulator, table.table_name, permission=perms) as client:
        client.create_entity({"PartitionKey": "p", "RowKey": "a"})
        client.create_entity({"PartitionKey": "p", "RowKey": "c"})
        client.submit_transaction([("create", {"PartitionKey": "p", "RowKey": "b"}),
                                   ("upsert", {"PartitionKey": "p", "RowKey": "a", "n": 1}),
                                   ("delete", {"PartitionKey": "p", "RowKey": "c"})])
        assert [(e["RowKey"], e.get("n")) for e in client.list_entities()] == [("a", 1), ("b", None)]


def test_table_sas_does_not_reach_another_table(emulator, table, make_table):
    other = make_table()
    other.create_entity({"PartitionKey": "p", "RowKey": "r"})
    perms = TableSasPermissions(read=True, add=True, update=True, delete=True)
    token = generate_table_sas(DEV_CREDENTIAL, table.table_name, permission=perms, expiry=now() + timedelta(hours=1))
    with TableClient(endpoint=emulator.endpoint(), table_name=other.table_name, credential=AzureSasCredential(token),
                     **CLIENT_KWARGS) as client:
        with pytest.raises(HttpResponseError) as info:
            client.get_entity("p", "r")
        assert info.value.status_code == 403


def test_table_sas_with_mixed_case_table_name(emulator, service):
    """The string-to-sign lower-cases the table name (Azurite #1359)."""
    name = "SasMixed" + unique_name("")[:10]
    service.create_table(name)
    try:
        perms = TableSasPermissions(read=True, add=True)
        with table_sas_client(emulator, name, permission=perms) as client:
            client.create_entity({"PartitionKey": "p", "RowKey": "r"})
            assert [e["RowKey"] for e in client.list_entities()] == ["r"]
    finally:
        service.delete_table(name)


@pytest.mark.guess
def test_table_sas_expired_is_authentication_failed(emulator, table):
    """GUESS on the code: a SAS outside its time window is 403 AuthenticationFailed as for the
    other storage services (the status is certain)."""
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    with table_sas_client(emulator, table.table_name, permission=TableSasPermissions(read=True),
                          start=now() - timedelta(hours=2), expiry=now() - timedelta(hours=1)) as client:
        with pytest.raises(HttpResponseError) as info:
            client.get_entity("p", "r")
    assert_error(info.value, status=403, code="AuthenticationFailed")


@pytest.mark.guess
def test_table_sas_not_yet_valid_is_authentication_failed(emulator, table):
    """GUESS on the code, as above: start time in the future."""
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    with table_sas_client(emulator, table.table_name, permission=TableSasPermissions(read=True),
                          start=now() + timedelta(hours=1), expiry=now() + timedelta(hours=2)) as client:
        with pytest.raises(HttpResponseError) as info:
            client.get_entity("p", "r")
    assert_error(info.value, status=403, code="AuthenticationFailed")


def test_table_sas_with_tampered_signature_is_authentication_failed(emulator, table):
    token = generate_table_sas(DEV_CREDENTIAL, table.table_name, permission=TableSasPermissions(read=True),
                               expiry=now() + timedelta(hours=1))
    tampered = token.replace("sp=r", "sp=raud")
    assert tampered != token
    with TableClient(endpoint=emulator.endpoint(), table_name=table.table_name,
                     credential=AzureSasCredential(tampered), **CLIENT_KWARGS) as client:
        with pytest.raises(HttpResponseError) as info:
            client.create_entity({"PartitionKey": "p", "RowKey": "r"})
    assert_error(info.value, status=403, code="AuthenticationFailed")
    assert list(table.list_entities()) == []


def test_table_sas_signed_with_another_accounts_key_is_authentication_failed(emulator, table):
    with table_sas_client(emulator, table.table_name, permission=TableSasPermissions(read=True),
                          credential=AzureNamedKeyCredential(DEV_ACCOUNT, SECOND_KEY)) as client:
        with pytest.raises(HttpResponseError) as info:
            list(client.list_entities())
    assert_error(info.value, status=403, code="AuthenticationFailed")


# ---------------------------------------------------------------------------
# Key ranges (spk / srk / epk / erk) - enforced by Azure, not by Azurite [REF §16]
# ---------------------------------------------------------------------------

RANGE = dict(start_pk="m", start_rk="b", end_pk="m", end_rk="d")


def test_table_sas_key_range_insert(emulator, table):
    """[REC test_sas_add_outside_range] outside the range: 403 AuthorizationFailure."""
    with table_sas_client(emulator, table.table_name, permission=TableSasPermissions(add=True), **RANGE) as client:
        for rk in ("b", "c", "d"):
            client.create_entity({"PartitionKey": "m", "RowKey": rk})
        for pk, rk in (("m", "a"), ("m", "e"), ("l", "c"), ("n", "c")):
            with pytest.raises(HttpResponseError) as info:
                client.create_entity({"PartitionKey": pk, "RowKey": rk})
            assert_error(info.value, status=403, code="AuthorizationFailure")
    assert sorted((e["PartitionKey"], e["RowKey"]) for e in table.list_entities()) == [("m", "b"), ("m", "c"),
                                                                                        ("m", "d")]


def test_table_sas_key_range_spanning_partitions(emulator, table):
    """(start_pk, start_rk) <= (pk, rk) <= (end_pk, end_rk), compared as key pairs."""
    with table_sas_client(emulator, table.table_name, permission=TableSasPermissions(add=True),
                          start_pk="b", start_rk="5", end_pk="d", end_rk="5") as client:
        inside = [("b", "5"), ("b", "9"), ("c", "0"), ("c", "zzz"), ("d", "0"), ("d", "5")]
        outside = [("b", "4"), ("a", "9"), ("d", "6"), ("e", "0")]
        for pk, rk in inside:
            client.create_entity({"PartitionKey": pk, "RowKey": rk})
        for pk, rk in outside:
            with pytest.raises(HttpResponseError) as info:
                client.create_entity({"PartitionKey": pk, "RowKey": rk})
            assert_error(info.value, status=403, code="AuthorizationFailure")
    assert sorted((e["PartitionKey"], e["RowKey"]) for e in table.list_entities()) == sorted(inside)


@pytest.mark.guess
def test_table_sas_key_range_read_update_delete(emulator, table):
    """GUESS on the code for non-insert operations: the recorded insert case is
    AuthorizationFailure, assumed the same for get / update / delete."""
    for rk in ("a", "c", "e"):
        table.create_entity({"PartitionKey": "m", "RowKey": rk, "n": 0})
    perms = TableSasPermissions(read=True, update=True, delete=True)
    with table_sas_client(emulator, table.table_name, permission=perms, **RANGE) as client:
        assert client.get_entity("m", "c")["n"] == 0
        client.update_entity({"PartitionKey": "m", "RowKey": "c", "n": 1})
        for call in (lambda: client.get_entity("m", "a"),
                     lambda: client.update_entity({"PartitionKey": "m", "RowKey": "e", "n": 1}),
                     lambda: client.delete_entity("m", "e")):
            with pytest.raises(HttpResponseError) as info:
                call()
            assert_error(info.value, status=403, code="AuthorizationFailure")
        client.delete_entity("m", "c")
    assert sorted(e["RowKey"] for e in table.list_entities()) == ["a", "e"]


# ---------------------------------------------------------------------------
# Stored access policies (si)
# ---------------------------------------------------------------------------


def test_table_sas_from_stored_access_policy(emulator, table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    table.set_table_access_policy({
        "readers": TableAccessPolicy(start=now() - timedelta(minutes=5), expiry=now() + timedelta(hours=1),
                                     permission="r"),
    })
    token = generate_table_sas(DEV_CREDENTIAL, table.table_name, policy_id="readers")
    with TableClient(endpoint=emulator.endpoint(), table_name=table.table_name, credential=AzureSasCredential(token),
                     **CLIENT_KWARGS) as client:
        assert [e["RowKey"] for e in client.list_entities()] == ["r"]
        with pytest.raises(HttpResponseError) as info:
            client.create_entity({"PartitionKey": "p", "RowKey": "x"})
        assert_error(info.value, status=403, code="AuthorizationPermissionMismatch")


# ---------------------------------------------------------------------------
# Account SAS
# ---------------------------------------------------------------------------

ALL_PERMS = AccountSasPermissions(read=True, write=True, delete=True, list=True, add=True, create=True,
                                  update=True)
ALL_TYPES = ResourceTypes(service=True, container=True, object=True)


def test_account_sas_with_everything(emulator, service):
    with account_sas_service(emulator, ALL_TYPES, ALL_PERMS) as sas_service:
        name = unique_name("acct")
        client = sas_service.create_table(name)
        try:
            client.create_entity({"PartitionKey": "p", "RowKey": "r", "n": 1})
            client.update_entity({"PartitionKey": "p", "RowKey": "r", "n": 2})
            client.upsert_entity({"PartitionKey": "p", "RowKey": "s", "n": 3})
            assert [e["n"] for e in client.list_entities()] == [2, 3]
            assert name in [t.name for t in sas_service.list_tables()]
            client.delete_entity("p", "r")
        finally:
            sas_service.delete_table(name)
    assert name not in [t.name for t in service.list_tables()]


def test_account_sas_object_read_only(emulator, table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    with account_sas_service(emulator, ResourceTypes(object=True), AccountSasPermissions(read=True)) as sas_service:
        client = sas_service.get_table_client(table.table_name)
        assert [e["RowKey"] for e in client.list_entities()] == ["r"]
        assert client.get_entity("p", "r")["RowKey"] == "r"
        with pytest.raises(HttpResponseError) as info:
            client.create_entity({"PartitionKey": "p", "RowKey": "x"})
        assert_error(info.value, status=403, code="AuthorizationPermissionMismatch")
        with pytest.raises(HttpResponseError) as info:
            client.delete_entity("p", "r")
        assert_error(info.value, status=403, code="AuthorizationPermissionMismatch")
        # Query Tables is a container-level operation.
        with pytest.raises(HttpResponseError) as info:
            list(sas_service.list_tables())
        assert_error(info.value, status=403, code="AuthorizationResourceTypeMismatch")


def test_account_sas_container_list_only(emulator, table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    with account_sas_service(emulator, ResourceTypes(container=True), AccountSasPermissions(list=True)) as sas_service:
        assert table.table_name in [t.name for t in sas_service.list_tables()]
        with pytest.raises(HttpResponseError) as info:
            sas_service.create_table(unique_name("nope"))
        assert_error(info.value, status=403, code="AuthorizationPermissionMismatch")
        with pytest.raises(HttpResponseError) as info:
            sas_service.get_table_client(table.table_name).get_entity("p", "r")
        assert_error(info.value, status=403, code="AuthorizationResourceTypeMismatch")


@pytest.mark.guess
def test_account_sas_expired_is_authentication_failed(emulator):
    """GUESS on the code, as for the table SAS."""
    with account_sas_service(emulator, ALL_TYPES, ALL_PERMS, start=now() - timedelta(hours=2),
                             expiry=now() - timedelta(hours=1)) as sas_service:
        with pytest.raises(HttpResponseError) as info:
            list(sas_service.list_tables())
    assert_error(info.value, status=403, code="AuthenticationFailed")


def test_account_sas_of_one_account_does_not_open_another(emulator):
    second = AzureNamedKeyCredential(SECOND_ACCOUNT, SECOND_KEY)
    # Signed by batonsecond, presented to devstoreaccount1.
    with account_sas_service(emulator, ALL_TYPES, ALL_PERMS, credential=second, account=DEV_ACCOUNT) as sas_service:
        with pytest.raises(HttpResponseError) as info:
            list(sas_service.list_tables())
    assert_error(info.value, status=403, code="AuthenticationFailed")
    # ...and works on its own account.
    with account_sas_service(emulator, ALL_TYPES, ALL_PERMS, credential=second, account=SECOND_ACCOUNT) as own:
        list(own.list_tables())
