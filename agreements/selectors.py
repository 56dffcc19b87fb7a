"""Reads of agreements that pages share, each with its joins inside so no view forgets them."""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext

from vision.models import AreaMembership, Municipality

from .models import Agreement, Pillar, PolicyArea, RoleAssignment


@dataclass
class MatrixRow:
    municipality: Municipality
    agreement: Agreement | None
    cells: list  # RoleAssignment or None, one per policy area column

    @property
    def count(self):
        return sum(cell is not None for cell in self.cells)

    @property
    def linked_cells(self):
        """(cell, its link, its label for screen readers) per column, (None, None, None) for an empty one.

        The agreement's page is reversed and the label's text translated once for the row, not once per cell (an
        area with thirty role rows per partner made a thousand reverse() calls and {% blocktranslate %} renders
        per page). Every cell of a row is a role row of the row's agreement: one agreement in force per pair.
        """
        if self.agreement is None:
            return [(None, None, None)] * len(self.cells)
        agreement_url = self.agreement.get_absolute_url()
        label = gettext("%(municipality)sの%(policy_area)sの役割分担")
        municipality = self.municipality.display_name
        return [
            (
                cell,
                cell.url_within(agreement_url),
                label % {"municipality": municipality, "policy_area": cell.policy_area.display_name},
            )
            if cell
            else (None, None, None)
            for cell in self.cells
        ]


@dataclass
class Matrix:
    policy_areas: list
    rows: list
    column_counts: list

    @property
    def pillar_spans(self):
        """(pillar, number of columns) in column order, for the header row above the policy areas."""
        return [(pillar, len(list(areas))) for pillar, areas in groupby(self.policy_areas, key=lambda a: a.pillar)]


def partnership_matrix(area) -> Matrix:
    """Partners × policy areas of one area, each cell the role row of the partner's agreement in force."""
    policy_areas = list(PolicyArea.objects.in_document_order())
    memberships = area.memberships.current().filter(is_central_city=False).select_related("municipality")
    partners = [membership.municipality for membership in memberships.in_member_order()]
    roles_by_partner = {}
    agreements = {}
    for role in RoleAssignment.objects.filter(
        agreement__area=area, agreement__status=Agreement.Status.IN_FORCE
    ).select_related("agreement", "policy_area"):
        roles_by_partner.setdefault(role.agreement.partner_id, {})[role.policy_area_id] = role
        agreements[role.agreement.partner_id] = role.agreement
    for agreement in Agreement.objects.in_force().filter(area=area, partner__in=partners):
        agreements.setdefault(agreement.partner_id, agreement)
    rows = []
    for partner in partners:
        roles = roles_by_partner.get(partner.pk, {})
        rows.append(MatrixRow(partner, agreements.get(partner.pk), [roles.get(pa.pk) for pa in policy_areas]))
    column_counts = [sum(row.cells[i] is not None for row in rows) for i in range(len(policy_areas))]
    return Matrix(policy_areas, rows, column_counts)


def role_tables(agreement):
    """The agreement's role rows grouped as the signed document lays them out: pillar → group → rows."""
    tables = []
    roles = list(agreement.roles.all())
    for pillar in Pillar.objects.all():
        pillar_roles = [role for role in roles if role.policy_area.pillar_id == pillar.pk]
        groups = []
        for group, group_roles in groupby(pillar_roles, key=lambda role: role.policy_area.group):
            groups.append((group, list(group_roles)))
        tables.append((pillar, groups))
    return tables


def _partner_joined_on(agreement_path=""):
    """The date the agreement's partner joined the agreement's area (for ordering partners as the area lists them)."""
    return Subquery(
        AreaMembership.objects.filter(
            area=OuterRef(f"{agreement_path}area"), municipality=OuterRef(f"{agreement_path}partner")
        ).values("joined_on")[:1]
    )


def agreements_for_municipality(municipality, area):
    """Every version of every agreement of `area` the municipality is a party to (as 甲 or 乙), newest version
    first per pair."""
    return (
        Agreement.objects.public()
        .with_parties()
        .filter(Q(partner=municipality) | Q(central_city=municipality), area=area)
        .annotate(partner_joined_on=_partner_joined_on())
        .order_by("partner_joined_on", "partner__lg_code", "-version")
    )


def policy_areas_for_partner(municipality, area):
    """The policy areas of the partner's agreement in force in `area`, grouped by pillar."""
    roles = (
        RoleAssignment.objects.filter(
            agreement__partner=municipality, agreement__area=area, agreement__status=Agreement.Status.IN_FORCE
        )
        .select_related("policy_area__pillar", "policy_area__group", "agreement")
        .order_by("order")
    )
    return [(pillar, list(rows)) for pillar, rows in groupby(roles, key=lambda role: role.policy_area.pillar)]


def partners_without_text(area):
    """The area's current partners whose agreement in force is not registered here, in member order.

    The sources hold one agreement text (荒尾市, seed 002); the others are signed but absent, and a page that lists
    who works on a policy area must say so before it lists the few it knows."""
    with_text = Agreement.objects.in_force().filter(area=area).values("partner")
    memberships = (
        area.memberships.current()
        .filter(is_central_city=False)
        .exclude(municipality__in=with_text)
        .select_related("municipality")
    )
    return [membership.municipality for membership in memberships.in_member_order()]


def partners_for_policy_area(policy_area, area):
    """The role rows of every agreement of `area` in force that names this policy area, partner by partner."""
    return (
        policy_area.roles.filter(agreement__area=area, agreement__status=Agreement.Status.IN_FORCE)
        .select_related("agreement__partner", "agreement__central_city")
        .annotate(partner_joined_on=_partner_joined_on("agreement__"))
        .order_by("partner_joined_on", "agreement__partner__lg_code")
    )
