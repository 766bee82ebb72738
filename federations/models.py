from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

CODE_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
code_validator = RegexValidator(
    CODE_PATTERN, _("工会代码只能由 1–32 位字母、数字、“-”或“_”组成。"), code="invalid_code"
)


class FederationQuerySet(MP_NodeQuerySet):
    def in_scope(self, federation):
        """The federation and everything below it."""
        return self.filter(path__startswith=federation.path)

    def in_any_scope(self, federations):
        paths = [f.path for f in federations]
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def visible_to(self, user):
        """Everything under the nodes where the user holds a role; nothing for a user with none."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        roots = Federation.objects.filter(role_assignments__user=user).only("path")
        return self.in_any_scope(list(roots))

    def roots(self):
        return self.filter(depth=1)

    def lowest_above(self, paths):
        """The lowest federation at or above every one of `paths` (what an import touching
        several federations is audited under); None when `paths` is empty or has no common
        root."""
        if not paths:
            return None
        prefix = min(paths)
        for path in paths:
            while not path.startswith(prefix):
                prefix = prefix[: -Federation.steplen]
        return self.filter(path=prefix).first() if prefix else None


class FederationManager(MP_NodeManager.from_queryset(FederationQuerySet)):
    def get_queryset(self):
        return FederationQuerySet(self.model, using=self._db).order_by("path")


class Federation(MP_Node):
    """A node of the tree: the district federation at the root, street / town / area federations
    under it, joint unions (社区/行业/楼宇联合工会) as leaves."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区总工会")
        STREET = "street", _("街道总工会")
        TOWN = "town", _("镇总工会")
        AREA = "area", _("地区总工会")
        JOINT = "joint", _("联合工会")

    class JointScope(models.TextChoices):
        COMMUNITY = "community", _("社区联合工会")
        INDUSTRY = "industry", _("行业联合工会")
        BUILDING = "building", _("楼宇联合工会")

    code = models.CharField(_("工会代码"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("工会名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    joint_scope = models.CharField(
        _("联合工会类别"), max_length=16, choices=JointScope.choices, blank=True
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    chair_name = models.CharField(_("工会主席"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    node_order_by = ["code"]

    objects = FederationManager()

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="joint") & ~Q(joint_scope=""))
                | (~Q(kind="joint") & Q(joint_scope="")),
                name="federation_joint_scope_iff_joint",
                violation_error_message=_("联合工会必须选择类别；其他类型不能选择联合工会类别。"),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="federation_code_format"
            ),
        ]
        indexes = [
            # subtree queries are `path LIKE 'prefix%'`: needs the pattern operator class
            models.Index(
                fields=["path"], name="federation_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("federations:detail", kwargs={"code": self.code})

    @property
    def kind_label(self):
        """The type as staff write it: 社区联合工会 rather than 联合工会."""
        if self.kind == self.Kind.JOINT and self.joint_scope:
            return self.JointScope(self.joint_scope).label
        return self.Kind(self.kind).label

    @property
    def is_joint(self):
        return self.kind == self.Kind.JOINT

    def contains(self, other):
        return other.path.startswith(self.path)


class Role(models.TextChoices):
    STAFF = "staff", _("工作人员")
    CHAIR = "chair", _("主席")
    OFFICE = "office", _("区总工会办公室")
    ADMIN = "admin", _("系统管理员")


class RoleAssignment(models.Model):
    """A user holds a role at a federation node; the role's scope is that node's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("所在工会"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "federation", "role"], name="role_assignment_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.federation} · {self.get_role_display()}"


# --- founding targets ---------------------------------------------------------------------------


class FoundingTarget(models.Model):
    """建会任务: what the level above expects of a federation in a calendar year.

    Progress is counted from the records by `reports.selectors.target_progress`:
    - new_independent_unions: enterprises in scope whose union status became INDEPENDENT during
      the year (a flow, from the dated union status changes);
    - large_enterprises_unionized: enterprises with ≥ 100 employees unionized on the date (a
      stock, to be reached by the end of the year);
    - members: members on the date (a stock, to be reached by the end of the year).
    Set through `federations.services.founding_target_set` by the district office at the
    federation's parent (Perm.MANAGE_TARGETS one level up)."""

    federation = models.ForeignKey(
        Federation,
        verbose_name=_("工会组织"),
        on_delete=models.PROTECT,
        related_name="founding_targets",
        db_index=False,  # founding_target_one_per_year starts with it
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    new_independent_unions = models.PositiveIntegerField(
        _("新建独立工会（家）"), default=0, help_text=_("本年度新建独立工会的企业数。")
    )
    large_enterprises_unionized = models.PositiveIntegerField(
        _("百人以上企业建会（家）"),
        default=0,
        help_text=_("年底前已建会（独立建会或联合工会覆盖）的百人以上企业数。"),
    )
    members = models.PositiveIntegerField(
        _("会员人数（人）"), default=0, help_text=_("年底前的会员总数。")
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("建会任务")
        verbose_name_plural = _("建会任务")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year"],
                name="founding_target_one_per_year",
                violation_error_message=_("该工会组织这一年度已有建会任务。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="founding_target_year_range",
                violation_error_message=_("年度必须在 2000 至 2100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.federation} · {self.year}"
