"""The bulk file (申請情報一括入力ファイル) as the forms make it: its columns, in which step and field
each cell lands, how a cell's text becomes the value the screens would send, and back. One layout
per STEP1 choice (procedure, status of residence, the filer's category): the same input plan as
the screens (input_plan), so a rule of a form is a rule of the file. catalog/bulk.toml holds what
is the file's own (prefixes, sheet names, encodings). Pure: no Flask, no SQL."""
from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from simulator import catalog
from simulator.domain import input_plan
from simulator.domain.validators import ACCEPT_CODES


@cache
def settings() -> dict[str, Any]:
    with open(catalog.HERE / "bulk.toml", "rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class Column:
    header: str
    step: str            # step1, step2_1, …
    field: str           # the form field's key (of the group, for a repeat group)
    spec: Any            # its catalog.FieldSpec (of the part, for a repeat group)
    part: str | None = None   # the part's key, in a repeat group
    index: int | None = None  # 0-based repetition

    @property
    def path(self) -> str:
        """The field as a Problem names it: `relatives[0].relative_name` or `nationality`."""
        return f"{self.field}[{self.index}].{self.part}" if self.part else self.field


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Layout:
    procedure: str
    status: str
    sheets: tuple[Sheet, ...]
    edition: str | None = None     # whose form declarations (None: the shared ones)

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for s in self.sheets for c in s.columns)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header_of(self, step: str, path: str | None) -> str:
        """The header of the column a problem of `step` names ("" when it names none, e.g. WZBAM118E)."""
        if not path:
            return ""
        for c in self.columns:
            if c.path == path and (c.step == step or step == ""):
                return c.header
        group = path.split("[", 1)[0]   # a whole repeat group (WZBAM024E, WZBAM101E): its first column
        for c in self.columns:
            if c.field == group and (c.step == step or step == ""):
                return c.header
        return ""


def _step_columns(step: str, form: Any) -> list[Column]:
    prefixes, section_prefix = settings()["prefix"], settings()["section_prefix"]
    words = catalog.labels()["ja"]
    out: list[Column] = []
    for st in form.steps:
        for section in st.sections:
            prefix = section_prefix.get(section.key, prefixes.get(step, ""))
            if step in settings()["section_titles"] and section.title and section.title in words:
                prefix = f"{prefix}_{words[section.title]}"
            for f in section.fields:
                if f.repeat_max:
                    group = f.csv or f.spec.label_ja
                    for n in range(f.repeat_max):
                        out += [Column(f"{prefix}_{group}{n + 1}_{group}_{p.csv or p.spec.label_ja}", step, f.key,
                                       p.spec, p.key, n) for p in f.parts]
                elif f.screen:
                    out.append(Column(f"{prefix}_{f.csv or f.spec.label_ja}", step, f.key, f.spec))
    return out


@lru_cache(maxsize=256)
def layout(category: str, procedure: str, status: str, edition: str | None = None) -> Layout:
    """The columns of the file for this STEP1 choice: the STEP1 columns, then the steps of the input plan
    (STEP3's ticks are the upload's, not a row's), one sheet per part. The forms are those of the named
    edition (its catalog/forms overlay: limits, items); without one, the shared declarations."""
    plan = input_plan.plan(category, procedure, status)
    ed = catalog.edition(edition) if edition else None
    step1_form = catalog.form("application_step1", ed)
    prefix = settings()["prefix"]["step1"]
    step1 = [Column(f"{prefix}_{step1_form.field(k).spec.label_ja}", input_plan.STEP1, k, step1_form.field(k).spec)
             for k in settings()["step1"]["fields"]]
    names = settings()["sheets"]
    sheets: list[Sheet] = []
    main: list[Column] = list(step1)
    for step, form_key in plan.steps:
        if step in (input_plan.STEP1, input_plan.STEP3):
            continue
        cols = _step_columns(step, catalog.form(form_key, ed))
        if step in names:
            sheets.append(Sheet(names[step].format(group=input_plan.group_of(status) or names["no_group"]), tuple(cols)))
        else:
            main += cols
    return Layout(procedure, status, (Sheet(names[procedure], tuple(main)), *sheets), edition)


# -- cell text ⇄ value ------------------------------------------------------------------------------------------

DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTH6 = re.compile(r"^(\d{4})(\d{2})$")


def _choices(spec: Any) -> list[tuple[str, list[str]]]:
    """(value, the words a cell may hold for it) of a pull-down."""
    kind = spec.kind
    if kind.startswith("list:"):
        items = catalog.choice_list(kind.split(":", 1)[1])
        # the screens' label, the workbook's bilingual 「有 Yes」 (_A021_L), the value, the 1-based code (§11.6)
        return [(i.value, [i.label_ja, f"{i.label_ja} {i.label_en}", i.value, str(n + 1)]) for n, i in enumerate(items)]
    if kind == "status_of_residence":
        return [(r["key"], [r["label_ja"], r["key"], *[a for a in r["label_ja_aliases"].split("|") if a]])
                for r in catalog.table("statuses_of_residence.csv")]
    if spec.key == "procedure":
        return [(r["key"], [r["label_ja"], r["key"]]) for r in catalog.table("procedures.csv")]
    if kind == "bureau":
        return [(r["key"], [r["name_ja"], r["key"]]) for r in catalog.table("bureaus.csv")]
    if kind.startswith("choice:"):
        return [(c, [c]) for c in spec.choices]
    return []


def screen_messages(errors: list[dict[str, Any]]) -> list[str]:
    """The lines S26 shows for a row's errors (FAQ Q4-26): an input-rule error of a field as the one generic
    message of catalog/bulk.toml [screen], every other error as its own message; each line once."""
    conf = settings()["screen"]
    generic = catalog.message(conf["input_rule_message"]).render({})[0]
    return list(dict.fromkeys(generic if e["code"] in conf["input_rule_codes"] else e["message"] for e in errors))


def choices_of(spec: Any) -> list[tuple[str, list[str]]]:
    """(value, the words a cell may hold for it, the template's first) of a column's pull-down."""
    return _choices(spec)


def pulldown_words(spec: Any) -> list[str]:
    """The words of a column's pull-down in the template (the screens' labels), [] when it has none."""
    return [words[0] for _value, words in _choices(spec)]


@lru_cache(maxsize=1024)
def _word_map(spec: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, words in _choices(spec):
        for w in words:
            out.setdefault(w, value)
    return out


def to_value(spec: Any, text: str) -> Any:
    """What the screens would send for this cell. What cannot be read is passed on as written, so the
    form's own check refuses it with the system's code (WZBAM005E, 111E, 103E, …)."""
    if text.strip() == "":
        return None
    kind = spec.kind
    if kind in ACCEPT_CODES:
        return True if text.strip() in settings()["true_words"] else text
    if kind == "date":
        m = DATE8.match(text.strip())
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else text
    if kind == "year_month":
        m = MONTH6.match(text.strip())
        return f"{m.group(1)}-{m.group(2)}" if m else text
    if kind == "municipality":
        from simulator.catalog import places

        found = places.municipality(text.strip()) or places.municipality_named(text)
        return found.code if found else text
    words = _word_map(spec)
    if words:
        return words.get(text.strip(), text)
    return text


def to_text(spec: Any, value: Any) -> str:
    """The cell the template's export writes for a value (the screens' words; dates as YYYYMMDD)."""
    if value is None or value == "":
        return ""
    kind = spec.kind
    if kind in ACCEPT_CODES:
        return settings()["true_words"][0] if value is True else str(value)
    if kind == "date":
        return str(value).replace("-", "")
    if kind == "year_month":
        return str(value).replace("-", "")
    if kind == "municipality":
        from simulator.catalog import places

        found = places.municipality(str(value))
        return found.full_name if found else str(value)
    for v, words in _choices(spec):
        if v == value:
            return words[0]
    return str(value)


def step_values(lay: Layout, cells: list[str]) -> dict[str, dict[str, Any]]:
    """A row's cells as the values of each step, keyed by field (a repeat group as the list of its
    repetitions that have any cell filled)."""
    out: dict[str, dict[str, Any]] = {}
    groups: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for col, text in zip(lay.columns, cells, strict=False):   # a short row: the rest empty
        value = to_value(col.spec, text)
        if col.part is None:
            if value is not None:
                out.setdefault(col.step, {})[col.field] = value
            continue
        reps = groups.setdefault((col.step, col.field), {})
        item = reps.setdefault(col.index or 0, {})
        if value is not None:
            item[col.part] = value
    for (step, key), reps in groups.items():
        filled = [reps[i] for i in sorted(reps) if reps[i]]
        if filled:
            out.setdefault(step, {})[key] = filled
    return out


def row_cells(lay: Layout, values: dict[str, dict[str, Any]]) -> list[str]:
    """The inverse of step_values: the cells of a row for these step values."""
    cells = []
    for col in lay.columns:
        v = values.get(col.step, {}).get(col.field)
        if col.part is not None:
            items = v if isinstance(v, list) else []
            v = items[col.index].get(col.part) if col.index is not None and col.index < len(items) else None
        cells.append(to_text(col.spec, v))
    return cells


# -- the file ---------------------------------------------------------------------------------------------------

class FileRefused(Exception):
    """The file as a whole is refused (004 §2.5.3 #3): the code of the system (WZBAM141E…145E)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


def decode(data: bytes) -> str:
    """The file's text: UTF-8 when it starts with a BOM (rasim), else CP932 like the template's export."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRefused("WZBAM141E", "not UTF-8 after its BOM") from None
    try:
        return data.decode(settings()["encoding"])
    except UnicodeDecodeError:
        raise FileRefused("WZBAM141E", "not CP932 (Shift_JIS), nor UTF-8 with a BOM") from None


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and data rows of a bulk CSV, each with its line in the file (the template's 入力規則 row, if
    kept, is skipped; rows with every cell empty are none). FileRefused when it is no CSV."""
    text = decode(data)
    if "\x00" in text:
        raise FileRefused("WZBAM141E", "a NUL character: not a text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:   # a row's line is where it starts (a quoted cell may hold line breaks)
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused("WZBAM141E", f"not a CSV file (line {reader.line_num}: {exc})") from None
    if not rows:
        raise FileRefused("WZBAM141E", "empty file")
    header, body = rows[0][1], rows[1:]
    if body and body[0][1] and body[0][1][0] == settings()["rules_row"]:
        body = body[1:]
    return header, [(n, r) for n, r in body if any(c.strip() for c in r)]


def write_rows(lay: Layout, rows: list[list[str]], encoding: str | None = None, rules: bool = False) -> bytes:
    """A bulk CSV as the template's export writes it (CP932, CRLF)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(lay.headers)
    if rules:
        w.writerow(input_rules(lay))
    w.writerows(rows)
    return buf.getvalue().encode(encoding or settings()["encoding"])


def input_rules(lay: Layout) -> list[str]:
    """Row 2 of the template (入力規則, §11.2): the kind and the limits of each column, its first cell naming it."""
    out = []
    for i, c in enumerate(lay.columns):
        out.append(settings()["rules_row"] if i == 0 else rule_text(c.spec))
    return out


def rule_text(spec: Any) -> str:
    """What a column takes, in words of the screens' hints (the labels of catalog/labels.toml [bulk])."""
    words = catalog.labels()["ja"]
    kind = spec.kind.split(":", 1)[0]
    text = words.get(f"bulk.rule_{kind}", words.get("bulk.rule_text", ""))
    if spec.max_len:
        text += words.get("bulk.rule_max", "").format(n=spec.max_len)
    if spec.exact_len:
        text += words.get("bulk.rule_exact", "").format(n=spec.exact_len)
    return text
