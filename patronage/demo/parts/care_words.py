"""What the demo's customers and agents write on cases, in Korean, Japanese and English, and the names of
care's categories and root causes in the demo's languages (decision 0021: the main language's text is
the record's name, the others its translations)."""

from __future__ import annotations

from typing import NamedTuple

from patronage.core.business import business_languages

LANGUAGES = ("ko", "ja", "en")  # indexes of the texts below: a member's locale picks one

# English -> (Korean, Japanese, Simplified Chinese)
NAMES: dict[str, tuple[str, str, str]] = {
    "Delivery": ("배송", "配送", "配送"),
    "Late delivery": ("배송 지연", "配送遅延", "配送延迟"),
    "Damaged": ("파손", "破損", "破损"),
    "Product": ("상품", "商品", "商品"),
    "Quality": ("품질", "品質", "质量"),
    "Store": ("매장", "店舗", "门店"),
    "Service": ("서비스", "接客", "服务"),
    "Billing": ("결제", "ご請求・お支払い", "账单"),
    "Courier handling": ("택배사 취급 부주의", "配送業者の取り扱い", "快递处理不当"),
    "Warehouse packing": ("물류창고 포장", "倉庫での梱包", "仓库包装"),
    "Supplier defect": ("공급사 불량", "仕入先の不良", "供应商缺陷"),
    "Staff training": ("직원 교육", "スタッフ教育", "员工培训"),
    "System error": ("시스템 오류", "システムエラー", "系统错误"),
}


def named(english: str) -> tuple[str, dict[str, str]]:
    """The name in the business's main language, and in every other language the demo writes."""
    korean, japanese, chinese = NAMES[english]
    return in_main_language({"en": english, "ko": korean, "ja": japanese, "zh-hans": chinese})


def in_main_language(texts: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The text in the business's main language (English where the demo has none), and the others."""
    main = business_languages()[0]
    return texts.get(main, texts["en"]), {code: text for code, text in texts.items() if code != main}


def in_spoken_languages(texts: dict[str, str]) -> dict[str, str]:
    """The texts in the business's languages (the demo's may not include Chinese), English kept."""
    languages = set(business_languages())
    return {code: text for code, text in texts.items() if code in languages or code == "en"}


# --- the history: one complaint per problem the customer reported -------------------------------------
# Per problem kind (demo.baskets.PROBLEM_KINDS) and language (LANGUAGES): the summary ("...: {product}")
# and the description ({order}: the order's number, {product}: its first item or the recalled one).

SUMMARIES: tuple[tuple[str, str, str], ...] = (
    ("배송이 며칠이나 늦게 왔어요", "配達が数日遅れました", "My delivery came days late"),
    ("품절로 발송이 늦어졌어요", "入荷待ちで発送が遅れました", "Back-ordered and shipped late"),
    ("상품에 하자가 있어요", "商品に不良がありました", "The item arrived faulty"),
    ("다른 상품이 배송됐어요", "違う商品が届きました", "I received the wrong item"),
    ("리콜 안내를 받았어요", "リコールのお知らせについて", "About the safety recall"),
)
DESCRIPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "주문번호 {order}의 {product}, 도착 예정일보다 며칠이나 늦게 받았어요. 늦어진다는 안내도 없었습니다.",
        "注文番号{order}の{product}が、お届け予定日を過ぎて数日後にようやく届きました。遅れるという連絡もありませんでした。",
        "Order {order}: the {product} was due days ago and only came today. Nobody told me it would be late.",
    ),
    (
        "주문번호 {order}: 결제하고 나서야 품절이라는 연락을 받았어요. {product}, 예상보다 훨씬 오래 기다렸습니다.",
        "注文番号{order}:支払いの後で在庫切れと知らされ、{product}を予定よりずっと長く待ちました。",
        "Order {order}: I was told the {product} was out of stock only after paying, and waited weeks for it.",
    ),
    (
        "주문번호 {order}: 받은 {product}에 하자가 있어서 사용할 수 없어요. 교환이나 환불 부탁드립니다.",
        "注文番号{order}:届いた{product}に不具合があり使えません。交換か返金をお願いします。",
        "Order {order}: the {product} I received is faulty and I cannot use it. I would like an exchange or a refund.",
    ),
    (
        "주문번호 {order}: 주문한 상품은 {product}인데 상자에 다른 상품이 들어 있었어요.",
        "注文番号{order}:{product}を注文したのに、箱には別の商品が入っていました。",
        "Order {order}: I ordered the {product} but something else was in the box.",
    ),
    (
        "{product} 리콜 안내를 받았어요(주문번호 {order}). 어떻게 반품하고 교환받을 수 있나요?",
        "{product}のリコールのお知らせを受け取りました(注文番号{order})。返品と交換の方法を教えてください。",
        "I got your recall notice for the {product} (order {order}). How do I send it back, and will I get a new one?",
    ),
)
# The agent's first reply: an apology and what happens next (closed cases), or a question (the cases that
# then waited for the customer, who never answered).
FIRST_REPLY = (
    "불편을 드려 정말 죄송합니다. 알려 주셔서 감사합니다. 지금 바로 확인하고 곧 다시 연락드리겠습니다.",
    "ご不便をおかけし、誠に申し訳ございません。ご連絡ありがとうございます。ただいま確認しておりますので、折り返しご連絡いたします。",
    "We're sorry for the trouble, and thank you for telling us. We're looking into it now and will come back to you shortly.",
)
ASKING_REPLY = (
    "불편을 드려 죄송합니다. 상품 사진과 받으신 날짜를 보내 주시면 바로 처리해 드리겠습니다.",
    "ご迷惑をおかけし申し訳ございません。お手数ですが、商品の写真とお受け取りの日付をお送りいただけますか。確認次第すぐに対応いたします。",
    "We're sorry for the trouble. Could you send us a photo of the item and the day it arrived? We'll take it from there.",
)


# --- the open cases of the last days, filed through the services --------------------------------------


class Step(NamedTuple):
    """One thing done on an open case, `hours` after it was filed."""

    hours: float
    action: str  # reply, customer, note, move, compensate, ask_approval
    text: str = ""
    to: str = ""  # the status, for a move
    value: int = 0  # KRW, for compensation


class Story(NamedTuple):
    """An open case of the last days: who wrote, about what, and how far the desk has got."""

    language: str
    type: str  # care.models.CaseType
    channel: str  # care.models.CaseChannel
    category: str  # English name of the category (a child under its parent, or a parent)
    product: str  # catalogue name of the item, "" for none
    summary: str
    description: str
    # Filed this long before the demo's "now" (the period's end). Under 55 hours, no resolution target (24
    # business hours on 9-18 office days) can have passed; the one breached case is older.
    hours_ago: float
    steps: tuple[Step, ...] = ()
    severity: str = "minor"
    root_cause: str = ""  # English name, once the agent knows it
    store: str = ""  # the store's code (catalogue.STORES), for what happened in one


STORIES: tuple[Story, ...] = (
    Story(
        "ko",
        "complaint",
        "web_form",
        "Damaged",
        "Fabric sofa, 3 seats",
        "소파 팔걸이에 긁힌 자국이 있어요",
        "어제 배송받은 3인용 패브릭 소파 오른쪽 팔걸이에 길게 긁힌 자국이 있습니다. 설치 기사님이 가신 뒤에 발견했어요. "
        "사진 첨부합니다. 교환이 가능할까요?",
        5.0,
    ),
    Story(
        "ja",
        "complaint",
        "email",
        "Late delivery",
        "Rice cooker, 6 cups",
        "注文した炊飯器がまだ届きません",
        "一週間前に注文した6合炊きの炊飯器が、お届け予定日を三日過ぎてもまだ届きません。追跡番号を見ても「配送中」のままです。"
        "いつ届くのか教えてください。",
        30.0,
        (
            Step(
                2.5,
                "reply",
                "お待たせしてしまい、誠に申し訳ございません。配送業者に至急確認し、本日中にお届け予定日をご連絡いたします。",
            ),
            Step(3.0, "move", to="listening"),
        ),
        root_cause="Courier handling",
    ),
    Story(
        "en",
        "complaint",
        "phone",
        "Delivery",
        "Cotton duvet cover, queen",
        "Wrong duvet cover size: single instead of queen",
        "Customer called: she ordered the queen-size cotton duvet cover but the package holds a single. The label on "
        "the box says queen. She needs it before her guests arrive on Saturday.",
        50.0,
        (
            Step(
                0.2,
                "reply",
                "I'm so sorry about the mix-up. I'm checking our stock for the queen size right now.",
            ),
            Step(0.3, "move", to="listening"),
            Step(
                1.5,
                "move",
                "We'll send the queen-size cover by express tomorrow and collect the single one at the same time, "
                "free of charge.",
                to="proposed",
            ),
        ),
        root_cause="Warehouse packing",
    ),
    Story(
        "ko",
        "complaint",
        "phone",
        "Delivery",
        "Oak dining table",
        "배송 기사님이 너무 불친절했어요",
        "고객 전화: 식탁 배송 때 기사님이 반말을 하시고 현관에 식탁을 내려놓고 그냥 가셨다고 합니다. 조립도 안 해 주셨고, "
        "어떤 분이었는지 알 수 있게 배송 시간을 확인하고 있습니다.",
        27.0,
        (
            Step(
                0.1,
                "reply",
                "불쾌한 일을 겪게 해 드려 진심으로 사과드립니다. 배송 담당자를 확인하기 위해 정확한 배송 시간을 알려 주시겠어요?",
            ),
            Step(0.2, "move", to="listening"),
            Step(0.3, "move", to="waiting"),
        ),
        root_cause="Courier handling",
    ),
    Story(
        "ja",
        "compliment",
        "store",
        "Service",
        "",
        "渋谷店の佐藤さんがとても親切でした",
        "先週末、渋谷店で食器を選んでいたとき、スタッフの佐藤さんが料理に合う器を一緒に探してくださいました。"
        "押しつけがましくなく、とても気持ちのよい買い物でした。ぜひお礼をお伝えください。",
        45.0,
        (
            Step(
                3.0,
                "reply",
                "温かいお言葉をありがとうございます。佐藤と店長に必ずお伝えいたします。またのご来店をお待ちしております。",
            ),
            Step(3.1, "move", to="resolved"),
        ),
        store="shibuya",
    ),
    Story(
        "en",
        "complaint",
        "email",
        "Billing",
        "Bookshelf, 5 shelves",
        "Charged twice for my order",
        "My card statement shows two charges of the same amount for the bookshelf I bought online. I only placed one "
        "order. Please refund the second charge.",
        54.0,
        (
            Step(
                1.0,
                "reply",
                "We're sorry: we can see the duplicate charge. We've asked our payment team to refund it.",
            ),
            Step(1.2, "move", to="listening"),
            Step(4.0, "move", "Refund the duplicate charge to the customer's card.", to="proposed"),
            Step(
                5.0,
                "move",
                "The payment team refunds the duplicate charge; it shows on the card within three working days.",
                to="promised",
            ),
        ),
        root_cause="System error",
    ),
    Story(
        "ko",
        "complaint",
        "portal",
        "Quality",
        "Memory-foam pillow",
        "메모리폼 베개가 2주 만에 꺼졌어요",
        "2주 전에 산 메모리폼 베개 가운데가 움푹 꺼져서 다시 올라오지 않아요. 목이 아파서 더 이상 쓸 수가 없습니다.",
        53.0,
        (
            Step(
                2.0,
                "reply",
                "불편을 드려 죄송합니다. 같은 제품으로 새 베개를 보내 드리고, 사과의 뜻으로 포인트를 적립해 드리겠습니다.",
            ),
            Step(2.1, "move", to="listening"),
            Step(2.2, "move", "새 베개로 무료 교환(회수 포함)", to="proposed"),
            Step(2.3, "compensate", "사과의 뜻으로 드리는 포인트", value=3_000),
        ),
        root_cause="Supplier defect",
    ),
    Story(
        "ja",
        "complaint",
        "web_form",
        "Damaged",
        "Ceramic mugs (pair)",
        "マグカップが割れて届きました",
        "ペアのマグカップを注文しましたが、箱を開けたら一つが割れていました。緩衝材がほとんど入っていませんでした。",
        80.0,
        severity="minor",
    ),
    Story(
        "ko",
        "complaint",
        "phone",
        "Damaged",
        "Oak dining table",
        "식탁 상판이 갈라져서 왔어요",
        "고객 전화: 배송받은 원목 식탁 상판 가운데에 금이 가 있습니다. 설치 당일 기사님도 확인하셨다고 합니다. "
        "새 식탁으로 교환을 원하시고, 그동안 식탁 없이 지내셔야 하는 상황입니다.",
        52.0,
        (
            Step(
                0.5,
                "reply",
                "큰 불편을 드려 정말 죄송합니다. 새 식탁으로 교환해 드리고, 교환 일정을 곧 안내해 드리겠습니다.",
            ),
            Step(0.6, "move", to="listening"),
            Step(3.0, "move", "새 원목 식탁으로 교환, 배송·설치 무료", to="proposed"),
            Step(3.2, "ask_approval", "교환을 기다리시는 동안의 불편에 대한 상품권", value=50_000),
        ),
        severity="major",
        root_cause="Courier handling",
    ),
    Story(
        "en",
        "inquiry",
        "web_form",
        "Late delivery",
        "Floor lamp, linen shade",
        "Where is my floor lamp?",
        "I ordered a floor lamp with a linen shade ten days ago and the tracking page hasn't changed since. "
        "Can you tell me when it will arrive?",
        28.0,
        (
            Step(
                2.0,
                "reply",
                "Thanks for checking with us. Your lamp is at our Incheon warehouse; it ships tomorrow.",
            ),
            Step(2.1, "move", to="listening"),
            Step(6.0, "customer", "Thanks. Can it come in the evening? I'm at work until 6."),
        ),
    ),
    Story(
        "ja",
        "suggestion",
        "web_form",
        "Delivery",
        "",
        "平日夜の配達時間を選べるようにしてほしい",
        "共働きで平日の昼間は家にいません。大きな家具の配達を平日の夜(19時〜21時)に指定できると助かります。",
        20.0,
        (
            Step(1.0, "reply", "貴重なご意見をありがとうございます。配送担当の部署に共有いたしました。"),
            Step(1.1, "note", "Evening slots: forwarded to logistics for the next courier contract review."),
        ),
    ),
    Story(
        "ko",
        "complaint",
        "store",
        "Service",
        "",
        "계산대 직원이 불친절했어요",
        "강남점에서 계산할 때 포인트 적립을 물어봤더니 직원분이 귀찮다는 듯이 대답하셨어요. 기분이 좋지 않았습니다.",
        26.0,
        (
            Step(
                1.0,
                "reply",
                "불쾌하셨을 텐데 진심으로 사과드립니다. 매장 책임자와 함께 확인하고 다시 연락드리겠습니다.",
            ),
            Step(1.1, "move", to="listening"),
            Step(
                1.5,
                "note",
                "Talked to the Gangnam store manager: a refresher on the points questions at the till.",
            ),
        ),
        root_cause="Staff training",
        store="gangnam",
    ),
)


# --- saved replies agents insert on a case (care.ReplyTemplate) ----------------------------------------------


class SavedReply(NamedTuple):
    """Its name and text by language code; {name}, {reference} and {agent} are filled in on the case."""

    name: dict[str, str]
    category: str  # English name of the category it is offered first for, "" for every case
    text: dict[str, str]


SAVED_REPLIES: tuple[SavedReply, ...] = (
    SavedReply(
        {
            "en": "Late delivery: apology",
            "ko": "배송 지연 사과",
            "ja": "配送遅延のお詫び",
            "zh-hans": "配送延迟致歉",
        },
        "Late delivery",
        {
            "en": "Dear {name}, we're sorry your order is late. We've asked the courier for a firm delivery "
            "date and will tell you as soon as we have it ({reference}). {agent}",
            "ko": "{name}님, 주문하신 상품의 배송이 늦어져 정말 죄송합니다. 택배사에 정확한 도착일을 확인 중이며, "
            "확인되는 대로 바로 알려 드리겠습니다({reference}). 담당 {agent} 드림",
            "ja": "{name}様、ご注文の商品のお届けが遅れており、誠に申し訳ございません。配送業者に到着日を確認しており、"
            "分かり次第すぐにご連絡いたします({reference})。担当:{agent}",
            "zh-hans": "{name}您好,您的订单配送延迟,我们深表歉意。我们正在向快递公司确认送达日期,"
            "一有消息会立即通知您({reference})。{agent}",
        },
    ),
    SavedReply(
        {
            "en": "Damaged item: photo please",
            "ko": "파손 상품 사진 요청",
            "ja": "破損品の写真のお願い",
            "zh-hans": "破损商品照片",
        },
        "Damaged",
        {
            "en": "Dear {name}, we're sorry the item arrived damaged. Could you send us a photo of the damage "
            "and of the box? We'll arrange a replacement right away. {agent}",
            "ko": "{name}님, 상품이 파손된 채 도착해 정말 죄송합니다. 파손 부위와 상자 사진을 보내 주시면 바로 "
            "교환해 드리겠습니다. 담당 {agent} 드림",
            "ja": "{name}様、商品が破損した状態で届き、誠に申し訳ございません。お手数ですが、破損箇所と箱の写真を"
            "お送りいただけますでしょうか。すぐに交換の手配をいたします。担当:{agent}",
            "zh-hans": "{name}您好,商品到货时已损坏,非常抱歉。请您发送损坏部位和包装箱的照片,"
            "我们会立即为您安排换货。{agent}",
        },
    ),
    SavedReply(
        {
            "en": "Refund under way",
            "ko": "환불 진행 안내",
            "ja": "返金手続きのご案内",
            "zh-hans": "退款处理中",
        },
        "Billing",
        {
            "en": "Dear {name}, your refund is under way: it reaches your card within 3 to 5 business days. "
            "Thank you for your patience. {agent}",
            "ko": "{name}님, 환불이 진행 중입니다. 영업일 기준 3~5일 안에 카드로 환불됩니다. 기다려 주셔서 "
            "감사합니다. 담당 {agent} 드림",
            "ja": "{name}様、返金のお手続きを進めております。3〜5営業日以内にカードへ返金されます。"
            "今しばらくお待ちくださいませ。担当:{agent}",
            "zh-hans": "{name}您好,您的退款正在处理中,将在3至5个工作日内退回您的银行卡。感谢您的耐心等待。{agent}",
        },
    ),
    SavedReply(
        {
            "en": "Thank you: case resolved",
            "ko": "처리 완료 감사 인사",
            "ja": "解決のご報告",
            "zh-hans": "问题已解决",
        },
        "",
        {
            "en": "Dear {name}, thank you for letting us put this right. We've closed {reference}; if anything "
            "is still not as it should be, just reply to this message. {agent}",
            "ko": "{name}님, 문제를 바로잡을 기회를 주셔서 감사합니다. {reference} 건은 처리 완료되었습니다. "
            "혹시 불편한 점이 남아 있으면 이 메시지에 답장해 주세요. 담당 {agent} 드림",
            "ja": "{name}様、この度は改善の機会をいただき、ありがとうございました。{reference}の件は解決として"
            "承りました。まだ気になる点がございましたら、このメッセージにご返信ください。担当:{agent}",
            "zh-hans": "{name}您好,感谢您给我们改正的机会。{reference}已处理完毕;如仍有任何问题,"
            "请直接回复此消息。{agent}",
        },
    ),
)


# --- a customer who writes twice, and a problem told before anyone asks ----------------------------------

# The e-mail a customer sends about a case they filed another way, an hour later: the agent merges it.
DUPLICATE: dict[str, tuple[str, str]] = {
    "ko": (
        "{summary} (다시 문의드립니다)",
        "앞서 문의드린 건과 같은 내용입니다. 혹시 접수가 안 됐을까 봐 메일로도 보냅니다.",
    ),
    "ja": (
        "{summary}(再度のお問い合わせ)",
        "先ほどお問い合わせした件と同じ内容です。届いていないかもしれないので、メールでもお送りします。",
    ),
    "en": (
        "{summary} (writing again)",
        "This is about the same problem I reported earlier. Sending it by e-mail too in case it got lost.",
    ),
}
DUPLICATE_NOTE = {
    "en": "The same problem, written again by e-mail",
    "ko": "같은 문제로 메일을 다시 보내셨습니다",
    "ja": "同じ件でメールが再度届きました",
    "zh-hans": "同一问题,客户又发了邮件",
}

# A delivery delay on the desk's side, told to the buyers of one item of the last days before they ask.
NOTICE_TITLE = {
    "en": "Your order may arrive a day or two late",
    "ko": "주문하신 상품이 하루 이틀 늦게 도착할 수 있습니다",
    "ja": "ご注文の商品のお届けが1〜2日遅れる場合があります",
    "zh-hans": "您的订单可能会晚一两天送达",
}
NOTICE_MESSAGE = {
    "en": "Our warehouse is moving this week, and some parcels leave a day or two later than we promised. "
    "We are sorry: you do not need to do anything, and your order is on its way.",
    "ko": "이번 주 물류센터 이전으로 일부 상품의 출고가 약속드린 날보다 하루 이틀 늦어지고 있습니다. "
    "불편을 드려 죄송합니다. 따로 하실 일은 없으며, 주문하신 상품은 곧 발송됩니다.",
    "ja": "今週は倉庫の移転のため、一部の商品の出荷がお約束より1〜2日遅れています。"
    "ご迷惑をおかけし申し訳ございません。お手続きは不要で、ご注文の商品は順次お届けします。",
    "zh-hans": "本周仓库搬迁,部分包裹的发货比承诺晚一两天。给您带来不便,深表歉意。您无需任何操作,订单正在发出。",
}
NOTICE_DAYS = 3  # the buyers of the item over the period's last days are told
