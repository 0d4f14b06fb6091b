"""The bulk template without macros (issue 11 point 2): `rasim bulk template` writes an .xlsx workbook
(openpyxl) for a STEP1 choice — an instructions sheet, one sheet per part of the layout (row 1 the
headers, row 2 the 入力規則, rows 3… the applicants; the pull-downs as data validation on a hidden list
sheet) — and `rasim bulk export` turns a filled workbook into the upload CSV the official macro writes
(CP932). Both come from domain/bulk_format.py: the columns, the rules and the words are the screens'.

The choice is kept in the workbook's custom properties (rasim_procedure, rasim_status, rasim_category), so
export needs nothing but the file."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from simulator import catalog
from simulator.domain import bulk_format

FIRST_ROW = 3                    # row 1 headers, row 2 入力規則
MAX_XLSX_BYTES = 20 * 1024 * 1024   # rasim: a filled 300-row workbook is well under 1 MB
MAX_SCANNED_ROWS = 10_000        # rows read of a sheet at most (the system takes bulk_max_rows)
PROPS = ("procedure", "status", "category")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
RULE_FILL = PatternFill("solid", fgColor="F2F2F2")


class TemplateError(ValueError):
    """A workbook that is not a filled rasim template (the message says where)."""


def _words(edition: str | None = None) -> dict[str, str]:
    return catalog.labels(edition)["ja"]


def _label(table: str, key: str) -> str:
    return next((r["label_ja"] for r in catalog.table(table) if r["key"] == key), key)


def template(procedure: str, status: str, category: str = "host_org_staff", edition: str | None = None) -> bytes:
    """The .xlsx of the template for this STEP1 choice."""
    lay = bulk_format.layout(category, procedure, status, catalog.edition(edition).name)
    rows = catalog.edition(edition).bulk_max_rows
    words = _words(edition)
    wb = Workbook()
    intro = wb.active
    intro.title = words["bulk.template_sheet"]
    intro["A1"] = words["bulk.template_title"].format(procedure=_label("procedures.csv", procedure),
                                                      status=_label("statuses_of_residence.csv", status))
    intro["A1"].font = Font(bold=True, size=13)
    for n in range(1, 6):
        intro.cell(row=n + 2, column=1, value=words[f"bulk.template_line_{n}"].format(rows=rows))
    for n, sheet in enumerate(lay.sheets):
        intro.cell(row=n + 9, column=1, value=sheet.name)
    intro.column_dimensions["A"].width = 120
    lists = wb.create_sheet(words["bulk.template_lists_sheet"])
    lists.sheet_state = "hidden"
    list_ranges: dict[tuple[str, ...], str] = {}
    last = FIRST_ROW + rows - 1
    for sheet in lay.sheets:
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A3"
        for i, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(i)
            head = ws.cell(row=1, column=i, value=col.header)
            head.fill, head.font, head.alignment = HEADER_FILL, Font(bold=True), Alignment(wrap_text=True)
            rule = ws.cell(row=2, column=i, value=bulk_format.settings()["rules_row"] if i == 1 and sheet is lay.sheets[0]
                           else bulk_format.rule_text(col.spec))
            rule.fill = RULE_FILL
            ws.column_dimensions[letter].width = max(12, min(40, len(col.header) * 1.6))
            ws.column_dimensions[letter].number_format = "@"   # text: postal codes and phone numbers keep their 0
            options = tuple(bulk_format.pulldown_words(col.spec))
            if options:
                if options not in list_ranges:
                    c = len(list_ranges) + 1
                    for r, word in enumerate(options, start=1):
                        lists.cell(row=r, column=c, value=word)
                    lc = get_column_letter(c)
                    list_ranges[options] = f"{quote_sheetname(lists.title)}!${lc}$1:${lc}${len(options)}"
                check = DataValidation(type="list", formula1=list_ranges[options], allow_blank=True,
                                       showErrorMessage=True, errorTitle=col.header[:32],
                                       error=words["bulk.template_not_in_list"])
                check.add(f"{letter}{FIRST_ROW}:{letter}{last}")
                ws.add_data_validation(check)
    wb.custom_doc_props.append(StringProperty(name="rasim_procedure", value=procedure))
    wb.custom_doc_props.append(StringProperty(name="rasim_status", value=status))
    wb.custom_doc_props.append(StringProperty(name="rasim_category", value=category))
    wb.custom_doc_props.append(StringProperty(name="rasim_edition", value=catalog.edition(edition).name))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value: Any) -> str:
    """A cell as the macro writes it: dates YYYYMMDD, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def choice_of(data: bytes) -> dict[str, str]:
    """The STEP1 choice a template was made for (its custom properties)."""
    wb = _open(data)
    try:
        props = {p.name: p.value for p in wb.custom_doc_props.props}
    finally:
        wb.close()
    missing = [k for k in PROPS if not props.get(f"rasim_{k}")]
    if missing:
        raise TemplateError("the workbook does not say its procedure and status (not made by `rasim bulk "
                            "template`): give --procedure and --status")
    made_for = {k: str(props[f"rasim_{k}"]) for k in PROPS}
    if props.get("rasim_edition"):   # whose forms (templates made before editions had forms of their own: none)
        made_for["edition"] = str(props["rasim_edition"])
    return made_for


def _open(data: bytes) -> Any:
    if len(data) > MAX_XLSX_BYTES:
        raise TemplateError(f"the workbook is larger than {MAX_XLSX_BYTES // (1024 * 1024)} MB")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl's own errors alike: no workbook
        raise TemplateError(f"not an .xlsx workbook ({type(exc).__name__}: {exc})") from None


def export(data: bytes, procedure: str, status: str, category: str = "host_org_staff",
           encoding: str | None = None, edition: str | None = None) -> tuple[bytes, int]:
    """The upload CSV of a filled template and the number of applicants in it. TemplateError names the sheet,
    row and column of what cannot be exported (a missing sheet, a changed header, a character CP932 lacks)."""
    lay = bulk_format.layout(category, procedure, status, catalog.edition(edition).name)
    wb = _open(data)
    people: dict[int, dict[int, list[str]]] = {}   # row → sheet → its cells
    try:
        for n, sheet in enumerate(lay.sheets):
            if sheet.name not in wb.sheetnames:
                raise TemplateError(f"no sheet {sheet.name!r}: the workbook is not the template of {procedure} / {status}")
            ws, width = wb[sheet.name], len(sheet.columns)
            for r, cells in enumerate(ws.iter_rows(min_row=1, max_col=width, values_only=True), start=1):
                texts = ([_text(v) for v in cells] + [""] * width)[:width]
                if r == 1:
                    for i, (got, col) in enumerate(zip(texts, sheet.columns, strict=True), start=1):
                        if got != col.header:
                            raise TemplateError(f"sheet {sheet.name!r}, column {get_column_letter(i)}: the header is "
                                                f"{got!r}, the template's is {col.header!r}")
                    continue
                if r > MAX_SCANNED_ROWS:
                    raise TemplateError(f"sheet {sheet.name!r} goes on beyond row {MAX_SCANNED_ROWS}")
                if r >= FIRST_ROW and any(t.strip() for t in texts):
                    people.setdefault(r, {})[n] = texts
    finally:
        wb.close()
    lines = sorted(people)
    rows = [[t for n, sheet in enumerate(lay.sheets) for t in people[r].get(n, [""] * len(sheet.columns))]
            for r in lines]
    encoding = encoding or bulk_format.settings()["encoding"]
    try:
        return bulk_format.write_rows(lay, rows, encoding=encoding), len(rows)
    except UnicodeEncodeError:
        for r, cells in zip(lines, rows, strict=True):
            for col, text in zip(lay.columns, cells, strict=True):
                try:
                    text.encode(encoding)
                except UnicodeEncodeError as exc:
                    raise TemplateError(f"row {r}, {col.header}: {text[exc.start:exc.end]!r} cannot be written in "
                                        f"{encoding.upper()} (the system refuses the file: WZBAM141E)") from None
        raise


# -- the commands ---------------------------------------------------------------------------------------------

def _commands() -> tuple[Any, Any]:
    from pathlib import Path

    import click

    from simulator.bulk_generate import PROCEDURES, check_choice

    @click.command("template")
    @click.option("--procedure", required=True, type=click.Choice(PROCEDURES), help="STEP1 申請種別.")
    @click.option("--status", "status", required=True, metavar="KEY", help="STEP1 在留資格, e.g. professor.")
    @click.option("--category", default="host_org_staff", show_default=True, help="The filer's user category.")
    @click.option("--edition", type=click.Choice(catalog.edition_names()), default=None,
                  help="[default: RASIM_EDITION or 2024]")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="The workbook to write [default: template-PROCEDURE-STATUS.xlsx].")
    def template_command(procedure: str, status: str, category: str, edition: str | None, output: Path | None) -> None:
        """Write the bulk template for a STEP1 choice as an .xlsx without macros: instructions, one sheet per
        part (headers, 入力規則, 300 rows), the pull-downs as data validation."""
        check_choice(category, procedure, status)
        output = output or Path(f"template-{procedure}-{status}.xlsx")
        output.write_bytes(template(procedure, status, category, edition))
        lay = bulk_format.layout(category, procedure, status, catalog.edition(edition).name)
        click.echo(f"wrote {output}: sheets {', '.join(s.name for s in lay.sheets)}; {len(lay.columns)} columns")

    @click.command("export")
    @click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="The CSV to write [default: WORKBOOK with .csv].")
    @click.option("--procedure", type=click.Choice(PROCEDURES), default=None,
                  help="[default: the one the template was made for]")
    @click.option("--status", "status", metavar="KEY", default=None, help="[default: the one the template was made for]")
    @click.option("--category", default=None, help="[default: the one the template was made for]")
    @click.option("--edition", type=click.Choice(catalog.edition_names()), default=None,
                  help="Whose forms [default: the one the template was made for, else RASIM_EDITION or 2024].")
    @click.option("--utf8", is_flag=True, help="UTF-8 with a BOM instead of CP932 (a rasim extension the server accepts).")
    def export_command(workbook: Path, output: Path | None, procedure: str | None, status: str | None,
                       category: str | None, edition: str | None, utf8: bool) -> None:
        """Write the upload CSV (申請情報一括登録用csvファイル, CP932) of a filled template, as the official macro would."""
        if workbook.stat().st_size > MAX_XLSX_BYTES:
            raise click.ClickException(f"{workbook} is larger than {MAX_XLSX_BYTES // (1024 * 1024)} MB")
        data = workbook.read_bytes()
        try:
            made_for = choice_of(data) if not (procedure and status) else {}
            choice = {"procedure": procedure or made_for["procedure"], "status": status or made_for["status"],
                      "category": category or made_for.get("category", "host_org_staff")}
            check_choice(choice["category"], choice["procedure"], choice["status"])
            csv, people = export(data, choice["procedure"], choice["status"], choice["category"],
                                 "utf-8-sig" if utf8 else None, edition or made_for.get("edition"))
        except TemplateError as exc:
            raise click.ClickException(f"{workbook}: {exc}") from None
        output = output or workbook.with_suffix(".csv")
        output.write_bytes(csv)
        click.echo(f"wrote {output}: {people} applicants, {len(csv)} bytes, {'UTF-8 with a BOM' if utf8 else 'CP932'} "
                   f"({choice['procedure']} / {choice['status']})")
        if people > catalog.edition().bulk_max_rows:
            click.echo(f"warning: more than {catalog.edition().bulk_max_rows} applicants: the system refuses the file "
                       "(WZBAM142E)", err=True)

    return template_command, export_command


template_command, export_command = _commands()
