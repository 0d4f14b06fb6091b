"""procedure requests: the online 利用申出 and 定期報告 of edition 2026 (003 §3.3, §6) and their PDFs

Revision ID: 9d41c6a0e2b7
Revises: 5b8e2d7c4a19
Create Date: 2026-12-03 17:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '9d41c6a0e2b7'
down_revision = '5b8e2d7c4a19'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('procedure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=60), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('values_json', sa.Text(), nullable=False),
    sa.Column('reference_number', sa.String(length=30), nullable=True),
    sa.Column('password_hash', sa.String(length=64), nullable=True),
    sa.Column('receipt_number', sa.String(length=30), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference_number')
    )
    with op.batch_alter_table('procedure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_requests_account_id'), ['account_id'], unique=False)
    op.create_table('procedure_request_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['procedure_requests.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procedure_request_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_request_files_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('procedure_request_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_request_files_request_id'))
    op.drop_table('procedure_request_files')
    with op.batch_alter_table('procedure_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_requests_account_id'))
    op.drop_table('procedure_requests')
