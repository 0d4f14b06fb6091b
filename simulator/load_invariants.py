"""What must hold after a load run (`rasim load run`), read straight from the database and from Locust's
CSV files: every accepted row of a bulk upload is one stored application and every defective one is
reported once in its upload's one error item; no person has two applications in progress (FAQ Q4-8); every
mail went out exactly once (the 申請受付 mail of each submission, the error mail of each upload with
defects, no mail twice); and no answer was a 5xx, no request or check failed."""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from simulator.adapters.db import Account, Mail
from simulator.adapters.db_applications import Application, BulkInput
from simulator.domain.applications import in_progress_states


@dataclass(frozen=True)
class Invariant:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"[{'pass' if self.ok else 'FAIL'}] {self.name}: {self.detail}"


def _show(items: list, limit: int = 5) -> str:
    return ", ".join(map(str, items[:limit])) + (f" … ({len(items)} in all)" if len(items) > limit else "")


def bulk_rows_stored(db: Session) -> Invariant:
    bulks = list(db.scalars(select(BulkInput).where(BulkInput.state == "processed")))
    made = Counter(db.scalars(select(Application.bulk_input_id).where(Application.bulk_input_id.is_not(None),
                                                                     Application.state != "bulk_error")))
    wrong = [f"upload {b.id}: {b.accepted} accepted, {made[b.id]} stored, {b.rows} rows, {b.defective} defective"
             for b in bulks if made[b.id] != b.accepted or b.accepted + b.defective != b.rows]
    return Invariant("accepted rows = stored applications of the bulk uploads", not wrong and bool(bulks),
                     _show(wrong) if wrong else f"{len(bulks)} uploads, {sum(b.accepted for b in bulks)} rows accepted "
                     f"= {sum(made[b.id] for b in bulks)} applications" if bulks else "no upload was processed")


def uploads_processed(db: Session) -> Invariant:
    queued = list(db.scalars(select(BulkInput.id).where(BulkInput.state == "queued")))
    return Invariant("every confirmed upload processed", not queued, f"still queued: {_show(queued)}" if queued
                     else "none left queued")


def one_in_progress(db: Session) -> Invariant:
    from simulator.catalog import edition

    IN_PROGRESS = in_progress_states(edition().applications_edition)   # noqa: N806 - the serving edition's
    twice = list(db.execute(select(Application.record_id, func.count()).where(
        Application.record_id.is_not(None), Application.parent_id.is_(None), Application.state.in_(IN_PROGRESS))
        .group_by(Application.record_id).having(func.count() > 1)))
    held = db.scalar(select(func.count()).where(Application.record_id.is_not(None), Application.parent_id.is_(None),
                                               Application.state.in_(IN_PROGRESS))) or 0
    return Invariant("no person twice in progress", not twice,
                     f"records with several: {_show([tuple(r) for r in twice])}" if twice
                     else f"{held} applications in progress, each of another person")


def defects_reported_once(db: Session) -> Invariant:
    wrong, reported = [], 0
    items = Counter(db.scalars(select(Application.bulk_input_id).where(Application.state == "bulk_error")))
    for b in db.scalars(select(BulkInput).where(BulkInput.state == "processed")):
        lines = [e["line"] for e in json.loads(b.defects_json or "[]")]
        reported += len(lines)
        if len(lines) != b.defective or len(set(lines)) != len(lines) or items[b.id] != (1 if b.defective else 0):
            wrong.append(f"upload {b.id}: {b.defective} defective, {len(lines)} entries, {items[b.id]} error items")
    return Invariant("every defective row reported once", not wrong,
                     _show(wrong) if wrong else f"{reported} defective rows, each in one entry of one error item")


def mails_once(db: Session) -> Invariant:
    problems = [f"{n}× {kind} to {to}" for (to, kind, _s, _b), n in Counter(
        db.execute(select(Mail.to_addr, Mail.kind, Mail.subject, Mail.body))).items() if n > 1]
    received: Counter = Counter()
    for to, body in db.execute(select(Mail.to_addr, Mail.body).where(Mail.kind == "application_received")):
        for number in re.findall(r"\b96\d{14}\b", body):
            received[(to, number)] += 1
    submitted = list(db.execute(select(Application.provisional_number, Account.email)
                                .join(Account, Account.id == Application.account_id)
                                .where(Application.submitted_at.is_not(None), Application.parent_id.is_(None))))
    problems += [f"{received[(email, number)]} 申請受付 mails for {number}" for number, email in submitted
                 if received[(email, number)] != 1]
    errors = [body for (body,) in db.execute(select(Mail.body).where(Mail.kind == "bulk_registration_error"))]
    for b in db.scalars(select(BulkInput).where(BulkInput.state == "processed")):
        n = sum(1 for body in errors if b.filename in body)
        if n != (1 if b.defective else 0):
            problems.append(f"{n} error mails for upload {b.id} ({b.defective} defective)")
    total = db.scalar(select(func.count()).select_from(Mail)) or 0
    return Invariant("every mail sent exactly once", not problems, _show(problems) if problems else
                     f"{total} mails, none twice; one 申請受付 mail for each of {len(submitted)} submissions, "
                     f"one error mail for each upload with defects")


# -- Locust's figures -------------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def no_server_errors(prefix: Path) -> Invariant:
    fives = [f"{r['Method']} {r['Name']}: {r['Error'][:120]} ({r['Occurrences']}×)" for r in read_csv(
        Path(f"{prefix}_failures.csv")) if re.search(r"HTTP 5\d\d", r["Error"])]
    total = next((r for r in read_csv(Path(f"{prefix}_stats.csv")) if r["Name"] == "Aggregated"), None)
    if total is None:
        return Invariant("no 5xx in Locust's stats", False, "Locust wrote no stats")
    return Invariant("no 5xx in Locust's stats", not fives, _show(fives) if fives else
                     f"{total['Request Count']} requests, none answered 5xx")


def no_failures(prefix: Path) -> Invariant:
    failures = [f"{r['Method']} {r['Name']}: {r['Error'][:160]} ({r['Occurrences']}×)"
                for r in read_csv(Path(f"{prefix}_failures.csv"))]
    failures += [f"exception {r['Message'][:160]} ({r['Count']}×)" for r in read_csv(Path(f"{prefix}_exceptions.csv"))]
    return Invariant("no failed request, check or task", not failures, _show(failures, 8) if failures
                     else "every answer and every CHECK as expected")


def all_invariants(db: Session, prefix: Path) -> list[Invariant]:
    return [uploads_processed(db), bulk_rows_stored(db), defects_reported_once(db), one_in_progress(db),
            mails_once(db), no_server_errors(prefix), no_failures(prefix)]


def figures(prefix: Path) -> str:
    """The run in one line: requests, throughput, median and 95th percentile of the answers."""
    total = next((r for r in read_csv(Path(f"{prefix}_stats.csv")) if r["Name"] == "Aggregated"), None)
    if total is None:
        return "no figures (Locust wrote no stats)"
    rows = read_csv(Path(f"{prefix}_stats.csv"))
    upload = next((r for r in rows if r["Name"] == "/api/v1/bulk-inputs" and r["Type"] == "POST"), None)
    uploads = (f"; uploads (POST /api/v1/bulk-inputs): {upload['Request Count']}, median {upload['50%']} ms, "
               f"95% {upload['95%']} ms" if upload else "; no upload")
    return (f"{total['Request Count']} requests, {float(total['Requests/s']):.1f}/s, median {total['50%']} ms, "
            f"95% {total['95%']} ms, max {float(total['Max Response Time']):.0f} ms, {total['Failure Count']} failed"
            + uploads)
