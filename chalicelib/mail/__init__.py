"""Mail: building MIME messages and sending them through SES v2; address checks. Entry: `mailer.Mailer`."""
