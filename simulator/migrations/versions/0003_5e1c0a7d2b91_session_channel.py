"""sessions: the channel (api | screen) a login session may be used on

Revision ID: 5e1c0a7d2b91
Revises: 49257f1698d8
Create Date: 2026-11-29 23:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5e1c0a7d2b91'
down_revision = '49257f1698d8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=False, server_default='api'))


def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('channel')
