"""Data written before a clean restart is all there afterwards (SQLite under --location)."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timezone

from azure.core.credentials import AzureNamedKeyCredential
from azure.data.tables import EdmType, EntityProperty, TableAccessPolicy, TableServiceClient

from support import CLIENT_KWARGS, DEV_ACCOUNT, DEV_KEY, SECOND_ACCOUNT, SECOND_KEY, connection_string


def entities():
    return [
        {"PartitionKey": "p", "RowKey": "types", "i32": -7, "i64": EntityProperty(2**62 + 1, EdmType.INT64),
         "dbl": 5.0, "nan": float("nan"), "flag": True, "text": "ünïcödé ✓ 😀",
         "when": datetime(2022, 2, 22, 22, 22, 22, 222222, tzinfo=timezone.utc),
         "id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "bin": bytes(range(256)),
         "seven": EntityProperty("2020-01-01T00:00:00.1234567Z", EdmType.DATETIME)},
        {"PartitionKey": "p", "RowKey": "O'Brien", "v": 1},
        {"PartitionKey": "q", "RowKey": "", "v": 2},
    ]


def snapshot(client):
    out = {}
    for e in client.list_entities():
        props = {k: v for k, v in e.items() if k != "nan"}
        if "nan" in e:
            assert math.isnan(e["nan"])
        out[(e["PartitionKey"], e["RowKey"])] = (props, e.metadata["etag"],
                                                 e.metadata["timestamp"].tables_service_value)
    return out


def test_everything_survives_a_restart(emulator_factory):
    emu = emulator_factory()
    names = ["persistA", "PersistMixedCase", "persistEmpty"]

    with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **CLIENT_KWARGS) as service:
        for name in names:
            service.create_table(name)
        client = service.get_table_client(names[0])
        for entity in entities():
            client.create_entity(entity)
        client.update_entity({"PartitionKey": "p", "RowKey": "O'Brien", "v": 10})
        client.delete_entity("q", "")
        client.create_entity({"PartitionKey": "q", "RowKey": "", "v": 3})
        client.set_table_access_policy({"pol": TableAccessPolicy(permission="r",
                                                                 start=datetime(2021, 1, 1, tzinfo=timezone.utc),
                                                                 expiry=datetime(2031, 1, 1, tzinfo=timezone.utc))})
        service.get_table_client(names[1]).create_entity({"PartitionKey": "x", "RowKey": "y"})
        before_tables = sorted(t.name for t in service.list_tables())
        before = snapshot(client)
        before_acl = client.get_table_access_policy()

    with TableServiceClient(endpoint=emu.endpoint(SECOND_ACCOUNT),
                            credential=AzureNamedKeyCredential(SECOND_ACCOUNT, SECOND_KEY), **CLIENT_KWARGS) as second:
        second.create_table("secondOnly").create_entity({"PartitionKey": "s", "RowKey": "s"})

    emu.restart()  # SIGTERM, exit code 0, start again on the same --location

    with TableServiceClient(endpoint=emu.endpoint(), credential=AzureNamedKeyCredential(DEV_ACCOUNT, DEV_KEY),
                            **CLIENT_KWARGS) as service:
        assert sorted(t.name for t in service.list_tables()) == before_tables == sorted(names)
        client = service.get_table_client(names[0])
        after = snapshot(client)
        assert after == before, "properties, ETags and Timestamps unchanged"
        assert after[("q", "")][0]["v"] == 3
        acl = client.get_table_access_policy()
        assert set(acl) == set(before_acl) == {"pol"}
        assert acl["pol"].permission == "r"
        assert list(service.get_table_client(names[2]).list_entities()) == []
        # Writable after the restart, and ETags keep changing.
        meta = client.update_entity({"PartitionKey": "p", "RowKey": "types", "i32": 8})
        assert meta["etag"] != before[("p", "types")][1]

    with TableServiceClient(endpoint=emu.endpoint(SECOND_ACCOUNT),
                            credential=AzureNamedKeyCredential(SECOND_ACCOUNT, SECOND_KEY), **CLIENT_KWARGS) as second:
        assert [t.name for t in second.list_tables()] == ["secondOnly"]
        assert [e["RowKey"] for e in second.get_table_client("secondOnly").list_entities()] == ["s"]
