"""Every screen is offered in English, Korean, Japanese and Simplified Chinese: the catalogues must be complete."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
_ENTRY = re.compile(
    r'^msgid "(.*)"\n((?:".*"\n)*)(?:msgid_plural .*\n(?:".*"\n)*)?msgstr(?:\[0\])? "(.*)"\n((?:".*"\n)*)',
    re.M,
)


def _untranslated(po: Path) -> list[str]:
    text = po.read_text(encoding="utf-8")
    missing = []
    for match in _ENTRY.finditer(text):
        msgid = match.group(1) + "".join(re.findall(r'"(.*)"', match.group(2)))
        msgstr = match.group(3) + "".join(re.findall(r'"(.*)"', match.group(4)))
        if msgid and not msgstr:
            missing.append(msgid)
    return missing


def test_there_is_a_catalogue_for_each_language_but_english():
    assert {po.parent.parent.name for po in CATALOGUES} == {"ko", "ja", "zh_Hans"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parent.parent.name)
def test_every_string_is_translated_and_none_is_fuzzy(po):
    assert _untranslated(po) == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parent.parent.name)
def test_the_compiled_catalogue_matches_its_source(po, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed (make test installs it)")
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        "run `make messages` and commit the .mo"
    )


@pytest.mark.parametrize("language", ["ko", "ja", "zh-hans"])
def test_the_console_speaks_each_language(language):
    with translation.override(language):
        assert translation.gettext("Customers") != "Customers"
