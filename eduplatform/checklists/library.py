"""The seeded template library: the checks every Chinese school runs, in the words a
school safety officer uses. `seed_library(district)` is idempotent: a template it made
before (found by its library key) is left as the bureau has since edited it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from eduplatform.checklists.actions import add_item, add_section, create_template, publish_version
from eduplatform.checklists.models import ChecklistTemplate, Frequency, ItemKind, Severity, TemplateCategory

P, N, T, C, PH, SG = (
    ItemKind.PASS_FAIL, ItemKind.NUMBER, ItemKind.TEXT, ItemKind.CHOICE, ItemKind.PHOTO, ItemKind.SIGNATURE,
)  # fmt: skip
MAJOR, CRITICAL = Severity.MAJOR, Severity.CRITICAL


def item(text: str, kind: str = P, **options) -> dict:
    return {"text": text, "kind": kind, **options}


LIBRARY: list[dict] = [
    {
        "key": "daily-patrol",
        "name": "每日安全巡查",
        "category": TemplateCategory.DAILY_PATROL,
        "frequency": Frequency.SCHOOL_DAY,
        "description": "上学日由安全专干（或值班人员）对校园重点部位巡查一遍，发现问题当场拍照记录。",
        "sections": [
            (
                "校门与周边",
                [
                    item("校门门卫在岗，外来人员、车辆登记", guidance="查看门卫室登记本与监控"),
                    item("上下学时段护学岗到位，校门口交通秩序良好"),
                    item("一键报警装置、防冲撞设施完好", severity_on_failure=MAJOR),
                ],
            ),
            (
                "教学楼与公共区域",
                [
                    item("楼道、楼梯通畅，无堆放杂物", guidance="重点查看楼梯转角与安全出口"),
                    item("安全出口、疏散指示标志和应急照明完好", severity_on_failure=MAJOR),
                    item("栏杆、护栏、门窗牢固，无松动破损"),
                    item("教室、功能室用电无私拉乱接，人走断电"),
                ],
            ),
            (
                "重点部位",
                [
                    item("食堂操作间门锁闭，非工作人员未进入"),
                    item("实验室、危化品柜双人双锁", severity_on_failure=MAJOR),
                    item("配电房、锅炉房等重点部位上锁，无异常"),
                    item("运动场地与体育器材无明显安全隐患"),
                ],
            ),
            (
                "巡查结论",
                [
                    item("其他需要说明的情况", T, is_required=False, opens_hazard=False),
                    item("巡查人签名", SG, opens_hazard=False),
                ],
            ),
        ],
    },
    {
        "key": "weekly-check",
        "name": "每周安全检查",
        "category": TemplateCategory.WEEKLY_CHECK,
        "frequency": Frequency.WEEKLY,
        "description": "每周由分管安全的校领导带队，对校舍、设施设备和制度落实进行一次全面检查。",
        "sections": [
            (
                "校舍与设施",
                [
                    item("校舍墙体、屋面、吊顶无开裂、渗漏、脱落", severity_on_failure=MAJOR),
                    item("围墙、挡土墙、护坡稳固"),
                    item("体育器材、游乐设施固定牢固，无锐角、锈蚀"),
                    item("饮水设备清洁，滤芯按期更换"),
                ],
            ),
            (
                "用电与消防",
                [
                    item("配电箱完好、加锁，线路无老化裸露", severity_on_failure=MAJOR),
                    item("电动自行车未在楼道、室内停放充电", severity_on_failure=MAJOR),
                    item("灭火器、消火栓在位，处于有效期"),
                ],
            ),
            (
                "制度落实",
                [
                    item("本周每日巡查记录完整"),
                    item("门卫值守与来访登记规范"),
                    item("上周发现的隐患已按期整改"),
                    item("检查情况小结", T, is_required=False, opens_hazard=False),
                    item("带队领导签名", SG, opens_hazard=False),
                ],
            ),
        ],
    },
    {
        "key": "monthly-fire",
        "name": "月度消防安全检查",
        "category": TemplateCategory.FIRE,
        "frequency": Frequency.MONTHLY,
        "description": "每月一次，按《机关、团体、企业、事业单位消防安全管理规定》检查消防设施和消防通道。",
        "sections": [
            (
                "消防设施",
                [
                    item("灭火器压力指针在绿区、铅封完好、在有效期内", guidance="抽查各楼层不少于 3 具"),
                    item(
                        "灭火器压力读数",
                        N,
                        unit="MPa",
                        minimum=Decimal("0"),
                        maximum=Decimal("2.5"),
                        opens_hazard=False,
                        guidance="填写抽查中最低的一具",
                    ),
                    item("室内消火栓箱内水带、水枪齐全，出水正常"),
                    item("火灾自动报警系统运行正常，无故障报警", severity_on_failure=MAJOR),
                    item("应急照明和疏散指示标志断电后正常点亮"),
                ],
            ),
            (
                "消防通道与场所",
                [
                    item("疏散通道、安全出口畅通，未上锁、未堵塞", severity_on_failure=CRITICAL),
                    item("消防车通道畅通，无占用", severity_on_failure=MAJOR),
                    item("宿舍、图书室、实验室无违规使用明火和大功率电器"),
                    item("消防控制室有人值班，持证上岗", is_required=False),
                ],
            ),
            (
                "记录",
                [
                    item("现场照片", PH, is_required=False, opens_hazard=False),
                    item("检查人签名", SG, opens_hazard=False),
                ],
            ),
        ],
    },
    {
        "key": "monthly-food-safety",
        "name": "月度食品安全检查",
        "category": TemplateCategory.FOOD_SAFETY,
        "frequency": Frequency.MONTHLY,
        "school_kinds": [],
        "description": "每月一次，对照“日管控、周排查、月调度”要求检查食堂。",
        "sections": [
            (
                "人员与证照",
                [
                    item("从业人员健康证齐全且在有效期内", severity_on_failure=MAJOR),
                    item("晨检记录完整，有发热、腹泻、手部伤口者未上岗"),
                    item("食品经营许可证在有效期内并公示", severity_on_failure=MAJOR),
                ],
            ),
            (
                "原料与加工",
                [
                    item("食材验收台账完整，索证索票齐全"),
                    item(
                        "未使用禁止的食品（冷荤、生食、裱花蛋糕、四季豆未熟透等）",
                        severity_on_failure=CRITICAL,
                    ),
                    item("生熟分开，刀具、砧板、容器标识清楚"),
                    item(
                        "冷藏柜温度",
                        N,
                        unit="℃",
                        minimum=Decimal("-30"),
                        maximum=Decimal("30"),
                        opens_hazard=False,
                        guidance="冷藏应在 0–8 ℃",
                    ),
                ],
            ),
            (
                "留样与消毒",
                [
                    item("每餐每个品种留样不少于 125 克，冷藏 48 小时以上", severity_on_failure=MAJOR),
                    item("餐具消毒记录完整，消毒柜运行正常"),
                    item("防鼠、防蝇、防尘设施完好"),
                    item("陪餐记录完整"),
                ],
            ),
            (
                "记录",
                [
                    item("检查人签名", SG, opens_hazard=False),
                ],
            ),
        ],
    },
    {
        "key": "building-check",
        "name": "校舍安全检查",
        "category": TemplateCategory.BUILDING,
        "frequency": Frequency.PER_TERM,
        "times_per_term": 1,
        "description": "每学期至少一次（六个月内），逐栋检查校舍并评定危险性等级 A–D。",
        "sections": [
            (
                "结构与构件",
                [
                    item("地基无不均匀沉降，墙体无明显倾斜", severity_on_failure=MAJOR),
                    item("梁、板、柱无明显裂缝、露筋", severity_on_failure=MAJOR),
                    item("屋面无渗漏，女儿墙、挑檐无松动"),
                    item("楼梯、栏杆（高度不低于 1.1 米）牢固"),
                ],
            ),
            (
                "评定",
                [
                    item(
                        "房屋危险性等级",
                        C,
                        choices=["A级", "B级", "C级", "D级"],
                        failing_choices=["C级", "D级"],
                        severity_on_failure=CRITICAL,
                        guidance="A 安全；B 个别构件危险；C 局部危险；D 整体危险，须立即停用封闭",
                    ),
                    item("现场照片", PH, opens_hazard=False),
                    item("检查人签名", SG, opens_hazard=False),
                ],
            ),
        ],
    },
    {
        "key": "vehicle-pre-departure",
        "name": "校车出车前安全检查",
        "category": TemplateCategory.VEHICLE,
        "frequency": Frequency.ON_DEMAND,
        "description": "每次出车前由驾驶人和随车照管人员共同检查。",
        "sections": [
            (
                "车辆",
                [
                    item("轮胎气压、花纹正常，无鼓包", severity_on_failure=MAJOR),
                    item("制动、转向、灯光、喇叭、雨刮正常", severity_on_failure=CRITICAL),
                    item("安全带齐全有效，座椅牢固"),
                    item("灭火器、安全锤、急救箱在位"),
                    item("行驶记录仪和卫星定位装置工作正常"),
                ],
            ),
            (
                "人员",
                [
                    item("驾驶人状态良好，未饮酒、未服用影响驾驶的药物", severity_on_failure=CRITICAL),
                    item("随车照管人员在岗"),
                    item("驾驶人签名", SG, opens_hazard=False),
                ],
            ),
        ],
    },
]


def seed_library(district, *, actor=None, log=None) -> int:
    """Create and publish the library's templates a district does not have yet; returns how many."""
    made = 0
    for entry in LIBRARY:
        if ChecklistTemplate.objects.filter(district=district, library_key=entry["key"]).exists():
            continue
        with transaction.atomic():
            template = create_template(
                district=district,
                actor=actor or "seed",
                library_key=entry["key"],
                name=entry["name"],
                category=entry["category"],
                frequency=entry["frequency"],
                times_per_term=entry.get("times_per_term", 1),
                school_kinds=entry.get("school_kinds", []),
                description=entry.get("description", ""),
            )
            version = template.versions.get()
            first = version.sections.get()
            for index, (title, items) in enumerate(entry["sections"]):
                if index == 0:
                    first.title = title
                    first.save(update_fields=["title"])
                    section = first
                else:
                    section = add_section(version=version, title=title, actor=actor or "seed")
                for definition in items:
                    add_item(version=version, section=section, actor=actor or "seed", **definition)
            publish_version(version=version, actor=actor or "seed")
        made += 1
        if log:
            log(f"published template {template.name}")
    return made
