"""Stage settings, read from the environment when needed (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Mapping

from chalicelib.campaigns.origins import parse_origin


class SettingsError(RuntimeError):
    """A stage setting is missing or unsafe: the function refuses to run rather than guess."""


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    queue_name: str
    configuration_set: str
    public_base_url: str  # "" is allowed only in the local stage: links there use the request's host
    # Organiser exports (chalicelib/console/export_jobs.py): the bucket the CSV files go to, and the jobs' queue.
    exports_bucket: str = "demarche-exports"
    exports_queue_name: str = "demarche-letters-exports"
    # Email to supporters (confirmations, reminders, questions) waits here, sent at the SES rate (mail/mail_queue.py).
    mail_queue_name: str = "demarche-letters-mail"
    # Local stage only: a target with no known address gets a placeholder on the reserved .invalid domain,
    # so every country can be tried end to end without ever guessing a real address.
    sandbox_recipients: bool = False
    # The one secret every keyed hash, link token and form stamp is derived from. Deployed functions get only its
    # Secrets Manager name (DEMARCHE_SECRET_ID) and read it when they first sign; DEMARCHE_SECRET (the value) is for
    # a command line run by hand, never set by the template.
    secret: str = ""
    secret_id: str = ""
    # Local stage only: origins allowed to call the JSON API of every campaign, on top of each campaign's own
    # `allowed_origins` (a partner's developer trying their form against `make run`; the browser tests).
    local_origins: tuple[str, ...] = ()
    # The account's SES sends per second; None reads MaxSendRate from SES GetAccount (set it where no real SES is).
    max_send_rate: float | None = None
    # Local stage only: no per-target pacing, for tests that send many letters to one ministry in seconds.
    local_no_pacing: bool = False
    # Local stage only: the organiser token `make run` created, handed out at /dev/organiser-token.
    dev_organiser_token: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        queue_name = env.get("DEMARCHE_QUEUE", "demarche-letters")
        stage = env.get("DEMARCHE_STAGE", "")
        if not stage:  # a deployment that forgot it must not get the local stage's conveniences
            raise SettingsError("DEMARCHE_STAGE is not set: set it to local, dev or prod; refusing to guess.")
        return cls(
            stage=stage,
            table_name=env.get("DEMARCHE_TABLE", "demarche"),
            queue_name=queue_name,
            configuration_set=env.get("DEMARCHE_CONFIGURATION_SET", "demarche"),
            public_base_url=env.get("DEMARCHE_PUBLIC_URL", "").rstrip("/"),
            exports_bucket=env.get("DEMARCHE_EXPORTS_BUCKET", "demarche-exports"),
            exports_queue_name=env.get("DEMARCHE_EXPORTS_QUEUE") or f"{queue_name}-exports",
            mail_queue_name=env.get("DEMARCHE_MAIL_QUEUE") or f"{queue_name}-mail",
            sandbox_recipients=stage == "local" and env.get("DEMARCHE_SANDBOX_RECIPIENTS", "") == "1",
            secret=env.get("DEMARCHE_SECRET", ""),
            secret_id=env.get("DEMARCHE_SECRET_ID", ""),
            local_origins=tuple(parse_origin(o) for o in env.get("DEMARCHE_LOCAL_ORIGINS", "").split(",") if o.strip()),
            max_send_rate=float(env["DEMARCHE_MAX_SEND_RATE"]) if env.get("DEMARCHE_MAX_SEND_RATE") else None,
            local_no_pacing=env.get("DEMARCHE_LOCAL_NO_PACING", "") == "1",
            dev_organiser_token=env.get("DEMARCHE_DEV_ORGANISER_TOKEN", ""),
        )

    @property
    def feedback_dead_letter_queue_name(self) -> str:
        """Where Lambda keeps SES events on_ses_feedback could not apply (infra/template.yaml), for replay."""
        return f"{self.queue_name}-feedback-dlq"

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @property
    def paces_targets(self) -> bool:
        """Whether letters are paced per target: always, except in a local stage that switched it off."""
        return not (self.local_no_pacing and self.is_local)

    @property
    def extra_origins(self) -> tuple[str, ...]:
        """Origins allowed for every campaign: `local_origins`, and only in the local stage."""
        return self.local_origins if self.is_local else ()

    def link_base_url(self) -> str | None:
        """The configured public URL for links we hand out; None (the request's host) only in the local stage.

        Elsewhere a Host header is the visitor's to choose, so a link built from it could point anywhere."""
        if self.public_base_url:
            return self.public_base_url
        if self.is_local:
            return None
        raise SettingsError(f"DEMARCHE_PUBLIC_URL is not set for stage {self.stage!r}: refusing to build links.")

    def secret_bytes(self, read_secret: Callable[[str], str] | None = None) -> bytes:
        """The stage secret: DEMARCHE_SECRET if set, else the Secrets Manager secret DEMARCHE_SECRET_ID as
        `read_secret` reads it; only the local stage may run on the well-known development default."""
        if self.secret:
            return self.secret.encode()
        if self.secret_id and read_secret is not None:
            return read_secret(self.secret_id).encode()
        if self.is_local:
            return LOCAL_SECRET
        raise SettingsError(
            f"DEMARCHE_SECRET_ID is not set for stage {self.stage!r} (the Secrets Manager secret to sign with): "
            "refusing to sign with a known key."
        )


LOCAL_SECRET = b"demarche local stage secret: public, never for dev or prod"
