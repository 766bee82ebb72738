import pytest

from federations.models import Federation, Role
from tests.factories import FederationFactory
from tests.imports.files import HEADERS, TREE_ROWS, csv, xlsx


def parent_code(code):
    node = Federation.objects.get(code=code)
    parent = Federation.objects.get_parent(node)
    return parent.code if parent else ""


def tree_shape():
    """Every node as (code, parent code, kind, joint scope)."""
    return {(f.code, parent_code(f.code), f.kind, f.joint_scope) for f in Federation.objects.all()}


def snapshot():
    return sorted(Federation.objects.values_list("code", "name", "kind", "path"))


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --- a good file ------------------------------------------------------------------------------


def test_good_file_creates_the_tree_with_children_listed_before_parents(run_import):
    # given an empty database and a file listing children before their parents
    # when it is imported at the command line
    result = run_import(xlsx(TREE_ROWS))
    # then every node is created, in the right place
    assert result.ok
    assert result.written
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert tree_shape() == {
        ("FT", "", "district", ""),
        ("TPQ", "FT", "street", ""),
        ("TPQ-J1", "TPQ", "joint", "community"),
        ("WZ", "FT", "town", ""),
        ("LZ-B1", "FT", "joint", "building"),
    }
    assert Federation.objects.get(code="FT").numchild == 3
    assert Federation.objects.get(code="TPQ-J1").name == "太平桥社区联合工会"


def test_optional_columns_are_stored_and_excel_numbers_lose_their_decimals(run_import):
    # given a file with the optional columns, the phone typed as a number in Excel
    rows = [["FT", "丰台区总工会", "区总工会", "", "丰台区文体路 1 号", 13912345678, "张三"]]
    data = xlsx(rows, headers=[*HEADERS, "地址", "联系电话", "工会主席"])
    # when it is imported
    run_import(data)
    # then the details are stored as the staff typed them
    ft = Federation.objects.get(code="FT")
    assert (ft.address, ft.phone, ft.chair_name) == ("丰台区文体路 1 号", "13912345678", "张三")


def test_reimporting_the_same_file_changes_nothing(run_import):
    # given a file that has been imported once
    data = xlsx(TREE_ROWS)
    run_import(data)
    before = list(Federation.objects.values_list("code", "path", "updated_at"))
    # when it is imported again
    result = run_import(data)
    # then every row is unchanged and nothing was touched
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert list(Federation.objects.values_list("code", "path", "updated_at")) == before


def test_a_changed_name_updates_only_that_node(run_import):
    # given the tree in the database
    run_import(xlsx(TREE_ROWS))
    rows = [list(row) for row in TREE_ROWS]
    rows[3][1] = "王佐镇总工会（新）"
    # when a file with one changed name is imported
    result = run_import(xlsx(rows))
    # then that node is updated and the others are unchanged
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    assert result.actions[3].changes[0].old == "王佐镇总工会"
    assert Federation.objects.get(code="WZ").name == "王佐镇总工会（新）"


def test_a_changed_parent_moves_the_node_with_its_subtree(tree, run_import):
    # given 东高地 (with its joint union) under the district
    # when a file places 东高地 under 太平桥
    result = run_import(xlsx([["DGD", "东高地街道总工会", "街道总工会", "TPQ"]]))
    # then 东高地 and its joint union moved
    assert (result.updated, result.created) == (1, 0)
    assert parent_code("DGD") == "TPQ"
    assert parent_code("DGD-J1") == "DGD"


def test_a_node_moves_under_a_parent_created_by_the_same_file(tree, run_import):
    # given a file that moves 太平桥 under a new street listed after it
    rows = [
        ["TPQ", "太平桥街道总工会", "街道总工会", "NEW"],
        ["NEW", "新建街道总工会", "街道总工会", "FT"],
    ]
    # when it is imported
    result = run_import(xlsx(rows))
    # then the new street exists and 太平桥 sits below it
    assert (result.created, result.updated) == (1, 1)
    assert parent_code("TPQ") == "NEW"
    assert Federation.objects.get(code="TPQ-J1").depth == 4


def test_a_node_can_become_a_joint_union_once_its_children_move_away(tree, run_import):
    # given a file moving 太平桥's only child to the district and making 太平桥 a joint union
    rows = [
        ["TPQ", "太平桥街道总工会", "社区联合工会", "FT"],
        ["TPQ-J1", "太平桥社区联合工会", "社区联合工会", "FT"],
    ]
    # when it is imported
    result = run_import(xlsx(rows))
    # then both changes are made
    assert result.ok, result.errors
    tpq = Federation.objects.get(code="TPQ")
    assert (tpq.kind, tpq.joint_scope, tpq.numchild) == ("joint", "community", 0)
    assert parent_code("TPQ-J1") == "FT"


# --- bad rows: the error names row, column and reason, and nothing is written ------------------

BAD_ROWS = [
    pytest.param(
        [["NEW", "新街道总工会", "街道总工会", "NOPE"]],
        (2, "上级工会代码", "NOPE", "不存在"),
        id="unknown-parent",
    ),
    pytest.param(
        [["TPQ-J9", "太平桥第九社区联合工会", "社区联合工会", "TPQ"]] * 2,
        (3, "工会代码", "TPQ-J9", "与第 2 行重复"),
        id="duplicate-code",
    ),
    pytest.param(
        [["XC", "西城区总工会", "区总工会", ""]],
        (2, "上级工会代码", "", "第二个根节点"),
        id="second-root",
    ),
    pytest.param(
        [
            ["J9", "某社区联合工会", "社区联合工会", "FT"],
            ["K9", "某街道总工会", "街道总工会", "J9"],
        ],
        (3, "上级工会代码", "J9", "联合工会不能有下级组织"),
        id="child-of-joint-in-file",
    ),
    pytest.param(
        [["K9", "某街道总工会", "街道总工会", "TPQ-J1"]],
        (2, "上级工会代码", "TPQ-J1", "联合工会不能有下级组织"),
        id="child-of-joint-in-database",
    ),
    pytest.param(
        [["TPQ", "太平桥街道总工会", "社区联合工会", "FT"]],
        (2, "类型", "社区联合工会", "有下级组织，不能改为联合工会"),
        id="joint-keeping-children",
    ),
    pytest.param(
        [["", "新街道总工会", "街道总工会", "FT"]],
        (2, "工会代码", "", "必填"),
        id="missing-code",
    ),
    pytest.param(
        [["NEW", "", "街道总工会", "FT"]],
        (2, "工会名称", "", "必填"),
        id="missing-name",
    ),
    pytest.param(
        [["NEW", "新街道总工会", "", "FT"]],
        (2, "类型", "", "必填"),
        id="missing-kind",
    ),
    pytest.param(
        [["新街道", "新街道总工会", "街道总工会", "FT"]],
        (2, "工会代码", "新街道", "字母、数字"),
        id="bad-code-format",
    ),
    pytest.param(
        [["X" * 33, "新街道总工会", "街道总工会", "FT"]],
        (2, "工会代码", "X" * 33, "1–32"),
        id="code-too-long",
    ),
    pytest.param(
        [["NEW", "新街道总工会", "街道工会", "FT"]],
        (2, "类型", "街道工会", "类型只能是"),
        id="unknown-kind",
    ),
    pytest.param(
        [["XC", "西城区总工会", "区总工会", "FT"]],
        (2, "上级工会代码", "FT", "区总工会不能设上级工会"),
        id="district-with-parent",
    ),
    pytest.param(
        [["NEW", "新街道总工会", "街道总工会", ""]],
        (2, "上级工会代码", "", "只有区总工会可以作为根节点"),
        id="street-without-parent",
    ),
    pytest.param(
        [["NEW", "新街道总工会", "街道总工会", "NEW"]],
        (2, "上级工会代码", "NEW", "不能是它自己"),
        id="own-parent",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_written(tree, run_import, rows, expected):
    # given the small district in the database and a file with one bad row
    before = snapshot()
    # when it is imported
    result = run_import(xlsx(rows))
    # then the error names the row, the column, the value and the reason
    error = only_error(result)
    row, column, value, reason = expected
    assert (error.row, error.column, error.value) == (row, column, value)
    assert reason in error.message
    # and nothing was written
    assert not result.written
    assert snapshot() == before


def test_one_bad_row_among_good_ones_writes_nothing(tree, run_import):
    # given a file with two good rows and one bad one
    rows = [
        ["TPQ-J2", "太平桥第二社区联合工会", "社区联合工会", "TPQ"],
        ["TPQ", "太平桥街道总工会（改名）", "街道总工会", "FT"],
        ["BAD", "坏行", "街道总工会", "NOPE"],
    ]
    before = snapshot()
    # when it is imported
    result = run_import(xlsx(rows))
    # then the good rows are counted but nothing is created or renamed
    assert (result.created, result.updated, len(result.errors)) == (1, 1, 1)
    assert snapshot() == before


def test_every_error_is_reported_not_only_the_first(tree, run_import):
    rows = [
        ["A1", "", "街道总工会", "FT"],
        ["A2", "乙", "街道工会", "FT"],
        ["A3", "丙", "街道总工会", "NOPE"],
    ]
    result = run_import(xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "工会名称"),
        (3, "类型"),
        (4, "上级工会代码"),
    ]


def test_a_cycle_within_the_file_is_reported_on_each_row(tree, run_import):
    # given two new streets, each the other's parent
    rows = [["A", "甲街道总工会", "街道总工会", "B"], ["B", "乙街道总工会", "街道总工会", "A"]]
    # when imported
    result = run_import(xlsx(rows))
    # then both rows name the cycle
    assert [(e.row, e.column) for e in result.errors] == [(2, "上级工会代码"), (3, "上级工会代码")]
    assert all("循环" in e.message for e in result.errors)
    assert not Federation.objects.filter(code__in=["A", "B"]).exists()


def test_a_cycle_through_the_database_is_reported(tree, run_import):
    # given a street S2 below 太平桥 in the database
    FederationFactory(code="S2", name="太平桥下属街道", parent=tree.tpq)
    before = snapshot()
    # when a file moves 太平桥 below S2
    result = run_import(xlsx([["TPQ", "太平桥街道总工会", "街道总工会", "S2"]]))
    # then the cycle TPQ → S2 → TPQ is reported and nothing moves
    error = only_error(result)
    assert (error.row, error.column) == (2, "上级工会代码")
    assert "TPQ → S2 → TPQ" in error.message
    assert snapshot() == before


def test_two_root_rows_in_an_empty_database(run_import):
    rows = [["FT", "丰台区总工会", "区总工会", ""], ["XC", "西城区总工会", "区总工会", ""]]
    result = run_import(xlsx(rows))
    error = only_error(result)
    assert (error.row, error.column) == (3, "上级工会代码")
    assert "第 2 行" in error.message
    assert Federation.objects.count() == 0


# --- normalisation --------------------------------------------------------------------------


def test_full_width_characters_and_stray_spaces_are_normalised(tree, run_import):
    # given a row typed with a Chinese input method: full-width code, ideographic spaces
    rows = [["ＴＰＱ－Ｊ２\u3000", "\u3000太平桥第二社区联合工会 ", " 社区联合工会\xa0", "ＴＰＱ "]]
    # when imported
    result = run_import(csv(rows).replace(b"\r\n", b"\n"))
    # then the node is stored with clean values
    assert result.ok, result.errors
    assert Federation.objects.get(code="TPQ-J2").name == "太平桥第二社区联合工会"
    assert parent_code("TPQ-J2") == "TPQ"


def test_full_width_punctuation_in_names_is_kept(tree, run_import):
    run_import(xlsx([["WZ", "王佐镇（乡）总工会", "镇总工会", "FT"]]))
    assert Federation.objects.get(code="WZ").name == "王佐镇（乡）总工会"


def test_columns_in_any_order_and_extra_columns_are_ignored(tree, run_import):
    # given a file with shuffled columns and two columns the import does not know
    headers = ["备注", "上级工会代码", "类型", "序号", "工会名称", "工会代码"]
    rows = [["新建", "TPQ", "社区联合工会", 1, "太平桥第二社区联合工会", "TPQ-J2"]]
    # when imported
    result = run_import(xlsx(rows, headers=headers))
    # then the row is read by header name
    assert result.created == 1
    assert parent_code("TPQ-J2") == "TPQ"


# --- scope ----------------------------------------------------------------------------------


def test_street_admin_cannot_place_a_node_under_a_sibling_federation(tree, make_user, run_import):
    # given the admin of 太平桥
    admin = make_user(tree.tpq, Role.ADMIN)
    before = snapshot()
    # when they import a node whose parent is 东高地, their sibling
    result = run_import(xlsx([["DGD-J2", "东高地第二联合工会", "社区联合工会", "DGD"]]), user=admin)
    # then the row is refused and nothing is written
    error = only_error(result)
    assert (error.row, error.column, error.value) == (2, "上级工会代码", "DGD")
    assert "不在您的管辖范围内" in error.message
    assert snapshot() == before


def test_staff_without_tree_rights_get_a_row_error_for_a_sibling_parent(
    tree, make_user, run_import
):
    staff = make_user(tree.tpq, Role.STAFF)
    result = run_import(xlsx([["DGD-J2", "东高地第二联合工会", "社区联合工会", "DGD"]]), user=staff)
    assert "不在您的管辖范围内" in only_error(result).message
    assert not Federation.objects.filter(code="DGD-J2").exists()


def test_street_admin_cannot_change_a_node_outside_their_scope(tree, make_user, run_import):
    admin = make_user(tree.tpq, Role.ADMIN)
    result = run_import(xlsx([["DGD", "东高地（改名）", "街道总工会", "FT"]]), user=admin)
    error = only_error(result)
    assert (error.column, error.value) == ("工会代码", "DGD")
    assert Federation.objects.get(code="DGD").name == "东高地街道总工会"


def test_street_admin_cannot_move_their_node_into_a_sibling(tree, make_user, run_import):
    admin = make_user(tree.tpq, Role.ADMIN)
    result = run_import(xlsx([["TPQ-J1", "太平桥社区联合工会", "社区联合工会", "DGD"]]), user=admin)
    assert only_error(result).column == "上级工会代码"
    assert parent_code("TPQ-J1") == "TPQ"


def test_street_admin_imports_within_their_scope(tree, make_user, run_import):
    # given the admin of 太平桥 and a file with their own street (its parent above their scope,
    # unchanged) and a new joint union below it
    admin = make_user(tree.tpq, Role.ADMIN)
    rows = [
        ["TPQ", "太平桥街道总工会", "街道总工会", "FT"],
        ["TPQ-J2", "太平桥第二社区联合工会", "社区联合工会", "TPQ"],
    ]
    # when they import it
    result = run_import(xlsx(rows), user=admin)
    # then the new node is created and their street is left as it is
    assert (result.created, result.unchanged, result.errors) == (1, 1, ())
    assert parent_code("TPQ-J2") == "TPQ"


def test_dry_run_writes_nothing(run_import):
    result = run_import(xlsx(TREE_ROWS), dry_run=True)
    assert (result.created, result.written) == (5, False)
    assert Federation.objects.count() == 0
