"""``make bench``: speed and memory measurements, never asserted in tests."""
