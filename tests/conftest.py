import os
from pathlib import Path

import pytest

from federations.models import Federation, Role
from imports import registry
from imports.parsing import read_table
from imports.services import import_run
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, OUTPUT, open_page
from tests.factories import FederationFactory, UserFactory, grant


@pytest.fixture
def tree(db):
    """A small district: two streets (siblings), each with a joint union, and a town.

    FT 区总工会
    ├── TPQ 太平桥街道总工会 ── TPQ-J1 太平桥社区联合工会
    ├── DGD 东高地街道总工会 ── DGD-J1 东高地社区联合工会
    └── WZ  王佐镇总工会
    """
    district = FederationFactory(code="FT", name="丰台区总工会", kind=Federation.Kind.DISTRICT)
    tpq = FederationFactory(code="TPQ", name="太平桥街道总工会", parent=district)
    dgd = FederationFactory(code="DGD", name="东高地街道总工会", parent=district)
    wz = FederationFactory(
        code="WZ", name="王佐镇总工会", kind=Federation.Kind.TOWN, parent=district
    )
    tpq_j1 = FederationFactory(
        code="TPQ-J1", name="太平桥社区联合工会", kind=Federation.Kind.JOINT, parent=tpq
    )
    dgd_j1 = FederationFactory(
        code="DGD-J1", name="东高地社区联合工会", kind=Federation.Kind.JOINT, parent=dgd
    )
    for node in (district, tpq, dgd):
        node.refresh_from_db()
    return type(
        "Tree",
        (),
        {
            "district": district,
            "tpq": tpq,
            "dgd": dgd,
            "wz": wz,
            "tpq_j1": tpq_j1,
            "dgd_j1": dgd_j1,
        },
    )


@pytest.fixture
def make_user(db):
    def make(federation=None, role=Role.STAFF, **kwargs):
        user = UserFactory(**kwargs)
        if federation is not None:
            grant(user, federation, role)
        return user

    return make


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def run_import(db):
    """Read `data` and import it as `user` (None: the operator at the command line), the way the
    command line and the import page do."""

    def run(data: bytes, *, user=None, dry_run=False, kind="federations", file_name=""):
        importer = registry.get(kind)
        table = read_table(data, columns=importer.columns)
        return import_run(
            importer=importer(file_name=file_name), table=table, user=user, dry_run=dry_run
        )

    return run


# --- the browser (tests marked `browser`) --------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    # Playwright runs an event loop in this thread; Django's ORM calls from the test are still
    # synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, **options):
    page = open_page(browser, **options)
    yield page
    page.context.close()
    assert not page.problems, f"the page had problems: {page.problems}"


@pytest.fixture
def page(browser):
    """A desktop-sized page; the test fails if it asked an outside host, met a script error or
    got a failed response."""
    yield from _page(browser, viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone_page(browser):
    """As `page`, at a phone's size, with touch."""
    viewport = {"width": 390, "height": 844}
    yield from _page(browser, viewport=viewport, is_mobile=True, has_touch=True)


@pytest.fixture
def screenshot_dir():
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
