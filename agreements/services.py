"""Writes that span several agreement rows: copying, amending and moving an agreement along its life."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vision import dataversion

from . import lifecycle
from .completeness import AgreementOutline
from .diff import compare_sections
from .models import Agreement, Article, RoleAssignment


def _copy_contents(source, target, rename=lambda text: text):
    Article.objects.bulk_create(
        Article(agreement=target, number=a.number, kind=a.kind, heading=a.heading, body=rename(a.body))
        for a in source.articles.all()
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            agreement=target,
            policy_area_id=r.policy_area_id,
            order=r.order,
            initiative=r.initiative,
            central_role=r.central_role,
            partner_role=r.partner_role,
        )
        for r in source.roles.all()
    )
    dataversion.bump()  # bulk_create sends no post_save


def _replace_party_names(text, old_name, new_name):
    return text.replace(old_name, new_name) if old_name and new_name else text


@transaction.atomic
def copy_agreement(source: Agreement, partner) -> Agreement:
    """Start a draft agreement with `partner` from `source`: its articles and role table, the partner renamed.

    Staff draft a new partner's agreement by copying a signed one; dates, signatories and status are not
    copied, since they belong to the source's own procedure.
    """
    old_name, new_name = source.partner.name, partner.name
    if Agreement.objects.filter(central_city=source.central_city, partner=partner).exists():
        raise ValidationError(
            _(
                "%(partner)s との連携協約は既に登録されています。"
                "変更する場合は、その連携協約を選んで「変更案（次の版）を作成」を実行してください。"
            )
            % {"partner": partner}
        )
    draft = Agreement(
        area=source.area,
        central_city=source.central_city,
        partner=partner,
        department=source.department,
        version=1,
        title=_replace_party_names(source.title, old_name, new_name),
        legal_basis=source.legal_basis,
        preamble=_replace_party_names(source.preamble, old_name, new_name),
        closing=source.closing,
        status=Agreement.Status.DRAFT,
        central_address=source.central_address,
        central_signatory=source.central_signatory,
        notes=_("%(source)s から複製した案です。") % {"source": source},
    )
    draft.full_clean()
    draft.save()
    _copy_contents(source, draft, rename=lambda text: _replace_party_names(text, old_name, new_name))
    return draft


@transaction.atomic
def start_amendment(agreement: Agreement) -> Agreement:
    """Open a draft of the next version of an agreement in force, with the current text to edit."""
    if agreement.status != Agreement.Status.IN_FORCE:
        raise ValidationError(_("変更案は効力発生中の連携協約からのみ作成できます。"))
    if hasattr(agreement, "next_version"):
        raise ValidationError(_("この版の変更案は既に作成されています。"))
    fields = {
        name: getattr(agreement, name)
        for name in (
            "area",
            "central_city",
            "partner",
            "department",
            "title",
            "legal_basis",
            "preamble",
            "closing",
            "central_address",
            "central_signatory",
            "partner_address",
            "partner_signatory",
            "source",
        )
    }
    draft = Agreement.objects.create(
        **fields,
        version=agreement.version + 1,
        previous_version=agreement,
        status=Agreement.Status.DRAFT,
    )
    _copy_contents(agreement, draft)
    return draft


@transaction.atomic
def change_status(agreement: Agreement, new_status: str, *, on_date=None) -> Agreement:
    """Move an agreement along its lifecycle; an amendment coming into force retires the version it amends."""
    if not lifecycle.can_transition(agreement.status, new_status):
        raise ValidationError(
            _("「%(current)s」から「%(new)s」には変更できません。")
            % {"current": agreement.get_status_display(), "new": Agreement.Status(new_status).label}
        )
    if new_status == Agreement.Status.IN_FORCE and agreement.previous_version_id:
        previous = agreement.previous_version
        previous.status = Agreement.Status.AMENDED
        previous.ended_on = on_date or agreement.notified_on or agreement.signed_on
        previous.save(update_fields=["status", "ended_on"])
    if new_status == Agreement.Status.ABOLISHED:
        agreement.ended_on = on_date
    agreement.status = new_status
    agreement.full_clean()
    agreement.save()
    return agreement


def outline_of(agreement: Agreement) -> AgreementOutline:
    """The completeness check's view of an agreement (uses prefetched articles and roles when present)."""
    kinds = {article.kind for article in agreement.articles.all()}
    roles = list(agreement.roles.all())
    return AgreementOutline(
        central_city_name=agreement.central_city.name,
        partner_name=agreement.partner.name,
        has_purpose=Article.Kind.PURPOSE in kinds,
        has_basic_policy=Article.Kind.BASIC_POLICY in kinds,
        pillar_numbers=frozenset(role.policy_area.pillar.number for role in roles),
        pillar3_group_numbers=frozenset(
            role.policy_area.group.number
            for role in roles
            if role.policy_area.pillar.number == 3 and role.policy_area.group_id
        ),
    )


def _sections(agreement):
    header = {
        "title": (_("名称"), agreement.title),
        "legal_basis": (_("根拠法令"), agreement.legal_basis),
        "preamble": (_("前文"), agreement.preamble),
        "closing": (_("末文"), agreement.closing),
    }
    articles = {str(a.number): (str(a), a.body) for a in agreement.articles.all()}
    roles = {}
    for role in agreement.roles.all():
        label = f"{role.policy_area.pillar.schedule_label} {role.policy_area}"
        text = "\n".join(
            [
                f"{_('取組内容')}: {role.initiative}",
                f"{_('甲の役割')}: {role.central_role}",
                f"{_('乙の役割')}: {role.partner_role}",
            ]
        )
        roles[role.policy_area.code] = (label, text)
    return header, articles, roles


def compare_versions(old: Agreement, new: Agreement):
    """Every difference between two versions of an agreement, section by section."""
    old_header, old_articles, old_roles = _sections(old)
    new_header, new_articles, new_roles = _sections(new)
    return (
        compare_sections("header", old_header, new_header)
        + compare_sections("articles", old_articles, new_articles)
        + compare_sections("roles", old_roles, new_roles)
    )
