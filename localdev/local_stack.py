"""The local stack: moto's server in this process on a loopback port, resources created, queue drained."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any

LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}

# The stats roll-up reads every active campaign's 40 counter shards: once a real minute, as in AWS, however brisk
# the local tick (tests make it a few seconds), in a thread of its own.
ROLL_UP_EVERY = 60.0

# What the admin CLI needs to reach this stack's resources (written to its state file, see local_endpoint.py).
SHARED_NAMES = (
    "DEMARCHE_STAGE",
    "DEMARCHE_TABLE",
    "DEMARCHE_QUEUE",
    "DEMARCHE_CONFIGURATION_SET",
    "DEMARCHE_EXPORTS_BUCKET",
    "DEMARCHE_EXPORTS_QUEUE",
    "DEMARCHE_SECRET_ID",  # the secret's name in the stand-in, not its value
    "DEMARCHE_MAIL_QUEUE",
)


def serialise_moto_requests() -> None:
    """One AWS request at a time in the stand-in: moto's backends are not thread-safe.

    Under concurrent load (bench/local_load.py, 20 users) moto's server raised "dictionary changed size
    during iteration" and answered 500. DynamoDB, SQS and SES make each request atomic, so running moto's
    requests one after another is also the faithful model; the API itself stays multi-threaded.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication, "_demarche_serialised", False):
        return
    lock, call = threading.Lock(), DomainDispatcherApplication.__call__

    def serialised(self: Any, environ: dict, start_response: Any) -> Any:
        with lock:
            return list(call(self, environ, start_response))  # consume the body inside the lock

    DomainDispatcherApplication.__call__ = serialised
    DomainDispatcherApplication._demarche_serialised = True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


LOCAL_ORGANISER = "organiser@example.org"  # `make run`'s owner of every campaign, for signing in by email


class LocalStack:
    def __init__(self, project_dir: Path, clock: Any = None) -> None:
        from chalicelib.clock import utc_now

        self.project_dir = project_dir
        self.clock = clock or utc_now
        self._moto: Any = None
        self._stop = threading.Event()
        self.endpoint = ""
        self.organiser_token = ""

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        serialise_moto_requests()
        port = free_port()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._moto.start()
        self.endpoint = f"http://127.0.0.1:{port}"
        os.environ.update(LOCAL_ENV)
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint  # every boto3 client in this process talks to moto

    def api_server(self, host: str, port: int) -> Any:
        """Load the app as `chalice local --stage local` would, create resources, start the drainer."""
        from chalice.cli.factory import CLIFactory

        from chalicelib.cli.running_stack import write_state
        from chalicelib.settings import Settings

        from .drain import scheduled_event, start_drainer
        from .resources import create_resources

        if str(self.project_dir) not in sys.path:
            sys.path.insert(0, str(self.project_dir))
        factory = CLIFactory(str(self.project_dir), environ=os.environ)
        config = factory.create_config_obj(chalice_stage_name="local")
        app_obj = config.chalice_app  # applies the stage's environment variables, then imports app.py
        settings = Settings.from_env()
        created = create_resources(settings)
        import boto3

        import app as app_module
        from chalicelib.services import Services

        self.organiser_token = self._organiser_token(Services(clock=self.clock))
        # Built after the token, whose value the settings read: the routes' and handlers' clock is the stack's.
        app_module.use_services(Services(clock=self.clock))

        queues = [
            (created["queue_url"], app_module.on_sqs_message),
            (created["mail_queue_url"], app_module.on_supporter_mail),  # confirmations reach the outbox from here
            (created["dlq_url"], app_module.on_dead_letter),
            (created["mail_dlq_url"], app_module.on_supporter_mail_dead_letter),
            (created["exports_queue_url"], app_module.on_export_message),
        ]

        def every_minute() -> None:  # in AWS: release every minute, housekeeping every 15 (both on EventBridge)
            app_module.release_waiting_letters(scheduled_event(), None)
            app_module.housekeeping(scheduled_event(), None)

        def roll_up() -> None:  # its own Lambda in AWS, so its own thread here: it never holds the minute job up
            # Waits first: a dashboard's first view rolls its campaign up itself, and a short run (a test's) then
            # never spends its CPU on it.
            while not self._stop.wait(ROLL_UP_EVERY):
                try:
                    app_module.roll_up_stats(scheduled_event(), None)
                except Exception:  # noqa: BLE001 - the next minute tries again; dashboards show the last rollup
                    logging.getLogger(__name__).exception("stats roll-up error")

        threading.Thread(target=roll_up, name="stats-roll-up", daemon=True).start()

        # DEMARCHE_LOCAL_TICK_SECONDS: how often (default 60) the minute job runs locally; tests make it brisker.
        tick = float(os.environ.get("DEMARCHE_LOCAL_TICK_SECONDS") or 60)
        start_drainer(boto3.client("sqs"), queues, every_minute, self._stop, tick)
        # Only the stand-in's address, its dummy credentials and our names: no secret, nothing else from the shell.
        names = {k: os.environ[k] for k in SHARED_NAMES if k in os.environ}
        write_state(api=f"http://{host}:{port}", env={**LOCAL_ENV, "AWS_ENDPOINT_URL": self.endpoint, **names})
        return factory.create_local_server(app_obj, config, host, port)

    @staticmethod
    def _organiser_token(services: Any) -> str:
        """A token for every campaign, so the dashboard opens at once; /dev/organiser-token hands it out too."""
        from chalicelib.console.tokens import ALL

        token, _ = services.organiser_tokens.create("make run", [ALL])
        os.environ["DEMARCHE_DEV_ORGANISER_TOKEN"] = token
        # and an owner of every campaign who signs in by email: the link lands in /dev/outbox
        services.members.grant(LOCAL_ORGANISER, [ALL], "owner")
        return token

    def stop(self) -> None:
        from chalicelib.cli.running_stack import remove_state

        remove_state()
        self._stop.set()
        if self._moto is not None:
            self._moto.stop()
