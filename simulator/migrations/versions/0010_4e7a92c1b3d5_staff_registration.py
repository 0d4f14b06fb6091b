"""staff registration: the online 利用者登録 of organisation staff in edition 2026 (003 §3.2) keeps 氏名(英字)
(for the forgotten-ID mail, §2.4), 法人番号, 機関名称 and 郵便番号 on the account

Revision ID: 4e7a92c1b3d5
Revises: 9d41c6a0e2b7
Create Date: 2026-12-03 17:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '4e7a92c1b3d5'
down_revision = '9d41c6a0e2b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('name_en', sa.String(length=104), nullable=True))
        batch.add_column(sa.Column('corporate_number', sa.String(length=13), nullable=True))
        batch.add_column(sa.Column('organisation_name', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('postal_code', sa.String(length=7), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('postal_code')
        batch.drop_column('organisation_name')
        batch.drop_column('corporate_number')
        batch.drop_column('name_en')
