"""Jobs: the YAML job file (sections, loading, kinds) and what every job does around its work.

A job kind plugs in through `kinds.JOB_KINDS` ("module:attribute" strings):
`search`/`eval` run here (`runner`), `train` in `cgym_ray.rl`, `leaderboard` in
`cgym_ray.leaderboard`. Those layers import this one, never the other way.
"""
