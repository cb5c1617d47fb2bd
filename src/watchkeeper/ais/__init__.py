"""Vessel behaviour from AIS: files of three layouts read into a day-partitioned store (`store`),
checked report by report (`records`), and the detectors that read it."""
