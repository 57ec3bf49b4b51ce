"""Any write to a catalog table counts as a catalog change (admin edits included)."""

from django.db.models.signals import post_delete, post_save

from catalog import models
from catalog.services import catalog_revision_bump

CATALOG_MODELS = (
    models.Service,
    models.ResourceType,
    models.ConditionKey,
    models.Action,
    models.ActionResourceType,
    models.ActionConditionKey,
    models.Dependency,
    models.Api,
    models.ApiAction,
    models.Operation,
    models.Region,
)


def _changed(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    catalog_revision_bump(using=using)


for _model in CATALOG_MODELS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"catalog_rev_save_{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"catalog_rev_del_{_model.__name__}")
