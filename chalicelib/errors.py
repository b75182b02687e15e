"""Domain errors. Each carries the HTTP status it maps to; app.py turns them into responses in one place."""
from __future__ import annotations


class DemarcheError(Exception):
    """Base class: a problem the caller can act on, with a plain message."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class InvalidField(DemarcheError):
    """One field of a request is wrong; the message says how to fix it."""

    code = "invalid_field"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "field": self.field, "message": self.message}}


class NotFound(DemarcheError):
    status = 404
    code = "not_found"


class CampaignNotOpen(DemarcheError):
    """The campaign exists but does not accept letters now (not yet open: 409, closed: 410)."""

    code = "campaign_not_open"

    def __init__(self, message: str, *, closed: bool) -> None:
        super().__init__(message)
        self.status = 410 if closed else 409


class UnsupportedMediaType(DemarcheError):
    status = 415
    code = "unsupported_media_type"


class CampaignFileError(Exception):
    """A campaign file on disk is broken; raised at load with the file and field named."""

    def __init__(self, path: str, field: str, message: str) -> None:
        super().__init__(f"{path}: {field}: {message}")
        self.path = path
        self.field = field
