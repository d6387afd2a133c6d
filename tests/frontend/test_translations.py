"""English, complete: every msgid (the Chinese UI text) is translated, compiled, and used.

When a test here fails after new text was added, run `make messages`, translate the new
or fuzzy entries in locale/en/LC_MESSAGES/django.po, run `make messages` again, and commit
django.po and django.mo together.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.test import Client
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.district.models import District
from eduplatform.organisation.models import Department
from tenants.models import School
from tests.world import make_user

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
RERUN = "run `make messages`, translate the new or fuzzy entries of the .po, run it again, commit both files"
# CJK punctuation, kana, ideographs and full-width forms.
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|\{\w+(?::[^}]*)?\}")

# Translations that keep Chinese on purpose: examples of what people type in Chinese.
CHINESE_KEPT = {
    "“%(value)s”不是日期，请写成 2023-09-01、2023/9/1、2023.9.1 或 2023年9月1日。",
    "日期可写成 2023-09-01、2023/9/1、2023.9.1 或 2023年9月1日。金额不带单位，最多两位小数。",
    "下载模板，每人一行：姓名、手机号（11 位）、部门（可空）、角色（如“教职工”或“班主任”）。",
    "车牌号格式不正确，例如：京A12345。",
}


def _entries(catalogue) -> dict:
    """What a catalogue translates, as gettext will see it."""
    entries = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        entries[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = value
    return entries


def test_every_msgid_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated ({RERUN}): {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy ({RERUN}): {fuzzy[:20]}"
    assert po.metadata.get("Language") == "en"


def test_the_committed_mo_is_the_compiled_po(tmp_path):
    po = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = tmp_path / "django.mo"
    compiled.write_bytes(po.to_binary())
    assert _entries(polib.mofile(str(CATALOGUE / "django.mo"))) == _entries(polib.mofile(str(compiled))), (
        f"locale/en/LC_MESSAGES/django.mo is stale: {RERUN}"
    )


def test_translations_are_english_and_keep_their_placeholders():
    problems = []
    for entry in polib.pofile(str(CATALOGUE / "django.po")):
        if entry.obsolete or not entry.translated():
            continue
        pairs = (
            [(entry.msgid, entry.msgstr)]
            if not entry.msgid_plural
            else [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        )
        for source, translation in pairs:
            if CJK.search(translation) and entry.msgid not in CHINESE_KEPT:
                problems.append(f"still Chinese: {entry.msgid!r} -> {translation!r}")
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {translation!r}")
    assert not problems, "\n".join(problems)


# --- Pages in English ------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes and the attributes read out or shown,
    leaving out scripts, styles and anything marked as written in another language (the
    language switch names each language in itself)."""

    SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    # Elements without an end tag (the parser reports no end for them).
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = attributes.get("lang")
        skip = tag in ("script", "style") or (
            tag != "html" and language is not None and not language.startswith("en")
        )
        if not (skip or self._skipping()):
            for name in self.SPOKEN_ATTRIBUTES:
                if attributes.get(name):
                    self.texts.append(attributes[name])
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(attributes["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and not self._skipping():
            self.texts.append(data.strip())


def chinese_in(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [text for text in parser.texts if CJK.search(text)]


def test_the_checker_finds_chinese_and_skips_what_is_marked_as_chinese():
    html = (
        '<html lang="en"><title>学校</title><p>ok</p><button lang="zh-hans">简体中文</button>'
        '<span aria-label="关闭"></span><script>var a = "中文";</script><input placeholder="查找"></html>'
    )
    assert chinese_in(html) == ["学校", "关闭", "查找"]


@pytest.fixture
def english_world(world, school_a):
    """The test world with ASCII names, so that only UI text could be Chinese."""
    District.objects.filter(pk__in=[world.district.pk, world.other_district.pk]).update(
        name=Concat(Value("District "), "code", output_field=CharField())
    )
    School.objects.update(name=Concat(Value("School "), "code", output_field=CharField()))
    with schema_context(school_a.schema_name):
        for number, department in enumerate(Department.objects.order_by("pk"), start=1):
            department.name = f"Department {number}"
            department.save(update_fields=["name"])
    return world


def english_client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def assert_english(response, expected_status: int = 200):
    html = response.content.decode()
    assert response.status_code == expected_status, html[:500]
    assert '<html lang="en"' in html
    leftovers = chinese_in(html)
    assert not leftovers, f"Chinese text on an English page ({RERUN}): {leftovers}"


def test_the_login_pages_are_english(english_world):
    school = english_world.school_a
    assert_english(english_client().get("/accounts/login/"))
    assert_english(english_client().get(f"/s/{school.code}/accounts/login/"))


def test_the_portal_home_is_english(english_world):
    inspector = make_user(Role.BUREAU_INSPECTOR, district=english_world.district, name="Ada Inspector")
    response = english_client(inspector).get("/")
    assert_english(response)
    assert "Switch school" in response.content.decode()


def test_the_school_home_and_departments_are_english(english_world):
    school = english_world.school_a
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school, name="Lee Director")
    client = english_client(director)
    home = client.get(f"/s/{school.code}/")
    assert_english(home)
    assert "To do today" in home.content.decode()  # with whatever the domains' providers add
    assert_english(client.get(f"/s/{school.code}/departments/"))
    # A form with an error, and the message after adding a department.
    assert_english(client.post(f"/s/{school.code}/departments/", {"name": ""}))
    assert_english(client.post(f"/s/{school.code}/departments/", {"name": "Workshop"}, follow=True))


def test_the_error_pages_are_english(english_world):
    school = english_world.school_a
    teacher = make_user(Role.STAFF, school=school, name="Sam Teacher")
    assert_english(english_client().get("/no-such-page/"), 404)
    assert_english(english_client(teacher).get(f"/s/{school.code}/no-such-page/"), 404)
    assert_english(english_client(teacher).get(f"/s/{english_world.school_b.code}/"), 404)
    assert_english(english_client(teacher).post(f"/s/{school.code}/departments/", {"name": "X"}), 403)
