"""Message operations through the official SDK: put, get, peek, update and delete with pop
receipts; visibility expiry and redelivery; stale receipts (404 MessageNotFound, as Azure);
time to live including -1; binary messages through the base64 policies; size and count limits."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.storage.queue import (
    BinaryBase64DecodePolicy,
    BinaryBase64EncodePolicy,
    QueueClient,
    TextBase64DecodePolicy,
    TextBase64EncodePolicy,
)

from support import CLIENT_KWARGS, queue_connection_string, unique_name


def test_put_returns_a_usable_receipt(queue_client):
    sent = queue_client.send_message("hello")
    assert sent.id and sent.pop_receipt
    assert sent.inserted_on <= sent.next_visible_on < sent.expires_on
    queue_client.delete_message(sent.id, sent.pop_receipt)
    assert list(queue_client.peek_messages()) == []


def test_text_is_kept_exactly(queue_client):
    texts = ["plain", "<xml> & \"quotes\" 'apos'", "  spaced\n\ttext  ", "日本語 🎉", ""]
    for text in texts:
        queue_client.send_message(text)
    received = [m.content for m in queue_client.receive_messages(max_messages=32)]
    assert sorted(received) == sorted(texts)


def test_receive_hides_counts_dequeues_and_issues_new_receipts(queue_client):
    sent = queue_client.send_message("m")
    message = queue_client.receive_message(visibility_timeout=60)
    assert message.id == sent.id
    assert message.dequeue_count == 1
    assert message.pop_receipt != sent.pop_receipt
    assert queue_client.receive_message() is None, "a leased message must be invisible"
    peeked = list(queue_client.peek_messages())
    assert peeked == []


def test_peek_changes_nothing(queue_client):
    queue_client.send_message("m")
    for _ in range(3):
        peeked = list(queue_client.peek_messages())
        assert [m.content for m in peeked] == ["m"]
        assert peeked[0].dequeue_count == 0
        assert peeked[0].pop_receipt is None
    assert queue_client.receive_message().dequeue_count == 1


def test_visibility_expiry_redelivers_and_invalidates_the_old_receipt(queue_client):
    queue_client.send_message("m")
    first = queue_client.receive_message(visibility_timeout=1)
    time.sleep(1.5)
    second = queue_client.receive_message(visibility_timeout=30)
    assert second is not None and second.id == first.id
    assert second.dequeue_count == 2
    with pytest.raises(ResourceNotFoundError) as info:
        queue_client.update_message(first.id, first.pop_receipt, visibility_timeout=10)
    assert info.value.error_code == "MessageNotFound"
    with pytest.raises(ResourceNotFoundError) as info:
        queue_client.delete_message(first.id, first.pop_receipt)
    assert info.value.error_code == "MessageNotFound"
    queue_client.delete_message(second)


def test_update_issues_a_new_receipt_and_changes_content_and_visibility(queue_client):
    queue_client.send_message("old")
    message = queue_client.receive_message(visibility_timeout=60)
    updated = queue_client.update_message(message, visibility_timeout=0, content="new")
    assert updated.pop_receipt and updated.pop_receipt != message.pop_receipt
    assert updated.next_visible_on is not None
    with pytest.raises(ResourceNotFoundError) as info:
        queue_client.delete_message(message.id, message.pop_receipt)
    assert info.value.error_code == "MessageNotFound"
    again = queue_client.receive_message()
    assert again.content == "new" and again.dequeue_count == 2
    # Extend the lease (keep the content), carrying the new receipt forward.
    extended = queue_client.update_message(again.id, again.pop_receipt, visibility_timeout=60)
    assert queue_client.receive_message() is None
    queue_client.delete_message(again.id, extended.pop_receipt)
    assert list(queue_client.peek_messages()) == []


def test_update_release_makes_the_message_visible_at_once(queue_client):
    queue_client.send_message("m")
    message = queue_client.receive_message(visibility_timeout=300)
    queue_client.update_message(message, visibility_timeout=0)
    assert queue_client.receive_message().id == message.id


def test_unknown_message_id_is_message_not_found(queue_client):
    sent = queue_client.send_message("m")
    with pytest.raises(ResourceNotFoundError) as info:
        queue_client.delete_message("00000000-0000-0000-0000-000000000000", sent.pop_receipt)
    assert info.value.error_code == "MessageNotFound"


def test_initial_visibility_timeout_delays_delivery(queue_client):
    queue_client.send_message("later", visibility_timeout=1)
    assert queue_client.receive_message() is None
    time.sleep(1.5)
    assert queue_client.receive_message().content == "later"


def test_time_to_live_expires_messages_and_minus_one_never_does(queue_client):
    short = queue_client.send_message("short", time_to_live=1)
    forever = queue_client.send_message("forever", time_to_live=-1)
    assert forever.expires_on.year == 9999
    time.sleep(1.5)
    assert [m.content for m in queue_client.peek_messages(max_messages=32)] == ["forever"]
    with pytest.raises(ResourceNotFoundError):
        queue_client.delete_message(short.id, short.pop_receipt)
    received = queue_client.receive_messages(max_messages=32)
    assert [m.content for m in received] == ["forever"]


def test_invalid_time_to_live_and_visibility(queue_client):
    with pytest.raises(HttpResponseError) as info:
        queue_client.send_message("x", time_to_live=0)
    assert info.value.status_code == 400
    with pytest.raises(HttpResponseError) as info:
        queue_client.send_message("x", visibility_timeout=10, time_to_live=10)
    assert info.value.error_code == "InvalidQueryParameterValue"
    with pytest.raises(HttpResponseError) as info:
        queue_client.send_message("x", visibility_timeout=604801)
    assert info.value.error_code == "OutOfRangeQueryParameterValue"
    with pytest.raises(HttpResponseError) as info:
        queue_client.receive_message(visibility_timeout=0)
    assert info.value.error_code == "OutOfRangeQueryParameterValue"


def test_batch_receive_is_limited_to_32(queue_client):
    for index in range(40):
        queue_client.send_message(f"m{index}")
    page = next(queue_client.receive_messages(messages_per_page=32).by_page())
    assert len(list(page)) == 32
    # The SDK refuses 33 before sending; QueueServiceHTTPTests checks the service's 400.


def test_size_limit_counts_utf8_bytes(queue_client):
    queue_client.send_message("a" * 65536)
    with pytest.raises(HttpResponseError) as info:
        queue_client.send_message("é" * 32769)  # 65538 bytes, 32769 characters
    assert info.value.status_code == 413
    assert info.value.error_code == "RequestBodyTooLarge"


def test_binary_messages_round_trip_through_base64(emulator, queue_service):
    name = unique_name("bin")
    queue_service.create_queue(name)
    try:
        client = QueueClient.from_connection_string(
            queue_connection_string(emulator.queue_endpoint()), name,
            message_encode_policy=BinaryBase64EncodePolicy(), message_decode_policy=BinaryBase64DecodePolicy(),
            **CLIENT_KWARGS)
        payloads = [bytes(range(256)), b"\x00", b"\xff\xfe"]
        for payload in payloads:
            client.send_message(payload)
        received = [m.content for m in client.receive_messages(max_messages=32)]
        assert sorted(received) == sorted(payloads)
        # 48 KiB of bytes is 64 KiB of base64: the largest binary message fits, one more byte does not.
        client.send_message(b"\x01" * 49152)
        with pytest.raises(HttpResponseError) as info:
            client.send_message(b"\x01" * 49153)
        assert info.value.status_code == 413
        text = QueueClient.from_connection_string(
            queue_connection_string(emulator.queue_endpoint()), name,
            message_encode_policy=TextBase64EncodePolicy(), message_decode_policy=TextBase64DecodePolicy(),
            **CLIENT_KWARGS)
        text.clear_messages()
        text.send_message("héllo")
        assert text.receive_message().content == "héllo"
    finally:
        queue_service.delete_queue(name)


def test_delete_queue_removes_its_messages(queue_service):
    name = unique_name("q")
    client = queue_service.create_queue(name)
    client.send_message("m")
    queue_service.delete_queue(name)
    client.create_queue()
    assert list(client.peek_messages()) == []
    queue_service.delete_queue(name)
