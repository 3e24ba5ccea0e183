"""The shape of 示范县: its townships, villages and units, with 统计用区划代码."""

from rencai.orgs.choices import OrgKind

COUNTY_NAME = "示范县"
COUNTY_CODE = "433130"  # GB/T 2260 county code the demo ID numbers are issued under

STREETS = ["东城街道", "西城街道"]
TOWNSHIPS = [
    "城关镇",
    "青山镇",
    "河口镇",
    "石门乡",
    "龙潭镇",
    "白沙镇",
    "红岩乡",
    "桃源镇",
    "高峰乡",
    "清水镇",
]

# Village names are drawn from these syllables (two each, plus 村 or 社区).
VILLAGE_SYLLABLES = list(
    "东西南北上下新老大小金银石竹杨柳桃李梅松柏枫茶花山水溪河田坪岭坡湾塘冲溪寨坳岩"
)
FIRST_VILLAGES = {
    "城关镇": [
        "东关村",
        "西关村",
        "南门社区",
        "北街社区",
        "桥头村",
        "新民村",
        "太平村",
        "和平村",
        "长岭村",
        "茶园村",
        "大坪村",
        "高桥村",
    ]
}

DEPARTMENTS = [
    "县委组织部",
    "县人力资源和社会保障局",
    "县教育局",
    "县卫生健康局",
    "县农业农村局",
    "县民政局",
    "县文化旅游广电体育局",
    "县科学技术局",
    "县委党校",
]
INSTITUTIONS = [
    "示范县第一中学",
    "示范县民族中学",
    "示范县实验小学",
    "示范县人民医院",
    "示范县中医医院",
    "示范县农业技术推广中心",
]
ENTERPRISES = [
    "示范县有色金属有限公司",
    "湘西智能家居产业园有限公司",
    "示范县文化旅游发展有限公司",
    "青山茶叶专业合作社",
    "大坪子养殖场",
    "明远养殖场",
]
SOCIAL_ORGS = ["示范县阳光社会工作服务中心", "示范县同心社工事务所"]

UNIT_KINDS = [
    (DEPARTMENTS, OrgKind.DEPARTMENT),
    (INSTITUTIONS, OrgKind.INSTITUTION),
    (ENTERPRISES, OrgKind.ENTERPRISE),
    (SOCIAL_ORGS, OrgKind.SOCIAL_ORG),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉宇鹏飞浩然俊峰晨阳子涵思雨欣怡"
    "梓萱诗琪海波春林云龙成德福贵荣发祥雪梅凤琴丹慧婷亮晓东永健军胜利玲燕秋菊长江山松"
)
SPECIALTIES = [
    "种植",
    "养殖",
    "智能家居",
    "有色金属",
    "文化旅游",
    "电子商务",
    "农产品加工",
    "教育",
    "卫生",
    "乡村工匠",
    "戏曲",
    "民间文艺",
    "基层治理",
    "社会工作",
]
