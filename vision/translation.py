"""Which of a row's names a page shows: the English one on English pages when it is filled in, else the Japanese.

The English names are the portal's own, unofficial translations (fixtures/README.md); the Japanese name stays the
official one, so an English page that needs it shows it beside the translation.
"""

from django.utils.translation import get_language


def english_page():
    """Whether the page being made is in English."""
    return (get_language() or "").startswith("en")


def translated(obj, field):
    """`obj.<field>_en` on an English page when it is not empty, otherwise `obj.<field>`."""
    if english_page():
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, field)


class TranslatedName:
    """A model whose name (the field `name_field`) has an English translation in `<name_field>_en`."""

    name_field = "name"

    @property
    def display_name(self):
        """The name in the page's language (falling back to the Japanese)."""
        return translated(self, self.name_field)

    @property
    def official_name(self):
        """The Japanese name, which stays the official one."""
        return getattr(self, self.name_field)

    @property
    def has_translated_name(self):
        """Whether an English page shows a translation rather than the Japanese name."""
        return english_page() and bool(getattr(self, f"{self.name_field}_en", ""))
