"""Fixtures for the security tests: the world of the access matrix."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(cast, unit_a, unit_b, django_capture_on_commit_callbacks):
    from tests.security.world import build

    with django_capture_on_commit_callbacks(execute=True):
        return build(cast, unit_a, unit_b)
