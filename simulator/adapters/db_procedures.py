"""Storage of the procedures a user keeps as favourites (お気に入り手続き, 003 §9.2): one row per user and
procedure of catalog/online_procedures.csv (its key)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from simulator.adapters.db import Base


class FavouriteProcedure(Base):
    __tablename__ = "favourite_procedures"
    __table_args__ = (UniqueConstraint("account_id", "procedure_key", name="uq_favourite_procedures_account"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    procedure_key: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
