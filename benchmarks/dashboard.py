"""Server time and SQL queries of the dashboard and the indicators JSON endpoint.

Runs in-process with django.test.Client against the database in DATABASE_URL (the benchmark
database built by `manage.py generate_scale_data`), signed in as a superuser, and prints a table:
p50 / p95 of the time Django takes to answer (middleware, view, queries, template) over N runs
after a warm-up, and the number of SQL queries of one request.

    DATABASE_URL=$(.venv/bin/python scripts/devdb.py unionportal_bench) \\
        .venv/bin/python benchmarks/dashboard.py [--runs 30] [--warmup 3] [--root SCALE] \\
        [--street SCALE-S01]

Targets (issue 4): dashboard of the district root ≤ 150 ms p95 and ≤ 12 queries, the same number
of queries at 10,000 and at 1,000,000 members; the JSON endpoint likewise. The hardship-aid and
activity sections (issues 6 and 7) are requests of their own, measured on the same rows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.test")
os.environ.setdefault("AXES_ENABLED", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from federations.models import Federation  # noqa: E402
from membership.models import Enterprise, Membership  # noqa: E402

BENCH_USER = "bench_admin"


def measure(client, url, *, runs, warmup):
    """(p50 ms, p95 ms, queries of one request, that request's response) for GET `url`."""
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries.captured_queries), response


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--root", default="SCALE", help="code of the district root")
    parser.add_argument("--street", default="SCALE-S01", help="code of one street")
    args = parser.parse_args()

    root = Federation.objects.filter(code=args.root).first()
    if root is None:
        sys.exit(f"no federation {args.root!r}: run `manage.py generate_scale_data` first")
    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    members = Membership.objects.filter(left_on__isnull=True).count()
    enterprises = Enterprise.objects.count()
    print(
        f"data: {enterprises:,} enterprises, {members:,} open memberships; "
        f"{args.runs} runs after {args.warmup} warm-up; PostgreSQL "
        f"{connection.pg_version // 10000}, {os.cpu_count()} CPUs"
    )
    rows = []
    for code in (args.root, args.street):
        for name, url in (
            ("dashboard", f"/reports/dashboard/{code}/"),
            ("indicators JSON", f"/reports/api/indicators/{code}/"),
            # the dashboard's hardship-aid and activity sections, loaded by the page with htmx
            ("aid+activities", f"/reports/dashboard/{code}/flows/"),
            ("aid+activities JSON", f"/reports/api/indicators/{code}/flows/"),
        ):
            p50, p95, queries, _response = measure(client, url, runs=args.runs, warmup=args.warmup)
            rows.append((name, code, p50, p95, queries))
    print(f"{'page':<20} {'federation':<12} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, code, p50, p95, queries in rows:
        print(f"{name:<20} {code:<12} {p50:>8.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
