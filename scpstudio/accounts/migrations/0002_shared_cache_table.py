"""The shared cache's table (settings.CACHES["shared"]): API request counts that every app
server must see. Made here so that `migrate` is the one setup step, as createcachetable
would make it."""

from django.core.management import call_command
from django.db import migrations

TABLE = "scp_shared_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table)]
