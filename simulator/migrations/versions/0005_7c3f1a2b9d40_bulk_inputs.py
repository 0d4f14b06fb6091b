"""bulk inputs: the uploads of bulk files, and the applications they made

Revision ID: 7c3f1a2b9d40
Revises: b15b5052eeb8
Create Date: 2026-12-02 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7c3f1a2b9d40'
down_revision = 'b15b5052eeb8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bulk_inputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.String(length=40), nullable=False),
    sa.Column('status_of_residence', sa.String(length=60), nullable=False),
    sa.Column('hsp_activity', sa.String(length=40), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('defective', sa.Integer(), nullable=False),
    sa.Column('defects_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_bulk_inputs_account_id'), 'bulk_inputs', ['account_id'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bulk_input_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_bulk_input_id'), ['bulk_input_id'], unique=False)
        batch_op.create_foreign_key('fk_applications_bulk_input_id', 'bulk_inputs', ['bulk_input_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint('fk_applications_bulk_input_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_bulk_input_id'))
        batch_op.drop_column('bulk_input_id')
    op.drop_index(op.f('ix_bulk_inputs_account_id'), table_name='bulk_inputs')
    op.drop_table('bulk_inputs')
