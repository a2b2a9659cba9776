"""Case submission throughput: cases per second through `submit_case`, with materials metadata, the case event,
the applicant's messages and their delivery tasks, from 4 worker processes (as 4 gunicorn workers would).

    python bench/submission.py --cases 3000
    ZV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zv_bench_cases python bench/submission.py --cases 3000

Materials are references to held data (what most zero-visit applications send), so the figure is the database
work of a submission, not file storage. Budget (DESIGN.md §5): ≥ 300 submissions/s on PostgreSQL.
"""

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("ZV_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-cases.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerovisit.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from zerovisit import demo_data
    from zerovisit.accounts.services import applicant_for_person
    from zerovisit.cases import services
    from zerovisit.cases.models import Case
    from zerovisit.catalog.models import ServiceItem

    call_command("migrate", verbosity=0)
    if not ServiceItem.objects.exists():
        call_command("load_demo", verbosity=0)
    item = ServiceItem.objects.published().get(name="食品经营许可", agency__name="徐州市行政审批局")
    specs = list(item.materials.all())
    zhangsan = demo_data.User.objects.get(username="zhangsan")
    applicant = applicant_for_person(name="张三", id_number="32030219900307123X", phone="13812341234")
    before = Case.objects.count()
    per_process = args.cases // args.processes
    connections.close_all()  # each process opens its own

    def work(worker, failures):
        try:
            for n in range(per_process):
                services.submit_case(
                    actor=zhangsan, item=item, applicant=applicant, channel="web",
                    materials=[services.MaterialInput(spec=s, reference="电子证照库") for s in specs],
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
    print(f"database: {connection.vendor}  processes: {args.processes}  cases: {made}  errors: {len(errors)}")
    print(f"submissions: {made / elapsed:.0f} cases/s ({elapsed:.1f} s)")
    if errors:
        print("first error:", errors[0])


if __name__ == "__main__":
    main()
