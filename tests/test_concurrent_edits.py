"""Two staff members editing the same row: the one who saves second from an older page is told, not obeyed.

Series values, indicators and agreements had this since the first round; these are the rows committee staff and
agreement staff edit side by side: a policy's evaluation (on its own page and inline on its review's page), the
review itself, and an agreement's role row on its own page.
"""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from committee.models import Evaluation
from tests.agreements.factories import AgreementFactory, RoleAssignmentFactory
from tests.committee.factories import EvaluationFactory, ReviewFactory
from tests.security.forms import form_data

pytestmark = pytest.mark.django_db

STALE = "この画面を開いた後に"


@pytest.fixture
def open_review(db):
    # The reference review (FY2019) is closed, and a closed review cannot change at all: an open one with two
    # evaluations.
    review = ReviewFactory(fiscal_year=2024)
    EvaluationFactory.create_batch(2, review=review)
    return review


def _stale_then_fresh(client, url, form_id, change):
    """Read the form twice, save `change(fresh)` first, then `change(stale)`; returns the second response."""
    stale = form_data(client.get(url).content.decode(), form_id)
    fresh = form_data(client.get(url).content.decode(), form_id)
    change(fresh, "先に保存した内容")
    first = client.post(url, fresh)
    assert first.status_code == 302, first.content.decode()[:2000]
    change(stale, "古い画面から保存した内容")
    return client.post(url, stale)


def test_a_stale_evaluation_page_is_refused_and_the_first_save_kept(admin_client, open_review):
    evaluation = open_review.evaluations.order_by("pk").first()
    url = reverse("admin:committee_evaluation_change", args=[evaluation.pk])

    def change(data, text):
        data["committee_opinion"] = text

    response = _stale_then_fresh(admin_client, url, "evaluation_form", change)
    assert response.status_code == 200 and STALE in response.content.decode()
    assert "古い画面から保存した内容" in response.content.decode()  # what the user typed is kept on the page
    evaluation.refresh_from_db()
    assert evaluation.committee_opinion == "先に保存した内容"


def test_an_evaluation_saved_on_its_page_is_not_overwritten_by_an_older_review_page(admin_client, open_review):
    evaluation = open_review.evaluations.order_by("pk").first()
    review_url = reverse("admin:committee_review_change", args=[open_review.pk])
    stale = form_data(admin_client.get(review_url).content.decode(), "review_form")
    prefix = next(
        key.rsplit("-", 1)[0] for key, value in stale.items() if key.endswith("-id") and value == str(evaluation.pk)
    )

    own_url = reverse("admin:committee_evaluation_change", args=[evaluation.pk])
    fresh = form_data(admin_client.get(own_url).content.decode(), "evaluation_form")
    fresh["committee_opinion"] = "評価の画面で保存した意見"
    assert admin_client.post(own_url, fresh).status_code == 302

    stale[f"{prefix}-committee_opinion"] = "古い検証の画面から保存した意見"
    response = admin_client.post(review_url, stale)
    assert response.status_code == 200 and STALE in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.committee_opinion == "評価の画面で保存した意見"


def test_an_evaluation_saved_inline_moves_its_version_so_an_older_evaluation_page_is_refused(admin_client, open_review):
    evaluation = open_review.evaluations.order_by("pk").first()
    own_url = reverse("admin:committee_evaluation_change", args=[evaluation.pk])
    stale = form_data(admin_client.get(own_url).content.decode(), "evaluation_form")

    review_url = reverse("admin:committee_review_change", args=[open_review.pk])
    data = form_data(admin_client.get(review_url).content.decode(), "review_form")
    prefix = next(
        key.rsplit("-", 1)[0] for key, value in data.items() if key.endswith("-id") and value == str(evaluation.pk)
    )
    data[f"{prefix}-committee_opinion"] = "検証の画面で保存した意見"
    assert admin_client.post(review_url, data).status_code == 302

    stale["committee_opinion"] = "古い評価の画面から保存した意見"
    response = admin_client.post(own_url, stale)
    assert response.status_code == 200 and STALE in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.committee_opinion == "検証の画面で保存した意見"


def test_a_stale_review_page_is_refused(admin_client, open_review):
    url = reverse("admin:committee_review_change", args=[open_review.pk])

    def change(data, text):
        data["note"] = text

    response = _stale_then_fresh(admin_client, url, "review_form", change)
    assert response.status_code == 200 and STALE in response.content.decode()
    open_review.refresh_from_db()
    assert open_review.note == "先に保存した内容"


def test_a_stale_role_row_page_is_refused(admin_client, db):
    # A draft agreement's role row (a signed agreement's rows change only by amendment).
    role = RoleAssignmentFactory(agreement=AgreementFactory(status=Agreement.Status.DRAFT))
    url = reverse("admin:agreements_roleassignment_change", args=[role.pk])

    def change(data, text):
        data["initiative"] = text

    response = _stale_then_fresh(admin_client, url, "roleassignment_form", change)
    assert response.status_code == 200 and STALE in response.content.decode()
    role.refresh_from_db()
    assert role.initiative == "先に保存した内容"


def test_a_fresh_page_saves_twice_in_a_row(admin_client, open_review):
    evaluation = open_review.evaluations.order_by("pk").first()
    url = reverse("admin:committee_evaluation_change", args=[evaluation.pk])
    for text in ("一回目", "二回目"):
        data = form_data(admin_client.get(url).content.decode(), "evaluation_form")
        data["committee_opinion"] = text
        assert admin_client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.committee_opinion == "二回目"
    assert Evaluation.objects.get(pk=evaluation.pk).lock_version == 3  # 1 when created, +1 per save
