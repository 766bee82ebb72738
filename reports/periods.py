"""Quarters and periods, the calendar of indicators.

Stocks are counted on a date, flows over a period (DESIGN.md, "Indicators"): `--quarter 2026Q3`
means 2026-07-01 … 2026-09-30 (stocks on its last day), `--on 2026-09-30` means the calendar year
up to that date for flows.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")
QUARTER_NAMES = {
    1: gettext_lazy("一"),
    2: gettext_lazy("二"),
    3: gettext_lazy("三"),
    4: gettext_lazy("四"),
}


@dataclass(frozen=True, order=True)
class Period:
    """A span of days, both ends included."""

    first_day: datetime.date
    last_day: datetime.date

    def __post_init__(self):
        if self.last_day < self.first_day:
            raise ValueError(f"period ends before it starts: {self.first_day} … {self.last_day}")

    @classmethod
    def year_to_date(cls, on: datetime.date) -> "Period":
        """1 January of `on`'s year up to `on`."""
        return cls(datetime.date(on.year, 1, 1), on)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def __contains__(self, day: datetime.date) -> bool:
        return self.first_day <= day <= self.last_day

    def __str__(self):
        return f"{self.first_day.isoformat()} … {self.last_day.isoformat()}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, written `2026Q3` (2026-07-01 … 2026-09-30)."""

    year: int
    number: int

    def __post_init__(self):
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")
        if not datetime.MINYEAR <= self.year <= datetime.MAXYEAR:
            raise ValueError(f"year out of range: {self.year}")

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """ "2026Q3" (also "2026q3", " 2026 Q3 ") → Quarter(2026, 3); ValueError otherwise."""
        match = QUARTER_PATTERN.match(text or "")
        if not match:
            raise ValueError(
                _("季度格式应为“2026Q3”（年份 + Q + 1～4）：%(text)s") % {"text": text}
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def just_ended(cls, today: datetime.date) -> "Quarter":
        """The last quarter that ended before `today` (on 1 April: the first quarter)."""
        return cls.containing(today).previous()

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next().first_day - datetime.timedelta(days=1)

    @property
    def period(self) -> Period:
        return Period(self.first_day, self.last_day)

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def year_earlier(self) -> "Quarter":
        """The same quarter a year before (year-on-year comparisons)."""
        return Quarter(self.year - 1, self.number)

    def last(self, count: int) -> list["Quarter"]:
        """`count` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]

    def has_ended(self, today: datetime.date) -> bool:
        return self.last_day < today

    @property
    def label(self) -> str:
        return _("%(year)s年第%(number)s季度") % {
            "year": self.year,
            "number": QUARTER_NAMES[self.number],
        }

    def __str__(self):
        return f"{self.year}Q{self.number}"
