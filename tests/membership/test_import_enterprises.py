"""Importing enterprises: `import_data enterprises FILE`, the import page and the admin share
this importer (membership/resources.py)."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from imports.parsing import ImportFileError
from membership.models import Enterprise, UnionStatusChange
from tests.imports.files import csv, row_errors, xlsx
from tests.membership.factories import EnterpriseFactory, make_credit_code

HEADERS = [
    "单位名称",
    "统一社会信用代码",
    "所属工会",
    "经济类型",
    "行业",
    "职工人数",
    "建会状态",
    "联合工会",
    "建会日期",
    "地址",
    "联系人",
    "联系电话",
]
A, B, C = make_credit_code(900001), make_credit_code(900002), make_credit_code(900003)


def row(name, code, *, juris="TPQ", kind="私营", status="未建会", joint="", since="", **extra):
    values = [name, code, juris, kind, "C", 120, status, joint, since, "丰台区某路1号", "张三", ""]
    for index, header in enumerate(HEADERS):
        if header in extra:
            values[index] = extra[header]
    return values


@pytest.fixture
def run(run_import):
    def do(rows, *, headers=HEADERS, data=None, file_name="企业.xlsx", **options):
        content = data if data is not None else xlsx(rows, headers=headers)
        return run_import(content, kind="enterprises", file_name=file_name, **options)

    return do


def test_a_good_file_registers_enterprises_with_their_union_status(tree, run):
    # given a file with one enterprise of each status
    rows = [
        row("甲公司", A),
        row("乙公司", B, status="联合工会覆盖", joint="TPQ-J1", since="2024-03-01"),
        row("丙公司", C, status="独立建会", since="2023年6月1日", 职工人数=250),
    ]
    # when it is imported
    result = run(rows)
    # then three enterprises are registered, with their status and its dated history
    assert (result.created, result.written) == (3, True), row_errors(result)
    joint = Enterprise.objects.get(credit_code=B)
    assert (joint.union_status, joint.joint_union, joint.union_since) == (
        Enterprise.UnionStatus.JOINT,
        tree.tpq_j1,
        datetime.date(2024, 3, 1),
    )
    independent = Enterprise.objects.get(credit_code=C)
    assert independent.employees == 250
    assert independent.industry == "C"
    assert list(independent.status_changes.values_list("status", "effective_on")) == [
        ("independent", datetime.date(2023, 6, 1))
    ]
    assert not Enterprise.objects.get(credit_code=A).status_changes.exists()
    # and "unionized on a date" has an answer before and after the founding date
    on = {
        e.credit_code: e.status_on
        for e in Enterprise.objects.with_status_on(datetime.date(2024, 2, 29), details=False)
    }
    assert on == {A: "none", B: "none", C: "independent"}


def test_the_import_is_one_audit_event_with_file_name_and_row_count(tree, run, staff):
    result = run([row("甲公司", A), row("乙公司", B)], user=staff.tpq, file_name="名册.xlsx")
    assert result.written
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.actor, event.file_name, event.row_count) == (staff.tpq, "名册.xlsx", 2)
    assert event.federation == tree.tpq
    assert sorted(event.changes["created"]) == sorted(
        Enterprise.objects.values_list("pk", flat=True)
    )


def test_importing_the_same_file_again_changes_nothing(tree, run):
    rows = [
        row("甲公司", A),
        row("乙公司", B, status="联合工会覆盖", joint="TPQ-J1", since="2024-03-01"),
    ]
    assert run(rows).written
    events = AuditEvent.objects.count()
    again = run(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert UnionStatusChange.objects.count() == 1
    assert AuditEvent.objects.count() == events + 1  # the (empty) import itself


def test_a_changed_cell_updates_that_enterprise_only(tree, run):
    run([row("甲公司", A), row("乙公司", B)])
    result = run([row("甲公司（更名）", A, 职工人数=130), row("乙公司", B)])
    assert (result.updated, result.unchanged) == (1, 1)
    changed = Enterprise.objects.get(credit_code=A)
    assert (changed.name, changed.employees) == ("甲公司（更名）", 130)
    [action] = [a for a in result.actions if a.changes]
    assert {c.column for c in action.changes} == {"单位名称", "职工人数"}


def test_an_upgrade_from_joint_to_independent_is_recorded_as_history(tree, run):
    run([row("乙公司", B, status="联合工会覆盖", joint="TPQ-J1", since="2022-01-10")])
    result = run([row("乙公司", B, status="独立建会", since="2025-05-01")])
    assert result.written, row_errors(result)
    enterprise = Enterprise.objects.get(credit_code=B)
    assert enterprise.union_status == Enterprise.UnionStatus.INDEPENDENT
    assert list(
        enterprise.status_changes.order_by("effective_on").values_list("status", flat=True)
    ) == [
        "joint",
        "independent",
    ]


def test_dissolving_a_union_is_refused_in_an_import(tree, run):
    run([row("丙公司", C, status="独立建会", since="2023-06-01")])
    result = run([row("丙公司", C, status="未建会")])
    assert not result.written
    assert row_errors(result) == [
        (2, "建会状态", "不能通过导入由“独立建会”改为“未建会”；撤销建会请在企业页面办理。")
    ]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"统一社会信用代码": A[:17] + ("0" if A[17] != "0" else "1")},
            "统一社会信用代码",
            "校验位错误",
        ),
        ({"统一社会信用代码": A[:10]}, "统一社会信用代码", "应为18位"),
        ({"所属工会": "NOPE"}, "所属工会", "不存在或不在您的管辖范围内"),
        ({"所属工会": "TPQ-J1"}, "所属工会", "必须是街道、镇或地区总工会"),
        ({"经济类型": "合伙"}, "经济类型", "不是有效的经济类型"),
        ({"行业": "Z"}, "行业", "不是有效的行业"),
        ({"职工人数": "-3"}, "职工人数", "不能为负数"),
        ({"职工人数": "很多"}, "职工人数", "请填写整数"),
        ({"建会状态": "筹建中"}, "建会状态", "建会状态只能是"),
        ({"建会状态": "独立建会"}, "建会日期", "必须填写建会日期"),
        ({"建会状态": "联合工会覆盖", "建会日期": "2024-01-01"}, "联合工会", "必须填写联合工会"),
        (
            {"建会状态": "联合工会覆盖", "联合工会": "DGD-J1", "建会日期": "2024-01-01"},
            "联合工会",
            "不在企业所属的",
        ),
        ({"建会状态": "独立建会", "建会日期": "2024-02-30"}, "建会日期", "日期不存在"),
        (
            {"建会状态": "未建会", "建会日期": "2024-01-01"},
            "建会状态",
            "不能填写联合工会或建会日期",
        ),
        ({"单位名称": ""}, "单位名称", "必填"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    tree, run, cells, column, message
):
    # given a good row and a bad one
    result = run([row("甲公司", A), row("乙公司", B, **cells)])
    # then the error names the bad row and column, and nothing is written
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert not Enterprise.objects.exists()


def test_a_founding_date_in_the_future_is_refused(tree, run):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    result = run([row("丙公司", C, status="独立建会", since=tomorrow)])
    assert [(e.column, e.message) for e in result.errors] == [
        ("建会日期", f"建会日期 {tomorrow} 晚于今天，不能登记未来的日期。")
    ]


def test_the_same_credit_code_twice_in_a_file_is_an_error(tree, run):
    result = run([row("甲公司", A), row("甲公司二", A)])
    assert row_errors(result) == [
        (3, "统一社会信用代码", "统一社会信用代码与第 2 行重复，同一企业只能出现一次。")
    ]


def test_staff_cannot_import_into_a_sibling_street(tree, run, staff):
    # given staff of TPQ and an enterprise already registered in DGD
    EnterpriseFactory(jurisdiction=tree.dgd, credit_code=C, name="东高地企业")
    # when the file places one enterprise in DGD and touches the DGD one
    result = run([row("甲公司", A, juris="DGD"), row("改名", C)], user=staff.tpq)
    # then both rows are refused, without saying what DGD holds
    assert row_errors(result) == [
        (2, "所属工会", "工会代码“DGD”不存在或不在您的管辖范围内。"),
        (3, "统一社会信用代码", "该统一社会信用代码已由其他辖区登记，不能在这里导入或修改。"),
    ]
    assert Enterprise.objects.get(credit_code=C).name == "东高地企业"


def test_a_gbk_csv_with_shuffled_columns_and_full_width_codes(tree, run):
    headers = ["经济类型", "所属工会", "统一社会信用代码", "单位名称", "备注"]
    full_width = A.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    data = csv(
        [["私营企业", " ＴＰＱ ", full_width, "甲公司", "多余的列"]],
        headers=headers,
        encoding="gbk",
    )
    result = run([], data=data)
    assert result.written, row_errors(result)
    enterprise = Enterprise.objects.get()
    assert (enterprise.credit_code, enterprise.jurisdiction, enterprise.economic_type) == (
        A,
        tree.tpq,
        "private",
    )


def test_a_missing_required_column_is_named(tree, run):
    with pytest.raises(ImportFileError, match="缺少必需的列：“经济类型”"):
        run([["甲公司", A, "TPQ"]], headers=["单位名称", "统一社会信用代码", "所属工会"])


def test_a_dry_run_writes_nothing(tree, run):
    result = run([row("甲公司", A)], dry_run=True)
    assert (result.created, result.written) == (1, False)
    assert not Enterprise.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_changed_jurisdiction_moves_the_enterprise(tree, run):
    run([row("甲公司", A)])
    result = run([row("甲公司", A, juris="DGD")])
    assert result.updated == 1, row_errors(result)
    assert Enterprise.objects.get(credit_code=A).jurisdiction == tree.dgd
    [change] = result.actions[0].changes
    assert (change.column, change.old, change.new) == (
        "所属工会",
        "TPQ 太平桥街道总工会",
        "DGD 东高地街道总工会",
    )
