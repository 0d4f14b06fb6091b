"""The life of an application as data (catalog/application_transitions.csv, application_operations.csv):
which event moves which state where, and which operation of the 申請情報一覧 a row allows (the matrix of
004 §4.3), with the system's code when it does not. Pure: no Flask, no SQL."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from simulator import catalog


@dataclass(frozen=True)
class Row:
    """What the rules need to know of one application."""

    state: str
    photo_state: str
    document_state: str
    procedure: str


@dataclass(frozen=True)
class OperationRule:
    operation: str
    label_ja: str
    allowed_states: frozenset[str]
    or_photo_states: frozenset[str]
    or_document_states: frozenset[str]
    procedures: frozenset[str]        # empty: every procedure
    refusal_code: str

    def refusal(self, row: Row) -> str | None:
        if self.procedures and row.procedure not in self.procedures:
            return self.refusal_code
        if (row.state in self.allowed_states or row.photo_state in self.or_photo_states
                or row.document_state in self.or_document_states):
            return None
        return self.refusal_code


def _set(text: str) -> frozenset[str]:
    return frozenset(v for v in text.split("|") if v)


@cache
def operations(edition: str) -> dict[str, OperationRule]:
    return {r["operation"]: OperationRule(r["operation"], r["label_ja"], _set(r["allowed_states"]),
                                          _set(r["or_photo_states"]), _set(r["or_document_states"]),
                                          _set(r["procedures"]), r["refusal_code"])
            for r in catalog.table("application_operations.csv") if r["edition"] == edition}


def refusal(edition: str, operation: str, row: Row) -> str | None:
    """The code that refuses `operation` on `row`, or None when the row allows it (an operation the
    edition does not have: RASIM473E)."""
    rule = operations(edition).get(operation)
    return rule.refusal(row) if rule else "RASIM473E"


@cache
def _transitions(edition: str) -> dict[tuple[str, str], str]:
    return {(r["from_state"], r["event"]): r["to_state"]
            for r in catalog.table("application_transitions.csv") if r["edition"] == edition}


class IllegalTransition(Exception):
    pass


def next_state(edition: str, state: str | None, event: str) -> str:
    """The state after `event` (state None: a new application); IllegalTransition when the catalogue
    allows no such move."""
    try:
        return _transitions(edition)[(state or "", event)]
    except KeyError:
        raise IllegalTransition(f"{event} from {state!r} is not a transition of edition {edition}") from None


@cache
def substate_labels(edition: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(column, key) -> (label_ja, label_en) of the list's 顔写真, 添付資料 and 同時申請 columns."""
    return {(r["column"], r["key"]): (r["label_ja"], r["label_en"])
            for r in catalog.table("application_substates.csv") if r["edition"] == edition}


@cache
def state_labels(edition: str) -> dict[str, tuple[str, str]]:
    return {r["key"]: (r["label_ja"], r["label_en"]) for r in catalog.table("application_statuses.csv")
            if r["edition"] == edition}


@cache
def in_progress_states(edition: str) -> tuple[str, ...]:
    """The states in which an application is 「前回の申請が処理中」 for its person (WZBAM118E, FAQ Q4-8)."""
    return tuple(r["key"] for r in catalog.table("application_statuses.csv")
                 if r["edition"] == edition and r["in_progress"] == "true")
