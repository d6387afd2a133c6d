from django.conf import settings
from django.test import Client


def test_chinese_is_the_default_even_for_an_english_browser(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert page["Content-Language"] == "zh-hans"
    assert "登录" in page.content.decode()


def test_english_when_chosen_with_the_switch(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
