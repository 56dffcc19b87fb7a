"""The admin refuses bad input with a clear Japanese message and keeps what the user typed."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from vision.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model, reference_data):
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-for-tests-only")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


def municipality_form(**overrides):
    data = {
        "lg_code": "432059",
        "name": "架空市",
        "kana": "カクウシ",
        "name_en": "",
        "kind": "市",
        "population": "",
        "population_census_year": "",
        "population_source": "",
        "memberships-TOTAL_FORMS": "0",  # the area memberships inline, none added
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_invalid_municipality_code_is_refused_with_a_japanese_message(staff_client):
    response = staff_client.post(reverse("admin:vision_municipality_add"), municipality_form(lg_code="432058"))
    assert response.status_code == 200
    assert "検査数字が正しくありません" in response.content.decode()
    assert 'value="架空市"' in response.content.decode()  # what the user typed is kept
    assert not Municipality.objects.filter(name="架空市").exists()


def test_valid_municipality_code_is_accepted(staff_client):
    # 菊池市 is 432105; 43205 + check digit 9 is a well-formed code not in the reference data.
    response = staff_client.post(reverse("admin:vision_municipality_add"), municipality_form(lg_code="432059"))
    assert response.status_code == 302
    assert Municipality.objects.filter(lg_code="432059").exists()


def agreement_form(agreement, **overrides):
    data = {
        "area": agreement.area_id,
        "central_city": agreement.central_city_id,
        "partner": agreement.partner_id,
        "title": agreement.title,
        "status": agreement.status,
        "change_summary": "",
        "legal_basis": agreement.legal_basis,
        "preamble": agreement.preamble,
        "closing": agreement.closing,
        "central_council_resolved_on": "",
        "partner_council_resolved_on": "",
        "signed_on": "",
        "notified_on": "",
        "ended_on": "",
        "central_address": "",
        "central_signatory": "",
        "partner_address": "",
        "partner_signatory": "",
        "source": "",
        "notes": "",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_agreement_whose_party_a_is_not_the_central_city_is_refused(staff_client):
    arao = Agreement.objects.get(partner__lg_code="432041")
    uto = Municipality.objects.get(name="宇土市")
    nankan = Municipality.objects.get(name="南関町")
    data = agreement_form(arao, central_city=uto.pk, partner=nankan.pk, status="draft", title="宇土市と南関町")
    response = staff_client.post(reverse("admin:agreements_agreement_add"), data)
    assert response.status_code == 200
    assert "甲には連携中枢都市を指定してください（宇土市 は連携中枢都市ではありません）。" in response.content.decode()
    assert not Agreement.objects.filter(title="宇土市と南関町").exists()


def test_same_policy_area_twice_in_one_agreement_is_refused_in_the_admin(staff_client):
    arao = Agreement.objects.get(partner__lg_code="432041")
    nankan = Municipality.objects.get(name="南関町")
    role = {"initiative": "取組", "central_role": "甲", "partner_role": "乙"}
    tourism = arao.roles.get(policy_area__name="観光の振興").policy_area_id
    data = agreement_form(
        arao,
        partner=nankan.pk,
        status="draft",
        title="熊本市及び南関町における連携協約",
        **{
            "roles-TOTAL_FORMS": "2",
            "roles-0-order": "1",
            "roles-0-policy_area": tourism,
            "roles-1-order": "2",
            "roles-1-policy_area": tourism,
            **{f"roles-{i}-{k}": v for i in (0, 1) for k, v in role.items()},
        },
    )
    response = staff_client.post(reverse("admin:agreements_agreement_add"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "政策分野" in body and "重複" in body
    assert not Agreement.objects.filter(partner=nankan).exists()


def test_status_cannot_jump_in_the_admin(staff_client):
    arao = Agreement.objects.get(partner__lg_code="432041")
    response = staff_client.post(
        reverse("admin:agreements_agreement_change", args=[arao.pk]),
        agreement_form(arao, status="draft", signed_on="2025-03-27"),
    )
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode() or "には変更できません" in response.content.decode()
    arao.refresh_from_db()
    assert arao.status == Agreement.Status.IN_FORCE


def test_copy_action_asks_for_a_partner_then_creates_the_draft(staff_client):
    arao = Agreement.objects.get(partner__lg_code="432041")
    changelist = reverse("admin:agreements_agreement_changelist")
    form_page = staff_client.post(changelist, {"action": "copy_to_new_partner", "_selected_action": [arao.pk]})
    assert form_page.status_code == 200
    content = form_page.content.decode()
    assert "南関町" in content and "荒尾市</option>" not in content

    nagasu = Municipality.objects.get(name="長洲町")
    response = staff_client.post(
        changelist,
        {"action": "copy_to_new_partner", "_selected_action": [arao.pk], "apply": "1", "partner": nagasu.pk},
    )
    draft = Agreement.objects.get(partner=nagasu)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:agreements_agreement_change", args=[draft.pk])
    assert draft.status == Agreement.Status.DRAFT
    assert draft.roles.count() == 26


def test_admin_lists_and_filters_render(staff_client, django_assert_max_num_queries):
    for name in (
        "admin:agreements_agreement_changelist",
        "admin:vision_municipality_changelist",
        "admin:agreements_policyarea_changelist",
    ):
        with django_assert_max_num_queries(20):
            assert staff_client.get(reverse(name)).status_code == 200
    arao = Agreement.objects.get(partner__lg_code="432041")
    response = staff_client.get(reverse("admin:agreements_agreement_change", args=[arao.pk]))
    assert response.status_code == 200
    assert "観光の振興" in response.content.decode()
    response = staff_client.get(reverse("admin:agreements_agreement_changelist"), {"q": "観光"})
    assert "荒尾市" in response.content.decode()


def test_change_form_lists_the_versions_of_the_pair(staff_client):
    from agreements.services import start_amendment

    arao = Agreement.objects.get(partner__lg_code="432041")
    draft = start_amendment(arao)
    body = staff_client.get(reverse("admin:agreements_agreement_change", args=[draft.pk])).content.decode()
    assert "第1版" in body and "第2版" in body
    # a draft is staff-only, so the admin does not link to a public comparison that would answer 404
    assert "前の版との違い" not in body
