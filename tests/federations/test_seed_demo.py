from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity
from assistance.models import Grant, HardshipFile
from federations.models import Federation, RoleAssignment
from membership.models import Enterprise
from membership.selectors import coverage_counts


def test_seed_demo_builds_the_fengtai_district_once(db, capsys):
    # when the demo data is loaded twice
    call_command("seed_demo")
    enterprises_after_first_run = Enterprise.objects.count()
    call_command("seed_demo")
    out = capsys.readouterr().out
    # then the tree has one root with the streets and towns the seed articles name
    root = Federation.objects.get(depth=1)
    names = set(root.get_children().values_list("name", flat=True))
    assert {"太平桥街道总工会", "东高地街道总工会", "王佐镇总工会", "卢沟桥地区总工会"} <= names
    assert Federation.objects.filter(kind=Federation.Kind.JOINT).count() >= 15
    assert "新建 0 个" in out
    assert "演示活动：新建 0 场" in out  # the second run adds no activities either
    assert Activity.objects.filter(federation__code="FT-DGD").exists()
    assert "新建档案 0 份，帮扶发放 0 条" in out  # nor hardship files and grants
    assert HardshipFile.objects.exists()
    assert Grant.objects.exists()
    # and every role has a demo user whose printed password works
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == {
        "staff",
        "chair",
        "office",
        "admin",
    }
    assert get_user_model().objects.get(username="tpq_chair").check_password("Demo-2026!")
    # and 东高地 has the figures its article reports: 17 independent unions, 157 enterprises
    # covered by joint unions, 2409 employees in unionized enterprises, 2320 members (96.3 %)
    figures = coverage_counts(
        federation=Federation.objects.get(code="FT-DGD"), on=timezone.localdate()
    )
    assert figures["independent_unions"] == 17
    assert figures["joint_covered_enterprises"] == 157
    assert figures["employees_in_unionized"] == 2409
    assert figures["members"] == 2320
    assert Enterprise.objects.count() == enterprises_after_first_run
