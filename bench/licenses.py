"""Licence library at scale: verification and holder lookup latency, and signing throughput.

    python bench/licenses.py --licenses 2000000            # SQLite, in ZV_DATA_DIR
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_licenses python bench/licenses.py --licenses 2000000

The database is filled once: the demo (licence types, seals), then `generate_licenses` writes a JSON lines file
and the real importer loads it. Requests go through the whole Django stack in-process (middleware, view,
serializer, JSON), so the figures are the server's own time without the network. Budget (DESIGN.md §5):
verification p95 ≤ 10 ms at 2,000,000 licences.
"""

import argparse
import os
import random
import statistics
import time

import harness


def percentiles(timings: list[float]) -> str:
    timings = sorted(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    return f"p50 {statistics.median(timings):.2f} ms  p95 {p95:.2f} ms  max {timings[-1]:.2f} ms  (n={len(timings)})"


def measure(client, urls: list[str], **headers) -> list[float]:
    for url in urls[:20]:  # warm up, and check the answers
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    timings = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--licenses", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--sign", type=int, default=40, help="licence PDFs to render and seal")
    args = parser.parse_args()
    os.environ["ZV_VERIFY_RATE_PER_MINUTE"] = "100000000"  # one client makes every request here
    harness.setup(f"bench-licenses-{args.licenses}.sqlite3")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from zerovisit.accounts.services import create_api_client
    from zerovisit.accounts.tests.factories import system_token
    from zerovisit.core import crypto
    from zerovisit.licenses import documents
    from zerovisit.licenses.models import License, LicenseType
    from zerovisit.org.models import Agency

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the verification page links its stylesheet
    if not LicenseType.objects.exists():
        call_command("load_demo", verbosity=0)
    have = License.objects.count()
    if have < args.licenses:
        path = harness.data_dir() / f"bench-licenses-{args.licenses - have}.jsonl"
        call_command("generate_licenses", count=args.licenses - have, out=str(path), seed=have)
        started = time.perf_counter()
        call_command("import_licenses", str(path))
        print(f"imported {args.licenses - have} licences in {time.perf_counter() - started:.0f} s")
        path.unlink()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE licenses_license")
    total = License.objects.count()
    rng = random.Random(7)
    top = License.objects.order_by("-pk").values_list("pk", flat=True).first()
    picked = License.objects.filter(pk__in=[rng.randint(1, top) for _ in range(args.requests * 2)])
    sample = list(picked.values_list("identifier", "number", "holder_name", "holder_code_encrypted")[: args.requests])

    client = Client()
    by_identifier = [f"/api/v1/licenses/verify/?identifier={s[0]}" for s in sample]
    api = measure(client, by_identifier)
    pages = measure(client, [f"/licenses/verify/{s[0]}/" for s in sample[: args.requests // 2]])
    by_number = measure(client, [f"/api/v1/licenses/verify/?number={s[1]}&holder_name={s[2]}" for s in sample])

    agency = Agency.objects.get(name="徐州市行政审批局")
    system, secret = create_api_client(name=f"bench-{time.time_ns()}", agency=agency, scopes=["licenses:read"])
    token = system_token(system, secret)
    holders = [crypto.decrypt(s[3]) for s in sample[: args.requests // 2]]
    shared = measure(client, [f"/api/v1/share/licenses/?holder_code={h}" for h in holders],
                     HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip

    unsigned = list(License.objects.filter(file="").values_list("pk", flat=True)[: args.sign])
    started = time.perf_counter()
    for pk in unsigned:
        documents.render(pk)
    signing_rate = len(unsigned) / (time.perf_counter() - started)

    print(harness.machine())
    print(f"database: {connection.vendor}  licences: {total:,}")
    print(f"verify API by identifier  {percentiles(api)}")
    print(f"verify page by identifier {percentiles(pages)}")
    print(f"verify API by number+name {percentiles(by_number)}")
    print(f"sharing API by holder     {percentiles(shared)}")
    print(f"render and seal: {signing_rate:.1f} licences/s on one process ({len(unsigned)} documents)")


if __name__ == "__main__":
    main()
