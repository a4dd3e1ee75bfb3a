"""Validation errors: table names, keys, property names, property and entity limits [REF §7]."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.data.tables import UpdateMode

from support import assert_error, error_code, error_message, http_error_in_chain, unique_name


# ---------------------------------------------------------------------------
# Table names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, code, message", [
    # [CLOUDSTUB] (Azure's messages, including its "specifed" typo, which the SDK matches on)
    ("invalid_table_name", "InvalidResourceName", "The specifed resource name contains invalid characters."),
    ("1nvalid", "InvalidResourceName", "The specifed resource name contains invalid characters."),
    ("bad-name", "InvalidResourceName", "The specifed resource name contains invalid characters."),
    ("t", "OutOfRangeInput", "The specified resource name length is not within the permissible limits."),
    ("tt", "OutOfRangeInput", "The specified resource name length is not within the permissible limits."),
    ("t" * 64, "OutOfRangeInput", "The specified resource name length is not within the permissible limits."),
])
def test_bad_table_name_gives_the_sdks_friendly_value_error(service, name, code, message):
    """The SDK turns these two codes into a friendly ValueError *only* when Azure's exact
    message is present [REF §14]; the underlying service answer is checked too."""
    with pytest.raises(ValueError) as info:
        service.create_table(name)
    assert "Storage table names must be alphanumeric" in str(info.value)
    cause = http_error_in_chain(info.value)
    assert cause is not None, "the ValueError wraps the service's error"
    assert (cause.status_code, error_code(cause)) == (400, code)
    assert error_message(cause).startswith(message)


def test_reserved_table_name_tables_is_invalid_input(service):
    """[CLOUDSTUB] "tables" is reserved: 400 InvalidInput."""
    with pytest.raises(HttpResponseError) as info:
        service.create_table("tables")
    assert_error(info.value, status=400, code="InvalidInput")


@pytest.mark.parametrize("length", [3, 63])
def test_table_name_length_limits_are_inclusive(service, length):
    name = ("T" + unique_name("x") * 4)[:length]
    service.create_table(name)
    try:
        assert [t.name for t in service.query_tables(f"TableName eq '{name}'")] == [name]
    finally:
        service.delete_table(name)


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------

FORBIDDEN_KEYS = ["a/b", "a\\b", "a#b", "a?b", "tab\there", "new\nline", "\x00", "\x01", "\x1f", "\x7f", "\x80",
                  "\x9f"]


@pytest.mark.parametrize("key", FORBIDDEN_KEYS, ids=repr)
@pytest.mark.parametrize("which", ["PartitionKey", "RowKey"])
def test_forbidden_key_characters_on_insert(table, which, key):
    """Azure answers a forbidden key character in an Insert body with 400 **OutOfRangeInput**
    "The 'PartitionKey' parameter of value '...' is out of range." [CLOUDSTUB, run against live
    Azure].  Azurite answers InvalidInput [REF §4 table; Azurite TableHandler.validateKey]."""
    entity = {"PartitionKey": "pk", "RowKey": "rk", which: key}
    with pytest.raises(HttpResponseError) as info:
        table.create_entity(entity)
    assert_error(info.value, status=400, code="OutOfRangeInput")
    assert error_message(info.value).startswith(f"The '{which}' parameter of value")
    assert list(table.list_entities()) == []


@pytest.mark.parametrize("key", ["a#b", "a?b"], ids=repr)
def test_forbidden_key_characters_on_upsert_and_delete(table, key):
    """[CLOUDSTUB] in the URL the same keys are OutOfRangeInput
    ("One of the request inputs is out of range.")."""
    for call in (lambda: table.upsert_entity({"PartitionKey": key, "RowKey": "r"}, mode=UpdateMode.REPLACE),
                 lambda: table.upsert_entity({"PartitionKey": "p", "RowKey": key}, mode=UpdateMode.MERGE),
                 lambda: table.delete_entity(key, "r")):
        with pytest.raises(HttpResponseError) as info:
            call()
        assert_error(info.value, status=400, code="OutOfRangeInput")
    assert list(table.list_entities()) == []


@pytest.mark.parametrize("key", ["a/b", "a\\b"], ids=repr)
def test_slash_keys_in_the_url_are_invalid_input(table, key):
    """[CLOUDSTUB] '/' and '\\' in the key part of the URL: 400 InvalidInput."""
    with pytest.raises(HttpResponseError) as info:
        table.upsert_entity({"PartitionKey": key, "RowKey": "r"}, mode=UpdateMode.REPLACE)
    assert_error(info.value, status=400, code="InvalidInput")
    assert list(table.list_entities()) == []


def test_key_of_512_characters_is_accepted(table):
    key = "k" * 512
    table.create_entity({"PartitionKey": key, "RowKey": key, "v": 1})
    assert table.get_entity(key, key)["v"] == 1


@pytest.mark.parametrize("which", ["PartitionKey", "RowKey"])
def test_key_over_1_kib_is_property_value_too_large(table, which):
    """[CLOUDSTUB] a 2048-character key: 400 PropertyValueTooLarge.  (Whether 1 KiB means 1024
    characters or 512 UTF-16 characters is unverified, so 513..1024 is not tested.)"""
    entity = {"PartitionKey": "pk", "RowKey": "rk", which: "k" * 2048}
    with pytest.raises(HttpResponseError) as info:
        table.create_entity(entity)
    assert_error(info.value, status=400, code="PropertyValueTooLarge")


def test_missing_row_key_gives_the_sdks_value_error(table):
    """PropertiesNeedValue -> the SDK's "RowKey must be present" ValueError [REF §4]."""
    with pytest.raises(ValueError) as info:
        table.create_entity({"PartitionKey": "pk", "v": 1})
    assert "RowKey must be present" in str(info.value)
    cause = http_error_in_chain(info.value)
    assert (cause.status_code, error_code(cause)) == (400, "PropertiesNeedValue")


def test_missing_partition_key_gives_the_sdks_value_error(table):
    with pytest.raises(ValueError) as info:
        table.create_entity({"RowKey": "rk", "v": 1})
    assert "PartitionKey must be present" in str(info.value)
    cause = http_error_in_chain(info.value)
    assert (cause.status_code, error_code(cause)) == (400, "PropertiesNeedValue")


# ---------------------------------------------------------------------------
# Property names and counts
# ---------------------------------------------------------------------------


def test_property_name_of_255_characters_is_accepted(table):
    name = "p" * 255
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", name: 1})
    assert table.get_entity("pk", "rk")[name] == 1


def test_property_name_over_255_is_property_name_too_long(table):
    """[REC test_insert_entity_property_name_too_long] 256 characters."""
    with pytest.raises(HttpResponseError) as info:
        table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "a" * 256: "badval"})
    assert_error(info.value, status=400, code="PropertyNameTooLong")


@pytest.mark.guess
@pytest.mark.parametrize("name", ["bad-name", "1starts_with_digit", "has space", "dollar$sign"])
def test_invalid_property_name_is_property_name_invalid(table, name):
    """GUESS: property names follow C# identifier rules (no '-' since 2009-04-14) [DOC data
    model]; the code PropertyNameInvalid is documented but no recorded exchange was found."""
    with pytest.raises(HttpResponseError) as info:
        table.create_entity({"PartitionKey": "pk", "RowKey": "rk", name: 1})
    assert_error(info.value, status=400, code="PropertyNameInvalid")


def test_valid_unusual_property_names(table):
    names = ["_underscore", "CamelCase", "x1", "ünïcödé", "a_b_c"]
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", **{n: i for i, n in enumerate(names)}})
    got = table.get_entity("pk", "rk")
    assert [got[n] for n in names] == list(range(len(names)))


def test_property_names_are_case_sensitive(table):
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "name": 1, "Name": 2, "NAME": 3})
    got = table.get_entity("pk", "rk")
    assert (got["name"], got["Name"], got["NAME"]) == (1, 2, 3)


def test_252_custom_properties_are_accepted(table):
    entity = {"PartitionKey": "pk", "RowKey": "rk", **{f"key{i}": i for i in range(252)}}
    table.create_entity(entity)
    assert len(table.get_entity("pk", "rk")) == 254


def test_253_custom_properties_is_too_many_properties(table):
    """[REC test_insert_entity_too_many_properties; DOC] 252 custom properties at most."""
    entity = {"PartitionKey": "pk", "RowKey": "rk", **{f"key{i}": i for i in range(253)}}
    with pytest.raises(HttpResponseError) as info:
        table.create_entity(entity)
    assert_error(info.value, status=400, code="TooManyProperties")


@pytest.mark.guess
def test_merge_that_would_exceed_252_properties_is_too_many_properties(table):
    """GUESS: the limit applies to the merged entity, not only to the request body."""
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", **{f"a{i}": i for i in range(200)}})
    with pytest.raises(HttpResponseError) as info:
        table.update_entity({"PartitionKey": "pk", "RowKey": "rk", **{f"b{i}": i for i in range(60)}},
                            mode=UpdateMode.MERGE)
    assert_error(info.value, status=400, code="TooManyProperties")
    assert len(table.get_entity("pk", "rk")) == 202


# ---------------------------------------------------------------------------
# Value and entity sizes
# ---------------------------------------------------------------------------


def test_string_of_32k_characters_is_accepted(table):
    """[CLOUDSTUB] 32 Ki UTF-16 code units = 64 KiB is the largest string."""
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "s": "x" * 32768})
    assert len(table.get_entity("pk", "rk")["s"]) == 32768


@pytest.mark.parametrize("value", ["x" * (32768 + 1), "x" * (64 * 1024 + 1), "😀" * 16385],
                         ids=["32Ki+1 chars", "64Ki+1 chars", "16385 astral chars (32770 UTF-16 units)"])
def test_string_over_64_kib_is_property_value_too_large(table, value):
    with pytest.raises(HttpResponseError) as info:
        table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "s": value})
    assert_error(info.value, status=400, code="PropertyValueTooLarge")
    assert list(table.list_entities()) == []


def test_binary_of_64_kib_is_accepted(table):
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "b": bytes(64 * 1024)})
    assert len(table.get_entity("pk", "rk")["b"]) == 64 * 1024


def test_binary_over_64_kib_is_property_value_too_large(table):
    with pytest.raises(HttpResponseError) as info:
        table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "b": bytes(64 * 1024 + 1)})
    assert_error(info.value, status=400, code="PropertyValueTooLarge")


def test_oversized_property_on_update_is_rejected_and_nothing_changes(table):
    table.create_entity({"PartitionKey": "pk", "RowKey": "rk", "s": "small"})
    for mode in (UpdateMode.REPLACE, UpdateMode.MERGE):
        with pytest.raises(HttpResponseError) as info:
            table.upsert_entity({"PartitionKey": "pk", "RowKey": "rk", "s": "x" * 40000}, mode=mode)
        assert_error(info.value, status=400, code="PropertyValueTooLarge")
    assert table.get_entity("pk", "rk")["s"] == "small"


@pytest.mark.slow
def test_entity_over_1_mib_is_entity_too_large(table):
    """[DOC] 17 binary properties of 64 KiB = 1.06 MiB > 1 MiB: 400 EntityTooLarge
    (RequestBodyTooLarge is the 413 for bodies over 4 MiB, not this)."""
    entity = {"PartitionKey": "pk", "RowKey": "rk", **{f"b{i}": bytes(64 * 1024) for i in range(17)}}
    with pytest.raises(HttpResponseError) as info:
        table.create_entity(entity)
    assert_error(info.value, status=400, code="EntityTooLarge")
    assert list(table.list_entities()) == []


@pytest.mark.guess
@pytest.mark.slow
def test_entity_size_counts_strings_as_utf16(table):
    """GUESS from the documented size formula (strings count 2 bytes per UTF-16 unit): 17 ASCII
    strings of 32 Ki characters are ~560 KB of JSON but ~1.1 MiB of entity."""
    entity = {"PartitionKey": "pk", "RowKey": "rk", **{f"s{i}": "x" * 32768 for i in range(17)}}
    with pytest.raises(HttpResponseError) as info:
        table.create_entity(entity)
    assert_error(info.value, status=400, code="EntityTooLarge")


def test_entity_just_under_1_mib_is_accepted(table):
    """15 x 64 KiB binaries + small overhead < 1 MiB."""
    entity = {"PartitionKey": "pk", "RowKey": "rk", **{f"b{i}": bytes([i]) * (64 * 1024) for i in range(15)}}
    table.create_entity(entity)
    got = table.get_entity("pk", "rk")
    assert all(got[f"b{i}"] == bytes([i]) * (64 * 1024) for i in range(15))
