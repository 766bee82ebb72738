"""Server time and SQL queries of the member and enterprise lists and of a member lookup.

Runs in-process with django.test.Client against the database in DATABASE_URL (the benchmark
database built by `manage.py generate_scale_data`), and prints a table: p50 / p95 of the time
Django takes to answer (middleware, view, queries, template) over N runs after a warm-up, the
number of SQL queries of one request and the rows the page shows. Three users are signed in, all
created if missing: a superuser (`bench_admin`, the whole district), a staff user (工作人员) of one
street (`bench_staff`, at `--street`) and one of a joint union (`bench_joint`, at `--joint`), whose
scope holds no enterprise in the generated data (enterprises belong to streets, towns and areas):
an empty scope. The searched member is one from the middle of the street's members.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench \\
        .venv/bin/python benchmarks/member_list.py [--runs 30] [--warmup 3] [--root SCALE] \\
        [--street SCALE-S01] [--joint SCALE-S01-J01]

Targets (issue 3), with 1,000,000 members: member list first page ≤ 10 SQL queries and ≤ 150 ms
server time; lookup by ID number or phone ≤ 50 ms.
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.test")
os.environ.setdefault("AXES_ENABLED", "false")

import django  # noqa: E402

django.setup()

from dashboard import measure  # noqa: E402 — benchmarks/dashboard.py, beside this script
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from federations.models import Federation, Role, RoleAssignment  # noqa: E402
from membership.models import Enterprise, Member, Membership  # noqa: E402

BENCH_ADMIN = "bench_admin"
BENCH_STAFF = "bench_staff"
BENCH_JOINT = "bench_joint"
MEMBERS = "/membership/members/"
ENTERPRISES = "/membership/enterprises/"


def signed_in(user):
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--root", default="SCALE", help="code of the district root")
    parser.add_argument("--street", default="SCALE-S01", help="code of the staff user's street")
    parser.add_argument("--joint", default="SCALE-S01-J01", help="code of a joint union")
    args = parser.parse_args()

    found = {
        f.code: f for f in Federation.objects.filter(code__in=[args.root, args.street, args.joint])
    }
    missing = {args.root, args.street, args.joint} - set(found)
    if missing:
        sys.exit(f"no federation {sorted(missing)}: run `manage.py generate_scale_data` first")
    street = found[args.street]
    users = get_user_model().objects
    admin, _created = users.get_or_create(
        username=BENCH_ADMIN, defaults={"is_superuser": True, "is_staff": True}
    )
    staff, _created = users.get_or_create(username=BENCH_STAFF)
    RoleAssignment.objects.get_or_create(user=staff, federation=street, role=Role.STAFF)
    joint, _created = users.get_or_create(username=BENCH_JOINT)
    RoleAssignment.objects.get_or_create(user=joint, federation=found[args.joint], role=Role.STAFF)

    # a member in the middle of the street's members, not the newest (the first page)
    street_members = Member.objects.in_scope(street).exclude(phone="").order_by("pk")
    target = street_members[street_members.count() // 2]

    members = Membership.objects.filter(left_on__isnull=True).count()
    enterprises = Enterprise.objects.count()
    in_street = Member.objects.in_scope(street).count()
    print(
        f"data: {enterprises:,} enterprises, {members:,} open memberships "
        f"({in_street:,} in {args.street}); {args.runs} runs after {args.warmup} warm-up; "
        f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs"
    )

    admin_, street_, joint_ = "superuser", f"staff {args.street}", f"staff {args.joint}"
    clients = {admin_: signed_in(admin), street_: signed_in(staff), joint_: signed_in(joint)}
    by_id = {"q": target.id_number}
    by_phone = {"q": target.phone}
    cases = [
        ("member list, page 1", admin_, MEMBERS, {}),
        ("member list, page 1", admin_, MEMBERS, {"federation": args.root}),
        ("member list, page 1", street_, MEMBERS, {}),
        ("member list, page 1", joint_, MEMBERS, {}),
        ("search: full ID number", admin_, MEMBERS, by_id),
        ("search: full ID number", street_, MEMBERS, by_id),
        ("search: phone", admin_, MEMBERS, by_phone),
        ("search: phone", street_, MEMBERS, by_phone),
        ("enterprise list, page 1", admin_, ENTERPRISES, {}),
        ("enterprise list, page 1", street_, ENTERPRISES, {}),
        ("enterprise list, page 1", joint_, ENTERPRISES, {}),
    ]
    rows = []
    for page, who, path, query in cases:
        url = f"{path}?{urlencode(query)}" if query else path
        p50, p95, queries, response = measure(clients[who], url, runs=args.runs, warmup=args.warmup)
        shown = response.content.count(b'-row"')  # data-testid="member-row" / "enterprise-row"
        shown_query = "federation=" + query["federation"] if "federation" in query else ""
        rows.append((page, who, shown_query, p50, p95, queries, shown))
    print(
        f"{'page':<24} {'user':<20} {'filter':<18} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'rows':>5}"
    )
    for page, who, shown_query, p50, p95, queries, shown in rows:
        print(
            f"{page:<24} {who:<20} {shown_query:<18} "
            f"{p50:>8.1f} {p95:>8.1f} {queries:>8} {shown:>5}"
        )


if __name__ == "__main__":
    main()
