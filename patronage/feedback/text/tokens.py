"""Answers to lemma tokens, one tokeniser per language (decision 0026).

English by a regular expression, Korean by kiwipiepy, Japanese by SudachiPy (sudachidict-core, mode C),
Chinese by jieba. Each keeps the words that carry meaning (nouns, verbs, adjectives in their dictionary
forms), and always keeps negation (it turns "good" around) and contrast words (`sentiment` weighs the
clause after the last one), written as the fixed tokens `NEGATION` and `CONTRAST` stand for so that the
models see one spelling per language.
"""

from __future__ import annotations

import atexit
import functools
import logging
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from patronage.core.errors import ApplicationError

LANGUAGES = ("en", "ko", "ja", "zh")
NEGATION = "<not>"
CONTRAST = "<but>"
# Emoji and the pictographs around them carry feeling in every language; each is kept as a token.
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_EMOJI_MODIFIERS = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


class TextMethodMissing(ApplicationError):
    """The optional extra `patronage[text]` (the tokenisers) is not installed."""

    status = 503
    code = "text_method_missing"


def language_of(text: str) -> str:
    """The answer's language by its script: Hangul is Korean, kana Japanese, Han without kana Chinese,
    anything else English (the one Latin-script language we read)."""
    hangul = kana = han = 0
    for character in text:
        point = ord(character)
        if 0xAC00 <= point <= 0xD7A3 or 0x3130 <= point <= 0x318F:
            hangul += 1
        elif 0x3040 <= point <= 0x30FF:
            kana += 1
        elif 0x4E00 <= point <= 0x9FFF:
            han += 1
    if hangul and hangul >= kana:
        return "ko"
    if kana:
        return "ja"
    return "zh" if han else "en"


def tokens(text: str, language: str, *, cache_folder: Path | None = None) -> list[str]:
    """One answer's tokens; see `tokens_many`."""
    return tokens_many([text], language, cache_folder=cache_folder)[0]


def tokens_many(texts: Sequence[str], language: str, *, cache_folder: Path | None = None) -> list[list[str]]:
    """The tokens of each answer, in order. `cache_folder` holds jieba's prefix dictionary (Chinese); by
    default the project's data folder (settings.VAR_DIR), never the shared temporary folder."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    if language == "en":
        return [_english(text) for text in texts]
    if language == "ko":
        return _korean(texts)
    if language == "ja":
        tokenizer = _sudachi()
        return [_japanese(tokenizer, text) for text in texts]
    tokenizer = _jieba(cache_folder or _data_folder())
    return [_chinese(tokenizer, text) for text in texts]


def _emoji(text: str) -> list[str]:
    return EMOJI.findall(_EMOJI_MODIFIERS.sub("", text))


def _import(module: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as error:
        raise TextMethodMissing(
            f"The text method needs {module.split('.')[0]}: pip install 'patronage[text]'"
        ) from error


# English ---------------------------------------------------------------------------------------------

_ENGLISH_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_TYPOGRAPHIC_APOSTROPHE = "\u2019"
_ENGLISH_NEGATIONS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "nor", "cannot", "without"}
)
_ENGLISH_CONTRASTS = frozenset({"but", "however", "though", "although", "yet", "unfortunately"})
# Function words only: what a theme's name or a sentiment should never rest on.
_ENGLISH_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "i",
        "i'm",
        "i've",
        "i'd",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "his",
        "her",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "so",
        "if",
        "then",
        "than",
        "too",
        "also",
        "just",
        "very",
        "really",
        "will",
        "would",
        "can",
        "could",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "some",
        "such",
        "own",
        "same",
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
        "m",
        "o",
        "about",
        "into",
        "over",
        "out",
        "up",
        "down",
        "again",
        "once",
        "only",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "off",
    ]
)


def _english(text: str) -> list[str]:
    found: list[str] = []
    for word in _ENGLISH_WORD.findall(text.lower().replace(_TYPOGRAPHIC_APOSTROPHE, "'")):
        if word.endswith("n't") or word in _ENGLISH_NEGATIONS:
            found.append(NEGATION)
        elif word in _ENGLISH_CONTRASTS:
            found.append(CONTRAST)
        elif word not in _ENGLISH_STOP and not word.isdigit():
            found.append(word)
    return found + _emoji(text)


# Korean ----------------------------------------------------------------------------------------------

# Nouns, verbs, adjectives, roots, foreign words, and adverbs (안, 못, 너무, 정말: negation and degree).
_KOREAN_CONTENT = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SL", "MAG"})
_KOREAN_NEGATIONS = frozenset({"안", "못", "않다", "없다", "아니다", "말다"})
_KOREAN_CONTRASTS = frozenset({"지만", "하지만", "그런데", "근데", "그러나", "그렇지만", "는데", "은데"})
# Crying and laughing written in jamo (ㅠㅠ, ㅋㅋㅋ): a sign of feeling, spelled many lengths.
_KOREAN_JAMO_FEELING = re.compile(r"^([ㅠㅜㅋㅎ])\1*$")


@functools.cache
def _kiwi() -> Any:
    # One thread per core: the batch call spreads the answers over them (decision 0026: 2 workers).
    return _import("kiwipiepy").Kiwi(num_workers=-1)


def _korean(texts: Sequence[str]) -> list[list[str]]:
    if not texts:
        return []
    return [
        _korean_tokens(analysed, text)
        for analysed, text in zip(_kiwi().tokenize(list(texts)), texts, strict=True)
    ]


def _korean_tokens(analysed: Iterable[Any], text: str) -> list[str]:
    found: list[str] = []
    for token in analysed:
        lemma = token.lemma if token.tag in ("VV", "VA", "VX", "VCN") else token.form
        if lemma in _KOREAN_NEGATIONS and token.tag in ("MAG", "VA", "VX", "VCN"):
            found.append(NEGATION)
        elif token.form in _KOREAN_CONTRASTS and token.tag in ("EC", "MAJ"):
            found.append(CONTRAST)
        elif token.tag in _KOREAN_CONTENT:
            found.append(lemma.lower())
        elif token.tag == "SW" and (jamo := _KOREAN_JAMO_FEELING.match(token.form)):
            found.append(jamo.group(1) * 2)
    return found + _emoji(text)


# Japanese --------------------------------------------------------------------------------------------

_JAPANESE_CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "感動詞"})
# ない as an auxiliary or an adjective, ぬ (ません), ず: each is a negation.
_JAPANESE_NEGATIONS = frozenset({"ない", "ぬ", "ず", "無い"})
_JAPANESE_CONTRASTS = frozenset(
    {"けど", "けれど", "けれども", "が", "のに", "しかし", "でも", "ただ", "だが"}
)
# Verbs and nouns of grammar rather than meaning (する, いる, こと): in every answer, about nothing.
_JAPANESE_STOP = frozenset(
    {
        "する",
        "いる",
        "ある",
        "なる",
        "れる",
        "られる",
        "おる",
        "こと",
        "もの",
        "よう",
        "ところ",
        "これ",
        "それ",
        "あれ",
        "ここ",
        "そこ",
        "私",
        "僕",
        "自分",
        "方",
        "の",
        "さん",
        "とても",
    }
)


@functools.cache
def _sudachi() -> Any:
    sudachipy = _import("sudachipy")
    _import("sudachidict_core")
    return sudachipy.Dictionary(dict="core").tokenizer(mode=sudachipy.SplitMode.C)


def _japanese(tokenizer: Any, text: str) -> list[str]:
    found: list[str] = []
    for morpheme in tokenizer.tokenize(text):
        part = morpheme.part_of_speech()
        lemma = morpheme.dictionary_form()
        if lemma in _JAPANESE_NEGATIONS and part[0] in ("助動詞", "形容詞"):
            found.append(NEGATION)
        elif lemma in _JAPANESE_CONTRASTS and (part[1] == "接続助詞" or part[0] == "接続詞"):
            found.append(CONTRAST)
        elif part[0] in _JAPANESE_CONTENT and lemma not in _JAPANESE_STOP and part[1] != "数詞":
            found.append(lemma.lower())
    return found + _emoji(text)


# Chinese ---------------------------------------------------------------------------------------------

_CHINESE_NEGATIONS = frozenset({"不", "没", "没有", "别", "无", "未", "不是", "不会", "不能", "不要"})
_CHINESE_CONTRASTS = frozenset({"但", "但是", "可是", "不过", "然而", "却", "只是"})
_CHINESE_STOP = frozenset(
    [
        "的",
        "了",
        "是",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "他们",
        "在",
        "也",
        "就",
        "都",
        "和",
        "与",
        "及",
        "还",
        "又",
        "把",
        "被",
        "给",
        "对",
        "从",
        "这",
        "那",
        "这个",
        "那个",
        "这次",
        "一个",
        "有",
        "吧",
        "吗",
        "呢",
        "啊",
        "呀",
        "哦",
        "嗯",
        "啦",
        "着",
        "过",
        "得",
        "地",
        "之",
        "而",
        "或",
        "让",
        "去",
        "来",
        "说",
        "会",
        "要",
        "能",
        "上",
        "下",
        "里",
        "中",
        "等",
    ]
)
_CHINESE_WORD = re.compile(r"[\w\u4e00-\u9fff]")


@functools.cache
def _jieba(cache_folder: Path) -> Any:
    jieba = _import("jieba")
    # jieba prints its loading messages to stderr at INFO; ours to log, not to a person's terminal.
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # The prefix dictionary (9 MB) is built on first use and cached as a file; by default in the shared
    # /tmp, where another user's file could be read or a read-only /tmp fails. A folder of ours instead.
    cache_folder.mkdir(parents=True, exist_ok=True)
    tokenizer.tmp_dir = str(cache_folder)
    tokenizer.initialize()
    return tokenizer


def _chinese(tokenizer: Any, text: str) -> list[str]:
    found: list[str] = []
    for word in tokenizer.lcut(text):
        word = word.strip().lower()
        if word in _CHINESE_NEGATIONS:
            found.append(NEGATION)
        elif word in _CHINESE_CONTRASTS:
            found.append(CONTRAST)
        elif word and word not in _CHINESE_STOP and _CHINESE_WORD.match(word) and not word.isdigit():
            found.append(word)
    return found + _emoji(text)


def _data_folder() -> Path:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return Path(settings.VAR_DIR) / "text"
    except ImproperlyConfigured:
        return _private_folder()


@functools.cache
def _private_folder() -> Path:
    """Outside Django (a script without settings): a folder of this process's own, removed at exit."""
    folder = tempfile.mkdtemp(prefix="patronage-text-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)
