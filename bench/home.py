"""The portal's home page: server time p50/p95 and its weight on the wire, at a given catalogue size.

    python bench/home.py --items 10176            # SQLite, in ZV_DATA_DIR
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_100k python bench/home.py --items 100000

Uses the search bench's database of the same size (filled once). Requests go through the whole Django stack
in-process, anonymous (the city as the place) and for a reader who chose a county, with the caches as a running
site has them (the first request of each kind fills them and is reported apart). The weight is the HTML and every
style, script and icon it loads, gzip-compressed as WhiteNoise serves them.
"""

import argparse
import gzip
import re
import statistics
import time

import harness

ROUNDS = 200


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10176)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()

    harness.setup(f"bench-search-{args.items}.sqlite3")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zerovisit import demo_data
    from zerovisit.catalog.models import ServiceItem
    from zerovisit.org.models import Region

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the hashed names the pages link
    if ServiceItem.objects.count() < args.items:
        demo_data.load_organisation()
        call_command("generate_catalogue", items=args.items, verbosity=1)
    demo_data.load_apps()

    readers = {"anonymous (the city)": Client(), "a reader in 铜山区": Client()}
    readers["a reader in 铜山区"].cookies["zv_place"] = str(Region.objects.get(code="320312000000").pk)
    print(harness.machine())
    print(f"database: {connection.vendor}  items: {ServiceItem.objects.count()}  rounds: {args.rounds}")
    for who, client in readers.items():
        start = time.perf_counter()
        first = client.get("/")
        cold = (time.perf_counter() - start) * 1000
        assert first.status_code == 200, first.status_code
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        queries = len(captured)  # read now: the next request empties the connection's log
        timings = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            response = client.get("/")
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{who:<22} p50 {statistics.median(timings):5.1f} ms  p95 {p95:5.1f} ms  first {cold:6.1f} ms  "
              f"queries {queries}")  # fmt: skip
    html = first.content
    assets = sorted(set(re.findall(rb'(?:href|src)="/static/([^"]+)"', html)))
    weights = {"html": len(gzip.compress(html))}
    for asset in assets:
        weights[asset.decode()] = len(gzip.compress((settings.STATIC_ROOT / asset.decode()).read_bytes()))
    parts = ", ".join(f"{name} {size / 1024:.1f}" for name, size in weights.items())
    print(f"on the wire (gzip): {sum(weights.values()) / 1024:.1f} KB — {parts}")


if __name__ == "__main__":
    main()
