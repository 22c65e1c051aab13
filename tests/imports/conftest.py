import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import OpeningFactory

LEVER = (
    "Name,Email,Phone,Links,Stage,Owner\n"
    "Lia Lever,lia@example.com,+44 20 7946 0000,https://linkedin.com/in/lia,New lead,Rita\n"
    "Max Lever,max@example.com,,https://max.dev,Applied,Rita\n"
)


@pytest.fixture
def opening(team):
    return OpeningFactory(team=team, title="Backend engineer")


def upload(client, opening, text, name="export.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("import_new", args=[opening.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )
