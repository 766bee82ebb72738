"""The hardship-aid section of the quarterly PDF report (assistance/report_sections.py), on the
small case of tests/reports/flow_case.py."""

from decimal import Decimal

import pytest

from assistance import services as aid_services
from reports import document, services
from reports.models import QuarterlySnapshot
from reports.periods import Quarter
from tests.assistance.factories import draft_grant
from tests.reports.flow_case import D, build_case
from tests.reports.flow_pdf import report_text

Q2_2024 = Quarter(2024, 2)


@pytest.fixture
def case(tree, make_user):
    case = build_case(tree, make_user)
    # 太平桥 (and its joint union) have the snapshots of the quarter, the one before and a year
    # earlier
    for quarter in (Quarter(2023, 2), Quarter(2024, 1), Q2_2024):
        services.snapshots_take_all(quarter=quarter, federation=tree.tpq)
    return case


def test_the_report_prints_the_quarters_figures_against_earlier_quarters(tree, case, tmp_path):
    text = report_text(tree.tpq, Q2_2024, tmp_path)
    # then the section prints, with the change against 2024Q1 and 2023Q2
    assert "困难职工帮扶" in text
    assert "在档困难职工 2 1 +1 1 +1" in text
    assert "新建档 1 0 +1 1 持平" in text
    assert "帮扶发放（人次） 2 1 +1 0 +2" in text
    assert "发放现金（元） 3,500.00 900.00 +2,600.00 0.00 +3,500.00" in text
    assert "发放物资折价（元） 200.50 0.00 +200.50 0.00 +200.50" in text
    assert "金秋助学学生 1 0 +1 0 +1" in text
    assert "互助保障赔付金额（元） 2,500.40 0.00 +2,500.40 0.00 +2,500.40" in text
    # per programme: the quarter's grants, and the year's budget used by its end
    assert "两节送温暖 1 500.00 200.50" in text
    assert "金秋助学 1 3,000.00 0.00" in text
    assert "合计 2 3,500.00 200.50" in text
    # in the programmes' order, whatever order the snapshot's JSON comes back in
    assert text.index("两节送温暖 1 500.00") < text.index("金秋助学 1 3,000.00")
    assert text.index("夏季送清凉 0 0.00") < text.index("金秋助学 1 3,000.00")
    assert "两节送温暖 10,000.00 700.50 9,299.50 7.0%" in text
    assert "应急救助 — 900.00 — —" in text
    # the joint union below 太平桥 has its line from its own snapshot
    assert "太平桥社区联合工会" in text
    # and the definitions page explains the figures
    definitions = text[text.rindex("指标说明") :]
    assert "帮扶预算使用" in definitions
    assert "已发放的帮扶" in definitions


def test_a_rebuilt_report_prints_the_frozen_figures(tree, case, tmp_path):
    # given a grant of the quarter recorded after the snapshot was taken
    grant = draft_grant(case.zhang, "emergency", amount=Decimal("1000"), granted_on=D(2024, 6, 15))
    aid_services.grant_approve(actor=case.chair, grant=grant)
    aid_services.grant_mark_paid(actor=None, grant=grant, paid_on=D(2024, 6, 16))
    # when the report is built again
    text = report_text(tree.tpq, Q2_2024, tmp_path)
    # then it prints the snapshot's figures, not today's count
    assert "发放现金（元） 3,500.00 900.00" in text
    assert "4,500.00" not in text
    # until the snapshot is retaken
    services.snapshot_take(federation=tree.tpq, quarter=Q2_2024)
    assert "发放现金（元） 4,500.00 900.00" in report_text(tree.tpq, Q2_2024, tmp_path)


def test_a_snapshot_taken_before_these_figures_counts_them_and_says_so(tree, case, tmp_path):
    # given snapshots taken before the hardship-aid figures were frozen in them
    for snapshot in QuarterlySnapshot.objects.filter(federation=tree.tpq):
        snapshot.figures.pop("hardship_aid")
        snapshot.save()
    # when the report is built
    data = document.report_data(federation=tree.tpq, quarter=Q2_2024, generated_at=None)
    html = document.render_html(data)
    text = report_text(tree.tpq, Q2_2024, tmp_path)
    # then the quarter's figures are counted from the records, the section says so, and the
    # comparisons are left out
    assert "本季度快照生成时尚未冻结帮扶指标" in html
    assert "发放现金（元） 3,500.00 — — — —" in text
    assert "两节送温暖 10,000.00 700.50 9,299.50 7.0%" in text
