from django import template
from django.utils import timezone

from kpi.models import Indicator
from kpi.selectors import outstanding_actuals
from vision import roles

register = template.Library()


@register.simple_tag
def outstanding_for(user):
    """The user's own outstanding actuals (an administrator sees every one)."""
    indicators = roles.editable_indicators(user, Indicator.objects.all())
    return outstanding_actuals(timezone.localdate(), indicators)
