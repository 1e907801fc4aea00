"""Reading the HTML of a response as assistive technology does."""

from collections import Counter
from html.parser import HTMLParser


class ButtonNames(HTMLParser):
    """The text of every button of a page, hidden-for-sight spans included (as a screen reader
    reads them)."""

    def __init__(self):
        super().__init__()
        self.names, self._current = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "button":
            self._current = []

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag):
        if tag == "button" and self._current is not None:
            self.names.append(" ".join("".join(self._current).split()))
            self._current = None


def button_names(response) -> list[str]:
    assert response.status_code == 200
    parser = ButtonNames()
    parser.feed(response.content.decode())
    return parser.names


def repeated_names(response) -> list[str]:
    return [name for name, count in Counter(button_names(response)).items() if count > 1]
