#!/usr/bin/env python3
"""Generate shared access signature (SAS) test vectors with the official Azure SDKs for Python.

Every vector is produced by the SDK's own public SAS functions:

* Table service SAS:  ``azure.data.tables.generate_table_sas``
* Account SAS:        ``azure.data.tables.generate_account_sas`` (``ss=t``)
* Queue service SAS:  ``azure.storage.queue.generate_queue_sas``
* Account SAS:        ``azure.storage.queue.generate_account_sas``

A few account vectors pin another service version.  Neither ``generate_*`` function
takes a version, so those go through the SDK class the function itself delegates to,
with its documented ``x_ms_version`` argument:
``azure.data.tables._shared_access_signature.SharedAccessSignature`` (signs the
pre-2020-12-06 account string) and
``azure.storage.queue._shared.shared_access_signature.SharedAccessSignature`` (always
signs the 2020-12-06 string, with the encryption-scope line).  Only versions on
which that string is also what Azure expects are used.

The string-to-sign is captured by wrapping the SDK's HMAC helper (``_sign_string`` in
the two Table modules, ``sign_string`` in the two Queue modules) for the duration of
one call; for the Queue SDK it is also checked against the SDK's own ``sts_hook``.
The SAS functions read no clock, UUID or platform value, so the output depends only
on the pinned inputs below and the pinned package versions: re-running the script
reproduces the fixture byte for byte.

Fixture schema (``Tests/StorageCoreTests/Fixtures/sas-vectors.json``)::

    {
      "generator": {"script": str, "packages": {name: version}},
      "vectors": [                      # sorted by "name"
        {
          "name": str,                  # unique, human readable
          "kind": "table" | "queue" | "account",
          "sdk": "azure-data-tables" | "azure-storage-queue",
          "call": str,                  # the SDK entry point that produced it
          "account": str, "key": str,   # account name and base64 key that signed
          "inputs": {                   # what the SDK was given, normalized
            "tableName": str?, "queueName": str?,
            "permission": str?,         # letters as the SDK rendered them
            "services": str?, "resourceTypes": str?,    # account SAS only
            "start": str?, "expiry": str?,  # ISO 8601 with the microseconds given
            "ip": str?, "protocol": str?, "policyId": str?,
            "startPartitionKey": str?, "startRowKey": str?,
            "endPartitionKey": str?, "endRowKey": str?,
            "version": str              # the sv the SDK signed
          },
          "reproduce": bool,            # false: the SDK rendered a value in an order no
                                        # canonical encoder produces; verify-only
          "queryString": str,           # exactly what the SDK returned
          "stringToSign": str,          # exactly what the SDK signed
          "signature": str              # the sig value, decoded (base64)
        }
      ]
    }

Usage: python emulator/conformance/make_sas_vectors.py [--output PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

from azure.core.credentials import AzureNamedKeyCredential

import azure.data.tables._shared_access_signature as table_sas_module
import azure.data.tables._table_shared_access_signature as table_sas_entry_module
from azure.data.tables import (
    AccountSasPermissions as TableAccountSasPermissions,
    ResourceTypes as TableResourceTypes,
    TableSasPermissions,
    generate_account_sas as generate_table_account_sas,
    generate_table_sas,
)

import azure.storage.queue._shared.shared_access_signature as queue_shared_sas_module
import azure.storage.queue._shared_access_signature as queue_sas_module
from azure.storage.queue import (
    AccountSasPermissions as QueueAccountSasPermissions,
    QueueSasPermissions,
    ResourceTypes as QueueResourceTypes,
    Services,
    generate_account_sas as generate_queue_account_sas,
    generate_queue_sas,
)

SCRIPT_REL = "emulator/conformance/make_sas_vectors.py"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO_ROOT / "Tests" / "StorageCoreTests" / "Fixtures" / "sas-vectors.json"

PACKAGES = ["azure-core", "azure-data-tables", "azure-storage-queue"]

# Well-known development-storage account (Azurite / storage emulator).
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# The same made-up second account as make_signing_vectors.py.
ACCT2_ACCOUNT = "acct2"
ACCT2_KEY = "BSlmcUv7tVv2kaytkGeMR8mkJxwtv1xE4lPNzRzEfKzzHUTCbfD/mIsyoJcfhGZhHNYrKcJ6AcMTPmMBgaifsw=="
ACCOUNTS = {DEV_ACCOUNT: DEV_KEY, ACCT2_ACCOUNT: ACCT2_KEY}

UTC = timezone.utc
# Pinned instants.  Some carry microseconds: the SDKs drop them ("%Y-%m-%dT%H:%M:%SZ").
START = datetime(2021, 9, 21, 0, 49, 27, tzinfo=UTC)
START_FRACTION = datetime(2021, 9, 21, 0, 49, 27, 987654, tzinfo=UTC)
EXPIRY = datetime(2021, 9, 22, 0, 49, 27, tzinfo=UTC)
EXPIRY_FRACTION = datetime(2031, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
EXPIRY_NEW_YEAR = datetime(2022, 1, 1, 0, 0, 0, tzinfo=UTC)


class _Capture:
    """Records every string the SDK's HMAC helper is asked to sign."""

    def __init__(self) -> None:
        self.signed: List[str] = []
        self.hooked: List[str] = []

    def wrap(self, original: Callable[..., str]) -> Callable[..., str]:
        def wrapper(key: Any, string_to_sign: Any, *args: Any, **kwargs: Any) -> str:
            self.signed.append(string_to_sign)
            return original(key, string_to_sign, *args, **kwargs)

        return wrapper

    def hook(self, string_to_sign: str) -> None:
        self.hooked.append(string_to_sign)


CAPTURE = _Capture()


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
    with contextlib.ExitStack() as stack:
        # Table: the account helper and the table helper live in two modules, each with
        # its own imported reference to _sign_string.
        for module in (table_sas_module, table_sas_entry_module):
            stack.enter_context(_patched(module, "_sign_string", CAPTURE.wrap(module._sign_string)))
        # Queue: the queue helper and the account helper, likewise.
        for module in (queue_sas_module, queue_shared_sas_module):
            stack.enter_context(_patched(module, "sign_string", CAPTURE.wrap(module.sign_string)))
        yield


def _cred(account: str) -> AzureNamedKeyCredential:
    return AzureNamedKeyCredential(account, ACCOUNTS[account])


def _iso(value: Optional[datetime]) -> Optional[str]:
    if value is None:
        return None
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


# --------------------------------------------------------------------------
# One vector = one SDK call plus the normalized inputs the Swift side rebuilds.
# --------------------------------------------------------------------------

class Case:
    def __init__(
        self,
        name: str,
        kind: str,
        sdk: str,
        call: str,
        account: str,
        produce: Callable[[], str],
        inputs: Dict[str, Any],
        reproduce: bool = True,
        hooked: bool = False,
    ) -> None:
        self.name = name
        self.kind = kind
        self.sdk = sdk
        self.call = call
        self.account = account
        self.produce = produce
        self.inputs = {k: v for k, v in inputs.items() if v is not None}
        self.reproduce = reproduce
        self.hooked = hooked


def table_case(name: str, account: str = DEV_ACCOUNT, permission: Any = None, **kw: Any) -> Case:
    args = dict(
        permission=permission,
        expiry=kw.get("expiry"),
        start=kw.get("start"),
        ip_address_or_range=kw.get("ip"),
        policy_id=kw.get("policy_id"),
        protocol=kw.get("protocol"),
        start_pk=kw.get("spk"),
        start_rk=kw.get("srk"),
        end_pk=kw.get("epk"),
        end_rk=kw.get("erk"),
    )
    table = kw["table"]
    inputs = {
        "tableName": table,
        "permission": None if permission is None else str(permission),
        "start": _iso(kw.get("start")),
        "expiry": _iso(kw.get("expiry")),
        "ip": kw.get("ip"),
        "protocol": kw.get("protocol"),
        "policyId": kw.get("policy_id"),
        "startPartitionKey": kw.get("spk"),
        "startRowKey": kw.get("srk"),
        "endPartitionKey": kw.get("epk"),
        "endRowKey": kw.get("erk"),
    }
    return Case(name, "table", "azure-data-tables", "generate_table_sas", account,
                lambda: generate_table_sas(_cred(account), table, **args), inputs)


def queue_case(name: str, account: str = DEV_ACCOUNT, permission: Any = None, **kw: Any) -> Case:
    queue = kw["queue"]
    extra = {"protocol": kw["protocol"]} if kw.get("protocol") else {}
    inputs = {
        "queueName": queue,
        "permission": None if permission is None else str(permission),
        "start": _iso(kw.get("start")),
        "expiry": _iso(kw.get("expiry")),
        "ip": kw.get("ip"),
        "protocol": kw.get("protocol"),
        "policyId": kw.get("policy_id"),
    }
    return Case(
        name, "queue", "azure-storage-queue", "generate_queue_sas", account,
        lambda: generate_queue_sas(
            account, queue, ACCOUNTS[account], permission=permission, expiry=kw.get("expiry"),
            start=kw.get("start"), policy_id=kw.get("policy_id"), ip=kw.get("ip"),
            sts_hook=CAPTURE.hook, **extra),
        inputs, hooked=True)


def _account_inputs(services: Any, resource_types: Any, permission: Any, **kw: Any) -> Dict[str, Any]:
    return {
        "services": str(services),
        "resourceTypes": str(resource_types),
        "permission": str(permission),
        "start": _iso(kw.get("start")),
        "expiry": _iso(kw.get("expiry")),
        "ip": kw.get("ip"),
        "protocol": kw.get("protocol"),
    }


def table_account_case(name: str, resource_types: Any, permission: Any, account: str = DEV_ACCOUNT,
                       reproduce: bool = True, **kw: Any) -> Case:
    inputs = _account_inputs("t", resource_types, permission, **kw)
    return Case(
        name, "account", "azure-data-tables", "generate_account_sas", account,
        lambda: generate_table_account_sas(
            _cred(account), resource_types, permission, kw["expiry"], start=kw.get("start"),
            ip_address_or_range=kw.get("ip"), protocol=kw.get("protocol")),
        inputs, reproduce=reproduce)


def table_account_versioned_case(name: str, version: str, resource_types: Any, permission: Any,
                                 account: str = DEV_ACCOUNT, **kw: Any) -> Case:
    inputs = _account_inputs("t", resource_types, permission, **kw)
    signer = table_sas_module.SharedAccessSignature(_cred(account), x_ms_version=version)
    return Case(
        name, "account", "azure-data-tables", "SharedAccessSignature(x_ms_version).generate_account", account,
        lambda: signer.generate_account(
            "t", resource_types, permission, kw["expiry"], start=kw.get("start"),
            ip_address_or_range=kw.get("ip"), protocol=kw.get("protocol")),
        inputs)


def queue_account_case(name: str, resource_types: Any, permission: Any, services: Any = None,
                       account: str = DEV_ACCOUNT, **kw: Any) -> Case:
    extra = {"protocol": kw["protocol"]} if kw.get("protocol") else {}
    if services is not None:
        extra["services"] = services
    inputs = _account_inputs(services if services is not None else Services(queue=True),
                             resource_types, permission, **kw)
    return Case(
        name, "account", "azure-storage-queue", "generate_account_sas", account,
        lambda: generate_queue_account_sas(
            account, ACCOUNTS[account], resource_types, permission, kw["expiry"], start=kw.get("start"),
            ip=kw.get("ip"), sts_hook=CAPTURE.hook, **extra),
        inputs, hooked=True)


def queue_account_versioned_case(name: str, version: str, services: Any, resource_types: Any, permission: Any,
                                 account: str = DEV_ACCOUNT, **kw: Any) -> Case:
    inputs = _account_inputs(services, resource_types, permission, **kw)
    signer = queue_shared_sas_module.SharedAccessSignature(account, ACCOUNTS[account], x_ms_version=version)
    return Case(
        name, "account", "azure-storage-queue", "SharedAccessSignature(x_ms_version).generate_account", account,
        lambda: signer.generate_account(
            services, resource_types, permission, kw["expiry"], start=kw.get("start"), ip=kw.get("ip"),
            protocol=kw.get("protocol"), sts_hook=CAPTURE.hook),
        inputs, hooked=True)


# Protocols are passed as plain strings: on Python >= 3.11 str(SASProtocol.HTTPS) is
# "SASProtocol.HTTPS", and azure-data-tables 12.7.0 would put exactly that in spr=.
CASES: List[Case] = [
    # ---------------- Table service SAS ----------------
    table_case("table: read only, expiry only", table="mytable",
               permission=TableSasPermissions(read=True), expiry=EXPIRY),
    table_case("table: raud, start and expiry, upper-case table name", table="MyTable",
               permission=TableSasPermissions(read=True, add=True, update=True, delete=True),
               start=START, expiry=EXPIRY),
    table_case("table: add and delete, single IP", table="orders",
               permission=TableSasPermissions(add=True, delete=True), expiry=EXPIRY, ip="168.1.5.65"),
    table_case("table: read and update, IP range, https only", table="orders",
               permission=TableSasPermissions(read=True, update=True), expiry=EXPIRY,
               ip="168.1.5.60-168.1.5.70", protocol="https"),
    table_case("table: add, https and http", table="Inventory2021",
               permission=TableSasPermissions(add=True), start=START, expiry=EXPIRY, protocol="https,http"),
    table_case("table: stored policy only", table="mytable", policy_id="policy-1"),
    table_case("table: stored policy with start on the URL", table="mytable", policy_id="readers",
               start=START),
    table_case("table: stored policy with permission on the URL", table="mytable", policy_id="expiring",
               permission=TableSasPermissions(read=True)),
    table_case("table: full key range with characters to encode", table="mytable",
               permission=TableSasPermissions(read=True, add=True, update=True, delete=True), expiry=EXPIRY,
               spk="tenant a", srk="row+1/2=3", epk="tenant z", erk="row:9&x"),
    table_case("table: partition range only", table="mytable",
               permission=TableSasPermissions(read=True), expiry=EXPIRY, spk="2021-01", epk="2021-12"),
    table_case("table: start keys only", table="mytable",
               permission=TableSasPermissions(read=True, delete=True), expiry=EXPIRY, spk="m", srk="0005"),
    table_case("table: end keys only", table="mytable",
               permission=TableSasPermissions(update=True), expiry=EXPIRY, epk="m", erk="0005"),
    table_case("table: non-ASCII keys", table="Greetings",
               permission=TableSasPermissions(read=True, add=True), expiry=EXPIRY,
               spk="Grüße", srk="😀", epk="Grüße", erk="😀"),
    table_case("table: microseconds dropped, mixed-case table", table="OrdersQ3Archive",
               permission=TableSasPermissions(read=True), start=START_FRACTION, expiry=EXPIRY_FRACTION),
    table_case("table: everything at once, second account", account=ACCT2_ACCOUNT, table="JobLeases",
               permission=TableSasPermissions(read=True, add=True, update=True, delete=True),
               start=START, expiry=EXPIRY_NEW_YEAR, ip="10.0.0.0-10.255.255.255", protocol="https",
               policy_id="lease-workers", spk="jobs", srk="a", epk="jobs", erk="z"),
    # ---------------- Queue service SAS ----------------
    queue_case("queue: read only", queue="myqueue", permission=QueueSasPermissions(read=True), expiry=EXPIRY),
    queue_case("queue: raup with start", queue="myqueue",
               permission=QueueSasPermissions(read=True, add=True, update=True, process=True),
               start=START, expiry=EXPIRY),
    queue_case("queue: add and process, IP range, https only", queue="jobs-high-priority",
               permission=QueueSasPermissions(add=True, process=True), expiry=EXPIRY,
               ip="192.168.0.1-192.168.0.254", protocol="https"),
    queue_case("queue: stored policy only", queue="myqueue", policy_id="consumers"),
    queue_case("queue: update and process, single IP, https and http", queue="work", account=ACCT2_ACCOUNT,
               permission=QueueSasPermissions(update=True, process=True), start=START_FRACTION,
               expiry=EXPIRY_FRACTION, ip="127.0.0.1", protocol="https,http"),
    # ---------------- Account SAS, azure-data-tables ----------------
    table_account_case("account (tables): sco, rwdlacup", TableResourceTypes.from_string("sco"),
                       TableAccountSasPermissions.from_string("rwdlacup"), expiry=EXPIRY),
    table_account_case("account (tables): object read, start, IP, https", TableResourceTypes.from_string("o"),
                       TableAccountSasPermissions(read=True), start=START, expiry=EXPIRY,
                       ip="168.1.5.65", protocol="https"),
    table_account_case("account (tables): service and container, list and create",
                       TableResourceTypes.from_string("sc"), TableAccountSasPermissions(list=True, create=True),
                       expiry=EXPIRY_FRACTION, protocol="https,http", account=ACCT2_ACCOUNT),
    # The keyword constructor renders srt as "soc"; Azure accepts any order.
    table_account_case("account (tables): keyword ResourceTypes renders soc",
                       TableResourceTypes(service=True, container=True, object=True),
                       TableAccountSasPermissions(read=True, write=True, delete=True, list=True, add=True,
                                                  update=True),
                       start=START, expiry=EXPIRY, reproduce=False),
    table_account_versioned_case("account (tables): version 2018-03-28", "2018-03-28",
                                 TableResourceTypes.from_string("sco"), TableAccountSasPermissions(read=True),
                                 expiry=EXPIRY, ip="10.1.2.3-10.1.2.9"),
    # ---------------- Account SAS, azure-storage-queue ----------------
    queue_account_case("account (queues): default service, sco, rwdlacup", QueueResourceTypes.from_string("sco"),
                       QueueAccountSasPermissions.from_string("rwdlacup"), expiry=EXPIRY),
    queue_account_case("account (queues): all services, every permission", QueueResourceTypes(
        service=True, container=True, object=True), QueueAccountSasPermissions(
        read=True, write=True, delete=True, list=True, add=True, create=True, update=True, process=True,
        delete_previous_version=True, permanent_delete=True, tag=True, filter_by_tags=True,
        set_immutability_policy=True), services="bqtf", start=START, expiry=EXPIRY),
    queue_account_case("account (queues): object add and process, IP range, https", QueueResourceTypes(object=True),
                       QueueAccountSasPermissions(add=True, process=True), services=Services(queue=True),
                       start=START_FRACTION, expiry=EXPIRY, ip="172.16.0.0-172.31.255.255", protocol="https"),
    queue_account_case("account (queues): queue and table services, container read",
                       QueueResourceTypes(container=True), QueueAccountSasPermissions(read=True, list=True),
                       services="qt", expiry=EXPIRY_NEW_YEAR, account=ACCT2_ACCOUNT),
    queue_account_versioned_case("account (queues): version 2021-06-08", "2021-06-08", "bq",
                                 QueueResourceTypes.from_string("co"),
                                 QueueAccountSasPermissions(read=True, update=True, process=True),
                                 expiry=EXPIRY, protocol="https,http"),
]


def _run(case: Case) -> Dict[str, Any]:
    CAPTURE.signed = []
    CAPTURE.hooked = []
    query_string = case.produce()
    if len(CAPTURE.signed) != 1:
        raise RuntimeError(f"{case.name}: expected one signed string, got {len(CAPTURE.signed)}")
    string_to_sign = CAPTURE.signed[0]
    if case.hooked and CAPTURE.hooked != [string_to_sign]:
        raise RuntimeError(f"{case.name}: sts_hook saw {CAPTURE.hooked!r}, the signer saw {string_to_sign!r}")
    pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=True)
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or names[-1] != "sig":
        raise RuntimeError(f"{case.name}: unexpected parameters {names}")
    inputs = dict(case.inputs)
    inputs["version"] = dict(pairs)["sv"]
    return {
        "name": case.name,
        "kind": case.kind,
        "sdk": case.sdk,
        "call": case.call,
        "account": case.account,
        "key": ACCOUNTS[case.account],
        "inputs": inputs,
        "reproduce": case.reproduce,
        "queryString": query_string,
        "stringToSign": string_to_sign,
        "signature": dict(pairs)["sig"],
    }


def build_vectors() -> List[Dict[str, Any]]:
    names = [case.name for case in CASES]
    if len(set(names)) != len(names):
        raise RuntimeError("duplicate vector names")
    with _sdk_instrumented():
        vectors = [_run(case) for case in CASES]
    return sorted(vectors, key=lambda vector: vector["name"])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"fixture path (default: {DEFAULT_OUTPUT.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)

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
        key = f"{vector['sdk']}/{vector['kind']}"
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(fixture['vectors'])} vectors to {args.output}")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
