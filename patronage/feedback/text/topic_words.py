"""Words that say nothing about what an answer is about, per language, as the tokenisers write them.

A theme is a topic a manager acts on (deliveries, prices, the app), not a feeling: so the themes leave
out the feeling words of `polarity` and these generic ones (light verbs, degree and time words, counters),
which otherwise lead the names ("하다 · 있다", "到 · 才") and pull unrelated answers together. Written
from general knowledge of each language (decision 0026); sentiment still reads every word.
"""

from __future__ import annotations


def _words(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


GENERIC_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """get got gets getting go goes went gone going come comes came coming make makes made take takes
        took taken give gave given put like one two three four five time times thing things stuff still even
        much many well back ok okay bit lot lots way want wanted need needs needed said say says tell told
        ask asked know knew think thought see saw seen look looked looks day days week weeks month months
        year years today yesterday first last next new old little big small long already ever always usually
        maybe though anyway everything something anything nothing someone anyone everyone please thanks
        thank yes yeah oh"""
    ),
    "ko": _words(
        """하다 있다 되다 없다 않다 같다 보다 주다 오다 가다 받다 싶다 알다 모르다 말다 버리다 두다 놓다 드리다
        너무 잘 다 좀 정말 진짜 그냥 더 또 안 못 때 것 수 번 거 게 분 이번 저번 항상 계속 완전 많이 조금 제일 가장
        그리고 그래서 근데 그런데 이제 벌써 아직 다시 처음 매번 요즘 오늘 어제 하루 이틀 감사 감사하다"""
    ),
    "ja": _words(
        """する ある いる なる くる 来る できる 思う いう 言う もらえる くれる もらう いただく くださる すぎる 分かる
        見る 行く てる おる ちょっと とても すごい 本当 もう まだ また ぜひ 時 こと もの 方 感じ 今回 前回 いつも
        毎回 最近 今日 昨日 初めて 一度 何度 ありがとう ございます"""
    ),
    "zh": _words(
        """到 才 比 一 就是 很 太 可以 会 能 看 还 都 也 就 说 让 给 被 把 有 没 是 了 的 得 地 着 过 我 你 他 她 我们
        你们 他们 这 那 这个 那个 这次 上次 又 再 真的 真 非常 特别 一直 一下 一个 次 时候 东西 感觉 觉得 现在 已经
        还是 但 而且 然后 今天 昨天 每次 第一次 谢谢"""
    ),
}
