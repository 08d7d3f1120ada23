"""Building wrong student folders from the course's solutions."""


def edit(folder, file, old, new):
    """Replaces one snippet of a student's file; fails loudly if the snippet is not there."""
    path = folder / file
    text = path.read_text()
    assert old in text, f"{file}: {old!r} not found"
    path.write_text(text.replace(old, new, 1))
