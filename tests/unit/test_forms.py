"""Forms as data: one declaration (catalog/forms/*.toml) gives the screen's inputs, the validation
with the system's codes, the API body's JSON Schema and the bulk-CSV columns. Adding a field to a
copy of a form changes all four; the shipped forms load and name only catalogue fields."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator import catalog
from simulator.catalog import forms as form_files
from simulator.domain.errors import Problems
from simulator.domain.forms import Condition, validate_form
from simulator.web.app import create_app
from simulator.web.schemas import form_schema

E2024 = catalog.edition("2024")
ADDED = '''
[[steps.sections]]
key = "card"
fields = [ { key = "residence_card_number", required = true, csv = "在留カード番号", item = "(9)" } ]
'''


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    shutil.copy(form_files.FOLDER / "agent_registration.toml", tmp_path / "agent_registration.toml")
    return tmp_path


def load(folder: Path):  # noqa: ANN201
    form_files.form.cache_clear()
    try:
        return form_files.form("agent_registration", folder)
    finally:
        form_files.form.cache_clear()


def render(form, var_dir: Path) -> str:  # noqa: ANN001
    app = create_app({"RASIM_DATABASE_URL": "sqlite://", "SECRET_KEY": "t", "RASIM_VAR_DIR": str(var_dir)})
    with app.test_request_context("/registration/agent"):
        macro = app.jinja_env.get_template("_forms.html").module.form_sections
        from simulator.web.screens.ui import FormErrors

        return str(macro(form, {}, FormErrors()))


def test_a_field_added_to_a_form_reaches_screen_schema_validation_and_csv(forms_dir: Path, tmp_path: Path):
    before = load(forms_dir)
    (forms_dir / "agent_registration.toml").write_text(
        (forms_dir / "agent_registration.toml").read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    after = load(forms_dir)

    # the screen: an input named after the field, with the catalogue's label and the required tag
    assert 'name="residence_card_number"' not in render(before, tmp_path / "var")
    html = render(after, tmp_path / "var")
    assert 'name="residence_card_number"' in html and "在留カード番号" in html and 'maxlength="12"' in html

    # the API schema: a property, and required (derived, never typed)
    schema_before, schema_after = form_schema(before, E2024), form_schema(after, E2024)
    assert "residence_card_number" not in schema_before["properties"]
    assert schema_after["properties"]["residence_card_number"]["maxLength"] == 12
    assert "residence_card_number" in schema_after["required"]

    # the validation, with the catalogue's codes
    problems = Problems()
    validate_form(after, {"residence_card_number": "AB1234567CD"}, problems, only=["residence_card_number"])
    assert [(p.code, p.field) for p in problems.items] == [("WZBAM004E", "residence_card_number")]
    problems = Problems()
    validate_form(after, {"residence_card_number": "ab12345678cd"}, problems, only=["residence_card_number"])
    assert [p.code for p in problems.items] == ["WZBAM251E"]
    problems = Problems()
    validate_form(after, {}, problems, only=["residence_card_number"])
    assert [p.code for p in problems.items] == ["WZBAM001E"]

    # the CSV columns
    assert ("在留カード番号", "residence_card_number") not in before.csv_columns()
    assert after.csv_columns()[-1] == ("在留カード番号", "residence_card_number")


@pytest.mark.parametrize("name", form_files.form_names())
def test_every_shipped_form_loads_with_catalogue_fields(name: str):
    form = catalog.form(name)
    assert form.key == name and form.fields
    for f in form.fields:
        assert catalog.field(f.key).key == f.key
        for key in (f.hint, f.example, f.note):
            if key:
                assert catalog.labels()["ja"].get(key), (name, f.key, key)


def test_a_form_with_an_unknown_field_or_key_is_refused(tmp_path: Path):
    (tmp_path / "agent_registration.toml").write_text(
        'key = "agent_registration"\n[[steps]]\nkey = "s"\n[[steps.sections]]\nkey = "x"\n'
        'fields = [ { key = "no_such_field" } ]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_field"):
        load(tmp_path)
    (tmp_path / "agent_registration.toml").write_text(
        'key = "agent_registration"\n[[steps]]\nkey = "s"\n[[steps.sections]]\nkey = "x"\n'
        'fields = [ { key = "name", requird = true } ]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="requird"):
        load(tmp_path)


def one_section_form(folder: Path, key: str, fields: str):  # noqa: ANN201
    """A form `key` of one step and one section holding `fields` (TOML tables), loaded from `folder`."""
    (folder / f"{key}.toml").write_text(f'key = "{key}"\n[[steps]]\nkey = "s"\n[[steps.sections]]\nkey = "x"\n'
                                        + fields, encoding="utf-8")
    form_files.form.cache_clear()
    try:
        return form_files.form(key, folder)
    finally:
        form_files.form.cache_clear()


def test_required_when_and_forbidden_when(tmp_path: Path):
    form = one_section_form(tmp_path, "receipt", '''[[steps.sections.fields]]
key = "organisation_kind"
required = true
[[steps.sections.fields]]
key = "organisation_address"
required_when = { field = "organisation_kind", equals = "host" }
forbidden_when = { field = "organisation_kind", in = ["registered_support"] }
''')

    def codes(values: dict) -> list[tuple[str, str]]:
        problems = Problems()
        validate_form(form, values, problems)
        return [(p.code, p.field) for p in problems.items]

    assert codes({"organisation_kind": "host"}) == [("WZBAM001E", "organisation_address")]
    assert codes({"organisation_kind": "public_interest"}) == []
    assert codes({"organisation_kind": "registered_support", "organisation_address": "東京"}) == \
        [("WZBAM005E", "organisation_address")]
    assert Condition.parse({"field": "a", "filled": True}).holds({"a": "x"})


def test_repeat_groups_validate_each_item_and_give_numbered_csv_columns(tmp_path: Path):
    form = one_section_form(tmp_path, "family", '''[[steps.sections.fields]]
key = "name"
repeat_max = 2
parts = [{ key = "name", required = true, csv = "在日親族{n}氏名" }, { key = "birth_date", csv = "在日親族{n}生年月日" }]
''')
    assert [h for h, _ in form.csv_columns()] == ["在日親族1氏名", "在日親族1生年月日", "在日親族2氏名", "在日親族2生年月日"]
    problems = Problems()
    cleaned = validate_form(form, {"name": [{"name": "法務太郎", "birth_date": "1990-01-01"}, {"birth_date": "x"}]},
                            problems)
    assert [(p.code, p.field) for p in problems.items] == [("WZBAM001E", "name[1].name"), ("WZBAM005E", "name[1].birth_date")]
    assert cleaned["name"][0]["birth_date"].year == 1990
    problems = Problems()
    validate_form(form, {"name": [{"name": "a"}] * 3}, problems)
    assert [p.code for p in problems.items] == ["WZBAM024E"]
