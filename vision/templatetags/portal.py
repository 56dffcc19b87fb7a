from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html_join

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


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """`<link rel="alternate" hreflang>` to this page in every language, and x-default (the default language),
    as absolute URLs on the canonical origin, so a search engine shows the reader's language."""
    request = context["request"]
    urls = [(code, origin.absolute_url(request, translate_url(request.path, code))) for code, _ in settings.LANGUAGES]
    default = dict(urls)[settings.LANGUAGE_CODE]
    return format_html_join("\n", '<link rel="alternate" hreflang="{}" href="{}">', [*urls, ("x-default", default)])


@register.filter
def wareki_date(value):
    """A date as the Japanese calendar writes it, e.g. 令和7年3月27日."""
    return wareki.format_date(value) if value else ""
