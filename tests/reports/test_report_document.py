import datetime
import zoneinfo

import pytest

from federations.models import Role
from federations.services import founding_target_set
from reports import charts, document, sections, services
from reports.periods import Quarter
from tests.reports.pdftools import pdf_text

Q2_2024 = Quarter(2024, 2)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def data_for(federation, quarter=Q2_2024):
    return document.report_data(
        federation=federation,
        quarter=quarter,
        generated_at=datetime.datetime(2024, 7, 1, 3, 0, tzinfo=SHANGHAI),
    )


@pytest.fixture
def pdf_of(tmp_path):
    """The text of the report of `federation` (pdftotext, whitespace collapsed)."""

    def text(federation):
        path = tmp_path / f"{federation.code}.pdf"
        path.write_bytes(document.render_pdf(data_for(federation)).content)
        return " ".join(pdf_text(path).split())

    return text


def test_the_sections_print_in_order(tree, coverage):
    services.snapshots_take_all(quarter=Q2_2024)
    html = document.render_html(data_for(tree.district))
    names = ["cover", "summary", "targets", "children", "charts", "definitions"]
    positions = [html.index(f'data-section="{name}"') for name in names]
    assert positions == sorted(positions)
    assert sections.registered()[:5] == names[:5]
    assert sections.registered()[-1] == "definitions"


def test_summary_compares_with_the_previous_quarter_and_a_year_earlier(tree, coverage, pdf_of):
    # given the district's snapshots of 2023Q2, 2024Q1 and 2024Q2
    for quarter in (Quarter(2023, 2), Quarter(2024, 1), Q2_2024):
        services.snapshot_take(federation=tree.district, quarter=quarter)
    # when its 2024Q2 report is laid out
    text = pdf_of(tree.district)
    # then each indicator has its figure, the earlier ones and the changes
    # 2024Q2 and 2024Q1: 3 of 5 enterprises unionized, 9 members (丁's 4 joined in February);
    # 2023Q2: 甲 (independent) and 乙 (joint) only, 5 members.
    assert "已建会企业（家） 3 3 持平 2 +1" in text
    assert "建会率 60.0% 60.0% 持平 40.0% +20.0 个百分点" in text
    assert "会员人数（人） 9 9 持平 5 +4" in text


def test_missing_comparisons_print_a_dash_and_say_so(tree, coverage, pdf_of):
    services.snapshot_take(federation=tree.wz, quarter=Q2_2024)
    text = pdf_of(tree.wz)
    assert "2024年第一季度尚无快照" in text
    assert "2023年第二季度尚无快照" in text
    # 王佐镇 has no enterprises: its rates are a dash, and it has no children section
    assert "建会率 — — — — —" in text
    assert "下级工会组织" not in text


def test_the_report_needs_the_quarters_snapshot(tree):
    with pytest.raises(document.SnapshotMissing):
        data_for(tree.tpq)


def test_progress_against_the_childrens_targets_summed(tree, coverage, make_user, pdf_of):
    office = make_user(tree.district, Role.OFFICE)
    for child, members in ((tree.tpq, 5), (tree.dgd, 5)):
        founding_target_set(
            actor=office,
            federation=child,
            year=2024,
            new_independent_unions=1,
            large_enterprises_unionized=1,
            members=members,
        )
    services.snapshot_take(federation=tree.district, quarter=Q2_2024)
    text = pdf_of(tree.district)
    assert "2024 年度建会任务完成情况（下级任务合计）" in text
    # 丁 became independent on 2024-01-10: one new independent union of two
    assert "新建独立工会（家） 2 1 50.0%" in text
    assert "会员人数（人） 10 9 90.0%" in text


def test_an_older_snapshot_without_the_flow_leaves_that_target_out(
    tree, coverage, make_user, pdf_of
):
    office = make_user(tree.district, Role.OFFICE)
    founding_target_set(
        actor=office,
        federation=tree.dgd,
        year=2024,
        new_independent_unions=3,
        large_enterprises_unionized=1,
        members=5,
    )
    snapshot = services.snapshot_take(federation=tree.dgd, quarter=Q2_2024)
    del snapshot.figures["new_independent_unions"]
    snapshot.save()
    text = pdf_of(tree.dgd)
    assert "新建独立工会（家）" not in text
    assert "会员人数（人） 5 5 100.0%" in text


def test_another_app_adds_a_section_with_a_few_lines(tree, coverage, settings, tmp_path):
    # given a section registered the way another app's report_sections.py does it
    template = tmp_path / "extra.html"
    template.write_text("<h2>{{ title }}</h2><p>困难职工帮扶 {{ s.count }} 户</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]

    @sections.register(order=50, name="test-aid")
    def aid(data):
        return sections.Section(
            "extra.html",
            {"count": 12},
            title="困难职工帮扶",
            definitions=[("困难职工", "测试用的说明。")],
        )

    try:
        services.snapshot_take(federation=tree.tpq, quarter=Q2_2024)
        html = document.render_html(data_for(tree.tpq))
    finally:
        sections._registry.pop("test-aid")
    # then it prints between the charts and the definitions, with its definition at the end
    assert html.index('data-section="charts"') < html.index('data-section="test-aid"')
    assert html.index('data-section="test-aid"') < html.index('data-section="definitions"')
    assert "困难职工帮扶 12 户" in html
    assert html.index("测试用的说明。") > html.index('data-section="definitions"')


def test_charts_are_svg_with_escaped_text_and_gaps_for_missing_quarters():
    svg = charts.line_chart(
        ["2024Q1", "2024Q2", "2024Q3"],
        [charts.Series("建会率", [50.0, None, 70.0])],
        label="趋势",
    )
    assert svg.startswith("<svg")
    assert "<polyline" not in svg  # no two neighbouring points: no line across the gap
    assert svg.count("<circle") == 2
    assert 'font-family="Noto Sans CJK SC"' in svg
    bars = charts.bar_chart(["<甲&乙>"], [charts.Series("入会率", [None])])
    assert "&lt;甲&amp;乙&gt;" in bars
    assert ">—</text>" in bars


def test_nothing_is_fetched_while_rendering():
    with pytest.raises(ValueError, match="fetch nothing"):
        document._refuse_urls("https://example.com/font.woff")
    with open(document.stylesheet_path(), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "url(" not in css
    assert "@import" not in css
