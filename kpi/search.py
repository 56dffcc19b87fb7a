"""Search that finds what people type: the same text whatever its width or its spelling of common words.

A query and the searched text are both normalised: NFKC (full-width ６５ and ＡＢＣ read as 65 and ABC), case
folded, spaces dropped, and every form of a word in the synonym table (fixtures/search_synonyms.txt: 等/など,
子ども/子供/こども, 障がい/障害 …) replaced by its group's first form. Results rank exact name (or code) matches
first (as typed before another spelling), then names, then descriptions.
"""

import functools
import unicodedata
from pathlib import Path

from django.conf import settings

SYNONYMS_FILE = Path(settings.BASE_DIR) / "fixtures" / "search_synonyms.txt"

EXACT, VARIANT, NAME, DESCRIPTION = 0, 1, 2, 3


# Names repeat from one search to the next: each worker remembers the folded and normalised form of the texts it
# has seen (bounded), so a search over an area's thousands of names compares strings instead of re-normalising.
@functools.lru_cache(maxsize=100_000)
def _fold(text):
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@functools.cache
def synonym_groups():
    """The synonym table: a list of groups, each a list of forms, the first being the one search uses."""
    groups = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append([_fold(word) for word in line.split()])
    return groups


@functools.cache
def _replacements():
    # longest forms first, so that 子ども is replaced before any shorter form inside it
    pairs = [(form, group[0]) for group in synonym_groups() for form in group[1:]]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@functools.lru_cache(maxsize=100_000)
def normalise(text):
    """Text as search compares it: NFKC, case folded, without spaces, each word variant in its group's first form."""
    folded = _fold(text)
    for form, canonical in _replacements():
        folded = folded.replace(form, canonical)
    return folded


def rank(query, names, descriptions=()):
    """EXACT when a name is the query as typed (width and case aside), VARIANT when it is the query in another
    spelling (保育所など… for 保育所等…), NAME when a name contains it, DESCRIPTION when only a description does,
    None when nothing does."""
    names = [name for name in names if name]
    folded = _fold(query)
    if folded in (_fold(name) for name in names):
        return EXACT
    needle = normalise(query)
    if not needle:
        return None
    normalised = [normalise(name) for name in names]
    if needle in normalised:
        return VARIANT
    if any(needle in name for name in normalised):
        return NAME
    if any(needle in normalise(text) for text in descriptions if text):
        return DESCRIPTION
    return None


# The fields compared as names and as descriptions, for best_matches and for ranking one object.
# The English names are names too: /en/ shows them, so a reader there types them.
INDICATOR_NAMES, INDICATOR_DESCRIPTIONS = ("name", "name_en", "code"), ("notes",)
GOAL_NAMES, GOAL_DESCRIPTIONS = ("title", "title_en", "code", "number"), ("description",)


def _rank_object(obj, query, names, descriptions):
    return rank(query, [getattr(obj, f) for f in names], [getattr(obj, f) for f in descriptions])


def indicator_rank(indicator, query):
    return _rank_object(indicator, query, INDICATOR_NAMES, INDICATOR_DESCRIPTIONS)


def goal_rank(goal, query):
    return _rank_object(goal, query, GOAL_NAMES, GOAL_DESCRIPTIONS)


def municipality_rank(municipality, query):
    return rank(query, (municipality.name, municipality.kana, municipality.name_en, municipality.lg_code))


def policy_area_rank(policy_area, query):
    return rank(query, (policy_area.name, policy_area.name_en, policy_area.code))


def best_matches(queryset, names, descriptions, query, limit):
    """The objects of `queryset` whose `names` or `descriptions` fields match, best first (in the queryset's order
    within a rank); at most `limit`.

    Two queries whatever the size of the area: the compared fields of every candidate as plain tuples (no model
    instance for the thousands that do not match), then the winners themselves.
    """
    scored = []
    for index, (pk, *values) in enumerate(queryset.values_list("pk", *names, *descriptions)):
        score = rank(query, values[: len(names)], values[len(names) :])
        if score is not None:
            scored.append((score, index, pk))
    winners = [pk for _score, _index, pk in sorted(scored)[:limit]]
    by_pk = queryset.in_bulk(winners)
    return [by_pk[pk] for pk in winners]


def ranked(objects, rank_of, query, limit):
    """The objects that match, best first, keeping their given order within a rank; at most `limit`."""
    scored = [(rank_of(obj, query), index, obj) for index, obj in enumerate(objects)]
    return [obj for score, _index, obj in sorted(s for s in scored if s[0] is not None)[:limit]]
