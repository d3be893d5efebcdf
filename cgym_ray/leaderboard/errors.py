"""Errors of the leaderboard: a bad task, a bad submission (downloads: `cgym_ray.datasets`)."""

from __future__ import annotations

from cgym_ray.errors import CompilerError


class LeaderboardError(CompilerError):
    """Base class of the leaderboard's errors (the CLI exits with status 1)."""


class TaskError(LeaderboardError):
    """A leaderboard task file is missing or invalid (the CLI exits with status 2)."""

    exit_code = 2


class SubmissionError(LeaderboardError):
    """A submission directory is malformed, oversized or unsafe; the message says where."""
