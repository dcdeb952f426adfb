"""Optional: let an OpenAI-compatible endpoint polish the story's wording, facts kept.

Off by default: nothing is sent anywhere unless the caller passes an endpoint. The
reply is accepted only if it keeps every citation ``[n]``, adds no number and no
quoted phrase that the evidenced story did not have; otherwise the original story
is kept. Uses the Chat Completions request shape (``POST {endpoint}/chat/completions``).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from rashinban._errors import ConfigError
from rashinban.personas._card import PersonaCard

_CITE = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r"「([^」]*)」")

_INSTRUCTIONS = {
    "ja": (
        "次のペルソナの物語を、読みやすい自然な日本語に整えてください。"
        "事実を足さないこと。[1] などの出典番号、数字、「」内の語句はそのまま残すこと。"
        "本文だけを返すこと。"
    ),
    "en": (
        "Polish the wording of this persona story in plain English. Add no facts. Keep every "
        "citation like [1], every number and every quoted phrase exactly. Reply with the text only."
    ),
}


@dataclass(frozen=True)
class Rewrite:
    """The story to show and whether the endpoint's wording was accepted (and why not)."""

    text: str
    accepted: bool
    reason: str = ""


def check_rewrite(original: str, rewritten: str) -> str:
    """Why ``rewritten`` may not replace ``original`` ("" when it may).

    Examples
    --------
    >>> check_rewrite("受注率 40%[1]。", "受注率は40%です[1]。")
    ''
    >>> check_rewrite("受注率 40%[1]。", "受注率は45%です[1]。")
    'new number 45'
    """
    if sorted(_CITE.findall(original)) != sorted(_CITE.findall(rewritten)):
        return "citations changed"
    plain_o, plain_r = _CITE.sub("", original), _CITE.sub("", rewritten)
    known_numbers = set(_NUMBER.findall(plain_o))
    for n in _NUMBER.findall(plain_r):
        if n not in known_numbers:
            return f"new number {n}"
    for q in _QUOTED.findall(plain_r):
        if q not in plain_o:
            return f"new quoted phrase {q}"
    return ""


def rewrite_story(
    card: PersonaCard,
    *,
    endpoint: str,
    model: str,
    api_key: str | None = None,
    lang: str = "ja",
    timeout: float = 30.0,
) -> Rewrite:
    """Ask ``endpoint`` to reword the card's story; keep the original unless facts survive.

    Examples
    --------
    >>> url = "http://127.0.0.1:8000/v1"
    >>> r = rewrite_story(card, endpoint=url, model="local")  # doctest: +SKIP
    >>> r.accepted, r.text  # doctest: +SKIP
    """
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigError(
            f"ストーリーの接続先 {endpoint!r} は http(s) のURLではありません / "
            f"story endpoint {endpoint!r} is not an http(s) URL",
            fix="http://127.0.0.1:8000/v1 のように指定してください / "
            "pass e.g. http://127.0.0.1:8000/v1",
        )
    original = card.story_text(lang)
    body = json.dumps(
        {
            "model": model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _INSTRUCTIONS.get(lang, _INSTRUCTIONS["ja"])},
                {"role": "user", "content": original},
            ],
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        endpoint.rstrip("/") + "/chat/completions", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            payload = json.loads(reply.read().decode("utf-8"))
        text = str(payload["choices"][0]["message"]["content"]).strip()
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError, IndexError) as exc:
        raise ConfigError(
            f"ストーリーの接続先 {endpoint} から使える応答がありませんでした / "
            f"the story endpoint {endpoint} did not give a usable answer ({exc})",
            fix="URLとモデルを確かめるか、書き直しを使わずに実行してください / "
            "check the URL and model, or leave the rewrite off",
        ) from None
    why = check_rewrite(original, text)
    if why:
        return Rewrite(original, False, why)
    return Rewrite(text, True)
