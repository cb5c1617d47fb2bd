"""Watchkeeper: sanctions screening against versioned official lists."""

__version__ = "0.1.0"
