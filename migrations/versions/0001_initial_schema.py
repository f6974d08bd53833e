"""The whole schema of shared/spec/schema.json: 34 guild-scoped tables (health_check_history is system-wide).

Revision ID: 0001_initial_schema
Revises:
Create Date: 2026-11-21

Hand-written SQL, one statement per table or index. Where the reference left a table global (FAQ, ticket
summaries and metrics, FAQ search logs) it carries guild_id here, so one guild never sees another's data.
"""

from alembic import op

revision = "0001_initial_schema"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    # bot_settings
    """
    CREATE TABLE bot_settings (
        guild_id bigint NOT NULL,
        scope text NOT NULL,
        "key" text NOT NULL,
        value jsonb NOT NULL,
        value_type text,
        updated_by bigint,
        updated_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (guild_id, scope, "key")
    )
    """,
    # settings_history
    """
    CREATE TABLE settings_history (
        id serial,
        guild_id bigint NOT NULL,
        scope text NOT NULL,
        "key" text NOT NULL,
        old_value jsonb,
        new_value jsonb NOT NULL,
        value_type text,
        changed_by bigint,
        changed_at timestamp with time zone DEFAULT now(),
        change_type text NOT NULL,
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_settings_history_guild_id_scope_key ON settings_history (guild_id, scope, "key")""",
    """CREATE INDEX ix_settings_history_changed_at ON settings_history (changed_at)""",
    # reminders
    """
    CREATE TABLE reminders (
        id serial,
        guild_id bigint NOT NULL,
        name text NOT NULL,
        channel_id bigint NOT NULL,
        "time" time without time zone,
        call_time time without time zone,
        days text[],
        message text,
        created_by bigint,
        origin_channel_id bigint,
        origin_message_id bigint,
        event_time timestamp with time zone,
        location text,
        last_sent_at timestamp with time zone,
        image_url text,
        sent_message_id bigint,
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_reminders_time ON reminders ("time")""",
    """CREATE INDEX ix_reminders_event_time ON reminders (event_time)""",
    """CREATE INDEX ix_reminders_guild_id_id ON reminders (guild_id, id)""",
    # premium_subs
    """
    CREATE TABLE premium_subs (
        id serial,
        user_id bigint NOT NULL,
        guild_id bigint NOT NULL,
        tier text NOT NULL,
        status text NOT NULL,
        stripe_subscription_id text,
        expires_at timestamp with time zone,
        created_at timestamp with time zone DEFAULT now(),
        expiry_warning_sent_at timestamp with time zone,
        PRIMARY KEY (id)
    )
    """,
    """CREATE UNIQUE INDEX ux_premium_subs_one_active_per_user ON premium_subs (user_id) WHERE status = 'active'""",
    """CREATE INDEX ix_premium_subs_user_id_guild_id ON premium_subs (user_id, guild_id)""",
    """CREATE INDEX ix_premium_subs_guild_id_status ON premium_subs (guild_id, status)""",
    # gpt_usage
    """
    CREATE TABLE gpt_usage (
        user_id bigint NOT NULL,
        guild_id bigint NOT NULL,
        usage_date date NOT NULL DEFAULT CURRENT_DATE,
        call_count integer NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, guild_id, usage_date)
    )
    """,
    """CREATE INDEX ix_gpt_usage_usage_date ON gpt_usage (usage_date)""",
    # terms_acceptance
    """
    CREATE TABLE terms_acceptance (
        id serial,
        user_id bigint NOT NULL,
        accepted_at timestamp with time zone NOT NULL DEFAULT now(),
        version text NOT NULL,
        PRIMARY KEY (id),
        UNIQUE (user_id)
    )
    """,
    """CREATE INDEX ix_terms_acceptance_accepted_at ON terms_acceptance (accepted_at)""",
    # gdpr_acceptance
    """
    CREATE TABLE gdpr_acceptance (
        user_id bigint NOT NULL,
        guild_id bigint NOT NULL,
        accepted integer NOT NULL DEFAULT 0,
        "timestamp" timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
        PRIMARY KEY (user_id, guild_id)
    )
    """,
    # app_reflections
    """
    CREATE TABLE app_reflections (
        id serial,
        user_id bigint NOT NULL,
        reflection_id text NOT NULL,
        plaintext_content jsonb NOT NULL,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (user_id, reflection_id)
    )
    """,
    """CREATE INDEX ix_app_reflections_user_id_created_at ON app_reflections (user_id, created_at)""",
    # onboarding
    """
    CREATE TABLE onboarding (
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        responses jsonb,
        "timestamp" timestamp without time zone,
        PRIMARY KEY (guild_id, user_id)
    )
    """,
    # guild_onboarding_questions
    """
    CREATE TABLE guild_onboarding_questions (
        id serial,
        guild_id bigint NOT NULL,
        step_order integer NOT NULL,
        question text NOT NULL,
        question_type text NOT NULL,
        options jsonb,
        followup jsonb,
        required boolean,
        enabled boolean,
        created_at timestamp without time zone DEFAULT now(),
        updated_at timestamp without time zone DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (guild_id, step_order)
    )
    """,
    # guild_rules
    """
    CREATE TABLE guild_rules (
        id serial,
        guild_id bigint NOT NULL,
        rule_order integer NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        thumbnail_url text,
        image_url text,
        enabled boolean,
        created_at timestamp without time zone DEFAULT now(),
        updated_at timestamp without time zone DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (guild_id, rule_order)
    )
    """,
    # support_tickets
    """
    CREATE TABLE support_tickets (
        id serial,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        username text,
        description text NOT NULL,
        status text,
        created_at timestamp with time zone DEFAULT now(),
        channel_id bigint,
        claimed_by bigint,
        claimed_at timestamp with time zone,
        updated_at timestamp with time zone DEFAULT now(),
        escalated_to bigint,
        archived_at timestamp with time zone,
        archived_by bigint,
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_support_tickets_user_id ON support_tickets (user_id)""",
    """CREATE INDEX ix_support_tickets_status ON support_tickets (status)""",
    """CREATE INDEX ix_support_tickets_channel_id ON support_tickets (channel_id)""",
    # verification_tickets
    """
    CREATE TABLE verification_tickets (
        id serial,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        channel_id bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        ai_can_verify boolean,
        ai_needs_manual_review boolean,
        ai_reason text,
        created_at timestamp with time zone DEFAULT now(),
        resolved_at timestamp with time zone,
        resolved_by_user_id bigint,
        rejection_reason text,
        payment_date date,
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_verification_tickets_guild_id_status ON verification_tickets (guild_id, status)""",
    """CREATE INDEX ix_verification_tickets_channel_id ON verification_tickets (channel_id)""",
    # ticket_summaries
    """
    CREATE TABLE ticket_summaries (
        id serial,
        guild_id bigint NOT NULL,
        ticket_id integer NOT NULL,
        summary text NOT NULL,
        similarity_key text,
        created_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    # ticket_metrics
    """
    CREATE TABLE ticket_metrics (
        id bigserial,
        guild_id bigint NOT NULL,
        snapshot jsonb,
        scope text,
        counts jsonb,
        average_cycle_time bigint,
        triggered_by bigint,
        created_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    # faq_entries
    """
    CREATE TABLE faq_entries (
        id serial,
        guild_id bigint NOT NULL,
        title text,
        summary text,
        keywords text[],
        created_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    # faq_search_logs
    """
    CREATE TABLE faq_search_logs (
        id serial,
        guild_id bigint NOT NULL,
        user_id bigint,
        query text,
        results_count integer,
        searched_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    # audit_logs
    """
    CREATE TABLE audit_logs (
        id bigserial,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        command_name text NOT NULL,
        command_type text NOT NULL,
        success boolean,
        error_message text,
        created_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_audit_logs_guild_id_created_at ON audit_logs (guild_id, created_at)""",
    """CREATE INDEX ix_audit_logs_command_name_created_at ON audit_logs (command_name, created_at)""",
    # health_check_history
    """
    CREATE TABLE health_check_history (
        id serial,
        service text NOT NULL,
        version text NOT NULL,
        uptime_seconds integer NOT NULL,
        db_status text NOT NULL,
        guild_count integer,
        active_commands_24h integer,
        gpt_status text,
        database_pool_size integer,
        checked_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_health_check_history_checked_at ON health_check_history (checked_at)""",
    """CREATE INDEX ix_health_check_history_service_checked_at ON health_check_history (service, checked_at)""",
    # custom_commands
    """
    CREATE TABLE custom_commands (
        id serial,
        guild_id bigint NOT NULL,
        name text NOT NULL,
        trigger_type text NOT NULL,
        trigger_value text NOT NULL,
        response text NOT NULL,
        enabled boolean DEFAULT true,
        case_sensitive boolean DEFAULT false,
        delete_trigger boolean DEFAULT false,
        reply_to_user boolean DEFAULT true,
        uses integer DEFAULT 0,
        created_by bigint,
        created_at timestamp with time zone DEFAULT now(),
        updated_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (guild_id, name)
    )
    """,
    """CREATE INDEX ix_custom_commands_guild_id_enabled ON custom_commands (guild_id, enabled)""",
    # automod_actions
    """
    CREATE TABLE automod_actions (
        id serial,
        guild_id bigint NOT NULL,
        action_type text NOT NULL,
        severity integer DEFAULT 1,
        config jsonb NOT NULL,
        is_premium boolean DEFAULT false,
        created_by bigint,
        created_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_automod_actions_guild_id ON automod_actions (guild_id)""",
    # automod_rules
    """
    CREATE TABLE automod_rules (
        id serial,
        guild_id bigint NOT NULL,
        rule_type text NOT NULL,
        name text NOT NULL,
        enabled boolean DEFAULT true,
        config jsonb NOT NULL,
        action_id integer,
        created_by bigint,
        created_at timestamp with time zone DEFAULT now(),
        updated_at timestamp with time zone DEFAULT now(),
        is_premium boolean DEFAULT false,
        PRIMARY KEY (id),
        FOREIGN KEY (action_id) REFERENCES automod_actions (id) ON DELETE SET NULL
    )
    """,
    """CREATE INDEX ix_automod_rules_guild_id_enabled ON automod_rules (guild_id, enabled)""",
    """CREATE INDEX ix_automod_rules_rule_type ON automod_rules (rule_type)""",
    # automod_logs
    """
    CREATE TABLE automod_logs (
        id serial,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        message_id bigint,
        channel_id bigint,
        rule_id integer,
        action_taken text NOT NULL,
        message_content text,
        ai_analysis jsonb,
        context jsonb,
        moderator_id bigint,
        "timestamp" timestamp with time zone DEFAULT now(),
        appeal_status text DEFAULT 'none',
        PRIMARY KEY (id),
        FOREIGN KEY (rule_id) REFERENCES automod_rules (id) ON DELETE SET NULL
    )
    """,
    """CREATE INDEX ix_automod_logs_guild_id_user_id ON automod_logs (guild_id, user_id)""",
    """CREATE INDEX ix_automod_logs_timestamp ON automod_logs ("timestamp")""",
    """CREATE INDEX ix_automod_logs_rule_id ON automod_logs (rule_id)""",
    # automod_stats
    """
    CREATE TABLE automod_stats (
        id serial,
        guild_id bigint NOT NULL,
        rule_id integer,
        "date" date NOT NULL,
        triggers_count integer DEFAULT 0,
        false_positives integer DEFAULT 0,
        avg_response_time double precision,
        created_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (guild_id, rule_id, "date"),
        FOREIGN KEY (rule_id) REFERENCES automod_rules (id) ON DELETE CASCADE
    )
    """,
    """CREATE INDEX ix_automod_stats_date ON automod_stats ("date")""",
    # automod_user_history
    """
    CREATE TABLE automod_user_history (
        id serial,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        rule_type text NOT NULL,
        violation_count integer DEFAULT 1,
        last_violation timestamp with time zone DEFAULT now(),
        total_points integer DEFAULT 0,
        context jsonb,
        updated_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (guild_id, user_id, rule_type)
    )
    """,
    """CREATE INDEX ix_automod_user_history_guild_id_user_id ON automod_user_history (guild_id, user_id)""",
    # engagement_badges
    """
    CREATE TABLE engagement_badges (
        id bigserial,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        badge_key text NOT NULL,
        assigned_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_engagement_badges_guild_id_user_id ON engagement_badges (guild_id, user_id)""",
    # engagement_og_claims
    """
    CREATE TABLE engagement_og_claims (
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        claimed_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (guild_id, user_id)
    )
    """,
    """CREATE INDEX ix_engagement_og_claims_guild_id ON engagement_og_claims (guild_id)""",
    # engagement_og_setup
    """
    CREATE TABLE engagement_og_setup (
        guild_id bigint NOT NULL,
        message_id bigint,
        channel_id bigint,
        updated_at timestamp with time zone DEFAULT now(),
        PRIMARY KEY (guild_id)
    )
    """,
    # engagement_challenges
    """
    CREATE TABLE engagement_challenges (
        id bigserial,
        guild_id bigint NOT NULL,
        channel_id bigint,
        mode text DEFAULT 'leaderboard',
        title text,
        active boolean DEFAULT true,
        started_at timestamp with time zone DEFAULT now(),
        ends_at timestamp with time zone,
        ended_at timestamp with time zone,
        winner_id bigint,
        messages_count integer,
        PRIMARY KEY (id)
    )
    """,
    """CREATE INDEX ix_engagement_challenges_guild_id_active ON engagement_challenges (guild_id, active)""",
    # engagement_participants
    """
    CREATE TABLE engagement_participants (
        id bigserial,
        challenge_id bigint NOT NULL,
        user_id bigint NOT NULL,
        message_count integer DEFAULT 0,
        PRIMARY KEY (id),
        UNIQUE (challenge_id, user_id),
        FOREIGN KEY (challenge_id) REFERENCES engagement_challenges (id) ON DELETE CASCADE
    )
    """,
    """CREATE INDEX ix_engagement_participants_challenge_id ON engagement_participants (challenge_id)""",
    # engagement_weekly_messages
    """
    CREATE TABLE engagement_weekly_messages (
        id bigserial,
        guild_id bigint NOT NULL,
        message_id bigint NOT NULL,
        channel_id bigint NOT NULL,
        user_id bigint NOT NULL,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        has_image boolean DEFAULT false,
        is_food boolean DEFAULT false,
        reactions_count integer DEFAULT 0,
        PRIMARY KEY (id),
        UNIQUE (guild_id, message_id)
    )
    """,
    """CREATE INDEX ix_engagement_weekly_messages_guild_created ON engagement_weekly_messages (guild_id, created_at)""",
    # engagement_weekly_awards
    """
    CREATE TABLE engagement_weekly_awards (
        id bigserial,
        guild_id bigint NOT NULL,
        week_start date NOT NULL,
        week_end date NOT NULL,
        PRIMARY KEY (id),
        UNIQUE (guild_id, week_start, week_end)
    )
    """,
    """CREATE INDEX ix_engagement_weekly_awards_guild_id ON engagement_weekly_awards (guild_id)""",
    # engagement_weekly_results
    """
    CREATE TABLE engagement_weekly_results (
        id bigserial,
        week_id bigint NOT NULL,
        award_key text NOT NULL,
        user_id bigint NOT NULL,
        metric integer,
        message_id bigint,
        PRIMARY KEY (id),
        UNIQUE (week_id, award_key),
        FOREIGN KEY (week_id) REFERENCES engagement_weekly_awards (id) ON DELETE CASCADE
    )
    """,
    # engagement_streaks
    """
    CREATE TABLE engagement_streaks (
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        last_day date,
        current_days integer DEFAULT 0,
        base_nickname text,
        PRIMARY KEY (guild_id, user_id)
    )
    """,
    """CREATE INDEX ix_engagement_streaks_guild_id ON engagement_streaks (guild_id)""",
)
DROP_ORDER = [
    "engagement_streaks",
    "engagement_weekly_results",
    "engagement_weekly_awards",
    "engagement_weekly_messages",
    "engagement_participants",
    "engagement_challenges",
    "engagement_og_setup",
    "engagement_og_claims",
    "engagement_badges",
    "automod_user_history",
    "automod_stats",
    "automod_logs",
    "automod_rules",
    "automod_actions",
    "custom_commands",
    "health_check_history",
    "audit_logs",
    "faq_search_logs",
    "faq_entries",
    "ticket_metrics",
    "ticket_summaries",
    "verification_tickets",
    "support_tickets",
    "guild_rules",
    "guild_onboarding_questions",
    "onboarding",
    "app_reflections",
    "gdpr_acceptance",
    "terms_acceptance",
    "gpt_usage",
    "premium_subs",
    "reminders",
    "settings_history",
    "bot_settings",
]


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    for table in DROP_ORDER:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
