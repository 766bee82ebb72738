import io
import json

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone

from federations.models import Role
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
    coverage_part = table.split("\n\n")[0]  # (the hardship-aid and activity tables follow)
    lines = dict(line.rsplit(None, 1) for line in coverage_part.splitlines()[1:])
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


# --- --user: the user's scope instead of the operator's -----------------------------------------


def test_indicators_as_a_user_within_their_scope(tree, coverage, make_user):
    # given the chair of 太平桥
    make_user(tree.tpq, Role.CHAIR, username="tpq_chair")
    # when they ask for their own street's figures
    data = json.loads(
        run("indicators", "TPQ", "--on", "2024-06-30", "--format", "json", "--user", "tpq_chair")
    )
    # then they get them
    assert (data["federation"], data["members"]) == ("TPQ", 4)


@pytest.mark.parametrize("code", ["DGD", "FT", "NOPE"])
def test_indicators_outside_the_users_scope_are_refused_like_an_unknown_code(
    tree, coverage, make_user, code
):
    # given the chair of 太平桥
    make_user(tree.tpq, Role.CHAIR, username="tpq_chair")
    # when they ask for 东高地 (a sibling), the district above them, or a code that does not exist
    with pytest.raises(CommandError) as raised:
        run("indicators", code, "--user", "tpq_chair")
    # then each is the same usage error, naming no figure
    assert raised.value.returncode == 2
    assert str(raised.value) == (
        f"没有代码为“{code}”的工会组织，或它不在用户“tpq_chair”的管辖范围内。"
    )


def test_indicators_refuse_staff_who_see_no_dashboards(tree, coverage, make_user):
    make_user(tree.tpq, Role.STAFF, username="tpq_staff")
    with pytest.raises(CommandError, match="不在用户“tpq_staff”的管辖范围内") as raised:
        run("indicators", "TPQ", "--user", "tpq_staff")
    assert raised.value.returncode == 2


def test_commands_refuse_an_unknown_or_deactivated_user(tree, make_user):
    make_user(tree.tpq, Role.OFFICE, username="gone", is_active=False)
    for args in (("indicators", "TPQ"), ("take_snapshots", "--quarter", "2024Q2")):
        for name in ("nobody", "gone"):
            with pytest.raises(CommandError, match=f"找不到用户“{name}”") as raised:
                run(*args, "--user", name)
            assert raised.value.returncode == 2
    assert not QuarterlySnapshot.objects.exists()


def test_take_snapshots_as_a_user_covers_their_scope_and_records_them(tree, coverage, make_user):
    # given the office of 太平桥
    office = make_user(tree.tpq, Role.OFFICE, username="tpq_office")
    # when it takes the 2024Q2 snapshots from the command line, without naming a federation
    out = run("take_snapshots", "--quarter", "2024Q2", "--user", "tpq_office")
    # then only its street and the joint union below are taken, recorded as taken by it
    assert "已生成 2024Q2 的快照 2 个" in out
    taken = QuarterlySnapshot.objects.all()
    assert sorted(s.federation.code for s in taken) == ["TPQ", "TPQ-J1"]
    assert {s.taken_by for s in taken} == {office}


def test_take_snapshots_as_a_user_refuses_a_sibling_and_users_without_the_right(tree, make_user):
    make_user(tree.tpq, Role.OFFICE, username="tpq_office")
    make_user(tree.district, Role.CHAIR, username="ft_chair")
    # the office of 太平桥 may not take 东高地's snapshots
    with pytest.raises(CommandError, match="不在用户“tpq_office”的管辖范围内") as raised:
        run("take_snapshots", "--quarter", "2024Q2", "--federation", "DGD", "--user", "tpq_office")
    assert raised.value.returncode == 2
    # a chair may take none at all
    with pytest.raises(CommandError, match="没有生成季度快照的权限") as raised:
        run("take_snapshots", "--quarter", "2024Q2", "--user", "ft_chair")
    assert raised.value.returncode == 2
    # fill-missing is the operator's job
    with pytest.raises(CommandError, match="不能与") as raised:
        run("take_snapshots", "--fill-missing", "--user", "tpq_office")
    assert raised.value.returncode == 2
    assert not QuarterlySnapshot.objects.exists()
