"""The matcher's settings every caller may name without loading the matcher itself.

Front ends show the threshold in `--help` and in request models; importing it from here keeps a
command that does not screen (lists, audit, keys) from loading the index code and its dictionaries.
"""

from __future__ import annotations

#: Alerts are raised at or above this score (measured on eval-dev: see the README).
DEFAULT_THRESHOLD = 0.80
