"""Tests that need a real service skip on a laptop without it, and fail under CI (CI=true)."""

import os

import pytest


def require(service, available, how_to_fix):
    if available:
        return
    message = f"{service} is not available: {how_to_fix}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must exercise {service}. {message}")
    pytest.skip(message)
