#!/usr/bin/env python3
"""Generate Shared Key signing test vectors with the official Azure SDKs for Python.

Every ``SharedKey`` vector is produced by the SDK's own signing policy, run inside
the SDK's own client pipeline:

* Table: ``azure.data.tables._authentication.SharedKeyCredentialPolicy``
* Queue: ``azure.storage.queue._shared.authentication.SharedKeyCredentialPolicy``
* Blob:  ``azure.storage.blob._shared.authentication.SharedKeyCredentialPolicy``

A real client (``TableClient``, ``QueueClient``, ``BlobClient`` ...) is asked to do
an operation; a transport that never touches the network stops the request once
it has been signed.  The string-to-sign is captured by wrapping the policy's
``_add_authorization_header`` method, so the fixture holds exactly what the SDK
signed, the URL exactly as the SDK built it and every header present at signing
time.  Those vectors carry ``"origin": "sdk-policy"``.

No official Azure SDK for Python implements ``SharedKeyLite`` (checked: current
azure-data-tables, azure-storage-queue, azure-storage-blob, and the legacy
azure-storage-common 2.1.0, azure-storage-queue/blob/file 2.1.0,
azure-cosmosdb-table 1.0.6, azure-storage 0.20.3/0.30.0/0.36.0, azure 0.8.4/0.11.1).
``SharedKeyLite`` vectors are therefore composed from the SDK policies'
canonicalization helpers and the documented Lite formula, on the very same
SDK-built request, and carry ``"origin": "sdk-helpers"``:

* Table Lite:      x-ms-date + "\\n" + CanonicalizedResource
* Blob/Queue Lite: VERB, Content-MD5, Content-Type, Date lines, then
                   CanonicalizedHeaders, then CanonicalizedResource with only
                   ``?comp=`` kept (the "Shared Key Lite and Table" resource format)

Non-determinism in the SDKs (clock, UUIDs, platform in User-Agent) is pinned, so
re-running the script reproduces the output byte for byte.

Usage: python emulator/conformance/make_signing_vectors.py [--output PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import os
import platform
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlsplit

import requests
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.pipeline.transport import HttpRequest as TransportHttpRequest, HttpTransport

import azure.data.tables._authentication as table_auth
import azure.data.tables._base_client as table_base_client
import azure.data.tables._policies as table_policies
from azure.data.tables import (
    TableAccessPolicy,
    TableClient,
    TableServiceClient,
    TableAnalyticsLogging,
    UpdateMode,
)
from azure.data.tables._common_conversion import _sign_string as table_sign_string
from azure.core import MatchConditions

import azure.storage.queue._shared.authentication as queue_auth
import azure.storage.queue._shared.policies as queue_policies
from azure.storage.queue import (
    AccessPolicy as QueueAccessPolicy,
    QueueAnalyticsLogging,
    QueueClient,
    QueueServiceClient,
    RetentionPolicy as QueueRetentionPolicy,
)
from azure.storage.queue._shared import sign_string as queue_sign_string

import azure.storage.blob._shared.authentication as blob_auth
import azure.storage.blob._shared.policies as blob_policies
from azure.storage.blob import BlobClient, ContainerClient
from azure.storage.blob._shared import sign_string as blob_sign_string

from wsgiref.handlers import format_date_time

SCRIPT_REL = "emulator/conformance/make_signing_vectors.py"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO_ROOT / "Tests" / "StorageCoreTests" / "Fixtures" / "signing-vectors.json"

PACKAGES = ["azure-core", "azure-data-tables", "azure-storage-blob", "azure-storage-queue"]

# Well-known development-storage account (Azurite / storage emulator).
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# A made-up second account: base64(sha512(b"baton signing vectors: acct2")).
ACCT2_ACCOUNT = "acct2"
ACCT2_KEY = "BSlmcUv7tVv2kaytkGeMR8mkJxwtv1xE4lPNzRzEfKzzHUTCbfD/mIsyoJcfhGZhHNYrKcJ6AcMTPmMBgaifsw=="

ACCOUNTS = {DEV_ACCOUNT: DEV_KEY, ACCT2_ACCOUNT: ACCT2_KEY}

DEV_TABLE_ENDPOINT = "http://127.0.0.1:10002/devstoreaccount1"
DEV_QUEUE_ENDPOINT = "http://127.0.0.1:10001/devstoreaccount1"
DEV_BLOB_ENDPOINT = "http://127.0.0.1:10000/devstoreaccount1"
ACCT2_TABLE_ENDPOINT = "https://acct2.table.core.windows.net"
ACCT2_QUEUE_ENDPOINT = "https://acct2.queue.core.windows.net"

# First vector's clock: Tue, 21 Sep 2021 00:49:27 GMT.  Each following vector
# advances by an odd step so dates cover several days, hours and weekdays.
BASE_EPOCH = 1632185367
EPOCH_STEP = 7 * 3600 + 13 * 60 + 29

# Fixed User-Agent ingredients (the real value embeds the local Python/platform).
FIXED_PYTHON_VERSION = "3"
FIXED_PLATFORM = "baton-signing-vectors"

# A pop receipt containing '+', '/' and '=' (percent-encoded by the SDK in the URL).
POP_RECEIPT = "AgAAAAMAAAAAAAAA+/bY2k9n1wE=/x+Q=="
MESSAGE_ID = "4f6a3d0c-7b1e-4c2a-9d0e-2a1b3c4d5e6f"


class _StopAfterSigning(Exception):
    """Raised by the transport: the request was signed and must not be sent."""


class _CaptureTransport(HttpTransport):
    """A transport that records the final request and never opens a socket."""

    def __init__(self, sink: List[Any]) -> None:
        self._sink = sink

    def __enter__(self) -> "_CaptureTransport":
        return self

    def __exit__(self, *args: Any) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, request: Any, **kwargs: Any) -> Any:
        self._sink.append(request)
        raise _StopAfterSigning()


class _Recorder:
    """Collects what the SDK signing policies did while one operation runs."""

    def __init__(self) -> None:
        self.signed: List[Dict[str, Any]] = []
        self.sent: List[Any] = []
        self.uuid_counter = 0
        self.uuid_seed = ""
        self.date = ""

    def reset(self, seed: str, date: str) -> None:
        self.signed = []
        self.sent = []
        self.uuid_counter = 0
        self.uuid_seed = seed
        self.date = date

    def next_uuid(self) -> uuid.UUID:
        self.uuid_counter += 1
        digest = hashlib.sha256(f"{self.uuid_seed}#{self.uuid_counter}".encode("utf-8")).digest()
        return uuid.UUID(bytes=digest[:16], version=4)


RECORDER = _Recorder()


def _headers_snapshot(http_request: Any) -> List[List[str]]:
    pairs = []
    for name, value in http_request.headers.items():
        if not isinstance(value, str):
            raise TypeError(f"header {name!r} has non-string value {value!r}")
        pairs.append([name, value])
    return pairs


# --------------------------------------------------------------------------
# SharedKeyLite composed from the SDK policies' own canonicalization helpers.
# --------------------------------------------------------------------------

def _table_lite(policy: Any, pipeline_request: Any) -> Dict[str, str]:
    http_request = pipeline_request.http_request
    # Date slot: the value the table SDK puts in its SharedKey Date slot (x-ms-date).
    string_to_sign = (
        policy._get_headers(http_request, ["x-ms-date"])
        + policy._get_canonicalized_resource(pipeline_request)
        + policy._get_canonicalized_resource_query(http_request)
    )
    name = policy._credential.named_key.name
    signature = table_sign_string(policy._credential.named_key.key, string_to_sign)
    return {"stringToSign": string_to_sign, "authorization": f"SharedKeyLite {name}:{signature}"}


def _storage_lite(policy: Any, pipeline_request: Any, sign: Callable[[str, str], str]) -> Dict[str, str]:
    # Lite resource = "/account/path" + "?comp=<value>" only: exactly the table
    # SDK's resource-query helper (the "Shared Key Lite and Table" format).
    comp_only = table_auth.SharedKeyCredentialPolicy._get_canonicalized_resource_query(
        None, pipeline_request.http_request
    )
    string_to_sign = (
        policy._get_verb(pipeline_request)
        + policy._get_headers(pipeline_request, ["content-md5", "content-type", "date"])
        + policy._get_canonicalized_headers(pipeline_request)
        + policy._get_canonicalized_resource(pipeline_request)
        + comp_only
    )
    signature = sign(policy.account_key, string_to_sign)
    return {"stringToSign": string_to_sign, "authorization": f"SharedKeyLite {policy.account_name}:{signature}"}


# --------------------------------------------------------------------------
# Wrappers around the SDK policies (capture only; the SDK still does the work).
# --------------------------------------------------------------------------

def _wrap_add_authorization_header(original: Callable, http_of: Callable[[Any], Any]) -> Callable:
    def wrapper(self: Any, request: Any, string_to_sign: str) -> None:
        http_request = http_of(request)
        headers = _headers_snapshot(http_request)
        original(self, request, string_to_sign)
        RECORDER.signed.append(
            {
                "method": http_request.method,
                "url": http_request.url,
                "headers": headers,
                "stringToSign": string_to_sign,
                "authorization": http_request.headers["Authorization"],
            }
        )

    return wrapper


def _wrap_on_request(original: Callable, lite: Callable[[Any, Any], Dict[str, str]]) -> Callable:
    def wrapper(self: Any, request: Any) -> None:
        original(self, request)
        RECORDER.signed[-1]["lite"] = lite(self, request)

    return wrapper


@contextlib.contextmanager
def _patched(target: Any, attribute: str, value: Any):
    saved = getattr(target, attribute)
    setattr(target, attribute, value)
    try:
        yield
    finally:
        setattr(target, attribute, saved)


@contextlib.contextmanager
def _sdk_instrumented():
    fixed_date = lambda *_args: RECORDER.date  # noqa: E731  (replaces wsgiref format_date_time)
    fixed_uuid = lambda *_args, **_kwargs: RECORDER.next_uuid()  # noqa: E731
    table_policy = table_auth.SharedKeyCredentialPolicy
    queue_policy = queue_auth.SharedKeyCredentialPolicy
    blob_policy = blob_auth.SharedKeyCredentialPolicy
    with contextlib.ExitStack() as stack:
        # Clock and identifiers.
        stack.enter_context(_patched(table_policies, "format_date_time", fixed_date))
        stack.enter_context(_patched(queue_policies, "format_date_time", fixed_date))
        stack.enter_context(_patched(blob_policies, "format_date_time", fixed_date))
        stack.enter_context(_patched(uuid, "uuid1", fixed_uuid))
        stack.enter_context(_patched(uuid, "uuid4", fixed_uuid))
        stack.enter_context(_patched(table_base_client, "uuid4", fixed_uuid))
        # User-Agent: "azsdk-python-<moniker> Python/<ver> (<platform>)" made machine independent.
        stack.enter_context(_patched(platform, "python_version", lambda: FIXED_PYTHON_VERSION))
        stack.enter_context(_patched(platform, "platform", lambda *a, **k: FIXED_PLATFORM))
        # Capture the string-to-sign and the headers at signing time.
        stack.enter_context(
            _patched(
                table_policy,
                "_add_authorization_header",
                _wrap_add_authorization_header(table_policy._add_authorization_header, lambda r: r),
            )
        )
        stack.enter_context(
            _patched(
                queue_policy,
                "_add_authorization_header",
                _wrap_add_authorization_header(queue_policy._add_authorization_header, lambda r: r.http_request),
            )
        )
        stack.enter_context(
            _patched(
                blob_policy,
                "_add_authorization_header",
                _wrap_add_authorization_header(blob_policy._add_authorization_header, lambda r: r.http_request),
            )
        )
        stack.enter_context(_patched(table_policy, "on_request", _wrap_on_request(table_policy.on_request, _table_lite)))
        stack.enter_context(
            _patched(
                queue_policy,
                "on_request",
                _wrap_on_request(queue_policy.on_request, lambda p, r: _storage_lite(p, r, queue_sign_string)),
            )
        )
        stack.enter_context(
            _patched(
                blob_policy,
                "on_request",
                _wrap_on_request(blob_policy.on_request, lambda p, r: _storage_lite(p, r, blob_sign_string)),
            )
        )
        yield


# --------------------------------------------------------------------------
# Client factories (all share the capturing transport).
# --------------------------------------------------------------------------

def _cred(account: str) -> AzureNamedKeyCredential:
    return AzureNamedKeyCredential(account, ACCOUNTS[account])


def _transport() -> _CaptureTransport:
    return _CaptureTransport(RECORDER.sent)


def table_client(table: str = "mytable", account: str = DEV_ACCOUNT) -> TableClient:
    endpoint = DEV_TABLE_ENDPOINT if account == DEV_ACCOUNT else ACCT2_TABLE_ENDPOINT
    return TableClient(endpoint=endpoint, table_name=table, credential=_cred(account), transport=_transport())


def table_service(account: str = DEV_ACCOUNT) -> TableServiceClient:
    endpoint = DEV_TABLE_ENDPOINT if account == DEV_ACCOUNT else ACCT2_TABLE_ENDPOINT
    return TableServiceClient(endpoint=endpoint, credential=_cred(account), transport=_transport())


def queue_client(queue: str = "myqueue", account: str = DEV_ACCOUNT) -> QueueClient:
    endpoint = DEV_QUEUE_ENDPOINT if account == DEV_ACCOUNT else ACCT2_QUEUE_ENDPOINT
    return QueueClient(account_url=endpoint, queue_name=queue, credential=_cred(account), transport=_transport())


def queue_service(account: str = DEV_ACCOUNT) -> QueueServiceClient:
    endpoint = DEV_QUEUE_ENDPOINT if account == DEV_ACCOUNT else ACCT2_QUEUE_ENDPOINT
    return QueueServiceClient(account_url=endpoint, credential=_cred(account), transport=_transport())


def blob_client(container: str = "mycontainer", blob: str = "dir/hello world.txt") -> BlobClient:
    return BlobClient(
        account_url=DEV_BLOB_ENDPOINT,
        container_name=container,
        blob_name=blob,
        credential=_cred(DEV_ACCOUNT),
        transport=_transport(),
    )


def container_client(container: str = "mycontainer") -> ContainerClient:
    return ContainerClient(
        account_url=DEV_BLOB_ENDPOINT, container_name=container, credential=_cred(DEV_ACCOUNT), transport=_transport()
    )


def first_page(pager: Any, **by_page: Any) -> None:
    next(iter(pager.by_page(**by_page)))


def raw_request(client: Any, method: str, url: str, headers: Dict[str, str]) -> None:
    """Run a hand-built request through the client's own SDK pipeline (and signing policy)."""
    request = TransportHttpRequest(method, url, headers=dict({"x-ms-version": client.api_version}, **headers))
    client._pipeline.run(request)


# --------------------------------------------------------------------------
# The operations.  Each entry: (name, service, account, lite?, operation)
# A Lite variant "<name> [SharedKeyLite]" is emitted from the same request.
# --------------------------------------------------------------------------

ENTITY = {"PartitionKey": "p1", "RowKey": "r1", "Name": "Ada", "Age": 36, "Score": 1.5}


def _table_batch() -> None:
    operations = [
        ("create", {"PartitionKey": "batch", "RowKey": "1", "Value": 1}),
        ("upsert", {"PartitionKey": "batch", "RowKey": "2", "Value": 2}, {"mode": UpdateMode.MERGE}),
        ("delete", {"PartitionKey": "batch", "RowKey": "3"}),
    ]
    table_client().submit_transaction(operations)


def _table_set_acl() -> None:
    policy = TableAccessPolicy(start="2021-09-01T00:00:00Z", expiry="2021-10-01T00:00:00Z", permission="raud")
    table_client().set_table_access_policy(signed_identifiers={"policy-1": policy})


def _table_set_service_properties() -> None:
    logging = TableAnalyticsLogging(read=True, write=True, delete=True)
    table_service().set_service_properties(analytics_logging=logging)


def _queue_set_acl() -> None:
    policy = QueueAccessPolicy(permission="raup", start="2021-09-01T00:00:00Z", expiry="2021-10-01T00:00:00Z")
    queue_client().set_queue_access_policy(signed_identifiers={"policy-1": policy})


def _queue_set_service_properties() -> None:
    logging = QueueAnalyticsLogging(read=True, write=True, delete=True, retention_policy=QueueRetentionPolicy())
    queue_service().set_service_properties(analytics_logging=logging)


# Metadata names chosen so that the SDK's collation order differs from plain
# byte order ('-' ignored at first level, '_' sorts before digits and letters).
QUEUE_METADATA = {
    "Zeta": "last",
    "alpha": "1",
    "a-c": "hyphen",
    "ab": "plain",
    "a-b": "hyphen-tie",
    "a_b": "underscore",
    "a1": "digit",
    "A2": "Upper",
    "Mixed_Case-Name": "Value With Spaces",
}

# More collation cases: '_' vs digits, hyphen position tie-breaks, a name that
# is a prefix of another.
QUEUE_METADATA_2 = {
    "Owner": "baton",
    "retry_count": "3",
    "retry-count": "hyphen",
    "retrycount": "plain",
    "retry9": "digit",
    "re-try-count": "two hyphens",
    "retry": "prefix",
    "x_y": "z",
}

OPERATIONS: List[Any] = [
    # ---------------- Table, development account, path-style URLs ----------------
    ("table: create table (POST /Tables)", "table", DEV_ACCOUNT, True,
     lambda: table_client("mytable").create_table()),
    ("table: insert entity (POST, JSON body)", "table", DEV_ACCOUNT, True,
     lambda: table_client().create_entity(ENTITY)),
    ("table: get entity, keys with spaces", "table", DEV_ACCOUNT, True,
     lambda: table_client().get_entity(partition_key="my partition", row_key="row key 1")),
    ("table: get entity, keys with single quotes (doubled, %27%27)", "table", DEV_ACCOUNT, True,
     lambda: table_client().get_entity(partition_key="O'Brien", row_key="it's ''quoted''")),
    ("table: get entity, non-ASCII keys", "table", DEV_ACCOUNT, True,
     lambda: table_client().get_entity(partition_key="café", row_key="日本語-ü €", select=["Name", "Age"])),
    ("table: query entities with $filter, $top, $select", "table", DEV_ACCOUNT, False,
     lambda: first_page(table_client().query_entities(
         "PartitionKey eq @pk and Age gt @age", parameters={"pk": "p1", "age": 30},
         results_per_page=5, select=["Name", "Age"]))),
    ("table: query entities continuation (NextPartitionKey, NextRowKey)", "table", DEV_ACCOUNT, True,
     lambda: first_page(table_client().query_entities("Name eq 'Zoë O''Neil'", results_per_page=2),
                        continuation_token={"PartitionKey": "1!8!cDE-", "RowKey": "1!8!cjE-"})),
    ("table: list entities, NextPartitionKey only", "table", DEV_ACCOUNT, False,
     lambda: first_page(table_client().list_entities(), continuation_token={"PartitionKey": "1!12!bmV4dCBwaw--"})),
    ("table: get table ACL (GET ?comp=acl)", "table", DEV_ACCOUNT, True,
     lambda: table_client().get_table_access_policy()),
    ("table: set table ACL (PUT ?comp=acl, XML body)", "table", DEV_ACCOUNT, False, _table_set_acl),
    ("table: entity group transaction (POST $batch)", "table", DEV_ACCOUNT, True, _table_batch),
    ("table: delete entity with If-Match etag", "table", DEV_ACCOUNT, True,
     lambda: table_client().delete_entity(
         partition_key="p1", row_key="r1",
         etag='W/"datetime\'2021-09-21T00%3A49%3A27.1234567Z\'"', match_condition=MatchConditions.IfNotModified)),
    ("table: update entity replace (PUT, If-Match *)", "table", DEV_ACCOUNT, False,
     lambda: table_client().update_entity(ENTITY, mode=UpdateMode.REPLACE)),
    ("table: update entity merge (PATCH, If-Match *)", "table", DEV_ACCOUNT, False,
     lambda: table_client().update_entity(ENTITY, mode=UpdateMode.MERGE)),
    ("table: upsert entity merge (PATCH, no If-Match)", "table", DEV_ACCOUNT, False,
     lambda: table_client().upsert_entity(ENTITY, mode=UpdateMode.MERGE)),
    ("table: delete table (DELETE /Tables('mytable'))", "table", DEV_ACCOUNT, False,
     lambda: table_client().delete_table()),
    ("table: query tables with $filter and NextTableName", "table", DEV_ACCOUNT, False,
     lambda: first_page(table_service().query_tables("TableName ge 'a'", results_per_page=3),
                        continuation_token="1!20!bXl0YWJsZTI-")),
    ("table: get service properties (?restype=service&comp=properties)", "table", DEV_ACCOUNT, True,
     lambda: table_service().get_service_properties()),
    ("table: set service properties (PUT ?restype=service&comp=properties)", "table", DEV_ACCOUNT, False,
     _table_set_service_properties),
    # ---------------- Table, second account, production host ----------------
    ("table acct2: insert entity at production host", "table", ACCT2_ACCOUNT, True,
     lambda: table_client("orders", ACCT2_ACCOUNT).create_entity(
         {"PartitionKey": "2021-09", "RowKey": "order 42", "Total": 9.99})),
    ("table acct2: get entity at production host", "table", ACCT2_ACCOUNT, True,
     lambda: table_client("orders", ACCT2_ACCOUNT).get_entity("2021-09", "order 42")),
    ("table acct2: list tables at production host", "table", ACCT2_ACCOUNT, False,
     lambda: first_page(table_service(ACCT2_ACCOUNT).list_tables(results_per_page=10))),
    ("table acct2: get service stats (secondary host, ?comp=stats)", "table", ACCT2_ACCOUNT, True,
     lambda: table_service(ACCT2_ACCOUNT).get_service_stats()),
    # ---------------- Queue, development account ----------------
    ("queue: create queue with mixed metadata names", "queue", DEV_ACCOUNT, True,
     lambda: queue_client().create_queue(metadata=QUEUE_METADATA)),
    ("queue: create queue without metadata", "queue", DEV_ACCOUNT, False,
     lambda: queue_client("plainqueue").create_queue()),
    ("queue: put message with visibilitytimeout and messagettl", "queue", DEV_ACCOUNT, True,
     lambda: queue_client().send_message("hello, world", visibility_timeout=30, time_to_live=3600)),
    ("queue: put message, non-ASCII body, messagettl=-1", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().send_message("grüße & <tags> 😀", time_to_live=-1)),
    ("queue: get messages (numofmessages, visibilitytimeout)", "queue", DEV_ACCOUNT, True,
     lambda: first_page(queue_client().receive_messages(messages_per_page=16, visibility_timeout=45))),
    ("queue: peek messages (peekonly=true)", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().peek_messages(max_messages=5)),
    ("queue: delete message, popreceipt with + / =", "queue", DEV_ACCOUNT, True,
     lambda: queue_client().delete_message(MESSAGE_ID, pop_receipt=POP_RECEIPT)),
    ("queue: update message with content and visibilitytimeout", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().update_message(MESSAGE_ID, pop_receipt=POP_RECEIPT, content="updated body",
                                           visibility_timeout=60)),
    ("queue: update message visibility only (no body)", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().update_message(MESSAGE_ID, pop_receipt=POP_RECEIPT, visibility_timeout=0)),
    ("queue: clear messages (DELETE /messages)", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().clear_messages()),
    ("queue: list queues (comp=list, prefix, include=metadata, maxresults)", "queue", DEV_ACCOUNT, True,
     lambda: first_page(queue_service().list_queues(name_starts_with="my", include_metadata=True,
                                                    results_per_page=10))),
    ("queue: list queues with marker", "queue", DEV_ACCOUNT, False,
     lambda: first_page(queue_service().list_queues(results_per_page=2),
                        continuation_token="/devstoreaccount1/my queue+2")),
    ("queue: list queues, empty prefix= (hand-built request, SDK pipeline)", "queue", DEV_ACCOUNT, False,
     lambda: raw_request(queue_service(), "GET",
                         DEV_QUEUE_ENDPOINT + "/?comp=list&prefix=&include=metadata&maxresults=5",
                         {"Accept": "application/xml"})),
    ("queue: set queue metadata (PUT ?comp=metadata)", "queue", DEV_ACCOUNT, True,
     lambda: queue_client().set_queue_metadata(metadata=QUEUE_METADATA_2)),
    ("queue: get queue properties (GET ?comp=metadata)", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().get_queue_properties()),
    ("queue: get queue ACL (GET ?comp=acl)", "queue", DEV_ACCOUNT, False,
     lambda: queue_client().get_queue_access_policy()),
    ("queue: set queue ACL (PUT ?comp=acl, XML body)", "queue", DEV_ACCOUNT, False, _queue_set_acl),
    ("queue: get service properties (?restype=service&comp=properties)", "queue", DEV_ACCOUNT, True,
     lambda: queue_service().get_service_properties()),
    ("queue: set service properties (PUT, XML body)", "queue", DEV_ACCOUNT, False, _queue_set_service_properties),
    ("queue: delete queue", "queue", DEV_ACCOUNT, False, lambda: queue_client().delete_queue()),
    ("queue: PUT with Content-Length 0 (hand-built request, SDK pipeline)", "queue", DEV_ACCOUNT, True,
     lambda: raw_request(queue_client(), "PUT", DEV_QUEUE_ENDPOINT + "/emptyqueue",
                         {"Content-Length": "0"})),
    # ---------------- Queue, second account, production host ----------------
    ("queue acct2: put message at production host", "queue", ACCT2_ACCOUNT, True,
     lambda: queue_client("jobs", ACCT2_ACCOUNT).send_message("job-1", visibility_timeout=5)),
    ("queue acct2: get service stats (secondary host)", "queue", ACCT2_ACCOUNT, False,
     lambda: queue_service(ACCT2_ACCOUNT).get_service_stats()),
    # ---------------- Blob, development account (SharedKeyLite coverage) ----------------
    ("blob: put block blob with metadata", "blob", DEV_ACCOUNT, True,
     lambda: blob_client().upload_blob(b"hello blob", overwrite=True, metadata={"Author": "baton", "doc_type": "txt"})),
    ("blob: put empty block blob (SDK sets Content-Length 0)", "blob", DEV_ACCOUNT, True,
     lambda: blob_client(blob="empty.bin").upload_blob(b"", overwrite=True)),
    ("blob: get blob range (x-ms-range)", "blob", DEV_ACCOUNT, True,
     lambda: blob_client().download_blob(offset=0, length=512)),
    ("blob: set container metadata (?restype=container&comp=metadata)", "blob", DEV_ACCOUNT, True,
     lambda: container_client().set_container_metadata(metadata={"project": "baton"})),
    ("blob: list blobs (?restype=container&comp=list&prefix)", "blob", DEV_ACCOUNT, True,
     lambda: first_page(container_client().list_blobs(name_starts_with="dir/", results_per_page=50))),
]


def _run_operation(name: str, operation: Callable[[], Any]) -> Dict[str, Any]:
    try:
        operation()
    except _StopAfterSigning:
        pass
    else:
        raise RuntimeError(f"{name}: the operation completed without reaching the transport")
    if len(RECORDER.signed) != 1 or len(RECORDER.sent) != 1:
        raise RuntimeError(f"{name}: expected one signed request, got {len(RECORDER.signed)} / {len(RECORDER.sent)}")
    signed = RECORDER.signed[0]
    sent = RECORDER.sent[0]
    # The signed request must be the request that leaves the pipeline.
    sent_headers = [[k, v] for k, v in sent.headers.items() if k.lower() != "authorization"]
    if sent.method != signed["method"] or sent_headers != signed["headers"]:
        raise RuntimeError(f"{name}: request changed after signing")
    sent_url, signed_url = urlsplit(sent.url), urlsplit(signed["url"])
    if (sent_url.path, sent_url.query) != (signed_url.path, signed_url.query):
        raise RuntimeError(f"{name}: URL path/query changed after signing: {signed['url']} -> {sent.url}")
    # The URL must already be what the default (requests) transport puts on the wire.
    if requests.utils.requote_uri(sent.url) != sent.url:
        raise RuntimeError(f"{name}: requests would re-quote {sent.url}")
    signed["url"] = sent.url
    return signed


def build_vectors() -> List[Dict[str, Any]]:
    vectors: List[Dict[str, Any]] = []
    names = set()
    with _sdk_instrumented():
        for index, (name, service, account, with_lite, operation) in enumerate(OPERATIONS):
            date = format_date_time(BASE_EPOCH + index * EPOCH_STEP)
            RECORDER.reset(seed=name, date=date)
            captured = _run_operation(name, operation)
            base = {
                "service": service,
                "method": captured["method"],
                "url": captured["url"],
                "headers": captured["headers"],
                "account": account,
                "key": ACCOUNTS[account],
            }
            prefix = f"SharedKey {account}:"
            if not captured["authorization"].startswith(prefix):
                raise RuntimeError(f"{name}: unexpected Authorization {captured['authorization']}")
            variants = [
                dict(base, name=name, scheme="SharedKey", origin="sdk-policy",
                     stringToSign=captured["stringToSign"], authorization=captured["authorization"]),
            ]
            if with_lite:
                lite = captured["lite"]
                variants.append(
                    dict(base, name=f"{name} [SharedKeyLite]", scheme="SharedKeyLite", origin="sdk-helpers",
                         stringToSign=lite["stringToSign"], authorization=lite["authorization"])
                )
            for vector in variants:
                if vector["name"] in names:
                    raise RuntimeError(f"duplicate vector name {vector['name']}")
                names.add(vector["name"])
                vectors.append(vector)
    return vectors


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"fixture path (default: {DEFAULT_OUTPUT.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)

    # The SDK appends $AZURE_HTTP_USER_AGENT to User-Agent; keep output machine independent.
    os.environ.pop("AZURE_HTTP_USER_AGENT", None)

    fixture = {
        "generator": {
            "script": SCRIPT_REL,
            "packages": {name: importlib.metadata.version(name) for name in PACKAGES},
        },
        "vectors": build_vectors(),
    }
    text = json.dumps(fixture, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")

    counts: Dict[str, int] = {}
    for vector in fixture["vectors"]:
        key = f"{vector['service']}/{vector['scheme']}/{vector['origin']}"
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(fixture['vectors'])} vectors to {args.output}")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
