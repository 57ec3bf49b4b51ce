"""The shipped catalog (IMS, global keys, regions), read once per session without a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data"


def load_shipped_catalog() -> Catalog:
    docs = [
        json.loads((DATA / name).read_text())
        for name in ("global-keys.json", "ims.json", "regions.json")
    ]
    return catalog_from_json(docs)


@pytest.fixture(scope="session")
def ims() -> Catalog:
    return load_shipped_catalog()
