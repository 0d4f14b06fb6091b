"""The test clock: real Japan time by default; frozen, set or advanced through test support.
Stored in the database so that every worker process agrees."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from simulator.adapters.db import ClockState

JST = dt.timezone(dt.timedelta(hours=9))


def real_now() -> dt.datetime:
    return dt.datetime.now(JST).replace(tzinfo=None, microsecond=0)


def _state(db: Session, for_update: bool = False) -> ClockState:
    q = db.query(ClockState).filter_by(id=1)
    if for_update:
        # wait for any other writer, then read its committed values (not the ones loaded earlier)
        q = q.with_for_update().populate_existing()
    state = q.one_or_none()
    if state is None:
        state = ClockState(id=1, frozen=False, frozen_at=None, offset_seconds=0.0)
        db.add(state)
        db.flush()
    return state


def lock(db: Session) -> None:
    """Hold the clock row until the transaction ends, so that advances by several workers add up."""
    _state(db, for_update=True)


def now(db: Session) -> dt.datetime:
    state = db.get(ClockState, 1)
    if state is None:
        return real_now()
    if state.frozen and state.frozen_at is not None:
        return state.frozen_at
    return real_now() + dt.timedelta(seconds=state.offset_seconds)


def now_and_next_due(db: Session) -> tuple[dt.datetime, dt.datetime | None]:
    """The clock's time and the earliest event not fired yet, in one statement (every unit of work
    asks both; most find nothing due and fire nothing)."""
    from sqlalchemy import func, select

    from simulator.adapters.db import ScheduledEvent

    next_due = (select(func.min(ScheduledEvent.due_at)).where(ScheduledEvent.fired_at.is_(None))
                .scalar_subquery())
    row = db.execute(select(ClockState.frozen, ClockState.frozen_at, ClockState.offset_seconds, next_due)
                     .where(ClockState.id == 1)).first()
    if row is None:
        return real_now(), db.execute(select(next_due)).scalar()
    frozen, frozen_at, offset, due = row
    when = frozen_at if frozen and frozen_at is not None else real_now() + dt.timedelta(seconds=offset)
    return when, due


def describe(db: Session) -> dict:
    state = db.get(ClockState, 1)
    return {"now": now(db).isoformat(), "frozen": bool(state and state.frozen),
            "offset_seconds": state.offset_seconds if state else 0.0, "timezone": "Asia/Tokyo"}


def set_time(db: Session, when: dt.datetime, freeze: bool | None = None) -> None:
    state = _state(db, for_update=True)
    frozen = state.frozen if freeze is None else freeze
    state.frozen = frozen
    if frozen:
        state.frozen_at = when
    else:
        state.frozen_at = None
        state.offset_seconds = (when - real_now()).total_seconds()


def freeze(db: Session) -> None:
    set_time(db, now(db), freeze=True)


def resume(db: Session) -> None:
    """Let time run again from where it stands."""
    set_time(db, now(db), freeze=False)


def reset(db: Session) -> None:
    state = _state(db, for_update=True)
    state.frozen, state.frozen_at, state.offset_seconds = False, None, 0.0
