"""The adapters that make every admin screen and every import ask `vision.roles`, whatever the model.

Every ModelAdmin of the portal inherits `ScopedAdminMixin` (a test walks the admin registry to hold that),
every inline `ScopedInlineMixin`, and every import resource `ScopedResourceMixin`. None of them holds a rule
of its own: the rules are in `vision.roles`; these classes only put the question on each path — the
changelist and object lookups, the add/change/delete/view permissions, read-only fields, admin actions (run
only with their declared permission, on rows within scope), history and its revert, and each import row.
"""

import functools

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import mark_safe
from django.utils.translation import gettext as _

from . import roles


def _action_permissions(func):
    # An action that declares no permission runs for administrators only: Django would otherwise run it
    # for anyone who may view the list.
    return tuple(getattr(func, "allowed_permissions", ()) or ())


LOCK_FIELD = "lock_version"


def scope_every_admin(site):
    """Give every registered ModelAdmin that does not ask vision.roles yet (Django's users and groups, django-axes'
    login records, anything a library adds later) the same scoped behaviour, by re-registering a subclass."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ScopedAdminMixin):
            continue
        site.unregister(model)
        site.register(model, type(type(model_admin).__name__, (ScopedAdminMixin, type(model_admin)), {}))


class StaleFormMixin:
    """A change form based on an older version of the row than the stored one is refused, with who changed it.

    For models with a `lock_version` field (series values, indicators, agreements): the version the form was
    read at travels in a hidden field and is compared, with the row locked, when the form is checked.
    """

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or LOCK_FIELD not in self.fields:
            return cleaned
        model = type(self.instance)
        stored = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if stored is not None and cleaned.get(LOCK_FIELD) != getattr(stored, LOCK_FIELD):
            raise ValidationError(stale_message(stored))
        return cleaned

    # False where a service checks and moves the version itself (series values: kpi.services.save_observation).
    moves_version = True

    def save(self, commit=True):
        # Every save of an existing row moves its version on, however the admin saves it afterwards (a
        # ModelAdmin.save_model that calls a service, an inline formset, which saves only the rows that changed).
        if self.moves_version and self.instance.pk is not None and LOCK_FIELD in self.cleaned_data:
            setattr(self.instance, LOCK_FIELD, self.cleaned_data[LOCK_FIELD] + 1)
        return super().save(commit)


def stale_message(stored):
    """「この画面を開いた後に 〇〇 が変更しました」, with who and when, from the row's history when it has one."""
    latest = None
    if hasattr(stored, "history"):
        latest = stored.history.order_by("-history_date").select_related("history_user").first()
    who = getattr(latest, "history_user", None)
    name = (who.get_full_name() or who.get_username()) if who is not None else _("別の職員")
    when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M") if latest is not None else ""
    return _(
        "この画面を開いた後に %(who)s が変更しました（%(when)s、現在の内容: %(current)s）。"
        "画面を開き直して、最新の内容を確認してから保存してください。"
    ) % {"who": name, "when": when, "current": stored}


class ScopedAdminMixin:
    """What a user sees and changes in the admin is what `vision.roles.restrict` gives them, on every path."""

    # True where the model's service checks the row's version and moves it on (kpi.services for series values):
    # the change form still refuses a stale version, but leaves the counting to the service.
    version_kept_by_service = False

    def get_queryset(self, request):
        return roles.restrict(request.user, "view", super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or roles.permits(request.user, "view", obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.permits(request.user, "change", obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.permits(request.user, "delete", obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in roles.locked_fields(request.user, self.model) if name not in fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else _with_lock_field(self.model, fieldsets)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and LOCK_FIELD in form.base_fields:
            if not issubclass(form, StaleFormMixin):
                # A subclass builds its fields anew from Meta: the widget is set on the class that is returned.
                moves = not self.version_kept_by_service
                form = type(form.__name__, (StaleFormMixin, form), {"moves_version": moves})
            form.base_fields[LOCK_FIELD].widget = forms.HiddenInput()
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A choice outside the user's scope fails validation like any invalid choice.
        related = db_field.remote_field.model
        if related._meta.label_lower in roles.EDITOR_SCOPES and not roles.is_administrator(request.user):
            kwargs["queryset"] = roles.restrict(request.user, "change", related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- writes: checked again after they are made, inside the admin's transaction ---------------------------

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        roles.check_written(request.user, "change" if change else "add", obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in [*formset.new_objects, *(changed for changed, _fields in formset.changed_objects)]:
            roles.check_written(request.user, "change", obj)

    def delete_model(self, request, obj):
        if not roles.permits(request.user, "delete", obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if roles.restrict(request.user, "delete", queryset).count() != queryset.count():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    # --- actions: the declared permission, on every selected row ---------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        scoped = {}
        for name, (func, action_name, description) in actions.items():
            permissions = _action_permissions(func)
            if not permissions and not roles.is_administrator(request.user):
                continue
            scoped[name] = (self._scoped_action(func, permissions), action_name, description)
        return scoped

    @staticmethod
    def _scoped_action(func, permissions):
        @functools.wraps(func)
        def action(modeladmin, request, queryset):
            for permission in permissions:
                if roles.restrict(request.user, permission, queryset).count() != queryset.count():
                    raise PermissionDenied
            with transaction.atomic(using=router.db_for_write(modeladmin.model)):
                return func(modeladmin, request, queryset)

        return action

    # --- history: no revert without change permission on the object; the revert goes through the change form ---

    def _valid_key_or_404(self, object_id, version_id=None):
        # django-simple-history answers a malformed id with a 500 (django-simple-history#1108).
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                int(version_id)
        except (ValueError, ValidationError) as error:
            raise Http404 from error

    def history_view(self, request, object_id, extra_context=None):
        self._valid_key_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._valid_key_or_404(object_id, version_id)
        current = self.get_object(request, unquote(object_id))
        if current is None:
            raise Http404
        if not self.has_change_permission(request, current):
            raise PermissionDenied
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # The historical version's values arrive as the form's initial data (the GET); what is saved is what the
        # change form accepts, applied to the current row: read-only and locked fields, the publication state and
        # the owner stay as they are, and save_model's checks run as for any change.
        form = self.get_form(request, current, change=True)(request.POST, request.FILES, instance=current)
        form.fields.pop(LOCK_FIELD, None)  # a revert is based on the version it names, not on the page's
        if form.is_valid():
            with transaction.atomic(using=router.db_for_write(self.model)):
                new_object = self.save_form(request, form, change=True)
                self.save_model(request, new_object, form, change=True)
                form.save_m2m()
                self.log_change(request, new_object, self.construct_change_message(request, form, []))
            return self.response_change(request, new_object)
        return self._render_history_form(request, current, form, object_id)

    def _render_history_form(self, request, obj, form, object_id):
        opts = self.model._meta
        admin_form = helpers.AdminForm(
            form,
            self.get_fieldsets(request, obj),
            self.prepopulated_fields,
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revert %s") % obj,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),
            "errors": helpers.AdminErrorList(form, []),
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{prefix}_changelist"),
            "change_url": reverse(f"{prefix}_change", args=(obj.pk,)),
            "history_url": reverse(f"{prefix}_history", args=(obj.pk,)),
            "change_history": False,
            "revert_disabled": False,
            "add": False,
            "change": True,
            "has_add_permission": self.has_add_permission(request),
            "has_view_permission": True,
            "has_change_permission": True,
            "has_delete_permission": self.has_delete_permission(request, obj),
            "has_file_field": True,
            "has_absolute_url": False,
            "form_url": "",
            "opts": opts,
            "save_as": self.save_as,
            "save_on_top": self.save_on_top,
        }
        return render(request, self.object_history_form_template, context)


class ScopedInlineMixin:
    """An inline's rows are the parent's: changing them needs change permission on the parent object."""

    # True where the parent admin's save_formset hands the rows to a service that checks their versions itself.
    version_kept_by_service = False

    def get_queryset(self, request):
        return roles.restrict(request.user, "view", super().get_queryset(request))

    def _parent_allows(self, request, obj):
        return obj is None or roles.permits(request.user, "change", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_allows(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in roles.locked_fields(request.user, self.model) if name not in fields]

    def get_fieldsets(self, request, obj=None):
        return _with_lock_field(self.model, super().get_fieldsets(request, obj))

    def get_formset(self, request, obj=None, **kwargs):
        """Each existing row's form carries the version it was read at and is refused when the row has moved on
        since (another page saved it), like a change form (StaleFormMixin)."""
        formset = super().get_formset(request, obj, **kwargs)
        if LOCK_FIELD in formset.form.base_fields and not self.version_kept_by_service:
            if not issubclass(formset.form, StaleFormMixin):
                formset.form = type(formset.form.__name__, (StaleFormMixin, formset.form), {})
            formset.form.base_fields[LOCK_FIELD].widget = forms.HiddenInput()
            # A row added on the page has no version to send (the model's default applies); an existing row
            # without one is refused as stale by StaleFormMixin.clean.
            formset.form.base_fields[LOCK_FIELD].required = False
        return formset


class ScopedResourceMixin:
    """Import rows are checked like the change form: a new row needs add permission, an existing row change
    permission within scope, and a column the role may not change is refused with a row error (never applied
    silently). After each row is written it must still be within the user's scope."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def _locked(self):
        if self.user is None:
            return ()
        return roles.locked_fields(self.user, self._meta.model)

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if not new:
            instance._stored_locked = {name: _field_value(instance, name) for name in self._locked()}
        return instance, new

    def scope_errors(self, instance):
        """Row errors for a row this user may not write, keyed by model field name."""
        if self.user is None:
            return {}
        model = self._meta.model
        if instance.pk is None:
            if not roles.has_model_permission(self.user, "add", model):
                return {NON_FIELD: _("この種類のデータを追加する権限がありません。")}
            return {}
        if not roles.permits(self.user, "change", model._default_manager.get(pk=instance.pk)):
            return {NON_FIELD: _("この行のデータを変更する権限がありません（担当の範囲の外です）。")}
        errors = {}
        for name, stored in getattr(instance, "_stored_locked", {}).items():
            if _field_value(instance, name) != stored:
                errors[name] = _("この列は管理者だけが変更できます（変更しないでください）。")
        return errors

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is not None and _has_lock(type(instance)):
            instance.lock_version += 1  # a change form opened before this import is then refused as stale

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if self.user is not None:
            try:
                roles.check_written(self.user, "add" if is_create else "change", instance)
            except PermissionDenied as error:
                raise ValidationError(str(error)) from error


NON_FIELD = "__all__"


def _has_lock(model):
    return any(field.name == LOCK_FIELD for field in model._meta.concrete_fields)


def _with_lock_field(model, fieldsets):
    """The fieldsets with the version field added (hidden) to the first, for a model that has one."""
    if not _has_lock(model) or any(LOCK_FIELD in _flatten(opts["fields"]) for _name, opts in fieldsets):
        return fieldsets
    (name, opts), *rest = fieldsets
    return [(name, {**opts, "fields": (*opts["fields"], LOCK_FIELD)}), *rest]


def _flatten(fields):
    for item in fields:
        if isinstance(item, (list, tuple)):
            yield from item
        else:
            yield item


def _field_value(instance, name):
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)
