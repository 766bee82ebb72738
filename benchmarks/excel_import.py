"""Wall time and peak memory of the enterprise and member imports, against django-import-export.

Builds its own district (root IMPB, 10 streets with 3 joint unions each) in the database in
DATABASE_URL, which must hold nothing else (a database of its own: the script empties the
membership tables between runs). Writes the files with XlsxWriter, the way Excel stores them
(codes and ID numbers as text), then measures each import in a fresh process so that the peak
RSS is that of the import alone (Django included):

1. N enterprise rows (default 60,000) through `import_data enterprises`' pipeline;
2. M member rows (default 100,000) in the first 2,000 of those enterprises, through
   `import_data members`' pipeline: read (python-calamine), validate, write (COPY);
3. the same member file through a django-import-export `ModelResource` with its defaults
   (tablib reads the file with openpyxl; the enterprise by credit code with a
   ForeignKeyWidget), unless `--skip-baseline`.

    createdb -h 127.0.0.1 -U postgres unionportal_importbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_importbench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_importbench \\
        .venv/bin/python benchmarks/excel_import.py [--members 100000] [--enterprises 60000] \\
        [--baseline-rows 100000 | --skip-baseline]

Targets (issue 3): 100,000 member rows ≤ 6 s wall for parse + validate + write with peak RSS
≤ 600 MB; 60,000 enterprise rows ≤ 4 s.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from federations.models import Federation  # noqa: E402
from federations.services import federation_create  # noqa: E402
from imports import registry  # noqa: E402
from imports.parsing import read_table_file  # noqa: E402
from membership.models import Enterprise, Member  # noqa: E402
from membership.scale import credit_code_for, id_number_for  # noqa: E402

BENCH = "IMPB"
STREETS = 10
WORK = ROOT / "var" / "bench"
ECONOMIC = ["私营", "国有", "集体", "外资", "港澳台", "个体", "其他"]
ETHNIC = ["汉族", "汉族", "汉族", "回族", "满族"]
EDUCATION = ["本科", "大专", "高中", "硕士", "中专"]
POLITICAL = ["群众", "中共党员", "共青团员"]
HOUSEHOLD = ["本地城镇", "外地农村", "外地城镇", "本地农村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- set-up (in the parent process) -------------------------------------------------------------


def prepare_database() -> None:
    others = Federation.objects.exclude(code__startswith=BENCH).exists()
    if others:
        sys.exit("the database holds other data: give the benchmark a database of its own")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE membership_membership, membership_member, membership_unionstatuschange, "
            "membership_enterprise, audit_auditevent RESTART IDENTITY CASCADE"
        )
    if not Federation.objects.filter(code=BENCH).exists():
        root = federation_create(code=BENCH, name="导入测试区总工会", kind="district", parent=None)
        for s in range(1, STREETS + 1):
            street = federation_create(
                code=f"{BENCH}-S{s:02d}", name=f"测试街道{s}总工会", kind="street", parent=root
            )
            for j in range(1, 4):
                federation_create(
                    code=f"{BENCH}-S{s:02d}-J{j}",
                    name=f"测试街道{s}第{j}联合工会",
                    kind="joint",
                    joint_scope="community",
                    parent=street,
                )


def write_xlsx(path: Path, headers: list[str], rows) -> None:
    import xlsxwriter

    # shared strings, as Excel writes them (constant_memory would write inline strings)
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(number, column, value)
            else:
                sheet.write_number(number, column, value)
    workbook.close()


def enterprise_rows(count: int):
    for i in range(count):
        street = i % STREETS + 1
        status = ("未建会", "联合工会覆盖", "独立建会")[i % 3]
        yield [
            f"测试{SURNAMES[i % 20]}{GIVEN[i // 20 % 20]}{i}有限公司",
            credit_code_for(i),
            f"{BENCH}-S{street:02d}",
            ECONOMIC[i % len(ECONOMIC)],
            "C",
            10 + i % 300,
            status,
            f"{BENCH}-S{street:02d}-J{i % 3 + 1}" if status == "联合工会覆盖" else "",
            "" if status == "未建会" else f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}",
            "北京市丰台区测试路1号",
            "联系人",
            "010-63800000",
        ]


ENTERPRISE_HEADERS = [
    "单位名称", "统一社会信用代码", "所属工会", "经济类型", "行业", "职工人数", "建会状态",
    "联合工会", "建会日期", "地址", "联系人", "联系电话",
]  # fmt: skip
MEMBER_HEADERS = [
    "姓名", "身份证号", "性别", "手机号", "单位统一社会信用代码", "入会日期", "会员卡号", "民族",
    "学历", "政治面貌", "户籍类型", "是否农民工",
]  # fmt: skip


def joined_on(number: str, i: int) -> str:
    """A join date between the 18th birthday and the end of 2024."""
    year = min(int(number[6:10]) + 18 + i % 12, 2024)
    return f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"


# the five columns of DESIGN.md's measured baselines
FIVE_COLUMNS = ["姓名", "身份证号", "手机号", "单位统一社会信用代码", "入会日期"]


def member_rows(count: int, enterprises: int):
    for i in range(count):
        number = id_number_for(i)
        yield [
            f"{SURNAMES[i % 20]}{GIVEN[i // 20 % 20]}{GIVEN[i // 400 % 20]}",
            number,
            "男" if int(number[16]) % 2 else "女",
            f"139{i:08d}",
            credit_code_for(i % enterprises),
            joined_on(number, i),
            f"K{i:08d}",
            ETHNIC[i % len(ETHNIC)],
            EDUCATION[i % len(EDUCATION)],
            POLITICAL[i % len(POLITICAL)],
            HOUSEHOLD[i % len(HOUSEHOLD)],
            "是" if i % 4 == 1 else "否",
        ]


# --- one measured import (in a child process) ---------------------------------------------------


def measure_pipeline(kind: str, path: Path) -> dict:
    importer_class = registry.get(kind)
    importer = importer_class(file_name=path.name)
    started = time.perf_counter()
    table = read_table_file(path, columns=importer_class.columns)
    read = time.perf_counter()
    with transaction.atomic():
        plan = importer.validate(table, user=None)
        validated = time.perf_counter()
        assert not plan.errors, plan.sorted_errors()[:5]
        result = importer.apply(plan, user=None)
        written = time.perf_counter()
    assert result.written
    return {
        "rows": len(table),
        "read": read - started,
        "validate": validated - read,
        "write": written - validated,
        "total": written - started,
        "rss": rss_mb(),
        "created": result.created,
    }


def measure_baseline(path: Path, rows: int) -> dict:
    import tablib
    from import_export import fields, resources, widgets

    from membership.validators import id_number_info

    class MemberResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        phone = fields.Field(attribute="phone", column_name="手机号")
        current_enterprise = fields.Field(
            attribute="current_enterprise",
            column_name="单位统一社会信用代码",
            widget=widgets.ForeignKeyWidget(Enterprise, field="credit_code"),
        )

        class Meta:
            model = Member
            import_id_fields = ("id_number",)
            fields = ("name", "id_number", "phone", "current_enterprise")

        def before_save_instance(self, instance, row, **kwargs):
            # the two NOT NULL fields the file has no column for
            instance.sex, instance.birth_date = id_number_info(instance.id_number)

    started = time.perf_counter()
    with path.open("rb") as stream:
        dataset = tablib.Dataset().load(stream.read(), format="xlsx")
    if rows < len(dataset):
        dataset = dataset.subset(rows=range(rows))
    read = time.perf_counter()
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    done = time.perf_counter()
    assert not result.has_errors()
    return {
        "rows": len(dataset),
        "read": read - started,
        "validate": None,
        "write": done - read,
        "total": done - started,
        "rss": rss_mb(),
        "created": result.totals["new"],
    }


def child(args) -> None:
    path = Path(args.file)
    if args.phase == "baseline":
        figures = measure_baseline(path, args.baseline_rows)
    else:
        figures = measure_pipeline(args.phase, path)
    print(json.dumps(figures))


def run_child(phase: str, path: Path, *extra: str) -> dict:
    output = subprocess.run(  # noqa: S603 — this script, with our own arguments
        [sys.executable, __file__, "--phase", phase, "--file", str(path), *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=60_000)
    parser.add_argument("--member-enterprises", type=int, default=2_000)
    parser.add_argument("--baseline-rows", type=int, default=None)
    parser.add_argument(
        "--five-columns",
        action="store_true",
        help="members file with only 姓名, 身份证号, 手机号, 单位统一社会信用代码, 入会日期",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    baseline_rows = args.baseline_rows or args.members

    prepare_database()
    WORK.mkdir(parents=True, exist_ok=True)
    enterprises_file = WORK / f"enterprises-{args.enterprises}.xlsx"
    write_xlsx(enterprises_file, ENTERPRISE_HEADERS, enterprise_rows(args.enterprises))
    headers = FIVE_COLUMNS if args.five_columns else MEMBER_HEADERS
    keep = [MEMBER_HEADERS.index(header) for header in headers]
    members_file = WORK / f"members-{args.members}-{len(headers)}.xlsx"
    write_xlsx(
        members_file,
        headers,
        ([row[i] for i in keep] for row in member_rows(args.members, args.member_enterprises)),
    )

    results = [("enterprises (this pipeline)", run_child("enterprises", enterprises_file))]
    results.append(("members (this pipeline)", run_child("members", members_file)))
    if not args.skip_baseline:
        with connection.cursor() as cursor:  # the baseline imports the same people again
            cursor.execute("TRUNCATE membership_membership, membership_member CASCADE")
        results.append(
            (
                "members (django-import-export)",
                run_child("baseline", members_file, "--baseline-rows", str(baseline_rows)),
            )
        )

    print(
        f"files: {enterprises_file.stat().st_size / 1e6:.1f} MB ({args.enterprises:,} enterprise "
        f"rows), {members_file.stat().st_size / 1e6:.1f} MB ({args.members:,} member rows, "
        f"{len(headers)} columns, {args.member_enterprises:,} enterprises); "
        f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs"
    )
    header = f"{'import':<32} {'rows':>8} {'read s':>7} {'check s':>8} {'write s':>8} "
    print(header + f"{'total s':>8} {'rows/s':>8} {'peak RSS MB':>12}")
    for name, r in results:
        check = "—" if r["validate"] is None else f"{r['validate']:.2f}"
        print(
            f"{name:<32} {r['rows']:>8,} {r['read']:>7.2f} {check:>8} {r['write']:>8.2f} "
            f"{r['total']:>8.2f} {r['rows'] / r['total']:>8,.0f} {r['rss']:>12.0f}"
        )
    if not args.skip_baseline:
        ours, theirs = results[1][1], results[2][1]
        ratio = (theirs["total"] / theirs["rows"]) / (ours["total"] / ours["rows"])
        print(f"django-import-export takes {ratio:.0f}× as long per row as this pipeline")


if __name__ == "__main__":
    main()
