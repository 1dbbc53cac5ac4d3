"""Fixtures for report tests: the Jammerbugt / Vesthimmerland dataset."""

from __future__ import annotations

import pytest

from tests.reports.dataset import Dataset, build


@pytest.fixture
def dataset(ops, db, user_id) -> Dataset:
    return build(ops, db, user_id)
