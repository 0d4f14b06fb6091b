"""Examples for the electronic COE's PDF (simulator/adapters/coe_pdf.py): one A4 page without images, read
back with text_of, accepted by the documents check, long values wrapped, non-BMP characters as '?'."""
from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from simulator.adapters.coe_pdf import render_coe, text_of
from simulator.adapters.pdf import inspect_pdf

ITEMS = [("在留資格認定証明書番号", "札オン認(XP)I26-000001"), ("氏名", "HOUMU,TARO"),
         ("在留資格", "技術・人文知識・国際業務"), ("交付官署", "札幌出入国在留管理局（本局）「テスト」")]
FOOTER = "電子在留資格認定証明書 (rasim シミュレーター)"


def test_one_a4_page_without_images_and_the_items_read_back() -> None:
    data = render_coe("在留資格認定証明書", ITEMS, FOOTER)
    assert data.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        assert not pdf.is_encrypted
        page = pdf.pages[0]
        assert [float(v) for v in page.mediabox] == [0, 0, 595, 842]
        assert "/XObject" not in page.Resources
        assert not any(obj.get("/Subtype") == "/Image" for obj in pdf.objects if isinstance(obj, pikepdf.Stream))
        assert str(pdf.docinfo["/Title"]) == "在留資格認定証明書"
        assert str(pdf.docinfo["/Producer"]) == "rasim"
        font = page.Resources.Font.F1
        assert font.Subtype == "/Type0" and font.BaseFont == "/HeiseiMin-W3" and font.Encoding == "/UniJIS-UCS2-H"
        cid_font = font.DescendantFonts[0]
        assert cid_font.Subtype == "/CIDFontType0" and "/FontFile" not in cid_font.FontDescriptor
        assert (str(cid_font.CIDSystemInfo.Registry), str(cid_font.CIDSystemInfo.Ordering)) == ("Adobe", "Japan1")
    lines = text_of(data)
    assert lines[0] == "在留資格認定証明書"
    assert lines[-1] == FOOTER
    for label, value in ITEMS:
        assert lines[lines.index(label) + 1] == value
    assert render_coe("在留資格認定証明書", ITEMS, FOOTER) == data      # deterministic


def test_the_documents_check_accepts_it(tmp_path: Path) -> None:
    path = tmp_path / "00000001_COE.pdf"
    path.write_bytes(render_coe("在留資格認定証明書", ITEMS, FOOTER))
    found = inspect_pdf(path)
    assert found.is_pdf and not found.error_file and found.reasons == ()


def test_a_long_value_goes_on_over_the_next_lines() -> None:
    value = "技術・人文知識・国際業務" * 4 + " (ASCII text that also needs room)"
    lines = text_of(render_coe("在留資格認定証明書", [("備考", value), ("氏名", "HOUMU,TARO")]))
    start = lines.index("備考") + 1
    end = lines.index("氏名")
    assert end - start > 1
    assert "".join(lines[start:end]) == value


def test_an_empty_value_is_one_empty_line_and_a_multi_line_footer_keeps_its_lines() -> None:
    lines = text_of(render_coe("在留資格認定証明書", [("性別", ""), ("氏名", "HOUMU,TARO")], "一行目\n二行目"))
    assert lines == ["在留資格認定証明書", "性別", "", "氏名", "HOUMU,TARO", "一行目", "二行目"]


def test_a_character_outside_the_bmp_comes_back_as_a_question_mark() -> None:
    lines = text_of(render_coe("在留資格認定証明書", [("氏名", "𠮷田 花子")]))
    assert lines == ["在留資格認定証明書", "氏名", "?田 花子"]
