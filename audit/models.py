"""Who did what to which record, when — one row per audited action (an import is one row)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from federations.models import Federation
from federations.permissions import Perm, scope_condition


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        """Events about one record, newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("-created_at", "-pk")

    def in_scope(self, federation):
        return self.filter(federation__path__startswith=federation.path)

    def visible_to(self, user, perm=Perm.VIEW):
        """Events about records in the user's scope. Events with no federation (e.g. about users)
        are only visible to superusers."""
        condition = scope_condition(user, perm, prefix="federation__")
        if condition is None:
            return self.none()
        return self.filter(condition)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        UNION_STATUS = "union_status", _("建会状态变更")
        JOIN = "join", _("入会")
        TRANSFER = "transfer", _("会籍接转")
        LEAVE = "leave", _("离会")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        REVEAL_ID = "reveal_id", _("查看完整身份证号")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("为空表示系统操作（命令行、后台任务）。"),
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    object_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("所属工会"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("事件涉及的工会组织，决定谁能看到这条记录。"),
    )
    summary = models.TextField(_("摘要"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = models.Manager.from_queryset(AuditEventQuerySet)()

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"
