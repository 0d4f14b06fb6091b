"""What [申込一覧] lists (003 §7.1, §7.2, edition 2026): every 申込 the user made — residence applications (a bulk
row among them), the 申込 of the procedures that are not residence applications (利用申出, 定期報告: the edition's
`procedure_requests`) and 受領方法変更申出 — as one query of the same columns, so that [キーワードで探す], the sort
and the pages treat them alike. 003 §7.2 corrects a 返却中 利用申出 or 定期報告 through [申込一覧] → [詳細] →
「修正する >」 like a residence application.

Each source gives: kind, id (its own table's), procedure (a key to name it by), bulk, 受付仮番号, 受付番号, 氏名,
申込日時 and 処理状況 (a 2026 key of catalog/application_statuses.csv). rasim, where 003 is silent: a 定期報告's
受付番号 is its 定期報告受付番号 and a 利用申出 has no 関連情報; a 受領方法変更申出 shows the numbers and the name of
the application it changes, and its 処理状況 comes from its result (catalog/procedure_requests.toml
[receipt_change_states])."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, String, and_, case, false, literal, or_, select

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application
from simulator.adapters.db_decisions import ReceiptMethodChange
from simulator.adapters.db_procedure_requests import ProcedureRequest
from simulator.services.context import Ctx

APPLICATION, PROCEDURE_REQUEST, RECEIPT_CHANGE = "application", "procedure_request", "receipt_change"
RECEIPT_CHANGE_PROCEDURE = "receipt_method_change"      # its row of catalog/online_procedures.csv


def bulk_word(ctx: Ctx) -> str:
    return catalog.labels(ctx.ed.name)["ja"]["status_list.bulk"]


def procedure_names(ctx: Ctx) -> dict[tuple[str, str], str]:
    """(kind, procedure) → the 手続き名 column's words (a bulk row's get 「一括申請」 after them)."""
    from simulator.services.procedure_requests import label

    names = {(APPLICATION, r["key"]): r["label_ja"] for r in catalog.table("procedures.csv")}
    names |= {(PROCEDURE_REQUEST, form): label(form) for form in ctx.ed.procedure_requests}
    names |= {(RECEIPT_CHANGE, r["key"]): r["name_ja"] for r in catalog.table("online_procedures.csv")
              if r["edition"] == ctx.ed.name and r["key"] == RECEIPT_CHANGE_PROCEDURE}
    return names


def procedure_name(ctx: Ctx, kind: str, procedure: str, bulk: bool) -> str:
    name = procedure_names(ctx).get((kind, procedure), procedure)
    return f"{name} {bulk_word(ctx)}" if bulk else name


def _named(ctx: Ctx, kind: str, words: list[str], column: Any, bulk: Any = None) -> Any:
    """②: the rows whose 手続き名 holds every keyword (a bulk row's name holds 「一括申請」 too)."""
    names = {p: n for (k, p), n in procedure_names(ctx).items() if k == kind}
    single = [p for p, n in names.items() if all(w in n for w in words)]
    if bulk is None:
        return column.in_(single) if single else false()
    as_bulk = [p for p, n in names.items() if all(w in f"{n} {bulk_word(ctx)}" for w in words)]
    return or_(and_(column.in_(single), bulk.is_(None)) if single else false(),
               and_(column.in_(as_bulk), bulk.is_not(None)) if as_bulk else false())


def _related(text: str, *columns: Any, name: Any = None) -> Any:
    """①: a part of the 受付仮番号, the 受付番号 or the 氏名 (rasim: partial, letters in either case, the name's parts
    separated by spaces or commas as it is typed: HOUMU,TARO)."""
    found = [c.icontains(text, autoescape=True) for c in columns]
    if name is not None:
        found.append(name.icontains(",".join(text.replace(",", " ").split()), autoescape=True))
    return or_(*found) if found else false()


def _filtered(q: Any, c: dict[str, Any], when: Any, related: Any, named: Callable[[], Any]) -> Any:
    if c["related"]:
        q = q.where(related)
    if c["words"]:
        q = q.where(named())
    if c["start"]:
        q = q.where(when >= c["start_at"])
    if c["end"]:
        q = q.where(when <= c["end_at"])
    return q


def applications(ctx: Ctx, account: Account, c: dict[str, Any], procedures: list[str] | None) -> Any:
    A = Application
    q = select(literal(APPLICATION, String).label("kind"), A.id.label("id"), A.procedure.label("procedure"),
               case((A.bulk_input_id.is_not(None), 1), else_=0).label("bulk"),
               A.provisional_number.label("provisional_number"), A.receipt_number.label("receipt_number"),
               A.applicant_name.label("applicant_name"), A.submitted_at.label("applied_at"), A.state.label("state")
               ).where(A.account_id == account.id, A.parent_id.is_(None), A.submitted_at.is_not(None))
    if procedures is not None:
        q = q.where(A.procedure.in_(procedures))
    return _filtered(q, c, A.submitted_at,
                     _related(c["related"], A.provisional_number, A.receipt_number, name=A.applicant_name),
                     lambda: _named(ctx, APPLICATION, c["words"], A.procedure, A.bulk_input_id))


def procedure_requests(ctx: Ctx, account: Account, c: dict[str, Any]) -> Any:
    from simulator.services.procedure_requests import INPUT

    R = ProcedureRequest
    q = select(literal(PROCEDURE_REQUEST, String).label("kind"), R.id.label("id"), R.form.label("procedure"),
               literal(0, Integer).label("bulk"), literal("", String).label("provisional_number"),
               R.receipt_number.label("receipt_number"), literal("", String).label("applicant_name"),
               R.submitted_at.label("applied_at"), R.state.label("state")
               ).where(R.account_id == account.id, R.state != INPUT, R.submitted_at.is_not(None),
                       R.form.in_(list(ctx.ed.procedure_requests)))
    return _filtered(q, c, R.submitted_at, _related(c["related"], R.receipt_number),
                     lambda: _named(ctx, PROCEDURE_REQUEST, c["words"], R.form))


def receipt_change_states() -> dict[str, str]:
    from simulator.services.procedure_requests import machine

    return dict(machine()["receipt_change_states"])


def receipt_changes(ctx: Ctx, account: Account, c: dict[str, Any]) -> Any:
    M = ReceiptMethodChange
    states = receipt_change_states()
    state = case((M.result.is_(None), states["waiting"]),
                 *[(M.result == result, key) for result, key in states.items() if result != "waiting"],
                 else_=states["waiting"])
    q = select(literal(RECEIPT_CHANGE, String).label("kind"), M.id.label("id"),
               literal(RECEIPT_CHANGE_PROCEDURE, String).label("procedure"), literal(0, Integer).label("bulk"),
               M.provisional_number.label("provisional_number"), M.receipt_number.label("receipt_number"),
               M.applicant_name.label("applicant_name"), M.requested_at.label("applied_at"), state.label("state")
               ).where(M.account_id == account.id)
    return _filtered(q, c, M.requested_at,
                     _related(c["related"], M.provisional_number, M.receipt_number, name=M.applicant_name),
                     lambda: _named(ctx, RECEIPT_CHANGE, c["words"], literal(RECEIPT_CHANGE_PROCEDURE, String)))


NO_CRITERIA: dict[str, Any] = {"related": "", "words": [], "start": None, "end": None, "start_at": None, "end_at": None}


def one_row(ctx: Ctx, account: Account, kind: str, record_id: Any) -> Any:
    """The row of [申込一覧] of one 申込 of the user, of a kind other than a residence application (None: no such
    申込 of theirs, or one not applied for yet): what its [申込詳細] shows, by the same select as the list."""
    if not (isinstance(record_id, int) and 0 < record_id < 2**31):
        return None
    source = {PROCEDURE_REQUEST: procedure_requests, RECEIPT_CHANGE: receipt_changes}[kind](ctx, account, NO_CRITERIA)
    found = source.subquery()
    return ctx.db.execute(select(found).where(found.c.id == record_id)).first()


def every_source(ctx: Ctx, account: Account, c: dict[str, Any], procedures: list[str] | None) -> list[Any]:
    """The selects [申込一覧] unites; with `procedures` ([過去申込一覧], 003 §8.3) residence applications only."""
    if procedures is not None:
        return [applications(ctx, account, c, procedures)]
    return [applications(ctx, account, c, None), procedure_requests(ctx, account, c), receipt_changes(ctx, account, c)]
