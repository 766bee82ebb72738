"""Importing the federation tree from a spreadsheet.

One row per node: 工会代码, 工会名称, 类型, 上级工会代码 (+ 地址, 联系电话, 工会主席). Rows may come
in any order; a parent may be in the file or already in the database. A code that exists is
an update (a changed parent moves the node), a new code is a node to create. The placement
rules are the ones in `services.check_placement`; the writes go through the services.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports import registry
from imports.base import Action, Change, Column, Importer, Op, Plan, RowError, RowErrors, Table
from imports.normalize import clean_code

from . import services
from .models import Federation, code_validator
from .permissions import Perm, user_can

# 类型 as staff write it → (kind, joint_scope). The file format, so deliberately not translated.
KINDS: dict[str, tuple[str, str]] = {
    "区总工会": (Federation.Kind.DISTRICT, ""),
    "街道总工会": (Federation.Kind.STREET, ""),
    "镇总工会": (Federation.Kind.TOWN, ""),
    "地区总工会": (Federation.Kind.AREA, ""),
    "社区联合工会": (Federation.Kind.JOINT, Federation.JointScope.COMMUNITY),
    "行业联合工会": (Federation.Kind.JOINT, Federation.JointScope.INDUSTRY),
    "楼宇联合工会": (Federation.Kind.JOINT, Federation.JointScope.BUILDING),
}
KIND_NAMES = {value: name for name, value in KINDS.items()}
ALIASES = {"乡总工会": "镇总工会", "镇(乡)总工会": "镇总工会", "镇（乡）总工会": "镇总工会"}

DETAILS = ("address", "phone", "chair_name")
# model field → column key, for turning a ValidationError into row errors
FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "kind": "kind",
    "joint_scope": "kind",
    "address": "address",
    "phone": "phone",
    "chair_name": "chair_name",
}
PLACEMENT_COLUMNS = {"joint_with_children": "kind"}  # every other placement error: 上级工会代码


@dataclass
class NodeRow:
    """One row of the file, read and checked on its own."""

    number: int
    code: str
    name: str
    kind: str | None
    joint_scope: str
    parent_code: str
    details: dict[str, str]
    values: dict[str, str]  # column key → the cell as text, for error messages
    failed: bool = False
    resolved: bool = False  # the parent was found (or the row is a root)


@dataclass
class NodePlan:
    code: str
    parent_code: str
    fields: dict[str, str]  # for a create: every field; for an update: the changed ones
    move: bool = False
    depth: int = 0
    becomes_joint: bool = False
    values: dict[str, str] = field(default_factory=dict)


@registry.register
class FederationImporter(Importer):
    kind = "federations"
    label = gettext_lazy("工会组织架构")
    description = gettext_lazy(
        "区总工会、街道/镇/地区总工会和联合工会组成的树。已有的工会代码表示更新（改上级即移动），"
        "新的工会代码表示新建。"
    )
    permission = Perm.MANAGE_TREE
    columns = (
        Column(
            "code",
            "工会代码",
            required=True,
            help=gettext_lazy("1–32 位字母、数字、“-”或“_”，全区唯一；已有的代码表示更新该组织。"),
        ),
        Column("name", "工会名称", required=True, help=gettext_lazy("最多 100 字。")),
        Column(
            "kind",
            "类型",
            required=True,
            help=format_lazy(gettext_lazy("填写：{kinds}。"), kinds="、".join(KINDS)),
            choices=tuple(KINDS),
        ),
        Column(
            "parent",
            "上级工会代码",
            required=True,
            blank=True,
            help=gettext_lazy(
                "区总工会留空；其他组织填写上级的工会代码，上级可以在本文件中，也可以已在系统中。"
            ),
        ),
        Column("address", "地址", help=gettext_lazy("可选。")),
        Column("phone", "联系电话", help=gettext_lazy("可选。")),
        Column("chair_name", "工会主席", help=gettext_lazy("可选。")),
    )

    def validate(self, table: Table, *, user) -> Plan:
        check = _TreeCheck(importer=self, table=table, user=user)
        return check.run()

    def write(self, plan: Plan, *, user) -> None:
        # parents before children; nodes that become joint unions last, once their children
        # have moved away
        ordered = sorted(plan.changes, key=lambda a: (a.data.becomes_joint, a.data.depth, a.row))
        for action in ordered:
            node: NodePlan = action.data
            try:
                if action.op == Op.CREATE:
                    services.federation_create(
                        code=node.code, parent=_fetch(node.parent_code), **node.fields
                    )
                else:
                    moves = {"parent": _fetch(node.parent_code)} if node.move else {}
                    services.federation_update(
                        federation=Federation.objects.get(code=node.code), **moves, **node.fields
                    )
            except ValidationError as error:
                placement = getattr(error, "code", None)
                raise RowErrors(
                    self.errors_from_validation(
                        action.row,
                        error,
                        fields=FIELD_COLUMNS,
                        default=PLACEMENT_COLUMNS.get(placement, "parent"),
                        values=node.values,
                    )
                ) from error


def _fetch(code: str) -> Federation | None:
    return Federation.objects.get(code=code) if code else None


class _TreeCheck:
    """The validation of one file, step by step; collects every error it finds."""

    def __init__(self, *, importer: FederationImporter, table: Table, user) -> None:
        self.importer = importer
        self.table = table
        self.user = user
        self.restricted = user is not None and not user.is_superuser
        self.errors: list[RowError] = []
        self.rows: list[NodeRow] = []
        self.by_code: dict[str, NodeRow] = {}
        self.db: dict[str, Federation] = {}  # referenced nodes and all their ancestors
        self.db_by_path: dict[str, Federation] = {}

    def run(self) -> Plan:
        for sheet_row in self.table:
            self.rows.append(self.read(sheet_row))
        self.load_database()
        for row in self.rows:
            if not row.failed:
                self.check_placement(row)
        self.check_roots()
        depths = self.check_cycles()
        self.check_new_joint_unions()
        if self.restricted:
            for row in self.rows:
                if not row.failed:
                    self.check_scope(row)
        plan = Plan(errors=self.errors)
        for row in self.rows:
            if not row.failed:
                plan.actions.append(self.action(row, depth=depths.get(row.code, 0)))
        return plan

    # --- helpers -----------------------------------------------------------------------------

    def fail(self, row: NodeRow, key: str, message: str) -> None:
        row.failed = True
        self.errors.append(
            RowError(
                row=row.number,
                column=self.importer.header(key),
                value=row.values.get(key, ""),
                message=str(message),
            )
        )

    def db_parent_code(self, node: Federation) -> str:
        if node.depth <= 1:
            return ""
        parent = self.db_by_path.get(node.path[: -Federation.steplen])
        return parent.code if parent else ""

    def current_parent_code(self, row: NodeRow) -> str | None:
        """The parent the node has in the database, or None for a new node."""
        node = self.db.get(row.code)
        return None if node is None else self.db_parent_code(node)

    # --- steps -------------------------------------------------------------------------------

    def read(self, sheet_row) -> NodeRow:
        table, importer = self.table, self.importer
        values = {key: sheet_row.text(key) for key in table.present}
        values["code"] = clean_code(sheet_row.raw("code"))
        values["parent"] = clean_code(sheet_row.raw("parent"))
        kind_name = ALIASES.get(values["kind"], values["kind"])
        kind, joint_scope = KINDS.get(kind_name, (None, ""))
        row = NodeRow(
            number=sheet_row.number,
            code=values["code"],
            name=values["name"],
            kind=kind,
            joint_scope=joint_scope,
            parent_code=values["parent"],
            details={key: values[key] for key in DETAILS if table.has(key)},
            values=values,
        )
        missing = importer.missing_values(sheet_row, present=table.present)
        if missing:
            row.failed = True
            self.errors.extend(missing)
        missing_headers = {error.column for error in missing}
        skip = {column.key for column in importer.columns if column.header in missing_headers}
        if values["kind"] and kind is None:
            self.fail(row, "kind", _("类型只能是：%(kinds)s。") % {"kinds": "、".join(KINDS)})
            skip.add("kind")
        # the model's own field rules (code format, lengths): one definition, no copy here
        candidate = Federation(
            code=row.code, name=row.name, kind=kind or "", joint_scope=joint_scope, **row.details
        )
        exclude = ["path", "depth", "numchild"]
        exclude += [name for name, key in FIELD_COLUMNS.items() if key in skip]
        try:
            candidate.clean_fields(exclude=exclude)
        except ValidationError as error:
            for found in importer.errors_from_validation(
                sheet_row, error, fields=FIELD_COLUMNS, default="code", values=values
            ):
                row.failed = True
                self.errors.append(found)
        if row.parent_code:
            try:
                code_validator(row.parent_code)
            except ValidationError as error:
                self.fail(row, "parent", error.messages[0])
        if row.code:
            first = self.by_code.get(row.code)
            if first is None:
                self.by_code[row.code] = row
            else:
                self.fail(
                    row,
                    "code",
                    _("工会代码与第 %(row)s 行重复，同一组织只能出现一次。")
                    % {"row": first.number},
                )
        return row

    def load_database(self) -> None:
        codes = set(self.by_code) | {row.parent_code for row in self.rows if row.parent_code}
        found = list(Federation.objects.filter(code__in=codes))
        steplen = Federation.steplen
        ancestor_paths = {
            node.path[:end] for node in found for end in range(steplen, len(node.path), steplen)
        }
        found += Federation.objects.filter(path__in=ancestor_paths).exclude(code__in=codes)
        self.db = {node.code: node for node in found}
        self.db_by_path = {node.path: node for node in found}

    def check_placement(self, row: NodeRow) -> None:
        """Parent exists; the tree's rules (services.check_placement) hold for the new place."""
        parent = None
        if row.parent_code:
            if row.parent_code == row.code:
                self.fail(row, "parent", _("上级工会不能是它自己。"))
                return
            in_file, in_db = self.by_code.get(row.parent_code), self.db.get(row.parent_code)
            if in_file is None and in_db is None:
                self.fail(
                    row,
                    "parent",
                    _("上级工会“%(code)s”不存在：本文件和系统中都没有这个工会代码。")
                    % {"code": row.parent_code},
                )
                return
            # a stand-in with the parent's kind as it will be after the import
            source = in_file if in_file is not None and (in_file.kind or in_db is None) else in_db
            parent = Federation(code=row.parent_code, name=source.name, kind=source.kind)
        row.resolved = True
        try:
            services.check_placement(kind=row.kind, parent=parent, code=row.code)
        except ValidationError as error:
            key = PLACEMENT_COLUMNS.get(error.code, "parent")
            for message in error.messages:
                self.fail(row, key, message)

    def check_roots(self) -> None:
        roots = [row for row in self.rows if not row.failed and not row.parent_code]
        for row in roots[1:]:
            self.fail(
                row,
                "parent",
                _("上级工会代码为空的行只能有一个（另见第 %(row)s 行），只能有一个区总工会。")
                % {"row": roots[0].number},
            )

    def check_cycles(self) -> dict[str, int]:
        """Follow every node's parent chain as it will be after the import (the file's parent
        where the file has the node, the database's otherwise). Returns each node's depth."""

        def parent_of(code: str) -> str:
            row = self.by_code.get(code)
            if row is not None:
                return row.parent_code if row.resolved else ""
            node = self.db.get(code)
            return self.db_parent_code(node) if node else ""

        depths: dict[str, int] = {}
        broken: set[str] = set()
        for start in self.by_code:
            chain: list[str] = []
            code = start
            while code and code not in depths and code not in broken:
                if code in chain:
                    cycle = chain[chain.index(code) :]
                    self.report_cycle(cycle)
                    broken.update(chain)
                    break
                chain.append(code)
                code = parent_of(code)
            else:
                if code in broken:
                    broken.update(chain)
                    continue
                depth = depths.get(code, 0) if code else 0
                for member in reversed(chain):
                    depth += 1
                    depths[member] = depth
        return depths

    def report_cycle(self, cycle: list[str]) -> None:
        # the chain runs child → parent; show it as the file reads: each node → its parent
        path = " → ".join([*cycle, cycle[0]])
        for code in cycle:
            row = self.by_code.get(code)
            if row is not None and not row.failed:
                self.fail(row, "parent", _("上级关系形成循环：%(path)s。") % {"path": path})

    def check_new_joint_unions(self) -> None:
        """A node that becomes a joint union keeps no children: every child it has in the
        database must be moved elsewhere by this file."""
        for row in self.rows:
            node = self.db.get(row.code)
            if row.failed or row.kind != Federation.Kind.JOINT or node is None:
                continue
            if not node.numchild:
                continue
            children = Federation.objects.filter(
                path__startswith=node.path, depth=node.depth + 1
            ).values_list("code", flat=True)
            # children named in the file get their own error when they stay (a joint parent)
            staying = [code for code in children if code not in self.by_code]
            if staying:
                self.fail(row, "kind", _("该组织有下级组织，不能改为联合工会。"))

    def check_scope(self, row: NodeRow) -> None:
        """A user with a role (not the operator, not a superuser) may only change nodes in their
        MANAGE_TREE scope, and only place nodes under parents in it."""
        perm = self.importer.permission
        node = self.db.get(row.code)
        if node is not None and not user_can(self.user, perm, node):
            self.fail(row, "code", _("该工会不在您的管辖范围内，不能修改。"))
            return
        current = self.current_parent_code(row)
        if not row.parent_code:
            if current != "":  # a new root, or an existing node moved to the top
                self.fail(row, "parent", _("只有系统管理员可以创建根节点（区总工会）。"))
            return
        if row.parent_code == current:
            return  # staying where it is: the parent may lie above the user's scope
        parent = self.db.get(row.parent_code)
        if parent is not None and not user_can(self.user, perm, parent):
            self.fail(row, "parent", _("上级工会不在您的管辖范围内。"))

    def action(self, row: NodeRow, *, depth: int) -> Action:
        fields = {"name": row.name, "kind": row.kind, "joint_scope": row.joint_scope}
        fields.update(row.details)
        plan = NodePlan(
            code=row.code,
            parent_code=row.parent_code,
            fields=fields,
            depth=depth,
            values=row.values,
        )
        label = f"{row.code} {row.name}"
        node = self.db.get(row.code)
        if node is None:
            return Action(row=row.number, op=Op.CREATE, key=label, data=plan)
        changes: list[Change] = []
        changed: dict[str, str] = {}
        for name, value in fields.items():
            if getattr(node, name) != value:
                changed[name] = value
                if name not in ("kind", "joint_scope"):
                    changes.append(Change(self.header_for(name), getattr(node, name), value))
        if "kind" in changed or "joint_scope" in changed:
            changed.update(kind=row.kind, joint_scope=row.joint_scope)
            old_kind = KIND_NAMES.get((node.kind, node.joint_scope), node.kind)
            new_kind = KIND_NAMES[(row.kind, row.joint_scope)]
            changes.insert(0, Change(self.importer.header("kind"), old_kind, new_kind))
        current = self.db_parent_code(node)
        if current != row.parent_code:
            plan.move = True
            changes.append(Change(self.importer.header("parent"), current, row.parent_code))
        plan.fields = changed
        plan.becomes_joint = row.kind == Federation.Kind.JOINT and node.kind != row.kind
        op = Op.UPDATE if changes else Op.UNCHANGED
        return Action(row=row.number, op=op, key=label, changes=tuple(changes), data=plan)

    def header_for(self, field_name: str) -> str:
        return self.importer.header(FIELD_COLUMNS[field_name])
