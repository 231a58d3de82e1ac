"""`fangkong manage replica_status`: is the replica usable from here now, its lag, and the fallback counters."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from fangkong.core.replica import replica_status


class Command(BaseCommand):
    help = "Probe the read replica (DATABASE_REPLICA_URL) and print its lag and the routing counters as JSON."

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(replica_status()))
