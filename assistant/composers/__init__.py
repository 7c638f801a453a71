"""Composers: turn what the earlier pipeline stages found into an `Answer` (see `base.Composer`)."""
