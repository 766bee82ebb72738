"""Every write to the federation tree goes through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, changes_between, creation_changes, snapshot

from .models import Federation, FoundingTarget
from .permissions import Perm, user_can

TREE_FIELDS = ("name", "kind", "joint_scope", "address", "phone", "chair_name")


def check_placement(*, kind, parent, code=None):
    """The rules of the tree, shared by the forms, the admin and the tree import:
    one root, which is the district federation; the district federation is never below another
    node; joint unions are leaves."""
    if parent is None:
        if kind != Federation.Kind.DISTRICT:
            raise ValidationError(
                _("只有区总工会可以作为根节点，请填写上级工会。"), code="not_root_kind"
            )
        other_root = Federation.objects.filter(depth=1)
        if code:
            other_root = other_root.exclude(code=code)
        if other_root.exists():
            raise ValidationError(
                _("已存在根节点（区总工会），不能再建第二个根节点。"), code="second_root"
            )
        return
    if kind == Federation.Kind.DISTRICT:
        raise ValidationError(_("区总工会不能设上级工会。"), code="district_below")
    if parent.kind == Federation.Kind.JOINT:
        raise ValidationError(
            _("上级工会“%(name)s”是联合工会，联合工会不能有下级组织。") % {"name": parent.name},
            code="joint_parent",
        )


@transaction.atomic
def federation_create(*, code, name, kind, parent=None, joint_scope="", **details):
    check_placement(kind=kind, parent=parent)
    node = Federation(code=code, name=name, kind=kind, joint_scope=joint_scope, **details)
    node.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Federation.objects.add_root(instance=node)
    parent.refresh_from_db()
    return Federation.objects.add_child(parent, instance=node)


@transaction.atomic
def federation_update(*, federation, parent=..., **fields):
    """Change a node's details and, when `parent` is given, move it under another node."""
    federation = Federation.objects.select_for_update().get(pk=federation.pk)
    unknown = set(fields) - set(TREE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(federation, name, value)
    if federation.kind == Federation.Kind.JOINT and federation.numchild:
        raise ValidationError(_("该组织有下级组织，不能改为联合工会。"), code="joint_with_children")
    federation.full_clean(exclude=["path", "depth", "numchild"])
    current_parent = federation.get_parent()
    new_parent = current_parent if parent is ... else parent
    check_placement(kind=federation.kind, parent=new_parent, code=federation.code)
    if new_parent and (new_parent.pk == federation.pk or federation.contains(new_parent)):
        raise ValidationError(_("不能把组织移到它自己或它的下级之下。"), code="cycle")
    federation.save()
    if new_parent != current_parent and new_parent is not None:
        Federation.objects.move(federation, new_parent, pos="sorted-child")
        federation.refresh_from_db()
    return federation


@transaction.atomic
def federation_delete(*, federation):
    federation = Federation.objects.get(pk=federation.pk)
    if federation.numchild:
        raise ValidationError(_("该组织还有下级组织，不能删除。"), code="has_children")
    if federation.role_assignments.exists():
        raise ValidationError(_("该组织还有用户角色，请先移除角色再删除。"), code="has_roles")
    try:
        with transaction.atomic():
            federation.delete()
    except ProtectedError:
        raise ValidationError(
            _("该组织下还登记有企业或其他记录，不能删除。"), code="has_records"
        ) from None


# --- founding targets (建会任务) -----------------------------------------------------------------

TARGET_FIELDS = ("new_independent_unions", "large_enterprises_unionized", "members")


def founding_target_may_set(*, user, federation) -> bool:
    """The level above sets a federation's yearly targets: Perm.MANAGE_TARGETS at its parent.
    A root's targets have no level above: only superusers set them. `user=None` is the operator
    context (management commands, tasks)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if federation.depth <= 1:
        return False
    parent = Federation(path=federation.path[: (federation.depth - 1) * Federation.steplen])
    return user_can(user, Perm.MANAGE_TARGETS, parent)


@transaction.atomic
def founding_target_set(
    *,
    actor,
    federation: Federation,
    year: int,
    new_independent_unions: int,
    large_enterprises_unionized: int,
    members: int,
) -> FoundingTarget:
    """Set `federation`'s targets for `year`, replacing any set before (one row per federation
    and year). Http404 unless `actor` may set them (`founding_target_may_set`)."""
    if not founding_target_may_set(user=actor, federation=federation):
        raise Http404
    target = (
        FoundingTarget.objects.select_for_update().filter(federation=federation, year=year).first()
    )
    created = target is None
    if created:
        target = FoundingTarget(federation=federation, year=year)
    before = snapshot(target, fields=TARGET_FIELDS)
    target.new_independent_unions = new_independent_unions
    target.large_enterprises_unionized = large_enterprises_unionized
    target.members = members
    target.set_by = actor if getattr(actor, "is_authenticated", False) else None
    target.full_clean()
    target.save()
    changes = (
        creation_changes(target, fields=TARGET_FIELDS)
        if created
        else changes_between(before, target, fields=TARGET_FIELDS)
    )
    if created or changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=target,
            changes=changes,
            federation=federation,
            summary=_("%(year)s 年度建会任务") % {"year": year},
        )
    return target


@transaction.atomic
def founding_target_delete(*, actor, target: FoundingTarget) -> None:
    if not founding_target_may_set(user=actor, federation=target.federation):
        raise Http404
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=target,
        federation=target.federation,
        summary=_("删除 %(year)s 年度建会任务") % {"year": target.year},
    )
    target.delete()
