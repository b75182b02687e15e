"""Campaigns: the model loaded from templates/campaigns/, its policies and its linter.
Entry: `catalogue.Campaigns`.
"""
