# ruff: noqa: RUF001 -- Chinese and Japanese are written with full-width commas and question marks.
"""The words of the demo's surveys: their questions in four languages and the customers' free-text answers.

The answers are written for the demo, apart from the labelled sample the text method is measured on
(patronage/feedback/text_samples/), so the demo never shows the method the rows it is judged by. Each
answer is about one theme and carries a feeling: the demo plants them with the scores they go with, and its
tests find the themes again.
"""

from __future__ import annotations

from dataclasses import dataclass

VISIT_TITLE = {
    "en": "How was your visit?",
    "ko": "방문은 어떠셨나요?",
    "ja": "ご来店はいかがでしたか？",
    "zh-hans": "您这次光临感觉如何？",
}
VISIT_INTRO = {
    "en": "Four short questions. Your answers go straight to the people who run the shop.",
    "ko": "짧은 질문 네 가지입니다. 답변은 매장을 운영하는 담당자에게 바로 전달됩니다.",
    "ja": "4つの短い質問です。ご回答は店舗の責任者に直接届きます。",
    "zh-hans": "只有四个简短的问题，您的回答会直接交给门店负责人。",
}
QUESTIONS = {
    "nps": {
        "en": "How likely are you to recommend us to a friend?",
        "ko": "친구에게 저희를 추천하실 가능성은 얼마나 되십니까?",
        "ja": "当店をご友人に勧める可能性はどのくらいありますか？",
        "zh-hans": "您向朋友推荐我们的可能性有多大？",
    },
    "why": {
        "en": "What should we have done better?",
        "ko": "저희가 무엇을 더 잘했어야 했을까요?",
        "ja": "私どもは何を改善すべきでしたか？",
        "zh-hans": "我们哪些地方本该做得更好？",
    },
    "csat": {
        "en": "How satisfied are you with the staff?",
        "ko": "직원 응대에 얼마나 만족하셨습니까?",
        "ja": "スタッフの対応にどの程度満足されましたか？",
        "zh-hans": "您对店员的服务满意吗？",
    },
    "visit": {
        "en": "What did you come for?",
        "ko": "어떤 일로 방문하셨나요?",
        "ja": "ご来店の目的は何でしたか？",
        "zh-hans": "您这次来是为了什么？",
    },
    "more": {
        "en": "Anything else you would like to tell us?",
        "ko": "그 밖에 하고 싶은 말씀이 있으신가요?",
        "ja": "その他、お伝えになりたいことはありますか？",
        "zh-hans": "还有什么想告诉我们的吗？",
    },
}
VISIT_CHOICES = {
    "buy": {"en": "To buy", "ko": "구매", "ja": "購入", "zh-hans": "购物"},
    "repair": {"en": "A repair or exchange", "ko": "수리·교환", "ja": "修理・交換", "zh-hans": "维修或换货"},
    "look": {"en": "To look around", "ko": "구경", "ja": "見学", "zh-hans": "随便看看"},
}
CASE_TITLE = {
    "en": "How did we handle your case?",
    "ko": "접수하신 건은 잘 처리되었나요?",
    "ja": "お問い合わせへの対応はいかがでしたか？",
    "zh-hans": "我们对您的问题处理得怎么样？",
}
CASE_QUESTION = {
    "en": "How satisfied are you with how we handled it?",
    "ko": "처리 과정에 얼마나 만족하셨습니까?",
    "ja": "対応にどの程度ご満足いただけましたか？",
    "zh-hans": "您对我们的处理满意吗？",
}


@dataclass(frozen=True)
class Said:
    theme: str  # delivery, staff, price, app
    feeling: str  # positive or negative
    text: str


# Per language, per theme: two pleased answers and two unhappy ones.
ANSWERS: dict[str, list[Said]] = {
    "en": [
        Said(
            "delivery", "positive", "The sofa came a day early and the two movers carried it upstairs for me."
        ),
        Said("delivery", "positive", "Delivery was on time and the driver phoned ahead, very handy."),
        Said("delivery", "negative", "The delivery slot was missed twice and nobody called to say why."),
        Said("delivery", "negative", "My parcel sat at the depot for a week before the delivery came."),
        Said("staff", "positive", "The assistant in the kitchen section knew every model and was patient."),
        Said("staff", "positive", "Friendly staff at the till, they even helped me to the car."),
        Said("staff", "negative", "The staff ignored me for ten minutes while they chatted."),
        Said("staff", "negative", "I asked the staff twice about sizes and got two different answers."),
        Said("price", "positive", "Prices were lower than the outlet across town, a pleasant surprise."),
        Said("price", "positive", "Good price for the quality, and the member price made it better."),
        Said("price", "negative", "The price on the shelf was not the price at the till."),
        Said("price", "negative", "Too expensive now, the same lamp cost much less last spring."),
        Said("app", "positive", "The app showed my points and the coupon worked at once."),
        Said("app", "positive", "Ordering in the app and collecting in store was quick and easy."),
        Said("app", "negative", "The app logged me out at checkout and my basket was gone."),
        Said("app", "negative", "The app keeps crashing when I open my order history."),
    ],
    "ko": [
        Said("delivery", "positive", "배송 기사님이 미리 전화 주시고 약속 시간에 정확히 오셨어요."),
        Said("delivery", "positive", "주문 다음 날 바로 배송돼서 주말에 잘 썼습니다."),
        Said("delivery", "negative", "배송이 사흘이나 늦었는데 아무 연락도 없었습니다."),
        Said("delivery", "negative", "배송 중에 상자가 찌그러져서 왔어요. 포장이 너무 부실합니다."),
        Said("staff", "positive", "직원분이 제품 차이를 차근차근 설명해 주셔서 고르기 쉬웠어요."),
        Said("staff", "positive", "계산대 직원이 친절하게 포인트 적립까지 챙겨 주셨습니다."),
        Said("staff", "negative", "직원에게 질문했더니 귀찮다는 표정으로 대답하더군요."),
        Said("staff", "negative", "매장에 직원이 한 명뿐이라 한참을 기다렸습니다."),
        Said("price", "positive", "회원가로 사니까 온라인 최저가보다도 저렴했어요."),
        Said("price", "positive", "가격 대비 품질이 좋아서 또 사려고 합니다."),
        Said("price", "negative", "진열대 가격표와 계산된 가격이 달랐습니다."),
        Said("price", "negative", "작년보다 가격이 너무 많이 올라서 부담스럽네요."),
        Said("app", "positive", "앱에서 포인트 확인하고 쿠폰 쓰는 게 정말 편해요."),
        Said("app", "positive", "앱으로 주문하고 매장에서 찾아가니 금방이었어요."),
        Said("app", "negative", "앱이 결제 단계에서 자꾸 멈춰서 주문을 못 했어요."),
        Said("app", "negative", "앱 업데이트 후로 로그인이 계속 풀립니다."),
    ],
    "ja": [
        Said("delivery", "positive", "配送の方が事前に電話をくださり、時間どおりに届きました。"),
        Said("delivery", "positive", "注文の翌日に届いたので週末に間に合いました。"),
        Said("delivery", "negative", "配送が三日も遅れたのに、何の連絡もありませんでした。"),
        Said("delivery", "negative", "配送中に箱がつぶれて届きました。梱包が雑だと思います。"),
        Said("staff", "positive", "スタッフの方が製品の違いを丁寧に説明してくれて選びやすかったです。"),
        Said("staff", "positive", "レジのスタッフがポイントのことまで親切に教えてくれました。"),
        Said("staff", "negative", "スタッフに質問したら面倒そうな態度で答えられました。"),
        Said("staff", "negative", "スタッフが一人しかおらず、かなり待たされました。"),
        Said("price", "positive", "会員価格のおかげで通販の最安値より安く買えました。"),
        Said("price", "positive", "値段の割に品質が良いので、また買うつもりです。"),
        Said("price", "negative", "棚の値札とレジの価格が違っていました。"),
        Said("price", "negative", "去年より価格がかなり上がっていて手が出ません。"),
        Said("app", "positive", "アプリでポイントを確認してクーポンを使えるのがとても便利です。"),
        Said("app", "positive", "アプリで注文して店舗で受け取ったら、すぐに済みました。"),
        Said("app", "negative", "アプリが決済の画面で止まってしまい注文できませんでした。"),
        Said("app", "negative", "アプリを更新してからログインが何度も切れます。"),
    ],
    "zh-hans": [
        Said("delivery", "positive", "送货师傅提前打了电话，准时送到了家。"),
        Said("delivery", "positive", "下单第二天就送到了，周末正好用上。"),
        Said("delivery", "negative", "送货晚了三天，也没有人通知我原因。"),
        Said("delivery", "negative", "送货过程中箱子被压坏了，包装太随便了。"),
        Said("staff", "positive", "店员耐心地讲解了每款产品的区别，很容易选择。"),
        Said("staff", "positive", "收银的店员很热情，还提醒我领取会员积分。"),
        Said("staff", "negative", "问店员问题时，对方一脸不耐烦。"),
        Said("staff", "negative", "店里只有一个店员，我等了很久才有人理我。"),
        Said("price", "positive", "用会员价买比网上最低价还便宜。"),
        Said("price", "positive", "价格实惠，质量也好，还会再来买。"),
        Said("price", "negative", "货架上的价格和收银台的价格不一样。"),
        Said("price", "negative", "价格比去年涨了太多，有点买不起了。"),
        Said("app", "positive", "在应用里查积分、用优惠券都特别方便。"),
        Said("app", "positive", "在应用上下单再到店自取，很快就搞定了。"),
        Said("app", "negative", "应用在付款页面总是卡住，没法下单。"),
        Said("app", "negative", "应用更新以后老是自动退出登录。"),
    ],
}

# The advisory meetings: a panel held a few days before the period's end, and one planned after it.
HELD_MEETING_TITLE = {
    "en": "Regulars' panel: our shop through your eyes",
    "ko": "단골 고객 간담회: 고객님의 눈으로 본 우리 매장",
    "ja": "常連のお客様座談会：お客様の目から見た当店",
    "zh-hans": "常客座谈会：您眼中的我们",
}
PLANNED_MEETING_TITLE = {
    "en": "Tasting panel: the spring menu",
    "ko": "시음 간담회: 봄 메뉴",
    "ja": "試飲座談会：春のメニュー",
    "zh-hans": "试饮座谈会：春季菜单",
}
MEETING_AGENDA = {
    "en": "What brings you back, what almost kept you away, and one thing you would change.",
    "ko": "다시 찾아오시는 이유, 발길을 돌릴 뻔한 순간, 바꾸고 싶은 한 가지.",
    "ja": "また来たくなる理由、足が遠のきかけた理由、そして一つ変えたいこと。",
    "zh-hans": "是什么让您一再光临，什么差点让您不再来，以及您最想改变的一件事。",
}
# What the manager wrote down, in the business's main language: the meeting's notes and each guest's words.
MEETING_NOTES = {
    "en": "Waiting at the till at lunch came up from everyone; the loyalty card is liked but its app is slow.",
    "ko": "점심시간 계산대 대기는 모두가 지적했습니다. 멤버십 카드는 좋지만 앱이 느리다는 의견입니다.",
    "ja": "昼のレジ待ちは全員が挙げました。ポイントカードは好評ですが、アプリが遅いとの声です。",
    "zh-hans": "午间收银排队是大家共同提到的问题；会员卡受欢迎，但应用太慢。",
}
GUEST_NOTES = {
    "en": (
        "Comes for the staff; would come more often with a second till at lunch.",
        "The app takes too long to show the points; uses the plastic card instead.",
        "Wants a quieter corner to work in the afternoon.",
        "The delivery that went wrong was handled well in the end, but it took three calls.",
    ),
    "ko": (
        "직원 때문에 찾아오신다고 합니다. 점심에 계산대가 하나 더 있으면 더 자주 오시겠답니다.",
        "앱에서 포인트가 늦게 떠서 실물 카드를 쓰신다고 합니다.",
        "오후에 일할 수 있는 조용한 자리를 원하십니다.",
        "잘못된 배송은 결국 잘 해결됐지만 전화를 세 번이나 하셔야 했습니다.",
    ),
    "ja": (
        "スタッフが目当てで来店。昼にレジがもう一つあればもっと来るとのこと。",
        "アプリのポイント表示が遅く、プラスチックのカードを使っているそうです。",
        "午後に作業できる静かな席が欲しいとのこと。",
        "配送の不具合は最終的にうまく対応されたが、三回も電話が必要だったとのこと。",
    ),
    "zh-hans": (
        "为店员而来；午间若多一个收银台会来得更勤。",
        "应用显示积分太慢，所以改用实体卡。",
        "希望下午有个安静的角落可以办公。",
        "配送出错最后处理得不错，但打了三次电话。",
    ),
}
