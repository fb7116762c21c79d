"""Where a verdict was answered for, with the scores to answer it again; users' place and language.

A stored verdict keeps the ImageNet head's snake evidence and the detector's "no snake" beside its
probabilities, so it can be re-decided for another place without the photo. `preferences` remembers each
user's place and language across restarts and processes.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        batch.add_column(sa.Column("snake_evidence", sa.Float(), nullable=True))
        batch.add_column(sa.Column("detector_no_snake", sa.Float(), nullable=True))
        batch.add_column(sa.Column("place", sa.String(8), nullable=True))
    op.create_table(
        "preferences",
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("place", sa.String(8), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("preferences")
    with op.batch_alter_table("classifications") as batch:
        batch.drop_column("place")
        batch.drop_column("detector_no_snake")
        batch.drop_column("snake_evidence")
