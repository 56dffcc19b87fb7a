"""Every role against every admin endpoint of every registered model, and every workspace URL.

The expected outcome of each cell comes from the table below — the roles as the portal's rules state them, and
which fixture object belongs to whom — never from asking vision.roles. A model that the table does not name is
refused to everyone but 管理者, so a model or an admin action added later is covered the day it is registered,
without editing this test. A refused POST is a payload built from the real form with one field changed (sent by
管理者, the same payload does change the database); "nothing changed" is a hash of every table's contents,
history tables and the admin log included.
"""

import datetime
import hashlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from kpi.models import TargetRevision
from vision import roles

from .conftest import ROLES
from .forms import form_data

pytestmark = pytest.mark.django_db

# --- the declared table -------------------------------------------------------------------------------------

# What 部局編集者 may do, and on whose rows: "own" = rows of their own department's indicators or agreements.
EDITOR_READ_ALL = {"vision.municipality", "vision.department", "vision.plan", "vision.goal", "agreements.policyarea"}
EDITOR_OWN = {
    # model: actions on their own rows
    "kpi.indicator": {"view", "change"},
    "kpi.indicatorplacement": {"view"},
    "kpi.observation": {"view", "add", "change"},
    "kpi.targetrevision": {"view", "add", "change"},
    "agreements.agreement": {"view", "change"},
    "agreements.article": {"view", "add", "change"},
    "agreements.roleassignment": {"view", "add", "change"},
}
# What 検証委員 with staff status may read in the admin (they change nothing there but their own remarks).
MEMBER_READ_ALL = {
    *(f"committee.{m}" for m in ("committee", "member", "appointment", "meeting", "agendaitem")),
    *(f"committee.{m}" for m in ("meetingdocument", "publiccomment", "review", "evaluation", "edition")),
    *(f"vision.{m}" for m in ("metroarea", "municipality", "department", "plan", "goal")),
    *(f"agreements.{m}" for m in ("agreement", "article", "roleassignment", "policyarea")),
    *(f"kpi.{m}" for m in ("indicator", "indicatorplacement", "observation", "targetrevision")),
}
# Admin actions and what they need; an action not named here is for 管理者 only.
ACTION_NEEDS = {"confirm_selected": "change"}

# Which fixture object is whose, per scoped model ("arao" = 荒尾市's department, "uto" = 宇土市's).
OWNED = {
    "kpi.indicator": lambda w: w.indicators,
    "kpi.observation": lambda w: w.targets,
    "kpi.indicatorplacement": lambda w: {k: i.placements.first() for k, i in w.indicators.items()},
    "kpi.targetrevision": lambda w: {k: TargetRevision.objects.get(observation=t) for k, t in w.targets.items()},
    "agreements.agreement": lambda w: w.agreements,
    "agreements.article": lambda w: {k: a.articles.order_by("pk").first() for k, a in w.agreements.items()},
    "agreements.roleassignment": lambda w: {k: a.roles.order_by("pk").first() for k, a in w.agreements.items()},
    "committee.comment": lambda w: {"member": w.comment},
    # Django's own screens: a role group and an account that changing does not lock the tester out.
    "auth.group": lambda w: {"shared": Group.objects.get(name=roles.COMMITTEE_MEMBERS)},
    "auth.user": lambda w: {"shared": w.users["no_role"]},
}
EDITOR_HOME = {"editor_arao": "arao", "editor_uto": "uto", "editor_shimonoseki": "shimonoseki"}


def expected(role, label, action, owner):
    """Whether `role` may `action` ('view', 'add', 'change', 'delete') an object of `label` owned by `owner`."""
    if role == "administrator":
        return True
    if role in EDITOR_HOME:
        if label in EDITOR_READ_ALL:
            return action == "view"
        return action in EDITOR_OWN.get(label, set()) and (owner is None or owner == EDITOR_HOME[role])
    if role == "member_staff":
        if label == "committee.comment":
            # remarks of members in office of the committee; changed only by their author (here: another member)
            return action == "view"
        if label == "kpi.observation" and owner == "shimonoseki":
            # another area's drafts are not theirs to read, and by member_staff's turn editor_shimonoseki's change
            # has made that area's published target a correction waiting to be published
            return False
        return action == "view" and label in MEMBER_READ_ALL
    return False  # 検証委員 without staff status never enter the admin; no role and anonymous get nothing


# --- helpers -------------------------------------------------------------------------------------------------

SKIPPED_TABLES = {"django_session"}
_COLUMNS = {}


def _columns(cursor, table):
    key = (connection.vendor, table)
    if key not in _COLUMNS:
        names = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        kept = [c for c in names if not (table == "auth_user" and c == "last_login")]
        _COLUMNS[key] = ", ".join(connection.ops.quote_name(c) for c in kept)
    return _COLUMNS[key]


def database_hash():
    """A hash of every table's rows (history tables and the admin log included); logins' timestamps left out."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in SKIPPED_TABLES or table.startswith("axes_"):
                continue
            cursor.execute(f"SELECT {_columns(cursor, table)} FROM {connection.ops.quote_name(table)}")
            digest.update(table.encode())
            for row in sorted(repr(row) for row in cursor.fetchall()):
                digest.update(row.encode())
    return digest.hexdigest()


class ChangeTracker:
    """Whether the database changed since the last look (one hash per look)."""

    def __init__(self):
        self.last = database_hash()

    def changed(self):
        now = database_hash()
        changed, self.last = now != self.last, now
        return changed


EDITABLE_PREFERENCE = (
    "notes",
    "note",
    "name",
    "body",
    "title",
    "description",
    "reason",
    "place",
    "source",
    "last_name",
)


def change_one_field(model, data):
    """The payload with one free-text field of the model changed, or None when the form has none."""
    names = [name for name in EDITABLE_PREFERENCE if name in data and isinstance(data[name], str)]
    if not names:
        for field in model._meta.get_fields():
            if getattr(field, "get_internal_type", lambda: "")() in ("CharField", "TextField") and not getattr(
                field, "choices", None
            ):
                if field.name in data and isinstance(data[field.name], str) and not field.unique:
                    names.append(field.name)
    if not names:
        return None
    changed = dict(data)
    changed[names[0]] = (data[names[0]] or "") + "（変更）"
    return changed


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def objects_for(world, model):
    """(owner, object) pairs to test object endpoints on: every owned fixture object, else one reference row."""
    label = model._meta.label_lower
    if label in OWNED:
        return [(owner, obj) for owner, obj in OWNED[label](world).items() if obj is not None]
    obj = model._default_manager.order_by("pk").first()
    return [(None, obj)] if obj is not None else []


def refused(response):
    return response.status_code in (302, 403, 404) or (
        response.status_code == 200 and response.wsgi_request.path.startswith("/admin/login/")
    )


@pytest.fixture
def world_with_revisions(world):
    for target in world.targets.values():
        TargetRevision.objects.create(
            observation=target,
            previous_value=target.value,
            revised_value=target.value,
            revised_on=datetime.date(2024, 4, 1),
            reason="見直し",
        )
    return world


# --- the matrix ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_every_role_on_every_admin_endpoint_of_the_model(model, world_with_revisions, client, login):
    world = world_with_revisions
    label = model._meta.label_lower
    model_admin = admin.site._registry[model]
    failures = []
    objects = objects_for(world, model)

    payloads = payloads_from_the_administrators_forms(client, login, world, model, objects)
    request = RequestFactory().get("/")
    request.user = world.users["administrator"]
    action_names = [name for name in model_admin.get_actions(request) if name != "delete_selected"]

    tracker = ChangeTracker()
    # 管理者 last: the changes they are allowed to make (hiding a remark, say) would change what others see.
    for role in sorted(ROLES, key=lambda name: name == "administrator"):
        user = world.users[role]
        if role == "administrator":  # read again: the versions in the forms have moved on with the editors' saves
            payloads = payloads_from_the_administrators_forms(client, login, world, model, objects)
        login(user)
        tracker.changed()  # signing in writes the session and last_login

        def check(description, allowed, response, changed=None, role=role):
            if response.status_code >= 500:
                failures.append(f"{role} {description}: {response.status_code}")
            elif allowed and refused(response) and changed is not True:
                failures.append(f"{role} {description}: refused ({response.status_code}) but should be allowed")
            elif not allowed and changed:
                failures.append(f"{role} {description}: the database changed")
            elif not allowed and changed is None and not refused(response):
                failures.append(f"{role} {description}: {response.status_code}, should be refused")

        # the changelist, and the add form
        check("changelist", expected(role, label, "view", None), client.get(url(model, "changelist")))
        add_allowed = expected(role, label, "add", None)
        if model_admin.has_add_permission(_request_as(world.users["administrator"])):
            check("add GET", add_allowed, client.get(url(model, "add")))
            if not add_allowed:
                some = next(iter(v for v in payloads.values() if v), None) or {}
                response = client.post(url(model, "add"), some)
                check("add POST", False, response, changed=tracker.changed())

        for owner, obj in objects:
            where = f"{label}#{obj.pk}({owner or 'shared'})"
            may_view = expected(role, label, "view", owner)
            may_change = expected(role, label, "change", owner) and model_admin.has_change_permission(
                _request_as(world.users["administrator"]), obj
            )
            check(f"change GET {where}", may_view, client.get(url(model, "change", obj.pk)))
            payload = payloads.get((owner, "change"))
            if payload is not None:
                response = client.post(url(model, "change", obj.pk), payload)
                changed = tracker.changed()
                if role == "administrator" and may_change and not changed:
                    failures.append(f"administrator change POST {where}: the payload changed nothing")
                check(f"change POST {where}", may_change, response, changed=changed)
            if hasattr(model, "history"):
                check(f"history {where}", may_view, client.get(url(model, "history", obj.pk)))
                if obj.history.exists():
                    revert_url = url(model, "simple_history", obj.pk, obj.history.earliest().history_id)
                    check(f"revert GET {where}", may_change, client.get(revert_url))
                    payload = payloads.get((owner, "revert"))
                    if payload is not None:
                        response = client.post(revert_url, payload)
                        changed = tracker.changed()
                        if role == "administrator" and may_change and not changed:
                            failures.append(f"administrator revert POST {where}: the payload changed nothing")
                        check(f"revert POST {where}", may_change, response, changed=changed)
            may_delete = expected(role, label, "delete", owner)
            if not may_delete:
                response = client.post(url(model, "delete", obj.pk), {"post": "yes"})
                check(f"delete POST {where}", False, response, changed=tracker.changed())
                response = client.post(
                    url(model, "changelist"),
                    {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
                )
                check(f"delete_selected {where}", False, response, changed=tracker.changed())
            for action in action_names:
                needed = ACTION_NEEDS.get(action)
                allowed = needed is not None and expected(role, label, needed, owner) or role == "administrator"
                if allowed:
                    continue
                response = client.post(
                    url(model, "changelist"),
                    {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "apply": "1", "index": 0},
                )
                check(f"action {action} {where}", False, response, changed=tracker.changed())

        # import and export, where the model has them
        try:
            import_url = url(model, "import")
        except NoReverseMatch:
            import_url = None
        if import_url:
            may_import = expected(role, label, "add", None) or expected(role, label, "change", None)
            check("import GET", may_import, client.get(import_url))
            response = client.post(url(model, "import_confirm"), {"token": "forged"})
            check("import confirm POST (forged token)", False, response, changed=tracker.changed())
            export = client.get(url(model, "export", "csv"))
            check("export", expected(role, label, "view", None), export)
            if role in EDITOR_HOME and export.status_code == 200 and label in OWNED:
                for other, foreign in OWNED[label](world).items():
                    if other == EDITOR_HOME[role]:
                        continue
                    code = getattr(getattr(foreign, "indicator", foreign), "code", None)
                    if code and code in export.content.decode("utf-8-sig"):
                        failures.append(f"{role} export: contains {other}'s {code}")

    assert not failures, "\n".join(failures)


def payloads_from_the_administrators_forms(client, login, world, model, objects):
    """Each object's change form and earliest history form as 管理者 reads them, one field changed."""
    login(world.users["administrator"])
    payloads = {}
    form_id = f"{model._meta.model_name}_form"
    for owner, obj in objects:
        change_html = client.get(url(model, "change", obj.pk)).content.decode()
        payloads[(owner, "change")] = change_one_field(model, form_data(change_html, form_id))
        if hasattr(model, "history") and obj.history.exists():
            revert_url = url(model, "simple_history", obj.pk, obj.history.earliest().history_id)
            payloads[(owner, "revert")] = change_one_field(
                model, form_data(client.get(revert_url).content.decode(), form_id)
            )
    return payloads


def _request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_admin_class_asks_the_authorization_module():
    from vision.scoped import ScopedAdminMixin, ScopedInlineMixin

    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ScopedAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedInlineMixin), (model, inline)


def test_every_admin_action_of_ours_declares_its_permission():
    # A library's action that declares none (django-axes' cleanup) is offered to 管理者 only (vision.scoped).
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("vision", "agreements", "kpi", "committee"):
            continue
        for action in model_admin.actions or ():
            func = getattr(model_admin, action) if isinstance(action, str) else action
            assert getattr(func, "allowed_permissions", None), f"{model._meta.label}.{action}"


def test_every_model_with_data_is_in_the_admin_or_deliberately_not():
    # A model outside the admin is not reachable there; listing them keeps that a decision.
    outside = {
        m._meta.label_lower
        for m in apps.get_models()
        if m not in admin.site._registry and not m._meta.label_lower.split(".")[1].startswith("historical")
    }
    assert outside <= {
        "admin.logentry",
        "auth.permission",
        "contenttypes.contenttype",
        "sessions.session",
        "kpi.indicatorplacement",
        "agreements.article",
        "agreements.visiongoallink",
        "committee.appointment",
        "committee.agendaitem",
        "committee.meetingdocument",
        "committee.edition",
        "vision.referencerecord",
        "vision.dataversion",  # the public data version: one counter, moved by every change, never edited by hand
        "kpi.publicjudgement",  # derived from the published values on every write (kpi.judgements), never edited
        "vision.pendingupload",  # an import file waiting for its confirmation (vision.uploads)
        "vision.areamembership",  # an inline of the area and of the municipality (管理者 only)
        # The whole install's open-data files, built by a job per data version (kpi.opendatafiles); nothing to edit.
        "kpi.opendatabuild",
        "kpi.opendatafile",
        "kpi.opendatafilepart",
        "django_rq.dashboard",  # no table: django-rq's queue dashboard, kept out of the admin (RQ_SHOW_ADMIN_LINK)
    } | {label for label in outside if label.startswith("axes.")}
