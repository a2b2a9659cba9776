"""Case submission throughput: cases per second through `submit_case`, with materials metadata and the item's
form answers, the case event, the applicant's messages and their delivery tasks, from 4 worker processes (as 4
gunicorn workers would).

    python bench/submission.py --cases 3000
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_cases python bench/submission.py --cases 3000

Materials are references to held data (what most zero-visit applications send) and the business licence, which the
service takes from the licence library (one more query), so the figure is the database work of a submission, not
file storage. Budget (DESIGN.md §5): ≥ 300 submissions/s on PostgreSQL.

The item is loaded as `POST /api/v1/cases/` loads it (`catalog.selectors.item_for_application`: its agency,
process, materials and stages), once per process; `--fetch-item` loads it for every submission, as each API
request does (one query for the current version, the rest from the cache).
"""

import argparse
import multiprocessing
import sys
import time

import harness


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--fetch-item", action="store_true", help="load the item for every submission")
    args = parser.parse_args()
    harness.setup("bench-cases.sqlite3")
    from django.core.management import call_command
    from django.db import connection, connections

    from zerovisit import demo_data
    from zerovisit.accounts.models import Applicant
    from zerovisit.cases import services
    from zerovisit.cases.models import Case
    from zerovisit.catalog import selectors
    from zerovisit.catalog.models import MaterialSource, ServiceItem

    call_command("migrate", verbosity=0)
    if not ServiceItem.objects.exists():
        call_command("load_demo", verbosity=0)
    impl_code = ServiceItem.objects.published().get(name="食品经营许可", agency__name="徐州市行政审批局").impl_code

    def load_item():
        return selectors.item_for_application(impl_code)

    item = load_item()
    # The business licence comes from the licence library (the demo company holds one); the rest are references.
    specs = [spec for spec in item.materials.all() if spec.source != MaterialSource.LICENSE_LIBRARY]
    zhangsan = demo_data.User.objects.get(username="zhangsan")
    applicant = Applicant.objects.get(name=demo_data.DEMO_COMPANY[0])
    answers = {"经营场所": "徐州市云龙区和平路88号", "主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售",
               "经营场所面积（平方米）": "120", "从业人员数": "8"}  # fmt: skip
    before = Case.objects.count()
    per_process = args.cases // args.processes
    connections.close_all()  # each process opens its own

    def work(worker, failures):
        try:
            for n in range(per_process):
                services.submit_case(
                    actor=zhangsan, item=load_item() if args.fetch_item else item, applicant=applicant, channel="web",
                    materials=[services.MaterialInput(spec=s, reference="电子证照库") for s in specs],
                    form_data=answers,
                    idempotency_key=f"bench-{time.time_ns()}-{worker}-{n}",
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
    made = Case.objects.count() - before
    errors = [failures.get() for _ in range(failures.qsize())]
    print(harness.machine())
    print(f"database: {connection.vendor}  processes: {args.processes}  cases: {made}  errors: {len(errors)}"
          f"  item loaded: {'per submission' if args.fetch_item else 'once'}")  # fmt: skip
    print(f"submissions: {made / elapsed:.0f} cases/s ({elapsed:.1f} s)")
    if errors or made != per_process * args.processes:
        sys.exit(f"FAILED: {len(errors)} workers failed, {made} of {per_process * args.processes} cases made; "
                 f"the first error: {errors[:1]}")  # fmt: skip


if __name__ == "__main__":
    main()
