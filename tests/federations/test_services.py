import pytest
from django.core.exceptions import ValidationError

from federations import services
from federations.models import Federation
from tests.membership.factories import EnterpriseFactory


def test_create_places_nodes_under_their_parent(tree):
    # given the small district
    # when a new street is created under it
    street = services.federation_create(
        code="XC", name="新村街道总工会", kind=Federation.Kind.STREET, parent=tree.district
    )
    # then it sits one level below the district and the district counts it
    tree.district.refresh_from_db()
    assert street.get_parent() == tree.district
    assert tree.district.numchild == 4


def test_second_root_is_refused(tree):
    with pytest.raises(ValidationError, match="第二个根节点"):
        services.federation_create(code="XC", name="西城区总工会", kind=Federation.Kind.DISTRICT)
    assert Federation.objects.filter(depth=1).count() == 1


def test_only_a_district_may_be_the_root(db):
    with pytest.raises(ValidationError, match="只有区总工会可以作为根节点"):
        services.federation_create(code="S1", name="某街道总工会", kind=Federation.Kind.STREET)
    assert not Federation.objects.exists()


def test_joint_union_cannot_have_children(tree):
    with pytest.raises(ValidationError, match="联合工会不能有下级组织"):
        services.federation_create(
            code="X1",
            name="某联合工会",
            kind=Federation.Kind.JOINT,
            joint_scope=Federation.JointScope.COMMUNITY,
            parent=tree.tpq_j1,
        )
    tree.tpq_j1.refresh_from_db()
    assert tree.tpq_j1.numchild == 0


def test_joint_union_needs_its_scope_and_others_must_not_have_one(tree):
    with pytest.raises(ValidationError):
        services.federation_create(
            code="X2", name="无类别联合工会", kind=Federation.Kind.JOINT, parent=tree.tpq
        )
    with pytest.raises(ValidationError):
        services.federation_create(
            code="X3",
            name="街道",
            kind=Federation.Kind.STREET,
            joint_scope=Federation.JointScope.BUILDING,
            parent=tree.district,
        )


@pytest.mark.parametrize("code", ["", "有中文", "a b", "x" * 33, "a/b"])
def test_bad_codes_are_refused(tree, code):
    with pytest.raises(ValidationError):
        services.federation_create(
            code=code, name="某街道总工会", kind=Federation.Kind.STREET, parent=tree.district
        )


def test_update_renames_and_moves_a_node(tree):
    # when the joint union of TPQ is renamed and moved under DGD
    moved = services.federation_update(federation=tree.tpq_j1, name="改名联合工会", parent=tree.dgd)
    # then it is found under DGD with its new name, and the counts follow
    assert moved.name == "改名联合工会"
    assert moved.get_parent().code == "DGD"
    assert Federation.objects.get(code="TPQ").numchild == 0
    assert Federation.objects.get(code="DGD").numchild == 2


def test_a_node_cannot_move_below_itself(tree):
    with pytest.raises(ValidationError, match="它自己或它的下级"):
        services.federation_update(federation=tree.tpq, parent=tree.tpq)
    assert Federation.objects.get(code="TPQ").get_parent().code == "FT"


def test_a_node_with_children_cannot_become_a_joint_union(tree):
    with pytest.raises(ValidationError, match="不能改为联合工会"):
        services.federation_update(
            federation=tree.tpq,
            kind=Federation.Kind.JOINT,
            joint_scope=Federation.JointScope.COMMUNITY,
        )


def test_delete_refuses_a_node_with_children(tree):
    with pytest.raises(ValidationError, match="还有下级组织"):
        services.federation_delete(federation=tree.tpq)
    services.federation_delete(federation=tree.tpq_j1)
    assert not Federation.objects.filter(code="TPQ-J1").exists()
    assert Federation.objects.get(code="TPQ").numchild == 0


def test_delete_refuses_a_node_with_enterprises(tree):
    # given an enterprise registered under 王佐镇
    EnterpriseFactory(jurisdiction=tree.wz)
    # when the town is deleted, a clear error says why and the town stays
    with pytest.raises(ValidationError, match="还登记有企业"):
        services.federation_delete(federation=tree.wz)
    assert Federation.objects.filter(code="WZ").exists()
