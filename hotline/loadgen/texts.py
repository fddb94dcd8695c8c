"""Small Chinese templates for appeals, replies and the people's remarks, filled from a seeded random.

Each leaf category has one phrase for what is wrong; the title and content are built around it with the
place, how long it has lasted and what the citizen asks for, by appeal type. A category without a phrase
falls back to its own name.
"""

from __future__ import annotations

import random

from hotline.enums import AppealType

PROBLEMS: dict[str, str] = {
    "water.pipe_burst": "自来水管爆裂，楼道里全是水，整栋楼停水",
    "water.outage": "突然停水，没有看到任何停水通知",
    "water.quality": "自来水发黄、有异味，烧开后有沉淀",
    "water.low_pressure": "水压太低，高层住户早晚用水高峰基本没水",
    "water.meter_fee": "水表读数异常，本月水费比往常高出好几倍",
    "heating.no_heat": "暖气一直不热，家里有老人和孩子",
    "heating.pipe_leak": "暖气管道漏水，已经渗到楼下住户家",
    "heating.low_temperature": "室内温度只有十四五度，达不到供暖标准",
    "heating.fee": "供暖费按建筑面积收取，对计费方式有疑问",
    "heating.old_network": "小区供热管网老化严重，每年都有跑冒滴漏",
    "gas.leak": "楼道里有很重的燃气味，怀疑管道泄漏",
    "gas.outage": "燃气停供，做饭取暖都受影响",
    "gas.installation": "新房燃气开户一个多月还没有安装",
    "gas.fee": "燃气费扣费异常，预存的钱很快就没了",
    "gas.safety_check": "入户安检人员身份无法核实，要求购买报警器",
    "power.outage": "整栋楼停电，电梯和照明都不能用",
    "power.line_hazard": "电线杆倾斜、线路下垂，离地面很近",
    "power.fee": "电费突然增加，怀疑电表有问题",
    "power.connection": "申请用电报装后迟迟没有人来施工",
    "property.facility_repair": "单元门禁和楼道灯坏了很久，物业一直不修",
    "property.elevator": "电梯经常停运，还出现过困人的情况",
    "property.service": "物业服务差，卫生没人打扫，垃圾堆在楼下",
    "property.fee": "物业费上涨没有公示，也没有征求业主意见",
    "property.maintenance_fund": "申请使用住宅专项维修资金，手续迟迟办不下来",
    "housing.certificate": "入住多年一直拿不到不动产权证书",
    "housing.registration": "办理不动产登记时材料反复被要求补充",
    "housing.delivery": "开发商延期交房，也没有给出交付时间",
    "housing.quality": "新房墙体开裂、卫生间渗水",
    "housing.expropriation": "征收补偿款迟迟没有到位",
    "cityscape.garbage": "垃圾桶满了好几天没人清运，气味很大",
    "cityscape.road_lighting": "路灯晚上不亮，行人出行很不安全",
    "cityscape.street_vendor": "商贩占道经营，人行道被占满",
    "cityscape.public_toilet": "公厕卫生很差，经常锁门",
    "cityscape.illegal_building": "有人在楼顶私搭乱建",
    "ecology.construction_noise": "工地夜间施工，噪音吵得人无法休息",
    "ecology.air_pollution": "附近工厂冒黑烟，空气刺鼻",
    "ecology.water_pollution": "河道里有污水直排，水面发黑发臭",
    "ecology.catering_fumes": "楼下饭馆油烟直排，窗户都不敢开",
    "food.poisoning": "在餐馆用餐后多人出现呕吐腹泻",
    "food.expired": "超市在售过期食品",
    "food.drug_quality": "药店买到的药品包装破损、疑似假药",
    "food.hygiene": "餐馆后厨卫生脏乱",
    "food.unlicensed": "有人无证经营熟食摊点",
    "traffic.signal_fault": "路口信号灯故障，车辆通行混乱",
    "traffic.illegal_parking": "车辆长期乱停乱放，堵住消防通道",
    "traffic.road_damage": "路面坑洼破损，雨天积水严重",
    "traffic.bus": "公交车班次太少，早高峰等车要半个多小时",
    "traffic.taxi": "出租车拒载、不打表",
    "park.tree_hazard": "路边大树倾斜，随时可能倒伏",
    "park.opening_hours": "公园开放时间调整没有提前公告",
    "park.greenery": "小区周边绿地无人养护，杂草丛生",
    "park.facilities": "公园健身器材损坏，存在安全隐患",
    "labour.wage_arrears": "务工人员被拖欠工资几个月",
    "labour.social_insurance": "单位没有按时缴纳社保",
    "labour.pension": "养老金领取手续办理不顺",
    "labour.medical_insurance": "异地就医报销迟迟没有结果",
    "labour.employment": "创业担保贷款申请进度不明",
    "public_service.school_enrollment": "孩子入学报名材料审核有疑问",
    "public_service.school_fees": "学校额外收取资料费",
    "public_service.off_campus_training": "校外培训机构退费难",
    "public_service.medical_service": "医院挂号难、候诊时间长",
    "public_service.vaccination": "社区疫苗接种预约不上",
    "public_service.cultural_venue": "文体场馆开放时间缩短",
    "community.noise": "楼上住户深夜噪音扰民",
    "community.neighbor_dispute": "邻居占用公共楼道堆放杂物，协商无果",
    "community.elderly_care": "社区养老服务站很少开放",
    "community.subsistence": "低保申请提交后一直没有回音",
    "community.dogs": "小区有人遛狗不牵绳，多次吓到孩子",
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
COMMUNITIES = (
    "和盛园小区",
    "丽阳天下小区",
    "海湖新区佳园",
    "青藏花园",
    "中庄家园",
    "夏都府邸",
    "新宁花园",
    "建国路家属院",
    "七一路小区",
    "民和巷小区",
    "昆仑阳光城",
    "万达公馆",
)
ROADS = (
    "五四大街",
    "昆仑中路",
    "胜利路",
    "七一路",
    "长江路",
    "八一路",
    "海湖路",
    "柴达木路",
    "南山路",
    "互助路",
)
DURATIONS = ("今天早上开始", "已经两三天了", "持续一周多", "这个月反复出现", "反映过多次都没有解决")
ASKS: dict[AppealType, str] = {
    AppealType.HELP: "请相关部门尽快处理。",
    AppealType.COMPLAINT: "对此非常不满，要求相关单位给个说法。",
    AppealType.REPORT: "现举报此事，请有关部门依法查处。",
    AppealType.SUGGESTION: "建议相关部门统筹解决，彻底消除隐患。",
    AppealType.CONSULTATION: "想咨询具体政策和办理流程。",
    AppealType.PRAISE: "感谢相关部门及时处理，特此表扬。",
}
TITLE_FORMS: dict[AppealType, str] = {
    AppealType.HELP: "{place}{what}",
    AppealType.COMPLAINT: "投诉{place}{what}",
    AppealType.REPORT: "举报{place}{what}",
    AppealType.SUGGESTION: "关于{what}的建议",
    AppealType.CONSULTATION: "咨询{what}相关事宜",
    AppealType.PRAISE: "表扬{what}处理及时",
}

REPLIES = (
    "接单后立即安排人员赶赴现场核实，问题已处理完毕，已电话告知市民处理结果，市民表示认可。",
    "经现场查看，情况属实。已组织维修，目前已恢复正常，并与市民沟通确认。",
    "已约谈责任单位并责令限期整改，整改已完成，后续将加强日常巡查。",
    "经调查核实，已按相关政策向市民作出解释说明，并协助其办理后续手续。",
)
RETURN_REASONS = (
    "经核实，该问题不属于本单位职责范围，建议转相关单位办理。",
    "诉求地址不在本单位辖区，请重新派单。",
    "该事项涉及产权单位内部管理，应由产权单位负责。",
)
RULING_JUSTIFIED = "退单理由成立，改派至职责单位办理。"
RULING_UNJUSTIFIED = "经核实该事项属于本单位职责，退单理由不成立，请继续办理。"
EXTENSION_REASONS = (
    "需协调多家单位联合处置，申请延期。",
    "维修所需材料正在采购，申请延长办理时限。",
    "涉及资金审批流程，申请延期办理。",
)
EXTENSION_APPROVED = "情况属实，同意延期。"
EXTENSION_REFUSED = "不同意延期，请按原时限办结。"
DEFERRAL_PLANS = (
    "该问题需纳入明年老旧小区改造计划统一解决，先行采取临时措施保障居民生活。",
    "涉及历史遗留问题，已成立工作专班，计划分阶段化解。",
)
DEFERRAL_APPROVED = "同意挂账，请按计划推进并定期报告进展。"
DEFERRAL_REFUSED = "不同意挂账，该问题具备解决条件，请按时限办结。"
SEND_BACK_REASONS = ("答复未说明处理结果，请补充。", "答复内容过于简单，未与市民联系确认，请重新办理。")
URGES = ("请于今日内答复处理进展。", "市民多次来电，请加快办理。", "请抓紧落实，按时办结。")
VISIT_COMMENTS = {
    "satisfied": ("处理很及时，非常满意。", "问题解决了，谢谢。"),
    "basically_satisfied": ("问题基本解决了，就是时间有点长。", "还行，希望以后注意。"),
    "dissatisfied": ("问题根本没有解决，只是打了个电话。", "还是老样子，不满意。"),
    "never_satisfied": ("反映多次了还是没解决，不满意。", "又来敷衍，问题依旧。"),
    "unreachable": ("无人接听。", "电话关机。", "号码暂时无法接通。"),
}
ANSWERS = (
    "已向市民详细解释相关政策及办理流程，市民表示清楚。",
    "已告知市民办理地点、所需材料和咨询电话。",
)


def citizen_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(("先生", "女士"))


def phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "151", "177", "187", "199")) + f"{rng.randrange(10**8):08d}"


def address(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return f"{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元"
    return f"{rng.choice(ROADS)}{rng.randint(1, 300)}号附近"


def appeal_text(
    rng: random.Random, *, category_code: str, category_name: str, appeal_type: AppealType, place: str
) -> tuple[str, str]:
    """A title and a content for this category, appeal type and place."""
    problem = PROBLEMS.get(category_code, category_name)
    title = TITLE_FORMS[appeal_type].format(place=place, what=category_name)
    content = f"市民反映：{place}{problem}，{rng.choice(DURATIONS)}。{ASKS[appeal_type]}"
    return title, content
