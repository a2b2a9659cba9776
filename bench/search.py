"""Search API latency: p50/p95 over a realistic query mix, at a given catalogue size.

    python bench/search.py --items 10176            # SQLite, in ZV_DATA_DIR
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench python bench/search.py --items 100000

The database is filled once (demo organisation + generate_catalogue) and reused by later runs of the same size.
Requests go through the whole Django stack (middleware, view, serializer, JSON) in-process, so the figures are
the server's own time without the network.
"""

import argparse
import statistics
import time

import harness

QUERIES = [
    "yyzz",
    "营业执照",
    "护照",
    "许可",
    "食品经营",
    "shipin",
    "gjj",
    "公积金提取",
    "户口迁移",
    "hukou",
    "不动产",
    "bdcdj",
    "建设工程",
    "道路运输",
    "社会保险",
    "证",
    "注销",
    "yyzz 补办",
    "食品经营许可核发",
    "xkz",
]
PLACES = ["320300000000", "320312000000"]  # the city (the portal's default), and 铜山区
FILTERED = [
    ("许可", "&type=01"),
    ("", "&zero_visits=1"),
    ("证", "&focus=high_frequency"),
    ("登记", "&level=3"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10176)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    harness.setup(f"bench-search-{args.items}.sqlite3")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zerovisit import demo_data

    call_command("migrate", verbosity=0)
    demo_data.load_organisation()
    call_command("generate_catalogue", items=args.items, verbosity=1)
    if connection.vendor == "postgresql":  # the visibility map, so index-only scans stay index-only
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    client = Client()
    plain = [f"/api/v1/search/?q={q}" for q in QUERIES] + [f"/api/v1/items/?q={q}{f}" for q, f in FILTERED]
    # The portal always searches for the reader's place (the city until they choose): one implementation of each
    # base item (catalog.selectors.place_condition).
    placed = [f"{url}&place={place}" for place in PLACES for url in plain[::2]] + [
        f"/api/v1/items/?place={place}" for place in PLACES
    ]
    urls = plain + placed
    queries_per_request = {}
    for url in urls:  # warm caches, check answers, count queries
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert isinstance(response.json()["results"], list), (url, response.content[:300])
        queries_per_request[url] = len(captured)
    assert client.get("/api/v1/search/?q=营业执照").json()["results"], "the search finds no 营业执照"
    timings, per_url = [], {url: [] for url in urls}
    for _ in range(args.rounds):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            timings.append(elapsed)
            per_url[url].append(elapsed)
    print(harness.machine())
    print(f"database: {connection.vendor}  items: {args.items}  requests: {len(timings)}")
    for label, group in (("search API", plain), ("with a place", placed)):
        values = sorted(t for url in group for t in per_url[url])
        p50, p95 = statistics.median(values), values[int(len(values) * 0.95) - 1]
        print(f"{label:<13} p50 {p50:.1f} ms  p95 {p95:.1f} ms  max {values[-1]:.1f} ms  ({len(values)} requests)")
    print(f"queries per request: {min(queries_per_request.values())}–{max(queries_per_request.values())}")
    print("slowest requests (median ms):")
    for url, values in sorted(per_url.items(), key=lambda kv: -statistics.median(kv[1]))[:5]:
        print(f"  {statistics.median(values):6.1f}  {url}")


if __name__ == "__main__":
    main()
