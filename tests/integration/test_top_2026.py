"""The current system's top page (003 §2.1; current-manual.md §0 rule 27): the portal shared with the
electronic notification system, its entry tiles leading to the procedure catalogue, the status list and
the online registration, and the help desk as the manual gives it. Edition 2024 keeps its own top page."""
from __future__ import annotations

from typing import Any

from tests.integration.test_screens import text
from tests.support.api import use_edition


def test_the_2026_top_page(app: Any, client: Any) -> None:
    use_edition(app, "2026")
    html = text(client.get("/"))
    for words in ("在留申請オンラインシステム及び電子届出システム", "みなさまへのお知らせ", "申請手続きを探す",
                  "キーワードやカテゴリから申請手続きを探すことができます。", "申請状況の確認や、過去の申請情報を確認できます。",
                  "ご登録いただくことで、申請状況の確認や申請情報の入力を省けます。",
                  "最寄りの地方出入国在留管理官署にお電話でお問い合わせください。", "TEL : 050-3786-3053",
                  "受付時間：平日 9：00～17：00（年末年始を除く）", "MAIL：mjfsupport.cw@hitachi-systems.com",
                  "受付時間：24時間365日受付"):
        assert words in html, words
    for href in ('href="/procedures"', 'href="/applications/status"', 'href="/registration/staff/explain"'):
        assert href in html, href
    for path in ("/procedures", "/registration/staff/explain"):
        assert client.get(path).status_code == 200, path


def test_the_2024_top_page_is_unchanged(client: Any) -> None:
    html = text(client.get("/"))
    assert "在留申請オンラインシステム及び電子届出システム" not in html and "申請手続きを探す" not in html
    assert 'href="/card-login"' in html or "外国人本人" in html, "the 2024 entries (S01)"


def test_after_login_the_2026_home_has_the_tiles_not_the_2024_menu(app: Any, client: Any, api: Any) -> None:
    from tests.integration.test_screens import login, register_on_screens

    api.put_certificate()
    auth_id = register_on_screens(client, api)
    use_edition(app, "2026")
    login(client, auth_id)
    html = text(client.get("/menu"))
    assert 'href="/procedures"' in html and 'href="/mypage"' in html and "TEL : 050-3786-3053" in html
    assert 'id="application-input"' not in html, "the 2024 menu's 申請情報入力 is not the current system's"
