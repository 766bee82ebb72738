import pytest
from django.utils import timezone

from audit.models import AuditEvent
from federations.models import Federation, Role
from reports import services
from reports.models import ReportRun
from reports.periods import Quarter
from tests.factories import FederationFactory

Q2_2024 = Quarter(2024, 2)
PAGE = "/reports/quarterly/?quarter=2024Q2"
Status = ReportRun.Status


# reports are written under a temporary PRIVATE_ROOT (tests/reports/conftest.py)
pytestmark = pytest.mark.usefixtures("private_root")


@pytest.fixture
def office(tree, make_user):
    return make_user(tree.district, Role.OFFICE, username="ft_office")


def built(federation):
    [item] = services.report_runs_request(federations=[federation], quarter=Q2_2024)
    return services.report_build(run_id=item.run.pk)


def test_the_office_sees_every_federation_but_joint_unions_with_its_status(
    tree, coverage, office, login
):
    # given 太平桥's report built and 东高地's failed
    built(tree.tpq)
    [item] = services.report_runs_request(federations=[tree.dgd], quarter=Q2_2024)
    ReportRun.objects.filter(pk=item.run.pk).update(status=Status.FAILED, error="生成失败：测试")
    # when the district office opens the reports page for 2024Q2
    response = login(office).get(PAGE)
    html = response.content.decode()
    # then it lists the district, its streets and its town, not the joint unions
    assert response.status_code == 200
    for code in ("FT", "TPQ", "DGD", "WZ"):
        assert f'data-code="{code}"' in html
    assert 'data-code="TPQ-J1"' not in html
    # with the status of each, the reason of a failure, and the download of a built one
    assert "已完成" in html
    assert 'data-testid="error-DGD">生成失败：测试</span>' in html
    assert 'href="/reports/quarterly/2024Q2/TPQ/report.pdf"' in html
    assert "/reports/quarterly/2024Q2/DGD/report.pdf" not in html
    # and the buttons: build all, and build now / rebuild per federation
    assert 'data-testid="build-all"' in html
    assert 'data-testid="build-FT">立即生成' in html
    assert 'data-testid="build-TPQ">重新生成' in html
    # nothing is pending: the rows do not poll
    assert "hx-trigger" not in html


def test_pending_rows_poll_and_the_partial_updates_in_place(tree, office, login):
    services.report_runs_request(federations=[tree.tpq], quarter=Q2_2024)
    client = login(office)
    html = client.get(PAGE).content.decode()
    assert 'hx-trigger="every 3s"' in html
    assert "排队中" in html
    # the htmx request gets the rows only
    ReportRun.objects.update(status=Status.RUNNING)
    partial = client.get(PAGE, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<tbody id="report-rows"')
    assert "生成中" in partial
    assert "<html" not in partial


def test_a_street_chair_sees_only_their_own_report_and_no_buttons(tree, coverage, make_user, login):
    built(tree.tpq)
    built(tree.dgd)
    client = login(make_user(tree.tpq, Role.CHAIR))
    html = client.get(PAGE).content.decode()
    assert 'data-code="TPQ"' in html
    assert 'data-code="DGD"' not in html
    assert 'data-code="FT"' not in html
    assert "build-" not in html  # chairs see, the office builds
    # and may download their own
    response = client.get("/reports/quarterly/2024Q2/TPQ/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_downloads_are_scoped_a_sibling_gets_404(tree, coverage, make_user, login):
    # given 东高地's report built
    built(tree.dgd)
    # when the 太平桥 office or chair asks for it
    for role in (Role.OFFICE, Role.CHAIR):
        client = login(make_user(tree.tpq, role))
        response = client.get("/reports/quarterly/2024Q2/DGD/report.pdf")
        # then it does not exist for them
        assert response.status_code == 404
    # nor for staff of 东高地 itself (no dashboards, no reports)
    staff = login(make_user(tree.dgd, Role.STAFF))
    assert staff.get("/reports/quarterly/2024Q2/DGD/report.pdf").status_code == 404
    assert staff.get(PAGE).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_download_is_an_attachment_and_is_audited(tree, coverage, office, login):
    built(tree.district)
    response = login(office).get("/reports/quarterly/2024Q2/FT/report.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "2024Q2" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == office
    assert event.file_name == "丰台区总工会-2024Q2-季度报告.pdf"


def test_no_file_yet_unknown_quarter_and_bad_urls_are_404(tree, office, login):
    client = login(office)
    services.report_runs_request(federations=[tree.tpq], quarter=Q2_2024)
    assert client.get("/reports/quarterly/2024Q2/TPQ/report.pdf").status_code == 404
    assert client.get("/reports/quarterly/2024Q3/TPQ/report.pdf").status_code == 404
    assert client.get("/reports/quarterly/2024q2/TPQ/report.pdf").status_code == 404
    assert client.get("/reports/quarterly/nonsense/TPQ/report.pdf").status_code == 404
    assert client.get("/reports/quarterly/2024Q2/NOPE/report.pdf").status_code == 404
    future = Quarter.containing(timezone.localdate())
    assert client.post(f"/reports/quarterly/{future}/TPQ/build/").status_code == 404


def test_the_file_of_a_run_never_leaves_private_root(tree, coverage, office, login):
    run = built(tree.tpq)
    ReportRun.objects.filter(pk=run.pk).update(file="../../etc/passwd")
    assert login(office).get("/reports/quarterly/2024Q2/TPQ/report.pdf").status_code == 404


def test_build_now_queues_one_report_and_says_so(tree, coverage, office, login):
    # given the district office (tasks run in-process in the tests)
    client = login(office)
    # when they build 太平桥's report
    response = client.post("/reports/quarterly/2024Q2/TPQ/build/", follow=True)
    # then they are back on the page, told it started, and the report is there
    assert response.redirect_chain == [(PAGE, 302)]
    html = response.content.decode()
    assert "已开始生成 太平桥街道总工会 2024年第二季度 的报告。" in html
    run = ReportRun.objects.get()
    assert run.status == Status.DONE
    assert run.requested_by == office
    assert 'href="/reports/quarterly/2024Q2/TPQ/report.pdf"' in html


def test_build_all_queues_every_report_in_the_users_scope(tree, coverage, make_user, login):
    client = login(make_user(tree.tpq, Role.OFFICE))
    response = client.post("/reports/quarterly/2024Q2/build/", follow=True)
    assert "已开始生成 太平桥街道总工会" in response.content.decode()
    assert list(ReportRun.objects.values_list("federation__code", flat=True)) == ["TPQ"]


def test_building_outside_the_scope_or_without_the_permission_is_404(
    tree, coverage, make_user, login
):
    sibling = login(make_user(tree.dgd, Role.OFFICE))
    assert sibling.post("/reports/quarterly/2024Q2/TPQ/build/").status_code == 404
    chair = login(make_user(tree.district, Role.CHAIR))
    assert chair.post("/reports/quarterly/2024Q2/TPQ/build/").status_code == 404
    assert chair.post("/reports/quarterly/2024Q2/build/").status_code == 404
    assert chair.get("/reports/quarterly/2024Q2/TPQ/build/").status_code == 405
    assert not ReportRun.objects.exists()


def test_a_joint_union_cannot_be_built(tree, office, login):
    response = login(office).post("/reports/quarterly/2024Q2/TPQ-J1/build/", follow=True)
    assert response.status_code == 200
    assert "没有单独的季度报告" in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.timeout(20)
def test_when_redis_is_down_the_page_serves_and_the_button_says_the_queue_is_unavailable(
    tree, coverage, office, login, unreachable_broker
):
    # given 太平桥's report built before Redis went down
    built(tree.tpq)
    client = login(office)
    # the page still serves
    assert client.get(PAGE).status_code == 200
    # when the office rebuilds it, and builds them all
    for url in ("/reports/quarterly/2024Q2/TPQ/build/", "/reports/quarterly/2024Q2/build/"):
        response = client.post(url, follow=True)
        # then they are told in Chinese that the queue is unavailable, not a 500
        assert response.status_code == 200
        html = response.content.decode()
        assert "任务队列暂时不可用，请稍后再试。" in html
        assert "已开始生成" not in html
    # and the runs are as they were: 太平桥 done, nothing queued that no worker will take
    assert list(ReportRun.objects.values_list("federation__code", "status")) == [
        ("TPQ", Status.DONE)
    ]
    # and the download still works
    assert client.get("/reports/quarterly/2024Q2/TPQ/report.pdf").status_code == 200


def test_a_wrong_quarter_on_the_page_says_so_and_shows_the_last_one(tree, office, login):
    html = login(office).get("/reports/quarterly/?quarter=2024Q9").content.decode()
    assert "季度格式应为" in html
    assert str(Quarter.just_ended(timezone.localdate())) in html


def test_the_reports_page_is_in_the_navigation_for_dashboard_users(tree, office, login):
    assert 'href="/reports/quarterly/"' in login(office).get("/").content.decode()


def test_the_page_needs_a_constant_number_of_queries(
    tree, make_user, login, django_assert_max_num_queries
):
    # given ten more streets, each with a joint union, and every report requested
    for n in range(10):
        street = FederationFactory(code=f"S{n:02d}", name=f"第{n}街道总工会", parent=tree.district)
        FederationFactory(
            code=f"S{n:02d}-J", name=f"第{n}社区联合工会", kind=Federation.Kind.JOINT, parent=street
        )
    federations = list(Federation.objects.exclude(kind=Federation.Kind.JOINT))
    services.report_runs_request(federations=federations, quarter=Q2_2024)
    client = login(make_user(tree.district, Role.OFFICE))
    client.get(PAGE)
    # when the office opens the page, it takes a few queries, whatever the number of rows (one
    # of them the overview of the last four quarters)
    with django_assert_max_num_queries(7):
        response = client.get(PAGE)
    assert response.content.decode().count("data-code=") == len(federations) == 14


def test_the_overview_shows_each_federation_across_the_last_four_quarters(
    tree, coverage, office, make_user, login
):
    from reports.forms import ReportQuarterForm

    # given 太平桥's report of the quarter just ended built, and 东高地's of the one before failed
    last, before = ReportQuarterForm.recent()[:2]
    [item] = services.report_runs_request(federations=[tree.tpq], quarter=last)
    services.report_build(run_id=item.run.pk)
    [item] = services.report_runs_request(federations=[tree.dgd], quarter=before)
    ReportRun.objects.filter(pk=item.run.pk).update(status=Status.FAILED, error="生成失败：测试")
    # when the office opens the reports page
    html = login(office).get("/reports/quarterly/").content.decode()
    overview = html[html.index('data-testid="overview"') :]
    # then the overview has a column per quarter, linking to that quarter's page
    assert f'<a href="?quarter={last}">{last}</a>' in overview
    assert f'<a href="?quarter={before}">{before}</a>' in overview
    # and a cell per federation and quarter: done (with the download), failed, or not yet
    cell = cell_of(overview, f"TPQ-{last}")
    assert f'href="/reports/quarterly/{last}/TPQ/report.pdf"' in cell
    assert "已完成" in cell
    cell = cell_of(overview, f"DGD-{before}")
    assert "失败" in cell
    assert 'title="生成失败：测试"' in cell
    assert "—" in cell_of(overview, f"WZ-{last}")
    # while 太平桥's chair sees only their own federation's row
    chair = make_user(tree.tpq, Role.CHAIR, username="tpq_chair_overview")
    html = login(chair).get("/reports/quarterly/").content.decode()
    overview = html[html.index('data-testid="overview"') :]
    assert f'data-testid="overview-TPQ-{last}"' in overview
    assert "overview-DGD-" not in overview
    assert "overview-FT-" not in overview


def cell_of(html, key):
    start = html.index(f'data-testid="overview-{key}"')
    return html[start : html.index("</td>", start)]
