"""Recording audit events. Every service that writes records calls `audit_record` inside its own
transaction, so an event exists exactly when the change does.

    before = snapshot(enterprise)
    ... change and save ...
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=enterprise,
                 changes=changes_between(before, enterprise), federation=enterprise.jurisdiction)

Bulk imports record one event: `audit_record(actor=user, action=AuditEvent.Action.IMPORT,
obj=Member, file_name="会员.xlsx", row_count=1200, federation=scope_root, summary=...)` —
`obj` may be a model class, giving the object type without an id.
"""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from membership.validators import mask_id_number

from .models import AuditEvent

# Never stored in full in the log: full ID numbers are only shown (and logged) on reveal.
SENSITIVE_FIELDS = {"id_number"}
IGNORED_FIELDS = {"id", "created_at", "updated_at"}


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _masked(field, value):
    if field in SENSITIVE_FIELDS and value:
        return mask_id_number(value)
    return value


def snapshot(instance, fields=None):
    """The concrete field values of `instance` as JSON-ready data, keyed by field name (foreign
    keys by name, holding the related pk). Take one before changing an instance; it holds full
    values and is not itself stored (`changes_between` masks what is stored)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or (fields is not None and field.name not in fields):
            continue
        value = getattr(instance, field.attname)
        data[field.name] = _json_value(value)
    return data


def changes_between(old, new_instance, fields=None):
    """{field: [old, new]} for every field whose value differs between the snapshot `old` (a
    dict from `snapshot`) and `new_instance`. ID numbers appear masked."""
    new = snapshot(new_instance, fields=fields)
    changes = {}
    for name, new_value in new.items():
        old_value = old.get(name)
        if old_value != new_value:
            changes[name] = [_masked(name, old_value), _masked(name, new_value)]
    return changes


def creation_changes(instance, fields=None):
    """{field: [None, value]} for a new record (empty values left out)."""
    return {
        name: [None, _masked(name, value)]
        for name, value in snapshot(instance, fields=fields).items()
        if value not in (None, "")
    }


def audit_record(
    *,
    actor,
    action,
    obj=None,
    changes=None,
    summary="",
    file_name="",
    row_count=None,
    federation=None,
):
    """Write one audit event and return it.

    actor: the user, or None for an operator context (CLI, Celery task).
    action: an `AuditEvent.Action`.
    obj: the record acted on; a model class for bulk events (type without id); None otherwise.
    changes: {field: [old, new]} (see `changes_between`).
    federation: the node the event concerns (an enterprise's jurisdiction); it decides who may
        read the event.
    """
    content_type = object_id = None
    object_repr = ""
    if isinstance(obj, type) and issubclass(obj, models.Model):
        content_type = ContentType.objects.get_for_model(obj)
        object_repr = str(obj._meta.verbose_name)
    elif obj is not None:
        content_type = ContentType.objects.get_for_model(obj)
        object_id = obj.pk
        object_repr = str(obj)[:200]
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        content_type=content_type,
        object_id=object_id,
        object_repr=object_repr,
        federation=federation,
        summary=summary,
        changes=changes or {},
        file_name=file_name,
        row_count=row_count,
    )
