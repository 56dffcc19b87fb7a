from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from vision.models import Municipality

from . import lifecycle
from .models import Agreement


class AgreementAdminForm(forms.ModelForm):
    """The admin's agreement form: the status may only move along the agreement's lifecycle."""

    class Meta:
        model = Agreement
        fields = (
            "area",
            "central_city",
            "partner",
            "department",
            "title",
            "status",
            "change_summary",
            "legal_basis",
            "preamble",
            "closing",
            "central_council_resolved_on",
            "partner_council_resolved_on",
            "signed_on",
            "notified_on",
            "ended_on",
            "central_address",
            "central_signatory",
            "partner_address",
            "partner_signatory",
            "source",
            "notes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields and self.instance.pk:
            current = self.instance.status
            allowed = [current, *lifecycle.next_statuses(current)]
            self.fields["status"].choices = [c for c in Agreement.Status.choices if c[0] in allowed]
        if "central_city" in self.fields:
            self.fields["central_city"].help_text = _("圏域の連携中枢都市を選んでください。")

    def _update_errors(self, errors):
        # The model's errors on fields this form does not show (version, previous version, or a field that is
        # read-only here) are reported for the whole form instead of failing to attach.
        if hasattr(errors, "error_dict"):
            shown = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                shown.setdefault(key, []).extend(messages)
            errors = ValidationError(shown)
        super()._update_errors(errors)

    def clean_status(self):
        status = self.cleaned_data["status"]
        current = self.instance.status if self.instance.pk else Agreement.Status.DRAFT
        if self.instance.pk is None and status not in (Agreement.Status.DRAFT, Agreement.Status.IN_FORCE):
            # Registering an agreement signed before the portal existed is allowed (in force), or a new draft.
            raise forms.ValidationError(_("新しい連携協約は「案」または「効力発生中」として登録してください。"))
        if self.instance.pk and status != current and not lifecycle.can_transition(current, status):
            raise forms.ValidationError(
                _("「%(current)s」から「%(new)s」には変更できません。")
                % {"current": Agreement.Status(current).label, "new": Agreement.Status(status).label}
            )
        return status


class CopyAgreementForm(forms.Form):
    """Chooses the partner a copied agreement is drafted for."""

    partner = forms.ModelChoiceField(
        label=_("複製先の市町村（乙）"),
        queryset=Municipality.objects.none(),
        help_text=_("まだ連携協約が登録されていない市町村から選びます。"),
    )

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        taken = Agreement.objects.filter(central_city=source.central_city).values("partner")
        self.fields["partner"].queryset = (
            Municipality.objects.filter(
                pk__in=source.area.memberships.current().filter(is_central_city=False).values("municipality")
            )
            .exclude(pk__in=taken)
            .order_by("lg_code")
        )
