"""The activities section of the quarterly PDF report (activities/report_sections.py), on the
small case of tests/reports/flow_case.py."""

import pytest

from reports import document, services
from reports.models import QuarterlySnapshot
from reports.periods import Quarter
from tests.reports.flow_case import build_case
from tests.reports.flow_pdf import report_text

Q2_2024 = Quarter(2024, 2)


@pytest.fixture
def case(tree, make_user):
    case = build_case(tree, make_user)
    for quarter in (Quarter(2023, 2), Quarter(2024, 1), Q2_2024):
        services.snapshots_take_all(quarter=quarter)
    return case


def test_the_report_prints_the_quarters_activities_against_earlier_quarters(tree, case, tmp_path):
    text = report_text(tree.tpq, Q2_2024, tmp_path)
    assert "工会活动" in text
    # 2024Q2: the walk (open) and the training (2 check-ins); 2024Q1: the run; 2023Q2: none
    assert "活动场次 2 1 +1 0 +2" in text
    assert "参与人次 122 30 +92 0 +122" in text
    # distinct people: unknown with open events counted, so no change can be told
    assert "参与人数 — — — 0 —" in text
    assert "签到人数 2 0 +2 0 +2" in text
    assert "活动经费（元） 800.50 0.00 +800.50 0.00 +800.50" in text
    # per category, with the person-times of the earlier quarters
    assert "文体活动 1 120 — 30 0" in text
    assert "培训讲座 1 2 2 0 0" in text
    # in the categories' order, whatever order the snapshot's JSON comes back in
    assert text.index("文体活动 1 120") < text.index("培训讲座 1 2 2")
    assert "招聘会" not in text.split("按活动类别")[1].split("下级工会组织")[0]
    definitions = text[text.rindex("指标说明") :]
    assert "跨季度的活动计入开始日期所在季度" in definitions


def test_the_district_report_lists_each_childs_activities(tree, case, tmp_path):
    text = report_text(tree.district, Q2_2024, tmp_path)
    # the district counts 东高地's job fair
    assert "活动场次 3 1 +2 0 +3" in text
    assert "招聘岗位数 50 0 +50 0 +50" in text
    # one line per street, from the streets' snapshots
    section = text[text.index("工会活动") :]
    assert "东高地街道总工会" in section
    assert "太平桥街道总工会" in section


def test_a_snapshot_taken_before_these_figures_counts_them_and_says_so(tree, case, tmp_path):
    snapshot = QuarterlySnapshot.objects.get(federation=tree.tpq, quarter=str(Q2_2024))
    snapshot.figures.pop("activities")
    snapshot.save()
    data = document.report_data(federation=tree.tpq, quarter=Q2_2024, generated_at=None)
    assert "本季度快照生成时尚未冻结活动指标" in document.render_html(data)
    # the quarter's figures are counted from the records; 2024Q1's snapshot still has its own
    assert "活动场次 2 1 +1 0 +2" in report_text(tree.tpq, Q2_2024, tmp_path)
