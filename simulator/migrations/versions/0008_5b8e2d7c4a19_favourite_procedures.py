"""favourite procedures (お気に入り手続き, 003 §9.2)

Revision ID: 5b8e2d7c4a19
Revises: 167615406b46
Create Date: 2026-12-03 16:58:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5b8e2d7c4a19'
down_revision = '167615406b46'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('favourite_procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('procedure_key', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'procedure_key', name='uq_favourite_procedures_account')
    )
    with op.batch_alter_table('favourite_procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_favourite_procedures_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('favourite_procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_favourite_procedures_account_id'))
    op.drop_table('favourite_procedures')
