"""The pieces every importer shares: the registry, all-or-nothing writes, error texts."""

import pytest

from federations import services
from federations.models import Federation
from federations.permissions import Perm
from federations.resources import FederationImporter
from imports import registry
from imports.base import Action, Column, Importer, Op, Plan, RowError, RowErrors


class HalfWayImporter(Importer):
    """Writes one node, then finds a problem with the second row."""

    kind = "half-way"
    label = "测试"
    permission = Perm.MANAGE_TREE
    columns = (Column("code", "工会代码", required=True),)

    def write(self, plan, *, user):
        services.federation_create(code="ROOT", name="区总工会", kind=Federation.Kind.DISTRICT)
        raise RowErrors([RowError(row=3, column="工会代码", value="X", message="冲突")])


def test_an_error_raised_while_writing_rolls_back_everything(db):
    # given a plan whose write fails after a first row was saved
    plan = Plan(actions=[Action(row=2, op=Op.CREATE, key="ROOT")])
    # when it is applied
    result = HalfWayImporter().apply(plan, user=None)
    # then the error is reported and the first row is gone too
    assert not result.written
    assert [str(error) for error in result.errors] == ["第 3 行，列“工会代码”，值“X”：冲突"]
    assert not Federation.objects.exists()


def test_a_plan_with_errors_is_never_written(db):
    plan = Plan(
        actions=[Action(row=2, op=Op.CREATE, key="ROOT")],
        errors=[RowError(row=3, column="工会代码", value="", message="必填，不能为空。")],
    )
    result = HalfWayImporter().apply(plan, user=None)
    assert (result.written, result.created) == (False, 1)
    assert not Federation.objects.exists()


def test_the_registry_finds_importers_declared_in_resources_modules():
    assert registry.get("federations") is FederationImporter
    assert FederationImporter in registry.all_importers()
    assert registry.get("no-such-kind") is None


def test_a_kind_cannot_be_registered_twice():
    other = type("Other", (FederationImporter,), {})
    with pytest.raises(ValueError, match="already registered"):
        registry.register(other)


def test_a_required_column_may_allow_empty_cells():
    assert Column("code", "工会代码", required=True).value_required
    assert not Column("parent", "上级工会代码", required=True, blank=True).value_required
    assert not Column("address", "地址").value_required
