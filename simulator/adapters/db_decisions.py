"""Storage of what happens after submission: every transition of an application (who, when, from, to:
FAQ Q13-1), the electronic COEs with their 受領登録 (004 §2.14, 003 §7.4), the 受領方法変更申出 of edition
2026 (003 §7.3) and the scripted outcomes of test support (what the bureau will do, and when)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from simulator.adapters.db import Base


class Transition(Base):
    """One move of an application's state or of its 顔写真 / 添付資料 column."""

    __tablename__ = "application_transitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(60))
    event: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30), nullable=True)
    to_state: Mapped[str] = mapped_column(String(30))
    photo_state: Mapped[str] = mapped_column(String(30), default="")
    document_state: Mapped[str] = mapped_column(String(30), default="")


class ElectronicCoe(Base):
    """電子在留資格認定証明書: issued to the user of a COE application with e-mail receipt; its receipt is
    registered once (WZBAM271E after)."""

    __tablename__ = "electronic_coes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                       nullable=True, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reminders: Mapped[int] = mapped_column(Integer, default=0)


class ReceiptMethodChange(Base):
    """受領方法変更申出 (003 §7.3): taken at once with its 整理番号, decided later, the result mailed."""

    __tablename__ = "receipt_method_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    reference_number: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)   # the 申込's パスワード (003 §7.3)
    provisional_number: Mapped[str] = mapped_column(String(20), default="")
    receipt_number: Mapped[str] = mapped_column(String(30), default="")
    applicant_name: Mapped[str] = mapped_column(String(104))
    receipt_method: Mapped[str] = mapped_column(String(10))
    receiving_office: Mapped[str | None] = mapped_column(String(20), nullable=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(String(20), nullable=True)   # changed | not_changed
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"),
                                                       nullable=True)


class BureauScript(Base):
    """Test support: the steps the bureau will take for one application, or for a user's next applications
    (`remaining` of them; each submission takes a copy bound to its application)."""

    __tablename__ = "bureau_scripts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True, index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                       nullable=True, index=True)
    steps_json: Mapped[str] = mapped_column(Text)
    remaining: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
