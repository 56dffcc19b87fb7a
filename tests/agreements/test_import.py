"""Role tables (別表) in and out through the admin's bulk import, as staff would use it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import Agreement, RoleAssignment
from agreements.resources import RoleAssignmentResource
from vision.models import Municipality
from vision.tabular import import_table

pytestmark = pytest.mark.django_db

HEADER = "partner_lg_code,version,policy_area,order,initiative,central_role,partner_role"


@pytest.fixture
def draft():
    arao = Agreement.objects.get(partner__lg_code="432041")
    return services.copy_agreement(arao, Municipality.objects.get(name="南関町"))  # 433675, version 1, draft


def test_role_table_of_a_draft_is_imported_from_a_cp932_csv(admin_client, draft):
    csv = "\r\n".join(
        [
            HEADER,
            "433675,1,3-1-10,16,南関町の観光資源を活用する。,乙と連携して観光振興事業を実施する。,甲と連携して取り組む。",
        ]
    ).encode("cp932")
    page = admin_client.post(
        "/admin/agreements/roleassignment/import/", {"file": SimpleUploadedFile("roles.csv", csv, "text/csv")}
    )
    assert page.status_code == 200
    token = page.context["token"]
    assert token and page.context["outcome"].totals["update"] == 1
    assert RoleAssignment.objects.get(agreement=draft, policy_area__code="3-1-10").initiative.startswith("圏域の")
    done = admin_client.post("/admin/agreements/roleassignment/import/confirm/", {"token": token})
    assert done.status_code == 302
    assert (
        RoleAssignment.objects.get(agreement=draft, policy_area__code="3-1-10").initiative
        == "南関町の観光資源を活用する。"
    )


def test_a_signed_agreements_table_is_refused_with_its_row_and_column(admin_client):
    csv = "\r\n".join([HEADER, "432041,1,3-1-10,16,書き換え,甲,乙"]).encode("utf-8-sig")
    outcome = import_table(RoleAssignmentResource, csv, "roles.csv", dry_run=False)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "partner_lg_code")]
    assert "締結済み" in outcome.errors[0].message
    assert (
        RoleAssignment.objects.get(agreement__partner__lg_code="432041", policy_area__code="3-1-10").initiative
        != "書き換え"
    )


def test_export_then_import_changes_nothing(draft):
    exported = RoleAssignmentResource().export(queryset=RoleAssignment.objects.filter(agreement=draft)).csv
    outcome = import_table(RoleAssignmentResource, exported.encode("utf-8-sig"), "roles.csv", dry_run=True)
    assert outcome.ok and outcome.totals["skip"] == 26


def test_indicator_import_by_code(admin_client):
    csv = (
        "code,plan,name,unit,decimals,direction,is_cumulative,cumulative_since,source,notes,department,"
        "actual_due_month,actual_due_day\r\n"
        "S2-G1-P4-K1,kumamoto-strategy-2,観光消費額,億円,0,higher,0,,出典,※推計,,8,31\r\n"
    ).encode("cp932")
    page = admin_client.post("/admin/kpi/indicator/import/", {"file": SimpleUploadedFile("i.csv", csv, "text/csv")})
    assert page.context["outcome"].ok, page.context["outcome"].errors
    admin_client.post("/admin/kpi/indicator/import/confirm/", {"token": page.context["token"]})
    from kpi.models import Indicator

    indicator = Indicator.objects.get(code="S2-G1-P4-K1")
    assert (indicator.notes, indicator.actual_due_month, indicator.actual_due_day) == ("※推計", 8, 31)


def test_observation_import_through_the_admin_lists_errors_and_writes_nothing(admin_client):
    csv = "indicator_id,fiscal_year,kind,value\r\nS2-G1-N1,2020,actual,2600\r\nS2-G1-N1,2021,actual,２６x\r\n"
    page = admin_client.post(
        "/admin/kpi/observation/import/", {"file": SimpleUploadedFile("o.csv", csv.encode("cp932"), "text/csv")}
    )
    body = page.content.decode()
    assert page.context["token"] is None
    assert "何も取り込んでいません" in body and "<td>3</td><td>value</td>" in body


def test_a_partner_with_agreements_in_two_areas_needs_the_area_column(draft):
    from tests.vision.factories import MetroAreaFactory

    other_area = MetroAreaFactory(slug="other-area", name="別の都市圏")
    other = Agreement.objects.create(
        area=other_area,
        central_city=Municipality.objects.get(lg_code="432041"),
        partner=draft.partner,
        version=1,
        title="別の圏域の連携協約",
        status=Agreement.Status.DRAFT,
    )
    row = "433675,1,3-1-10,16,観光を振興する。,乙と連携する。,甲と連携する。"
    outcome = import_table(RoleAssignmentResource, f"{HEADER}\r\n{row}\r\n".encode(), "roles.csv", dry_run=False)
    assert [e.row for e in outcome.errors] == [2]  # found while looking the row up, so no column of its own
    message = outcome.errors[0].message
    assert "433675" in message and "複数の圏域" in message and "area 列" in message

    csv = f"area,{HEADER}\r\nother-area,{row}\r\n".encode()
    outcome = import_table(RoleAssignmentResource, csv, "roles.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    assert other.roles.get().initiative == "観光を振興する。"
    assert not draft.roles.filter(initiative="観光を振興する。").exists()
