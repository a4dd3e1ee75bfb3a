"""The few HTTP-level checks the SDK cannot express, with plain ``requests`` and a
hand-written SharedKey signer (itself checked against the SDK's signing vectors).

The lead's Swift tests cover malformed input; these check what well-formed clients rely on
[REF §10, §11, §18]."""

from __future__ import annotations

import json
import re

import pytest

from support import (
    DEV_ACCOUNT,
    MINIMAL_JSON_CONTENT_TYPE,
    REPO_ROOT,
    canonicalized_resource,
    sign,
    table_string_to_sign,
    unique_name,
)

VECTORS = REPO_ROOT / "Tests" / "StorageCoreTests" / "Fixtures" / "signing-vectors.json"


def table_vectors():
    if not VECTORS.exists():
        return []
    return [v for v in json.loads(VECTORS.read_text())["vectors"] if v["service"] == "table"]


@pytest.mark.parametrize("vector", table_vectors(), ids=lambda v: f"{v['scheme']}: {v['name']}")
def test_raw_signer_matches_the_sdk_signing_vectors(vector):
    """No emulator needed: the helper used below signs exactly like the SDK."""
    headers = dict(vector["headers"])
    sts = table_string_to_sign(vector["method"], vector["url"], headers, vector["account"], vector["scheme"])
    assert sts == vector["stringToSign"]
    assert f"{vector['scheme']} {vector['account']}:{sign(vector['key'], sts)}" == vector["authorization"]


def test_canonicalized_resource_keeps_only_comp():
    url = "http://127.0.0.1:1/devstoreaccount1/t?comp=acl&timeout=5"
    assert canonicalized_resource(DEV_ACCOUNT, url) == "/devstoreaccount1/devstoreaccount1/t?comp=acl"


# ---------------------------------------------------------------------------
# Response headers
# ---------------------------------------------------------------------------


def test_client_request_id_is_echoed_exactly(raw):
    value = "Baton conformance: 42 (with spaces; and=signs)"
    resp = raw.request("GET", "Tables", headers={"x-ms-client-request-id": value})
    assert resp.status_code == 200
    assert resp.headers.get("x-ms-client-request-id") == value
    assert resp.headers.get("x-ms-request-id")
    assert resp.headers.get("x-ms-version")
    assert resp.headers.get("Date")


def test_client_request_id_is_echoed_on_errors(raw):
    resp = raw.request("GET", f"{unique_name('missing')}()", headers={"x-ms-client-request-id": "err-echo-1"})
    assert resp.status_code == 404
    assert resp.headers.get("x-ms-client-request-id") == "err-echo-1"


def test_create_table_without_prefer(raw, service, endpoint):
    name = unique_name("raw")
    try:
        resp = raw.request("POST", "Tables", body=json.dumps({"TableName": name}).encode())
        assert resp.status_code == 201, resp.text
        assert "Preference-Applied" not in resp.headers, "no Prefer, no Preference-Applied [REF §10, §16]"
        assert resp.headers.get("Location") == f"{endpoint}/Tables('{name}')"
        assert resp.headers.get("Content-Type") == MINIMAL_JSON_CONTENT_TYPE
        body = resp.json()
        assert body == {"odata.metadata": f"{endpoint}/$metadata#Tables/@Element", "TableName": name}
    finally:
        service.delete_table(name)


def test_create_table_with_prefer_return_no_content(raw, service, endpoint):
    name = unique_name("raw")
    try:
        resp = raw.request("POST", "Tables", body=json.dumps({"TableName": name}).encode(),
                           headers={"Prefer": "return-no-content"})
        assert resp.status_code == 204, resp.text
        assert resp.headers.get("Preference-Applied") == "return-no-content"
        assert resp.content == b""
        assert resp.headers.get("Location") == f"{endpoint}/Tables('{name}')"
    finally:
        service.delete_table(name)


def test_insert_entity_without_prefer(raw, table, endpoint):
    name = table.table_name
    resp = raw.request("POST", name, body=json.dumps({"PartitionKey": "p", "RowKey": "r", "v": 1}).encode())
    assert resp.status_code == 201, resp.text
    assert "Preference-Applied" not in resp.headers
    assert resp.headers.get("Location") == f"{endpoint}/{name}(PartitionKey='p',RowKey='r')"
    body = resp.json()
    assert body["odata.metadata"] == f"{endpoint}/$metadata#{name}/@Element"
    assert body["odata.etag"] == resp.headers.get("ETag")
    assert (body["PartitionKey"], body["RowKey"], body["v"]) == ("p", "r", 1)


@pytest.mark.parametrize("prefer, status", [("return-no-content", 204), ("return-content", 201)])
def test_insert_entity_with_prefer(raw, table, prefer, status):
    resp = raw.request("POST", table.table_name, body=json.dumps({"PartitionKey": "p", "RowKey": "r"}).encode(),
                       headers={"Prefer": prefer})
    assert resp.status_code == status, resp.text
    assert resp.headers.get("Preference-Applied") == prefer
    assert resp.headers.get("ETag")


def test_response_content_type_has_spaces(raw, table):
    resp = raw.request("GET", f"{table.table_name}()")
    assert resp.headers.get("Content-Type") == MINIMAL_JSON_CONTENT_TYPE


# ---------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["*/*", None, "application/json", "application/json;odata=minimalmetadata"],
                         ids=["star", "missing", "application/json", "minimalmetadata"])
def test_accept_variants_get_minimal_metadata_json(raw, table, endpoint, accept):
    """``*/*`` and a missing Accept are answered with JSON minimalmetadata, not 415 [REF §11, §16]."""
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    name = table.table_name
    for path, metadata in [("Tables", f"{endpoint}/$metadata#Tables"),
                           (f"{name}()", f"{endpoint}/$metadata#{name}"),
                           (f"{name}(PartitionKey='p',RowKey='r')", f"{endpoint}/$metadata#{name}/@Element")]:
        resp = raw.request("GET", path, headers={"Accept": accept})
        assert resp.status_code == 200, (path, resp.status_code, resp.text)
        assert resp.headers.get("Content-Type") == MINIMAL_JSON_CONTENT_TYPE, path
        assert resp.json()["odata.metadata"] == metadata


def test_request_content_type_with_parameters_and_spaces(raw, table):
    body = json.dumps({"PartitionKey": "p", "RowKey": "spaced"}).encode()
    resp = raw.request("POST", table.table_name, body=body,
                       headers={"Content-Type": "application/json; odata=nometadata; charset=utf-8"})
    assert resp.status_code == 201, resp.text
    assert table.get_entity("p", "spaced")["RowKey"] == "spaced"


def test_nometadata_has_no_odata_properties(raw, table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r", "n": 1})
    resp = raw.request("GET", f"{table.table_name}()", headers={"Accept": "application/json;odata=nometadata"})
    assert resp.status_code == 200
    (entity,) = resp.json()["value"]
    assert not [k for k in entity if k.startswith("odata.") or "@odata" in k], entity
    assert entity["n"] == 1 and "Timestamp" in entity


# ---------------------------------------------------------------------------
# Payload format of each Edm type (minimal metadata) [REF §6]
# ---------------------------------------------------------------------------


def test_minimal_metadata_wire_format(raw, table):
    body = {
        "PartitionKey": "p", "RowKey": "r",
        "i32": 7, "flag": True, "s": "text",
        "dbl": 5.0, "dbl@odata.type": "Edm.Double",
        "nan": "NaN", "nan@odata.type": "Edm.Double",
        "i64": "255", "i64@odata.type": "Edm.Int64",
        "when": "1973-10-04T00:00:00Z", "when@odata.type": "Edm.DateTime",
        "id": "c9da6455-213d-42c9-9a79-3e9149a57833", "id@odata.type": "Edm.Guid",
        "bin": "AAEC", "bin@odata.type": "Edm.Binary",
    }
    assert raw.request("POST", table.table_name, body=json.dumps(body).encode(),
                       headers={"Prefer": "return-no-content"}).status_code == 204
    resp = raw.request("GET", f"{table.table_name}(PartitionKey='p',RowKey='r')")
    text, got = resp.text, resp.json()
    assert resp.headers.get("ETag") == got["odata.etag"]
    for name in ("i32", "flag", "s", "dbl", "PartitionKey", "RowKey", "Timestamp"):
        assert f"{name}@odata.type" not in got, f"{name} is not annotated in minimal metadata"
    assert re.search(r'"dbl"\s*:\s*5\.0\b', text), "a whole Double is written 5.0, not 5"
    assert (got["nan"], got["nan@odata.type"]) == ("NaN", "Edm.Double")
    assert (got["i64"], got["i64@odata.type"]) == ("255", "Edm.Int64")
    assert got["when@odata.type"] == "Edm.DateTime"
    assert got["when"] == "1973-10-04T00:00:00Z", "Azure trims a zero fraction [REF §6]"
    assert (got["id"], got["id@odata.type"]) == ("c9da6455-213d-42c9-9a79-3e9149a57833", "Edm.Guid")
    assert (got["bin"], got["bin@odata.type"]) == ("AAEC", "Edm.Binary")
    assert (got["i32"], got["flag"], got["s"]) == (7, True, "text")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", got["Timestamp"])


def test_unannotated_json_numbers_are_int32_and_double(raw, table):
    body = {"PartitionKey": "p", "RowKey": "r", "whole": 12, "frac": 1.25}
    assert raw.request("POST", table.table_name, body=json.dumps(body).encode()).status_code == 201
    got = table.get_entity("p", "r")
    assert type(got["whole"]) is int and got["whole"] == 12
    assert type(got["frac"]) is float and got["frac"] == 1.25


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["table-not-found", "resource-not-found", "already-exists"])
def test_error_response_shape(raw, table, case):
    """``odata.error`` JSON body, plus ``x-ms-error-code`` (recommended for the emulator, REF §4)."""
    if case == "table-not-found":
        resp = raw.request("GET", f"{unique_name('missing')}(PartitionKey='p',RowKey='r')")
        status, code = 404, "TableNotFound"
    elif case == "resource-not-found":
        resp = raw.request("GET", f"{table.table_name}(PartitionKey='p',RowKey='r')")
        status, code = 404, "ResourceNotFound"
    else:
        resp = raw.request("POST", "Tables", body=json.dumps({"TableName": table.table_name}).encode())
        status, code = 409, "TableAlreadyExists"
    assert resp.status_code == status, resp.text
    assert resp.headers.get("Content-Type", "").startswith("application/json")
    body = resp.json()
    assert set(body) == {"odata.error"}
    assert body["odata.error"]["code"] == code
    assert body["odata.error"]["message"]["lang"] == "en-US"
    assert body["odata.error"]["message"]["value"]
    assert resp.headers.get("x-ms-error-code") == code


# ---------------------------------------------------------------------------
# Merge spellings (the SDK sends PATCH; others send MERGE or tunnel it) [REF §3, §14]
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["MERGE", "PATCH", "POST+X-HTTP-Method"])
def test_merge_spellings(raw, table, how):
    table.create_entity({"PartitionKey": "p", "RowKey": "r", "a": 1})
    body = json.dumps({"PartitionKey": "p", "RowKey": "r", "b": 2}).encode()
    path = f"{table.table_name}(PartitionKey='p',RowKey='r')"
    if how == "POST+X-HTTP-Method":
        resp = raw.request("POST", path, body=body, headers={"X-HTTP-Method": "MERGE", "If-Match": "*"})
    else:
        resp = raw.request(how, path, body=body, headers={"If-Match": "*"})
    assert resp.status_code == 204, resp.text
    assert resp.headers.get("ETag")
    got = table.get_entity("p", "r")
    assert (got["a"], got["b"]) == (1, 2)
    assert got.metadata["etag"] == resp.headers.get("ETag")


def test_get_entity_etag_header_matches_body(raw, table):
    table.create_entity({"PartitionKey": "p", "RowKey": "r"})
    resp = raw.request("GET", f"{table.table_name}(PartitionKey='p',RowKey='r')")
    assert resp.status_code == 200
    assert resp.headers.get("ETag") == resp.json()["odata.etag"]
