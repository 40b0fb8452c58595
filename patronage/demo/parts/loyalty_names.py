# ruff: noqa: RUF001 -- Chinese and Japanese are written with full-width commas and brackets.
"""The demo programs' names and descriptions in Korean, Japanese and Simplified Chinese (decision 0021).

Keyed by the English text of loyalty.py, so the specs there stay one line each. The business's main
language (the demo writes in Korean first) decides which text is the record's `name`; the others go to
its translations.
"""

from __future__ import annotations

from patronage.core.business import business_languages

ENGLISH = "en"

# English text -> (Korean, Japanese, Simplified Chinese)
WORDS: dict[str, tuple[str, str, str]] = {
    # programs
    "Hanbit Living Club": ("한빛 리빙 클럽", "ハンビット・リビング・クラブ", "Hanbit 生活俱乐部"),
    "Sora Kitchen Circle": ("소라 키친 서클", "ソラ・キッチン・サークル", "Sora 厨房会"),
    # tiers
    "Member": ("멤버", "メンバー", "会员"),
    "Silver": ("실버", "シルバー", "银卡"),
    "Gold": ("골드", "ゴールド", "金卡"),
    "VIP": ("VIP", "VIP", "VIP"),
    "Every member, from the first purchase.": (
        "첫 구매부터 모든 회원.",
        "初回のご購入から、すべての会員。",
        "自首次购物起的所有会员。",
    ),
    "2,000 points earned in a calendar year.": (
        "한 해(1~12월) 동안 2,000포인트 적립.",
        "1年間(1月〜12月)に2,000ポイント獲得。",
        "一个自然年内累计获得 2,000 积分。",
    ),
    "6,000 points earned in a calendar year.": (
        "한 해(1~12월) 동안 6,000포인트 적립.",
        "1年間(1月〜12月)に6,000ポイント獲得。",
        "一个自然年内累计获得 6,000 积分。",
    ),
    "By invitation, with 15,000 points earned in a calendar year.": (
        "한 해 동안 15,000포인트를 적립한 회원을 초대합니다.",
        "1年間に15,000ポイントを獲得された方をご招待します。",
        "一个自然年内累计获得 15,000 积分，受邀加入。",
    ),
    # Hanbit's benefits
    "30-night sleep trial": ("30일 수면 체험", "30泊のおためし睡眠", "30 晚睡眠试用"),
    "Try a new pillow or duvet at home for 30 nights before it goes on sale.": (
        "출시 전 새 베개나 이불을 집에서 30일 동안 사용해 보세요.",
        "発売前の新しい枕や掛け布団を、ご自宅で30泊お試しいただけます。",
        "新款枕头或被子上市前，可在家试用 30 晚。",
    ),
    "Delivery upgrade with assembly": (
        "조립 포함 배송 업그레이드",
        "組み立て付き配送アップグレード",
        "含安装的配送升级",
    ),
    "Same-day delivery and assembly of furniture, at the standard delivery's price.": (
        "일반 배송 요금으로 가구를 당일 배송하고 조립해 드립니다.",
        "通常配送の料金で、家具を当日お届けし組み立てます。",
        "按标准配送价格，家具当日送达并安装。",
    ),
    "Priority line to the home advisers": (
        "홈 어드바이저 우선 상담 전화",
        "ホームアドバイザー優先ダイヤル",
        "家居顾问优先专线",
    ),
    "A direct number answered first by the home advisers, seven days a week.": (
        "주 7일, 홈 어드바이저가 가장 먼저 받는 직통 번호.",
        "毎日、ホームアドバイザーが優先してお受けする直通番号。",
        "家居顾问优先接听的直拨电话，每周七天。",
    ),
    "Seat at the seasonal styling evening": (
        "시즌 스타일링 이브닝 초대석",
        "シーズン・スタイリング・イブニングへのご招待",
        "季节家居搭配之夜席位",
    ),
    "An evening at the Gangnam or Shibuya store with the new collection's designers.": (
        "강남 또는 시부야 매장에서 새 컬렉션 디자이너와 함께하는 저녁.",
        "江南店または渋谷店で、新コレクションのデザイナーと過ごす夕べ。",
        "在江南店或涩谷店，与新系列设计师共度一晚。",
    ),
    "Trade-in credit for an old sofa or mattress": (
        "쓰던 소파·매트리스 보상 판매",
        "古いソファ・マットレスの下取り",
        "旧沙发或床垫以旧换新",
    ),
    "We collect the old one and credit its value on the new one.": (
        "쓰던 제품을 수거하고 그 가치만큼 새 제품 가격에서 빼 드립니다.",
        "古いものを引き取り、その分を新しいお品物のお代金から差し引きます。",
        "我们回收旧品，并将其价值抵扣新品货款。",
    ),
    # Hanbit's rewards
    "Linen tea towels (2)": ("리넨 티타월 (2장)", "リネンのティータオル(2枚)", "亚麻茶巾（2 条）"),
    "Stonewashed linen.": ("스톤워시 리넨.", "ストーンウォッシュ加工のリネン。", "石洗亚麻。"),
    "Scented candle": ("향초", "アロマキャンドル", "香薰蜡烛"),
    "Hinoki and yuzu.": ("히노키와 유자 향.", "ヒノキと柚子の香り。", "扁柏与柚子香。"),
    "Diatomite bath mat": ("규조토 발매트", "珪藻土バスマット", "硅藻土浴室地垫"),
    "Dries in a minute.": ("1분이면 마릅니다.", "1分で乾きます。", "一分钟即干。"),
    "Memory-foam pillow": ("메모리폼 베개", "低反発まくら", "记忆棉枕头"),
    "Our best-selling pillow.": ("가장 많이 팔리는 베개.", "いちばん人気の枕です。", "我们最畅销的枕头。"),
    "Home styling visit (1 hour)": (
        "홈 스타일링 방문 (1시간)",
        "ホームスタイリング訪問(1時間)",
        "上门家居搭配（1 小时）",
    ),
    "A Hanbit stylist visits and plans a room with you.": (
        "한빛 스타일리스트가 방문해 함께 방을 꾸밀 계획을 세웁니다.",
        "ハンビットのスタイリストがお伺いし、お部屋づくりをご一緒に考えます。",
        "Hanbit 搭配师上门，与您一起规划房间。",
    ),
    # Sora's benefits
    "Try a new appliance at home": (
        "신제품 가전 집에서 체험",
        "新しい家電をご自宅でおためし",
        "在家试用新款家电",
    ),
    "Two weeks with a new appliance before it reaches the shelves.": (
        "매장 출시 전 신제품 가전을 2주 동안 써 보세요.",
        "店頭に並ぶ前の新しい家電を、2週間お試しいただけます。",
        "新款家电上架前，在家试用两周。",
    ),
    "Free engraving and gift-wrap": (
        "무료 각인 및 선물 포장",
        "名入れとギフト包装を無料で",
        "免费刻字与礼品包装",
    ),
    "Names engraved on knives and cookware, and gift-wrapped, at no charge.": (
        "칼과 조리도구에 이름을 새기고 선물 포장까지 무료로 해 드립니다.",
        "包丁や調理器具への名入れとギフト包装を、無料で承ります。",
        "免费在刀具和厨具上刻名，并提供礼品包装。",
    ),
    "Priority line to the kitchen experts": (
        "키친 전문가 우선 상담 전화",
        "キッチンエキスパート優先ダイヤル",
        "厨房专家优先专线",
    ),
    "A direct number answered first by Sora's kitchen experts.": (
        "소라의 키친 전문가가 가장 먼저 받는 직통 번호.",
        "ソラのキッチンエキスパートが優先してお受けする直通番号。",
        "Sora 厨房专家优先接听的直拨电话。",
    ),
    "Seat at a chef's cooking class": (
        "셰프 쿠킹 클래스 참가석",
        "シェフの料理教室へのご招待",
        "大厨烹饪课席位",
    ),
    "A Saturday class with a guest chef at the Gangnam or Umeda store.": (
        "강남 또는 우메다 매장에서 게스트 셰프와 함께하는 토요일 클래스.",
        "江南店または梅田店で、ゲストシェフが教える土曜日の教室。",
        "在江南店或梅田店，由客座大厨授课的周六课程。",
    ),
    "Trade-in credit for old cookware": ("쓰던 조리도구 보상 판매", "古い調理器具の下取り", "旧厨具以旧换新"),
    "Bring back an old pan or pot, get credit on a new one; we recycle the old.": (
        "쓰던 팬이나 냄비를 가져오시면 새 제품 가격에서 빼 드리고, 가져온 제품은 재활용합니다.",
        "古いフライパンや鍋をお持ちいただくと新しいものの代金から差し引き、古いものはリサイクルします。",
        "带回旧锅具即可抵扣新品货款，旧锅具由我们回收利用。",
    ),
    # Sora's rewards
    "Knife sharpening": ("칼 연마", "包丁研ぎ", "磨刀服务"),
    "Two knives sharpened on the whetstone, in store.": (
        "매장에서 숫돌로 칼 두 자루를 갈아 드립니다.",
        "店頭で包丁2本を砥石で研ぎます。",
        "在店内用磨刀石为您打磨两把刀。",
    ),
    "Lacquer chopsticks (5 pairs)": ("옻칠 젓가락 (5벌)", "漆塗りの箸(5膳)", "漆筷（5 双）"),
    "Made in Wajima.": ("와지마산.", "輪島製。", "产自轮岛。"),
    "Ceramic mugs (pair)": ("도자기 머그 (2개)", "陶器のマグカップ(ペア)", "陶瓷马克杯（一对）"),
    "Glazed stoneware.": ("유약을 바른 석기.", "釉薬をかけた炻器。", "施釉炻器。"),
    "Bamboo steamer set": ("대나무 찜기 세트", "竹せいろセット", "竹蒸笼套装"),
    "Two tiers and a lid.": ("2단 찜기와 뚜껑.", "2段とふた。", "两层蒸笼加一个盖。"),
    "Chef's table dinner for two": (
        "2인 셰프스 테이블 디너",
        "シェフズテーブル・ディナー(2名様)",
        "双人主厨餐桌晚宴",
    ),
    "Dinner cooked in front of you at the Gangnam store's kitchen studio.": (
        "강남 매장 키친 스튜디오에서 눈앞에서 요리해 드리는 디너.",
        "江南店のキッチンスタジオで、目の前で調理するディナー。",
        "在江南店厨房工作室，当着您的面烹制的晚餐。",
    ),
}


def in_languages(english: str) -> tuple[str, dict[str, str]]:
    """The text in the business's main language, and in every other language the demo writes."""
    korean, japanese, chinese = WORDS[english]
    texts = {ENGLISH: english, "ko": korean, "ja": japanese, "zh-hans": chinese}
    main = business_languages()[0]
    return texts.get(main, english), {code: text for code, text in texts.items() if code != main}
