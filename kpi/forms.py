from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vision.scoped import StaleFormMixin

from .models import Observation
from .numbers import NumberError, is_no_value, parse_number
from .opendata import plain_number

OUTLIER_FACTOR = 10


class NumberField(forms.CharField):
    """A number as staff type it (1,234 / １２３ / △12); empty or a dash is no value."""

    def __init__(self, *args, decimals=None, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 10}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        # a stored value is shown as typed, not with the database's four padding decimals (56.5000 → 56.5)
        return plain_number(value) if isinstance(value, Decimal) else value

    def to_python(self, value):
        value = super().to_python(value)
        if is_no_value(value):
            return None
        try:
            return parse_number(value, self.decimals)
        except NumberError as error:
            raise ValidationError(str(error), code="invalid_number") from error


class UnpaddedDecimalField(forms.DecimalField):
    """A model DecimalField's form field that shows a stored value without the database's padding zeros."""

    def prepare_value(self, value):
        return plain_number(value) if isinstance(value, Decimal) else value


def is_outlier(value, previous):
    """More than ten times last year's value, or less than a tenth of it (sign ignored)."""
    if value is None or previous is None or previous == 0:
        return False
    ratio = abs(value) / abs(previous)
    return ratio > OUTLIER_FACTOR or ratio < 1 / OUTLIER_FACTOR


def check_actual(form, value_field, provisional_field, reason_field):
    """The rules an entered actual follows in every form: a value or a reason for none, and 概算値 needs a value."""
    cleaned = form.cleaned_data
    if cleaned.get(value_field) is not None and cleaned.get(reason_field):
        form.add_error(reason_field, _("実績値があるときは「値がない理由」は空欄にしてください。"))
    if cleaned.get(provisional_field) and cleaned.get(value_field) is None:
        form.add_error(provisional_field, _("概算値にするには実績値を入力してください。"))


class ObservationForm(StaleFormMixin, forms.ModelForm):
    """A series value in the admin (its own page and the indicator's inline), with the version it was read at."""

    moves_version = False  # kpi.services.save_observation checks the version read and moves it on

    value = NumberField(label=_("値"))

    class Meta:
        model = Observation
        fields = (
            "indicator",
            "fiscal_year",
            "kind",
            "value",
            "comparator",
            "measured_year",
            "is_provisional",
            "missing_reason",
            "printed",
            "note",
            "lock_version",
        )
        widgets = {"lock_version": forms.HiddenInput}


class SeriesRowForm(forms.Form):
    """One fiscal year of an indicator's series: its target and its actual, side by side.

    An empty cell leaves a stored value as it is; deleting is the row's explicit 削除 box. The versions are those
    the page was read at, so a save based on an older page is refused rather than overwriting a colleague's entry.
    """

    fiscal_year = forms.IntegerField(widget=forms.HiddenInput)
    target_value = NumberField(label=_("目標値"))
    target_comparator = forms.ChoiceField(label=_("比較"), choices=Observation.Comparator.choices, required=False)
    target_delete = forms.BooleanField(label=_("目標値を削除"), required=False)
    target_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    actual_value = NumberField(label=_("実績値"))
    actual_provisional = forms.BooleanField(label=_("概算値"), required=False)
    actual_measured_year = forms.IntegerField(label=_("値が示す年"), required=False, min_value=1900, max_value=2100)
    actual_missing_reason = forms.CharField(label=_("値がない理由"), required=False, max_length=200)
    actual_delete = forms.BooleanField(label=_("実績値を削除"), required=False)
    actual_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, decimals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_value"].decimals = decimals
        self.fields["actual_value"].decimals = decimals

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target_comparator") and cleaned.get("target_value") is None:
            self.add_error("target_comparator", _("「以上」「以下」を付けるときは目標値を入力してください。"))
        check_actual(self, "actual_value", "actual_provisional", "actual_missing_reason")
        return cleaned


class ActualEntryForm(forms.Form):
    """This year's actual for one indicator, with last year's value shown for comparison."""

    indicator = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    value = NumberField(label=_("実績値"))
    is_provisional = forms.BooleanField(label=_("概算値"), required=False)
    measured_year = forms.IntegerField(label=_("値が示す年"), required=False, min_value=1900, max_value=2100)
    missing_reason = forms.CharField(label=_("値がない理由"), required=False, max_length=200)
    confirm_outlier = forms.BooleanField(label=_("この値で正しい"), required=False)

    def __init__(self, *args, indicator=None, previous=None, target=None, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_obj, self.previous, self.target, self.current = indicator, previous, target, current
        self.fields["value"].decimals = indicator.decimals if indicator else None
        self.outlier = False

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        check_actual(self, "value", "is_provisional", "missing_reason")
        previous = self.previous.value if self.previous is not None else None
        if is_outlier(value, previous) and not cleaned.get("confirm_outlier"):
            self.outlier = True
            self.add_error(
                "value",
                _(
                    "前年度（%(previous)s）の10倍を超える、または10分の1未満の値です。正しければ「この値で正しい」に印を付けて保存してください。"
                )
                % {"previous": f"{previous:,}"},
            )
        return cleaned

    def has_entry(self):
        data = self.cleaned_data
        return data.get("value") is not None or bool(data.get("missing_reason"))
