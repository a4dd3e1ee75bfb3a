"""Queue authentication: wrong keys and missing credentials are 403; queue SAS (direct and
through a stored access policy) and account SAS grant exactly what they say."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.storage.queue import (
    AccessPolicy,
    AccountSasPermissions,
    QueueClient,
    QueueSasPermissions,
    QueueServiceClient,
    ResourceTypes,
    generate_account_sas,
    generate_queue_sas,
)

from support import CLIENT_KWARGS, DEV_ACCOUNT, DEV_KEY, SECOND_ACCOUNT, SECOND_KEY, queue_connection_string

WRONG_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="


def _expiry():
    return datetime.now(timezone.utc) + timedelta(hours=1)


def test_wrong_key_is_403(emulator, queue_client):
    client = QueueClient.from_connection_string(
        queue_connection_string(emulator.queue_endpoint(), key=WRONG_KEY), queue_client.queue_name, **CLIENT_KWARGS)
    with pytest.raises(ClientAuthenticationError) as info:
        client.send_message("x")
    assert info.value.status_code == 403
    assert info.value.error_code == "AuthenticationFailed"


def test_other_accounts_key_is_403(emulator, queue_client):
    credential = AzureNamedKeyCredential(SECOND_ACCOUNT, SECOND_KEY)
    client = QueueClient(emulator.queue_endpoint(), queue_client.queue_name, credential=credential, **CLIENT_KWARGS)
    with pytest.raises(ClientAuthenticationError):
        client.get_queue_properties()


def test_second_account_is_separate(emulator):
    service = QueueServiceClient.from_connection_string(
        queue_connection_string(emulator.queue_endpoint(SECOND_ACCOUNT), SECOND_ACCOUNT, SECOND_KEY), **CLIENT_KWARGS)
    service.create_queue("second-account-queue")
    try:
        names = [queue.name for queue in service.list_queues()]
        assert "second-account-queue" in names
    finally:
        service.delete_queue("second-account-queue")


def test_anonymous_request_is_403(emulator, queue_client):
    response = requests.get(f"{emulator.queue_endpoint()}/{queue_client.queue_name}/messages", timeout=10)
    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert response.headers["Content-Type"] == "application/xml"
    assert "<Code>AuthenticationFailed</Code>" in response.text


def test_queue_sas_grants_its_permissions_only(emulator, queue_client):
    sas = generate_queue_sas(DEV_ACCOUNT, queue_client.queue_name, DEV_KEY,
                             permission=QueueSasPermissions(add=True, process=True), expiry=_expiry())
    client = QueueClient(emulator.queue_endpoint(), queue_client.queue_name, credential=sas, **CLIENT_KWARGS)
    client.send_message("via sas")
    message = client.receive_message()
    assert message.content == "via sas"
    client.delete_message(message)
    with pytest.raises(HttpResponseError) as info:
        list(client.peek_messages())  # needs r
    assert info.value.status_code == 403
    with pytest.raises(HttpResponseError) as info:
        client.update_message(message, visibility_timeout=0)  # needs u
    assert info.value.status_code == 403


def test_queue_sas_through_stored_policy(emulator, queue_client):
    queue_client.set_queue_access_policy(
        {"readers": AccessPolicy(permission=QueueSasPermissions(read=True), expiry=_expiry())})
    queue_client.send_message("peek me")
    sas = generate_queue_sas(DEV_ACCOUNT, queue_client.queue_name, DEV_KEY, policy_id="readers")
    client = QueueClient(emulator.queue_endpoint(), queue_client.queue_name, credential=sas, **CLIENT_KWARGS)
    assert [m.content for m in client.peek_messages()] == ["peek me"]
    with pytest.raises(HttpResponseError):
        client.send_message("no add permission")


def test_expired_sas_is_403(emulator, queue_client):
    sas = generate_queue_sas(DEV_ACCOUNT, queue_client.queue_name, DEV_KEY,
                             permission=QueueSasPermissions(read=True),
                             expiry=datetime.now(timezone.utc) - timedelta(minutes=5))
    client = QueueClient(emulator.queue_endpoint(), queue_client.queue_name, credential=sas, **CLIENT_KWARGS)
    with pytest.raises(HttpResponseError) as info:
        list(client.peek_messages())
    assert info.value.status_code == 403


def test_account_sas(emulator, queue_client):
    sas = generate_account_sas(DEV_ACCOUNT, DEV_KEY, ResourceTypes(service=True, container=True, object=True),
                               AccountSasPermissions(read=True, list=True, add=True), expiry=_expiry())
    service = QueueServiceClient(emulator.queue_endpoint(), credential=sas, **CLIENT_KWARGS)
    assert queue_client.queue_name in [queue.name for queue in service.list_queues()]
    client = service.get_queue_client(queue_client.queue_name)
    client.send_message("via account sas")
    assert [m.content for m in client.peek_messages()] == ["via account sas"]
    with pytest.raises(HttpResponseError) as info:
        service.delete_queue(queue_client.queue_name)  # needs d
    assert info.value.status_code == 403
