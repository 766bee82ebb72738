"""Every page a demo user can reach by following links answers without a server error, and
refers to no outside host: a crawl of the demo district as staff, a chair and the office."""

import io
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

LINK = re.compile(r'href="([^"#][^"]*)"')
SKIP = ("/accounts/logout", "/admin/", "/static/", "/healthz")
PAGES_PER_USER = 200
PER_KIND = 3


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district for the module's tests, rolled back afterwards: the database is left
    as the migrations made it, without a flush."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def kind_of(url):
    """Pages of one kind: the same path but for ids, with the same query parameters."""
    parts = urlsplit(url)
    keys = tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))
    return re.sub(r"/\d+(?=/|$)", "/N", parts.path), keys


def crawl(client, start="/"):
    """GET same-site links breadth first from `start`, at most PER_KIND pages of each kind (so
    that a list's sort and page links do not crowd out the other pages); (url, status,
    response) of each page."""
    seen, queue, visited = {start}, deque([start]), []
    kinds = Counter()
    while queue and len(visited) < PAGES_PER_USER:
        url = queue.popleft()
        response = client.get(url)
        visited.append((url, response.status_code, response))
        if response.status_code in (301, 302):
            hrefs = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            hrefs = LINK.findall(response.content.decode())
        else:
            continue
        for href in hrefs:
            href = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
            parts = urlsplit(href)
            if parts.netloc or href.startswith(SKIP) or href in seen:
                continue
            seen.add(href)
            kind = kind_of(href)
            kinds[kind] += 1
            if kinds[kind] > PER_KIND:
                continue
            queue.append(href)
    return visited


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["tpq_staff", "tpq_chair", "office", "district_admin"])
def test_no_page_a_demo_user_reaches_is_a_server_error(demo, username):
    # given a demo user signed in
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    # when they follow every link from the home page
    visited = crawl(client)
    # then no page is a server error, and the HTML pages name no outside host
    errors = [(url, status) for url, status, _response in visited if status >= 500]
    assert not errors, errors
    for url, status, response in visited:
        if status == 200 and "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            assert not re.search(r"(src|href)=\"(https?:)?//", html), url
    assert len(visited) > 20  # the crawl reached the apps' lists and detail pages
