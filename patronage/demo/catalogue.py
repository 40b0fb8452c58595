"""Fixed reference data of the demo business: brands, channels, stores, products, campaigns and names.

Everything here is plain data; the simulation draws indexes into these tuples.
"""

from __future__ import annotations

from typing import NamedTuple

from patronage.core.roles import Role

CURRENCY = "KRW"  # every price and amount of the demo, in whole won


class Brand(NamedTuple):
    code: str
    name: str
    sku_prefix: str


class Channel(NamedTuple):
    code: str
    name: str
    kind: str  # commerce.models.ChannelKind
    order_source: str  # Order.source: the system that sends its orders
    order_prefix: str  # start of Order.external_id
    weight: float  # share of members whose home channel it is


class Store(NamedTuple):
    code: str
    name: str
    city: str
    time_zone: str


class Category(NamedTuple):
    code: str
    name: str


class Product(NamedTuple):
    sku: str
    name: str
    brand: str
    category: str
    price: int  # list price in KRW


class City(NamedTuple):
    name: str
    country: str  # ISO 3166-1 alpha-2
    time_zone: str
    home_store: str  # the store its members visit
    weight: float  # share of the country's members who live there


class Name(NamedTuple):
    native: str
    latin: str  # ASCII, used for e-mail addresses


class Campaign(NamedTuple):
    code: str  # the promotion code is this plus the two-digit year
    month: int
    day: int
    days: int


BRANDS = (
    Brand("hanbit", "Hanbit Living", "HL"),
    Brand("sora", "Sora Kitchen", "SK"),
)

CHANNELS = (
    Channel("stores", "Stores", "store", "pos", "POS", 0.45),
    Channel("online", "Online shop", "online", "shop", "WEB", 0.30),
    Channel("app", "Mobile app", "app", "app", "APP", 0.20),
    Channel("call-centre", "Call centre", "call_centre", "callcentre", "TEL", 0.05),
)
STORE_CHANNEL = "stores"

STORES = (
    Store("gangnam", "Gangnam store", "Seoul", "Asia/Seoul"),
    Store("haeundae", "Haeundae store", "Busan", "Asia/Seoul"),
    Store("songdo", "Songdo store", "Incheon", "Asia/Seoul"),
    Store("shibuya", "Shibuya store", "Tokyo", "Asia/Tokyo"),
    Store("umeda", "Umeda store", "Osaka", "Asia/Tokyo"),
)

CATEGORIES = (
    Category("kitchen", "Kitchen & cookware"),
    Category("tableware", "Tableware"),
    Category("small-appliances", "Small appliances"),
    Category("bedding", "Bedding"),
    Category("furniture", "Furniture"),
    Category("lighting", "Lighting"),
    Category("bath", "Bath"),
    Category("storage", "Storage"),
    Category("decor", "Home decor"),
)

_SORA = (
    ("kitchen", "Cast-iron skillet 26 cm", 59_000),
    ("kitchen", "Stainless stockpot 24 cm", 89_000),
    ("kitchen", "Non-stick frying pan 28 cm", 45_000),
    ("kitchen", "Chef's knife 21 cm", 129_000),
    ("kitchen", "Hinoki cutting board", 38_000),
    ("kitchen", "Donabe clay pot", 98_000),
    ("kitchen", "Bamboo steamer set", 32_000),
    ("kitchen", "Kitchen utensil set", 27_000),
    ("kitchen", "Glass food containers (5)", 35_000),
    ("kitchen", "Tamagoyaki pan", 29_000),
    ("tableware", "Porcelain rice bowls (4)", 36_000),
    ("tableware", "Stoneware dinner plates (4)", 68_000),
    ("tableware", "Lacquer chopsticks (5 pairs)", 18_000),
    ("tableware", "Bangjja brass cutlery set", 149_000),
    ("tableware", "Tea set, teapot and 4 cups", 78_000),
    ("tableware", "Glass tumblers (6)", 24_000),
    ("tableware", "Sake set", 42_000),
    ("tableware", "Ceramic mugs (pair)", 22_000),
    ("small-appliances", "Rice cooker, 6 cups", 219_000),
    ("small-appliances", "Electric kettle 1.7 L", 49_000),
    ("small-appliances", "Hand blender", 69_000),
    ("small-appliances", "Toaster oven", 129_000),
    ("small-appliances", "Coffee grinder", 59_000),
    ("small-appliances", "Air fryer 5 L", 159_000),
    ("small-appliances", "Induction hot plate", 99_000),
    ("small-appliances", "Water filter jug", 39_000),
    ("small-appliances", "Stand mixer", 389_000),
    ("small-appliances", "Soy-milk maker", 179_000),
)
_HANBIT = (
    ("bedding", "Cotton duvet cover, queen", 79_000),
    ("bedding", "Goose-down duvet", 329_000),
    ("bedding", "Memory-foam pillow", 59_000),
    ("bedding", "Linen sheet set", 129_000),
    ("bedding", "Ramie summer blanket", 69_000),
    ("bedding", "Futon mattress", 249_000),
    ("bedding", "Weighted blanket", 149_000),
    ("furniture", "Oak dining table", 1_290_000),
    ("furniture", "Ash dining chair", 189_000),
    ("furniture", "Low floor table", 219_000),
    ("furniture", "Bookshelf, 5 shelves", 249_000),
    ("furniture", "Fabric sofa, 3 seats", 1_590_000),
    ("furniture", "Bedside table", 139_000),
    ("furniture", "Zabuton floor cushion", 39_000),
    ("lighting", "Paper pendant lamp", 89_000),
    ("lighting", "LED desk lamp", 69_000),
    ("lighting", "Floor lamp, linen shade", 159_000),
    ("lighting", "Bedside lamp", 49_000),
    ("lighting", "Smart bulbs (2)", 29_000),
    ("bath", "Cotton bath towels (4)", 49_000),
    ("bath", "Hinoki bath stool", 58_000),
    ("bath", "Diatomite bath mat", 32_000),
    ("bath", "Shower caddy", 25_000),
    ("bath", "Waffle bathrobe", 69_000),
    ("storage", "Rattan basket", 35_000),
    ("storage", "Closet organiser set", 45_000),
    ("storage", "Under-bed storage box", 29_000),
    ("storage", "Shoe rack", 79_000),
    ("decor", "Ceramic vase", 42_000),
    ("decor", "Wall clock", 55_000),
    ("decor", "Linen curtains (pair)", 99_000),
    ("decor", "Wool rug 160 x 230", 259_000),
    ("decor", "Scented candle", 22_000),
    ("decor", "Indoor plant pot", 28_000),
)


def _products(brand: Brand, items: tuple[tuple[str, str, int], ...]) -> tuple[Product, ...]:
    return tuple(
        Product(f"{brand.sku_prefix}-{1001 + i}", name, brand.code, category, price)
        for i, (category, name, price) in enumerate(items)
    )


PRODUCTS = _products(BRANDS[0], _HANBIT) + _products(BRANDS[1], _SORA)
RECALLED_SKU = next(p.sku for p in PRODUCTS if p.name == "Electric kettle 1.7 L")

# Seasonal campaigns, the same dates each year; a promotional order outside them uses a standing code.
CAMPAIGNS = (
    Campaign("NEWYEAR", 1, 1, 10),
    Campaign("SEOLLAL", 1, 25, 10),
    Campaign("SPRING", 3, 20, 10),
    Campaign("GOLDENWEEK", 4, 29, 8),
    Campaign("SUMMER", 7, 15, 14),
    Campaign("CHUSEOK", 9, 10, 10),
    Campaign("BLACKFRIDAY", 11, 22, 10),
    Campaign("YEAREND", 12, 20, 12),
)
STANDING_CODES = ("MEMBER10", "APP5000", "WELCOME", "BIRTHDAY")
DISCOUNT_RATES = (0.10, 0.15, 0.20, 0.30)

KR_CITIES = (
    City("Seoul", "KR", "Asia/Seoul", "gangnam", 0.40),
    City("Busan", "KR", "Asia/Seoul", "haeundae", 0.14),
    City("Incheon", "KR", "Asia/Seoul", "songdo", 0.11),
    City("Seongnam", "KR", "Asia/Seoul", "gangnam", 0.07),
    City("Suwon", "KR", "Asia/Seoul", "gangnam", 0.08),
    City("Daegu", "KR", "Asia/Seoul", "haeundae", 0.08),
    City("Daejeon", "KR", "Asia/Seoul", "gangnam", 0.07),
    City("Gwangju", "KR", "Asia/Seoul", "haeundae", 0.05),
)
JP_CITIES = (
    City("Tokyo", "JP", "Asia/Tokyo", "shibuya", 0.42),
    City("Osaka", "JP", "Asia/Tokyo", "umeda", 0.18),
    City("Yokohama", "JP", "Asia/Tokyo", "shibuya", 0.13),
    City("Kyoto", "JP", "Asia/Tokyo", "umeda", 0.08),
    City("Kobe", "JP", "Asia/Tokyo", "umeda", 0.07),
    City("Fukuoka", "JP", "Asia/Tokyo", "shibuya", 0.06),
    City("Nagoya", "JP", "Asia/Tokyo", "shibuya", 0.06),
)

KO_FAMILY = (
    Name("김", "kim"),
    Name("이", "lee"),
    Name("박", "park"),
    Name("최", "choi"),
    Name("정", "jung"),
    Name("강", "kang"),
    Name("조", "cho"),
    Name("윤", "yoon"),
    Name("장", "jang"),
    Name("임", "lim"),
    Name("한", "han"),
    Name("오", "oh"),
    Name("서", "seo"),
    Name("신", "shin"),
    Name("권", "kwon"),
    Name("황", "hwang"),
    Name("안", "ahn"),
    Name("송", "song"),
    Name("유", "yoo"),
    Name("홍", "hong"),
)
# Roughly the national shares: Kim, Lee and Park alone are close to half of all Koreans.
KO_FAMILY_WEIGHTS = (21, 15, 8, 5, 5, 2, 2, 2, 2, 2, 1.5, 1.5, 1.5, 1.5, 1, 1, 1, 1, 1, 1)
KO_GIVEN = (
    Name("민준", "minjun"),
    Name("서준", "seojun"),
    Name("도윤", "doyun"),
    Name("예준", "yejun"),
    Name("시우", "siwoo"),
    Name("하준", "hajun"),
    Name("지호", "jiho"),
    Name("현우", "hyunwoo"),
    Name("우진", "woojin"),
    Name("정호", "jungho"),
    Name("성민", "sungmin"),
    Name("상훈", "sanghoon"),
    Name("서연", "seoyeon"),
    Name("서윤", "seoyun"),
    Name("지우", "jiwoo"),
    Name("서현", "seohyun"),
    Name("민서", "minseo"),
    Name("하은", "haeun"),
    Name("지민", "jimin"),
    Name("채원", "chaewon"),
    Name("수아", "sua"),
    Name("은서", "eunseo"),
    Name("미경", "mikyung"),
    Name("은정", "eunjung"),
    Name("혜진", "hyejin"),
    Name("영희", "younghee"),
)
JA_FAMILY = (
    Name("佐藤", "sato"),
    Name("鈴木", "suzuki"),
    Name("高橋", "takahashi"),
    Name("田中", "tanaka"),
    Name("伊藤", "ito"),
    Name("渡辺", "watanabe"),
    Name("山本", "yamamoto"),
    Name("中村", "nakamura"),
    Name("小林", "kobayashi"),
    Name("加藤", "kato"),
    Name("吉田", "yoshida"),
    Name("山田", "yamada"),
    Name("佐々木", "sasaki"),
    Name("山口", "yamaguchi"),
    Name("松本", "matsumoto"),
    Name("井上", "inoue"),
    Name("木村", "kimura"),
    Name("林", "hayashi"),
    Name("清水", "shimizu"),
    Name("山崎", "yamazaki"),
)
JA_GIVEN = (
    Name("陽翔", "haruto"),
    Name("蓮", "ren"),
    Name("湊", "minato"),
    Name("悠真", "yuma"),
    Name("翔太", "shota"),
    Name("健太", "kenta"),
    Name("大輔", "daisuke"),
    Name("拓海", "takumi"),
    Name("直樹", "naoki"),
    Name("浩二", "koji"),
    Name("陽菜", "hina"),
    Name("結衣", "yui"),
    Name("葵", "aoi"),
    Name("凛", "rin"),
    Name("芽依", "mei"),
    Name("さくら", "sakura"),
    Name("美咲", "misaki"),
    Name("愛子", "aiko"),
    Name("恵子", "keiko"),
    Name("由美", "yumi"),
    Name("真由美", "mayumi"),
    Name("優子", "yuko"),
)
LATIN_FAMILY = (
    Name("Smith", "smith"),
    Name("Johnson", "johnson"),
    Name("Brown", "brown"),
    Name("García", "garcia"),
    Name("Martin", "martin"),
    Name("Müller", "muller"),
    Name("Dubois", "dubois"),
    Name("Rossi", "rossi"),
    Name("Silva", "silva"),
    Name("Nguyen", "nguyen"),
    Name("Wilson", "wilson"),
    Name("Taylor", "taylor"),
    Name("Schmidt", "schmidt"),
    Name("López", "lopez"),
)
LATIN_GIVEN = (
    Name("Emma", "emma"),
    Name("Olivia", "olivia"),
    Name("Sophie", "sophie"),
    Name("Chloé", "chloe"),
    Name("Léa", "lea"),
    Name("Hannah", "hannah"),
    Name("Sarah", "sarah"),
    Name("Anna", "anna"),
    Name("Lucas", "lucas"),
    Name("Noah", "noah"),
    Name("Liam", "liam"),
    Name("David", "david"),
    Name("Daniel", "daniel"),
    Name("Thomas", "thomas"),
    Name("José", "jose"),
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# The demo member who can log in to the portal; the first generated member gets this address.
PORTAL_MEMBER_EMAIL = "member@example.com"

# Staff logins, one per role: (username, role).
STAFF = (
    ("admin", Role.ADMIN),
    ("manager", Role.PROGRAM_MANAGER),
    ("agent", Role.SERVICE_AGENT),
    ("lead", Role.SERVICE_LEAD),
    ("analyst", Role.ANALYST),
    ("accounts", Role.ACCOUNT_MANAGER),
)

TAG_NEWSLETTER = "newsletter"
TAG_VIP = "vip-candidate"
TAG_APP = "app-user"
TAGS = (TAG_NEWSLETTER, TAG_VIP, TAG_APP)
