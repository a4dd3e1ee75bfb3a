"""Queue-level operations through the official azure-storage-queue SDK: create (201/204/409),
delete, metadata with the approximate count, listing with prefix, metadata and paging, access
policies, service properties and statistics, and clearing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.queue import AccessPolicy, QueueSasPermissions

from support import unique_name


def test_create_is_idempotent_with_same_metadata_and_conflicts_otherwise(queue_service):
    name = unique_name("q")
    client = queue_service.get_queue_client(name)
    client.create_queue(metadata={"Owner": "ann"})
    # Same metadata (names compare ignoring case): 204, which the SDK reports as "exists"
    # without an error code; other metadata: 409 QueueAlreadyExists.
    with pytest.raises(ResourceExistsError) as info:
        client.create_queue(metadata={"owner": "ann"})
    assert info.value.status_code == 204
    with pytest.raises(ResourceExistsError) as info:
        client.create_queue(metadata={"owner": "bob"})
    assert info.value.status_code == 409
    assert info.value.error_code == "QueueAlreadyExists"
    client.delete_queue()
    with pytest.raises(ResourceNotFoundError) as info:
        client.delete_queue()
    assert info.value.error_code == "QueueNotFound"


def test_metadata_round_trip_and_approximate_count(queue_client):
    queue_client.set_queue_metadata({"Colour": "blue", "size": "3"})
    for index in range(3):
        queue_client.send_message(f"m{index}")
    properties = queue_client.get_queue_properties()
    assert properties.metadata == {"Colour": "blue", "size": "3"}
    assert properties.approximate_message_count >= 1  # approximate by contract
    queue_client.set_queue_metadata({})
    assert queue_client.get_queue_properties().metadata == {}


def test_missing_queue_is_queue_not_found(queue_service):
    client = queue_service.get_queue_client(unique_name("missing"))
    for call in (client.get_queue_properties, lambda: client.send_message("x"), client.receive_message,
                 client.peek_messages, client.clear_messages):
        with pytest.raises(ResourceNotFoundError) as info:
            call()
        assert info.value.error_code == "QueueNotFound"


@pytest.mark.parametrize("name,code", [
    ("ab", "OutOfRangeInput"), ("a" * 64, "OutOfRangeInput"), ("UPPER", "InvalidResourceName"),
    ("a--b", "InvalidResourceName"), ("-abc", "InvalidResourceName"), ("abc-", "InvalidResourceName"),
])
def test_invalid_queue_names(queue_service, name, code):
    with pytest.raises(HttpResponseError) as info:
        queue_service.create_queue(name)
    assert info.value.status_code == 400
    assert info.value.error_code == code


def test_list_queues_prefix_metadata_and_paging(queue_service):
    prefix = unique_name("list")
    names = [f"{prefix}-{index:02d}" for index in range(7)]
    for name in reversed(names):
        queue_service.create_queue(name, metadata={"n": name[-2:]})
    try:
        listed = list(queue_service.list_queues(name_starts_with=prefix, include_metadata=True, results_per_page=3))
        assert [queue.name for queue in listed] == names
        assert [queue.metadata for queue in listed] == [{"n": name[-2:]} for name in names]
        pages = list(queue_service.list_queues(name_starts_with=prefix, results_per_page=3).by_page())
        assert [len(list(page)) for page in pages] == [3, 3, 1]
        without = list(queue_service.list_queues(name_starts_with=prefix))
        assert all(not queue.metadata for queue in without)
    finally:
        for name in names:
            queue_service.delete_queue(name)


def test_access_policy_round_trip_and_limits(queue_client):
    expiry = datetime(2099, 1, 1, tzinfo=timezone.utc)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    policy = AccessPolicy(permission=QueueSasPermissions(read=True, process=True), expiry=expiry, start=start)
    queue_client.set_queue_access_policy({"readers": policy})
    stored = queue_client.get_queue_access_policy()
    assert set(stored) == {"readers"}
    assert stored["readers"].permission == "rp"
    too_many = {f"id{index}": policy for index in range(6)}
    with pytest.raises((HttpResponseError, ValueError)):
        queue_client.set_queue_access_policy(too_many)
    queue_client.set_queue_access_policy({})
    assert queue_client.get_queue_access_policy() == {}


def test_service_properties(queue_service):
    from azure.storage.queue import CorsRule
    original = queue_service.get_service_properties()
    assert "cors" in original
    queue_service.set_service_properties(cors=[CorsRule(["https://example.com"], ["GET"], max_age_in_seconds=5)])
    updated = queue_service.get_service_properties()
    assert [rule.allowed_origins for rule in updated["cors"]] == ["https://example.com"]
    queue_service.set_service_properties(cors=[])
    assert queue_service.get_service_properties()["cors"] == []
    # Get Service Stats goes to the secondary endpoint, which a path-style emulator URL lacks;
    # QueueServiceHTTPTests checks the answer.


def test_clear_messages(queue_client):
    for index in range(5):
        queue_client.send_message(f"m{index}")
    queue_client.clear_messages()
    assert list(queue_client.peek_messages(max_messages=32)) == []
