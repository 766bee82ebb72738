from django.core.management import call_command
from django.utils import timezone

from assistance.models import Grant, HardshipFile, MutualAidClaim
from tests.assistance.factories import make_member


def test_the_demo_fills_each_federation_once(tree, tpq_enterprise, dgd_enterprise, capsys):
    for n in range(30):
        make_member(tpq_enterprise if n % 2 else dgd_enterprise)
    call_command("seed_assistance_demo")
    assert "演示帮扶数据：新建档案 30 份" in capsys.readouterr().out
    assert HardshipFile.objects.filter(federation=tree.tpq).count() == 15
    assert Grant.objects.filter(status=Grant.Status.PAID).exists()
    assert Grant.objects.filter(status=Grant.Status.DRAFT).exists()
    assert MutualAidClaim.objects.count() == 6
    assert HardshipFile.objects.review_due(timezone.localdate()).exists()
    # a second run adds nothing
    grants = Grant.objects.count()
    call_command("seed_assistance_demo")
    assert (HardshipFile.objects.count(), Grant.objects.count()) == (30, grants)
