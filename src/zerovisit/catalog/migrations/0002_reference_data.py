"""National item types, the portal's themes and the standard process templates: reference data every
installation starts with."""

from django.db import migrations

ITEM_TYPES = [
    ("01", "行政许可"), ("02", "行政处罚"), ("03", "行政强制"), ("04", "行政征收"), ("05", "行政给付"),
    ("06", "行政检查"), ("07", "行政确认"), ("08", "行政奖励"), ("09", "行政裁决"), ("10", "其他行政权力"),
    ("20", "公共服务"),
]
PERSON_TOPICS = (
    "生育收养 户籍办理 民族宗教 教育科研 入伍服役 就业创业 设立变更 准营准办 抵押质押 职业资格 行政缴费 婚姻登记 "
    "优待抚恤 规划建设 住房保障 社会保障 证件办理 交通出行 旅游观光 出境入境 消费维权 公共安全 司法公证 知识产权 "
    "环保绿化 文化体育 公用事业 医疗卫生 离职退休 死亡殡葬 其他"
).split()
LEGAL_TOPICS = (
    "设立变更 准营准办 资质认证 年检年审 税收财务 人力资源 社会保障 投资审批 融资信贷 抵押质押 商务贸易 招标拍卖 "
    "海关口岸 涉外服务 农林牧渔 国土和规划建设 交通运输 环保绿化 应对气候变化 水务气象 医疗卫生 科技创新 文体教育 "
    "知识产权 民族宗教 质量技术 检验检疫 安全生产 公安消防 司法公证 公用事业 法人注销 档案文物 其他"
).split()
PERSON_EVENTS = "出生 上学 就业 婚育 置业 退休 身后".split()
# code, name, kind, [(action, stage name, role, share of the time limit in %)]
PROCESS_TEMPLATES = [
    ("instant", "即办件流程", "instant", [("accept_decide", "受理并办结", "acceptor", 100)]),
    ("promised-1", "承诺件流程（一级审查）", "promised",
     [("accept", "受理", "acceptor", 20), ("review", "审查", "reviewer", 50), ("decide", "决定", "decider", 30)]),
    ("promised-2", "承诺件流程（二级审查）", "promised",
     [("accept", "受理", "acceptor", 20), ("review", "初审", "reviewer", 30), ("review", "复审", "reviewer", 25),
      ("decide", "决定", "decider", 25)]),
    ("promised-3", "承诺件流程（三级审查）", "promised",
     [("accept", "受理", "acceptor", 15), ("review", "初审", "reviewer", 25), ("review", "复审", "reviewer", 20),
      ("review", "审核", "reviewer", 20), ("decide", "决定", "decider", 20)]),
    ("commitment", "告知承诺流程", "commitment",
     [("accept", "受理（签署承诺书）", "acceptor", 50), ("decide", "当场决定", "decider", 50),
      ("post_verify", "事后核查", "reviewer", 0)]),
    ("filing", "备案流程", "filing", [("accept", "材料完整性核验", "acceptor", 50), ("file", "出具备案回执", "acceptor", 50)]),
]  # fmt: skip
LEGAL_EVENTS = "开办 经营 变更 注销".split()


def seed(apps, schema_editor):
    ItemType = apps.get_model("catalog", "ItemType")
    Theme = apps.get_model("catalog", "Theme")
    ItemType.objects.bulk_create([ItemType(code=c, name=n) for c, n in ITEM_TYPES], ignore_conflicts=True)
    themes = []
    for audience, kind, names in (("person", "topic", PERSON_TOPICS), ("legal", "topic", LEGAL_TOPICS),
                                  ("person", "life_event", PERSON_EVENTS), ("legal", "life_event", LEGAL_EVENTS)):
        themes += [Theme(audience=audience, kind=kind, name=name, slug=f"{audience}-{kind}-{i + 1}", display_order=i)
                   for i, name in enumerate(names)]
    Theme.objects.bulk_create(themes, ignore_conflicts=True)
    ProcessTemplate = apps.get_model("catalog", "ProcessTemplate")
    ProcessStage = apps.get_model("catalog", "ProcessStage")
    for code, name, kind, stages in PROCESS_TEMPLATES:
        template, created = ProcessTemplate.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        if created:
            ProcessStage.objects.bulk_create(
                ProcessStage(template=template, order=n, action=a, name=stage, role=role, share=share)
                for n, (a, stage, role, share) in enumerate(stages, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
