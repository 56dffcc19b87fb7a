from django.utils.functional import SimpleLazyObject

from .selectors import url_area


def current_area(request):
    """`current_area`: the area of the URL (or the default area), looked up only when a template uses it."""
    return {"current_area": SimpleLazyObject(lambda: url_area(request))}
