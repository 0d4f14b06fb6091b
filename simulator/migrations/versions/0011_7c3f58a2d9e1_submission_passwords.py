"""submission passwords and files on [申込]: a residence application's 申込 and a 受領方法変更申出 of edition 2026
keep the hash of the パスワード shown on [申込完了] and sent by mail with the 整理番号 (003 §1.7, §4.2.4, §7.3); the
photo and PDFs of one person's input are attachments of the input until 申込む (003 §4.2.2, §4.2.3)

Revision ID: 7c3f58a2d9e1
Revises: 4e7a92c1b3d5
Create Date: 2026-12-04 04:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7c3f58a2d9e1'
down_revision = '4e7a92c1b3d5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('password_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('receipt_method_changes') as batch:
        batch.add_column(sa.Column('password_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('attachments') as batch:
        batch.add_column(sa.Column('input_id', sa.Integer(), nullable=True))
        batch.create_index('ix_attachments_input_id', ['input_id'])
        batch.create_foreign_key('fk_attachments_input_id', 'application_inputs', ['input_id'], ['id'],
                                 ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('attachments') as batch:
        batch.drop_constraint('fk_attachments_input_id', type_='foreignkey')
        batch.drop_index('ix_attachments_input_id')
        batch.drop_column('input_id')
    with op.batch_alter_table('receipt_method_changes') as batch:
        batch.drop_column('password_hash')
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('password_hash')
