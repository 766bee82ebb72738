"""The quarterly report of a federation as text (pdftotext, whitespace collapsed), for the tests
of the hardship-aid and activity sections."""

import datetime
import zoneinfo

from reports import document
from tests.reports.pdftools import pdf_text

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def report_text(federation, quarter, tmp_path) -> str:
    data = document.report_data(
        federation=federation,
        quarter=quarter,
        generated_at=datetime.datetime(2024, 7, 1, 3, 0, tzinfo=SHANGHAI),
    )
    path = tmp_path / f"{federation.code}-{quarter}.pdf"
    path.write_bytes(document.render_pdf(data).content)
    return " ".join(pdf_text(path).split())
