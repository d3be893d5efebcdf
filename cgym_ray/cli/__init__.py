"""The `cgym-ray` command line (also `python -m cgym_ray`)."""
