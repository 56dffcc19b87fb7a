"""English names: every shipped name has one, pages pick the language's name, the loader fills new ones in."""

import json
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from kpi.models import Indicator
from vision.management.commands.load_reference_data import FIXTURE_DIR
from vision.models import Goal, Plan, ReferenceRecord
from vision.reference_data import fixture_paths, load_reference_data

pytestmark = pytest.mark.django_db

# Kana, CJK punctuation, ideographs (and extension A), compatibility ideographs, full-width forms.
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
NAME_FIELDS = ("name", "title", "heading", "unit", "short_name", "short_title", "central_city_name")


def shipped_models():
    """Every model the fixtures load, with the name fields it has."""
    labels = {row["model"] for path in fixture_paths(FIXTURE_DIR) for row in json.loads(path.read_text("utf-8"))}
    found = {}
    for label in sorted(labels):
        model = apps.get_model(label)
        fields = [f.name for f in model._meta.concrete_fields if f.name in NAME_FIELDS]
        if fields:
            found[model] = fields
    return found


def test_the_walk_finds_every_kind_of_named_row():
    labels = {model._meta.label_lower for model in shipped_models()}
    expected = {
        "vision.metroarea",
        "vision.municipality",
        "vision.plan",
        "vision.goal",
        "agreements.pillar",
        "agreements.policyareagroup",
        "agreements.policyarea",
        "agreements.agreement",
        "agreements.article",
        "kpi.indicator",
        "committee.committee",
        "committee.member",
    }
    assert expected <= labels


def test_every_fixture_model_with_a_name_has_an_english_name_without_cjk(reference_data):
    problems = []
    for model, fields in shipped_models().items():
        for field in fields:
            english_field = f"{field}_en"
            assert hasattr(model, english_field), f"{model._meta.label}.{english_field} is missing"
            for row in model._default_manager.all():
                if not getattr(row, field):
                    continue  # nothing to translate (an empty short name)
                english = getattr(row, english_field)
                if not english or CJK.search(english):
                    problems.append(f"{model._meta.label} {row.pk} {field}={getattr(row, field)!r}: {english!r}")
    assert not problems, "\n".join(problems)


def test_every_goal_number_and_level_name_in_japanese_has_an_english_one(reference_data):
    for goal in Goal.objects.all():
        for field in ("number", "level_label"):
            if CJK.search(getattr(goal, field)):
                assert getattr(goal, f"{field}_en") and not CJK.search(getattr(goal, f"{field}_en")), goal
    for plan in Plan.objects.all():
        assert len(plan.level_names_en) == len(plan.level_names), plan
        assert not any(CJK.search(name) for name in plan.level_names_en), plan


def test_display_name_picks_the_pages_language_and_falls_back_to_japanese(reference_data):
    # seed 001 l.2875: 保育所等利用待機児童数, unit 人
    indicator = Indicator.objects.get(area__slug="kumamoto", code="S1-G2-P2-K1")
    with translation.override("ja"):
        assert indicator.display_name == "保育所等利用待機児童数"
        assert indicator.display_unit == "人"
        assert not indicator.has_translated_name
    with translation.override("en"):
        assert indicator.display_name == indicator.name_en
        assert indicator.display_unit == "children"
        assert indicator.has_translated_name
        assert indicator.official_name == "保育所等利用待機児童数"
        indicator.name_en = ""
        assert indicator.display_name == "保育所等利用待機児童数"
        assert not indicator.has_translated_name


def test_a_goal_shows_its_number_in_english(reference_data):
    goal = Goal.objects.get(plan__slug="kumamoto-strategy-2", code="G1")  # 基本目標１ (seed 001)
    with translation.override("en"):
        assert goal.display_name.startswith("Basic goal 1 ")
        assert goal.official_name.startswith("基本目標１ ")


def test_a_second_load_fills_english_names_added_since_the_first(reference_data):
    """A database loaded before the English fields existed: its rows have them empty, its records lack them."""
    indicator = Indicator.objects.get(area__slug="kumamoto", code="S1-G2-P2-K1")
    shipped_name_en = indicator.name_en
    Indicator.objects.filter(pk=indicator.pk).update(name_en="", unit_en="")
    content_type = ContentType.objects.get_for_model(Indicator)
    for record in ReferenceRecord.objects.filter(content_type=content_type):
        record.values.pop("name_en", None)
        record.values.pop("unit_en", None)
        record.save()

    report = load_reference_data(fixture_paths(FIXTURE_DIR))

    indicator.refresh_from_db()
    assert indicator.name_en == shipped_name_en
    assert indicator.unit_en == "children"
    assert not [kept for kept in report.kept if kept.field in ("name_en", "unit_en")]


@pytest.mark.parametrize(
    ("model_label", "lookup", "pairs"),
    [
        ("kpi.indicator", {"code": "S1-G2-P2-K1"}, [("name", "name_en"), ("unit", "unit_en")]),
        ("vision.plan", {"slug": "kumamoto-strategy-2"}, [("title", "title_en"), ("short_title", "short_title_en")]),
        ("vision.goal", {"plan__slug": "kumamoto-strategy-2", "code": "G1"}, [("title", "title_en")]),
        ("vision.metroarea", {"slug": "kumamoto"}, [("name", "name_en")]),
        ("agreements.policyarea", {"code": "3-1-2"}, [("name", "name_en")]),
        ("committee.committee", {"slug__isnull": False}, [("name", "name_en"), ("short_name", "short_name_en")]),
    ],
)
def test_admin_forms_show_the_english_name_beside_the_japanese(
    admin_client, reference_data, model_label, lookup, pairs
):
    model = apps.get_model(model_label)
    row = model._default_manager.filter(**lookup).first()
    page = admin_client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/change/")
    assert page.status_code == 200
    inputs = re.findall(r'<(?:input|textarea|select)[^>]* name="([a-z_]+)"', page.content.decode())
    for japanese, english in pairs:
        assert inputs.index(english) == inputs.index(japanese) + 1, (japanese, english, inputs)


def test_a_signed_agreement_keeps_its_english_names_editable(admin_client, reference_data):
    """The signed Japanese title is read-only; its translation is ours and stays editable. The articles of a signed
    agreement are read-only as a whole, their English headings shown beside the Japanese."""
    agreement = apps.get_model("agreements.agreement").objects.get(partner__lg_code="432041")  # seed 002, signed
    page = admin_client.get(f"/admin/agreements/agreement/{agreement.pk}/change/").content.decode()
    inputs = re.findall(r'<(?:input|textarea|select)[^>]* name="([a-z_0-9-]+)"', page)
    assert "title_en" in inputs and "title" not in inputs
    assert re.search(r"field-heading\b.*?field-heading_en\b.*?Purpose", page, re.S)  # 第1条（目的）
