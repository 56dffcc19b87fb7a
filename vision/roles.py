"""Who may do what to which object: every rule of the portal's authorization, in this one module.

The roles are Django groups, kept in step with `ROLE_PERMISSIONS` after every migrate:
- 管理者 (administrators): everything, including publishing values, closing reviews and hiding comments.
- 部局編集者 (department editors): enter and correct series values, targets and indicator wording of the
  indicators their departments own, and the agreements their department is in charge of (see
  `EDITOR_SCOPES`). They cannot publish, and some fields are the administrators' (`LOCKED_FIELDS`).
- 検証委員 (committee members): read everything, and the unpublished values of their committee's area (not of
  other areas: `MEMBER_DRAFT_SCOPES`); they comment on indicators in the committee workspace while their
  appointment is in office. They never change data.
The public sees published values and signed agreements only and needs no account.

Every path asks this module: the admin (querysets, `has_*_permission`, read-only fields, actions, history
revert), import resources, the committee workspace and its downloads, and anything added later. The shape
follows NetBox: `restrict(user, action, queryset)` gives exactly the rows a user may act on, and a write is
checked again after it is made (`check_written`), inside its transaction, so that nobody moves a row out of
their own scope.

Agreements: the central city's side of a partnership is the business of the department in charge of it
(`Agreement.department`, the 所管課 on 熊本市's side), not of every 熊本市 department; the partner's side is its
own departments'. So an editor may edit an agreement when their department is the one in charge of it, or
when their department belongs to the partner municipality.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ADMINISTRATORS = "管理者"
EDITORS = "部局編集者"
COMMITTEE_MEMBERS = "検証委員"

_ALL = ("view", "add", "change", "delete")
_READ = ("view",)
_WRITE = ("view", "add", "change")
ROLE_PERMISSIONS = {
    ADMINISTRATORS: {
        # Staff accounts and their roles are the administrators' to manage, and login locks theirs to lift.
        "auth": {"user": _ALL, "group": _ALL},
        "axes": {model: ("view", "delete") for model in ("accessattempt", "accesslog", "accessfailurelog")},
        "committee": {
            model: _ALL
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
            model: _ALL
            for model in ("metroarea", "municipality", "areamembership", "department", "plan", "goal", "passage")
        }
        # their own background jobs, listed (visible_jobs); nobody edits a job's record
        | {"backgroundjob": _READ},
        "agreements": {
            model: _ALL
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
            "indicator": _ALL,
            "indicatorplacement": _ALL,
            "observation": (*_ALL, "publish"),
            "targetrevision": _ALL,
            "measure": _ALL,
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
                    "evaluation",
                    "edition",
                )
            },
            # Their own remarks only, while in office (see `COMMENT_RULES` below).
            "comment": ("view", "add", "change"),
        },
        "vision": {model: _READ for model in ("metroarea", "municipality", "department", "plan", "goal")},
        "agreements": {model: _READ for model in ("agreement", "article", "roleassignment", "policyarea")},
        "kpi": {model: _READ for model in ("indicator", "indicatorplacement", "observation", "targetrevision")},
    },
}

# The rows an editor may act on: ORM paths from a model to the users who own a row. A model named here is
# scoped for editors in reading and writing; a model not named here is reference data that editors with the
# model permission read whole (municipalities, plans, the policy-area taxonomy) and never write.
EDITOR_SCOPES = {
    "kpi.indicator": ("department__staff",),
    "kpi.indicatorplacement": ("indicator__department__staff",),
    "kpi.observation": ("indicator__department__staff",),
    "kpi.targetrevision": ("observation__indicator__department__staff",),
    "agreements.agreement": ("department__staff", "partner__departments__staff"),
    "agreements.article": ("agreement__department__staff", "agreement__partner__departments__staff"),
    "agreements.roleassignment": ("agreement__department__staff", "agreement__partner__departments__staff"),
}

# Series values and their revisions that committee members read: published ones anywhere (they are public), and
# drafts (a new value, or a correction waiting to be published) only of their committees' areas. Paths: (the
# row's published flag, the row's area).
MEMBER_DRAFT_SCOPES = {
    "kpi.observation": ("is_published", "indicator__area"),
    "kpi.targetrevision": ("observation__is_published", "observation__indicator__area"),
}

# Fields that stay as they are for everyone but administrators, whatever the screen or file says: what an
# indicator is and who owns it; which partnership an agreement is and where it stands in its procedure.
LOCKED_FIELDS = {
    "kpi.indicator": ("code", "plan", "direction", "department", "final_outlook", "final_outlook_source"),
    "agreements.agreement": ("area", "central_city", "partner", "department", "status"),
}


def _label(model):
    return model._meta.label_lower


def _in_group(user, name):
    cache = user.__dict__.setdefault("_portal_groups", None)
    if cache is None:
        cache = user._portal_groups = set(user.groups.values_list("name", flat=True))
    return name in cache


def is_signed_in(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_administrator(user):
    return is_signed_in(user) and (user.is_superuser or _in_group(user, ADMINISTRATORS))


def is_editor(user):
    return is_signed_in(user) and _in_group(user, EDITORS)


def is_committee_member(user):
    """In the 検証委員 group (reading); commenting needs an appointment in office too."""
    return is_signed_in(user) and _in_group(user, COMMITTEE_MEMBERS)


def sees_everything(user):
    """Administrators and committee members read every indicator and value, drafts included."""
    return is_administrator(user) or is_committee_member(user)


def has_model_permission(user, action, model):
    opts = model._meta
    return is_signed_in(user) and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def _owned_by(user, paths):
    condition = Q()
    for path in paths:
        condition |= Q(**{path: user})
    return condition


def _published_or_in_committee_areas(user, published_path, area_path):
    from committee.models import Committee

    areas = Committee.objects.filter(members__user=user).values("area")
    return Q(**{published_path: True}) | Q(**{f"{area_path}__in": areas})


def restrict(user, action, queryset):
    """The rows of `queryset` this user may `action` ('view', 'add', 'change', 'delete', 'publish', …).

    A user without the model permission gets none. Administrators get all. Committee members read all (drafts
    only of their committees' areas, `MEMBER_DRAFT_SCOPES`) and write nothing but their own remarks. Editors act
    on the rows of their departments (`EDITOR_SCOPES`); of a model outside their scopes they read what their
    permission allows and write nothing.
    """
    model = queryset.model
    label = _label(model)
    if label == "committee.comment":
        return _restrict_comments(user, action, queryset)
    if label == "vision.backgroundjob":
        return (
            visible_jobs(user, queryset)
            if action == "view" and has_model_permission(user, action, model)
            else (queryset.none())
        )
    if not has_model_permission(user, action, model):
        return queryset.none()
    if is_administrator(user):
        return queryset
    if action == "view" and sees_everything(user):
        if label in MEMBER_DRAFT_SCOPES:
            return queryset.filter(_published_or_in_committee_areas(user, *MEMBER_DRAFT_SCOPES[label]))
        return queryset
    if is_editor(user) and label in EDITOR_SCOPES:
        return queryset.filter(_owned_by(user, EDITOR_SCOPES[label])).distinct()
    if action == "view":
        return queryset
    return queryset.none()


def permits(user, action, obj):
    """Whether the user may `action` this object (the same rule as `restrict`, for one row)."""
    if obj is None:
        return False
    model = type(obj)
    if _label(model) not in ("committee.comment", "vision.backgroundjob"):
        if not has_model_permission(user, action, model):
            return False
        if is_administrator(user):
            return True
    if obj.pk is None:
        return has_model_permission(user, action, model)
    return restrict(user, action, model._default_manager.filter(pk=obj.pk)).exists()


def check_written(user, action, obj):
    """After a write, inside its transaction: the row must still be one the user may `action`.

    Raises PermissionDenied otherwise, so the transaction rolls back (nobody moves a value under another
    department's indicator, or an agreement to another partner).
    """
    if not permits(user, action if action != "add" else "change", obj) and not (
        action == "add" and is_administrator(user)
    ):
        raise PermissionDenied(_("この変更を行う権限がありません（担当の範囲の外になります）。"))


def locked_fields(user, model):
    """Fields of `model` this user may not change even on rows they may change."""
    if is_administrator(user):
        return ()
    return LOCKED_FIELDS.get(_label(model), ())


# --- series values ---------------------------------------------------------------------------------------


def editable_indicators(user, queryset):
    """The indicators of `queryset` whose values this user may change."""
    from kpi.models import Observation

    if not has_model_permission(user, "change", Observation):
        return queryset.none()
    return restrict(user, "change", queryset) if not is_administrator(user) else queryset


def can_edit_indicator(user, indicator):
    """Whether the user may enter or correct this indicator's values."""
    return editable_indicators(user, type(indicator)._default_manager.filter(pk=indicator.pk)).exists()


def can_publish(user):
    from kpi.models import Observation

    return has_model_permission(user, "publish", Observation)


def draft_indicators(user, queryset):
    """The indicators whose unpublished values this user may read (the others show published values only)."""
    if sees_everything(user):
        return queryset
    return restrict(user, "change", queryset)


def readable_observations(user, queryset):
    """Series values as `user` may read them (pages for a signed-in user, the API): everything for those who see
    everything; for others the public figures (a value with a pending correction shows its published figure),
    except that the indicators whose drafts they may read (`draft_indicators`) show their drafts as they are.
    Anonymous callers get the public figures only."""
    if sees_everything(user):
        return queryset
    if not is_signed_in(user):
        return queryset.published()
    from kpi.models import Indicator

    readable = draft_indicators(user, Indicator.objects.all()).values_list("pk", flat=True)
    return queryset.published_or_drafts_of(list(readable))


# --- agreements --------------------------------------------------------------------------------------------


def readable_agreements(user, queryset):
    """Agreements as `user` may read them: the public ones (signed and later), plus those `restrict(user,
    'view')` gives (drafts and resolutions of their own, or all for those who see everything)."""
    from agreements.models import Agreement

    public = Q(status__in=Agreement.PUBLIC_STATUSES)
    if not is_signed_in(user):
        return queryset.filter(public)
    if is_administrator(user) or (sees_everything(user) and has_model_permission(user, "view", Agreement)):
        return queryset
    visible = restrict(user, "view", Agreement.objects.all()).values("pk")
    return queryset.filter(public | Q(pk__in=visible))


def editable_agreements(user, queryset):
    """The agreements of `queryset` this user may change."""
    return restrict(user, "change", queryset)


# --- the committee workspace and its remarks -----------------------------------------------------------------


def visible_jobs(user, queryset):
    """The background jobs (an import's, a PDF's) whose progress and result this user may see: their own; a
    superuser's, everyone's. A job's result is what its owner may read, so nobody else sees it, 管理者 included."""
    if not is_signed_in(user):
        return queryset.none()
    return queryset if user.is_superuser else queryset.filter(owner=user)


def can_use_workspace(user, area):
    """The workspace of `area`: administrators; committee members (no staff status needed) who sit on a committee
    of that area; department editors whose department belongs to a member of that area. Nobody else, so a member
    or an editor of another area is refused."""
    if is_administrator(user):
        return True
    if is_committee_member(user) and user.committee_memberships.filter(committee__area=area).exists():
        return True
    return is_editor(user) and user.departments.filter(municipality__memberships__area=area).exists()


def committees_in_office(user, day=None):
    """The committees on which this user holds an appointment in office on `day` (today by default)."""
    from committee.models import Appointment

    day = day or timezone.localdate()
    return Appointment.objects.in_office_on(day).filter(member__user=user).values("member__committee")


def reads_comments(user):
    return is_administrator(user) or is_committee_member(user)


def _restrict_comments(user, action, queryset):
    # Committee remarks: read by the committee's members in office and administrators; changed or withdrawn by
    # their author only; hidden (with a reason) by administrators, after which members no longer see them.
    if not is_signed_in(user):
        return queryset.none()
    if is_administrator(user):
        return queryset if action != "add" else queryset.none()
    if not is_committee_member(user):
        return queryset.none()
    mine = queryset.filter(review__committee__in=committees_in_office(user))
    if action == "view":
        return mine.filter(hidden_at__isnull=True)
    if action in ("change", "delete"):
        return mine.filter(author=user, hidden_at__isnull=True, withdrawn_at__isnull=True)
    return queryset.none()


def can_comment(user, review):
    """Members of the review's committee in office, in the 検証委員 group, while the review is open."""
    if not is_committee_member(user) or review.is_closed:
        return False
    return committees_in_office(user).filter(member__committee=review.committee_id).exists()


def is_comment_author(user, comment):
    """Rewording and withdrawing a remark are its author's alone (管理者 hide, they do not reword)."""
    return is_signed_in(user) and comment.author_id == user.pk


def can_start_review(user):
    """Starting a year's review (a review with a sheet per policy) is the administrators'."""
    from committee.models import Review

    return is_administrator(user) and has_model_permission(user, "add", Review)


def can_hide_comment(user):
    return is_administrator(user)


def ensure_roles(app_labels=None):
    """Create the groups and give them exactly their permissions; running it again changes nothing."""
    from django.contrib.auth.models import Group, Permission

    for group_name, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for app_label, models in apps.items():
            if app_labels is not None and app_label not in app_labels:
                continue
            codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
            wanted = set(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
            current = set(group.permissions.filter(content_type__app_label=app_label))
            group.permissions.remove(*(current - wanted))
            group.permissions.add(*(wanted - current))
