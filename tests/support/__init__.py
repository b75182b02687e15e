"""Helpers the tests share: AWS call recording, the in-memory DynamoDB twin and simulation, letter and SES
event factories, live servers on loopback. Imported as `support.<module>` (tests/ is on sys.path)."""
