"""The embedded broker (kombu's filesystem transport, hiring/celery.py) never shows a worker a
message that is still being written."""

import uuid
from queue import Empty

import pytest
from kombu import Connection

from hiring.celery import FilesystemTransport


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "control").mkdir()
    (tmp_path / "messages").mkdir()
    return tmp_path


@pytest.fixture
def queue(folder):
    options = {
        "data_folder_in": str(folder / "messages"),
        "data_folder_out": str(folder / "messages"),
        "control_folder": str(folder / "control"),
    }
    # A queue name of its own: kombu remembers the queues it declared, across folders.
    name = f"emails-{uuid.uuid4().hex}"
    with Connection("filesystem://", transport=FilesystemTransport, transport_options=options) as c:
        yield c.SimpleQueue(name)


def test_a_message_is_whole_once_it_can_be_taken(queue, folder):
    queue.put({"invitation": 1})

    [message] = (folder / "messages").iterdir()
    assert message.name.endswith(f".{queue.queue.name}.msg")
    assert queue.get(timeout=1).payload == {"invitation": 1}


def test_a_message_still_being_written_is_left_alone(queue, folder):
    # Another process's message, opened under its temporary name and not yet written.
    (folder / "messages" / f"1_other.{queue.queue.name}.msg.part").write_bytes(b"")
    queue.put({"invitation": 2})

    assert queue.get(timeout=1).payload == {"invitation": 2}
    with pytest.raises(Empty):
        queue.get(timeout=0.2)


def test_a_message_that_could_not_be_written_leaves_nothing_to_trip_over(queue, folder):
    with pytest.raises(TypeError):
        queue.channel._put(queue.queue.name, {"body": object()})
    queue.put({"invitation": 3})

    assert queue.get(timeout=1).payload == {"invitation": 3}
    assert list((folder / "messages").iterdir()) == []


def test_the_broker_connects_without_a_warning(caplog):
    # As Celery's producer pool does before it sends a task.
    with Connection("filesystem://", transport=FilesystemTransport).clone() as connection:
        assert connection.hostname is None

    assert not [record for record in caplog.records if record.levelname == "WARNING"]
