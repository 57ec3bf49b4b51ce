from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    """Services, actions, resource types, condition keys and APIs, as the engine needs them."""

    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog import signals  # noqa: F401  (connects the revision bump)
        from catalog.services import catalog_ensure_shipped

        def _load_shipped(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
            catalog_ensure_shipped(using=using)

        post_migrate.connect(_load_shipped, sender=self, weak=False, dispatch_uid="catalog_shipped")
