"""Reads of hardship files, grants and what their pages show.

Hardship data is seen by staff and chairs in scope only (`models.HARDSHIP_PERMS`): a user with
another role (the district office, an administrator) or outside the scope gets nothing from the
lists and a 404 from the getters, exactly as for a record that does not exist.
"""

import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from federations.models import Federation
from federations.permissions import Perm, federations_where, scope_condition, scoped, user_can
from membership.models import Enterprise, Member
from membership.selectors import member_search_kind, search_text

from .models import (
    HARDSHIP_PERMS,
    AidBudget,
    AidProgram,
    EvidenceDocument,
    Grant,
    GroupDelivery,
    HardshipFile,
    ModelWorkerTitle,
    MutualAidClaim,
    review_due_cutoff,
)


def sees_hardship(user) -> bool:
    """Staff or chair somewhere (or a superuser): may open the hardship pages at all."""
    return any(user_can(user, perm) for perm in HARDSHIP_PERMS)


def may_see_at(user, federation) -> bool:
    return any(user_can(user, perm, federation) for perm in HARDSHIP_PERMS)


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- hardship files -----------------------------------------------------------------------------

FILE_SORTS = {
    "-opened": ("-opened_on", "-pk"),
    "opened": ("opened_on", "pk"),
    "reviewed": ("last_reviewed_on", "pk"),
    "-reviewed": ("-last_reviewed_on", "-pk"),
}
FILE_DEFAULT_SORT = "-opened"


def file_list(
    *,
    user,
    search: str = "",
    federation: Federation | None = None,
    status: str = "",
    category: str = "",
    review_due: bool = False,
    sort: str = "",
    today: datetime.date | None = None,
):
    """The files the user may see, filtered, with member, enterprise and federation joined (no
    query per row). search: a name (contains) or a whole ID number (exact)."""
    queryset = HardshipFile.objects.visible_to(user).select_related(
        "member__current_enterprise", "federation"
    )
    if federation is not None:
        queryset = queryset.in_scope(federation)
    kind, value = member_search_kind(search)
    if kind == "id_number":
        queryset = queryset.filter(member__id_number=value)
    elif kind in ("name", "phone"):
        queryset = queryset.filter(member__name__contains=search_text(search))
    if status in HardshipFile.Status.values:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if review_due:
        queryset = queryset.review_due(today or timezone.localdate())
    return queryset.order_by(*FILE_SORTS.get(sort, FILE_SORTS[FILE_DEFAULT_SORT]))


def file_get_for_user(*, user, pk, perm=None) -> HardshipFile:
    """One file by id, or Http404 when missing, outside the scope, or — with `perm` — when the
    user may not do `perm` at its federation."""
    hardship_file = (
        HardshipFile.objects.visible_to(user)
        .select_related("member__current_enterprise__jurisdiction", "federation", "created_by")
        .filter(pk=_pk(pk))
        .first()
    )
    if hardship_file is None:
        raise Http404
    if perm is not None and not user_can(user, perm, hardship_file.federation):
        raise Http404
    return hardship_file


def file_documents(*, hardship_file):
    return hardship_file.documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def document_get_for_user(*, user, pk) -> EvidenceDocument:
    document = (
        EvidenceDocument.objects.filter(
            pk=_pk(pk),
            hardship_file__in=HardshipFile.objects.visible_to(user),
        )
        .select_related("hardship_file__member", "hardship_file__federation")
        .first()
    )
    if document is None:
        raise Http404
    return document


def member_grants(*, user, member):
    """The member's grants the user may see, newest first."""
    return (
        Grant.objects.visible_to(user)
        .filter(recipient=member)
        .select_related("program", "paying_federation")
        .order_by("-granted_on", "-pk")
    )


def member_titles(*, member):
    return ModelWorkerTitle.objects.filter(member=member).order_by("-year", "pk")


def review_due_summary(*, user, today=None, shown=5) -> dict:
    """For the staff's home page: how many active files in their edit scope have gone 12 months
    without a review, and the longest-waiting few (two queries at most)."""
    today = today or timezone.localdate()
    condition = scope_condition(user, Perm.EDIT_RECORDS, prefix="federation__")
    if condition is None:
        return {"count": 0, "files": [], "cutoff": review_due_cutoff(today)}
    due = HardshipFile.objects.filter(condition).review_due(today)
    files = list(
        due.select_related("member", "federation").order_by("last_reviewed_on", "pk")[:shown]
    )
    count = len(files) if len(files) < shown else due.count()
    return {"count": count, "files": files, "cutoff": review_due_cutoff(today)}


def member_find_for_edit(*, user, id_number) -> Member | None:
    """The member with this (whole) ID number whose enterprise is in the user's edit scope."""
    kind, number = member_search_kind(id_number)
    if kind != "id_number":
        return None
    return (
        Member.objects.visible_to(user, Perm.EDIT_RECORDS)
        .select_related("current_enterprise__jurisdiction")
        .filter(id_number=number)
        .first()
    )


# --- grants -------------------------------------------------------------------------------------

GRANT_SORTS = {
    "-date": ("-granted_on", "-pk"),
    "date": ("granted_on", "pk"),
}
GRANT_DEFAULT_SORT = "-date"


def grant_list(
    *,
    user,
    search: str = "",
    federation: Federation | None = None,
    program: AidProgram | None = None,
    status: str = "",
    year: int | None = None,
    sort: str = "",
):
    """The grants the user may see (by paying federation), filtered, with recipient, programme,
    payer and drafter joined."""
    queryset = Grant.objects.visible_to(user).select_related(
        "recipient", "program", "paying_federation", "created_by"
    )
    if federation is not None:
        queryset = queryset.in_scope(federation)
    kind, value = member_search_kind(search)
    if kind == "id_number":
        queryset = queryset.filter(recipient__id_number=value)
    elif kind in ("name", "phone"):
        text = search_text(search)
        queryset = queryset.filter(Q(recipient__name__contains=text) | Q(student_name=text))
    if program is not None:
        queryset = queryset.filter(program=program)
    if status in Grant.Status.values:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.in_year(year)
    return queryset.order_by(*GRANT_SORTS.get(sort, GRANT_SORTS[GRANT_DEFAULT_SORT]))


def grant_get_for_user(*, user, pk, perm=None) -> Grant:
    grant = (
        Grant.objects.visible_to(user)
        .select_related(
            "recipient__current_enterprise__jurisdiction",
            "program",
            "paying_federation",
            "hardship_file",
            "created_by",
        )
        .filter(pk=_pk(pk))
        .first()
    )
    if grant is None:
        raise Http404
    if perm is not None and not user_can(user, perm, grant.paying_federation):
        raise Http404
    return grant


def grant_decisions(*, grant):
    return grant.decisions.select_related("decided_by").order_by("decided_at", "pk")


def paying_federations_for(*, user):
    """Federations where the user may draft grants, in tree order."""
    return federations_where(user, Perm.EDIT_RECORDS).order_by("path")


def active_programs():
    return AidProgram.objects.filter(is_active=True).order_by("pk")


# --- programmes, budgets, group deliveries, claims ----------------------------------------------


def programs_with_budgets(*, user, year):
    """The programmes, each with `budgets`: this year's budgets the user may see (in the scope
    where they are staff, chair or office), in tree order."""
    budgets = scoped(AidBudget.objects.filter(year=year), user, Perm.VIEW, "federation__")
    return AidProgram.objects.order_by("pk").prefetch_related(
        Prefetch(
            "budgets",
            queryset=budgets.select_related("federation").order_by("federation__path"),
            to_attr="year_budgets",
        )
    )


def program_get(*, code) -> AidProgram:
    program = AidProgram.objects.filter(code=code).first()
    if program is None:
        raise Http404
    return program


def budget_federations_for(*, user):
    return federations_where(user, Perm.MANAGE_TARGETS).order_by("path")


def delivery_list(*, user):
    return (
        GroupDelivery.objects.visible_to(user)
        .select_related("federation")
        .prefetch_related("enterprises")
        .order_by("-delivered_on", "-pk")
    )


def claim_list(*, user):
    return (
        MutualAidClaim.objects.visible_to(user)
        .select_related("member", "federation")
        .order_by("-incident_on", "-pk")
    )


def claim_get_for_user(*, user, pk, perm=None):
    claim = (
        MutualAidClaim.objects.visible_to(user)
        .select_related("member", "federation")
        .filter(pk=_pk(pk))
        .first()
    )
    if claim is None:
        raise Http404
    if perm is not None and not user_can(user, perm, claim.federation):
        raise Http404
    return claim


def enterprises_by_codes(*, user, codes):
    """(enterprises with these credit codes in the user's edit scope, the codes not found)."""
    found = {
        e.credit_code: e
        for e in Enterprise.objects.visible_to(user, Perm.EDIT_RECORDS)
        .select_related("jurisdiction")
        .filter(credit_code__in=codes)
    }
    return [found[c] for c in dict.fromkeys(codes) if c in found], [
        c for c in dict.fromkeys(codes) if c not in found
    ]
