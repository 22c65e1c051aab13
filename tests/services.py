"""Tests that need a real service skip on a laptop without it, and fail under CI (CI=true)."""

import os
import time

import pytest


def require(service, available, how_to_fix):
    if available:
        return
    message = f"{service} is not available: {how_to_fix}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must exercise {service}. {message}")
    pytest.skip(message)


def wait_for(condition, seconds=60, every=0.2):
    """Whether condition() came true within `seconds`, asked `every` so many seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False
