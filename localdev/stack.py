"""The local stack: moto's server in this process on a loopback port, resources created, queue drained."""
from __future__ import annotations

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


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class LocalStack:
    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self._moto: Any = None
        self._stop = threading.Event()
        self.endpoint = ""

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        port = free_port()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._moto.start()
        self.endpoint = f"http://127.0.0.1:{port}"
        os.environ.update(LOCAL_ENV)
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint  # every boto3 client in this process talks to moto

    def api_server(self, host: str, port: int) -> Any:
        """Load the app as `chalice local --stage local` would, create resources, start the drainer."""
        from chalice.cli.factory import CLIFactory

        from chalicelib.settings import Settings

        from .drain import scheduled_event, start_drainer
        from .resources import create_resources

        if str(self.project_dir) not in sys.path:
            sys.path.insert(0, str(self.project_dir))
        factory = CLIFactory(str(self.project_dir), environ=os.environ)
        config = factory.create_config_obj(chalice_stage_name="local")
        app_obj = config.chalice_app  # applies the stage's environment variables, then imports app.py
        created = create_resources(Settings.from_env())
        import app as app_module
        import boto3

        queues = [(created["queue_url"], app_module.on_sqs_message), (created["dlq_url"], app_module.on_dead_letter)]
        start_drainer(boto3.client("sqs"), queues, lambda: app_module.release_waiting_letters(scheduled_event(), None),
                      self._stop)
        return factory.create_local_server(app_obj, config, host, port)

    def stop(self) -> None:
        self._stop.set()
        if self._moto is not None:
            self._moto.stop()
