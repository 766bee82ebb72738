"""The quarterly PDF report of one federation: its data, read from the quarter's frozen
snapshots, and its rendering with WeasyPrint.

- `report_data(federation, quarter, generated_at)` reads what every section prints in a fixed
  number of queries whatever the size of the district: the federation's snapshots of the eight
  trend quarters (which hold the previous quarter and the same quarter a year earlier), its
  direct children, their snapshots of the quarter, and the founding targets of the year. The
  figures are those frozen in the snapshots (`reports.services.snapshot_take`), so a report
  rebuilt later prints the same figures; the quarter's own snapshots must exist (the build takes
  the missing ones first: `reports.services.report_build`). The targets are the current ones.
- The sections are built by the registry in `reports.sections` (where other apps add theirs).
- `render_pdf(data)` lays the sections out with the print stylesheet
  `templates/reports/pdf/report.css` (A4, running header with the federation and quarter, page
  numbers and generated-at time in the footer) and embeds Noto Sans CJK SC, subset by HarfBuzz
  (`libharfbuzz-subset0`). Nothing is fetched: the stylesheet is read from its file and the URL
  fetcher refuses every URL.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils import translation

from federations.models import Federation, FoundingTarget

from .models import REPORT_KINDS, QuarterlySnapshot
from .periods import Quarter
from .selectors import children_of, snapshots_for, targets_summed, trend_quarters

STYLESHEET = "reports/pdf/report.css"


class SnapshotMissing(Exception):
    """The quarter's snapshot of the federation has not been taken."""


@dataclass
class ReportData:
    federation: Federation
    quarter: Quarter
    generated_at: datetime.datetime
    figures: dict  # the federation's snapshot of the quarter
    snapshot_taken_at: datetime.datetime
    previous: dict | None  # the previous quarter's snapshot, if taken
    year_earlier: dict | None  # the same quarter a year earlier, if taken
    trend: list[tuple[Quarter, dict | None]]  # eight quarters, oldest first
    children: list[tuple[Federation, dict | None]]  # direct children, their quarter's snapshot
    target: FoundingTarget | None  # the year's founding target (own, or the children's summed)
    targets_summed: bool = False
    definitions: list[tuple[str, str]] = field(default_factory=list)  # filled by the sections

    @property
    def as_of(self) -> datetime.date:
        return self.quarter.last_day


def is_reported(federation: Federation) -> bool:
    return federation.kind in REPORT_KINDS


def report_data(
    *, federation: Federation, quarter: Quarter, generated_at: datetime.datetime
) -> ReportData:
    """Everything the report of `federation` for `quarter` prints, from the snapshots (four
    queries). SnapshotMissing when the federation's snapshot of the quarter is missing."""
    quarters = trend_quarters(quarter.last_day)
    snapshots = snapshots_for(federation=federation, quarters=quarters)
    own = snapshots.get(str(quarter))
    if own is None:
        raise SnapshotMissing(f"{federation.code} has no snapshot of {quarter}")
    children = children_of(federation)
    child_figures = {
        s.federation_id: s.figures
        for s in QuarterlySnapshot.objects.filter(federation__in=children, quarter=str(quarter))
    }
    targets = {
        t.federation_id: t
        for t in FoundingTarget.objects.filter(
            federation__in=[federation, *children], year=quarter.year
        )
    }
    target, summed = targets.get(federation.pk), False
    if target is None:
        target = targets_summed(
            federation=federation,
            year=quarter.year,
            targets=[targets[c.pk] for c in children if c.pk in targets],
        )
        summed = target is not None

    def figures_of(q):
        snapshot = snapshots.get(str(q))
        return snapshot.figures if snapshot else None

    return ReportData(
        federation=federation,
        quarter=quarter,
        generated_at=generated_at,
        figures=own.figures,
        snapshot_taken_at=own.taken_at,
        previous=figures_of(quarter.previous()),
        year_earlier=figures_of(quarter.year_earlier()),
        trend=[(q, figures_of(q)) for q in quarters],
        children=[(child, child_figures.get(child.pk)) for child in children],
        target=target,
        targets_summed=summed,
    )


def render_html(data: ReportData) -> str:
    from .sections import build_sections

    with translation.override(settings.LANGUAGE_CODE):
        sections = build_sections(data)
        return render_to_string("reports/pdf/report.html", {"data": data, "sections": sections})


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    pages: int


def _refuse_urls(url, *args, **kwargs):
    """WeasyPrint's URL fetcher: a report needs nothing from anywhere (fonts come from
    fontconfig, charts are inline SVG, the stylesheet is read from its file)."""
    raise ValueError(f"reports fetch nothing: {url}")


def stylesheet_path() -> str:
    return get_template(STYLESHEET).origin.name


def render_pdf(data: ReportData) -> RenderedReport:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(data)
    fonts = FontConfiguration()
    css = CSS(filename=stylesheet_path(), font_config=fonts, url_fetcher=_refuse_urls)
    document = HTML(string=html, url_fetcher=_refuse_urls).render(
        stylesheets=[css], font_config=fonts
    )
    return RenderedReport(content=document.write_pdf(), pages=len(document.pages))
