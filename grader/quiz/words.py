"""Counted nouns in messages: "1 answer", "2 answers", never "1 answers"."""


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"
