"""Storage helpers over DynamoDB and S3: conditional writes, the due index, write shards, paged queries
and batch reads. Entries: `conditional.conditionally` (a write whose condition may
fail) and `state_machines.move` (a move of one of the small state machines).
"""
