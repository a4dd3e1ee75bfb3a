"""Entity operations: insert, get, update (replace/merge), upsert, delete; ETag and Timestamp."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.data.tables import EdmType, EntityProperty, TableEntity, UpdateMode

from support import DEV_ACCOUNT, assert_error, error_code, unique_name

STALE_ETAG = "W/\"datetime'2012-06-15T22%3A51%3A44.9662825Z'\""  # well-formed, never current
ETAG_RE = re.compile(r"^W/\"datetime'(\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}\.\d{7}Z)'\"$")


def props(entity) -> dict:
    """The entity as a plain dict (TableEntity keeps metadata apart)."""
    return dict(entity)


# ---------------------------------------------------------------------------
# Insert / get
# ---------------------------------------------------------------------------


def test_create_entity_then_get(table):
    entity = {"PartitionKey": "pk", "RowKey": "rk", "name": "Ada", "age": 36, "active": True}
    meta = table.create_entity(entity)
    assert set(meta) == {"date", "etag", "version"}, "no Preference-Applied without Prefer [REF §10]"
    assert ETAG_RE.match(meta["etag"]), meta["etag"]
    got = table.get_entity("pk", "rk")
    assert isinstance(got, TableEntity)
    assert props(got) == entity
    assert got.metadata["etag"] == meta["etag"]
    assert isinstance(got.metadata["timestamp"], datetime)


def test_get_entity_with_select(table):
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "a": 1, "b": "two", "c": 3.5})
    got = table.get_entity("pk", "rk", select=["a", "c"])
    custom = set(got) - {"PartitionKey", "RowKey"}
    assert custom == {"a", "c"}
    assert got["a"] == 1 and got["c"] == 3.5
    got = table.get_entity("pk", "rk", select="b")
    assert set(got) - {"PartitionKey", "RowKey"} == {"b"}


def test_get_missing_entity_is_resource_not_found(table):
    with pytest.raises(ResourceNotFoundError) as info:
        table.get_entity("nope", "nope")
    assert info.value.error_code == "ResourceNotFound"
    assert info.value.status_code == 404


def test_insert_duplicate_is_entity_already_exists(table):
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "v": 1})
    with pytest.raises(ResourceExistsError) as info:
        table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "v": 2})
    assert_error(info.value, status=409, code="EntityAlreadyExists")
    assert table.get_entity("pk", "rk")["v"] == 1


def test_same_row_key_in_different_partitions_are_distinct(table):
    table.create_entity({"PartitionKey": "a", "RowKey": "same", "v": 1})
    table.create_entity({"PartitionKey": "b", "RowKey": "same", "v": 2})
    assert table.get_entity("a", "same")["v"] == 1
    assert table.get_entity("b", "same")["v"] == 2


@pytest.mark.parametrize("pk, rk", [
    ("O'Brien", "it''s"),
    ("a b%c+d&e=f:g@h;i,j$k!l*m(n)o~[p]", "%2F%23 not-decoded-twice"),
    ("ключ-键-🔑", "ﬁ-ß-é"),
    ("", ""),
    (" leading and trailing ", "  "),
])
def test_keys_with_special_characters_roundtrip_through_every_operation(table, pk, rk):
    """Quotes (doubled in the URL), reserved URL characters, non-ASCII and empty keys
    [REF §3; the SDK's own recorded test_insert_entity_empty_string_rk passes on Azure]."""
    table.create_entity({"PartitionKey": pk, "RowKey": rk, "v": 1})
    assert table.get_entity(pk, rk)["v"] == 1
    table.update_entity({"PartitionKey": pk, "RowKey": rk, "v": 2}, mode=UpdateMode.MERGE)
    table.update_entity({"PartitionKey": pk, "RowKey": rk, "v": 3}, mode=UpdateMode.REPLACE)
    table.upsert_entity({"PartitionKey": pk, "RowKey": rk, "w": 4}, mode=UpdateMode.MERGE)
    got = table.get_entity(pk, rk)
    assert (got["PartitionKey"], got["RowKey"], got["v"], got["w"]) == (pk, rk, 3, 4)
    assert [(e["PartitionKey"], e["RowKey"]) for e in table.query_entities(
        "PartitionKey eq @pk and RowKey eq @rk", parameters={"pk": pk, "rk": rk})] == [(pk, rk)]
    table.delete_entity(pk, rk)
    with pytest.raises(ResourceNotFoundError):
        table.get_entity(pk, rk)


def test_create_entity_prefer_return_no_content(table):
    """``Prefer`` is reachable through create_entity's pass-through keywords [REF §10]."""
    meta = table.create_entity({"PartitionKey": "p", "RowKey": "r", "v": 1},
                               response_preference="return-no-content")
    assert meta["preference_applied"] == "return-no-content"
    assert meta["content"] is None
    assert ETAG_RE.match(meta["etag"])
    assert table.get_entity("p", "r").metadata["etag"] == meta["etag"]


def test_create_entity_prefer_return_content(table):
    meta = table.create_entity({"PartitionKey": "p", "RowKey": "r", "v": 1},
                               response_preference="return-content")
    assert meta["preference_applied"] == "return-content"
    assert meta["content"]["PartitionKey"] == "p"
    assert meta["content"]["v"] == 1
    assert meta["content"]["odata.etag"] == meta["etag"]


# ---------------------------------------------------------------------------
# Update (replace / merge) with and without If-Match
# ---------------------------------------------------------------------------


@pytest.fixture
def existing(table):
    meta = table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "keep": "k", "n": 1})
    return meta["etag"]


def test_update_replace_unconditional_drops_absent_properties(table, existing):
    meta = table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 2}, mode=UpdateMode.REPLACE)
    assert meta["etag"] != existing
    got = table.get_entity("pk", "rk")
    assert props(got) == {"PartitionKey": "pk", "RowKey": "rk", "n": 2}
    assert got.metadata["etag"] == meta["etag"]


def test_update_merge_unconditional_keeps_absent_properties(table, existing):
    meta = table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 2, "new": True}, mode=UpdateMode.MERGE)
    got = table.get_entity("pk", "rk")
    assert props(got) == {"PartitionKey": "pk", "RowKey": "rk", "keep": "k", "n": 2, "new": True}
    assert got.metadata["etag"] == meta["etag"] != existing


def test_merge_can_change_a_property_type(table, existing):
    """Azure accepted Int32 -> String in a merge [REF §3]."""
    table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": "now a string"}, mode=UpdateMode.MERGE)
    assert table.get_entity("pk", "rk")["n"] == "now a string"


@pytest.mark.parametrize("mode", [UpdateMode.REPLACE, UpdateMode.MERGE])
def test_update_if_not_modified_with_current_etag(table, existing, mode):
    meta = table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 5}, mode=mode,
                               etag=existing, match_condition=MatchConditions.IfNotModified)
    assert meta["etag"] != existing
    assert table.get_entity("pk", "rk")["n"] == 5


@pytest.mark.parametrize("mode", [UpdateMode.REPLACE, UpdateMode.MERGE])
def test_update_if_not_modified_uses_the_entity_metadata_etag(table, existing, mode):
    entity = table.get_entity("pk", "rk")
    entity["n"] = 7
    table.update_entity(entity, mode=mode, match_condition=MatchConditions.IfNotModified)
    assert table.get_entity("pk", "rk")["n"] == 7
    # The same (now stale) TableEntity cannot be written again.
    with pytest.raises(ResourceModifiedError) as info:
        table.update_entity(entity, mode=mode, match_condition=MatchConditions.IfNotModified)
    assert info.value.error_code == "UpdateConditionNotSatisfied"


@pytest.mark.parametrize("mode", [UpdateMode.REPLACE, UpdateMode.MERGE])
def test_update_with_stale_etag_is_update_condition_not_satisfied(table, existing, mode):
    with pytest.raises(ResourceModifiedError) as info:
        table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 9}, mode=mode,
                            etag=STALE_ETAG, match_condition=MatchConditions.IfNotModified)
    assert_error(info.value, status=412, code="UpdateConditionNotSatisfied")
    got = table.get_entity("pk", "rk")
    assert got["n"] == 1 and got.metadata["etag"] == existing


@pytest.mark.parametrize("mode", [UpdateMode.REPLACE, UpdateMode.MERGE])
def test_update_with_malformed_etag_is_invalid_input(table, existing, mode):
    """A value not of the form W/"..." is 400 InvalidInput, not 412 [REF §5, Azurite #2013]."""
    with pytest.raises(HttpResponseError) as info:
        table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 9}, mode=mode,
                            etag="not-an-etag", match_condition=MatchConditions.IfNotModified)
    assert_error(info.value, status=400, code="InvalidInput")
    assert table.get_entity("pk", "rk")["n"] == 1


@pytest.mark.parametrize("mode", [UpdateMode.REPLACE, UpdateMode.MERGE])
def test_update_missing_entity_is_resource_not_found(table, mode):
    with pytest.raises(ResourceNotFoundError) as info:
        table.update_entity({"PartitionKey": "no", "RowKey": "such", "n": 1}, mode=mode)  # If-Match: *
    assert_error(info.value, status=404, code="ResourceNotFound")
    with pytest.raises(ResourceNotFoundError):
        table.get_entity("no", "such")


# ---------------------------------------------------------------------------
# Upsert (no If-Match)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [UpdateMode.REPLACE, UpdateMode.MERGE])
def test_upsert_inserts_a_missing_entity(table, mode):
    meta = table.upsert_entity({"PartitionKey": "pk", "RowKey": "new", "n": 1}, mode=mode)
    got = table.get_entity("pk", "new")
    assert props(got) == {"PartitionKey": "pk", "RowKey": "new", "n": 1}
    assert got.metadata["etag"] == meta["etag"]


def test_upsert_replace_replaces(table, existing):
    table.upsert_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 2}, mode=UpdateMode.REPLACE)
    assert props(table.get_entity("pk", "rk")) == {"PartitionKey": "pk", "RowKey": "rk", "n": 2}


def test_upsert_merge_merges(table, existing):
    table.upsert_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 2}, mode=UpdateMode.MERGE)
    assert props(table.get_entity("pk", "rk")) == {"PartitionKey": "pk", "RowKey": "rk", "keep": "k", "n": 2}


# ---------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------


def test_delete_unconditional(table, existing):
    table.delete_entity("pk", "rk")
    with pytest.raises(ResourceNotFoundError):
        table.get_entity("pk", "rk")


def test_delete_with_current_etag(table, existing):
    table.delete_entity("pk", "rk", etag=existing, match_condition=MatchConditions.IfNotModified)
    with pytest.raises(ResourceNotFoundError):
        table.get_entity("pk", "rk")


def test_delete_entity_object_uses_its_etag(table, existing):
    entity = table.get_entity("pk", "rk")
    table.update_entity({"PartitionKey": "pk", "RowKey": "rk", "n": 2})
    with pytest.raises(ResourceModifiedError) as info:
        table.delete_entity(entity, match_condition=MatchConditions.IfNotModified)
    assert info.value.error_code == "UpdateConditionNotSatisfied"
    table.delete_entity(table.get_entity("pk", "rk"), match_condition=MatchConditions.IfNotModified)
    with pytest.raises(ResourceNotFoundError):
        table.get_entity("pk", "rk")


def test_delete_with_stale_etag_is_update_condition_not_satisfied(table, existing):
    with pytest.raises(ResourceModifiedError) as info:
        table.delete_entity("pk", "rk", etag=STALE_ETAG, match_condition=MatchConditions.IfNotModified)
    assert_error(info.value, status=412, code="UpdateConditionNotSatisfied")
    assert table.get_entity("pk", "rk")["n"] == 1


def test_delete_with_malformed_etag_is_invalid_input(table, existing):
    with pytest.raises(HttpResponseError) as info:
        table.delete_entity("pk", "rk", etag="garbage", match_condition=MatchConditions.IfNotModified)
    assert_error(info.value, status=400, code="InvalidInput")
    assert table.get_entity("pk", "rk")["n"] == 1


def test_delete_missing_entity_is_swallowed_by_sdk_but_404_on_the_wire(table):
    table.delete_entity("no", "such")  # the SDK swallows 404
    with pytest.raises(ResourceNotFoundError) as info:
        table._client.table.delete_entity(table=table.table_name, partition_key="no", row_key="such",
                                          etag=None, match_condition=MatchConditions.IfPresent)  # If-Match: *
    assert_error(info.value, status=404, code="ResourceNotFound")


# ---------------------------------------------------------------------------
# Entity operations on a missing table -> TableNotFound
# ---------------------------------------------------------------------------


@pytest.fixture
def missing_table(service):
    return service.get_table_client(unique_name("missing"))


def test_entity_operations_on_missing_table_are_table_not_found(missing_table):
    e = {"PartitionKey": "p", "RowKey": "r", "v": 1}
    calls = {
        "create_entity": lambda: missing_table.create_entity(e),
        "get_entity": lambda: missing_table.get_entity("p", "r"),
        "update_entity(replace)": lambda: missing_table.update_entity(e, mode=UpdateMode.REPLACE),
        "update_entity(merge)": lambda: missing_table.update_entity(e, mode=UpdateMode.MERGE),
        "upsert_entity(replace)": lambda: missing_table.upsert_entity(e, mode=UpdateMode.REPLACE),
        "upsert_entity(merge)": lambda: missing_table.upsert_entity(e, mode=UpdateMode.MERGE),
        "list_entities": lambda: list(missing_table.list_entities()),
        "query_entities": lambda: list(missing_table.query_entities("v eq 1")),
        "delete_entity (generated, the SDK swallows 404)": lambda: missing_table._client.table.delete_entity(
            table=missing_table.table_name, partition_key="p", row_key="r", etag=None,
            match_condition=MatchConditions.IfPresent),
    }
    failures = []
    for name, call in calls.items():
        try:
            call()
            failures.append(f"{name}: no error")
        except ResourceNotFoundError as exc:
            if (exc.status_code, error_code(exc)) != (404, "TableNotFound"):
                failures.append(f"{name}: HTTP {exc.status_code} {error_code(exc)}")
        except HttpResponseError as exc:
            failures.append(f"{name}: {type(exc).__name__} HTTP {exc.status_code} {error_code(exc)}")
    assert not failures, failures


# ---------------------------------------------------------------------------
# ETag and Timestamp
# ---------------------------------------------------------------------------


def expected_etag(entity: TableEntity) -> str:
    service_value = entity.metadata["timestamp"].tables_service_value
    return "W/\"datetime'" + quote(service_value) + "'\""


def test_etag_is_built_from_timestamp(table):
    meta = table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    got = table.get_entity("p", "r")
    service_value = got.metadata["timestamp"].tables_service_value
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z", service_value), \
        f"Timestamp must be UTC with 7 fractional digits [REF §5], got {service_value!r}"
    assert got.metadata["etag"] == meta["etag"] == expected_etag(got)
    now = datetime.now(timezone.utc)
    assert abs(got.metadata["timestamp"] - now) < timedelta(minutes=5)


def test_nometadata_etag_synthesised_from_timestamp_matches(table):
    """With nometadata the SDK rebuilds the ETag from Timestamp [REF §5]: both must agree."""
    meta = table.create_entity({"PartitionKey": "p", "RowKey": "r", "v": 1})
    (entity,) = list(table.list_entities(format="application/json;odata=nometadata"))
    assert entity.metadata["etag"] == meta["etag"]
    (entity,) = list(table.query_entities("v eq 1", format="application/json;odata=nometadata"))
    assert entity.metadata["etag"] == meta["etag"]


def test_fullmetadata_annotations(table):
    """Full metadata adds odata.type / id / editLink / etag [REF §6]."""
    meta = table.create_entity({"PartitionKey": "p", "RowKey": "r", "big": EntityProperty(5, EdmType.INT64)})
    entity = table.get_entity("p", "r", format="application/json;odata=fullmetadata")
    name = table.table_name
    assert entity.metadata["etag"] == meta["etag"]
    assert entity.metadata["type"] == f"{DEV_ACCOUNT}.{name}"
    assert entity.metadata["editLink"] == f"{name}(PartitionKey='p',RowKey='r')"
    assert entity.metadata["id"].endswith(f"/{DEV_ACCOUNT}/{name}(PartitionKey='p',RowKey='r')")
    assert entity["big"] == EntityProperty(5, EdmType.INT64)


def test_every_write_changes_the_etag(table):
    key = {"PartitionKey": "p", "RowKey": "r"}
    etags = [table.create_entity({**key, "n": 0})["etag"]]
    etags.append(table.update_entity({**key, "n": 1}, mode=UpdateMode.REPLACE)["etag"])
    etags.append(table.update_entity({**key, "n": 2}, mode=UpdateMode.MERGE)["etag"])
    etags.append(table.upsert_entity({**key, "n": 3}, mode=UpdateMode.REPLACE)["etag"])
    etags.append(table.upsert_entity({**key, "n": 4}, mode=UpdateMode.MERGE)["etag"])
    etags.append(table.update_entity({**key, "n": 4}, mode=UpdateMode.MERGE)["etag"])  # same content
    assert len(set(etags)) == len(etags), etags
    got = table.get_entity("p", "r")
    assert got.metadata["etag"] == etags[-1] == expected_etag(got)


def test_rapid_writes_get_distinct_increasing_etags(table):
    """Writes closer together than the clock's resolution must still get new ETags."""
    key = {"PartitionKey": "p", "RowKey": "r"}
    table.create_entity({**key, "n": -1})
    etags = [table.upsert_entity({**key, "n": i}, mode=UpdateMode.MERGE)["etag"] for i in range(40)]
    assert len(set(etags)) == len(etags), "two writes shared an ETag"
    stamps = [ETAG_RE.match(e).group(1) for e in etags]
    assert stamps == sorted(stamps), "Timestamps must not go backwards"
    got = table.get_entity("p", "r")
    assert got.metadata["etag"] == etags[-1] == expected_etag(got)


def test_rapid_writes_to_different_entities_keep_etag_and_timestamp_consistent(table):
    metas = [table.create_entity({"PartitionKey": "p", "RowKey": f"r{i:02d}"}) for i in range(20)]
    for i, meta in enumerate(metas):
        got = table.get_entity("p", f"r{i:02d}")
        assert got.metadata["etag"] == meta["etag"] == expected_etag(got)


def test_client_sent_timestamp_is_ignored(table):
    """Timestamp is server-managed [REF §5]."""
    old = datetime(2000, 1, 1, tzinfo=timezone.utc)
    table.create_entity({"PartitionKey": "p", "RowKey": "r", "Timestamp": old})
    got = table.get_entity("p", "r")
    assert "Timestamp" not in got
    assert got.metadata["timestamp"] != old
    assert abs(got.metadata["timestamp"] - datetime.now(timezone.utc)) < timedelta(minutes=5)
    assert got.metadata["etag"] == expected_etag(got)
