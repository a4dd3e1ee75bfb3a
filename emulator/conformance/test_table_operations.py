"""Table-level operations: Create / Delete / Query Tables, Table ACL, service properties."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import (
    TableAccessPolicy,
    TableClient,
    TableCorsRule,
    TableMetrics,
    TableRetentionPolicy,
)

from support import CLIENT_KWARGS, DEV_ACCOUNT, error_code, odata_error, unique_name


def table_names(pager) -> list:
    return [t.name for t in pager]


def test_create_table_is_listed(service, table_name):
    client = service.create_table(table_name)
    try:
        assert isinstance(client, TableClient)
        assert client.table_name == table_name
        assert client.account_name == DEV_ACCOUNT
        assert table_names(service.query_tables("TableName eq @n", parameters={"n": table_name})) == [table_name]
        assert table_name in table_names(service.list_tables())
    finally:
        service.delete_table(table_name)


def test_create_table_with_named_key_credential(service_named_key, service, table_name):
    service_named_key.create_table(table_name)
    try:
        # Visible through the connection-string client too: same account.
        assert table_names(service.query_tables(f"TableName eq '{table_name}'")) == [table_name]
    finally:
        service_named_key.delete_table(table_name)


def test_table_client_from_connection_string_creates_and_deletes(conn_str, service, table_name):
    with TableClient.from_connection_string(conn_str, table_name, **CLIENT_KWARGS) as client:
        item = client.create_table()
        assert item.name == table_name
        assert table_names(service.query_tables(f"TableName eq '{table_name}'")) == [table_name]
        client.delete_table()
    assert table_names(service.query_tables(f"TableName eq '{table_name}'")) == []


def test_create_existing_table_is_table_already_exists(service, table):
    with pytest.raises(ResourceExistsError) as info:
        service.create_table(table.table_name)
    assert info.value.error_code == "TableAlreadyExists"
    assert info.value.status_code == 409


def test_table_names_are_case_insensitive_and_case_preserving(service):
    """[CLOUDSTUB] creating the lower-cased name of an existing table is TableAlreadyExists;
    the listing keeps the case the table was created with."""
    name = "CaseTbl" + unique_name("")[:12]
    service.create_table(name)
    try:
        with pytest.raises(ResourceExistsError) as info:
            service.create_table(name.lower())
        assert info.value.error_code == "TableAlreadyExists"
        with pytest.raises(ResourceExistsError) as info:
            service.create_table(name.upper())
        assert info.value.error_code == "TableAlreadyExists"
        listed = [n for n in table_names(service.list_tables()) if n.lower() == name.lower()]
        assert listed == [name]
        # Entity operations through a differently-cased name reach the same table.
        lower = service.get_table_client(name.lower())
        lower.create_entity({"PartitionKey": "p", "RowKey": "r", "v": 1})
        assert service.get_table_client(name.upper()).get_entity("p", "r")["v"] == 1
    finally:
        service.delete_table(name.lower())
    assert [n for n in table_names(service.list_tables()) if n.lower() == name.lower()] == []


def test_create_table_if_not_exists(service, table_name):
    first = service.create_table_if_not_exists(table_name)
    try:
        second = service.create_table_if_not_exists(table_name)  # swallows TableAlreadyExists
        assert first.table_name == second.table_name == table_name
        assert table_names(service.query_tables(f"TableName eq '{table_name}'")) == [table_name]
    finally:
        service.delete_table(table_name)


def test_delete_table_removes_it_and_its_entities(service, table_name):
    client = service.create_table(table_name)
    client.create_entity({"PartitionKey": "p", "RowKey": "r"})
    service.delete_table(table_name)
    assert table_names(service.query_tables(f"TableName eq '{table_name}'")) == []
    with pytest.raises(ResourceNotFoundError) as info:
        client.get_entity("p", "r")
    assert info.value.error_code == "TableNotFound"


def test_delete_missing_table_is_swallowed_by_the_sdk(service):
    service.delete_table(unique_name("missing"))  # no exception: the SDK swallows the 404


def test_delete_missing_table_is_404_resource_not_found(service, raw):
    """The SDK hides it, so check the service answer itself [REF §3; CLOUDSTUB]."""
    name = unique_name("missing")
    with pytest.raises(ResourceNotFoundError) as info:
        service._client.table.delete(table=name)  # the generated operation under delete_table
    assert info.value.status_code == 404
    assert error_code(info.value) == "ResourceNotFound"

    resp = raw.request("DELETE", f"Tables('{name}')", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert odata_error(resp)[0] == "ResourceNotFound"


def test_query_tables_filter_forms(service, make_table):
    prefix = unique_name("qt")[:14]
    made = sorted(make_table(prefix).table_name for _ in range(3))
    # parameter substitution
    assert table_names(service.query_tables("TableName eq @n", parameters={"n": made[1]})) == [made[1]]
    # hand-written, and / or / ne
    assert table_names(service.query_tables(f"TableName eq '{made[0]}' or TableName eq '{made[2]}'")) \
        == [made[0], made[2]]
    ranged = table_names(service.query_tables(
        f"TableName ge '{prefix}' and TableName lt '{prefix}~' and TableName ne '{made[0]}'"))
    assert ranged == made[1:]
    # no match is an empty result, not an error
    assert table_names(service.query_tables("TableName eq 'nosuchtable0000'")) == []


def test_query_tables_paging(service, make_table):
    prefix = unique_name("pg")[:14]
    made = sorted(make_table(prefix).table_name for _ in range(5))
    pager = service.query_tables("TableName ge @lo and TableName lt @hi",
                                 parameters={"lo": prefix, "hi": prefix + "~"}, results_per_page=2)
    pages = [[t.name for t in page] for page in pager.by_page()]
    assert all(len(p) <= 2 for p in pages), pages
    assert len([p for p in pages if p]) >= 3, pages
    flat = [n for p in pages for n in p]
    assert flat == made, "every table exactly once, in name order"


def test_list_tables_paging_sees_every_table_once(service, make_table):
    made = {make_table("lt").table_name for _ in range(4)}
    pages = [[t.name for t in page] for page in service.list_tables(results_per_page=3).by_page()]
    assert all(len(p) <= 3 for p in pages)
    flat = [n for p in pages for n in p]
    assert len(flat) == len(set(flat)), "no table listed twice"
    assert made <= set(flat)


def test_table_access_policy_roundtrip(table):
    start = datetime(2021, 1, 1, tzinfo=timezone.utc)
    expiry = datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert table.get_table_access_policy() == {}
    table.set_table_access_policy({
        "readonly": TableAccessPolicy(start=start, expiry=expiry, permission="r"),
        "all": TableAccessPolicy(start=start, expiry=expiry, permission="raud"),
        "empty": None,
    })
    got = table.get_table_access_policy()
    assert set(got) == {"readonly", "all", "empty"}
    assert got["readonly"].permission == "r"
    assert got["all"].permission == "raud"
    assert got["readonly"].start == start and got["readonly"].expiry == expiry
    assert got["empty"] is None
    table.set_table_access_policy({})
    assert table.get_table_access_policy() == {}


def test_table_access_policy_on_missing_table_is_table_not_found(service):
    client = service.get_table_client(unique_name("missing"))
    with pytest.raises(ResourceNotFoundError) as info:
        client.get_table_access_policy()
    assert info.value.error_code == "TableNotFound"


def test_service_properties_roundtrip(service):
    before = service.get_service_properties()
    assert set(before) >= {"analytics_logging", "hour_metrics", "minute_metrics", "cors"}
    rule = TableCorsRule(["https://example.com"], ["GET", "PUT"], max_age_in_seconds=60,
                         exposed_headers=["x-ms-meta-data*"], allowed_headers=["x-ms-meta-target*"])
    metrics = TableMetrics(enabled=True, include_apis=True,
                           retention_policy=TableRetentionPolicy(enabled=True, days=5))
    try:
        service.set_service_properties(minute_metrics=metrics, cors=[rule])
        after = service.get_service_properties()
        assert after["minute_metrics"].enabled is True
        assert after["minute_metrics"].retention_policy.days == 5
        assert len(after["cors"]) == 1
        assert after["cors"][0].allowed_origins == ["https://example.com"]
        assert after["cors"][0].max_age_in_seconds == 60
    finally:
        service.set_service_properties(minute_metrics=before["minute_metrics"], cors=before["cors"] or [])
