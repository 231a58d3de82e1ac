"""Create the pretix demo data for the check-in load benchmark.

Run under pretix's settings (setup.sh does this):
    PRETIX_CONFIG_FILE=bench/pretix/pretix.cfg DJANGO_SETTINGS_MODULE=pretix.settings \
        bench/pretix/.venv/bin/python bench/pretix/make_data.py 20000 --out bench/pretix

Creates organizer "bench", event "gate", item "pass", M paid orders with one position each
(distinct ticket secrets), a check-in list "daily" that allows one entry per day, and a team
API token. Writes secrets.txt, token.txt and list_id.txt into --out.
"""
import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from pretix.base.models import (  # noqa: E402
    CheckinList,
    Event,
    Item,
    Order,
    OrderPosition,
    Organizer,
    Quota,
    Team,
    TeamAPIToken,
    Transaction,
)

# The once-a-day rule, in pretix's JSON-logic dialect: entry only if this ticket has no
# entry on this list since midnight (event timezone). pretix evaluates custom rules only for
# type="entry" scans (exits are never checked against rules), and allow_multiple_entries must
# be on, otherwise the second day's entry is refused as "already_redeemed".
ONCE_A_DAY_RULE = {"<": [{"var": "entries_today"}, 1]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("orders", type=int, nargs="?", default=20000)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args()

    t0 = time.time()
    with scopes_disabled():
        org = Organizer.objects.create(name="Bench", slug="bench")
        event = Event.objects.create(
            organizer=org, name="Gate", slug="gate", currency="EUR",
            date_from=now() - timedelta(days=1), date_to=now() + timedelta(days=365),
            live=True,
        )
        item = Item.objects.create(event=event, name="Pass", default_price=Decimal("0.00"),
                                   admission=True)
        quota = Quota.objects.create(event=event, name="Pass", size=None)
        quota.items.add(item)

        clist = CheckinList.objects.create(
            event=event, name="daily", all_products=True,
            allow_multiple_entries=True, allow_entry_after_exit=True,
            rules=ONCE_A_DAY_RULE,
        )

        team = Team.objects.create(
            organizer=org, name="Scanners", all_events=True,
            limit_event_permissions={"event.orders:read": True, "event.orders:checkin": True},
        )
        token = TeamAPIToken.objects.create(team=team, name="bench-wrk")

        channel = org.sales_channels.get(identifier="web")
        secrets = []
        done = 0
        while done < args.orders:
            n = min(args.batch, args.orders - done)
            with transaction.atomic():
                txs = []
                for i in range(n):
                    o = Order(
                        event=event, status=Order.STATUS_PAID, email=f"b{done + i}@example.invalid",
                        locale="en", total=Decimal("0.00"), sales_channel=channel,
                    )
                    o.save()
                    p = OrderPosition(order=o, positionid=1, item=item, price=Decimal("0.00"))
                    p.save()  # assigns a random ticket secret (pretix's default generator)
                    secrets.append(p.secret)
                    txs += o.create_transactions(is_new=True, positions=[p], fees=[], save=False)
                Transaction.objects.bulk_create(txs)
            done += n
            print(f"\r{done}/{args.orders} orders", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)

        assert len(set(secrets)) == len(secrets), "duplicate secrets"
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "secrets.txt"), "w") as f:
            f.write("\n".join(secrets) + "\n")
        with open(os.path.join(args.out, "token.txt"), "w") as f:
            f.write(token.token + "\n")
        with open(os.path.join(args.out, "list_id.txt"), "w") as f:
            f.write(f"{clist.pk}\n")
        print(f"organizer=bench event=gate item={item.pk} list={clist.pk} orders={args.orders} "
              f"positions={OrderPosition.objects.filter(order__event=event).count()} "
              f"in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
