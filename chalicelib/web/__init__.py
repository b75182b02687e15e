"""What a person or a partner's page sees: supporter pages, i18n catalogues, static files, JSON views of
the public API, CORS and the dev outbox. Entry: `pages`.
"""
