"""一件事 submission throughput and the applicant's page of one: applications for a bundle of six items of six
agencies per second through `submit_bundle` (the bundle's case, six member cases with their materials, events,
tasks and the applicant's message, in one transaction), from 4 worker processes; then the bundle-case API's
detail (members' progress, corrections, results) for the applicant, p50/p95.

    python bench/bundles.py --bundles 600
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_bundles python bench/bundles.py --bundles 600

The bundle is made here from six published demo items of six agencies, the second waiting for the first's result
(as 印章刻制 waits for 营业执照); its combined form feeds every member's fields. Each application uploads one small
file per material, stored once per member that asks for it. Budgets (DESIGN.md §5, issue 13): ≥ 60 bundles/s on
PostgreSQL (≥ 360 member cases/s); the applicant's bundle page p95 ≤ 30 ms.
"""

import argparse
import multiprocessing
import statistics
import sys
import time

import harness

ITEMS = [  # (item, agency): the demo's own, as 企业开办 gathers them
    ("有限责任公司设立登记（营业执照核发）", "徐州市行政审批局"),
    ("社保参保登记（用人单位）", "徐州市人力资源和社会保障局"),
    ("住房公积金单位缴存登记", "徐州住房公积金管理中心"),
    ("城乡居民基本医疗保险参保登记", "徐州市医疗保障局"),
    ("出生登记", "徐州市公安局"),
    ("个人契税申报", "国家税务总局徐州市税务局"),
]


def make_bundle():
    """A six-member bundle of the demo's items; its combined form is every member's fields (same label, one
    field), and each member is fed its own."""
    from zerovisit.catalog.bundles import save_bundle
    from zerovisit.catalog.models import ServiceItem
    from zerovisit.org.models import Region

    items = [ServiceItem.objects.published().get(name=name, agency__name=agency) for name, agency in ITEMS]
    combined = {}
    for item in items:
        for field in item.form_fields:
            combined.setdefault(field["label"], field)
    members = [
        {"position": n, "impl_code": item.impl_code, "after": [1] if n == 2 else [],
         "field_map": {f["label"]: f["label"] for f in item.form_fields}}
        for n, item in enumerate(items, start=1)
    ]  # fmt: skip
    city = Region.objects.get(code="320300000000")
    fields = list(combined.values())
    return save_bundle(actor=None, code="bench-six", name="六事联办（基准）", region=city, audience="legal",
                       promised_days=5, members=members, form_fields=fields)  # fmt: skip


def answers_for(bundle) -> dict:
    """An answer to every field of the combined form that the form accepts."""
    samples = {"text": "徐州云龙小馆餐饮有限公司", "textarea": "餐饮服务；食品销售", "integer": "8", "decimal": "120",
               "date": "2026-12-01"}  # fmt: skip
    return {
        f["label"]: str(f["choices"][0]) if f["type"] == "choice" else samples[f["type"]] for f in bundle.form_fields
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", type=int, default=600)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--reads", type=int, default=300, help="reads of one bundle case's API detail")
    args = parser.parse_args()
    harness.setup("bench-bundles.sqlite3")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

    from zerovisit import demo_data
    from zerovisit.cases.models import BundleCase, Case
    from zerovisit.cases.services import bundles
    from zerovisit.catalog.models import ServiceItem

    call_command("migrate", verbosity=0)
    if not ServiceItem.objects.exists():
        call_command("load_demo", verbosity=0)
    bundle = make_bundle()
    combined = bundles.combined_materials(bundle)
    answers = answers_for(bundle)
    zhangsan = demo_data.User.objects.get(username="zhangsan")
    applicant = {"kind": "person", "name": "张三", "id_number": "32030219900307123X"}  # his own (demo_applicants)
    before_bundles, before_cases = BundleCase.objects.count(), Case.objects.count()
    per_process = args.bundles // args.processes
    connections.close_all()  # each process opens its own

    def work(worker, failures):
        try:
            for n in range(per_process):
                files = {m.name: SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.7 bench " + bytes(str(n), "ascii"))
                         for m in combined}  # fmt: skip
                bundles.submit_bundle(
                    actor=zhangsan, bundle=bundle, applicant=applicant, channel="web", form_data=answers,
                    files=files, delivery_method="hall", idempotency_key=f"bench-{time.time_ns()}-{worker}-{n}",
                )  # fmt: skip
        except Exception as exc:  # reported below; a benchmark that hides failures measures nothing
            failures.put(repr(exc))

    failures = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=work, args=(w, failures)) for w in range(args.processes)]
    start = time.perf_counter()
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    elapsed = time.perf_counter() - start
    made = BundleCase.objects.count() - before_bundles
    members = Case.objects.count() - before_cases
    errors = [failures.get() for _ in range(failures.qsize())]
    print(harness.machine())
    print(f"database: {connection.vendor}  processes: {args.processes}  bundles: {made}  member cases: {members}"
          f"  errors: {len(errors)}")  # fmt: skip
    print(f"bundle submissions: {made / elapsed:.0f} bundles/s, {members / elapsed:.0f} member cases/s "
          f"({elapsed:.1f} s)")  # fmt: skip
    if errors or made != per_process * args.processes:
        sys.exit(f"FAILED: {len(errors)} workers failed, {made} of {per_process * args.processes} bundles made; "
                 f"the first error: {errors[:1]}")  # fmt: skip

    client = Client()
    client.force_login(zhangsan)
    number = BundleCase.objects.filter(submitted_by=zhangsan).order_by("-submitted_at").first().number
    path = f"/api/v1/bundle-cases/{number}/"
    assert client.get(path).status_code == 200
    timings = []
    for _ in range(args.reads):
        started = time.perf_counter()
        answer = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200 or len(answer.json()["members"]) != len(ITEMS):
            sys.exit(f"FAILED: {path} answered {answer.status_code}")
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"bundle page ({path}, {args.reads} reads): p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
