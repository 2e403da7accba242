"""Screening workflows: whole customer files, portfolios, alerts and their record.

A compliance team screens customers in bulk, not one name at a time. This package
holds what turns the matcher into that daily job: reading customer files
(:mod:`~redline.screening.readers`), running a resumable parallel screen over them
(:mod:`~redline.screening.batch`), and writing the results and the report an analyst
and an auditor read (:mod:`~redline.screening.writers`,
:mod:`~redline.screening.report`).

Nothing is imported here so that ``import redline.screening.readers`` stays light in
worker processes; import the module you need.
"""
