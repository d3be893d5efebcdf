"""Leaderboard: tasks, the `kind: leaderboard` job, submissions, their validation and rendering."""
