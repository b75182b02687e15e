"""Démarche: packages by the letter's journey (front_door, letters, delivery, mail, feedback, outcomes), beside
the console, campaigns, directory, web, storage and cli. Only chalicelib/http imports Chalice."""
