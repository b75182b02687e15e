"""Delivery: the worker that sends a queued letter once, behind its gates (reputation guard, suppressions,
pacing, account send rate). Entry: `worker.Deliverer`.
"""
