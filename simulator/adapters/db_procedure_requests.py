"""Storage of the 申込 of a procedure that is not a residence application (edition 2026): the online 利用申出
(003 §3.3) and 定期報告 (003 §6) — the form's values, the 整理番号 and the hash of its パスワード, the 処理状況,
the 定期報告受付番号, the bureau's correction note — and the PDFs attached to it, round by round (0: the
申込, 1…: each 修正する)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from simulator.adapters.db import Base


class ProcedureRequest(Base):
    """One 申込 of a procedure of catalog/forms/ with a [procedure] table (its form key)."""

    __tablename__ = "procedure_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    form: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(30))        # input, then the 2026 処理状況 keys
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    reference_number: Mapped[str | None] = mapped_column(String(30), nullable=True, unique=True)   # 整理番号
    password_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    receipt_number: Mapped[str | None] = mapped_column(String(30), nullable=True)   # 定期報告受付番号
    round: Mapped[int] = mapped_column(Integer, default=0)   # 0: the 申込; n: the n-th correction
    note: Mapped[str] = mapped_column(String(400), default="")   # what the bureau asked for
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ProcedureRequestFile(Base):
    """A PDF of a 申込 (a stored_files row), with the round it came in."""

    __tablename__ = "procedure_request_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("procedure_requests.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
