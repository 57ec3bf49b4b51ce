"""The organization's root, with FullAccess attached: an installation has one from the start
(`apps.ensure_root` makes it again after a flush)."""

from django.db import migrations


def make_root(apps, schema_editor):  # type: ignore[no-untyped-def]
    Node = apps.get_model("org", "Node")
    Attachment = apps.get_model("org", "Attachment")
    db = schema_editor.connection.alias
    if Node.objects.using(db).filter(kind="root").exists():
        return
    root = Node.objects.using(db).create(kind="root", name="Root")
    Attachment.objects.using(db).create(node=root, builtin="FullAccess")


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(make_root, migrations.RunPython.noop)]
