"""What the bureau does to an application after submission, as data (catalog/bureau_actions.csv,
application_transitions.csv, application_substate_transitions.csv): one action moves the state by its event
(approve: the event of the receipt method, approved_post / approved_counter / approved_mail) and the 顔写真 /
添付資料 columns by theirs, and names the mail it sends. An action the state machine does not allow is
refused with RASIM470E. Pure: no Flask, no SQL."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from simulator import catalog
from simulator.domain.applications import IllegalTransition, Row, next_state, state_labels

REFUSED = "RASIM470E"


@dataclass(frozen=True)
class BureauAction:
    action: str
    label_ja: str
    event: str              # may name {receipt_method}
    states: frozenset[str]  # an action without an event of the main state: where it is allowed
    photo_event: str
    document_event: str
    mail: str               # may name {receipt_method}; empty: no mail


@dataclass(frozen=True)
class Outcome:
    state: str
    photo_state: str
    document_state: str
    event: str
    mail: str


class ActionRefused(Exception):
    def __init__(self, code: str, **words: str) -> None:
        super().__init__(code)
        self.code, self.words = code, words


@cache
def bureau_actions(edition: str) -> dict[str, BureauAction]:
    return {r["action"]: BureauAction(r["action"], r["label_ja"], r["event"],
                                      frozenset(v for v in r["states"].split("|") if v), r["photo_event"],
                                      r["document_event"], r["mail"])
            for r in catalog.table("bureau_actions.csv") if r["edition"] == edition}


@cache
def _substates(edition: str) -> dict[tuple[str, str, str], str]:
    return {(r["column"], r["from_state"], r["event"]): r["to_state"]
            for r in catalog.table("application_substate_transitions.csv") if r["edition"] == edition}


def next_substate(edition: str, column: str, state: str, event: str) -> str | None:
    """The 顔写真 / 添付資料 value after `event`, or None when the event leaves it as it is."""
    return _substates(edition).get((column, state, event))


def has_transition(edition: str, state: str | None, event: str) -> bool:
    try:
        next_state(edition, state, event)
    except IllegalTransition:
        return False
    return True


def states(edition: str) -> frozenset[str]:
    return frozenset(state_labels(edition))


def decide(edition: str, action: str, row: Row, receipt_method: str | None) -> Outcome:
    """The application after `action`; ActionRefused (RASIM470E with the state's and the action's words)
    when the state machine does not allow it."""
    rule = bureau_actions(edition).get(action)
    if rule is None:
        raise ActionRefused("RASIM473E")
    words = {"状態": state_labels(edition).get(row.state, (row.state, ""))[0], "操作": rule.label_ja}
    method = receipt_method or ""
    event = rule.event.format(receipt_method=method)
    if event:
        try:
            state = next_state(edition, row.state, event)
        except IllegalTransition:
            raise ActionRefused(REFUSED, **words) from None
    elif row.state in rule.states:
        state = row.state
    else:
        raise ActionRefused(REFUSED, **words)
    photo, document = row.photo_state, row.document_state
    if rule.photo_event:
        photo_event = rule.photo_event.format(receipt_method=method)
        after = next_substate(edition, "photo", photo, photo_event)
        if after is None and photo_event == "supplement_requested":
            raise ActionRefused(REFUSED, **words)   # an exempt photo is never asked for
        photo = after or photo
    if rule.document_event:
        after = next_substate(edition, "document", document, rule.document_event)
        if after is None and rule.document_event == "supplement_requested":
            raise ActionRefused(REFUSED, **words)   # already waiting
        document = after or document
    return Outcome(state, photo, document, event, rule.mail.format(receipt_method=method))
