"""Who may do what: the three staff roles as Django groups, and the per-object scope of an editor.

- 管理者 (administrators): everything, including publishing values.
- 部局編集者 (department editors): enter and correct series values, targets and indicator details of the
  indicators of their own departments, and the agreements their municipality is a party to. They cannot
  publish.
- 検証委員 (committee members): read everything, unpublished values included; they write evaluations in the
  committee workspace.
The public sees published values only and needs no account.
"""

from django.db.models import Q

ADMINISTRATORS = "管理者"
EDITORS = "部局編集者"
COMMITTEE_MEMBERS = "検証委員"

_READ = ("view",)
_WRITE = ("view", "add", "change")
ROLE_PERMISSIONS = {
    ADMINISTRATORS: {
        "committee": {
            model: ("view", "add", "change", "delete")
            for model in (
                "committee",
                "member",
                "appointment",
                "meeting",
                "agendaitem",
                "meetingdocument",
                "publiccomment",
                "review",
                "evaluation",
                "comment",
                "edition",
            )
        },
        "vision": {
            model: ("view", "add", "change", "delete")
            for model in ("metroarea", "municipality", "department", "plan", "goal")
        },
        "agreements": {
            model: ("view", "add", "change", "delete")
            for model in (
                "agreement",
                "article",
                "roleassignment",
                "pillar",
                "policyareagroup",
                "policyarea",
                "visiongoallink",
            )
        },
        "kpi": {
            "indicator": ("view", "add", "change", "delete"),
            "indicatorplacement": ("view", "add", "change", "delete"),
            "observation": ("view", "add", "change", "delete", "publish"),
            "targetrevision": ("view", "add", "change", "delete"),
        },
    },
    EDITORS: {
        "vision": {"municipality": _READ, "department": _READ, "plan": _READ, "goal": _READ},
        "agreements": {
            "agreement": ("view", "change"),
            "article": _WRITE,
            "roleassignment": _WRITE,
            "policyarea": _READ,
        },
        "kpi": {
            "indicator": ("view", "change"),
            "indicatorplacement": _READ,
            "observation": _WRITE,
            "targetrevision": _WRITE,
        },
    },
    COMMITTEE_MEMBERS: {
        "committee": {
            **{
                model: _READ
                for model in (
                    "committee",
                    "member",
                    "appointment",
                    "meeting",
                    "agendaitem",
                    "meetingdocument",
                    "publiccomment",
                    "review",
                    "edition",
                )
            },
            "evaluation": ("view", "change"),
            "comment": ("view", "add", "change"),
        },
        "vision": {model: _READ for model in ("metroarea", "municipality", "department", "plan", "goal")},
        "agreements": {model: _READ for model in ("agreement", "article", "roleassignment", "policyarea")},
        "kpi": {model: _READ for model in ("indicator", "indicatorplacement", "observation", "targetrevision")},
    },
}


def ensure_roles(app_labels=None):
    """Create the groups and give them their permissions; running it again changes nothing."""
    from django.contrib.auth.models import Group, Permission

    for group_name, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for app_label, models in apps.items():
            if app_labels is not None and app_label not in app_labels:
                continue
            codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def _in_group(user, name):
    return user.is_active and user.groups.filter(name=name).exists()


def is_administrator(user):
    return user.is_active and (user.is_superuser or _in_group(user, ADMINISTRATORS))


def sees_everything(user):
    """Administrators and committee members read every indicator and value; editors only their own."""
    return is_administrator(user) or _in_group(user, COMMITTEE_MEMBERS)


def editable_indicators(user, queryset):
    """The indicators of `queryset` this user may change."""
    if is_administrator(user):
        return queryset
    if not user.is_active or not user.has_perm("kpi.change_observation"):
        return queryset.none()
    return queryset.filter(department__staff=user)


def can_edit_indicator(user, indicator):
    if is_administrator(user):
        return True
    return (
        user.is_active
        and user.has_perm("kpi.change_observation")
        and indicator.department_id is not None
        and indicator.department.staff.filter(pk=user.pk).exists()
    )


def editable_agreements(user, queryset):
    """The agreements of `queryset` this user may change: those their municipality is a party to."""
    if is_administrator(user):
        return queryset
    if not user.is_active or not user.has_perm("agreements.change_agreement"):
        return queryset.none()
    return queryset.filter(Q(partner__departments__staff=user) | Q(central_city__departments__staff=user)).distinct()


def can_publish(user):
    return user.is_active and user.has_perm("kpi.publish_observation")
