"""The tree import end to end, as staff run it: a CSV saved by Excel or WPS in China (GBK), with
the columns in their own order, imported with `import_data federations FILE`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from federations.models import Federation

# columns shuffled, one extra column the import ignores; children before their parents
GBK_CSV = (
    "上级工会代码,备注,工会名称,类型,工会代码\r\n"
    "DGD,社区,东高地社区联合工会,社区联合工会,DGD-J1\r\n"
    "FT,,东高地街道总工会,街道总工会,DGD\r\n"
    ",区级,丰台区总工会,区总工会,FT\r\n"
    "FT,,卢沟桥地区总工会,地区总工会,LGQ\r\n"
    "FT,楼宇,丽泽楼宇联合工会,楼宇联合工会,LZ-B1\r\n"
).encode("gbk")


def run(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", "federations", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), error.returncode
    return out.getvalue(), err.getvalue(), 0


@pytest.fixture
def gbk_file(tmp_path):
    path = tmp_path / "组织架构.csv"
    path.write_bytes(GBK_CSV)
    return path


def test_a_gbk_csv_with_shuffled_columns_builds_the_tree(db, gbk_file):
    # when the GBK file is imported
    out, err, code = run(gbk_file)
    # then it succeeds and every node is in place, its Chinese name intact
    assert (code, err) == (0, "")
    assert "新建 5，更新 0，未变 0" in out
    nodes = {f.code: f for f in Federation.objects.all()}
    assert nodes["FT"].is_root()
    assert nodes["DGD-J1"].name == "东高地社区联合工会"
    assert nodes["DGD-J1"].get_parent().code == "DGD"
    assert (nodes["DGD-J1"].kind, nodes["DGD-J1"].joint_scope) == ("joint", "community")
    assert (nodes["LZ-B1"].kind, nodes["LZ-B1"].joint_scope) == ("joint", "building")
    assert nodes["LGQ"].kind == Federation.Kind.AREA
    # and importing it again changes nothing
    out, _err, code = run(gbk_file)
    assert code == 0
    assert "新建 0，更新 0，未变 5" in out


def test_a_gbk_csv_with_a_bad_row_names_it_and_writes_nothing(db, tmp_path):
    # given a GBK file whose second data row names a parent that does not exist
    path = tmp_path / "组织架构.csv"
    path.write_bytes(
        "类型,工会代码,上级工会代码,工会名称\r\n"
        "区总工会,FT,,丰台区总工会\r\n"
        "街道总工会,TPQ,无此工会,太平桥街道总工会\r\n".encode("gbk")
    )
    # when it is imported
    _out, err, code = run(path)
    # then it exits 1 with the row, the column and the value in Chinese, and writes nothing
    assert code == 1
    assert "第 3 行" in err
    assert "上级工会代码" in err
    assert "无此工会" in err
    assert not Federation.objects.exists()
