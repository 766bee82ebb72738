"""The import framework every importer builds on.

An importer declares its columns and the permission it needs, then does two things:

* `validate(table, user=…)` reads every row, collects *all* the errors (never stopping at the
  first) and returns a Plan: one Action per good row (create / update / unchanged).
* `write(plan, user=…)` carries the plan out through the app's services.

`apply()` wraps `write()` in one transaction and refuses a plan with errors, so an import is all
or nothing. `imports.services.import_run` ties the two together for the CLI and the browser.

    @registry.register
    class EnterpriseImporter(Importer):
        kind = "enterprises"
        label = _("企业")
        permission = Perm.IMPORT_RECORDS
        columns = (
            Column("credit_code", "统一社会信用代码", required=True, help=_("18 位")),
            Column("name", "企业名称", required=True),
            Column("employees", "职工人数"),
        )

        def validate(self, table, *, user): ...
        def write(self, plan, *, user): ...
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from federations.permissions import user_can

from .normalize import cell_text
from .parsing import Column, ImportFileError, SheetRow, Table

__all__ = [
    "Action",
    "Change",
    "Column",
    "ImportFileError",
    "Importer",
    "Op",
    "Plan",
    "Result",
    "RowError",
    "RowErrors",
    "SheetRow",
    "Table",
]


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: `row` is the row number Excel shows (header counted), `column` the
    column's header, `value` the cell as read."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)s 行，列“%(column)s”，值“%(value)s”：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class RowErrors(Exception):
    """Raised from `write()` to abandon the whole import with errors tied to rows."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    column: str  # header of the changed column
    old: str
    new: str


@dataclass(frozen=True)
class Action:
    """What will happen to one row. `key` names the record for people (a code, a name);
    `data` is the importer's own payload for `write()`."""

    row: int
    op: Op
    key: str
    changes: tuple[Change, ...] = ()
    data: Any = None


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, op: Op) -> int:
        return sum(1 for action in self.actions if action.op == op)

    @property
    def changes(self) -> list[Action]:
        return [action for action in self.actions if action.op != Op.UNCHANGED]

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda error: error.row)


@dataclass(frozen=True)
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    written: bool = False  # False for a dry run and for any import with errors
    actions: tuple[Action, ...] = ()

    @classmethod
    def from_plan(cls, plan: Plan, *, written: bool) -> "Result":
        return cls(
            created=plan.count(Op.CREATE),
            updated=plan.count(Op.UPDATE),
            unchanged=plan.count(Op.UNCHANGED),
            errors=tuple(plan.sorted_errors()),
            written=written and not plan.errors,
            actions=tuple(plan.actions),
        )

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class Importer:
    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    permission: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def __init__(self, *, file_name: str = "") -> None:
        self.file_name = file_name  # recorded with the import's audit event

    @classmethod
    def allowed(cls, user) -> bool:
        """May the user import this kind at all (somewhere in their scope)?"""
        return user_can(user, cls.permission)

    # --- to implement ------------------------------------------------------------------------

    def validate(self, table: Table, *, user) -> Plan:
        """Check every row against the file and the database and plan the writes.
        `user=None` is the operator at the command line: full scope."""
        raise NotImplementedError

    def write(self, plan: Plan, *, user) -> None:
        """Carry out the plan's actions through the app's services. Called inside a
        transaction; raise RowErrors to roll everything back."""
        raise NotImplementedError

    # --- provided ----------------------------------------------------------------------------

    def apply(self, plan: Plan, *, user) -> Result:
        """Write the plan in one transaction; a plan with errors writes nothing."""
        if plan.errors:
            return Result.from_plan(plan, written=False)
        try:
            with transaction.atomic():
                self.write(plan, user=user)
        except RowErrors as failure:
            return Result.from_plan(Plan(plan.actions, list(failure.errors)), written=False)
        return Result.from_plan(plan, written=True)

    def header(self, key: str) -> str:
        return self.column(key).header

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def error(self, row: SheetRow | int, key: str, message: str, value: Any = None) -> RowError:
        """A RowError for the cell of `row` in column `key` (its value read from the row unless
        given)."""
        number = row if isinstance(row, int) else row.number
        if value is None and not isinstance(row, int):
            value = row.raw(key)
        return RowError(
            row=number, column=self.header(key), value=cell_text(value), message=str(message)
        )

    def missing_values(self, row: SheetRow, *, present: Iterable[str]) -> list[RowError]:
        """An error for each required cell the row leaves empty."""
        present = set(present)
        return [
            self.error(row, column.key, _("必填，不能为空。"), value="")
            for column in self.columns
            if column.value_required and column.key in present and not row.text(column.key)
        ]

    def errors_from_validation(
        self,
        row: SheetRow | int,
        error: ValidationError,
        *,
        fields: dict[str, str],
        default: str,
        values: dict[str, Any] | None = None,
    ) -> list[RowError]:
        """Turn a model or service ValidationError into row errors. `fields` maps model field
        names to column keys; messages about other fields (or none) go to column `default`."""
        values = values or {}
        found: list[RowError] = []
        if hasattr(error, "error_dict"):
            items: Sequence[tuple[str | None, list[ValidationError]]] = list(
                error.error_dict.items()
            )
        else:
            items = [(None, error.error_list)]
        for name, errors in items:
            key = fields.get(name or "", default)
            # one error per cell, however many rules it breaks
            message = " ".join(ValidationError(errors).messages)
            found.append(self.error(row, key, message, value=values.get(key)))
        return found
