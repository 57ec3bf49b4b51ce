"""The policy row no longer copies its latest version's worst finding and size: lists read
them from that version. Going back fills the copies from the latest versions again."""

from django.db import migrations, models


def copy_figures_back(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    for policy in Policy.objects.all().iterator():
        latest = PolicyVersion.objects.filter(
            policy_id=policy.pk, number=policy.latest_version
        ).first()
        if latest is not None:
            Policy.objects.filter(pk=policy.pk).update(
                worst_severity=latest.worst_severity,
                size=latest.size,
                minified_size=latest.minified_size,
            )


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_policy_owner_protect")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, copy_figures_back),
        migrations.RemoveField(model_name="policy", name="worst_severity"),
        migrations.RemoveField(model_name="policy", name="size"),
        migrations.RemoveField(model_name="policy", name="minified_size"),
    ]
