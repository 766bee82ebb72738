"""The hardship-aid and activity figures in the `indicators` command, its JSON, the JSON endpoint
and the quarterly snapshots, on the small case of tests/reports/flow_case.py."""

import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command

from federations.models import Role
from reports import flows, services
from reports.periods import Quarter
from tests.reports.flow_case import build_case

Q2_2024 = Quarter(2024, 2)
HALF_YEAR = "date_from=2024-01-01&amp;date_to=2024-06-30"


@pytest.fixture
def case(tree, make_user):
    return build_case(tree, make_user)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_json_of_a_quarter_has_the_quarters_hardship_aid_and_activities(tree, case):
    # when the figures of 太平桥 for 2024Q2 are asked for as JSON
    output = run("indicators", "TPQ", "--quarter", "2024Q2", "--format", "json")
    data = json.loads(output)
    # then the flows are those of the quarter, the active files those of its last day
    assert data["period"] == {"first_day": "2024-04-01", "last_day": "2024-06-30"}
    aid = data["hardship_aid"]
    assert aid["hardship_files_active"] == 2
    assert aid["hardship_files_opened"] == 1
    assert aid["grants_count"] == 2  # not 李's grant of February, nor the draft
    assert aid["study_aid_students"] == 1
    assert aid["mutual_aid_claims_paid"] == 1
    # money as decimal strings in yuan, never floats
    assert aid["grants_amount"] == "3500.00"
    assert aid["grants_goods_value"] == "200.50"
    assert aid["mutual_aid_claims_paid_amount"] == "2500.40"
    assert '"grants_amount": "3500.00"' in output
    assert aid["grants_by_program"]["winter_warmth"] == {
        "label": "两节送温暖",
        "count": 1,
        "amount": "500.00",
        "goods_value": "200.50",
    }
    assert aid["budget_by_program"]["winter_warmth"] == {
        "label": "两节送温暖",
        "budget": "10000.00",
        "used": "700.50",
        "remaining": "9299.50",
    }
    # no budget set: null, not zero
    assert aid["budget_by_program"]["study_aid"]["budget"] is None
    assert aid["budget_by_program"]["study_aid"]["remaining"] is None
    activities = data["activities"]
    assert activities["activities_count"] == 2
    assert activities["activity_person_times"] == 122
    assert activities["activity_distinct_people"] is None  # an open event counts
    assert activities["activity_checked_in_people"] == 2
    assert activities["activity_cost"] == "800.50"
    assert activities["by_category"]["training"]["distinct_people"] == 2
    assert activities["by_category"]["culture_sports"]["distinct_people"] is None


def test_with_a_date_the_flows_are_those_of_the_year_up_to_it(tree, case):
    data = json.loads(run("indicators", "FT", "--on", "2024-06-30", "--format", "json"))
    assert data["period"] == {"first_day": "2024-01-01", "last_day": "2024-06-30"}
    # 李's February grant counts in the year; the district counts 东高地's job fair too
    assert data["hardship_aid"]["grants_count"] == 3
    assert data["hardship_aid"]["grants_amount"] == "4400.00"
    assert data["activities"]["activities_count"] == 4
    assert data["activities"]["job_fair_positions"] == 50
    assert data["activities"]["job_fair_intents"] == 12


def test_the_table_prints_money_in_yuan_and_unknowns_as_a_dash(tree, case):
    text = run("indicators", "TPQ", "--quarter", "2024Q2")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "困难职工帮扶 2024-04-01 至 2024-06-30" in lines
    assert "发放现金（元） 3,500.00" in lines
    assert "互助保障赔付金额（元） 2,500.40" in lines
    # per programme: count, cash, goods, the year's budget, used and remaining
    assert "两节送温暖 1 500.00 200.50 10,000.00 700.50 9,299.50" in lines
    assert "金秋助学 1 3,000.00 0.00 — 3,000.00 —" in lines
    assert "参与人次 122" in lines
    assert "参与人数 —" in lines
    assert "活动经费（元） 800.50" in lines
    assert "培训讲座 1 2 2" in lines
    assert "文体活动 1 120 —" in lines


def test_the_json_endpoint_has_the_same_figures(tree, case, make_user, login):
    client = login(make_user(tree.district, Role.OFFICE))
    # (the coverage JSON names where the flows are)
    flows_url = client.get("/reports/api/indicators/TPQ/").json()["flows"]
    assert flows_url == "/reports/api/indicators/TPQ/flows/"
    data = client.get(f"{flows_url}?quarter=2024Q2").json()
    assert data["code"] == "TPQ"
    assert data["period"] == {"first_day": "2024-04-01", "last_day": "2024-06-30"}
    assert data["hardship_aid"]["grants_amount"] == "3500.00"
    assert data["hardship_aid"]["budget_by_program"]["winter_warmth"]["used"] == "700.50"
    assert data["activities"]["activity_person_times"] == 122
    assert data["activities"]["activity_distinct_people"] is None
    # with a date: the year up to it
    data = client.get(f"{flows_url}?on=2024-06-30").json()
    assert data["period"]["first_day"] == "2024-01-01"
    assert data["hardship_aid"]["grants_count"] == 3


def test_a_snapshot_freezes_the_quarters_figures(tree, case):
    # when 太平桥's 2024Q2 snapshot is taken
    snapshot = services.snapshot_take(federation=tree.tpq, quarter=Q2_2024)
    snapshot.refresh_from_db()
    # then it holds the quarter's hardship-aid and activity figures, money as decimal strings
    aid = snapshot.figures["hardship_aid"]
    assert aid["grants_count"] == 2
    assert aid["grants_amount"] == "3500.00"
    assert aid["grants_by_program"]["study_aid"]["amount"] == "3000.00"
    assert aid["budget_by_program"]["winter_warmth"]["remaining"] == "9299.50"
    assert snapshot.figures["activities"]["activity_person_times"] == 122
    assert snapshot.figures["activities"]["activity_distinct_people"] is None


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_hardship_aid_and_activities_linking_to_their_lists(tree, case, login):
    # given the chair of 太平桥, who may see its hardship records
    client = login(case.chair)
    # when they open 太平桥's dashboard on 30 June 2024
    html = flows_html(client, "TPQ", "2024-06-30")
    # then the hardship-aid figures of the year so far show (李's February grant included)
    assert "2024年1月1日至2024年6月30日" in html
    grants = "/assistance/grants/?federation=TPQ&amp;status=paid&amp;year=2024"
    assert f'data-testid="hardship-grants_count"><a href="{grants}">3</a>' in html
    assert 'data-testid="hardship-grants_amount">4,400.00<' in html
    assert 'data-testid="hardship-mutual_aid_claims_paid_amount">2,500.40<' in html
    files = "/assistance/files/?federation=TPQ&amp;status=active"
    assert f'data-testid="hardship-hardship_files_active"><a href="{files}">2</a>' in html
    # per programme, with the year's budget, what is used and what remains
    row = re.search(r'data-testid="programme-winter_warmth">(.*?)</tr>', html, re.S)[1]
    assert f'<a href="{grants}&amp;program=winter_warmth">1</a>' in row
    assert cells(row) == ["两节送温暖", "1", "500.00", "200.50", "10,000.00", "700.50", "9,299.50"]
    row = re.search(r'data-testid="programme-emergency">(.*?)</tr>', html, re.S)[1]
    assert cells(row) == ["应急救助", "1", "900.00", "0.00", "—", "900.00", "—"]
    # and the activities held so far, per category, linking to the activities they count
    held = "/activities/?federation=TPQ&amp;status=held&amp;" + HALF_YEAR
    assert f'data-testid="activity-activities_count"><a href="{held}">3</a>' in html
    assert 'data-testid="activity-activity_person_times">152<' in html
    assert 'data-testid="activity-activity_distinct_people">—<' in html
    assert 'data-testid="activity-activity_cost">800.50<' in html
    row = re.search(r'data-testid="category-culture_sports">(.*?)</tr>', html, re.S)[1]
    assert f'<a href="{held}&amp;category=culture_sports">2</a>' in row
    assert cells(row) == ["文体活动", "2", "150", "—"]
    row = re.search(r'data-testid="category-training">(.*?)</tr>', html, re.S)[1]
    assert cells(row) == ["培训讲座", "1", "2", "2"]
    assert 'data-testid="category-job_fair"' not in html  # 东高地's, not 太平桥's
    # and the links open the lists
    assert client.get(unescape(grants)).status_code == 200
    assert client.get(unescape(held)).status_code == 200


def test_the_office_sees_the_aggregates_but_no_links_to_hardship_records(
    tree, case, make_user, login
):
    # given the district office, which sees dashboards but not hardship records
    client = login(make_user(tree.district, Role.OFFICE, username="office"))
    html = flows_html(client, "FT", "2024-06-30")
    # then the district's hardship-aid figures show, unlinked
    assert 'data-testid="hardship-grants_count">3<' in html
    assert 'data-testid="hardship-hardship_files_active">2<' in html
    row = re.search(r'data-testid="programme-winter_warmth">(.*?)</tr>', html, re.S)[1]
    assert "<a " not in row
    assert 'href="/assistance/files/?' not in html
    assert 'href="/assistance/grants/?' not in html
    # (the lists themselves are closed to the office)
    assert client.get("/assistance/grants/?federation=FT").status_code == 404
    # while the activities still link to their list: 东高地's job fair counts in the district
    held = "/activities/?federation=FT&amp;status=held&amp;" + HALF_YEAR
    assert f'data-testid="activity-activities_count"><a href="{held}">4</a>' in html
    assert 'data-testid="activity-job_fair_positions">50<' in html


def test_without_activities_the_dashboard_says_so(tree, make_user, login):
    client = login(make_user(tree.wz, Role.CHAIR))
    html = flows_html(client, "WZ", "2024-06-30")
    assert "这一期间没有已举办的活动。" in html
    assert 'data-testid="hardship-grants_amount">0.00<' in html
    assert 'data-testid="hardship-hardship_files_active"><a href="/assistance/files/' in html


def flows_html(client, code, on) -> str:
    """The dashboard's hardship-aid and activity sections, as the dashboard page loads them:
    the URL its placeholder names, requested the way htmx requests it."""
    page = client.get(f"/reports/dashboard/{code}/?on={on}").content.decode()
    url = unescape(re.search(r'hx-get="([^"]+)" hx-trigger="load"', page)[1])
    assert url == f"/reports/dashboard/{code}/flows/?on={on}"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the sections alone, for the dashboard to swap in
    return html


def test_the_sections_open_on_a_page_of_their_own_without_htmx(tree, case, login):
    client = login(case.chair)
    response = client.get("/reports/dashboard/TPQ/flows/?on=2024-06-30")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "困难职工帮扶" in html
    assert 'data-testid="hardship-grants_amount">4,400.00<' in html


def test_the_sections_of_another_street_are_a_404(tree, case, make_user, login):
    client = login(make_user(tree.wz, Role.CHAIR))
    assert client.get("/reports/dashboard/TPQ/flows/?on=2024-06-30").status_code == 404
    assert client.get("/reports/api/indicators/TPQ/flows/").status_code == 404


def cells(row_html) -> list[str]:
    """The text of a table row's cells."""
    return [
        unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


@pytest.mark.parametrize(
    ("key", "now", "before", "shown"),
    [
        ("grants_amount", Decimal("100.00"), Decimal("1250.50"), "-1,150.50"),
        ("grants_amount", Decimal("2500.40"), Decimal("0.00"), "+2,500.40"),
        ("grants_count", 1200, 3, "+1,197"),
        ("grants_count", 3, 5, "-2"),
        ("grants_count", 3, 3, "持平"),
        ("activity_distinct_people", None, 4, "—"),
        ("activity_cost", Decimal("1.00"), None, "—"),
    ],
)
def test_changes_print_signed_with_money_to_the_fen(key, now, before, shown):
    assert flows.change_text(key, now, before) == shown


def test_snapshot_json_turns_back_into_decimals():
    figures = {"grants_amount": Decimal("3500.00"), "grants_by_program": {"x": {"budget": None}}}
    stored = flows.as_json(figures)
    assert stored == {"grants_amount": "3500.00", "grants_by_program": {"x": {"budget": None}}}
    assert flows.thaw(stored) == figures
