"""The activity pages: scoping, the list and its filters, create / edit, the calendar, export,
registration, the check-in page, photos, programmes and the figures page."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities import services
from activities.models import Activity, ActivityPhoto, Participation, Programme
from audit.models import AuditEvent
from federations.models import Role
from tests.activities.factories import ActivityFactory
from tests.membership.factories import EnterpriseFactory, MemberFactory

D = datetime.date
Status = Activity.Status


def png_bytes(color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def dgd_activity(tree, people, private_root):
    """东高地's contest with registration, 王五 checked in, one photo; and a programme."""
    programme = services.programme_save(
        actor=None, federation=tree.dgd, name="东高地读书季", year=2026, quarters={2: ("春", 1)}
    )
    activity = ActivityFactory(
        federation=tree.dgd,
        title="东高地技能竞赛",
        registration=True,
        programme=programme,
    )
    services.participation_check_in(actor=None, activity=activity, number="DGD-001")
    services.photo_add(
        actor=None,
        activity=activity,
        file=SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
    )
    return activity


# Every page of the app, with {a} an activity, {p} its photo, {r} a participation, {g} its
# programme and {code} its federation: (method, url, data).
URLS = [
    ("get", "/activities/?federation={code}", {}),
    ("get", "/activities/calendar/?federation={code}", {}),
    ("get", "/activities/export.xlsx?federation={code}", {}),
    ("get", "/activities/figures/?federation={code}", {}),
    ("get", "/activities/{a}/", {}),
    ("get", "/activities/{a}/edit/", {}),
    ("post", "/activities/{a}/edit/", {"title": "被改名"}),
    ("post", "/activities/{a}/delete/", {}),
    ("post", "/activities/{a}/participants/", {"member": "{m}"}),
    ("post", "/activities/{a}/participants/{r}/remove/", {}),
    ("get", "/activities/{a}/check-in/", {}),
    ("post", "/activities/{a}/check-in/", {"number": "DGD-001"}),
    ("post", "/activities/{a}/photos/", {}),
    ("get", "/activities/{a}/photos/{p}/", {}),
    ("post", "/activities/{a}/photos/{p}/delete/", {}),
    ("get", "/activities/programmes/{g}/", {}),
    ("get", "/activities/programmes/{g}/edit/", {}),
    ("post", "/activities/programmes/{g}/edit/", {"name": "被改名"}),
]
WRITE_URLS = [
    (method, url, data)
    for method, url, data in URLS
    if method == "post" or url.endswith(("/edit/", "/check-in/"))
]


def url_for(template, activity, people):
    return template.format(
        a=activity.pk,
        p=activity.photos.get().pk,
        r=activity.participations.get().pk,
        g=activity.programme_id,
        m=people.wang.pk,
        code=activity.federation.code,
    )


def _unchanged(activity):
    activity.refresh_from_db()
    return (
        activity.title == "东高地技能竞赛"
        and activity.participations.count() == 1
        and ActivityPhoto.objects.filter(activity=activity).count() == 1
        and not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    )


@pytest.mark.parametrize(("method", "url", "data"), URLS)
def test_a_sibling_streets_staff_gets_404_and_nothing_changes(
    staff, people, dgd_activity, client, method, url, data
):
    # given staff of 太平桥 and an activity of 东高地, their sibling
    client.force_login(staff.tpq)
    data = {k: v.format(m=people.wang.pk) for k, v in data.items()}
    # when they open or post to any of its pages
    response = getattr(client, method)(url_for(url, dgd_activity, people), data)
    # then it does not exist for them, and nothing changed
    assert response.status_code == 404
    assert "东高地技能竞赛".encode() not in response.content
    assert _unchanged(dgd_activity)


@pytest.mark.parametrize(("method", "url", "data"), WRITE_URLS)
def test_a_chair_sees_but_cannot_change(
    make_user, tree, people, dgd_activity, client, method, url, data
):
    client.force_login(make_user(tree.dgd, Role.CHAIR))
    assert client.get(f"/activities/{dgd_activity.pk}/").status_code == 200
    data = {k: v.format(m=people.wang.pk) for k, v in data.items()}
    response = getattr(client, method)(url_for(url, dgd_activity, people), data)
    assert response.status_code == 404
    assert _unchanged(dgd_activity)


def test_a_user_without_a_role_gets_404_on_the_list(make_user, client, db):
    client.force_login(make_user())
    assert client.get("/activities/").status_code == 404


# --- list, filters, calendar, export ------------------------------------------------------------


def test_the_list_shows_the_scope_filtered_with_a_fixed_number_of_queries(
    tree, staff, client, django_assert_max_num_queries
):
    # given activities of 太平桥 of several kinds and 东高地's
    for day in range(1, 6):
        ActivityFactory(federation=tree.tpq, title=f"健步走{day}", starts_on=D(2026, 4, day))
    ActivityFactory(
        federation=tree.tpq,
        title="招聘会",
        category=Activity.Category.JOB_FAIR,
        starts_on=D(2026, 7, 1),
        job_fair={"positions": 5},
    )
    contest = ActivityFactory(federation=tree.tpq, title="竞赛", registration=True)
    member = MemberFactory(enterprise=EnterpriseFactory(jurisdiction=tree.tpq))
    services.participation_register(actor=None, activity=contest, member=member)
    ActivityFactory(federation=tree.dgd, title="东高地的活动")
    client.force_login(staff.tpq)
    # when the list is opened, then one page costs the same few queries however many rows
    with django_assert_max_num_queries(7):
        response = client.get("/activities/")
    text = response.content.decode()
    assert text.count('data-testid="activity-row"') == 7
    assert "东高地的活动" not in text
    # 5 walks and the job fair with 10 person-times each, the contest with no check-in yet
    assert "其中已举办 7 场，参与 60 人次。" in text
    # and the filters narrow it: a quarter, a category, a status
    text = client.get("/activities/?quarter=2026Q3").content.decode()
    assert text.count('data-testid="activity-row"') == 1
    text = client.get("/activities/?category=job_fair").content.decode()
    assert "招聘会" in text
    assert text.count('data-testid="activity-row"') == 1
    text = client.get("/activities/?date_from=2026-04-02&date_to=2026-04-03").content.decode()
    assert text.count('data-testid="activity-row"') == 2
    # a bad quarter is said, not a 500
    response = client.get("/activities/?quarter=2026Q5")
    assert response.status_code == 200
    assert "季度格式" in response.content.decode()


def test_the_district_filters_by_a_street_subtree(tree, staff, client):
    ActivityFactory(federation=tree.tpq_j1, title="联合工会的活动")
    ActivityFactory(federation=tree.dgd, title="东高地的活动")
    client.force_login(staff.district)
    text = client.get("/activities/?federation=TPQ").content.decode()
    assert "联合工会的活动" in text
    assert "东高地的活动" not in text


def test_the_calendar_shows_an_activity_on_each_of_its_days_with_month_links(
    tree, staff, client, django_assert_max_num_queries
):
    ActivityFactory(
        federation=tree.tpq, title="三天的比赛", starts_on=D(2026, 5, 30), ends_on=D(2026, 6, 1)
    )
    ActivityFactory(federation=tree.dgd, title="东高地的活动", starts_on=D(2026, 5, 30))
    client.force_login(staff.tpq)
    with django_assert_max_num_queries(6):
        response = client.get("/activities/calendar/?month=2026-05")
    text = response.content.decode()
    assert "2026年5月" in text
    assert text.count("三天的比赛</a>") == 2  # 30 and 31 May (a Sunday: the grid ends there)
    assert "东高地的活动" not in text
    assert "month=2026-04" in text
    assert "month=2026-06" in text
    june = client.get("/activities/calendar/?month=2026-06").content.decode()
    assert june.count("三天的比赛</a>") == 1  # 1 June, a Monday
    assert client.get("/activities/calendar/?month=garbage").status_code == 200


def test_the_export_holds_the_filtered_list_and_is_audited(tree, staff, client):
    ActivityFactory(federation=tree.tpq, title="健步走", person_times=500, cost="1200.5")
    ActivityFactory(federation=tree.tpq, title="读书会", category=Activity.Category.TRAINING)
    client.force_login(staff.tpq)
    response = client.get("/activities/export.xlsx?category=culture_sports")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("活动名称", "活动类别", "主办工会", "开始日期")
    assert [row[0] for row in rows[1:]] == ["健步走"]
    assert (rows[1][2], rows[1][6], rows[1][8]) == ("TPQ", 500, 1200.5)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, row_count=1).exists()


# --- create and edit ----------------------------------------------------------------------------


def test_staff_record_a_job_fair_in_the_browser(tree, staff, client):
    client.force_login(staff.tpq)
    assert client.get("/activities/new/").status_code == 200
    response = client.post(
        "/activities/new/",
        {
            "federation": tree.tpq.pk,
            "title": "春风行动招聘会",
            "category": "job_fair",
            "starts_on": "2026-03-05",
            "status": "held",
            "person_times": "1500",
            "enterprise_count": "27",
            "cost": "3500",
            "positions": "768",
            "intents": "316",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == f"/activities/{activity.pk}/"
    assert activity.ends_on == D(2026, 3, 5)
    page = client.get(response.url).content.decode()
    assert "768" in page
    assert "316" in page


def test_a_broken_rule_is_said_on_the_form_in_chinese(tree, staff, client):
    client.force_login(staff.tpq)
    response = client.post(
        "/activities/new/",
        {
            "federation": tree.tpq.pk,
            "title": "倒着的活动",
            "category": "other",
            "starts_on": "2026-05-03",
            "ends_on": "2026-05-01",
            "status": "held",
            "person_times": "10",
        },
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Activity.objects.exists()


def test_staff_cannot_choose_a_federation_outside_their_scope(tree, staff, client):
    client.force_login(staff.tpq)
    response = client.post(
        "/activities/new/",
        {
            "federation": tree.dgd.pk,
            "title": "越权",
            "category": "other",
            "starts_on": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_editing_an_activity_keeps_its_job_fair_figures(tree, staff, client):
    activity = ActivityFactory(
        federation=tree.tpq,
        title="招聘会",
        category=Activity.Category.JOB_FAIR,
        job_fair={"positions": 10, "intents": 3},
    )
    client.force_login(staff.tpq)
    form = client.get(f"/activities/{activity.pk}/edit/").content.decode()
    assert 'name="positions" value="10"' in form
    response = client.post(
        f"/activities/{activity.pk}/edit/",
        {
            "federation": tree.tpq.pk,
            "title": "春风行动招聘会",
            "category": "job_fair",
            "starts_on": "2026-05-01",
            "status": "held",
            "person_times": "10",
            "positions": "12",
            "intents": "3",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.job_fair.positions) == ("春风行动招聘会", 12)


# --- registration and check-in ------------------------------------------------------------------


@pytest.fixture
def contest(tree):
    return ActivityFactory(
        federation=tree.tpq, title="太平桥竞赛", registration=True, status=Status.PLANNED
    )


def test_staff_find_a_member_in_scope_and_register_them(staff, people, contest, client):
    client.force_login(staff.tpq)
    page = client.get(f"/activities/{contest.pk}/?q=张").content.decode()
    assert "张三" in page
    assert people.zhang.id_number not in page  # masked
    outside = client.get(f"/activities/{contest.pk}/?q=王五").content.decode()
    assert "没有找到可报名的会员" in outside
    response = client.post(f"/activities/{contest.pk}/participants/", {"member": people.zhang.pk})
    assert response.status_code == 302
    assert Participation.objects.get().member == people.zhang
    # 王五 of 东高地 is not a member 太平桥's staff can see: 404
    response = client.post(f"/activities/{contest.pk}/participants/", {"member": people.wang.pk})
    assert response.status_code == 404


def test_the_check_in_page_answers_each_number(staff, people, contest, client):
    client.force_login(staff.tpq)
    page = client.get(f"/activities/{contest.pk}/check-in/").content.decode()
    assert 'name="viewport"' in page
    assert 'name="number"' in page
    url = f"/activities/{contest.pk}/check-in/"
    first = client.post(url, {"number": people.zhang.id_number}).content.decode()
    assert "签到成功：张三" in first
    assert "已签到 1 人" in first
    again = client.post(url, {"number": "TPQ-001"}).content.decode()
    assert "无需重复签到" in again
    unknown = client.post(url, {"number": "123"}).content.decode()
    assert "未找到" in unknown
    outside = client.post(url, {"number": people.wang.id_number}).content.decode()
    assert "未找到" in outside
    assert "王五" not in outside
    empty = client.post(url, {"number": ""})
    assert empty.status_code == 200
    assert "请输入或扫描" in empty.content.decode()
    assert Participation.objects.count() == 1


def test_the_check_in_page_says_why_a_future_activity_cannot_check_in(tree, staff, client):
    future = ActivityFactory(
        federation=tree.tpq, registration=True, status=Status.PLANNED, starts_on=D(2099, 1, 1)
    )
    client.force_login(staff.tpq)
    response = client.post(f"/activities/{future.pk}/check-in/", {"number": "TPQ-001"})
    assert response.status_code == 200
    assert "尚未开始" in response.content.decode()


def test_the_detail_page_lists_participants_in_a_fixed_number_of_queries(
    staff, people, contest, client, django_assert_max_num_queries
):
    for member in (people.zhang, people.li):
        services.participation_check_in(actor=None, activity=contest, number=member.id_number)
    client.force_login(staff.tpq)
    with django_assert_max_num_queries(7):
        page = client.get(f"/activities/{contest.pk}/").content.decode()
    assert page.count('data-testid="participant-row"') == 2
    assert "签到 2 / 共 2 人" in page


# --- photos -------------------------------------------------------------------------------------


def test_a_photo_is_stored_privately_and_streamed_to_those_in_scope(
    tree, staff, client, private_root
):
    activity = ActivityFactory(federation=tree.tpq)
    client.force_login(staff.tpq)
    upload = io.BytesIO(png_bytes())
    upload.name = "现场.png"
    response = client.post(
        f"/activities/{activity.pk}/photos/", {"file": upload, "caption": "合影"}
    )
    assert response.status_code == 302
    photo = ActivityPhoto.objects.get()
    assert (private_root / photo.file.name).is_file()
    assert "现场" not in photo.file.name
    streamed = client.get(f"/activities/{activity.pk}/photos/{photo.pk}/")
    assert streamed["Content-Type"] == "image/png"
    assert b"".join(streamed.streaming_content) == png_bytes()
    # a file that is not an image is refused with a message
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "x.png"
    response = client.post(f"/activities/{activity.pk}/photos/", {"file": fake}, follow=True)
    assert "只能上传 JPEG、PNG 或 WebP" in response.content.decode()
    assert ActivityPhoto.objects.count() == 1


def test_a_photo_whose_write_fails_leaves_no_file_behind(tree, staff, private_root, monkeypatch):
    # given the audit log refuses the event (the last write of an upload)
    activity = ActivityFactory(federation=tree.tpq)

    def refuse(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", refuse)
    upload = SimpleUploadedFile("x.png", png_bytes(), content_type="image/png")
    with pytest.raises(RuntimeError):
        services.photo_add(actor=staff.tpq, activity=activity, file=upload)
    # then neither the row nor the stored file remains
    assert not ActivityPhoto.objects.exists()
    assert not [path for path in private_root.rglob("*") if path.is_file()]


def test_an_open_events_page_reads_no_participants(
    tree, staff, client, django_assert_max_num_queries
):
    walk = ActivityFactory(federation=tree.tpq, title="健步走", person_times=500)
    client.force_login(staff.tpq)
    with django_assert_max_num_queries(6):
        page = client.get(f"/activities/{walk.pk}/").content.decode()
    assert "开放式活动" in page
    assert 'data-testid="participants"' not in page


# --- programmes and figures ---------------------------------------------------------------------


def test_the_programme_page_shows_planned_against_held(
    tree, staff, client, django_assert_max_num_queries
):
    client.force_login(staff.district)
    response = client.post(
        "/activities/programmes/new/",
        {
            "federation": tree.district.pk,
            "name": "健康四季行",
            "year": "2026",
            "q1_theme": "春乐",
            "q1_planned": "2",
            "q2_theme": "夏游",
            "q2_planned": "1",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    ActivityFactory(federation=tree.tpq, programme=programme, starts_on=D(2026, 2, 1))
    ActivityFactory(
        federation=tree.dgd, programme=programme, starts_on=D(2026, 3, 1), status=Status.CANCELLED
    )
    ActivityFactory(federation=tree.tpq, programme=programme, starts_on=D(2026, 5, 1))
    with django_assert_max_num_queries(8):
        page = client.get(response.url).content.decode()
    assert "春乐" in page
    assert "完成 1 / 2" in page
    assert page.count('data-testid="activity-row"') == 3
    assert '<td class="text-end" data-testid="held-total">2</td>' in page


def test_the_figures_page_shows_the_indicators(tree, staff, people, client):
    ActivityFactory(federation=tree.tpq, starts_on=D(2026, 5, 1), person_times=500)
    contest = ActivityFactory(federation=tree.tpq, registration=True, starts_on=D(2026, 5, 2))
    services.participation_check_in(actor=None, activity=contest, number="TPQ-001")
    client.force_login(staff.tpq)
    page = client.get("/activities/figures/?quarter=2026Q2").content.decode()
    assert '<td class="text-end" data-key="activities_count">2</td>' in page
    assert '<td class="text-end" data-key="activity_person_times">501</td>' in page
    assert "—" in page  # distinct people unknown with an open event
