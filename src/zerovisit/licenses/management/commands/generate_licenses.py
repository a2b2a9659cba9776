"""Write a JSON lines file of synthetic licences for benchmarks, to load with import_licenses.

    zerovisit generate_licenses --count 2000000 --out var/licences-2m.jsonl

Holders are organisations with well-formed credit codes (some hold several licences); the types are the licence
catalogue's (run load_demo first for the demo's three).
"""

import datetime
import json
import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from zerovisit.core.identity import credit_code_check_char
from zerovisit.licenses.models import LicenseType

PLACES = ["云龙区和平路", "鼓楼区中山北路", "泉山区淮海西路", "铜山区北京南路", "贾汪区工农路", "经开区徐海路"]
TRADES = ["餐饮服务", "食品销售", "住宿", "美容美发", "预包装食品销售", "热食类食品制售"]


def credit_code(n: int) -> str:
    body = f"91320300{n:09d}"
    body = body.replace("0", "M", 1) if n % 7 == 0 else body  # letters occur in real codes
    return body + credit_code_check_char(body)


class Command(BaseCommand):
    help = "Write synthetic licences as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2_000_000)
        parser.add_argument("--out", required=True)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count, out, seed, **options):
        types = list(LicenseType.objects.order_by("code"))
        if not types:
            raise CommandError("No licence types: load the demo (zerovisit load_demo) or add types first.")
        rng = random.Random(seed)
        start = datetime.date(2016, 1, 1)
        holders = max(count * 2 // 3, 1)
        with open(Path(out), "w", encoding="utf-8") as file, tqdm(total=count, unit="条",
                                                                 disable=options["verbosity"] == 0) as bar:  # fmt: skip
            for n in range(count):
                license_type = types[n % len(types)]
                holder = rng.randrange(holders)
                issued = start + datetime.timedelta(days=rng.randrange(3800))
                file.write(json.dumps({
                    "type": license_type.code, "number": f"{license_type.number_prefix}B{n:09d}",
                    "holder_name": f"徐州市示例{holder}号商贸有限公司", "holder_code": credit_code(holder),
                    "holder_code_type": "001", "issue_date": issued.isoformat(),
                    "data": {"经营场所": f"徐州市{rng.choice(PLACES)}{rng.randrange(1, 999)}号",
                             "经营项目": rng.choice(TRADES)},
                }, ensure_ascii=False) + "\n")  # fmt: skip
                bar.update(1)
        self.stdout.write(f"{count} licences written to {out}")
