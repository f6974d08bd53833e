"""The import path of the screenshot checks' rate from before the verification service was split (tests and
notes still name it here); the verification flow itself lives in channels.py, submission.py and review.py."""

from cogs.verification.submission import CHECK_RATE

__all__ = ["CHECK_RATE"]
