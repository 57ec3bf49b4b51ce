"""Every migration applies backwards and forwards on a populated database.

What a database holds cannot survive its tables being dropped, so the comparison is the
one a maintainer makes: back up (export_catalog, export_data), migrate every app to zero
and back, restore (import_catalog, import_data), and the exports are the same bytes. The
catalog comes back by itself (its data migration loads the shipped files); a maintainer's
edit to it comes back from its export.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from catalog.models import Action
from tests.policies.backup_data import build_library, export
from tests.policies.commands import run

# Migrations run outside a test transaction. Afterwards the tables are flushed and, as
# after any flush, `post_migrate` loads the shipped catalog for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def export_catalog(path) -> bytes:
    call_command("export_catalog", "--output", str(path))
    return path.read_bytes()


def test_every_app_migrates_to_zero_and_back_on_a_populated_database(tmp_path):
    build_library()
    edited = Action.objects.get(name="ims:images:share")
    edited.description = "Share an image (edited by a maintainer)."
    edited.save()
    catalog_before = export_catalog(tmp_path / "catalog-before.json")
    library_before = export(tmp_path, "library-before.json")
    apps = sorted(MigrationLoader(connection).migrated_apps)

    for app in apps:
        call_command("migrate", app, "zero", verbosity=0)
    tables_at_zero = set(connection.introspection.table_names())
    call_command("migrate", verbosity=0)
    shipped = export_catalog(tmp_path / "catalog-shipped.json")
    call_command("import_catalog", str(tmp_path / "catalog-before.json"), verbosity=0)
    code, _, err = run("import_data", str(tmp_path / "library-before.json"))

    assert {"catalog", "policies", "auth"} <= set(apps)
    assert not {"policies_policy", "catalog_action", "auth_user"} & tables_at_zero
    assert b"edited by a maintainer" not in shipped and b'"ims:images:share"' in shipped
    assert code == 0, err
    assert export_catalog(tmp_path / "catalog-after.json") == catalog_before
    assert export(tmp_path, "library-after.json") == library_before


def test_every_permission_name_fits_the_column_auth_migrates_back_to():
    # auth's 0002 widened Permission.name from 50 characters; migrating auth back narrows the
    # column again, which PostgreSQL refuses while a longer name is stored
    from django.apps import apps as installed

    too_long = [
        f"{model._meta.label}: {name}"
        for model in installed.get_models()
        for _, name in model._meta.permissions
        if len(name) > 50
    ]

    assert too_long == []
