"""Demo data for ``make demo``: the 云栖度假村 resort, 300 guests, 90 days of history.

``populate`` runs once, from ``demo/cs_demo.xml``, when the
add-on is installed with demo data. It plans a believable quarter (stays,
dinners, spa afternoons, banquets, complaints, gifts, debts) and then lives it
through the business methods, in the order it happened: the clock is set to
each moment in turn (``freezegun``, which Odoo requires for its own tests), so
that callback deadlines, first-response times, authority limits, plan
schedules and greetings follow the rules of the add-on, not the generator.
Every date is relative to the day of the install, so the demo always looks
current. ``random`` is seeded with a constant: the same code makes the same
resort.

Nothing here goes through translation: guest names, dishes and what guests
said are data, in the language the demo staff work in.
"""

import heapq
import itertools
import logging
import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .models.cs_greeting import lunar_of

_logger = logging.getLogger(__name__)

SEED = 20261203
HISTORY_DAYS = 90
GUESTS = 300
# The resort is in Hangzhou: Asia/Shanghai, eight hours ahead of UTC all year.
UTC_OFFSET = timedelta(hours=8)
# Mail is never sent from demo data: tracking, followers and activity mails
# off, as tests do, and no rating request after each callback.
DEMO_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
    "mail_activity_quick_update": True,
    "mail_notify_force_send": False,
    "cs_no_rating_request": True,
}
# Retention plans (R2, R7, R16): members', key and strategic clients' ran
# from the start of the history and were renewed this many days ago; the
# other guests' first plans start tomorrow.
PREVIOUS_START = -HISTORY_DAYS
PLAN_START = -10
# What the callback queue may hold at the end: it must stay one page long.
MAX_OVERDUE_CALLBACKS = 9
# Posting an invoice costs what a hundred reported dinners cost: a few only.
MAX_EVENTS = 6
MAX_FOLIOS = 3

# ---------------------------------------------------------------------------
# Catalog: the resort's outlets, what they sell, its guests and what they say
# ---------------------------------------------------------------------------

# Department code: (sales journal name, journal code, product category, products).
OUTLETS = {
    "front_office": (
        "前厅",
        "FO",
        "客房住宿",
        [
            ("湖景大床房（晚）", 1280),
            ("山景双床房（晚）", 980),
            ("行政套房（晚）", 2380),
            ("湖畔独栋别墅（晚）", 5880),
            ("会议室（全天）", 6800),
        ],
    ),
    "fnb": (
        "湖畔中餐厅",
        "LAKE",
        "湖畔中餐厅",
        [
            ("宴会套餐（桌）", 6880),
            ("商务午餐（位）", 198),
            ("自助晚餐（位）", 328),
            ("茅台（瓶）", 1680),
            ("茶歇（位）", 88),
        ],
    ),
    "housekeeping": (
        "客房部",
        "HK",
        "客房服务",
        [
            ("洗衣服务（件）", 45),
            ("迷你吧", 180),
        ],
    ),
    "recreation": (
        "康体中心",
        "SPA",
        "康体项目",
        [
            ("温泉理疗", 468),
            ("精油SPA", 680),
            ("团队拓展（位）", 260),
            ("高尔夫练习场（小时）", 300),
        ],
    ),
}
# What the liaisons report by hand: (item, unit price, usual quantities).
ITEMS = {
    "front_office": [
        ("湖景大床房（晚）", 1280, (1,)),
        ("山景双床房（晚）", 980, (1,)),
        ("行政套房（晚）", 2380, (1,)),
        ("湖畔独栋别墅（晚）", 5880, (1,)),
    ],
    "front_office_extra": [
        ("加床", 280, (1,)),
        ("延迟退房", 300, (1,)),
        ("机场接送", 380, (1, 2)),
        ("停车（天）", 50, (1, 2)),
    ],
    "fnb": [
        ("西湖醋鱼", 168, (1,)),
        ("龙井虾仁", 198, (1,)),
        ("东坡肉", 128, (1, 2)),
        ("叫化童鸡", 238, (1,)),
        ("清蒸石斑", 388, (1,)),
        ("蟹粉豆腐", 98, (1,)),
        ("腌笃鲜", 138, (1,)),
        ("片儿川", 48, (1, 2, 3)),
        ("时令蔬菜", 58, (1, 2)),
        ("西湖龙井（壶）", 128, (1, 2)),
        ("绍兴黄酒（壶）", 88, (1, 2)),
        ("红酒（瓶）", 680, (1,)),
        ("时令水果拼盘", 88, (1,)),
    ],
    "fnb_set": [
        ("商务午餐（位）", 198, (2, 4, 6)),
        ("自助晚餐（位）", 328, (1, 2, 3, 4)),
        ("下午茶套餐", 268, (1, 2)),
        ("客房送餐", 158, (1, 2)),
    ],
    "housekeeping": [
        ("洗衣服务（件）", 45, (2, 3, 4, 6)),
        ("干洗西装", 120, (1, 2)),
        ("迷你吧", 60, (1, 2, 3)),
        ("加急熨烫", 60, (1, 2)),
        ("婴儿床", 0, (1,)),
    ],
    "recreation": [
        ("温泉理疗", 468, (1, 2)),
        ("精油SPA", 680, (1, 2)),
        ("网球场（小时）", 200, (1, 2)),
        ("室内恒温泳池", 120, (1, 2, 3)),
        ("健身私教课", 380, (1,)),
        ("高尔夫练习场（小时）", 300, (1, 2)),
        ("亲子手工课", 168, (1, 2)),
        ("环湖游船", 260, (2, 3, 4)),
    ],
}
# (surname, pinyin): the common surnames, and some of Zhejiang's own.
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"),
    ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"),
    ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"),
    ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("丁", "ding"),
    ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("钟", "zhong"), ("陆", "lu"),
    ("汪", "wang"), ("范", "fan"), ("金", "jin"), ("方", "fang"), ("邵", "shao"),
    ("钱", "qian"), ("严", "yan"), ("俞", "yu"), ("楼", "lou"), ("应", "ying"),
    ("章", "zhang"), ("裘", "qiu"), ("顾", "gu"), ("夏", "xia"), ("孔", "kong"),
]  # fmt: skip
GIVEN_MALE = [
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("杰", "jie"),
    ("涛", "tao"), ("斌", "bin"), ("超", "chao"), ("明", "ming"), ("辉", "hui"),
    ("鹏", "peng"), ("浩", "hao"), ("峰", "feng"), ("建华", "jianhua"), ("志强", "zhiqiang"),
    ("建国", "jianguo"), ("晓东", "xiaodong"), ("文博", "wenbo"), ("子轩", "zixuan"),
    ("浩然", "haoran"), ("嘉豪", "jiahao"), ("宇航", "yuhang"), ("国栋", "guodong"),
    ("海涛", "haitao"), ("振华", "zhenhua"), ("立新", "lixin"), ("天宇", "tianyu"),
    ("一鸣", "yiming"), ("思远", "siyuan"), ("明轩", "mingxuan"), ("俊杰", "junjie"),
    ("永康", "yongkang"), ("鸿飞", "hongfei"), ("博文", "bowen"), ("家乐", "jiale"),
]  # fmt: skip
GIVEN_FEMALE = [
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("艳", "yan"), ("娟", "juan"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("洁", "jie"), ("颖", "ying"), ("倩", "qian"), ("慧", "hui"), ("欣", "xin"),
    ("佳琪", "jiaqi"), ("雨涵", "yuhan"), ("诗涵", "shihan"), ("梦洁", "mengjie"),
    ("晓燕", "xiaoyan"), ("丽华", "lihua"), ("秀英", "xiuying"), ("美玲", "meiling"),
    ("婉清", "wanqing"), ("思琪", "siqi"), ("若曦", "ruoxi"), ("欣怡", "xinyi"),
    ("雅婷", "yating"), ("海燕", "haiyan"), ("春梅", "chunmei"), ("玉兰", "yulan"),
    ("静怡", "jingyi"), ("晓雯", "xiaowen"), ("梓萱", "zixuan"), ("语嫣", "yuyan"),
]  # fmt: skip
# Guests from abroad: (name, country xml id, time zone).
FOREIGN_GUESTS = [
    ("David Miller", "base.us", "America/New_York"),
    ("Sophie Laurent", "base.fr", "Europe/Paris"),
    ("Kenji Watanabe", "base.jp", "Asia/Tokyo"),
    ("Anna Schmidt", "base.de", "Europe/Berlin"),
    ("James Wilson", "base.uk", "Europe/London"),
    ("Emma Johansson", "base.se", "Europe/Stockholm"),
    ("Lucas Moreau", "base.fr", "Europe/Paris"),
    ("Olivia Brown", "base.au", "Australia/Sydney"),
    ("Min-jun Kim", "base.kr", "Asia/Seoul"),
    ("Marco Rossi", "base.it", "Europe/Rome"),
    ("Sarah Cohen", "base.us", "America/Los_Angeles"),
    ("Jonas Weber", "base.de", "Europe/Berlin"),
]
# (name, mail domain slug, industry, city, area code).
CORPORATES = [
    ("杭州西溪数智科技有限公司", "xixi-tech", "信息技术", "杭州", "571"),
    ("浙江钱塘建设集团有限公司", "qiantang-build", "建筑", "杭州", "571"),
    ("上海浦江资产管理有限公司", "pujiang-am", "金融", "上海", "21"),
    ("宁波港城国际物流有限公司", "gangcheng-logistics", "物流", "宁波", "574"),
    ("绍兴鉴湖酒业有限公司", "jianhu-wine", "酒类", "绍兴", "575"),
    ("苏州吴门精密电子有限公司", "wumen-pe", "电子制造", "苏州", "512"),
    ("南京金陵医药科技股份有限公司", "jinling-pharma", "医药", "南京", "25"),
    ("杭州云帆文化传媒有限公司", "yunfan-media", "文化传媒", "杭州", "571"),
    ("浙江青山律师事务所", "qingshan-law", "法律服务", "杭州", "571"),
    ("温州瓯江鞋业有限公司", "oujiang-shoes", "鞋服制造", "温州", "577"),
    ("湖州太湖丝绸集团", "taihu-silk", "纺织", "湖州", "572"),
    ("杭州良渚教育科技有限公司", "liangzhu-edu", "教育", "杭州", "571"),
    ("北京长河投资控股有限公司", "changhe-inv", "投资", "北京", "10"),
    ("深圳前湾新能源科技有限公司", "qianwan-energy", "新能源", "深圳", "755"),
    ("嘉兴南湖智能装备有限公司", "nanhu-ie", "装备制造", "嘉兴", "573"),
    ("金华婺城食品股份有限公司", "wucheng-food", "食品", "金华", "579"),
    ("杭州之江生物技术有限公司", "zhijiang-bio", "生物技术", "杭州", "571"),
    ("上海申城会展服务有限公司", "shencheng-expo", "会展", "上海", "21"),
    ("台州东海汽车零部件有限公司", "donghai-auto", "汽车零部件", "台州", "576"),
    ("浙江天目山茶业有限公司", "tianmu-tea", "茶业", "杭州", "571"),
    ("杭州运河旅游发展有限公司", "yunhe-travel", "旅游", "杭州", "571"),
    ("舟山海洋渔业集团", "zhoushan-fishery", "渔业", "舟山", "580"),
    ("义乌商贸城供应链有限公司", "yiwu-scm", "贸易", "义乌", "579"),
    ("广州珠江航运有限公司", "zhujiang-ship", "航运", "广州", "20"),
    ("成都锦官城餐饮管理有限公司", "jinguan-catering", "餐饮", "成都", "28"),
    ("杭州富春江建材有限公司", "fuchun-bm", "建材", "杭州", "571"),
    ("浙江禾丰农业科技有限公司", "hefeng-agri", "农业", "杭州", "571"),
    ("武汉江城光电科技有限公司", "jiangcheng-opto", "光电", "武汉", "27"),
    ("杭州钱江会计师事务所", "qianjiang-cpa", "会计服务", "杭州", "571"),
    ("上海外滩国际贸易有限公司", "waitan-trade", "贸易", "上海", "21"),
    ("杭州梅坞茶文化研究会", "meiwu-tea", "社会团体", "杭州", "571"),
    ("宁波天一健康管理有限公司", "tianyi-health", "健康管理", "宁波", "574"),
]
CITIES = [
    ("杭州", 34), ("上海", 18), ("北京", 7), ("南京", 6), ("苏州", 6), ("宁波", 6),
    ("绍兴", 4), ("深圳", 4), ("广州", 3), ("成都", 3), ("武汉", 3), ("温州", 3),
    ("嘉兴", 2), ("合肥", 1),
]  # fmt: skip
JOB_TITLES = [
    "总经理", "副总经理", "行政总监", "市场总监", "财务总监", "采购经理", "项目经理",
    "销售经理", "人力资源经理", "董事长", "技术总监", "部门主管", "律师", "医生",
    "大学教授", "设计师", "自由职业", "退休",
]  # fmt: skip
KEY_PERSON_POSITIONS = [
    ("董事长", "decision_maker"),
    ("总经理", "decision_maker"),
    ("行政总监", "influencer"),
    ("采购经理", "gatekeeper"),
    ("董事长秘书", "gatekeeper"),
    ("工会主席", "user"),
    ("市场部经理", "user"),
]
TAGS = ["商务", "亲子", "蜜月", "高尔夫", "温泉爱好者", "素食", "过敏体质", "宴会客户", "长住客"]
PREFERENCES = {
    "front_office": [
        ("room", "偏好湖景房，高楼层、远离电梯"),
        ("service", "入住时需要中文报纸"),
        ("service", "常需延迟退房至下午两点"),
        ("service", "到店前一小时电话确认接站"),
        ("room", "只住无烟楼层"),
        ("service", "发票抬头开公司全称"),
        ("service", "携带小型犬入住，需安排宠物友好房"),
    ],
    "fnb": [
        ("food", "对海鲜过敏"),
        ("food", "不吃辣，口味清淡"),
        ("food", "素食，不用荤油"),
        ("beverage", "只喝温水，不加冰"),
        ("beverage", "喜欢明前龙井"),
        ("food", "忌口香菜"),
        ("food", "糖尿病，甜品少糖"),
        ("service", "用餐偏爱靠窗座位"),
        ("beverage", "红酒偏好波尔多产区"),
    ],
    "housekeeping": [
        ("room", "荞麦枕，被子要薄"),
        ("room", "房间温度保持 24℃"),
        ("room", "不用香薰"),
        ("room", "需要加婴儿床"),
        ("service", "毛巾每日更换"),
        ("room", "浴室需要防滑垫"),
    ],
    "recreation": [
        ("recreation", "每天早上七点游泳"),
        ("recreation", "常约下午四点打网球"),
        ("recreation", "温泉理疗偏好女技师"),
        ("recreation", "周末带孩子参加亲子活动"),
        ("recreation", "傍晚环湖夜跑"),
        ("recreation", "高尔夫练习场，习惯用左手球杆"),
    ],
}
FEEDBACK = {
    "satisfied": [
        "房间很干净，湖景很美，下次还来。",
        "服务很周到，孩子玩得很开心。",
        "菜很地道，西湖醋鱼做得好。",
        "温泉很舒服，技师手法专业。",
        "入住办理很快，前台很热情。",
        "一切都好，谢谢关心。",
        "早餐品种丰富，很满意。",
        "会议安排得很顺利，同事们都很满意。",
        "生日布置得很用心，太感谢了。",
    ],
    "average": [
        "总体还行，就是晚上有点吵。",
        "菜不错，但上菜有点慢。",
        "房间设施有点旧了。",
        "泳池人太多，体验一般。",
        "退房排队时间较长。",
        "价格偏高，服务还可以。",
    ],
    "dissatisfied": [
        "空调噪音很大，一夜没睡好。",
        "预订的湖景房被换成了山景房，很失望。",
        "餐厅服务员态度冷淡，点的菜还上错了。",
        "SPA 预约时间被推迟了四十分钟。",
        "房间有异味，打扫不彻底。",
        "账单里多收了迷你吧的费用。",
    ],
}
FEEDBACK_EN = {
    "satisfied": [
        "Lovely stay, the lake view was stunning.",
        "Great service, we will be back next spring.",
        "The spa was wonderful, thank you.",
    ],
    "average": ["Nice place, but the room felt a bit dated.", "Good food, slow service."],
    "dissatisfied": ["The air conditioning was noisy all night."],
}
REGULAR_FEEDBACK = [
    "问候近况，客人下月计划带家人再来。",
    "介绍冬季温泉套餐，客人有兴趣。",
    "客人近期出差，约下周再联系。",
    "告知会员积分余额及兑换方式。",
    "客人对上次入住很满意，询问周末房价。",
    "确认客人生日宴的预订需求。",
    "客人推荐了两位朋友来度假村。",
    "电话未接通，已发微信问候。",
]
# Complaints by category: (description, department, cause, solutions, severity).
COMPLAINTS = {
    "cs_complaint_category_room": [
        ("客房空调夜里噪音很大，无法入睡。", "housekeeping", "空调外机减震垫老化，巡检漏报。"),
        ("卫生间淋浴水温忽冷忽热。", "housekeeping", "热水循环泵故障，工程部未及时更换。"),
        (
            "房间电视无法投屏，影响孩子看动画片。",
            "front_office",
            "客房设备清单未更新，前台告知有误。",
        ),
        ("入住时发现床单有污渍。", "housekeeping", "布草查房环节被跳过。"),
    ],
    "cs_complaint_category_food": [
        ("婚宴冷菜上桌时已不新鲜。", "fnb", "备餐时间过早，冷菜在常温下放置过久。"),
        ("点的清蒸石斑上错成了红烧。", "fnb", "点菜单手写潦草，厨房看错。"),
        ("自助早餐热菜不热，鸡蛋是凉的。", "fnb", "保温灯损坏，早班未报修。"),
        ("包厢上菜间隔太长，等了半个多小时。", "fnb", "当晚宴会与散客叠加，传菜人手不足。"),
    ],
    "cs_complaint_category_service": [
        (
            "前台办理入住等候超过半小时，服务员态度冷淡。",
            "front_office",
            "高峰期只开一个窗口，排班不当。",
        ),
        ("礼宾未按约定时间接站。", "front_office", "接站信息未交接到夜班。"),
        ("SPA 技师迟到二十分钟且未致歉。", "recreation", "技师排班冲突，未提前告知客人。"),
        ("客房送餐电话无人接听。", "fnb", "送餐部夜间只留一人，交接期间无人值守。"),
    ],
    "cs_complaint_category_billing": [
        ("退房时账单多收了一晚的房费。", "front_office", "提前退房未在系统中更新。"),
        ("迷你吧未使用却被收费。", "housekeeping", "查房员误录。"),
        ("会员折扣没有在账单中体现。", "front_office", "收银未识别会员卡。"),
    ],
    "cs_complaint_category_noise": [
        ("隔壁房间深夜喧哗，多次投诉无人处理。", "front_office", "夜班值班经理未及时上楼处理。"),
        ("清晨六点楼下施工声音很大。", "housekeeping", "工程施工未提前通知住客。"),
    ],
    "cs_complaint_category_safety": [
        ("泳池更衣室地面湿滑，孩子险些摔倒。", "recreation", "防滑垫被移走后未复位。"),
        ("网球场照明灯坏了一半，晚上打球很危险。", "recreation", "照明维修单积压。"),
    ],
    "cs_complaint_category_other": [
        ("停车场指示不清，绕了三圈才找到车位。", "front_office", "新停车区未设置指示牌。"),
    ],
}
SOLUTIONS = {
    "housekeeping": [
        ("更换房间并赠送果盘", 168),
        ("减免一晚房费", 1280),
        ("赠送下次入住升级券", 0),
    ],
    "fnb": [
        ("赠送招牌菜一道并致歉", 198),
        ("餐费打九折", 300),
        ("赠送下午茶套餐", 268),
    ],
    "front_office": [
        ("退还多收费用并书面致歉", 0),
        ("赠送延迟退房", 0),
        ("赠送欢迎果盘并由值班经理致歉", 168),
    ],
    "recreation": [
        ("赠送一次温泉理疗", 468),
        ("当场整改并赠送积分", 0),
        ("书面致歉并赠送亲子课", 168),
    ],
}
GUEST_RESPONSES = [
    "客人接受处理方案，表示满意。",
    "客人说问题解决得很快，谢谢。",
    "客人接受道歉，希望下次注意。",
    "客人签字确认，表示理解。",
]
FOLLOW_UP_FEEDBACK = [
    "客人表示已经满意，下次还会再来。",
    "客人说处理得很及时。",
    "客人仍有些不快，但接受了处理结果。",
]
INVALID_NOTES = [
    "客人要求免收的是已告知的节假日附加费，符合公示价格。",
    "经查监控，物品并非在度假村内遗失。",
    "投诉的项目为第三方旅行社提供，已转交旅行社。",
    "客人反映的停车收费与公示标准一致。",
]
SUPERVISION_ROUNDS = [
    ("fnb", "dinner", "湖畔中餐厅", "上座率九成，传菜间隔偏长；包厢服务规范。"),
    ("fnb", "breakfast", "自助早餐厅", "热菜补给及时，咖啡机排队较长。"),
    ("front_office", "check_in", "大堂前台", "周五傍晚入住高峰，开三个窗口，平均等候八分钟。"),
    ("front_office", "check_out", "大堂前台", "周日上午退房集中，增开快速退房通道。"),
    ("recreation", "other", "温泉区", "周末客流大，更衣室地面需要加强巡查。"),
    ("fnb", "event", "云栖宴会厅", "婚宴两百人，冷菜出品稳定，酒水补给及时。"),
    ("recreation", "other", "室内泳池", "救生员两名在岗，儿童区需要增加提示牌。"),
    ("housekeeping", "other", "客房楼层", "午后集中清扫，布草车停放占用通道。"),
]
CALL_NOTES = {"no_answer": "电话无人接听，稍后再打。", "refused": "客人表示不需要回访。"}
SUPERVISION_COMPLAINT = "等了四十分钟还没上热菜，要求见经理。"
OPINIONS = [
    ("praise", "北京烤鸭很地道。", False, ""),
    ("request", "需要一张儿童椅。", True, "当场送到。"),
    ("suggestion", "希望增加无糖饮品。", False, ""),
    ("request", "希望更换一间安静的包厢。", True, "调换到临湖包厢。"),
    ("praise", "服务员推荐的龙井很香。", False, ""),
    ("suggestion", "更衣室吹风机不够用。", True, "已增配两台。"),
    ("request", "需要打包盒。", True, "当场提供。"),
]


def populate(company):
    """Make ``company`` the demo resort: its guests and 90 days of history.

    Demo data only (``demo/cs_demo.xml``, through
    ``res.company._cs_demo_populate``). It does nothing for a company that
    already has the demo's guests.
    """
    company.ensure_one()
    archives = company.env["cs.guest.archive"].sudo().with_context(active_test=False)
    if archives.search_count([("company_id", "=", company.id)]) >= GUESTS:
        return
    started = datetime.now()
    # Odoo loads an add-on's translations after its demo data: load them now,
    # or the activities, messages and summaries written here stay in English.
    langs = [code for code, _name in company.env["res.lang"].get_installed() if code != "en_US"]
    if langs:
        company.env["ir.module.module"]._load_module_terms(["customer_service"], langs)
    resort = _DemoResort(
        company.sudo().with_context(
            **DEMO_CONTEXT, tz="Asia/Shanghai", allowed_company_ids=company.ids
        )
    )
    resort.run()
    _logger.info(
        "Demo resort %s generated in %.1f s: %s",
        company.name,
        (datetime.now() - started).total_seconds(),
        resort.summary(),
    )


class _Clock:
    """Sets the time that Odoo reads (``fields.Datetime.now``, ``context_today``).

    freezegun is one of Odoo's own requirements (its tests use it). Started
    once and then moved from moment to moment, it scans the modules once.
    """

    def __enter__(self):
        # Imported here: only a demo install needs it.
        from freezegun import freeze_time

        self._freezer = freeze_time(datetime.now())
        self._frozen = self._freezer.start()
        return self

    def move_to(self, when):
        self._frozen.move_to(when)

    def __exit__(self, *exc):
        self._freezer.stop()


class _Visit:
    """A planned stay: its consumption rows, its invoice, how its callback goes."""

    __slots__ = ("archive", "callback", "consumptions", "invoice", "kind", "rows", "start")

    def __init__(self, archive, kind, start):
        self.archive = archive
        self.kind = kind
        self.start = start  # local day offset
        self.rows = []  # (utc moment, department code, [(item, quantity, price)])
        self.invoice = None  # (utc moment, department code, [(product name, quantity)], terms)
        self.callback = {}  # see _DemoResort._plan_callback
        self.consumptions = []  # the cs.consumption records, once reported

    def moments(self):
        return [row[0] for row in self.rows] + ([self.invoice[0]] if self.invoice else [])

    def department(self):
        return self.rows[0][1] if self.rows else "front_office"


class _DemoResort:
    """Plans the quarter, then lives it through the business methods, in order."""

    def __init__(self, company):
        self.company = company
        self.env = company.env
        self.rng = random.Random(SEED)
        # The real moment, read before the clock is set.
        self.now = fields.Datetime.now()
        self.current = self.now - timedelta(days=HISTORY_DAYS + 5)
        self.today = (self.now + UTC_OFFSET).date()
        self.clock = None
        self._events = []
        self._seq = itertools.count()
        self._refs = itertools.count(1)
        self._mails_before = self._last_id("mail.mail")
        ref = self.env.ref
        self.staff = ref("customer_service.user_cs_staff")
        self.staff2 = ref("customer_service.user_cs_staff2")
        self.manager = ref("customer_service.user_cs_manager")
        self.leader = ref("customer_service.user_cs_leader")
        self.finance = ref("customer_service.user_cs_finance")
        self.departments = {
            code: ref(f"customer_service.cs_service_department_{code}")
            for code in ("front_office", "fnb", "housekeeping", "recreation")
        }
        self.liaisons = {
            "front_office": ref("customer_service.user_cs_liaison_fo"),
            "fnb": ref("customer_service.user_cs_liaison_fnb"),
            "housekeeping": ref("customer_service.user_cs_liaison_hk"),
            "recreation": ref("customer_service.user_cs_liaison_rec"),
        }
        self._envs = {}
        self.visits = []
        self.visits_by_day = defaultdict(list)
        self.callbacks_by_day = defaultdict(list)
        self.complaint_logs = []  # dissatisfied callbacks that become complaints
        self.payments = {}  # invoice id: (planned moment or None, amount)
        self.newcomers = self.env["cs.guest.archive"]
        self.supervised_complaint = False
        self.counts = Counter()

    # ------------------------------------------------------------------
    # Time and users
    # ------------------------------------------------------------------

    def at(self, day, hour, minute=0):
        """The UTC moment of ``hour:minute`` in Hangzhou, ``day`` days from today."""
        local = datetime.combine(self.today + timedelta(days=day), time(0, 0))
        return local + timedelta(hours=hour, minutes=minute) - UTC_OFFSET

    def day_of(self, when):
        """The local day offset (0 is today) of a UTC moment."""
        return (self.local_date(when) - self.today).days

    def local_date(self, when):
        return (when + UTC_OFFSET).date()

    def as_user(self, user):
        """The environment of ``user``, in their language and time zone."""
        if user.id not in self._envs:
            context = dict(self.env.context, lang=user.lang or "en_US", tz=user.tz or "UTC")
            self._envs[user.id] = self.env(user=user.id, su=False, context=context)
        return self._envs[user.id]

    def schedule(self, when, action, order=1):
        """Do ``action`` at ``when`` (never before the moment being lived).

        What would happen after the real now does not happen: returns False.
        """
        when = max(when, self.current)
        if when >= self.now:
            return False
        heapq.heappush(self._events, (when, order, next(self._seq), action))
        return True

    def office_time(self, when, archive=None):
        """The first office-hours moment from ``when`` outside the guest's rest hours."""
        slots = [(9, 40), (10, 20), (11, 5), (15, 10), (16, 0), (16, 45), (19, 30)]
        local = when + UTC_OFFSET
        for offset in range(5):
            day = local.date() + timedelta(days=offset)
            for hour, minute in slots:
                moment = datetime.combine(day, time(hour, minute)) + timedelta(
                    minutes=self.rng.randint(0, 25)
                )
                if moment >= local and not (archive and _resting(archive, moment)):
                    return moment - UTC_OFFSET
        return when

    # ------------------------------------------------------------------
    # The whole run
    # ------------------------------------------------------------------

    def run(self):
        self._setup_outlets()
        archives = self._create_guests()
        self._plan_stays(archives)
        self._plan_days()
        self._plan_complaints()
        self._plan_compensations()
        self._plan_retention()
        self._plan_supervision()
        self._plan_reviews_and_changes(archives)
        with _Clock() as clock:
            self.clock = clock
            while self._events:
                when, _order, _seq, action = heapq.heappop(self._events)
                self.current = when
                clock.move_to(when)
                action()
        self._finish()

    def _last_id(self, model):
        return (
            self.env[model].with_context(active_test=False).search([], order="id desc", limit=1).id
            or 0
        )

    def summary(self):
        return ", ".join(f"{key}: {value}" for key, value in sorted(self.counts.items()))

    # ------------------------------------------------------------------
    # The resort: its outlets, what they sell, where they invoice
    # ------------------------------------------------------------------

    def _setup_outlets(self):
        env = self.env
        Journal = env["account.journal"]
        company_domain = Journal._check_company_domain(self.company)
        journals = Journal.create(
            [
                {
                    "name": name,
                    "code": code,
                    "type": "sale",
                    "company_id": self.company.id,
                    # After the default sales journal: other invoices stay there.
                    "sequence": 30 + index,
                    "default_account_id": self.company.income_account_id.id,
                }
                for index, (name, code, _categ, _products) in enumerate(OUTLETS.values())
            ]
        )
        categories = env["product.category"].create(
            [{"name": categ} for (_name, _code, categ, _products) in OUTLETS.values()]
        )
        product_vals = []
        self.journals = {}
        for code, journal, categ in zip(OUTLETS, journals, categories, strict=True):
            self.journals[code] = journal
            product_vals += [
                {
                    "name": name,
                    "type": "service",
                    "categ_id": categ.id,
                    "list_price": price,
                    "taxes_id": [Command.clear()],
                }
                for name, price in OUTLETS[code][3]
            ]
            # The outlet reports to its department (R6): by what it sells,
            # and by the journal it invoices in.
            self.departments[code].write(
                {
                    "product_categ_ids": [Command.link(categ.id)],
                    "journal_ids": [Command.link(journal.id)],
                }
            )
        self.products = {p.name: p for p in env["product.product"].create(product_vals)}
        # Charges that are not consumption: invoiced outside the outlets.
        for name, price in (("预订取消违约金", 1500), ("客房物品损坏赔偿", 300)):
            self.products[name] = env["product.product"].create(
                {
                    "name": name,
                    "type": "service",
                    "list_price": price,
                    "taxes_id": [Command.clear()],
                }
            )
        self.default_journal = Journal.search(
            [*company_domain, ("type", "=", "sale"), ("id", "not in", journals.ids)],
            order="sequence, id",
            limit=1,
        )
        self.bank = Journal.search([*company_domain, ("type", "=", "bank")], limit=1)

    # ------------------------------------------------------------------
    # Guests: partners, archives and what the departments know of them
    # ------------------------------------------------------------------

    def _create_guests(self):
        env, rng = self.env, self.rng
        Archive = env["cs.guest.archive"]
        existing = Archive.search([("company_id", "=", self.company.id)], order="id")
        taken = set(existing.mapped("name"))
        cn = env.ref("base.cn")
        missing = GUESTS - len(existing)
        firms = []
        for name, slug, industry, city, area in [c for c in CORPORATES if c[0] not in taken]:
            firms.append(
                {
                    "partner": {
                        "name": name,
                        "is_company": True,
                        "city": city,
                        "country_id": cn.id,
                        "phone": f"+86 {area} {rng.randint(5, 8)}{rng.randint(100, 999)} "
                        f"{rng.randint(1000, 9999)}",
                        "email": f"office@{slug}.example.com",
                        "website": f"https://www.{slug}.example.com",
                        "lang": "zh_CN",
                        "tz": "Asia/Shanghai",
                    },
                    "industry": industry,
                }
            )
        people = []
        for name, country, tz in FOREIGN_GUESTS:
            first, last = name.lower().split(" ", 1)
            people.append(
                {
                    "partner": {
                        "name": name,
                        "country_id": env.ref(country).id,
                        "phone": f"+{rng.randint(30, 82)} {rng.randint(200, 999)} "
                        f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                        "email": f"{first}.{last.replace(' ', '')}@example.net",
                        "lang": "en_US",
                        "tz": tz,
                    },
                    "foreign": True,
                }
            )
        cities, weights = zip(*CITIES, strict=True)
        emails = set()
        while len(firms) + len(people) < missing:
            surname, surname_py = rng.choice(SURNAMES)
            given, given_py = rng.choice(rng.choice([GIVEN_MALE, GIVEN_FEMALE]))
            name = surname + given
            if name in taken:
                continue
            taken.add(name)
            year = rng.randint(1956, 2001)
            email = rng.choice(
                [
                    f"{given_py}.{surname_py}@example.com",
                    f"{surname_py}{given_py}{year % 100:02d}@example.com",
                    f"{surname_py}.{given_py}{rng.randint(1, 99)}@example.org",
                ]
            )
            if email in emails:
                email = email.replace("@", f"{rng.randint(100, 999)}@")
            emails.add(email)
            people.append(
                {
                    "partner": {
                        "name": name,
                        "city": rng.choices(cities, weights)[0],
                        "country_id": cn.id,
                        "phone": f"+86 1{rng.choice('35789')}{rng.randint(0, 9)} "
                        f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                        "email": email,
                        "lang": "zh_CN",
                        "tz": "Asia/Shanghai",
                    },
                    "year": year,
                }
            )
        guests = (firms + people)[:missing]
        partners = env["res.partner"].create([guest["partner"] for guest in guests])
        employers = existing.filtered(lambda a: a.guest_type == "corporate").partner_id | (
            partners.filtered("is_company")
        )
        archives = Archive.create(
            [
                self._archive_vals(guest, partner, employers)
                for guest, partner in zip(guests, partners, strict=True)
            ]
        )
        self.counts["guest archives"] = len(existing) + len(archives)
        archives = existing | archives
        self._add_archive_content(archives)
        return archives

    def _archive_vals(self, guest, partner, employers):
        rng = self.rng
        roll = rng.random()
        if partner.is_company:
            customer_class = "strategic" if roll < 0.2 else "key" if roll < 0.6 else "normal"
        else:
            customer_class = "strategic" if roll < 0.03 else "key" if roll < 0.2 else "normal"
        # R12: the level follows the importance of the business.
        roll = rng.random()
        if customer_class == "strategic":
            level = "top_secret" if roll < 0.3 else "confidential"
        elif customer_class == "key":
            level = "confidential" if roll < 0.55 else "secret"
        else:
            level = "confidential" if roll < 0.04 else "secret"
        vip = rng.choices(["none", "silver", "gold", "platinum", "diamond"], [76, 12, 7, 3, 2])[0]
        if customer_class == "strategic" and vip == "none":
            vip = rng.choice(["gold", "platinum", "diamond"])
        review = rng.randint(-8, 90) if rng.random() < 0.92 else rng.randint(-25, -9)
        vals = {
            "partner_id": partner.id,
            "company_id": self.company.id,
            "guest_type": "corporate" if partner.is_company else "individual",
            "customer_class": customer_class,
            "confidentiality_level": level,
            "credit_class": rng.choices("abcd", [25, 50, 20, 5])[0],
            "vip_level": vip,
            "owner_id": rng.choice([self.staff, self.staff2]).id,
            "is_permanent": customer_class == "strategic" and rng.random() < 0.6,
            "next_review_date": self.today + timedelta(days=review),
            "preferred_channel": "email"
            if guest.get("foreign")
            else rng.choices(["phone", "wechat", "sms", "email"], [60, 32, 4, 4])[0],
            "lang": partner.lang,
        }
        if partner.is_company:
            vals.update(
                {
                    "industry": guest["industry"],
                    "company_scale": rng.choice(["small", "medium", "medium", "large"]),
                    "cooperation_since": self.today - timedelta(days=rng.randint(200, 3650)),
                    "business_status": "active",
                    "credit_note": rng.choice(["月结 30 天", "预付押金", "月结 30 天，额度 20 万"]),
                }
            )
            return vals
        if rng.random() < 0.93:
            year = guest.get("year") or rng.randint(1960, 1998)
            birthday = date(year, rng.randint(1, 12), rng.randint(1, 28))
            vals["birthday"] = birthday
            lunar = not guest.get("foreign") and rng.random() < 0.22 and lunar_of(birthday)
            if lunar:
                # R16: celebrated by the lunar calendar, the day they were born on.
                vals["is_lunar_birthday"] = True
                vals["lunar_birthday"] = f"{lunar[0]:02d}-{lunar[1]:02d}"
        if rng.random() < 0.4:
            vals["employer_id"] = rng.choice(employers).id
        vals["job_title"] = rng.choice(JOB_TITLES)
        if not guest.get("foreign") and rng.random() < 0.4:
            vals["dnd_start"], vals["dnd_end"] = rng.choice(
                [(13.0, 14.5), (12.0, 14.0), (22.0, 8.0), (21.5, 9.0)]
            )
        return vals

    def _add_archive_content(self, archives):
        """Preferences the departments reported (R1), special dates, key people, tags."""
        env, rng = self.env, self.rng
        tags = env["cs.archive.tag"].create([{"name": name} for name in TAGS])
        by_tags = defaultdict(list)
        noted = set(env["cs.guest.preference"].search([]).partner_id.ids)
        dated = set(env["cs.archive.special.date"].search([]).archive_id.ids)
        preferences, dates, people = [], [], []
        for archive in archives:
            if rng.random() < 0.45:
                by_tags[tuple(sorted(rng.sample(tags.ids, rng.randint(1, 2))))].append(archive.id)
            if archive.partner_id.id not in noted and rng.random() < 0.7:
                for code in rng.sample(list(PREFERENCES), rng.randint(1, 3)):
                    category, text = rng.choice(PREFERENCES[code])
                    preferences.append(
                        {
                            "partner_id": archive.partner_id.id,
                            "company_id": self.company.id,
                            "department_id": self.departments[code].id,
                            "category": category,
                            "name": text,
                            "reported_by_id": self.liaisons[code].id,
                            "reported_date": self.at(-rng.randint(1, 400), 15),
                        }
                    )
            if archive.guest_type == "corporate":
                if archive.id not in dated:
                    dates.append(
                        {
                            "archive_id": archive.id,
                            "name": "公司成立纪念日",
                            "date": date(
                                rng.randint(1995, 2018), rng.randint(1, 12), rng.randint(1, 28)
                            ),
                        }
                    )
                domain = (archive.partner_id.email or "office@example.com").split("@")[1]
                for position, role in rng.sample(KEY_PERSON_POSITIONS, rng.randint(1, 3)):
                    surname, surname_py = rng.choice(SURNAMES)
                    given, given_py = rng.choice(GIVEN_MALE + GIVEN_FEMALE)
                    people.append(
                        {
                            "archive_id": archive.id,
                            "name": surname + given,
                            "position": position,
                            "decision_role": role,
                            "phone": f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} "
                            f"{rng.randint(1000, 9999)}",
                            "email": f"{given_py}.{surname_py}@{domain}",
                        }
                    )
            elif archive.id not in dated and rng.random() < 0.25:
                name, lunar = rng.choice(
                    [("结婚纪念日", False), ("孩子生日", False), ("母亲生日", True)]
                )
                dates.append(
                    {
                        "archive_id": archive.id,
                        "name": name,
                        "date": date(
                            rng.randint(1990, 2020), rng.randint(1, 12), rng.randint(1, 28)
                        ),
                        "is_lunar": lunar,
                    }
                )
        for tag_ids, archive_ids in by_tags.items():
            env["cs.guest.archive"].browse(archive_ids).tag_ids = [Command.set(tag_ids)]
        env["cs.guest.preference"].create(preferences)
        env["cs.archive.special.date"].create(dates)
        env["cs.archive.key.person"].create(people)
        self.counts["preferences"] = len(preferences)

    # ------------------------------------------------------------------
    # Stays: what each guest consumed, when, and how CS called them back
    # ------------------------------------------------------------------

    def _plan_stays(self, archives):
        rng = self.rng
        # The newest guests came for the first time lately; their plan waits
        # for its approval.
        self.newcomers = archives.filtered(
            lambda a: a.customer_class == "normal" and a.confidentiality_level == "secret"
        )[-14:]
        # A guest of the demo's XML keeps that story: nothing is added after
        # it, and nothing at all to a guest whose callback is pending.
        pending = set(
            self.env["cs.visit"].search([("callback_state", "=", "pending")]).partner_id.ids
        )
        first_seen = {
            partner.id: self.day_of(first)
            for partner, first in self.env["cs.consumption"]._read_group(
                [], ["partner_id"], ["consumption_date:min"]
            )
        }
        for archive in archives:
            if archive.partner_id.id in pending:
                continue
            last_day = min(first_seen.get(archive.partner_id.id, 8) - 8, 0)
            count = self._visit_count(archive)
            earliest = -20 if archive in self.newcomers else -HISTORY_DAYS + 1
            # Spread over the quarter; a stay starts after the last one's callback.
            for day in sorted(rng.sample(range(earliest, 1), count)):
                day = max(day, earliest)
                if day > last_day:
                    break
                visit = self._plan_visit(archive, day)
                self.visits.append(visit)
                earliest = self._plan_callback(visit) + rng.randint(4, 12)
        self._cap_overdue_callbacks()
        self.members_by_weekday = defaultdict(list)
        for archive in archives - self.newcomers:
            if archive.customer_class == "normal" and archive.vip_level != "none":
                self.members_by_weekday[rng.randint(0, 6)].append(archive)
        for visit in self.visits:
            for day in sorted({self.day_of(when) for when, _code, _items in visit.rows}):
                self.visits_by_day[day].append(visit)

    def _visit_count(self, archive):
        """How many times the guest came this quarter: the better the client, the more."""
        weights = {
            ("corporate", "strategic"): [0, 30, 50, 20],
            ("corporate", "key"): [10, 60, 30, 0],
            ("corporate", "normal"): [55, 45, 0, 0],
            ("individual", "strategic"): [0, 35, 45, 20],
            ("individual", "key"): [10, 60, 30, 0],
        }.get((archive.guest_type, archive.customer_class))
        if not weights:
            members = archive.vip_level != "none"
            weights = [20, 60, 20, 0] if members else [68, 28, 4, 0]
        return self.rng.choices(range(4), weights)[0]

    def _plan_visit(self, archive, day):
        """A stay, a dinner, a spa afternoon, a banquet or a company event from ``day``."""
        rng = self.rng
        if archive.guest_type == "corporate":
            events = self.counts["planned company events"]
            kind = "event" if rng.random() < 0.3 and events < MAX_EVENTS else "banquet"
            self.counts["planned company events"] += kind == "event"
        else:
            kind = rng.choices(["stay", "dining", "spa"], [64, 26, 10])[0]
        visit = _Visit(archive, kind, day)
        if kind == "event":
            # A meeting with rooms, lunch and a banquet, invoiced on 30 days.
            nights = rng.choice([1, 1, 2])
            rooms = rng.randint(6, 24)
            lines = [
                ("湖景大床房（晚）", rooms * nights),
                ("会议室（全天）", nights),
                ("商务午餐（位）", rooms * nights),
                ("宴会套餐（桌）", max(rooms // 10, 1)),
            ]
            if rng.random() < 0.6:
                lines.append(("团队拓展（位）", rooms))
            if rng.random() < 0.3:
                lines.append(("茅台（瓶）", rng.randint(2, 6)))
            visit.invoice = (
                self.at(day + nights, 12, rng.randint(0, 50)),
                "front_office",
                lines,
                30,
            )
        elif kind == "banquet":
            items = [("宴会套餐（桌）", rng.randint(1, 4), 6880)]
            if rng.random() < 0.5:
                items.append(("茅台（瓶）", rng.randint(1, 4), 1680))
            visit.rows.append((self.at(day, 18, rng.randint(0, 59)), "fnb", items))
        elif kind == "dining":
            meal = rng.choice([(11, 45), (12, 10), (18, 0), (18, 40), (19, 15)])
            visit.rows.append((self.at(day, *meal), "fnb", self._dishes()))
            if rng.random() < 0.2:
                visit.rows.append(
                    (self.at(day, 15, rng.randint(0, 59)), "recreation", self._pick("recreation"))
                )
        elif kind == "spa":
            visit.rows.append(
                (self.at(day, 14, rng.randint(0, 59)), "recreation", self._pick("recreation", 2))
            )
            visit.rows.append(
                (self.at(day, 17, rng.randint(30, 59)), "fnb", [self._pick_one("fnb_set")])
            )
        else:
            self._plan_stay(visit, day)
        return visit

    def _plan_stay(self, visit, day):
        """The folio at checkout (a few invoiced), dinners, laundry, the spa."""
        rng = self.rng
        nights = rng.choices([1, 2, 3], [55, 35, 10])[0]
        room, price, _quantities = rng.choices(ITEMS["front_office"], [40, 30, 22, 8])[0]
        checkout = self.at(day + nights, 11, rng.randint(10, 59))
        if rng.random() < 0.05 and self.counts["planned folios"] < MAX_FOLIOS:
            self.counts["planned folios"] += 1
            lines = [(room, nights), ("自助晚餐（位）", rng.randint(1, 3))]
            if rng.random() < 0.5:
                lines.append(("温泉理疗", rng.randint(1, 2)))
            visit.invoice = (checkout, "front_office", lines, 0)
        else:
            folio = [(room, nights, price)]
            if rng.random() < 0.3:
                folio.append(self._pick_one("front_office_extra"))
            visit.rows.append((checkout, "front_office", folio))
        for night in range(nights):
            if rng.random() < 0.65:
                visit.rows.append(
                    (self.at(day + night, 18, 30 + rng.randint(0, 59)), "fnb", self._dishes())
                )
            if rng.random() < 0.3:
                visit.rows.append(
                    (
                        self.at(day + night, 15, rng.randint(0, 59)),
                        "recreation",
                        self._pick("recreation"),
                    )
                )
            if rng.random() < 0.2:
                visit.rows.append(
                    (
                        self.at(day + night + 1, 9, rng.randint(0, 59)),
                        "housekeeping",
                        self._pick("housekeeping"),
                    )
                )

    def _dishes(self):
        if self.rng.random() < 0.3:
            return [self._pick_one("fnb_set")]
        return self._pick("fnb", self.rng.randint(2, 5))

    def _pick(self, key, count=1):
        return [self._pick_one(key, item) for item in self.rng.sample(ITEMS[key], count)]

    def _pick_one(self, key, item=None):
        name, price, quantities = item or self.rng.choice(ITEMS[key])
        return (name, self.rng.choice(quantities), price)

    def _plan_callback(self, visit):
        """Decide how the visit's callback goes (R15); return the local day it ends on.

        On time for most, late for some, waived by a manager now and then, with
        an unanswered call first for a few. Whether it happened at all is
        settled later, in _cap_overdue_callbacks.
        """
        rng = self.rng
        archive = visit.archive
        moments = visit.moments()
        deadline = min(moments) + timedelta(days=3)
        earliest = max(moments) + timedelta(hours=rng.uniform(3, 20))
        roll = rng.random()
        if roll < 0.02:
            visit.callback = {"waived": self.office_time(earliest + timedelta(hours=12))}
            return self.day_of(visit.callback["waived"])
        if roll < 0.92:
            moment = self.office_time(earliest, archive)
            if moment > deadline:
                moment = self.office_time(deadline + timedelta(hours=rng.uniform(2, 30)), archive)
        else:
            late = max(deadline, earliest) + timedelta(hours=rng.uniform(3, 60))
            moment = self.office_time(late, archive)
        attempts = []
        if rng.random() < 0.08:
            attempts.append(self.office_time(earliest - timedelta(hours=2), archive))
            moment = self.office_time(
                max(moment, attempts[0] + timedelta(hours=rng.uniform(4, 26))), archive
            )
        satisfaction = rng.choices(["satisfied", "average", "dissatisfied"], [76, 17, 7])[0]
        foreign = archive.lang == "en_US"
        visit.callback = {
            "attempts": attempts,
            "at": moment,
            "satisfaction": satisfaction,
            "feedback": rng.choice((FEEDBACK_EN if foreign else FEEDBACK)[satisfaction]),
            "channel": "email" if foreign else rng.choices(["phone", "wechat"], [85, 15])[0],
            "outcome": "refused" if rng.random() < 0.01 else "reached",
            "forgotten": rng.random() < 0.3,
        }
        return self.day_of(moment)

    def _cap_overdue_callbacks(self):
        """A callback not due yet is not made; a few of the last ones were forgotten."""
        last = {visit.archive.id: visit for visit in self.visits}
        overdue = 0
        for visit in self.visits:
            callback = visit.callback
            if "at" not in callback:
                continue
            forgotten = callback.pop("forgotten")
            if callback["at"] >= self.now:
                callback["at"] = None
            elif forgotten and last[visit.archive.id] is visit and overdue < MAX_OVERDUE_CALLBACKS:
                callback["at"] = None
                overdue += 1

    # ------------------------------------------------------------------
    # Every day: the plans' cron, greetings, reported consumption, callbacks
    # ------------------------------------------------------------------

    def _plan_days(self):
        for day in range(-HISTORY_DAYS, 1):
            self.schedule(self.at(day, 0, 5), lambda day=day: self._morning(day), order=0)
            evening = min(self.at(day, 23, 50), self.now - timedelta(minutes=1))
            self.schedule(evening, lambda day=day: self._evening(day), order=2)
        for visit in self.visits:
            if visit.invoice:
                self.schedule(visit.invoice[0], lambda visit=visit: self._invoice_visit(visit))
            callback = visit.callback
            if "waived" in callback:
                self.schedule(callback["waived"], lambda visit=visit: self._waive_callback(visit))
                continue
            calls = [(when, "no_answer") for when in callback["attempts"]]
            if callback["at"]:
                calls.append((callback["at"], callback["outcome"]))
            for when, outcome in calls:
                if when < self.now:
                    self.callbacks_by_day[self.day_of(when)].append((visit, when, outcome))

    def _morning(self, day):
        if (day - PREVIOUS_START) % 7 == 0 or day in (PLAN_START, 0):
            self._run_plans()
        self.schedule(self.at(day, 8, 30), lambda: self._greet(day))
        self._report_consumption(day)

    def _report_consumption(self, day):
        """The day's consumption, as the departments report it (R6)."""
        vals_list, visits = [], []
        for visit in self.visits_by_day.get(day, []):
            for when, code, items in visit.rows:
                if self.day_of(when) != day or when >= self.now:
                    continue
                vals_list.append(
                    {
                        "partner_id": visit.archive.partner_id.id,
                        "company_id": self.company.id,
                        "department_id": self.departments[code].id,
                        "consumption_date": when,
                        "reported_by_id": self.liaisons[code].id,
                        "external_ref": f"{OUTLETS[code][1]}-{self.local_date(when):%Y%m%d}-"
                        f"{next(self._refs):05d}",
                        "line_ids": [
                            Command.create({"name": name, "quantity": qty, "price_unit": price})
                            for name, qty, price in items
                        ],
                    }
                )
                visits.append(visit)
        if vals_list:
            consumptions = self.env["cs.consumption"].create(vals_list)
            for visit, consumption in zip(visits, consumptions, strict=True):
                visit.consumptions.append(consumption)
            self.counts["consumption reported by hand"] += len(consumptions)

    def _evening(self, day):
        self._log_callbacks(day)
        self._raise_complaints_from_callbacks()
        self._do_scheduled_contacts(day)
        if day % 7 == 0 or day == 0:
            self._gather_collections()
        self.env["cs.complaint"]._cron_escalate_overdue()

    def _log_callbacks(self, day):
        """CS calls the guests back (R15): one contact record per call."""
        by_user = defaultdict(list)
        for visit, when, outcome in sorted(self.callbacks_by_day.get(day, []), key=lambda c: c[1]):
            consumption = visit.consumptions[:1]
            if not consumption:
                continue
            user = consumption[0].visit_id.callback_user_id or visit.archive.owner_id
            callback = visit.callback
            reached = outcome == "reached"
            by_user[user].append(
                {
                    "partner_id": visit.archive.partner_id.id,
                    "company_id": self.company.id,
                    "consumption_id": consumption[0].id,
                    "contact_type": "callback",
                    "channel": callback["channel"],
                    "contact_date": when,
                    "user_id": user.id,
                    "outcome": outcome,
                    "satisfaction": callback["satisfaction"] if reached else False,
                    "feedback": callback["feedback"] if reached else CALL_NOTES[outcome],
                    # The visit, for the complaint a dissatisfied guest may raise.
                    "_visit": visit,
                }
            )
        for user, rows in by_user.items():
            visits = [vals.pop("_visit") for vals in rows]
            logs = self.as_user(user)["cs.contact.log"].create(rows)
            self.counts["callback calls"] += len(logs)
            for visit, log in zip(visits, logs, strict=True):
                if log.satisfaction == "dissatisfied" and self.rng.random() < 0.25:
                    self.complaint_logs.append((user, log, visit))

    def _waive_callback(self, visit):
        visits = self.env["cs.visit"].browse({c.visit_id.id for c in visit.consumptions})
        visits = visits.filtered(lambda v: v.callback_state == "pending")
        if visits:
            visits.with_env(self.as_user(self.manager)).action_mark_not_needed()
            self.counts["callbacks waived by a manager"] += len(visits)

    # ------------------------------------------------------------------
    # Invoices (folios, company events) and what finance collects (R10)
    # ------------------------------------------------------------------

    def _invoice_visit(self, visit):
        when, code, lines, terms = visit.invoice
        invoice = self._post_invoice(
            visit.archive.partner_id,
            self.journals[code],
            [(name, qty, None) for name, qty in lines],
            terms,
        )
        visit.consumptions.extend(invoice.sudo().cs_consumption_ids.sorted("id"))
        rng = self.rng
        total = invoice.amount_total
        # Now and then a few yuan are left: CS rounds them off (R11).
        short = rng.choice([3.5, 6, 8, 9.5]) if rng.random() < 0.35 else 0
        if not terms:
            # Guests settle at checkout.
            self._pay(invoice, total - short)
            if short:
                self.schedule(when + timedelta(minutes=20), lambda: self._round_off(invoice))
            return
        # Companies pay on 30 days: most on time, some late, some not yet.
        due = when + timedelta(days=terms)
        roll = rng.random()
        if roll < 0.45:
            moment = self.office_time(due - timedelta(days=rng.randint(1, 12)))
            amount = total - short
            if short:
                self.schedule(moment + timedelta(hours=2), lambda: self._round_off(invoice))
        elif roll < 0.75:
            moment = self.office_time(due + timedelta(days=rng.randint(9, 30)))
            amount = total if rng.random() < 0.7 else round(total / 2, -2)
        else:
            moment, amount = None, total
        self.payments[invoice.id] = (moment, amount)
        if moment:
            self.schedule(moment, lambda: self._pay(invoice, amount))

    def _post_invoice(self, partner, journal, lines, terms):
        """Post a customer invoice as finance; ``lines``: (product name, qty, price)."""
        day = fields.Date.context_today(self.company)
        invoice = self.as_user(self.finance)["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": day,
                "invoice_date_due": day + timedelta(days=terms),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.products[name].id,
                            "name": name,
                            "quantity": qty,
                            "price_unit": price or self.products[name].list_price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for name, qty, price in lines
                ],
            }
        )
        invoice.action_post()
        self.counts["invoices posted"] += 1
        return invoice

    def _pay(self, invoice, amount):
        invoice = invoice.with_env(self.as_user(self.finance))
        if invoice.currency_id.compare_amounts(invoice.amount_residual, 0) <= 0:
            return
        wizard = (
            self.as_user(self.finance)["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": min(amount, invoice.amount_residual),
                    "journal_id": self.bank.id,
                    "payment_date": fields.Date.context_today(invoice),
                    "payment_difference_handling": "open",
                }
            )
        )
        wizard._create_payments()
        self.counts["payments"] += 1

    def _gather_collections(self):
        """Finance's weekly run (R10): overdue receivables become tasks for CS."""
        Task = self.env["cs.collection.task"]
        before = self._last_id("cs.collection.task")
        Task._generate_tasks()
        for task in Task.search([("id", ">", before)], order="id"):
            when = self.office_time(
                fields.Datetime.now() + timedelta(days=self.rng.uniform(0.5, 2))
            )
            self.schedule(when, lambda task=task: self._collection_call(task))

    def _collection_call(self, task):
        """The collector calls; the customer promises a date, or not (R10)."""
        if task.state == "closed":
            return
        rng = self.rng
        user = task.user_id or self.staff
        env = self.as_user(user)
        invoices = task.sudo().line_ids.move_id
        planned = [self.payments[i.id] for i in invoices if i.id in self.payments]
        when = next((moment for moment, _amount in planned if moment), None)
        promise = {}
        if when and when > fields.Datetime.now():
            promise = {
                "promise_date": self.local_date(when) + timedelta(days=rng.randint(0, 2)),
                "promise_amount": sum(amount for _moment, amount in planned),
            }
            feedback = "客户财务确认将按承诺日期付款。"
        elif planned and rng.random() < 0.5:
            # A promise that will be broken: the escalation shows it to the managers.
            promise = {
                "promise_date": fields.Date.context_today(task)
                + timedelta(days=rng.randint(4, 12)),
                "promise_amount": round(task.amount_due / 2, -2) or task.amount_due,
            }
            feedback = "客户称资金周转紧张，承诺先付一半。"
        else:
            feedback = "客户财务负责人出差，约下周再联系。"
        env["cs.contact.log"].create(
            {
                "partner_id": task.partner_id.id,
                "company_id": task.company_id.id,
                "contact_type": "collection",
                "channel": "phone",
                "collection_task_id": task.id,
                "user_id": user.id,
                "feedback": feedback,
            }
        )
        if promise:
            task.with_env(env).write(promise)
        self.counts["collection calls"] += 1

    # ------------------------------------------------------------------
    # Complaints, through the seven steps of R14
    # ------------------------------------------------------------------

    def _plan_complaints(self):
        rng = self.rng
        ref = self.env.ref
        # The demo's own complaints (XML) go on from where they are.
        stories = [
            ("cs_complaint_demo_01", "closed", None),
            ("cs_complaint_demo_02", "implementing", ("discount", 2000, "leader")),
            ("cs_complaint_demo_03", "closed", ("refund", 1280, "leader_countersigned")),
            ("cs_complaint_demo_04", "registered", None),
            ("cs_complaint_demo_05", "registered", None),
        ]
        for xmlid, target, compensation in stories:
            complaint = ref(f"customer_service.{xmlid}")
            department = _code(complaint.department_id) or "front_office"
            self._plan_complaint_steps(complaint, target, department, None, compensation)
        # Guests who complained by phone, WeChat or at the desk, after a stay:
        # some at every step, the older ones further along.
        ended = [(max(v.moments()), v) for v in self.visits if v.rows]
        categories = list(COMPLAINTS)
        for target, low, high in COMPLAINT_TARGETS:
            when = self.now - timedelta(days=rng.uniform(low, high))
            fits = [(end, v) for end, v in ended if end + timedelta(hours=1) < when]
            if not fits:
                continue
            # About a recent stay: the latest of a dozen drawn from before.
            end, visit = max(rng.sample(fits, min(len(fits), 12)), key=lambda fit: fit[0])
            category = rng.choice(categories)
            description, department, cause = rng.choice(COMPLAINTS[category])
            vals = {
                "partner_id": visit.archive.partner_id.id,
                "company_id": self.company.id,
                "description": f"<p>{description}</p>",
                "channel": rng.choices(
                    ["phone", "visit", "wechat", "email", "sms"], [38, 25, 22, 10, 5]
                )[0],
                "category_id": ref(f"customer_service.{category}").id,
                "severity": "major" if rng.random() < 0.12 else "normal",
                "complaint_date": when,
                "user_id": rng.choice([self.staff, self.staff2]).id,
            }
            self.schedule(
                when,
                lambda vals=vals, target=target, department=department, cause=cause: self._register(
                    vals, target, department, cause
                ),
            )

    def _register(self, vals, target, department, cause):
        user = self.env["res.users"].browse(vals["user_id"])
        complaint = self.as_user(user)["cs.complaint"].create(vals)
        self.counts["complaints registered"] += 1
        self._plan_complaint_steps(complaint, target, department, cause)

    def _target_state(self, complaint):
        age = (self.now - complaint.complaint_date).total_seconds() / 86400
        choices = self.rng.choice
        if age < 1:
            return choices(["registered", "registered", "judged"])
        if age < 3:
            return choices(["registered", "judged", "investigating", "investigating"])
        if age < 8:
            return choices(["investigating", "proposed", "approved", "implementing"])
        if age < 16:
            return choices(["proposed", "implementing", "followed_up", "closed"])
        return self.rng.choices(
            ["closed", "invalid", "followed_up", "implementing"], [70, 12, 10, 8]
        )[0]

    def _plan_complaint_steps(self, complaint, target, department, cause, compensation=None):
        """Schedule the steps of R14 for ``complaint``, as far as ``target``."""
        rng = self.rng
        target = target or self._target_state(complaint)
        if target == "registered":
            return
        if compensation is None and rng.random() < 0.4:
            compensation = self._complaint_compensation(department)
        # The first response: within the 48 hours, but not always.
        hours = rng.uniform(50, 70) if rng.random() < 0.1 else rng.uniform(0.5, 30)
        moment = self.office_time(complaint.complaint_date + timedelta(hours=hours))
        steps = [(moment, "invalid" if target == "invalid" else "judged")]
        last = COMPLAINT_STEPS.index(target) if target in COMPLAINT_STEPS else 0
        if target == "implementing" and rng.random() < 0.5:
            last += 1  # the guest has confirmed, the follow-up call is to come
        for step, (low, high) in list(zip(COMPLAINT_STEPS, STEP_HOURS, strict=True))[1 : last + 1]:
            moment = self.office_time(moment + timedelta(hours=rng.uniform(low, high)))
            steps.append((moment, step))
        user = complaint.user_id or self.staff

        def step_action(step):
            return lambda: self._complaint_step(
                complaint, step, user, department, cause, compensation
            )

        for moment, step in steps:
            if not self.schedule(moment, step_action(step)):
                break

    def _complaint_step(self, complaint, step, user, department, cause, compensation):
        rng = self.rng
        env = self.as_user(user)
        complaint = complaint.with_env(env)
        if step == "judged":
            complaint.action_judge_valid()
        elif step == "invalid":
            complaint.judgement_note = rng.choice(INVALID_NOTES)
            complaint.action_judge_invalid()
        elif step == "investigating":
            complaint.action_start_investigation()
        elif step == "proposed":
            complaint.write(
                {
                    "cause": f"<p>{cause or '服务流程执行不到位，已与部门核实。'}</p>",
                    "department_id": self.departments[department].id,
                    "responsible_person": rng.choice(
                        ["当班主管", "值班经理", "领班", "工程部值班员"]
                    ),
                }
            )
            env["cs.complaint.solution"].create(
                [
                    {
                        "complaint_id": complaint.id,
                        "name": name,
                        "estimated_cost": cost,
                        "sequence": index,
                    }
                    for index, (name, cost) in enumerate(
                        rng.sample(SOLUTIONS[department], rng.randint(1, 2))
                    )
                ]
            )
            complaint.action_propose_solutions()
        elif step == "approved":
            solution = complaint.solution_ids.filtered(lambda s: s.state == "submitted")[:1]
            solution.with_env(self.as_user(self.manager)).action_approve()
        elif step == "implementing":
            complaint.action_start_implementation()
            if compensation:
                self._compensate(complaint, *compensation)
        elif step == "confirmed":
            complaint.write(
                {
                    "confirmation_method": rng.choice(["in_person", "phone", "written"]),
                    "guest_response": rng.choice(GUEST_RESPONSES),
                }
            )
            complaint.action_guest_confirm()
        elif step == "followed_up":
            env["cs.complaint.follow.up.wizard"].create(
                {
                    "complaint_id": complaint.id,
                    "channel": "phone",
                    "contact_date": fields.Datetime.now(),
                    "satisfaction": rng.choices(["satisfied", "average"], [80, 20])[0],
                    "feedback": rng.choice(FOLLOW_UP_FEEDBACK),
                }
            ).action_confirm()
        elif step == "closed":
            # No PDF engine in a demo: the leaders' report goes as HTML, and
            # the add-on warns about it each time.
            with mute_logger("odoo.addons.customer_service.models.cs_complaint"):
                complaint.action_close()
        self.counts[f"complaint step: {step}"] += 1

    def _raise_complaints_from_callbacks(self):
        """A dissatisfied guest's words become a complaint (R14.1), the next morning."""
        for user, log, visit in self.complaint_logs:
            env = self.as_user(user)
            action = env["cs.complaint"].action_create_from_contact_logs(log)
            complaint = env["cs.complaint"].browse(action["res_id"])
            complaint.category_id = self.env.ref("customer_service.cs_complaint_category_service")
            self.counts["complaints raised from callbacks"] += 1
            self._plan_complaint_steps(complaint.sudo(), None, visit.department(), None)
        self.complaint_logs = []

    # ------------------------------------------------------------------
    # Compensation: within the signer's limits, or on a leader's word (R11)
    # ------------------------------------------------------------------

    def _complaint_compensation(self, department):
        return self.rng.choice(
            {
                "fnb": [("gift", 168, None), ("discount", 200, None), ("discount", 600, "leader")],
                "housekeeping": [("gift", 168, None), ("waive_deductible", 300, None)],
                "front_office": [("refund", 300, None), ("gift", 120, None)],
                "recreation": [("points", 2000, None), ("gift", 188, None)],
            }[department]
        )

    def _compensate(self, complaint, compensation_type, amount, leader):
        """R5: appease the guest on the company's behalf, as the complaint's handler."""
        self._give(
            complaint.user_id or self.staff,
            {
                "partner_id": complaint.partner_id.id,
                "company_id": self.company.id,
                "complaint_id": complaint.id,
                "compensation_type": compensation_type,
                "amount": amount,
                "description": complaint.solution_id.name or "安抚补偿",
            },
            leader,
        )

    def _give(self, user, values, leader=None, approve=True):
        """Create a compensation as ``user`` and sign it, as the rules allow.

        ``leader``: None (within the signer's own limits, else left to sign),
        "leader" (over them: the leader consulted countersigns later, R11),
        "leader_countersigned" (and has countersigned since) or
        "approve_first" (the leader approves before it is given).
        """
        env = self.as_user(user)
        if values["compensation_type"] == "points":
            balance = self.env["res.partner"].browse(values["partner_id"]).cs_loyalty_points
            if balance < values["amount"]:
                values = dict(values, compensation_type="gift", amount=168)
        if leader:
            values = dict(values, approver_id=self.leader.id)
        compensation = env["cs.compensation"].create(values)
        self.counts["compensations"] += 1
        if leader == "approve_first":
            compensation.action_submit()
            if approve:
                when = self.office_time(
                    fields.Datetime.now() + timedelta(hours=self.rng.uniform(2, 20))
                )
                self.schedule(
                    when,
                    lambda: compensation.with_env(self.as_user(self.leader)).validate_tier(),
                )
            return compensation
        if self.day_of(fields.Datetime.now()) == 0:
            return compensation  # today's: still to sign
        if not leader and compensation._limit_problem(user):
            return compensation  # over the signer's limits today: it waits for a signature
        try:
            with self.env.cr.savepoint():
                compensation.action_sign()
        except (UserError, ValidationError, AccessError) as error:
            _logger.info("Demo compensation %s left to sign: %s", compensation.name, error)
            return compensation
        if leader == "leader_countersigned":
            when = self.office_time(fields.Datetime.now() + timedelta(days=self.rng.uniform(1, 4)))
            self.schedule(
                when,
                lambda: compensation.with_env(self.as_user(self.leader)).action_countersign(),
            )
        return compensation

    def _plan_compensations(self):
        """Compensation outside complaints: waivers, points, birthday cakes."""
        rng = self.rng
        individuals = [v for v in self.visits if v.archive.guest_type == "individual" and v.rows]
        # A broken lamp: the deductible is waived for a regular guest.
        for visit in rng.sample(individuals, 1):
            when = max(visit.moments()) + timedelta(minutes=50)
            self.schedule(when, lambda visit=visit: self._waive_damage(visit))
        # A company cancels a block of rooms: the penalty is waived once the
        # leader has approved it.
        corporates = [v for v in self.visits if v.archive.guest_type == "corporate"]
        visit = rng.choice(corporates)
        when = self.office_time(self.at(visit.start - 12, 10))
        self.schedule(when, lambda visit=visit: self._waive_penalty(visit, "approve_first"))
        # Points redeemed for a spa afternoon (R4).
        for visit in rng.sample(individuals, 5):
            when = self.office_time(max(visit.moments()) + timedelta(days=rng.randint(3, 20)))
            self.schedule(when, lambda visit=visit: self._redeem(visit))
        # A birthday during the stay: a cake, given by CS (R4, gifts).
        for visit in rng.sample(individuals, 2):
            when = min(visit.moments()) + timedelta(hours=2)
            self.schedule(when, lambda visit=visit: self._birthday_cake(visit))
        # And what does not go through: a gift given twice, cancelled by the
        # manager; a refund over the signer's limit, waiting; a request the
        # leader turned down.
        recent = [v for v in individuals if -30 <= v.start <= -3]
        slips = ("twice", "waiting", "turned_down")
        for visit, slip in zip(rng.sample(recent, 3), slips, strict=True):
            when = self.office_time(max(visit.moments()) + timedelta(hours=20))
            self.schedule(when, lambda visit=visit, slip=slip: self._slip(visit, slip))

    def _slip(self, visit, slip):
        values = {
            "partner_id": visit.archive.partner_id.id,
            "company_id": self.company.id,
        }
        user = visit.archive.owner_id
        if slip == "twice":
            values.update(compensation_type="gift", amount=168, description="赠送果篮（重复登记）")
            compensation = self._give(user, values)
            when = fields.Datetime.now() + timedelta(hours=3)
            self.schedule(
                when,
                lambda: compensation.with_env(self.as_user(self.manager)).action_cancel(),
            )
        elif slip == "waiting":
            values.update(compensation_type="refund", amount=880, description="退还多收的房费")
            self._give(user, values)
        else:
            values.update(
                compensation_type="refund", amount=2600, description="客人要求退还全部房费"
            )
            compensation = self._give(user, values, "approve_first", approve=False)
            when = self.office_time(fields.Datetime.now() + timedelta(hours=5))
            self.schedule(
                when,
                lambda: compensation.with_env(self.as_user(self.leader)).reject_tier(),
            )

    def _round_off(self, invoice):
        residual = invoice.amount_residual
        if invoice.currency_id.compare_amounts(residual, 0) <= 0 or residual > 10:
            return
        self._give(
            self.rng.choice([self.staff, self.staff2]),
            {
                "partner_id": invoice.partner_id.id,
                "company_id": self.company.id,
                "compensation_type": "round_off",
                "amount": residual,
                "invoice_id": invoice.id,
                "description": "结账抹零",
            },
        )

    def _waive_damage(self, visit):
        partner = visit.archive.partner_id
        invoice = self._post_invoice(
            partner, self.default_journal, [("客房物品损坏赔偿", 1, None)], 0
        )
        self._give(
            visit.archive.owner_id,
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "compensation_type": "waive_deductible",
                "amount": invoice.amount_total,
                "invoice_id": invoice.id,
                "description": "客人不慎打碎台灯，老客户免赔。",
            },
        )

    def _waive_penalty(self, visit, leader):
        partner = visit.archive.partner_id
        invoice = self._post_invoice(
            partner, self.default_journal, [("预订取消违约金", self.rng.choice([2, 3]), None)], 15
        )
        self._give(
            visit.archive.owner_id,
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "compensation_type": "waive_penalty",
                "amount": invoice.amount_total,
                "invoice_id": invoice.id,
                "description": "客户因故取消会议用房，长期合作客户，免收违约金。",
            },
            leader,
        )

    def _redeem(self, visit):
        partner = visit.archive.partner_id
        points = partner.cs_loyalty_points
        if points < 1000:
            return
        self._give(
            visit.archive.owner_id,
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "compensation_type": "points",
                "amount": min(points // 500 * 500, 3000),
                "description": "积分兑换温泉理疗",
            },
        )

    def _birthday_cake(self, visit):
        self._give(
            visit.archive.owner_id,
            {
                "partner_id": visit.archive.partner_id.id,
                "company_id": self.company.id,
                "compensation_type": "gift",
                "amount": 128,
                "description": "入住期间过生日，赠送蛋糕",
            },
        )

    # ------------------------------------------------------------------
    # Retention plans (R2, R7) and greetings (R16)
    # ------------------------------------------------------------------

    def _plan_retention(self):
        self.schedule(self.at(PREVIOUS_START - 3, 10, 0), self._submit_plans)
        self.schedule(self.at(-3, 15, 30), self._plan_newcomers)

    def _submit_plans(self):
        """Last quarter's plans for key and strategic clients; the members' first plans.

        Strategic clients, some of them top secret, are the leader's to plan
        and to approve (R2, R12).
        """
        ref = self.env.ref
        templates = {
            code: ref(f"customer_service.cs_retention_plan_template_{code}")
            for code in ("members", "key", "strategic")
        }
        archives = self.env["cs.guest.archive"].search(
            [("company_id", "=", self.company.id), ("id", "not in", self.newcomers.ids)],
            order="id",
        )
        for owner in (self.staff, self.staff2):
            mine = archives.filtered(lambda a, o=owner: a.owner_id == o)
            key = mine.filtered(lambda a: a.customer_class == "key")
            self._submit_plan(
                owner, templates["key"], key, self.manager, PREVIOUS_START, PLAN_START - 1
            )
            members = mine.filtered(
                lambda a: a.customer_class == "normal" and a.vip_level != "none"
            )
            self.schedule(
                self.at(PLAN_START - 3, 10),
                lambda owner=owner, members=members: self._submit_plan(
                    owner, templates["members"], members, self.manager, PLAN_START, PLAN_START + 90
                ),
            )
        strategic = archives.filtered(lambda a: a.customer_class == "strategic")
        self._submit_plan(
            self.leader,
            templates["strategic"],
            strategic,
            self.leader,
            PREVIOUS_START,
            PLAN_START - 1,
        )

    def _submit_plan(self, owner, template, archives, reviewer, first_day, last_day):
        """A plan, submitted by its responsible and approved within a day (R2)."""
        if archives:
            plan = self.as_user(owner)["cs.retention.plan"].create(
                {
                    "template_id": template.id,
                    "archive_ids": [Command.set(archives.ids)],
                    "date_from": self.today + timedelta(days=first_day),
                    "date_to": self.today + timedelta(days=last_day),
                    "user_id": owner.id,
                }
            )
            plan.action_submit()
            when = self.office_time(
                fields.Datetime.now() + timedelta(hours=self.rng.uniform(3, 26))
            )
            self.schedule(
                when,
                lambda plan=plan, reviewer=reviewer: plan.with_env(
                    self.as_user(reviewer)
                ).validate_tier(),
            )
            self.counts["retention plans"] += 1

    def _plan_newcomers(self):
        """The other guests' plans, approved, start tomorrow; the newest guests'
        plan waits for its approval, and one is still a draft."""
        template = self.env.ref("customer_service.cs_retention_plan_template_normal")
        archives = self.env["cs.guest.archive"].search(
            [
                ("company_id", "=", self.company.id),
                ("customer_class", "=", "normal"),
                ("vip_level", "=", "none"),
                ("id", "not in", self.newcomers.ids),
            ]
        )
        tomorrow = self.today + timedelta(days=1)
        for owner in (self.staff, self.staff2):
            plan = self.as_user(owner)["cs.retention.plan"].create(
                {
                    "template_id": template.id,
                    "archive_ids": [
                        Command.set(archives.filtered(lambda a, o=owner: a.owner_id == o).ids)
                    ],
                    "date_from": tomorrow,
                    "date_to": tomorrow + timedelta(days=90),
                    "user_id": owner.id,
                }
            )
            plan.action_submit()
            when = self.office_time(
                fields.Datetime.now() + timedelta(hours=self.rng.uniform(2, 20))
            )
            self.schedule(
                when, lambda plan=plan: plan.with_env(self.as_user(self.manager)).validate_tier()
            )
            self.counts["retention plans"] += 1
        for owner, submit in ((self.staff2, True), (self.staff, False)):
            members = self.newcomers.filtered(lambda a, o=owner: a.owner_id == o)
            if not members:
                continue
            plan = self.as_user(owner)["cs.retention.plan"].create(
                {
                    "template_id": template.id,
                    "archive_ids": [Command.set(members.ids)],
                    "date_from": tomorrow,
                    "date_to": tomorrow + timedelta(days=90),
                    "user_id": owner.id,
                }
            )
            if submit:
                plan.action_submit()
            self.counts["retention plans"] += 1

    def _run_plans(self):
        """The plans' daily cron; the renewals it submits are approved that morning (R2)."""
        Plan = self.env["cs.retention.plan"]
        Plan._cron_run_plans()
        for plan in Plan.search(
            [("state", "=", "submitted"), ("previous_plan_id", "!=", False)], order="id"
        ):
            reviewer = self.leader if plan.has_strategic else self.manager
            when = self.office_time(
                fields.Datetime.now() + timedelta(hours=self.rng.uniform(8, 11))
            )
            self.schedule(
                when,
                lambda plan=plan, reviewer=reviewer: plan.with_env(
                    self.as_user(reviewer)
                ).validate_tier(),
            )
            self.counts["retention plans"] += 1

    def _do_scheduled_contacts(self, day):
        """Owners make the calls their plans scheduled (R7): most on the day, some later.

        This quarter's calls are marked done one by one, each leaving its note
        in the archive's chatter. Last quarter's were logged as contact records
        and their reminders cleared in one go, which a demo can afford for
        thousands of calls.
        """
        rng = self.rng
        today = self.today + timedelta(days=day)
        activities = self.env["mail.activity"].search(
            [("retention_plan_id", "!=", False), ("date_deadline", "<=", today)],
            order="date_deadline, id",
        )
        due = self.env["mail.activity"]
        for activity in activities:
            late = (today - activity.date_deadline).days
            if rng.random() < (0.85 if late == 0 else 0.5 if late <= 6 else 1.0):
                due |= activity
        start = self.today + timedelta(days=PLAN_START)
        current = due.filtered(lambda a: a.retention_plan_id.date_from >= start)
        self._log_planned_contacts(due - current, day)
        self._mark_planned_contacts_done(current, day)
        if day < PLAN_START:
            self._log_member_calls(day)

    def _log_member_calls(self, day):
        """Before their first plan, members were called every week all the same (R7)."""
        rng = self.rng
        by_user = defaultdict(list)
        for archive in self.members_by_weekday.get(day % 7, []):
            outcome = rng.choices(["reached", "no_answer", "call_later"], [88, 9, 3])[0]
            by_user[archive.owner_id].append(
                {
                    "partner_id": archive.partner_id.id,
                    "company_id": self.company.id,
                    "contact_type": "regular",
                    "channel": "phone",
                    "contact_date": self.office_time(self.at(day, 9, rng.randint(0, 600)), archive),
                    "user_id": archive.owner_id.id,
                    "outcome": outcome,
                    "feedback": rng.choice(REGULAR_FEEDBACK) if outcome == "reached" else False,
                }
            )
        for user, vals_list in sorted(by_user.items(), key=lambda item: item[0].id):
            self.as_user(user)["cs.contact.log"].create(vals_list)
            self.counts["member calls logged"] += len(vals_list)

    def _log_planned_contacts(self, activities, day):
        rng = self.rng
        archives = self.env["cs.guest.archive"].browse(activities.mapped("res_id"))
        by_id = {archive.id: archive for archive in archives}
        by_user = defaultdict(list)
        for activity in activities:
            archive = by_id[activity.res_id]
            outcome = rng.choices(["reached", "no_answer", "call_later"], [88, 9, 3])[0]
            by_user[activity.user_id].append(
                {
                    "partner_id": archive.partner_id.id,
                    "company_id": self.company.id,
                    "contact_type": "regular",
                    "channel": activity.cs_channel or "phone",
                    "contact_date": self.office_time(self.at(day, 9, rng.randint(0, 600)), archive),
                    "user_id": activity.user_id.id,
                    "outcome": outcome,
                    "feedback": rng.choice(REGULAR_FEEDBACK) if outcome == "reached" else False,
                }
            )
        for user, vals_list in sorted(by_user.items(), key=lambda item: item[0].id):
            self.as_user(user)["cs.contact.log"].create(vals_list)
            self.counts["scheduled contacts logged"] += len(vals_list)
        activities.unlink()

    def _mark_planned_contacts_done(self, activities, day):
        rng = self.rng
        evening = fields.Datetime.now()
        by_user = defaultdict(list)
        for activity in activities:
            by_user[activity.user_id].append(activity.id)
        Activity = self.env["mail.activity"]
        for user, ids in sorted(by_user.items(), key=lambda item: item[0].id):
            # As the owner, whatever the archive's level: the activity is theirs.
            env = self.as_user(user)(su=True)
            for start in range(0, len(ids), 8):
                moment = self.office_time(self.at(day, 9, 0) + timedelta(minutes=start * 6))
                if moment >= self.now or self.day_of(moment) != day:
                    break
                self.clock.move_to(moment)
                chunk = Activity.browse(ids[start : start + 8]).with_env(env)
                chunk.action_feedback(feedback=rng.choice(REGULAR_FEEDBACK))
                self.counts["scheduled contacts made"] += len(chunk)
        self.clock.move_to(evening)

    def _greet(self, day):
        """The daily greetings (R16), and the gifts proposed with them."""
        Greeting = self.env["cs.greeting"]
        before = self._last_id("cs.greeting")
        Greeting._cron_send_greetings()
        for greeting in Greeting.search([("id", ">", before)], order="id"):
            self.counts["greetings"] += 1
            strategic = greeting.archive_id.customer_class == "strategic"
            if greeting.gift_amount <= 0 or self.rng.random() > (0.2 if strategic else 0.03):
                continue
            archive = greeting.archive_id
            user = (
                self.leader if archive.confidentiality_level == "top_secret" else archive.owner_id
            )
            when = self.office_time(fields.Datetime.now() + timedelta(hours=self.rng.uniform(1, 6)))
            self.schedule(
                when, lambda greeting=greeting, user=user: self._give_gift(greeting, user)
            )

    def _give_gift(self, greeting, user):
        env = self.as_user(user)
        greeting = greeting.with_env(env)
        greeting.gift_note = GIFT_NOTES.get(greeting.occasion, "鲜花与蛋糕")
        action = greeting.action_give_gift()
        compensation = env["cs.compensation"].browse(action["res_id"])
        self.counts["compensations"] += 1
        if self.day_of(fields.Datetime.now()) and not compensation._limit_problem(user):
            compensation.action_sign()

    # ------------------------------------------------------------------
    # On-site supervision (R3), quarterly reviews (R13), changes (R8)
    # ------------------------------------------------------------------

    def _plan_supervision(self):
        rng = self.rng
        hours = {"breakfast": 7, "dinner": 18, "check_in": 17, "check_out": 10, "event": 18}
        for round_ in SUPERVISION_ROUNDS:
            when = self.at(-rng.randint(2, 75), hours.get(round_[1], 15), rng.randint(0, 40))
            self.schedule(when, lambda round_=round_, when=when: self._supervise(round_, when))

    def _supervise(self, round_, when):
        rng = self.rng
        code, period, location, findings = round_
        user = rng.choice([self.staff, self.staff2])
        guests = [v.archive.partner_id for v in self.visits_by_day.get(self.day_of(when), [])]
        opinions = []
        for kind, text, resolved, action in rng.sample(OPINIONS, rng.randint(2, 4)):
            opinion = {
                "kind": kind,
                "opinion": text,
                "resolved_on_spot": resolved,
                "action_taken": action,
            }
            if guests and rng.random() < 0.6:
                opinion["partner_id"] = rng.choice(guests).id
            elif code == "fnb":
                opinion["guest_label"] = f"{rng.randint(1, 30)}号桌"
            else:
                opinion["guest_label"] = f"{rng.randint(2, 9)}0{rng.randint(1, 9)}房"
            opinions.append(Command.create(opinion))
        supervision = self.as_user(user)["cs.supervision"].create(
            {
                "department_id": self.departments[code].id,
                "user_id": user.id,
                "peak_period": period,
                "peak_time": when,
                "location": location,
                "findings": findings,
                "opinion_ids": opinions,
            }
        )
        self.counts["supervision rounds"] += 1
        # A guest who complains to the supervisor: the complaint starts there (R3).
        if code == "fnb" and guests and not self.supervised_complaint:
            self.supervised_complaint = True
            opinion = self.as_user(user)["cs.supervision.opinion"].create(
                {
                    "supervision_id": supervision.id,
                    "kind": "complaint",
                    "partner_id": guests[0].id,
                    "opinion": SUPERVISION_COMPLAINT,
                }
            )
            action = opinion.action_raise_complaint()
            complaint = self.env["cs.complaint"].browse(action["res_id"])
            complaint.category_id = self.env.ref("customer_service.cs_complaint_category_food")
            self._plan_complaint_steps(complaint, "closed", code, "晚市高峰传菜人手不足。")
        self.schedule(when + timedelta(hours=2), supervision.action_done)

    def _plan_reviews_and_changes(self, archives):
        rng = self.rng
        readable = archives.filtered(lambda a: a.confidentiality_level != "top_secret")
        for archive in rng.sample(list(readable), 24):
            when = self.office_time(self.at(-rng.randint(2, 80), 9))
            self.schedule(when, lambda archive=archive: self._review(archive))
        people = [a for a in readable if a.guest_type == "individual" and a.employer_id]
        corporates = readable.filtered(lambda a: a.guest_type == "corporate").partner_id
        for archive in rng.sample(people, min(3, len(people))):
            when = self.office_time(self.at(-rng.randint(5, 60), 10))
            self.schedule(when, lambda archive=archive: self._change_employer(archive, corporates))

    def _review(self, archive):
        archive.with_env(self.as_user(archive.owner_id)).action_mark_reviewed()
        self.counts["archives re-verified"] += 1

    def _change_employer(self, archive, corporates):
        """R8: a guest changed employer; sales and finance hear of it."""
        employer = self.rng.choice(corporates - archive.employer_id)
        archive.with_env(self.as_user(archive.owner_id)).write(
            {"employer_id": employer.id, "job_title": "副总经理"}
        )
        self.counts["employer changes"] += 1

    # ------------------------------------------------------------------
    # The end: no mail leaves a demo database
    # ------------------------------------------------------------------

    def _finish(self):
        # Nor do the mails the demo's XML queued (assignments, rating requests).
        mails = self.env["mail.mail"].search(
            [
                ("state", "=", "outgoing"),
                "|",
                ("id", ">", self._mails_before),
                ("model", "=like", "cs.%"),
            ]
        )
        mails.write({"state": "cancel"})
        self.counts["mails kept unsent"] = len(mails)


# The complaints guests made on their own: (the step they reached, age in days).
COMPLAINT_TARGETS = [
    ("registered", 0.1, 1),
    ("registered", 2.2, 3),
    ("judged", 1.3, 3),
    ("investigating", 1.5, 4),
    ("proposed", 3.2, 7),
    ("approved", 4.5, 9),
    ("implementing", 5, 12),
    ("followed_up", 12, 25),
    ("followed_up", 14, 40),
    ("closed", 15, 45),
    ("closed", 30, 80),
    ("closed", 40, 88),
    ("invalid", 5, 40),
    ("invalid", 20, 80),
]
COMPLAINT_STEPS = [
    "judged",
    "investigating",
    "proposed",
    "approved",
    "implementing",
    "confirmed",
    "followed_up",
    "closed",
]
# Hours from one step to the next (low, high), from the judgement on.
STEP_HOURS = [(0, 0), (0.3, 5), (4, 40), (1, 20), (0.5, 8), (2, 40), (20, 90), (1, 30)]
GIFT_NOTES = {
    "mid_autumn": "月饼礼盒",
    "spring_festival": "新春礼篮",
    "lantern": "汤圆礼盒",
    "dragon_boat": "粽子礼盒",
    "qingming": "明前龙井",
    "birthday": "鲜花与蛋糕",
}


def _code(department):
    return department.code if department else False


def _resting(archive, local_moment):
    """Whether a Hangzhou moment falls in the guest's rest hours (R15)."""
    start, end = archive.dnd_start, archive.dnd_end
    if start == end:
        return False
    hour = local_moment.hour + local_moment.minute / 60.0
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end
