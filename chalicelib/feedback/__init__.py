"""Feedback: SES events (delivery, bounce, complaint), the "did they reply?" follow-ups and per-target
responsiveness. Entry: `ses_events.Feedback`.
"""
