"""The front door: screens a submission (fields, bot traps, proof of work, rate limits, idempotency,
duplicates) and admits it. Entry: `door.FrontDoor`.
"""
