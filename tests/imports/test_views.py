import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from federations.models import Federation, Role
from imports import uploads
from tests.imports.files import HEADERS, xlsx

NEW_ROWS = [
    ["TPQ-J2", "太平桥第二社区联合工会", "社区联合工会", "TPQ"],
    ["DGD-J2", "东高地第二社区联合工会", "社区联合工会", "DGD"],
]
BAD_ROWS = [["NEW", "新街道总工会", "街道总工会", "NOPE"]]


def upload_file(client, data: bytes, name="组织架构.xlsx", kind="federations"):
    return client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile(name, data)})


def workbook_rows(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def district_admin(tree, make_user):
    return make_user(tree.district, Role.ADMIN)


def test_index_lists_the_imports_the_user_may_run(district_admin, login, private_root):
    html = login(district_admin).get("/imports/").content.decode()
    assert "工会组织架构" in html
    assert "/imports/federations/" in html


def test_upload_preview_confirm(district_admin, login, private_root):
    client = login(district_admin)
    # given an uploaded file with two new joint unions
    response = upload_file(client, xlsx(NEW_ROWS))
    assert response.status_code == 302
    preview_url = response.url
    # when the preview is opened
    html = client.get(preview_url).content.decode()
    # then it shows the counts and the changes, and nothing has been written yet
    assert '<div class="fs-4" data-testid="created">2</div>' in html
    assert "确认导入" in html
    assert "TPQ-J2" in html
    assert not Federation.objects.filter(code__in=["TPQ-J2", "DGD-J2"]).exists()
    # when the import is confirmed
    response = client.post(f"{preview_url}confirm/", follow=True)
    # then both nodes are written and the user is told the counts
    assert Federation.objects.filter(code__in=["TPQ-J2", "DGD-J2"]).count() == 2
    assert "导入完成：新建 2，更新 0，未变 0" in response.content.decode()


def test_the_upload_is_stored_privately_and_removed_after_confirming(
    district_admin, login, private_root
):
    client = login(district_admin)
    preview_url = upload_file(client, xlsx(NEW_ROWS)).url
    stored = list((private_root / "imports").iterdir())
    assert len(stored) == 1
    assert stored[0].name in preview_url  # the token, kept in the session, names the file
    client.post(f"{preview_url}confirm/")
    assert list((private_root / "imports").iterdir()) == []


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(district_admin, login, private_root):
    client = login(district_admin)
    preview_url = upload_file(client, xlsx([*NEW_ROWS, *BAD_ROWS])).url
    # when the preview is opened
    html = client.get(preview_url).content.decode()
    # then the error is listed with row, column, value and reason, and there is no confirm button
    assert "发现 1 处错误，未写入任何数据" in html
    assert "<td>4</td><td>上级工会代码</td><td>NOPE</td>" in html
    assert "确认导入" not in html
    # and a confirm posted anyway writes nothing
    client.post(f"{preview_url}confirm/")
    assert not Federation.objects.filter(code__in=["TPQ-J2", "DGD-J2", "NEW"]).exists()


def test_the_error_list_downloads_as_xlsx(district_admin, login, private_root):
    client = login(district_admin)
    preview_url = upload_file(client, xlsx([*NEW_ROWS, *BAD_ROWS])).url
    # when the error list is downloaded
    response = client.get(f"{preview_url}errors.xlsx")
    # then it is an .xlsx with Chinese headers and one row per error
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = workbook_rows(response.content)
    assert rows[0] == ["行号", "列", "值", "错误原因"]
    assert rows[1][:3] == [4, "上级工会代码", "NOPE"]
    assert "不存在" in rows[1][3]


def test_the_template_has_the_headers(district_admin, login):
    response = login(district_admin).get("/imports/federations/template.xlsx")
    assert response.status_code == 200
    assert workbook_rows(response.content)[0][:4] == HEADERS


def test_a_file_that_is_not_a_spreadsheet_is_a_form_error(district_admin, login, private_root):
    response = upload_file(login(district_admin), b"%PDF-1.7\n\x00\x01binary", name="a.pdf")
    assert response.status_code == 200
    assert "文件不是表格" in response.content.decode()
    assert not (private_root / "imports").exists()


def test_a_file_over_the_limit_is_a_form_error(district_admin, login, private_root, settings):
    settings.IMPORT_MAX_FILE_SIZE = 1024
    response = upload_file(login(district_admin), xlsx(NEW_ROWS * 50))
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()


def test_street_admin_row_under_a_sibling_is_an_error_and_nothing_is_written(
    tree, make_user, login, private_root
):
    # given the admin of 太平桥 uploading a node for 东高地, their sibling
    client = login(make_user(tree.tpq, Role.ADMIN))
    preview_url = upload_file(client, xlsx(NEW_ROWS)).url
    # then the preview names the row and a confirm writes nothing
    html = client.get(preview_url).content.decode()
    assert "上级工会不在您的管辖范围内" in html
    client.post(f"{preview_url}confirm/")
    assert not Federation.objects.filter(code__in=["TPQ-J2", "DGD-J2"]).exists()


def test_a_token_from_another_session_is_a_404(tree, district_admin, make_user, login, client):
    # given an upload by one admin
    preview_url = upload_file(login(district_admin), xlsx(NEW_ROWS)).url
    # when another admin (with the same rights) opens it
    client.logout()
    other = login(make_user(tree.district, Role.ADMIN))
    # then it is a 404
    assert other.get(preview_url).status_code == 404
    assert other.post(f"{preview_url}confirm/").status_code == 404
    assert other.get(f"{preview_url}errors.xlsx").status_code == 404


def test_an_expired_upload_sends_the_user_back_to_upload(district_admin, login, private_root):
    client = login(district_admin)
    preview_url = upload_file(client, xlsx(NEW_ROWS)).url
    uploads.uploads_purge_stale(max_age=-1)
    response = client.get(preview_url, follow=True)
    assert "上传的文件已过期" in response.content.decode()


KIND_URLS = [
    ("get", "/imports/federations/"),
    ("post", "/imports/federations/"),
    ("get", "/imports/federations/template.xlsx"),
    ("get", "/imports/federations/{token}/"),
    ("post", "/imports/federations/{token}/confirm/"),
    ("get", "/imports/federations/{token}/errors.xlsx"),
]


@pytest.mark.parametrize(("method", "url"), KIND_URLS)
@pytest.mark.parametrize("role", [Role.STAFF, Role.CHAIR, Role.OFFICE])
def test_users_without_the_permission_get_404_everywhere(
    tree, make_user, login, private_root, method, url, role
):
    # given a user whose role may not manage the tree, holding an upload token in their session
    client = login(make_user(tree.district, role))
    session = client.session
    token = "A" * 43
    session[uploads.SESSION_KEY] = {token: {"kind": "federations", "name": "x.xlsx"}}
    session.save()
    # when they open any page of the federation import, then it is a 404
    response = getattr(client, method)(url.format(token=token))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.CHAIR, Role.OFFICE])
def test_index_is_a_404_when_the_user_may_import_nothing(tree, make_user, login, role):
    assert login(make_user(tree.district, role)).get("/imports/").status_code == 404


def test_an_unknown_kind_is_a_404(district_admin, login):
    client = login(district_admin)
    assert client.get("/imports/nothing/").status_code == 404
    assert client.get("/imports/nothing/template.xlsx").status_code == 404


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/imports/federations/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
