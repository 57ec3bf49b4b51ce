"""Database constraints keep the catalog consistent whatever writes to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Action, Api, ConditionKey, ResourceType, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def evs():
    return Service.objects.create(prefix="evs", name="Elastic Volume Service")


def test_action_names_are_unique(evs):
    Action.objects.create(service=evs, name="evs:volumes:get", access_level="read")

    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(service=evs, name="evs:volumes:get", access_level="write")


def test_access_level_must_be_given(evs):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(service=evs, name="evs:volumes:get", access_level="")


def test_an_access_level_huawei_names_beyond_ours_is_kept(evs):
    Action.objects.create(service=evs, name="evs:volumes:get", access_level="admin")

    assert Action.objects.get(name="evs:volumes:get").access_level == "admin"


def test_api_method_must_be_an_http_method(evs):
    with pytest.raises(IntegrityError), transaction.atomic():
        Api.objects.create(service=evs, method="OST", path="/v2/volumes")


def test_api_path_must_be_absolute(evs):
    with pytest.raises(IntegrityError), transaction.atomic():
        Api.objects.create(service=evs, method="GET", path="v2/volumes")


def test_same_api_twice_in_one_service_is_refused(evs):
    Api.objects.create(service=evs, method="GET", path="/v2/volumes")

    with pytest.raises(IntegrityError), transaction.atomic():
        Api.objects.create(service=evs, method="GET", path="/v2/volumes")


def test_resource_type_names_are_unique_per_service(evs):
    ResourceType.objects.create(service=evs, name="volume", urn_pattern="evs:<r>:<a>:volume:<id>")

    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceType.objects.create(service=evs, name="volume", urn_pattern="x")


def test_a_global_key_must_start_with_g(evs):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionKey.objects.create(name="evs:Size", value_type="number")


def test_condition_key_type_must_be_known(evs):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionKey.objects.create(name="evs:Size", service=evs, value_type="integer")


def test_every_model_reads_well_as_text():
    action = Action.objects.get(name="ims:images:share")
    api = Api.objects.get(method="POST", path="/v2/images/{image_id}/members")

    assert str(action) == "ims:images:share"
    assert str(action.service) == "Image Management Service (IMS) (ims)"
    assert str(api) == "POST /v2/images/{image_id}/members"
    assert str(action.dependencies.get()) == "ims:images:share needs ims:images:get"
    assert str(action.resource_links.get()) == "ims:images:share -> image *"
    assert str(action.key_links.get()) == "ims:images:share -> ims:TargetOrgPaths"
    assert str(api.action_links.get()) == "POST /v2/images/{image_id}/members -> ims:images:share"
    assert str(ConditionKey.objects.get(name="g:TagKeys")) == "g:TagKeys"
    assert str(ResourceType.objects.get(name="image")) == "ims:image"
