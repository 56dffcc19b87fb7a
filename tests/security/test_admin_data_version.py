"""Every registered admin model: a change, an admin action and a delete made through the admin move the public data
version on whenever they change the portal's data, so no cached public page outlives it (vision.dataversion).

"Changed the portal's data" is a hash of every table of the portal's apps (many-to-many tables included; the
version's own row and the history tables left out), so an admin path that writes around the model signals is
caught the day it is added, without naming it here.
"""

import hashlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection

from committee.models import Evaluation
from kpi.models import TargetRevision
from vision import dataversion
from vision.models import Goal

from .forms import form_data
from .test_role_matrix import _request_as, change_one_field, objects_for, url

pytestmark = pytest.mark.django_db

# Registered in the admin but not public data: accounts, role groups and django-axes' login records; and models
# that declare themselves not public data (vision.BackgroundJob: a user's own jobs, listed read-only).
NOT_PUBLIC_DATA_APPS = {"auth", "axes"}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def public_data_hash():
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.db_table):
            if not dataversion.is_data_model(model):
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")
            digest.update(model._meta.db_table.encode())
            for row in sorted(repr(row) for row in cursor.fetchall()):
                digest.update(row.encode())
    return digest.hexdigest()


class Witness:
    """Whether the last step changed the portal's data without moving the version on."""

    def __init__(self):
        self.data, self.version = public_data_hash(), dataversion.current()

    def step(self):
        data, version = public_data_hash(), dataversion.current()
        changed, moved = data != self.data, version > self.version
        self.data, self.version = data, version
        return changed, moved


def _changeable(model, world, administrator):
    model_admin = admin.site._registry[model]
    request = _request_as(administrator)
    candidates = [obj for _owner, obj in objects_for(world, model)]
    candidates += list(model._default_manager.order_by("-pk")[:50])
    return [obj for obj in candidates if model_admin.has_change_permission(request, obj)]


@pytest.fixture
def open_world(world):
    """The role matrix's world (draft agreement, open review, a remark), target revisions and an evaluation in the
    open review: rows of every model that the admin still lets someone change."""
    for target in world.targets.values():
        TargetRevision.objects.create(
            observation=target,
            previous_value=target.value,
            revised_value=target.value,
            revised_on=date(2024, 4, 1),
            reason="見直し",
        )
    review = world.review
    Evaluation.objects.create(
        review=review, policy=Goal.objects.filter(plan=review.plan).order_by("pk").first(), direction_text="継続"
    )
    return world


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_every_change_through_the_admin_moves_the_data_version_on(model, open_world, client, login):
    world = open_world
    if model._meta.app_label in NOT_PUBLIC_DATA_APPS or getattr(model, "is_public_data", True) is False:
        assert not dataversion.is_data_model(model)
        return
    assert dataversion.is_data_model(model), f"{model._meta.label} is in the admin but its changes move nothing"
    administrator = world.users["administrator"]
    changeable = _changeable(model, world, administrator)
    if not changeable:
        pytest.fail(f"no row of {model._meta.label} that the admin lets 管理者 change")
    obj = changeable[0]
    login(administrator)
    witness = Witness()
    failures = []

    data = form_data(client.get(url(model, "change", obj.pk)).content.decode(), f"{model._meta.model_name}_form")
    response = client.post(url(model, "change", obj.pk), change_one_field(model, data) or data)
    assert response.status_code == 302, response.content.decode()[:2000]
    changed, moved = witness.step()
    if not moved:
        failures.append("change: the version did not move")

    for action in admin.site._registry[model].get_actions(_request_as(administrator)):
        if action == "delete_selected":
            continue
        client.post(
            url(model, "changelist"), {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "apply": "1", "index": 0}
        )
        changed, moved = witness.step()
        if changed and not moved:
            failures.append(f"action {action}: the data changed, the version did not move")

    client.post(url(model, "delete", obj.pk), {"post": "yes"})
    changed, moved = witness.step()
    if changed and not moved:
        failures.append("delete: the data changed, the version did not move")

    assert not failures, failures
