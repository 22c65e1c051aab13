import pytest

from tests.factories import ApplicationFactory


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team,
        opening__title="SRE",
        candidate__name="Nina Park",
        candidate__email="nina@candidates.example",
    )
