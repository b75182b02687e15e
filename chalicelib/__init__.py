"""Démarche domain code: everything the routes in app.py call. Never imports Chalice."""
