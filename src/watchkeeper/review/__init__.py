"""Review: screening runs as records, customers, alerts and decisions, the good-guy list,
delta re-screening, and a tamper-evident audit trail."""
