import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from federations.models import Federation, Role
from imports.management.commands.import_data import Command
from tests.imports.files import TREE_ROWS, xlsx


@pytest.fixture
def tree_file(tmp_path):
    path = tmp_path / "组织架构.xlsx"
    path.write_bytes(xlsx(TREE_ROWS))
    return path


def run(*args):
    """call_command, returning (stdout, stderr, exit code)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), error.returncode
    return out.getvalue(), err.getvalue(), 0


def test_a_good_file_exits_0_and_prints_the_counts(db, tree_file):
    # when the tree file is imported at the command line
    out, _err, code = run("federations", str(tree_file))
    # then it succeeds, says what it did and the rows are there
    assert code == 0
    assert "导入完成：新建 5，更新 0，未变 0" in out
    assert Federation.objects.count() == 5


def test_reimport_reports_everything_unchanged(db, tree_file):
    run("federations", str(tree_file))
    out, _err, code = run("federations", str(tree_file))
    assert code == 0
    assert "新建 0，更新 0，未变 5" in out


def test_row_errors_exit_1_print_every_error_and_write_nothing(db, tmp_path):
    # given a file with two bad rows
    path = tmp_path / "bad.xlsx"
    rows = [
        *TREE_ROWS,
        ["NEW", "新街道总工会", "街道总工会", "NOPE"],
        ["", "无代码", "街道总工会", "FT"],
    ]
    path.write_bytes(xlsx(rows))
    # when imported
    _out, err, code = run("federations", str(path))
    # then it exits 1 with each error on its own line, and nothing is written
    assert code == 1
    assert "第 7 行，列“上级工会代码”，值“NOPE”：上级工会“NOPE”不存在" in err
    assert "第 8 行，列“工会代码”，值“”：必填，不能为空。" in err
    assert "共 2 处错误，未写入任何数据" in err
    assert Federation.objects.count() == 0


def test_a_bad_file_exits_1(db, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    _out, err, code = run("federations", str(path))
    assert code == 1
    assert "另存为 .xlsx" in err


def test_dry_run_writes_nothing_and_says_what_would_happen(db, tree_file):
    out, _err, code = run("federations", str(tree_file), "--dry-run")
    assert code == 0
    assert "试运行" in out
    assert "新建 5" in out
    assert Federation.objects.count() == 0


def test_verbose_run_lists_each_row(db, tree_file):
    out, _err, _code = run("federations", str(tree_file), "--dry-run", "-v", "2")
    assert "第 2 行：新建 TPQ-J1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("members-unknown", "x.xlsx"), "未知的导入类型"),
        (("federations", "/nonexistent/file.xlsx"), "找不到文件"),
        (("federations",), "Error:"),
        (("federations", "x.xlsx", "--bogus"), "Error:"),
    ],
    ids=["unknown-kind", "missing-file", "missing-argument", "unknown-option"],
)
def test_usage_errors_exit_2(db, args, message):
    _out, err, code = run(*args)
    assert code == 2
    assert message in err


def test_unknown_user_is_a_usage_error(db, tree_file):
    _out, err, code = run("federations", str(tree_file), "--user", "nobody")
    assert code == 2
    assert "找不到用户“nobody”" in err


def test_a_user_without_the_permission_is_a_usage_error(tree, make_user, tree_file):
    staff = make_user(tree.tpq, Role.STAFF)
    _out, err, code = run("federations", str(tree_file), "--user", staff.username)
    assert code == 2
    assert "没有导入" in err


def test_with_user_the_users_scope_applies(tree, make_user, tmp_path):
    # given the admin of 太平桥 and a file placing a node under 东高地, their sibling
    admin = make_user(tree.tpq, Role.ADMIN)
    path = tmp_path / "sibling.csv"
    path.write_bytes(
        "工会代码,工会名称,类型,上级工会代码\nDGD-J2,东高地二,社区联合工会,DGD\n".encode()
    )
    # when they import it
    _out, err, code = run("federations", str(path), "--user", admin.username)
    # then the row is refused
    assert code == 1
    assert "上级工会不在您的管辖范围内" in err
    assert not Federation.objects.filter(code="DGD-J2").exists()


def test_without_user_the_operator_has_full_scope(tree, tmp_path):
    path = tmp_path / "sibling.csv"
    path.write_bytes(
        "工会代码,工会名称,类型,上级工会代码\nDGD-J2,东高地二,社区联合工会,DGD\n".encode()
    )
    _out, _err, code = run("federations", str(path))
    assert code == 0
    assert Federation.objects.filter(code="DGD-J2").exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["federations", "/nonexistent.xlsx"], 2),
        (["federations"], 2),
    ],
    ids=["missing-file", "missing-argument"],
)
def test_the_process_exit_status_from_the_shell(db, argv, expected, capsys):
    # run the way manage.py runs it, where errors become the process's exit status
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_data", *argv])
    assert exited.value.code == expected
