"""Every Edm type round-trips exactly through insert + get + query [REF §6]."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from azure.data.tables import EdmType, EntityProperty, UpdateMode

UTC = timezone.utc


def roundtrip(table, value, rk="r"):
    """Insert {"v": value}, read it back by point get and by query; both must agree."""
    table.create_entity({"PartitionKey": "p", "RowKey": rk, "v": value})
    got = table.get_entity("p", rk)
    (queried,) = list(table.query_entities("RowKey eq @rk", parameters={"rk": rk}))
    assert "v" in got and "v" in queried
    return got["v"], queried["v"]


# ---------------------------------------------------------------------------
# Int32 / Int64
# ---------------------------------------------------------------------------

INT32_VALUES = [0, 1, -1, 42, 2**31 - 1, -(2**31)]


@pytest.mark.parametrize("value", INT32_VALUES)
def test_int32_plain(table, value):
    for got in roundtrip(table, value):
        assert type(got) is int and got == value


@pytest.mark.parametrize("value", INT32_VALUES)
def test_int32_annotated(table, value):
    for got in roundtrip(table, EntityProperty(value, EdmType.INT32)):
        assert type(got) is int and got == value


INT64_VALUES = [0, 1, -1, 2**31, -(2**31) - 1, 2**53 + 1, -(2**53) - 1, 2**63 - 1, -(2**63)]


@pytest.mark.parametrize("value", INT64_VALUES)
def test_int64(table, value):
    """Int64 travels as a JSON string with an Edm.Int64 annotation; the SDK returns an EntityProperty."""
    for got in roundtrip(table, EntityProperty(value, EdmType.INT64)):
        assert got == EntityProperty(value, EdmType.INT64)
        assert type(got.value) is int


# ---------------------------------------------------------------------------
# Double
# ---------------------------------------------------------------------------

DOUBLE_VALUES = [5.0, 0.1, -2.5, 0.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
                 123456789.123456789, 1 / 3]


@pytest.mark.parametrize("value", DOUBLE_VALUES, ids=repr)
def test_double_exact(table, value):
    for got in roundtrip(table, value):
        assert type(got) is float, f"whole doubles must come back as doubles (5.0, not 5) [REF §6]: {got!r}"
        assert got == value and repr(got) == repr(value)


def test_double_negative_zero(table):
    for got in roundtrip(table, -0.0):
        assert type(got) is float and got == 0.0


def test_double_annotated_integer_value_stays_double(table):
    """The SDK sends ``5`` + ``Edm.Double`` for EntityProperty(5, DOUBLE); the service must
    store a double and answer ``5.0`` (as in the recorded traffic), or the SDK reads an Int32."""
    for got in roundtrip(table, EntityProperty(5, EdmType.DOUBLE)):
        assert type(got) is float and got == 5.0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"])
def test_double_special_values(table, value):
    for got in roundtrip(table, value):
        assert type(got) is float
        if math.isnan(value):
            assert math.isnan(got)
        else:
            assert got == value


# ---------------------------------------------------------------------------
# Boolean / String
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_boolean(table, value):
    for got in roundtrip(table, value):
        assert got is value
    for got in roundtrip(table, EntityProperty(value, EdmType.BOOLEAN), rk="annotated"):
        assert got is value


STRINGS = [
    "",
    " ",
    "plain ascii",
    "héllo wörld — ünïcödé",
    "漢字かなカナ한국어",
    "emoji 😀 outside the BMP 𝄞",
    "tabs\tnew\nlines\r\n and DEL \x7f and C1 \x85",
    "quotes ' \" and backslash \\ and slash / # ?",
    "json-ish {\"a\": [1, 2]}",
    "  leading and trailing spaces  ",
    "x" * 32 * 1024,  # the largest allowed string: 64 KiB of UTF-16 [CLOUDSTUB]
]


@pytest.mark.parametrize("value", STRINGS, ids=lambda s: repr(s[:24]))
def test_string(table, value):
    for got in roundtrip(table, value):
        assert type(got) is str and got == value


def test_string_annotated(table):
    for got in roundtrip(table, EntityProperty("annotated", EdmType.STRING)):
        assert got == "annotated"


def test_string_that_looks_like_other_types_stays_string(table):
    values = {"a": "123", "b": "true", "c": "2020-01-01T00:00:00Z", "d": str(uuid.uuid4()), "e": "1.5"}
    table.create_entity({"PartitionKey": "p", "RowKey": "r", **values})
    got = table.get_entity("p", "r")
    for name, value in values.items():
        assert type(got[name]) is str and got[name] == value


# ---------------------------------------------------------------------------
# DateTime
# ---------------------------------------------------------------------------

DATETIMES = [
    datetime(2021, 3, 4, 5, 6, 7, 123456, tzinfo=UTC),
    datetime(2021, 3, 4, 5, 6, 7, 1, tzinfo=UTC),
    datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC),
    datetime(1973, 10, 4, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(1601, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2021, 3, 4, 5, 6, 7, 500000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2021, 3, 4, 5, 6, 7, 500000, tzinfo=timezone(timedelta(hours=-8))),
]


@pytest.mark.parametrize("value", DATETIMES, ids=lambda d: d.isoformat())
def test_datetime_keeps_microseconds_and_instant(table, value):
    for got in roundtrip(table, value):
        assert isinstance(got, datetime)
        assert got.tzinfo is not None and got.utcoffset() == timedelta(0), "returned in UTC"
        assert got == value, "same instant, microseconds kept (the SDK keeps 6 digits)"


def test_datetime_annotated(table):
    value = datetime(2020, 2, 29, 12, 0, 0, 654321, tzinfo=UTC)
    for got in roundtrip(table, EntityProperty(value, EdmType.DATETIME)):
        assert got == value


def test_datetime_with_seven_fraction_digits_is_kept(table):
    """Edm.DateTime has 100 ns resolution: a 7-digit value sent as a string comes back
    with all 7 digits (the SDK keeps the service string in ``tables_service_value``)."""
    wire = "2020-01-01T00:00:00.1234567Z"
    for got in roundtrip(table, EntityProperty(wire, EdmType.DATETIME)):
        assert got.tables_service_value == wire
        assert got == datetime(2020, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)


# ---------------------------------------------------------------------------
# Guid / Binary
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833"), uuid.UUID(int=0),
                                   uuid.UUID(int=2**128 - 1)], ids=str)
def test_guid(table, value):
    for got in roundtrip(table, value):
        assert got == value and isinstance(got, uuid.UUID)


def test_guid_annotated_string(table):
    value = "00000000-1111-2222-3333-444444444444"
    for got in roundtrip(table, EntityProperty(value, EdmType.GUID)):
        assert got == uuid.UUID(value)


@pytest.mark.parametrize("value", [bytes(range(256)), b"\x00", b"binary", bytes(range(256)) * 256],
                         ids=["all-256-byte-values", "nul", "ascii", "64KiB"])
def test_binary(table, value):
    for got in roundtrip(table, value):
        assert type(got) is bytes and got == value


def test_binary_annotated(table):
    value = bytes(reversed(range(256)))
    for got in roundtrip(table, EntityProperty(value, EdmType.BINARY)):
        assert got == value


# ---------------------------------------------------------------------------
# Everything together, and through replace / merge / upsert / batch
# ---------------------------------------------------------------------------


def all_types_entity(pk="p", rk="r") -> dict:
    return {
        "PartitionKey": pk,
        "RowKey": rk,
        "i32": -7,
        "i64": EntityProperty(2**40 + 3, EdmType.INT64),
        "dbl": 5.0,
        "nan": float("nan"),
        "flag": True,
        "text": "ünïcödé ✓",
        "empty": "",
        "when": datetime(2022, 2, 22, 22, 22, 22, 222222, tzinfo=UTC),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "bin": bytes(range(256)),
    }


def assert_all_types(got: dict, expected: dict) -> None:
    for name, value in expected.items():
        if name == "nan":
            assert math.isnan(got[name])
        else:
            assert got[name] == value, name
            assert isinstance(got[name], type(value)), name


def test_all_types_through_every_write_path(table):
    expected = all_types_entity(rk="insert")
    table.create_entity(expected)
    assert_all_types(table.get_entity("p", "insert"), expected)

    for rk, write in [
        ("replace", lambda e: table.update_entity(e, mode=UpdateMode.REPLACE)),
        ("merge", lambda e: table.update_entity(e, mode=UpdateMode.MERGE)),
        ("upsert-replace", lambda e: table.upsert_entity(e, mode=UpdateMode.REPLACE)),
        ("upsert-merge", lambda e: table.upsert_entity(e, mode=UpdateMode.MERGE)),
    ]:
        if rk in ("replace", "merge"):
            table.create_entity({"PartitionKey": "p", "RowKey": rk})
        write(all_types_entity(rk=rk))
        assert_all_types(table.get_entity("p", rk), all_types_entity(rk=rk))

    table.submit_transaction([("create", all_types_entity(rk="batch"))])
    assert_all_types(table.get_entity("p", "batch"), all_types_entity(rk="batch"))

    listed = {e["RowKey"]: e for e in table.list_entities()}
    assert set(listed) == {"insert", "replace", "merge", "upsert-replace", "upsert-merge", "batch"}
    for rk, entity in listed.items():
        assert_all_types(entity, all_types_entity(rk=rk))
