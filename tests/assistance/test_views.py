"""The hardship pages: who sees them, scoping of files, documents and exports, the approval
flow in the browser, and the query counts of the lists."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistance import services
from assistance.models import EvidenceDocument, Grant, HardshipFile
from audit.models import AuditEvent
from federations.models import Role
from tests.assistance.factories import draft_grant, make_member, open_file
from tests.factories import grant as grant_role

D = datetime.date
PDF = b"%PDF-1.4\n% test evidence\n"


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


@pytest.fixture
def dgd_file(dgd_member):
    return open_file(dgd_member)


@pytest.fixture
def dgd_grant(dgd_member):
    return draft_grant(dgd_member, "winter_warmth")


@pytest.fixture
def dgd_document(dgd_file, private_root):
    return services.evidence_add(
        actor=None,
        hardship_file=dgd_file,
        upload=SimpleUploadedFile("低保证.pdf", PDF, content_type="application/pdf"),
    )


# Every page with an object of 东高地: (method, url, data).
URLS = [
    ("get", "/assistance/files/{f}/", {}),
    ("get", "/assistance/files/{f}/edit/", {}),
    ("post", "/assistance/files/{f}/edit/", {"category": "other"}),
    ("get", "/assistance/files/{f}/review/", {}),
    ("post", "/assistance/files/{f}/review/", {"on": "2025-06-01"}),
    ("get", "/assistance/files/{f}/lift-out/", {}),
    ("post", "/assistance/files/{f}/lift-out/", {"on": "2025-06-01", "reason": "越权"}),
    ("post", "/assistance/files/{f}/documents/", {}),
    ("get", "/assistance/files/{f}/model-worker/", {}),
    ("get", "/assistance/documents/{d}/download/", {}),
    ("get", "/assistance/grants/{g}/", {}),
    ("get", "/assistance/grants/{g}/edit/", {}),
    ("post", "/assistance/grants/{g}/edit/", {"amount": "1", "goods_value": "0"}),
    ("post", "/assistance/grants/{g}/approve/", {}),
    ("post", "/assistance/grants/{g}/reject/", {"reason": "越权"}),
    ("post", "/assistance/grants/{g}/pay/", {"paid_on": "2025-02-01"}),
    ("get", "/assistance/files/?federation=DGD", {}),
    ("get", "/assistance/files/export.xlsx?federation=DGD", {}),
    ("get", "/assistance/grants/?federation=DGD", {}),
    ("get", "/assistance/grants/export.xlsx?federation=DGD", {}),
]


def _unchanged(hardship_file, grant):
    hardship_file.refresh_from_db()
    grant.refresh_from_db()
    return (
        hardship_file.is_active
        and hardship_file.category == "subsistence"
        and grant.status == Grant.Status.DRAFT
        and not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    )


@pytest.mark.parametrize(("method", "url", "data"), URLS)
@pytest.mark.parametrize("username", ["tpq_staff", "tpq_chair"])
def test_sibling_staff_and_chairs_get_404_and_no_data(
    people, client, dgd_file, dgd_grant, dgd_document, method, url, data, username
):
    client.force_login(getattr(people, username))
    path = url.format(f=dgd_file.pk, g=dgd_grant.pk, d=dgd_document.pk)
    response = getattr(client, method)(path, data)
    assert response.status_code == 404
    assert "李东高" not in response.content.decode()
    assert _unchanged(dgd_file, dgd_grant)


@pytest.mark.parametrize("username", ["office", "dgd_viewer"])
def test_other_roles_in_scope_see_no_hardship_data(
    people, client, tree, make_user, dgd_file, dgd_grant, username
):
    # the district office and an administrator see members, but not hardship files
    users = {"office": people.office, "dgd_viewer": make_user(tree.dgd, Role.ADMIN)}
    client.force_login(users[username])
    for path in (
        "/assistance/files/",
        f"/assistance/files/{dgd_file.pk}/",
        f"/assistance/grants/{dgd_grant.pk}/",
        "/assistance/grants/export.xlsx",
    ):
        assert client.get(path).status_code == 404, path
    home = client.get("/").content.decode()
    assert "困难帮扶" not in home
    # the office's entry leads to the programmes and budgets it manages
    assert ("/assistance/programs/" in home) == (username == "office")


def test_staff_and_chairs_in_scope_see_files_with_masked_id_numbers(people, client, dgd_file):
    for user in (people.dgd_staff, people.dgd_chair, people.district_chair):
        client.force_login(user)
        listing = client.get("/assistance/files/").content.decode()
        assert "李东高" in listing
        assert dgd_file.member.masked_id_number in listing
        assert dgd_file.member.id_number not in listing
        detail = client.get(dgd_file.get_absolute_url()).content.decode()
        assert dgd_file.member.id_number not in detail
        assert "800.00" in detail  # per-capita income: 2,400 for 3 people


def test_a_chair_sees_no_write_buttons_and_gets_404_for_write_pages(people, client, dgd_file):
    client.force_login(people.dgd_chair)
    html = client.get(dgd_file.get_absolute_url()).content.decode()
    assert 'data-testid="review"' not in html
    assert client.get(f"/assistance/files/{dgd_file.pk}/edit/").status_code == 404
    assert client.get("/assistance/files/new/").status_code == 404


def test_staff_open_a_file_from_the_members_id_number(people, client, dgd_member):
    client.force_login(people.dgd_staff)
    response = client.post(
        "/assistance/files/new/",
        {
            "id_number": dgd_member.id_number.lower(),
            "opened_on": "2025-02-01",
            "category": "near_subsistence",
            "main_cause": "disability",
            "secondary_causes": ["low_income", "housing"],
            "household_size": "4",
            "household_monthly_income": "3000",
        },
    )
    hardship_file = HardshipFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == hardship_file.get_absolute_url()
    assert hardship_file.secondary_causes == ["low_income", "housing"]
    assert hardship_file.per_capita_income == Decimal("750.00")
    # a member of 太平桥 cannot be found from 东高地
    client.force_login(people.tpq_staff)
    response = client.post("/assistance/files/new/", {"id_number": dgd_member.id_number})
    assert "在您有权编辑的范围内没有这个身份证号的会员" in response.content.decode()


def test_the_form_names_the_broken_rule(people, client, dgd_member):
    client.force_login(people.dgd_staff)
    response = client.post(
        "/assistance/grants/new/",
        {
            "id_number": dgd_member.id_number,
            "program": str(services.AidProgram.objects.get(code="study_aid").pk),
            "paying_federation": str(dgd_member.current_enterprise.jurisdiction.pk),
            "amount": "3000",
            "goods_value": "0",
            "granted_on": "2025-09-01",
            "student_name": "小东",
            "school": "北京大学",
            "study_level": "bachelor",
            "admission_year": "2025",
        },
    )
    assert response.status_code == 200
    assert "不符合建档要求" in response.content.decode()
    assert not Grant.objects.exists()


def test_draft_approve_and_pay_in_the_browser(people, client, dgd_member):
    client.force_login(people.dgd_staff)
    response = client.post(
        "/assistance/grants/new/",
        {
            "id_number": dgd_member.id_number,
            "program": str(services.AidProgram.objects.get(code="winter_warmth").pk),
            "paying_federation": str(dgd_member.current_enterprise.jurisdiction.pk),
            "amount": "600",
            "goods_value": "200",
            "granted_on": "2025-01-20",
        },
    )
    grant = Grant.objects.get()
    assert response.status_code == 302
    # the drafter sees no approve button, and the URL answers 404 (staff cannot approve)
    assert 'data-testid="approve"' not in client.get(grant.get_absolute_url()).content.decode()
    assert client.post(f"/assistance/grants/{grant.pk}/approve/").status_code == 404
    client.force_login(people.dgd_chair)
    assert 'data-testid="approve"' in client.get(grant.get_absolute_url()).content.decode()
    assert client.post(f"/assistance/grants/{grant.pk}/approve/").status_code == 302
    assert (
        client.post(f"/assistance/grants/{grant.pk}/pay/", {"paid_on": "2025-01-25"}).status_code
        == 302
    )
    grant.refresh_from_db()
    assert (grant.status, grant.paid_on) == (Grant.Status.PAID, D(2025, 1, 25))


def test_self_approval_in_the_browser_shows_why(people, client, tree, dgd_member):
    user = people.dgd_staff
    grant_role(user, tree.dgd, Role.CHAIR)
    grant = draft_grant(dgd_member, "winter_warmth", actor=user)
    client.force_login(user)
    page = client.get(grant.get_absolute_url()).content.decode()
    assert "须由其他有审批权的人审批" in page
    response = client.post(f"/assistance/grants/{grant.pk}/approve/")
    assert response.status_code == 400
    assert "不能审批本人经办的记录" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == Grant.Status.DRAFT


def test_a_rejection_without_a_reason_is_a_form_error(people, client, dgd_grant):
    client.force_login(people.dgd_chair)
    response = client.post(f"/assistance/grants/{dgd_grant.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    dgd_grant.refresh_from_db()
    assert dgd_grant.status == Grant.Status.DRAFT


# --- evidence -----------------------------------------------------------------------------------


def test_evidence_is_stored_privately_and_each_download_is_logged(
    people, client, dgd_file, private_root, settings
):
    client.force_login(people.dgd_staff)
    upload = SimpleUploadedFile("病历.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/assistance/files/{dgd_file.pk}/documents/", {"file": upload, "description": "住院"}
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    # stored under PRIVATE_ROOT, under a random name, with no URL
    path = private_root / "assistance" / document.file.name
    assert path.read_bytes() == PDF
    assert "病历" not in document.file.name
    with pytest.raises(ValueError, match="no URL"):
        document.file.url  # noqa: B018
    # a chair in scope downloads it; the download is logged with who
    client.force_login(people.dgd_chair)
    response = client.get(f"/assistance/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.file_name, event.federation) == (
        people.dgd_chair,
        "病历.pdf",
        dgd_file.federation,
    )


def test_a_renamed_file_and_a_disallowed_type_are_refused(people, client, dgd_file, private_root):
    client.force_login(people.dgd_staff)
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(f"/assistance/files/{dgd_file.pk}/documents/", {"file": fake})
    assert response.status_code == 400
    assert "文件内容与扩展名" in response.content.decode()
    script = SimpleUploadedFile("x.exe", b"MZ")
    response = client.post(f"/assistance/files/{dgd_file.pk}/documents/", {"file": script})
    assert "只能上传 PDF" in response.content.decode()
    assert not EvidenceDocument.objects.exists()


# --- exports ------------------------------------------------------------------------------------


def test_exports_are_scoped_masked_and_logged(people, client, dgd_file, dgd_grant, tpq_member):
    import io

    import openpyxl

    open_file(tpq_member)
    client.force_login(people.dgd_staff)
    for url, label in (
        ("/assistance/files/export.xlsx", "困难职工档案"),
        ("/assistance/grants/export.xlsx", "帮扶发放"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        text = " ".join(cells)
        assert dgd_file.member.masked_id_number in text
        assert dgd_file.member.id_number not in text
        assert "张困难" not in text  # 太平桥's file is outside the scope
        event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("pk")
        assert (event.actor, event.row_count) == (people.dgd_staff, 1)
        assert label in event.summary


# --- home page ----------------------------------------------------------------------------------


def test_the_staff_home_page_flags_files_not_reviewed_for_a_year(people, client, dgd_member):
    old = open_file(dgd_member, opened_on=D(2020, 1, 1))
    client.force_login(people.dgd_staff)
    html = client.get("/").content.decode()
    assert 'data-testid="hardship-review-due"' in html
    assert "1 份困难职工档案超过12个月未复核" in html
    assert old.get_absolute_url() in html
    # staff elsewhere are not told about it
    client.force_login(people.tpq_staff)
    assert 'data-testid="hardship-review-due"' not in client.get("/").content.decode()
    # once reviewed, the flag is gone
    services.hardship_file_review(actor=None, hardship_file=old, on=services.today())
    client.force_login(people.dgd_staff)
    assert 'data-testid="hardship-review-due"' not in client.get("/").content.decode()


# --- query counts -------------------------------------------------------------------------------


def _many(enterprise, count, *, files=True):
    for n in range(count):
        member = make_member(enterprise, name=f"会员{n}")
        if files:
            open_file(member)
        draft_grant(member, "winter_warmth")


@pytest.mark.parametrize("url", ["/assistance/files/", "/assistance/grants/"])
def test_list_pages_do_not_query_per_row(
    people, client, dgd_enterprise, url, django_assert_num_queries
):
    # given a page's worth of rows and more (a second page)
    client.force_login(people.dgd_staff)
    _many(dgd_enterprise, 60)
    client.get(url)  # warm the session
    # then the first page, the second and a filtered one each cost the same few queries
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert response.content.decode().count('-row"') == 50
    with CaptureQueriesContext(connection) as second:
        response = client.get(url + "?page=2")
    assert response.content.decode().count('-row"') == 10
    assert len(first) <= 8, [q["sql"] for q in first]
    with django_assert_num_queries(len(second)):
        client.get(url + "?page=2&federation=DGD")
    # and more rows do not add queries
    _many(dgd_enterprise, 5)
    with django_assert_num_queries(len(second)):
        client.get(url + "?page=2")


def test_the_import_page_offers_grants_to_staff_only(people, client):
    client.force_login(people.dgd_staff)
    assert client.get("/imports/grants/").status_code == 200
    template = client.get("/imports/grants/template.xlsx")
    assert template.status_code == 200
    client.force_login(people.dgd_chair)
    assert client.get("/imports/grants/").status_code == 404


def test_staff_correct_a_draft_and_the_rules_apply_again(people, client, dgd_grant):
    client.force_login(people.dgd_staff)
    url = f"/assistance/grants/{dgd_grant.pk}/edit/"
    data = {"amount": "2500", "goods_value": "0", "granted_on": "2025-01-20"}
    response = client.post(url, data)
    assert "超过单次金额上限" in response.content.decode()
    data["amount"] = "900"
    assert client.post(url, data).status_code == 302
    dgd_grant.refresh_from_db()
    assert dgd_grant.amount == Decimal("900.00")
    # a chair may not edit, and an approved grant is no longer a draft
    client.force_login(people.dgd_chair)
    assert client.get(url).status_code == 404
    services.grant_approve(actor=people.dgd_chair, grant=dgd_grant)
    client.force_login(people.dgd_staff)
    assert client.get(url).status_code == 404


def test_the_file_page_costs_the_same_however_many_grants_and_documents(
    people, client, dgd_file, private_root, django_assert_num_queries
):
    client.force_login(people.dgd_staff)
    client.get(dgd_file.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(dgd_file.get_absolute_url())
    member = dgd_file.member
    for code in ("winter_warmth", "summer_cooling", "emergency", "serious_illness"):
        draft_grant(member, code)
    for n in range(3):
        services.evidence_add(
            actor=None,
            hardship_file=dgd_file,
            upload=SimpleUploadedFile(f"证明{n}.pdf", PDF),
        )
    with django_assert_num_queries(len(few)):
        response = client.get(dgd_file.get_absolute_url())
    assert all(f"证明{n}.pdf" in response.content.decode() for n in range(3))


def test_the_members_page_links_their_file_for_staff_and_chairs_only(
    people, client, dgd_file, dgd_member
):
    # given a member of 东高地 with an active hardship file
    url = dgd_member.get_absolute_url()
    # then 东高地's staff see it on the member's page, with a link to the file
    client.force_login(people.dgd_staff)
    response = client.get(url)
    assert response.status_code == 200
    section = response.content.decode()
    assert 'data-testid="member-hardship"' in section
    assert dgd_file.get_absolute_url() in section
    assert "在档" in section
    # and the district office, who may see the member but no hardship record, see nothing of it
    client.force_login(people.office)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="member-hardship"' not in response.content.decode()
    assert dgd_file.get_absolute_url() not in response.content.decode()
