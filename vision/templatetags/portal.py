from django import template
from django.urls import translate_url

from vision import origin, wareki

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language_code):
    """The current page's URL in another language (the language is the URL's first segment)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)


@register.simple_tag(takes_context=True)
def absolute_url(context, location):
    """`location` as an absolute URL on the portal's canonical origin (PORTAL_ORIGIN; vision/origin.py)."""
    return origin.absolute_url(context["request"], location)


@register.filter
def wareki_date(value):
    """A date as the Japanese calendar writes it, e.g. 令和7年3月27日."""
    return wareki.format_date(value) if value else ""
