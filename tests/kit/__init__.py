"""The test kit: helpers every feature's tests share, in plain modules (conftest files keep only fixtures).

- `desks`        — `FeatureDesk`, the base of every "feature set up in the default guild" object.
- `channels`     — `overwrite`, `can_view`, `can_send`, `has_role`: permissions and roles on the Discord stand-in.
- `premium`      — `seed_premium` (the one way to give a test member premium without Stripe) and the Stripe world.
- `tickets`, `verification`, `automod`, `onboarding` — each feature's desk and its helpers.
- `gpt`, `growth` — ids, seeds and readers of the AI and growth tests.
- `ci_tools`     — `missing_tool`: a test needing a Debian program `.ci/run` installs skips without it (fails in CI).
"""
