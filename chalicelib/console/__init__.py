"""The organiser console: tokens, log queries and rows, the reveal audit, exports, charts and the
dashboard. Entry: `letters_console.OrganiserConsole`.
"""
