"""The letter: the `Letter` itself (letter.py), its states, its log in DynamoDB, composing its text,
confirmation by the supporter and the mail it gets, the queue and schedule, its counters, and forgetting a
supporter. Entry: `log.LetterLog`, which moves a `letter.Letter` between states.
"""
