"""Every public page type of the partnership section, opened in headless Chromium at phone and desktop width."""

import datetime

import pytest

from agreements.models import Agreement
from agreements.services import start_amendment
from tests.browser.conftest import assert_no_axe_violations, assert_no_horizontal_scroll, save_screenshot

PAGES = {
    "area": "/ja/areas/kumamoto/",
    "area-list": "/ja/areas/",
    "municipality": "/ja/areas/kumamoto/municipalities/432041/",
    "agreement": "/ja/areas/kumamoto/agreements/{arao}/",
    "compare": "/ja/areas/kumamoto/agreements/{amendment}/compare/?from=1&to=2",
    "matrix": "/ja/areas/kumamoto/matrix/",
    "policy-area": "/ja/areas/kumamoto/policy-areas/3-1-10/",
}


@pytest.fixture
def page_paths(live_reference_data):
    arao = Agreement.objects.get(partner__lg_code="432041")
    amendment = start_amendment(arao)
    role = amendment.roles.get(policy_area__code="3-1-10")
    role.partner_role = "甲と連携して国内外からの観光客の誘致に取り組む。"
    role.save()
    # Only signed agreements are public: the amendment is signed before its comparison is opened.
    Agreement.objects.filter(pk=amendment.pk).update(
        status=Agreement.Status.SIGNED, signed_on=datetime.date(2025, 4, 1)
    )
    return {name: path.format(arao=arao.pk, amendment=amendment.pk) for name, path in PAGES.items()}


@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_type_renders_reads_and_passes_axe(open_page, page_paths, width):
    for name, path in page_paths.items():
        page = open_page(path, width=width)
        assert page.locator("h1").count() == 1, name
        assert page.locator("html").get_attribute("lang") == "ja"
        if width == 375:
            assert_no_horizontal_scroll(page)
        save_screenshot(page, f"partnership-{name}-{width}")
        assert_no_axe_violations(page)


def test_agreement_page_lays_out_the_three_schedules(open_page, page_paths):
    page = open_page(page_paths["agreement"])
    assert page.locator("h2", has_text="別表第1").count() == 1
    assert (
        page.locator("#schedule-3 ~ .table-wrap tbody tr").count() == 20
        or page.locator("tr[id^=role-3-]").count() == 20
    )
    assert page.locator(".checklist .check-pass").count() == 9


def test_matrix_cell_leads_to_the_role_text(open_page, page_paths):
    page = open_page(page_paths["matrix"])
    page.locator("a[href$='#role-3-1-10']").click()
    page.wait_for_load_state()
    assert "/agreements/" in page.url
    assert page.locator("#role-3-1-10").inner_text().startswith("(10) 観光の振興")


def test_language_switch_keeps_the_page(open_page, page_paths):
    page = open_page(page_paths["municipality"])
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/areas/kumamoto/municipalities/432041/")
    assert page.locator("html").get_attribute("lang") == "en"
    save_screenshot(page, "partnership-municipality-en-375")
    page.get_by_role("link", name="日本語").click()
    page.wait_for_load_state()
    assert page.url.endswith("/ja/areas/kumamoto/municipalities/432041/")


def test_compare_page_marks_the_inserted_text(open_page, page_paths):
    page = open_page(page_paths["compare"], width=375)
    assert page.locator("ins.diff-insert", has_text="国内外からの").count() == 1
