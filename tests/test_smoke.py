import re


def test_login_page_is_chinese_and_refers_to_no_outside_host(client):
    # given an anonymous visitor
    # when they open the login page
    response = client.get("/accounts/login/")
    # then it is in Chinese and every asset it names is served by the portal itself
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录工会工作平台" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "http://" not in html
    assert "https://" not in html
