"""Import and export of agreements' role tables (別表) with django-import-export.

A row is found by the agreement (partner's local government code and version, within the area named by the
optional `area` column, which a partner with agreements in several areas needs) and the policy-area code. Only
a draft agreement's table can be imported: a signed text changes by amendment.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from vision import roles
from vision.scoped import ScopedResourceMixin
from vision.tabular import ReadablePreviewMixin, SafeTextWidget

from .models import Agreement, PolicyArea, RoleAssignment


class AgreementWidget(widgets.Widget):
    """The agreement with this partner (code in this column) and the version in the `version` column, in the area
    of the `area` column (slug or name) when the row names one."""

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        version = str((row or {}).get("version") or "1").strip()
        area = str((row or {}).get("area") or "").strip()
        if not version.isdigit():
            raise ValueError(_("版は数字で入力してください: %(value)s") % {"value": version})
        agreements = Agreement.objects.select_related("partner", "central_city", "area").filter(
            partner__lg_code=code, version=int(version)
        )
        if area:
            agreements = agreements.filter(Q(area__slug=area) | Q(area__name=area))
        found = list(agreements.order_by("area__slug")[:10])
        if not found:
            raise ValueError(
                _("市町村コード %(code)s との第%(version)s版の連携協約は登録されていません。")
                % {"code": code, "version": version}
            )
        if len(found) > 1:
            raise ValueError(
                _(
                    "市町村コード %(code)s との第%(version)s版の連携協約は複数の圏域（%(areas)s）にあります。"
                    "area 列に圏域の識別名を入力してください。"
                )
                % {"code": code, "version": version, "areas": "、".join(a.area.slug for a in found)}
            )
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.partner.lg_code if value else ""


class RoleAssignmentResource(ReadablePreviewMixin, ScopedResourceMixin, resources.ModelResource):
    agreement = fields.Field(attribute="agreement", column_name="partner_lg_code", widget=AgreementWidget())
    version = fields.Field(attribute="agreement__version", column_name="version", readonly=True)
    policy_area = fields.Field(
        attribute="policy_area", column_name="policy_area", widget=widgets.ForeignKeyWidget(PolicyArea, field="code")
    )
    order = fields.Field(attribute="order", column_name="order", widget=widgets.IntegerWidget())
    initiative = fields.Field(attribute="initiative", column_name="initiative", widget=SafeTextWidget())
    central_role = fields.Field(attribute="central_role", column_name="central_role", widget=SafeTextWidget())
    partner_role = fields.Field(attribute="partner_role", column_name="partner_role", widget=SafeTextWidget())

    class Meta:
        model = RoleAssignment
        fields = ("agreement", "version", "policy_area", "order", "initiative", "central_role", "partner_role")
        export_order = fields
        import_id_fields = ("agreement", "policy_area")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_export_queryset(self, request=None):
        return RoleAssignment.objects.select_related("agreement__partner", "policy_area").order_by(
            "agreement__partner__lg_code", "agreement__version", "order"
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self.scope_errors(instance).items():
            errors.setdefault(name, message)
        agreement = instance.agreement if instance.agreement_id else None
        if agreement is not None and "agreement" not in errors:
            if not agreement.is_editable:
                errors["agreement"] = _(
                    "%(agreement)s は締結済みのため、別表は取込みで変更できません。変更案（次の版）を作成してください。"
                ) % {"agreement": agreement}
            elif (
                self.user is not None
                and not roles.editable_agreements(self.user, Agreement.objects.filter(pk=agreement.pk)).exists()
            ):
                errors["agreement"] = _("この連携協約を変更する権限がありません。")
        super().validate_instance(instance, errors, validate_unique)
        if errors:
            raise ValidationError(errors)
