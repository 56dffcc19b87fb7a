import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements import services
from agreements.completeness import is_complete
from agreements.models import Agreement
from vision.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def arao(reference_data):
    return Agreement.objects.get(partner__lg_code="432041")


def test_copy_makes_a_draft_with_articles_and_role_table_for_the_new_partner(arao):
    nankan = Municipality.objects.get(name="南関町")
    draft = services.copy_agreement(arao, nankan)
    assert draft.status == Agreement.Status.DRAFT
    assert draft.partner == nankan
    assert draft.signed_on is None and draft.partner_signatory == ""
    assert draft.title == "熊本市及び南関町における連携中枢都市圏の形成に係る連携協約"
    assert draft.roles.count() == 26
    assert list(draft.roles.values_list("policy_area__code", flat=True)) == list(
        arao.roles.values_list("policy_area__code", flat=True)
    )
    assert draft.articles.get(number=5).body.startswith("熊本市長及び南関町長は")
    # the source is untouched
    assert arao.articles.get(number=5).body.startswith("熊本市長及び荒尾市長は")


def test_copy_refuses_a_partner_that_already_has_an_agreement(arao):
    with pytest.raises(ValidationError):
        services.copy_agreement(arao, arao.partner)


def test_amendment_keeps_the_earlier_version_and_shows_what_changed(arao):
    draft = services.start_amendment(arao)
    assert (draft.version, draft.previous_version, draft.status) == (2, arao, Agreement.Status.DRAFT)
    tourism = draft.roles.get(policy_area__name="観光の振興")
    tourism.partner_role = "甲と連携して国内外からの観光客の誘致に取り組む。"
    tourism.save()
    draft.roles.get(policy_area__name="機関等の共同設置").delete()

    changes = {(c.section, c.key, c.kind) for c in services.compare_versions(arao, draft)}
    assert changes == {("roles", "3-1-10", "changed"), ("roles", "3-3-2", "removed")}
    tourism_change = next(c for c in services.compare_versions(arao, draft) if c.key == "3-1-10")
    assert ("insert", "国内外からの") in tourism_change.segments

    for status in ("resolved", "signed"):
        if status == "signed":
            draft.signed_on = datetime.date(2026, 3, 27)
        services.change_status(draft, status)
    services.change_status(draft, "in_force", on_date=datetime.date(2026, 4, 1))
    arao.refresh_from_db()
    assert arao.status == Agreement.Status.AMENDED
    assert arao.ended_on == datetime.date(2026, 4, 1)
    assert Agreement.objects.in_force().get(partner=arao.partner).version == 2
    assert arao.roles.count() == 26  # the signed version keeps its text


def test_status_cannot_skip_the_procedure(arao):
    draft = services.start_amendment(arao)
    with pytest.raises(ValidationError) as error:
        services.change_status(draft, "in_force")
    assert "には変更できません" in error.value.messages[0]


def test_reference_agreement_meets_the_scheme_requirements(arao):
    from agreements.completeness import check_agreement

    items = check_agreement(services.outline_of(Agreement.objects.with_contents().get(pk=arao.pk)))
    assert is_complete(items)


def test_agreement_without_pillar_3_group_3_is_flagged(arao):
    arao.roles.filter(policy_area__group__number=3, policy_area__pillar__number=3).delete()
    from agreements.completeness import check_agreement

    items = {i.key: i for i in check_agreement(services.outline_of(Agreement.objects.with_contents().get(pk=arao.pk)))}
    assert not items["pillar3_group_3"].passed
    assert items["pillar3_group_1"].passed
