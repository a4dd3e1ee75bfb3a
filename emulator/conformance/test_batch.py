"""Entity group transactions (``submit_transaction``) [REF §13]."""

from __future__ import annotations

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import RequestTooLargeError, TableTransactionError, UpdateMode
from azure.data.tables._table_batch import TableBatchOperations

from support import assert_error, error_code, unique_name

STALE_ETAG = "W/\"datetime'2012-06-15T22%3A51%3A44.9662825Z'\""


def snapshot(table):
    """Every entity of the table as {(pk, rk): (props, etag)}."""
    return {(e["PartitionKey"], e["RowKey"]): (dict(e), e.metadata["etag"]) for e in table.list_entities()}


def seed(table, *rks, pk="p"):
    for rk in rks:
        table.create_entity({"PartitionKey": pk, "RowKey": rk, "orig": rk, "n": 0})


def test_batch_with_every_operation_kind(table):
    seed(table, "upd-r", "upd-m", "ups-r", "ups-m", "del")
    ops = [
        ("create", {"PartitionKey": "p", "RowKey": "new", "n": 1}),
        ("update", {"PartitionKey": "p", "RowKey": "upd-r", "n": 2}, {"mode": UpdateMode.REPLACE}),
        ("update", {"PartitionKey": "p", "RowKey": "upd-m", "n": 3}, {"mode": UpdateMode.MERGE}),
        ("upsert", {"PartitionKey": "p", "RowKey": "ups-r", "n": 4}, {"mode": UpdateMode.REPLACE}),
        ("upsert", {"PartitionKey": "p", "RowKey": "ups-m", "n": 5}, {"mode": UpdateMode.MERGE}),
        ("upsert", {"PartitionKey": "p", "RowKey": "ups-new-r", "n": 6}, {"mode": UpdateMode.REPLACE}),
        ("upsert", {"PartitionKey": "p", "RowKey": "ups-new-m", "n": 7}, {"mode": UpdateMode.MERGE}),
        ("delete", {"PartitionKey": "p", "RowKey": "del"}),
    ]
    result = table.submit_transaction(ops)
    assert len(result) == len(ops)
    after = snapshot(table)
    assert ("p", "del") not in after
    assert "etag" not in result[-1], "a delete part carries no ETag"
    for op, meta in zip(ops[:-1], result[:-1]):
        rk = op[1]["RowKey"]
        assert "etag" in meta, f"per-operation metadata for {op[0]} {rk}"
        assert meta["etag"] == after[("p", rk)][1], f"returned ETag of {rk} is the entity's ETag"
    props = {rk: p for (_, rk), (p, _) in after.items()}
    assert props["new"] == {"PartitionKey": "p", "RowKey": "new", "n": 1}
    assert props["upd-r"] == {"PartitionKey": "p", "RowKey": "upd-r", "n": 2}
    assert props["upd-m"] == {"PartitionKey": "p", "RowKey": "upd-m", "orig": "upd-m", "n": 3}
    assert props["ups-r"] == {"PartitionKey": "p", "RowKey": "ups-r", "n": 4}
    assert props["ups-m"] == {"PartitionKey": "p", "RowKey": "ups-m", "orig": "ups-m", "n": 5}
    assert props["ups-new-r"]["n"] == 6 and props["ups-new-m"]["n"] == 7
    assert len(after) == 7


def test_batch_of_exactly_100_operations(table):
    ops = [("create", {"PartitionKey": "p", "RowKey": f"{i:03d}", "i": i}) for i in range(100)]
    result = table.submit_transaction(ops)
    assert len(result) == 100
    assert [e["i"] for e in table.list_entities()] == list(range(100))


def test_batch_update_and_delete_honour_if_match(table):
    """Azurite ignores If-Match inside batches (#1233); Azure honours it [REF §13]."""
    seed(table, "a", "b")
    etag_a = table.get_entity("p", "a").metadata["etag"]
    etag_b = table.get_entity("p", "b").metadata["etag"]
    table.submit_transaction([
        ("update", {"PartitionKey": "p", "RowKey": "a", "n": 1},
         {"mode": UpdateMode.REPLACE, "etag": etag_a, "match_condition": MatchConditions.IfNotModified}),
        ("delete", {"PartitionKey": "p", "RowKey": "b"},
         {"etag": etag_b, "match_condition": MatchConditions.IfNotModified}),
    ])
    assert table.get_entity("p", "a")["n"] == 1
    with pytest.raises(ResourceNotFoundError):
        table.get_entity("p", "b")


@pytest.mark.parametrize("kind", ["update-replace", "update-merge", "delete"])
def test_batch_stale_etag_fails_the_whole_transaction(table, kind):
    seed(table, "a", "b")
    before = snapshot(table)
    if kind == "delete":
        op = ("delete", {"PartitionKey": "p", "RowKey": "b"},
              {"etag": STALE_ETAG, "match_condition": MatchConditions.IfNotModified})
    else:
        mode = UpdateMode.REPLACE if kind == "update-replace" else UpdateMode.MERGE
        op = ("update", {"PartitionKey": "p", "RowKey": "b", "n": 9},
              {"mode": mode, "etag": STALE_ETAG, "match_condition": MatchConditions.IfNotModified})
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction([("update", {"PartitionKey": "p", "RowKey": "a", "n": 1}), op])
    assert_error(info.value, status=412, code="UpdateConditionNotSatisfied")
    assert info.value.index == 1
    assert snapshot(table) == before, "nothing applied"


def test_batch_failing_insert_applies_nothing(table):
    seed(table, "exists")
    before = snapshot(table)
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction([
            ("create", {"PartitionKey": "p", "RowKey": "a"}),
            ("create", {"PartitionKey": "p", "RowKey": "exists", "n": 99}),
            ("create", {"PartitionKey": "p", "RowKey": "c"}),
        ])
    assert_error(info.value, status=409, code="EntityAlreadyExists")
    assert info.value.index == 1
    assert snapshot(table) == before


def test_batch_update_of_missing_entity(table):
    seed(table, "a")
    before = snapshot(table)
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction([
            ("upsert", {"PartitionKey": "p", "RowKey": "a", "n": 1}),
            ("upsert", {"PartitionKey": "p", "RowKey": "b", "n": 1}),
            ("update", {"PartitionKey": "p", "RowKey": "missing", "n": 1}),
        ])
    assert_error(info.value, status=404, code="ResourceNotFound")
    assert info.value.index == 2
    assert snapshot(table) == before


def test_batch_delete_of_missing_entity(table):
    seed(table, "a", "b")
    before = snapshot(table)
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction([
            ("delete", {"PartitionKey": "p", "RowKey": "a"}),
            ("delete", {"PartitionKey": "p", "RowKey": "missing"}),
            ("delete", {"PartitionKey": "p", "RowKey": "b"}),
        ])
    assert_error(info.value, status=404, code="ResourceNotFound")
    assert info.value.index == 1
    assert snapshot(table) == before


def test_batch_on_missing_table_is_table_not_found(service):
    """[CLOUDSTUB] a 202 whose single part is TableNotFound at index 0."""
    missing = service.get_table_client(unique_name("missing"))
    with pytest.raises(TableTransactionError) as info:
        missing.submit_transaction([("create", {"PartitionKey": "p", "RowKey": "r"})])
    assert_error(info.value, status=404, code="TableNotFound")
    assert info.value.index == 0


def test_more_than_100_operations_is_invalid_input(table):
    """[DOC table-service-error-codes; CLOUDSTUB] InvalidInput, "exceeds the maximum 100 changes
    per change set"; Azure reports the failing index as 0 or 99."""
    ops = [("create", {"PartitionKey": "p", "RowKey": f"{i:03d}"}) for i in range(101)]
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction(ops)
    assert_error(info.value, status=400, code="InvalidInput")
    assert info.value.index in (0, 99)
    assert "100" in info.value.message
    assert snapshot(table) == {}


def test_two_partition_keys_are_refused_by_the_sdk(table):
    with pytest.raises(ValueError):
        table.submit_transaction([
            ("create", {"PartitionKey": "p1", "RowKey": "a"}),
            ("create", {"PartitionKey": "p2", "RowKey": "b"}),
        ])
    assert snapshot(table) == {}


def test_two_partition_keys_are_refused_by_the_service(table):
    """The SDK checks client-side, so bypass it to reach the service.  [CLOUDSTUB] Azure answers
    CommandsInBatchActOnDifferentPartitions for the second operation (index 1); Azurite only
    checks the first operation's key [REF §16]."""
    ops = TableBatchOperations(config=table._client._config,
                               endpoint=f"{table.scheme}://{table._primary_hostname}",
                               table_name=table.table_name, is_cosmos_endpoint=False)
    ops.add_operation(("create", {"PartitionKey": "p1", "RowKey": "a"}))
    ops._partition_key = None  # defeat the SDK's client-side check
    ops.add_operation(("create", {"PartitionKey": "p2", "RowKey": "b"}))
    with pytest.raises(TableTransactionError) as info:
        table._batch_send(table.table_name, *ops.requests)
    assert_error(info.value, status=400, code="CommandsInBatchActOnDifferentPartitions")
    assert info.value.index == 1
    assert snapshot(table) == {}


@pytest.mark.parametrize("second", ["create", "upsert", "update", "delete"])
def test_same_row_twice_is_invalid_duplicate_row(table, second):
    """[DOC; CLOUDSTUB] InvalidDuplicateRow, reported for the second occurrence (index 1)."""
    seed(table, "x")
    before = snapshot(table)
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction([
            ("upsert", {"PartitionKey": "p", "RowKey": "x", "n": 1}),
            (second, {"PartitionKey": "p", "RowKey": "x", "n": 2}),
        ])
    assert_error(info.value, status=400, code="InvalidDuplicateRow")
    assert info.value.index == 1
    assert snapshot(table) == before


def test_invalid_key_in_a_batch_fails_it(table):
    """[CLOUDSTUB] a forbidden key character is OutOfRangeInput, index of the operation."""
    with pytest.raises(TableTransactionError) as info:
        table.submit_transaction([
            ("create", {"PartitionKey": "p", "RowKey": "fine"}),
            ("create", {"PartitionKey": "p", "RowKey": "bad#key"}),
        ])
    assert_error(info.value, status=400, code="OutOfRangeInput")
    assert info.value.index == 1
    assert snapshot(table) == {}


def test_empty_transaction(table):
    assert table.submit_transaction([]) == []
    assert snapshot(table) == {}


@pytest.mark.slow
def test_transaction_over_4_mib_is_request_body_too_large(table):
    """[DOC] a batch is at most 4 MiB: 413 RequestBodyTooLarge (the SDK's RequestTooLargeError)."""
    blob = bytes(range(256)) * 256  # 64 KiB, the largest binary property
    ops = [("create", {"PartitionKey": "p", "RowKey": f"{i:03d}", "b": blob}) for i in range(70)]
    with pytest.raises(RequestTooLargeError) as info:
        table.submit_transaction(ops)
    assert info.value.status_code == 413
    assert error_code(info.value) == "RequestBodyTooLarge"
    assert snapshot(table) == {}
