"""Storage of applications: the registry of residence records (test support: the bureau's view of the
person behind an application), the input in progress (one per user, never saved as a draft: FAQ
Q4-27), the applications with their sub-states, the attached files and the receipt-number counters."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from simulator.adapters.db import Base


class ResidenceRecord(Base):
    """在留記録: what the residence card shows and what the bureau knows of its holder (or of a person
    without a card: an ED number, or a newborn for 在留資格取得)."""

    __tablename__ = "residence_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    residence_card_number: Mapped[str | None] = mapped_column(String(12), unique=True, nullable=True)
    ed_number: Mapped[str | None] = mapped_column(String(10), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(104))                  # as on the card: HOUMU MIDDLE TAROU
    nationality: Mapped[str] = mapped_column(String(3))
    sex: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    address_municipality: Mapped[str] = mapped_column(String(10), default="")
    address_street: Mapped[str] = mapped_column(String(200), default="")
    moved_in_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)      # the day of the 転入届
    status_of_residence: Mapped[str | None] = mapped_column(String(60), nullable=True)
    period_of_stay: Mapped[str | None] = mapped_column(String(10), nullable=True)
    stay_expires_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    card_valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    abroad: Mapped[bool] = mapped_column(Boolean, default=False)
    kanji_name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApplicationInput(Base):
    """申請情報入力 in progress: STEP1 → STEP3 of one user; gone after 30 minutes without a screen change."""

    __tablename__ = "application_inputs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), nullable=True)
    procedure: Mapped[str] = mapped_column(String(40))
    status_of_residence: Mapped[str | None] = mapped_column(String(60), nullable=True)
    hsp_activity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    steps_done: Mapped[str] = mapped_column(Text, default="[]")
    last_activity_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Application(Base):
    """申請情報: one row of the 申請情報一覧 (a simultaneous application points at its main one)."""

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    procedure: Mapped[str] = mapped_column(String(40))
    status_of_residence: Mapped[str | None] = mapped_column(String(60), nullable=True)
    hsp_activity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    state: Mapped[str] = mapped_column(String(30))
    photo_state: Mapped[str] = mapped_column(String(30))
    document_state: Mapped[str] = mapped_column(String(30))
    receipt_method: Mapped[str | None] = mapped_column(String(10), nullable=True)
    receiving_office: Mapped[str | None] = mapped_column(String(20), nullable=True)
    bureau: Mapped[str] = mapped_column(String(20))
    applicant_name: Mapped[str] = mapped_column(String(104))
    applicant_email: Mapped[str] = mapped_column(String(100))
    applicant_birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    residence_card_number: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("residence_records.id"), nullable=True, index=True)
    desired_period: Mapped[str | None] = mapped_column(String(10), nullable=True)
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    input_completed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    received_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    provisional_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    receipt_number: Mapped[str | None] = mapped_column(String(30), nullable=True, unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)   # 2026: the 申込's パスワード (003 §1.7)
    photo_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), nullable=True)
    document_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), nullable=True)
    bulk_input_id: Mapped[int | None] = mapped_column(ForeignKey("bulk_inputs.id", ondelete="SET NULL"),
                                                      nullable=True, index=True)
    decision: Mapped[str | None] = mapped_column(String(10), nullable=True)      # approved | refused
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_applications_account_state", "account_id", "state"),)


class StoredFile(Base):
    """An attached photo (kept in the row: ≤ 50 KB) or document (kept on disk: ≤ 10 MB), as received."""

    __tablename__ = "stored_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))          # photo | document
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    error_file: Mapped[bool] = mapped_column(Boolean, default=False)     # FAQ Q4-2: flagged for the bureau
    error_reasons: Mapped[str] = mapped_column(String(200), default="")
    photo_exempt_dummy: Mapped[bool] = mapped_column(Boolean, default=False)   # FAQ Q4-7
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReceiptCounter(Base):
    """The last serial of the receipt numbers of one bureau, procedure code and year (§5.1)."""

    __tablename__ = "receipt_counters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bureau: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(5))
    year: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("bureau", "code", "year"),)


class BulkInput(Base):
    """One upload of a bulk file (申請情報一括入力, 004 §2.5): uploaded (STEP2) → queued (STEP3 ticked) →
    processed by the worker in one transaction with the applications it makes, so that a crash leaves
    either the whole batch or none of it. `defects_json` is the 登録エラー内容 (S26) of its error item."""

    __tablename__ = "bulk_inputs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    procedure: Mapped[str] = mapped_column(String(40))
    status_of_residence: Mapped[str] = mapped_column(String(60))
    hsp_activity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    rows: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))   # uploaded | queued | processed; 2026: read → submitted
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    defective: Mapped[int] = mapped_column(Integer, default=0)
    defects_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    queued_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    bulk_number: Mapped[str | None] = mapped_column(String(20), nullable=True, unique=True)   # 2026 一括申請番号
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Attachment(Base):
    """A file attached before 申込む to a row of a bulk upload (003 §5.3.3, §5.3.4) or to one person's input on
    [申込] (003 §4.2.2, §4.2.3) — the photo and PDFs, 20 files and 25 MB with the photo — then to the application
    it became."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"), index=True)
    bulk_input_id: Mapped[int | None] = mapped_column(ForeignKey("bulk_inputs.id", ondelete="CASCADE"), nullable=True,
                                                      index=True)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)   # the row's line in the file
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                       nullable=True, index=True)
    input_id: Mapped[int | None] = mapped_column(ForeignKey("application_inputs.id", ondelete="CASCADE"),
                                                 nullable=True, index=True)   # one person's [申込], 2026 (003 §4.2.3)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
