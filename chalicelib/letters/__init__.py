"""The letter: its states, its log in DynamoDB, composing its text, confirmation by the supporter, the
queue and schedule, its counters, and forgetting a supporter. Entry: `log.LetterLog`.
"""
