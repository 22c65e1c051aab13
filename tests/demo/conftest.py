import sys

import pytest
from django.db import transaction

from tests.conftest import seed_demo


@pytest.fixture(scope="package")
def _demo_of_package(django_db_setup, django_db_blocker):
    """The demo organisation made once for the package's tests and held in a transaction of
    its own that each test's, inside it, rolls back to (as TestCase.setUpTestData does): one
    seed_demo for them all, not one a test. Rolled back before any other test runs."""
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        try:
            printed = seed_demo()
        except BaseException:
            held.__exit__(*sys.exc_info())
            raise
    yield printed
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        held.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_of_package, db):
    """The demo organisation; what seed_demo printed (the careers page, a candidate's links).
    What a test writes is rolled back after it, the demo stays for the package's next test."""
    return _demo_of_package
