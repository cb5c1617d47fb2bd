"""The behaviour detectors: each a DuckDB query over the AIS store's `positions` and `statics`
that narrows millions of reports to a few candidates, then a check in Python of what SQL cannot
say well (near a port? inside a polygon?)."""
