"""`make bench`: the portal's performance ratios at two sizes, each beside its target (issue 11).

A report, not a test: `python -m bench` seeds (or reuses) two PostgreSQL databases, measures in
one run, prints one table and writes bench/results.json. A FAIL ratio does not fail the command;
a measurement that could not be taken does (exit status 1).
"""
