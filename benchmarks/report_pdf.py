"""Build time of the quarterly PDF reports (issue 5), printed as a table.

Against the database in DATABASE_URL (a district built by `manage.py generate_scale_data`, with
the quarter's snapshots taken: `manage.py take_snapshots --quarter 2026Q3`):

1. a street's report and the district's own report, built in this process the way the task does
   (`reports.services.report_build`: snapshot check, data from the snapshots, WeasyPrint, atomic
   write), `--runs` times after one warm-up, p50 / p95 / max;
2. every report of the district (district, streets, towns, areas: one per federation, joint
   unions have none), queued on the Redis in REDIS_URL and built by a real Celery worker with
   `--concurrency` processes (prefork) started here: wall time from queueing to the last report
   done, twice — with freshly started worker processes, then with the same processes warm.

    DJANGO_SETTINGS_MODULE=unionportal.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/report_pdf.py [--quarter 2026Q3] [--root SCALE] \\
        [--street SCALE-S01] [--runs 10] [--concurrency 2]

Targets: a street's report ≤ 1.5 s; the district's own report ≤ 5 s; all reports of a 30-street
district ≤ 45 s with two workers. The worker's queue is purged before and after.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from federations.models import Federation  # noqa: E402
from membership.models import Membership  # noqa: E402
from reports import services, tasks  # noqa: E402
from reports.models import QuarterlySnapshot, ReportRun  # noqa: E402
from reports.periods import Quarter  # noqa: E402
from unionportal.celery import app as celery_app  # noqa: E402

WORKER_START_SECONDS = 60
ALL_REPORTS_TIMEOUT = 300


def build_once(federation, quarter):
    [item] = services.report_runs_request(federations=[federation], quarter=quarter)
    started = time.perf_counter()
    run = services.report_build(run_id=item.run.pk)
    elapsed = time.perf_counter() - started
    assert run.status == ReportRun.Status.DONE, run.error
    return elapsed, run


def measure_in_process(federation, quarter, runs):
    build_once(federation, quarter)  # warm-up: imports, fontconfig, template loading
    times, run = [], None
    for _ in range(runs):
        elapsed, run = build_once(federation, quarter)
        times.append(elapsed)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, times[-1], run


def start_worker(concurrency):
    """A real worker (`celery worker`, prefork) in its own process group."""
    env = {**os.environ, "CELERY_SKIP_CHECKS": "1"}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "unionportal",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "warning",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"report-bench-{os.getpid()}@%h",
    ]
    worker = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if celery_app.control.ping(timeout=1.0):
            return worker
        if worker.poll() is not None:
            sys.exit(f"the worker exited with {worker.returncode}")
    stop_worker(worker)
    sys.exit("the worker did not answer within a minute")


def stop_worker(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def build_all_with_worker(root, quarter):
    federations = list(services.reportable_federations().filter(path__startswith=root.path))
    started = time.perf_counter()
    requested = services.report_runs_request(federations=federations, quarter=quarter)
    for item in requested:
        tasks.build_report.delay(item.run.pk)
    ids = [item.run.pk for item in requested]
    deadline = time.monotonic() + ALL_REPORTS_TIMEOUT
    while True:
        runs = list(ReportRun.objects.filter(pk__in=ids))
        if not any(run.pending for run in runs):
            break
        if time.monotonic() > deadline:
            sys.exit(f"not done within {ALL_REPORTS_TIMEOUT} s")
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    failed = [run for run in runs if run.status != ReportRun.Status.DONE]
    assert not failed, [(run.federation_id, run.error) for run in failed]
    renders = sorted(run.render_seconds for run in runs)
    return elapsed, len(runs), sum(run.pages for run in runs), renders


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarter", default="2026Q3")
    parser.add_argument("--root", default="SCALE", help="code of the district root")
    parser.add_argument("--street", default="SCALE-S01", help="code of one street")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    if not os.environ.get("REDIS_URL"):
        sys.exit("set REDIS_URL: the reports of the district are built by a real worker")
    quarter = Quarter.parse(args.quarter)
    root = Federation.objects.filter(code=args.root).first()
    street = Federation.objects.filter(code=args.street).first()
    if root is None or street is None:
        sys.exit("run `manage.py generate_scale_data` first")
    if not QuarterlySnapshot.objects.filter(federation=root, quarter=str(quarter)).exists():
        sys.exit(f"take the snapshots first: manage.py take_snapshots --quarter {quarter}")

    members = Membership.objects.filter(left_on__isnull=True).count()
    nodes = Federation.objects.filter(path__startswith=root.path)
    streets = nodes.filter(depth=root.depth + 1).count()
    print(
        f"data: {nodes.count():,} federations ({streets} below the root), {members:,} open "
        f"memberships; quarter {quarter}; PostgreSQL {connection.pg_version // 10000}, "
        f"{os.cpu_count()} CPUs; PRIVATE_ROOT {settings.PRIVATE_ROOT}"
    )
    rows = []
    for label, federation in (("street report", street), ("district report", root)):
        p50, p95, worst, run = measure_in_process(federation, quarter, args.runs)
        rows.append(
            (
                f"{label} ({federation.code}, {run.pages} pages)",
                f"{args.runs} runs",
                f"{p50:.2f}",
                f"{p95:.2f}",
                f"{worst:.2f}",
            )
        )

    celery_app.conf.task_always_eager = False  # publish for real to REDIS_URL
    celery_app.control.purge()
    worker = start_worker(args.concurrency)
    try:
        for label in ("fresh worker processes", "same processes, warm"):
            elapsed, count, pages, renders = build_all_with_worker(root, quarter)
            rows.append(
                (
                    f"all {count} reports, {args.concurrency} workers, {label} ({pages} pages)",
                    "wall",
                    f"{elapsed:.2f}",
                    f"render p50 {statistics.median(renders):.2f}",
                    f"render max {renders[-1]:.2f}",
                )
            )
    finally:
        stop_worker(worker)
        celery_app.control.purge()

    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    header = ("case", "", "p50 s", "p95 s", "max s")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
