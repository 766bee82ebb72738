"""Reading an uploaded file into a table of rows keyed by column.

Accepted: .xlsx (first sheet, read with python-calamine) and .csv in UTF-8 (with or without
BOM), GBK/GB18030 or UTF-16 (Excel's "Unicode text"). The format is told from the content,
not the file name. Anything else raises ImportFileError with a message staff can act on.

The header row is the first non-empty row; columns are matched by their header, in any order;
columns nobody asked for are ignored; rows with nothing in the known columns are skipped.
Row numbers are the ones Excel shows (1-based, header row counted).
"""

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from .errors import ImportFileError
from .normalize import cell_text, header_text
from .xlsx_guard import check_xlsx

__all__ = ["Column", "ImportFileError", "SheetRow", "Table", "read_table", "read_table_file"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    `header` is what the file's header row says (the file format, so not translated).
    `required`: the column must be in the file, and every row needs a value in it unless
    `blank=True` (e.g. 上级工会代码, which is empty for the root). `choices` are offered as a
    drop-down in the template file. `help` is shown on the upload page and in the template.
    """

    key: str
    header: str
    required: bool = False
    blank: bool | None = None
    help: str | Promise = ""
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.blank is None:
            object.__setattr__(self, "blank", not self.required)

    @property
    def value_required(self) -> bool:
        return self.required and not self.blank


@dataclass(slots=True)
class SheetRow:
    """One data row (not frozen, for speed: a 100,000-row file builds 100,000 of them; nothing
    changes one after reading, except the cache of its cells' text)."""

    number: int  # the row number Excel shows
    values: Mapping[str, Any]  # column key → the cell as read (str, int, float, date …)
    texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def raw(self, key: str) -> Any:
        return self.values.get(key)

    def text(self, key: str) -> str:
        """The cell as clean text (`cell_text`), worked out once per cell."""
        text = self.texts.get(key)
        if text is None:  # (not try/except: the first reading of every cell would raise)
            text = self.texts[key] = cell_text(self.values.get(key))
        return text


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    present: frozenset[str]  # keys of the columns the file has
    header_row: int
    rows: tuple[SheetRow, ...] = field(default=())

    def __iter__(self) -> Iterator[SheetRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.present

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


def max_file_size() -> int:
    return settings.IMPORT_MAX_FILE_SIZE


def too_large_message(size: int) -> str:
    return _("文件过大（%(size).1f MB），最大允许 %(limit).1f MB。") % {
        "size": size / 1024 / 1024,
        "limit": max_file_size() / 1024 / 1024,
    }


def read_table_file(path: Path | str, *, columns: Sequence[Column]) -> Table:
    """read_table() for a file on disk; the size is checked before anything is read."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_file_size():
        raise ImportFileError(too_large_message(size))
    return read_table(path.read_bytes(), columns=columns)


def read_table(data: bytes, *, columns: Sequence[Column]) -> Table:
    if len(data) > max_file_size():
        raise ImportFileError(too_large_message(len(data)))
    if not data.strip():
        raise ImportFileError(_("文件是空的。"))
    rows = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(_decode(data))
    return _table(rows, columns=tuple(columns))


def _decode(data: bytes) -> str:
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(_("文件已加密或为旧版 .xls 格式，请另存为 .xlsx 后再导入。"))
    if data.startswith(b"PK"):
        raise ImportFileError(_("文件已损坏，无法作为 .xlsx 打开。"))
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_("无法识别文件编码。")) from None
    if b"\x00" in data[:8192]:
        raise ImportFileError(_("文件不是表格，只能导入 .xlsx 或 .csv 文件。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _("无法识别文件编码，请另存为 .xlsx，或 UTF-8、GBK 编码的 .csv 后再导入。")
        )
    start = text.lstrip()[:100].lower()
    if start.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta")):
        raise ImportFileError(
            _("文件是网页或 XML 格式（系统导出的 .xls 常是如此），请用 Excel 另存为 .xlsx。")
        )
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text[:8192]):
        raise ImportFileError(_("文件不是表格，只能导入 .xlsx 或 .csv 文件。"))
    return text


def _csv_rows(text: str) -> Iterator[list[Any]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        raise ImportFileError(
            _("CSV 文件格式有误（第 %(line)s 行附近），请用 Excel 打开后另存为 .xlsx。")
            % {"line": reader.line_num}
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    check_xlsx(data, max_cells=_max_cells(), max_unzipped=_max_unzipped())
    try:
        workbook = CalamineWorkbook.from_object(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except BaseException as error:
        if not _is_reader_error(error):
            raise
        raise ImportFileError(_("文件已损坏或受密码保护，无法作为 .xlsx 打开。")) from None
    if sheet.start is None:
        raise ImportFileError(_("文件中没有数据：第一个工作表是空的。"))
    # iter_rows() starts at row 1 even when the data starts lower, so positions are absolute
    return sheet.iter_rows()


def _is_reader_error(error: BaseException) -> bool:
    # pyo3 turns a Rust panic into PanicException, which derives from BaseException
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _max_cells() -> int:
    return getattr(settings, "IMPORT_MAX_CELLS", 10_000_000)


def _max_unzipped() -> int:
    return getattr(settings, "IMPORT_MAX_UNZIPPED_SIZE", 20 * max_file_size())


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _table(rows: Iterable[list[Any]], *, columns: tuple[Column, ...]) -> Table:
    numbered = enumerate(rows, start=1)
    header_row, headers = 0, None
    for number, cells in numbered:
        if not all(_is_blank(cell) for cell in cells):
            header_row, headers = number, [header_text(cell) for cell in cells]
            break
    if headers is None:
        raise ImportFileError(_("文件中没有数据：找不到表头行。"))
    index = _column_index(headers, columns=columns, header_row=header_row)
    if not index:
        raise ImportFileError(_("表头中没有可识别的列，请使用导入模板的表头。"))
    keys, positions = tuple(index), tuple(index.values())
    last = max(positions)
    pick = itemgetter(*positions) if len(positions) > 1 else lambda cells: (cells[last],)
    found: list[SheetRow] = []
    for number, cells in numbered:
        if not any(cells) and all(_is_blank(cell) for cell in cells):
            continue  # cheap skip for the empty rows below the data
        if len(cells) > last:
            values = dict(zip(keys, pick(cells), strict=True))
        else:  # a short CSV line
            width = len(cells)
            values = {key: cells[i] if i < width else None for key, i in index.items()}
        if all(_is_blank(value) for value in values.values()):
            continue
        found.append(SheetRow(number=number, values=values))
    if not found:
        raise ImportFileError(_("文件中只有表头，没有数据行。"))
    return Table(
        columns=columns, present=frozenset(index), header_row=header_row, rows=tuple(found)
    )


def _column_index(
    headers: list[str], *, columns: tuple[Column, ...], header_row: int
) -> dict[str, int]:
    by_header = {header_text(column.header): column for column in columns}
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        column = by_header.get(header)
        if column is None:
            continue
        if column.key in index:
            raise ImportFileError(
                _("表头中“%(header)s”列出现了不止一次，请只保留一列。") % {"header": column.header}
            )
        index[column.key] = position
    missing = [column.header for column in columns if column.required and column.key not in index]
    if missing:
        raise ImportFileError(
            _("表头（第 %(row)s 行）缺少必需的列：%(columns)s。请使用导入模板的表头。")
            % {"row": header_row, "columns": "、".join(f"“{name}”" for name in missing)}
        )
    return index
