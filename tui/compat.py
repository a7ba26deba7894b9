"""Guards around Textual widget behaviour that would otherwise end the app with a traceback.

Found by the random-walk test (tests/test_random_walk.py); each guard is the smallest change that
keeps the widget's own behaviour, and names the Textual version it was seen with.
"""
from __future__ import annotations

from asyncio import CancelledError

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.message_pump import MessagePump
from textual.widgets import Header, OptionList
from textual.widgets._header import HeaderTitle

_move_page = OptionList._move_page


def _move_page_when_laid_out(self: OptionList, direction) -> None:  # type: ignore[no-untyped-def]
    # Textual 8.2: page up/down on an option list that has no size yet (a drop-down pressed open
    # and paged in the same instant) looks up a line map that is still empty and raises KeyError.
    # Before the first layout there is no page to move by: the key does nothing, as it would on
    # an empty list.
    if not self.scrollable_content_region:
        return
    try:
        _move_page(self, direction)
    except KeyError:
        return


def _header_on_mount(self: Header, _: Mount) -> None:
    # Textual 8.2: the header re-draws its title whenever the app's or the screen's title changes.
    # A screen closed while it was still being built (enter opens a checklist, F2 goes home before
    # it appears) leaves a header without its title widget, and the redraw raised NoMatches.
    async def set_title() -> None:
        try:
            self.query_one(HeaderTitle).update(self.format_title())
        except (NoScreen, NoMatches):
            pass

    self.watch(self.app, "title", set_title)
    self.watch(self.app, "sub_title", set_title)
    self.watch(self.screen, "title", set_title)
    self.watch(self.screen, "sub_title", set_title)


_dispatch_message = MessagePump._dispatch_message


async def _dispatch_or_report(self: MessagePump, message) -> None:  # type: ignore[no-untyped-def]
    # Textual 8.2: an exception in a handler (a screen's key, button or input handler) ends that
    # screen's message loop for good and then the app. The app reports it instead (one line, a
    # crash report) and the loop goes on with the next message; apps without that hook, and
    # tests that want the exception, get Textual's behaviour.
    try:
        await _dispatch_message(self, message)
    except CancelledError:
        raise
    except Exception as error:
        report = getattr(self.app, "report_internal_error", None)
        if report is None or not report(error):
            raise


def install() -> None:
    """Apply the guards (idempotent); the app calls this before it builds any screen."""
    MessagePump._dispatch_message = _dispatch_or_report  # type: ignore[method-assign]
    OptionList._move_page = _move_page_when_laid_out  # type: ignore[method-assign]
    Header._on_mount = _header_on_mount  # type: ignore[method-assign]
