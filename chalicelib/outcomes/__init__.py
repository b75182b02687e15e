"""Campaign outcomes: digests, group letters, coalition sign-on signatures and their sends.
Entry: `signatures.Signatures`.
"""
