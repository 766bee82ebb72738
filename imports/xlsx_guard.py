"""Checks an .xlsx before python-calamine opens it.

calamine holds a sheet as one dense block from its top-left to its bottom-right non-empty cell.
A single stray value far away (say in XFD1048576) makes that block billions of cells: the
allocation fails inside Rust and aborts the whole process, with no Python exception to catch.
A zip bomb (a small file that unpacks to gigabytes) does the same to memory.

So before calamine sees the file we look at the zip directory and stream through the first
sheet's XML, measuring how far its non-empty cells reach. The common case (every cell carries
its own `r="B7"` reference, as Excel, WPS, openpyxl and xlsxwriter all write) costs a few regex
scans in C; unusual files (cells without references, prefixed tags, styled empty cells far
away) get an exact, slower pass.
"""

import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

from django.utils.translation import gettext as _

from .errors import ImportFileError

CHUNK = 1 << 20

_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet(?=[\s/>])([^>]*)>")
_REL_ID = re.compile(rb'\s[\w.-]+:id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship(?=[\s/>])([^>]*)>")
_ATTR_ID = re.compile(rb'\sId="([^"]+)"')
_ATTR_TARGET = re.compile(rb'\sTarget="([^"]+)"')

_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
# cell tags the quick pass cannot count: prefixed (<x:c …>) or followed by a tab or newline.
# Two searches, because an alternation would lose the regex engine's literal-prefix speed-up.
_ODD_CELLS = (re.compile(rb":c[\s/>]"), re.compile(rb"<c[\t\r\n]"))
# the exact pass: every <row> and <c> tag, prefixed or not, with its attributes (which may
# hold a quoted ">"), and each attribute of those
_TAG = re.compile(rb"""<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(rb"""([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"([A-Z]*)([0-9]+)")


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def check_xlsx(data: bytes, *, max_cells: int, max_unzipped: int) -> None:
    """Raise ImportFileError when the workbook would not fit in memory once opened."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ImportFileError(_("文件已损坏，无法作为 .xlsx 打开。")) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_not_xlsx_message(names))
    if sum(member.file_size for member in members) > max_unzipped:
        raise ImportFileError(_("文件解压后过大，请删除多余的工作表或内容后再导入。"))
    try:
        sheet_parts = _first_sheet_parts(archive, names)
        extent = Extent()
        for part in sheet_parts:
            found = _sheet_extent(archive, part, max_cells=max_cells)
            extent.rows = max(extent.rows, found.rows)
            extent.columns = max(extent.columns, found.columns)
        if "xl/sharedStrings.xml" in names:
            _drain(archive, "xl/sharedStrings.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise ImportFileError(_("文件已损坏，无法作为 .xlsx 打开。")) from None
    if extent.cells > max_cells:
        raise ImportFileError(
            _(
                "表格范围过大：有内容的单元格一直延伸到第 %(rows)s 行、第 %(column)s 列。"
                "请删除表格下方和右侧多余的内容后再导入。"
            )
            % {"rows": extent.rows, "column": column_letters(extent.columns)}
        )


def _not_xlsx_message(names: set[str]) -> str:
    if "xl/workbook.bin" in names or "mimetype" in names:
        return _("不支持该表格格式（.xlsb 或 .ods），请另存为 .xlsx 后再导入。")
    return _("文件不是 Excel 表格（.xlsx），请检查后再导入。")


def _first_sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The part holding the workbook's first sheet (calamine's sheet 0); every worksheet part
    when the workbook does not say clearly which one that is."""
    workbook = _read_small(archive, "xl/workbook.xml")
    rels = (
        _read_small(archive, "xl/_rels/workbook.xml.rels")
        if ("xl/_rels/workbook.xml.rels" in names)
        else b""
    )
    targets = {}
    for match in _RELATIONSHIP.finditer(rels):
        rel_id, target = _ATTR_ID.search(match.group(1)), _ATTR_TARGET.search(match.group(1))
        if rel_id and target:
            targets[rel_id.group(1)] = target.group(1).decode("utf-8", "replace")
    first = _SHEET.search(workbook)
    rel_id = _REL_ID.search(first.group(1)) if first else None
    target = targets.get(rel_id.group(1)) if rel_id else None
    if target:
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part in names:
            return [part]
    return sorted(name for name in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name))


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
    if archive.getinfo(name).file_size > limit:
        raise ValueError(name)
    return archive.read(name)


def _drain(archive: zipfile.ZipFile, name: str) -> None:
    """Read a part to its end: zipfile stops at the declared size and checks the CRC, so a part
    that would unpack to more than the directory says is caught here."""
    with archive.open(name) as stream:
        while stream.read(CHUNK):
            pass


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part's XML in pieces that each end just before a `<`. XML allows no `<` inside a
    tag (not even in attribute values), so no tag is ever split between two pieces."""
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(CHUNK):
            buffer = tail + chunk
            cut = max(buffer.rfind(b"<"), 0)
            yield buffer[:cut]
            tail = buffer[cut:]
    if tail:
        yield tail


def _sheet_extent(archive: zipfile.ZipFile, part: str, *, max_cells: int) -> Extent:
    extent = Extent()
    exact_needed = False
    for chunk in _chunks(archive, part):
        if exact_needed:
            continue  # keep reading so that a corrupt part is still caught
        cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/")
        refs = _CELL_REF.findall(chunk)
        if len(refs) != cells or any(odd.search(chunk) for odd in _ODD_CELLS):
            # cells without a plain r="B7" of their own, or written unusually
            exact_needed = True
            continue
        if refs:
            extent.rows = max(extent.rows, *map(int, map(itemgetter(1), refs)))
            letters = set(map(itemgetter(0), refs))
            extent.columns = max(extent.columns, *map(column_number, letters))
    if exact_needed or extent.cells > max_cells:
        # the quick bound counts styled empty cells too, which calamine skips: measure exactly
        return _exact_extent(archive, part)
    return extent


def _exact_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """Walk every <row> and <c> tag the way calamine places cells: a cell without a reference
    sits right of the previous one, a row without one right below the previous row. Only cells
    with content count (a self-closing <c/> is a styled empty cell)."""
    extent = Extent()
    row = column = 0
    for chunk in _chunks(archive, part):
        for closing, name, attrs in _TAG.findall(chunk):
            if closing:
                continue
            letters, number = _reference(attrs)
            if name == b"row":
                row = number or row + 1
                column = 0
                continue
            if letters:
                column, row = column_number(letters), number
            else:
                column += 1
            if not attrs.rstrip().endswith(b"/"):
                extent.rows = max(extent.rows, row)
                extent.columns = max(extent.columns, column)
    return extent


def _reference(attrs: bytes) -> tuple[bytes, int]:
    """The r attribute of a <row> or <c> tag as (column letters, row number); (b"", 0) when
    there is none. Character references such as &#88; are decoded, as an XML parser would."""
    raw = next(
        (double or single for name, double, single in _ATTRIBUTE.findall(attrs) if name == b"r"),
        None,
    )
    if raw is None:
        return b"", 0
    value = html.unescape(raw.decode("utf-8", "replace")).strip().upper()
    match = _REF.fullmatch(value)
    if match is None:
        return b"", 0
    return match.group(1).encode(), int(match.group(2))
