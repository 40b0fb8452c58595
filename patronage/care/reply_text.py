"""The placeholders of saved replies: which there are, which a text uses that are not, and a text filled in.

Pure: no database. A placeholder is a word in braces (`{name}`); a brace on its own is text. Filling is one
pass over the saved text, so braces in what is filled in (a customer named "{agent}") stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

NAME, REFERENCE, AGENT, BUSINESS = "name", "reference", "agent", "business"
PLACEHOLDERS = (NAME, REFERENCE, AGENT, BUSINESS)
_PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")


def placeholders_unknown(text: str) -> list[str]:
    """The placeholders `text` uses that are none of PLACEHOLDERS, each once, as written (`{nmae}`)."""
    found = (
        f"{{{match.group(1)}}}" for match in _PLACEHOLDER.finditer(text) if match.group(1) not in PLACEHOLDERS
    )
    return list(dict.fromkeys(found))


def reply_template_fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value; one without a value is left as written."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)
