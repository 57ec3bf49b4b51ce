from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrgConfig(AppConfig):
    """The organization: its tree, attachments, effective preview and what-if."""

    name = "scpstudio.org"
    label = "org"
    verbose_name = "Organization"

    def ready(self) -> None:
        from scpstudio.org.selectors import policy_uses
        from scpstudio.policies.usage import register_usage

        register_usage("organization", policy_uses)

        def _ensure_root(sender, using="default", apps=None, **kwargs):  # type: ignore[no-untyped-def]
            # Django sends post_migrate for every app after any migrate: when the organization
            # itself was just migrated to zero, its tables are gone and there is no root to make.
            if apps is not None:
                try:
                    apps.get_model("org", "Node")
                except LookupError:
                    return
            ensure_root(using=using)

        post_migrate.connect(_ensure_root, sender=self, weak=False, dispatch_uid="org_root")


def ensure_root(using: str = "default") -> None:
    """The organization's root, with FullAccess attached, when the database has none (after
    migrate, and after a flush: the data migration made it once)."""
    from scpstudio.org.models import FULL_ACCESS, Attachment, Node, NodeKind

    if Node.objects.using(using).filter(kind=NodeKind.ROOT).exists():
        return
    root = Node.objects.using(using).create(kind=NodeKind.ROOT, name="Root")
    Attachment.objects.using(using).create(node=root, builtin=FULL_ACCESS)
