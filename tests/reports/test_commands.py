import io
import json

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone

from reports.models import QuarterlySnapshot
from reports.periods import Quarter


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_indicators_as_json_for_a_quarter(tree, coverage):
    # when the figures of 太平桥 for 2024Q2 are asked for as JSON
    data = json.loads(run("indicators", "TPQ", "--quarter", "2024Q2", "--format", "json"))
    # then they are those of the quarter's last day
    assert data["federation"] == "TPQ"
    assert data["as_of"] == "2024-06-30"
    assert data["enterprises"] == 3
    assert data["members"] == 4
    assert data["unionization_rate"] == round(2 / 3, 4)


def test_indicators_as_a_table_with_percentages_and_dashes(tree, coverage):
    # when the figures of 王佐镇 (no enterprises) and of the district are printed as a table
    empty = run("indicators", "WZ", "--on", "2024-06-30")
    table = run("indicators", "FT", "--on", "2024-06-30", "--format", "table")
    # then a zero denominator prints as "—" and rates as percentages to one decimal
    assert "王佐镇总工会（WZ）" in empty
    assert "建会率" in empty
    assert "—" in empty
    lines = dict(line.rsplit(None, 1) for line in table.splitlines()[1:])
    assert lines["建会率"] == "60.0%"
    assert lines["会员人数"] == "9"
    assert lines["统计日期"] == "2024-06-30"


def test_indicators_default_to_today(tree, coverage):
    data = json.loads(run("indicators", "DGD", "--format", "json"))
    assert data["as_of"] == timezone.localdate().isoformat()
    assert data["members"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("indicators", "NOPE"), "没有代码为“NOPE”"),
        (("indicators", "FT", "--quarter", "2024Q5"), "2026Q3"),
        (("indicators", "FT", "--on", "2024-13-01"), "YYYY-MM-DD"),
    ],
)
def test_indicators_exit_with_code_2_on_bad_input(tree, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        call_command(*args, stdout=io.StringIO())
    assert raised.value.returncode == 2


def test_indicators_exit_code_from_the_command_line(tree, capsys):
    # given the command run as from a shell
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "indicators", "NOPE"]).execute()
    # then an unknown code exits with status 2 and says why
    assert exited.value.code == 2
    assert "没有代码为“NOPE”的工会组织" in capsys.readouterr().err


def test_take_snapshots_for_a_quarter_and_a_subtree(tree, coverage):
    assert "已生成 2024Q2 的快照 6 个" in run("take_snapshots", "--quarter", "2024Q2")
    assert "快照 2 个" in run("take_snapshots", "--quarter", "2024Q2", "--federation", "DGD")
    assert QuarterlySnapshot.objects.count() == 6


def test_take_snapshots_refuses_an_unfinished_quarter(tree):
    current = str(Quarter.containing(timezone.localdate()))
    with pytest.raises(CommandError, match="尚未结束") as raised:
        call_command("take_snapshots", "--quarter", current, stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert not QuarterlySnapshot.objects.exists()


def test_take_snapshots_fill_missing(tree):
    assert "已补齐 48 个快照" in run("take_snapshots", "--fill-missing")
    assert "已补齐 0 个快照" in run("take_snapshots", "--fill-missing")
