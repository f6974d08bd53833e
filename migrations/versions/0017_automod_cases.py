"""Automod's history becomes cases: every action automod took before the case log existed gets its case.

Revision ID: 0017_automod_cases
Revises: 0016_channel_locks
Create Date: 2026-12-06

Since 0015 automod records each action it takes on a member as a moderation case (through moderation's case
recorder) and remembers the number in its log row (`automod_logs.context->'case'`). This migration gives the
older rows the same:

- Every logged warn, mute, timeout or ban that took effect (not "… (failed)"), has no case yet, and is not a
  manual warning (those are recorded by /warn, which makes their case itself) becomes a case: the rule as the
  moderator, the logged reason, duration and expiry of a timeout, the points (0 when they were taken back), the
  message as evidence (its content as logged; attachments were never logged), at the time it happened.
- An appeal that was approved closes its action with an unban, untimeout or unmute case by the moderator who
  approved it, at the time they did.
- Numbers continue each guild's counter in the order things happened (actions and reversals interleaved), and
  the log row keeps `case`, `reversal_case` and `case_migrated: true`.

Downgrade deletes exactly the cases this migration made (found through `case_migrated`), removes the three keys
from the log rows, and winds each counter back to the highest number left (dropping counters with none left).
"""

from alembic import op

revision = "0017_automod_cases"
down_revision = "0016_channel_locks"
branch_labels = None
depends_on = None

UPGRADE = """
WITH todo AS (
    SELECT l.id AS log_id, l.guild_id, l.user_id, l.message_id, l.channel_id, l.message_content,
           l.appeal_status, l.appeal_reason, l.appeal_decided_by, l.appeal_decided_at,
           COALESCE(l."timestamp", now()) AS happened_at,
           COALESCE(l.context->>'kind', split_part(l.action_taken, ' ', 1)) AS kind,
           COALESCE(l.context->>'rule_name', r.name, 'Automod') AS rule_name,
           COALESCE(NULLIF(l.context->>'reason', ''), l.action_taken) AS reason,
           NULLIF((l.context->>'duration')::numeric::integer, 0) AS duration,
           CASE WHEN COALESCE((l.context->>'points_removed')::boolean, false) THEN 0
                ELSE GREATEST(COALESCE(l.points, 0), 0) END AS points
    FROM automod_logs l LEFT JOIN automod_rules r ON r.id = l.rule_id
    WHERE (l.context->>'case') IS NULL
      AND l.action_taken NOT LIKE '%(failed)'
      AND l.action_taken <> 'warn (manual)'
),
events AS (
    SELECT log_id, guild_id, false AS reversal, kind AS type, user_id, NULL::bigint AS moderator_id, rule_name,
           reason, CASE WHEN kind = 'timeout' THEN duration END AS duration, points,
           CASE WHEN message_id IS NOT NULL THEN jsonb_build_object(
               'message_id', message_id, 'channel_id', channel_id, 'author_id', user_id,
               'content', COALESCE(message_content, ''), 'attachments', '[]'::jsonb) END AS evidence,
           happened_at
    FROM todo WHERE kind IN ('warn', 'mute', 'timeout', 'ban')
    UNION ALL
    SELECT log_id, guild_id, true, CASE kind WHEN 'ban' THEN 'unban' WHEN 'timeout' THEN 'untimeout'
                                             ELSE 'unmute' END,
           user_id, appeal_decided_by, NULL, 'Appeal approved: ' || COALESCE(appeal_reason, 'no reason given'),
           NULL, 0, NULL, COALESCE(appeal_decided_at, happened_at)
    FROM todo WHERE kind IN ('mute', 'timeout', 'ban') AND appeal_status = 'approved'
),
numbered AS (
    SELECT e.*, COALESCE(c.last_number, 0)
                + row_number() OVER (PARTITION BY e.guild_id ORDER BY e.happened_at, e.log_id, e.reversal) AS number
    FROM events e LEFT JOIN moderation_case_counters c ON c.guild_id = e.guild_id
),
linked AS (
    SELECT n.*, CASE WHEN n.reversal THEN a.number END AS closes
    FROM numbered n LEFT JOIN numbered a ON a.log_id = n.log_id AND NOT a.reversal
),
cases AS (
    INSERT INTO moderation_cases (guild_id, number, type, target_id, moderator_id, automod_rule, reason,
                                  duration_seconds, expires_at, points, evidence, linked_case, created_at)
    SELECT guild_id, number, type, user_id, moderator_id, rule_name, left(reason, 1000), duration,
           happened_at + make_interval(secs => duration), points, evidence, closes, happened_at
    FROM linked
    RETURNING guild_id
),
counters AS (
    INSERT INTO moderation_case_counters (guild_id, last_number)
    SELECT guild_id, max(number) FROM numbered GROUP BY guild_id
    ON CONFLICT (guild_id) DO UPDATE SET last_number = EXCLUDED.last_number
    RETURNING guild_id
)
UPDATE automod_logs l
SET context = COALESCE(l.context, '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
    'case', (SELECT number FROM numbered n WHERE n.log_id = l.id AND NOT n.reversal),
    'reversal_case', (SELECT number FROM numbered n WHERE n.log_id = l.id AND n.reversal),
    'case_migrated', true))
WHERE l.id IN (SELECT log_id FROM numbered)
"""

DOWNGRADE = [
    """DELETE FROM moderation_cases c USING automod_logs l
       WHERE l.context->>'case_migrated' = 'true' AND c.guild_id = l.guild_id
         AND c.number IN ((l.context->>'case')::integer, (l.context->>'reversal_case')::integer)""",
    """UPDATE automod_logs SET context = context - 'case' - 'reversal_case' - 'case_migrated'
       WHERE context->>'case_migrated' = 'true'""",
    """DELETE FROM moderation_case_counters c
       WHERE NOT EXISTS (SELECT 1 FROM moderation_cases m WHERE m.guild_id = c.guild_id)""",
    """UPDATE moderation_case_counters c
       SET last_number = (SELECT max(number) FROM moderation_cases m WHERE m.guild_id = c.guild_id)""",
]


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
