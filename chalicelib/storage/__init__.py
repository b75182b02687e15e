"""Storage helpers over DynamoDB and S3: conditional writes, the due index, write shards, paged queries
and batch reads. Entry: `state_machines.move`.
"""
