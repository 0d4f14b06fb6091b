"""The bulk template without macros (issue 11 point 2; FAQ Q4-23): the workbook's sheets, headers, 入力規則 row
and pull-downs come from the layout; a filled workbook exports to exactly the CSV the generator writes for
the same persons (so to what the server and the offline validator take); what cannot be exported is named
by sheet, row and column; the menu offers the templates for download."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from simulator import catalog
from simulator.bulk_generate import generate
from simulator.bulk_template import FIRST_ROW, TemplateError, choice_of, export, template
from simulator.cli import main
from simulator.domain import bulk_format
from simulator.services.bulk_offline import validate_file

TODAY = dt.date(2024, 4, 1)
CHOICE = ("extension_of_stay", "professor")


def workbook(data: bytes):  # noqa: ANN201
    return load_workbook(io.BytesIO(data))


def fill(data: bytes, made, dates_as_dates: bool = False) -> bytes:  # noqa: ANN001
    """What a person does in Excel: each applicant's cells typed into row 3, 4, … of every sheet."""
    wb = workbook(data)
    for n, row in enumerate(made.rows):
        cells = bulk_format.row_cells(made.layout, row.values)
        at = 0
        for sheet in made.layout.sheets:
            ws = wb[sheet.name]
            for i, col in enumerate(sheet.columns, start=1):
                text = cells[at]
                at += 1
                if not text:
                    continue
                if dates_as_dates and col.spec.kind == "date":
                    ws.cell(row=FIRST_ROW + n, column=i, value=dt.datetime.strptime(text, "%Y%m%d"))
                else:
                    ws.cell(row=FIRST_ROW + n, column=i, value=text)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_workbook_has_the_layouts_sheets_headers_rules_and_pulldowns() -> None:
    lay = bulk_format.layout("host_org_staff", *CHOICE)
    wb = workbook(template(*CHOICE))
    words = catalog.labels()["ja"]
    assert wb.sheetnames == [words["bulk.template_sheet"], words["bulk.template_lists_sheet"], *[s.name for s in lay.sheets]]
    assert wb[words["bulk.template_lists_sheet"]].sheet_state == "hidden"
    assert not wb.vba_archive   # no macros
    lists = wb[words["bulk.template_lists_sheet"]]
    for k, sheet in enumerate(lay.sheets):
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        rules = [c.value for c in ws[2]]
        assert rules[0] == (bulk_format.settings()["rules_row"] if k == 0 else bulk_format.rule_text(sheet.columns[0].spec))
        assert rules[1:] == [bulk_format.rule_text(c.spec) for c in sheet.columns[1:]]
        checked = {}
        for dv in ws.data_validations.dataValidation:
            assert dv.type == "list" and str(dv.sqref).endswith(f"{FIRST_ROW + 299}")
            assert dv.showErrorMessage and dv.error == words["bulk.template_not_in_list"]   # a word typed in: refused
            ref = re.match(r"'?[^!']+'?!\$([A-Z]+)\$1:\$\1\$(\d+)", dv.formula1)
            words_of = [lists[f"{ref.group(1)}{r}"].value for r in range(1, int(ref.group(2)) + 1)]
            checked[str(dv.sqref).split(":")[0].rstrip("0123456789")] = words_of
        for i, col in enumerate(sheet.columns, start=1):
            from openpyxl.utils import get_column_letter
            assert checked.get(get_column_letter(i)) == (bulk_format.pulldown_words(col.spec) or None), col.header
    assert "有" in bulk_format.pulldown_words(next(c.spec for c in lay.columns if c.spec.kind == "list:yes_no"))
    assert choice_of(template(*CHOICE)) == {"procedure": CHOICE[0], "status": CHOICE[1], "category": "host_org_staff",
                                             "edition": "2024"}


@pytest.mark.parametrize("dates_as_dates", [False, True])
def test_a_filled_template_exports_to_the_generators_csv_which_the_validator_takes(dates_as_dates: bool) -> None:
    made = generate(30, *CHOICE, seed=9, today=TODAY)
    csv, people = export(fill(template(*CHOICE), made, dates_as_dates), *CHOICE)
    assert people == 30
    assert csv == made.csv
    report = validate_file(csv, "exported.csv", made.step1, "2024", made.category, made.records, TODAY)
    assert report["ok"], report["defects"][:3]


def test_utf8_export_has_a_bom() -> None:
    made = generate(2, *CHOICE, seed=1, today=TODAY)
    csv, _ = export(fill(template(*CHOICE), made), *CHOICE, encoding="utf-8-sig")
    assert csv.startswith(b"\xef\xbb\xbf") and csv.decode("utf-8-sig") == made.csv.decode("cp932")


def test_what_cannot_be_exported_is_named() -> None:
    lay = bulk_format.layout("host_org_staff", *CHOICE)
    made = generate(2, *CHOICE, seed=1, today=TODAY)
    wb = workbook(fill(template(*CHOICE), made))
    first = wb[lay.sheets[0].name]
    name_col = next(i for i, c in enumerate(lay.sheets[0].columns, start=1) if c.spec.kind == "fullwidth")
    first.cell(row=4, column=name_col, value="𠮷野家")
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TemplateError, match=rf"row 4, {re.escape(lay.sheets[0].columns[name_col - 1].header)}: '𠮷'"):
        export(buf.getvalue(), *CHOICE)
    first.cell(row=1, column=2, value="something else")
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TemplateError, match=r"column B: the header is 'something else'"):
        export(buf.getvalue(), *CHOICE)
    with pytest.raises(TemplateError, match="no sheet"):
        export(template("coe", "student"), *CHOICE)
    with pytest.raises(TemplateError, match="not an .xlsx workbook"):
        export(b"PK\x03\x04 not really", *CHOICE)


def test_the_commands_write_the_template_and_export_it(tmp_path) -> None:  # noqa: ANN001
    runner = CliRunner()
    book = tmp_path / "t.xlsx"
    done = runner.invoke(main, ["bulk", "template", "--procedure", CHOICE[0], "--status", CHOICE[1], "--output", str(book)])
    assert done.exit_code == 0, done.output
    made = generate(3, *CHOICE, seed=2, today=TODAY)
    book.write_bytes(fill(book.read_bytes(), made))
    done = runner.invoke(main, ["bulk", "export", str(book)])
    assert done.exit_code == 0, done.output
    assert "3 applicants" in done.output and (tmp_path / "t.csv").read_bytes() == made.csv
    bad = runner.invoke(main, ["bulk", "export", str(tmp_path / "t.csv")])
    assert bad.exit_code == 1 and "not an .xlsx workbook" in bad.output


def test_the_menu_offers_the_templates_for_download(client) -> None:  # noqa: ANN001
    for procedure in ("extension_of_stay", "change_of_status", "coe"):
        page = client.get(f"/templates/bulk/{procedure}")
        assert page.status_code == 200
        assert '<option value="professor">教授</option>' in page.get_data(as_text=True), procedure
    got = client.get("/templates/bulk/extension_of_stay/template.xlsx?status=professor")
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    assert workbook(got.data).sheetnames == workbook(template(*CHOICE)).sheetnames
    assert choice_of(got.data)["status"] == "professor"
    assert client.get("/templates/bulk/extension_of_stay/template.xlsx?status=nope").status_code == 404
    assert client.get("/templates/bulk/permanent_residence").status_code == 404
