"""The keys users' ids were hashed with, and the web client behind a verdict.

`feedback_keys` lists every key the bot has hashed ids with, from when: after the key changes (a new
FEEDBACK_SECRET, or a new token without one) /forget cannot find the answers kept under the earlier key,
and says so instead of claiming nothing is left. `client_hash` is the hashed address of the web client
that asked, so that no client can hold more than its share of photos awaiting an answer.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        batch.add_column(sa.Column("client_hash", sa.String(64), nullable=True))
        batch.create_index("ix_classifications_client_hash", ["client_hash"])
    op.create_table(
        "feedback_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feedback_keys")
    with op.batch_alter_table("classifications") as batch:
        batch.drop_index("ix_classifications_client_hash")
        batch.drop_column("client_hash")
