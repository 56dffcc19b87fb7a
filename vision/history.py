"""The admin's history screens (django-simple-history) in the portal's words: values as people read them.

The library prints a change's old and new values with str(): True → False, None, 2496.0000. Here they read はい/
いいえ, （空欄）, 2,496 and a choice's label, as in the import preview.
"""

from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .tabular import readable


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.choices and value not in (None, ""):
            return str(dict(field.flatchoices).get(value, value))
        return readable(value) or _("（空欄）")


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history list shows values as people read them."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)
