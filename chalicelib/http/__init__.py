"""Démarche's HTTP side, the only package besides app.py that imports Chalice: one blueprint per audience.

`public_api` (campaigns, targets and letters as JSON, the OpenAPI description, the embed and form scripts),
`supporter_pages` (the HTML form and the links in a supporter's mail), `sign_on` (organisations sign a letter),
`follow_ups` ("did they reply?"), `organisers` (the console and its authorizer) and `dev` (the local stage's
outbox) each export `blueprint`, which app.py registers; `request` reads the current request and `responses`
builds the answers and maps domain errors to HTTP. This file imports nothing, so `import chalicelib.http` is cheap.
"""
