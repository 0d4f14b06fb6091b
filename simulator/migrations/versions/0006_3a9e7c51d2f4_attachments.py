"""attachments: the photo and PDFs of a bulk row (edition 2026), and the 一括申請番号

Revision ID: 3a9e7c51d2f4
Revises: 7c3f1a2b9d40
Create Date: 2026-12-03 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '3a9e7c51d2f4'
down_revision = '7c3f1a2b9d40'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('bulk_input_id', sa.Integer(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['bulk_input_id'], ['bulk_inputs.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_attachments_stored_file_id'), 'attachments', ['stored_file_id'], unique=False)
    op.create_index(op.f('ix_attachments_bulk_input_id'), 'attachments', ['bulk_input_id'], unique=False)
    op.create_index(op.f('ix_attachments_application_id'), 'attachments', ['application_id'], unique=False)
    with op.batch_alter_table('bulk_inputs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bulk_number', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint('uq_bulk_inputs_bulk_number', ['bulk_number'])


def downgrade() -> None:
    with op.batch_alter_table('bulk_inputs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_bulk_inputs_bulk_number', type_='unique')
        batch_op.drop_column('bulk_number')
    op.drop_index(op.f('ix_attachments_application_id'), table_name='attachments')
    op.drop_index(op.f('ix_attachments_bulk_input_id'), table_name='attachments')
    op.drop_index(op.f('ix_attachments_stored_file_id'), table_name='attachments')
    op.drop_table('attachments')
