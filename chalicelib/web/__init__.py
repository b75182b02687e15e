"""What a person or a partner's page sees: supporter pages, i18n catalogues, static files, JSON views of
the public API, the organisers' dashboard page, CORS headers and the dev outbox. Entry: `pages`.
chalicelib/http calls these; no domain package imports them.
"""
