from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from vision.models import Municipality
from vision.selectors import url_area

from . import selectors, services
from .completeness import against_scheme, check_agreement, is_complete
from .models import Agreement, PolicyArea


class AgreementDetailView(DetailView):
    template_name = "agreements/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return Agreement.objects.public().with_contents().filter(area=url_area(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        checklist = check_agreement(services.outline_of(agreement))
        context.update(
            role_tables=selectors.role_tables(agreement),
            versions=list(agreement.versions().public()),
            checklist=checklist,
            checklist_complete=is_complete(checklist),
            requirements=against_scheme(checklist),
        )
        return context


class AgreementCompareView(TemplateView):
    """The difference between two versions of one agreement, chosen as ?from=&to= version numbers."""

    template_name = "agreements/agreement_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = get_object_or_404(
            Agreement.objects.public().with_parties(), pk=kwargs["pk"], area=url_area(self.request)
        )
        versions = {v.version: v for v in agreement.versions().public().with_contents()}
        try:
            old_number = int(self.request.GET.get("from", agreement.version - 1))
            new_number = int(self.request.GET.get("to", agreement.version))
        except ValueError as error:
            raise Http404(_("版の指定が正しくありません。")) from error
        if old_number not in versions or new_number not in versions:
            raise Http404(_("指定された版はありません。"))
        old, new = versions[old_number], versions[new_number]
        context.update(
            agreement=agreement,
            versions=list(versions.values()),
            old=old,
            new=new,
            changes=services.compare_versions(old, new),
        )
        return context


class MatrixView(TemplateView):
    template_name = "agreements/matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = url_area(self.request)
        context.update(area=area, matrix=selectors.partnership_matrix(area))
        return context


class PolicyAreaDetailView(DetailView):
    template_name = "agreements/policy_area_detail.html"
    context_object_name = "policy_area"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return PolicyArea.objects.select_related("pillar", "group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = url_area(self.request)
        context["roles"] = selectors.partners_for_policy_area(self.object, area)
        context["missing"] = selectors.partners_without_text(area)
        context["partner_count"] = area.memberships.current().filter(is_central_city=False).count()
        return context


class MunicipalityDetailView(DetailView):
    """A member municipality: its agreements and the policy areas it works on with the central city."""

    template_name = "agreements/municipality_detail.html"
    context_object_name = "municipality"
    slug_field = "lg_code"
    slug_url_kwarg = "lg_code"

    def get_queryset(self):
        return Municipality.objects.filter(memberships__area=url_area(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = url_area(self.request)
        context["area"] = area
        context["membership"] = self.object.memberships.get(area=area)
        context["other_memberships"] = self.object.memberships.exclude(area=area).select_related("area")
        context["agreements"] = selectors.agreements_for_municipality(self.object, area)
        context["policy_areas_by_pillar"] = selectors.policy_areas_for_partner(self.object, area)
        return context
